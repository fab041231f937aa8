"""Ctrl-C (SIGINT) and SIGTERM during a headless run: stop cleanly, then, if asked again, now.

The first signal asks the run to stop after the current mini-batch (``stop``), so that the
completed epochs are written and the network is whole; a second signal of either kind
raises ``KeyboardInterrupt`` at once. A signal that arrives before there is a run to stop
raises ``KeyboardInterrupt`` too. Each signal gets its own exit status: 128 + its number
(130 for SIGINT, 143 for SIGTERM), as a shell reports a process killed by it.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

#: the signals that end a headless run
HANDLED = tuple(sig for sig in (signal.SIGINT, getattr(signal, "SIGTERM", None)) if sig is not None)


def exit_status(signum: int) -> int:
    """The conventional status of a process ended by a signal: 128 + its number."""
    return 128 + int(signum)


class Interrupts:
    """Which signal arrived (``received``), and what to call on the first one."""

    def __init__(self) -> None:
        """No signal yet, nothing to stop yet."""
        self.received: int | None = None
        self.stop: Callable[[], None] | None = None

    def handle(self, signum: int, frame: FrameType | None) -> None:
        """The handler: stop the run the first time, raise KeyboardInterrupt otherwise."""
        first = self.received is None
        if first:
            self.received = signum
        if first and self.stop is not None:
            self.stop()
            return
        raise KeyboardInterrupt

    @property
    def status(self) -> int | None:
        """The exit status the received signal calls for (None when there was none)."""
        return None if self.received is None else exit_status(self.received)

    @property
    def name(self) -> str:
        """The received signal's name, such as "SIGTERM"."""
        return signal.Signals(self.received).name if self.received is not None else ""


@contextmanager
def stop_on_signals() -> Iterator[Interrupts]:
    """Handle SIGINT and SIGTERM in the block (main thread only); restore the handlers after."""
    interrupts = Interrupts()
    if threading.current_thread() is not threading.main_thread():
        yield interrupts  # only the main thread may install handlers (tests in threads)
        return
    previous = {sig: signal.signal(sig, interrupts.handle) for sig in HANDLED}
    try:
        yield interrupts
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
