"""Pacing: redraws that cost what the screen can afford."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.timer import Timer
from textual.widget import Widget

#: how long a paced redraw may wait past its budget for the next snapshot: a frame of its
#: own costs the whole screen's composing again (at max pace, 3 frames per snapshot)
LATE_BY = 0.5


class Pacer:
    """Spaces out a widget's redraws so that drawing takes at most ``share`` of the time,
    and comes no oftener than every ``min_interval`` seconds.

    A large plot costs plotext 0.1 s or more, and composing its region on the screen costs
    as much again; redrawn for every one of ~15 snapshots a second it would starve the UI
    and, through the GIL, the training thread too. Urgent redraws (a user's action, a
    paused or finished run) happen at once; others wait until the budget allows, and then
    happen once.
    """

    def __init__(
        self,
        owner: Widget,
        redraw: Callable[[], None],
        cost: Callable[[], float],
        share: float = 0.03,
        min_interval: float = 0.5,
    ) -> None:
        """Pace ``redraw`` of ``owner``; ``cost`` says what the last drawing took, in s."""
        self._owner, self._redraw, self._cost = owner, redraw, cost
        self.share, self.min_interval = share, min_interval
        self._last = -float("inf")
        self._timer: Timer | None = None

    def request(self, urgent: bool = False) -> None:
        """Redraw now if urgent or within budget, else once the budget allows: at the first
        request after that (with the other panels, in the same frame), or at the latest
        ``LATE_BY`` seconds later if none comes."""
        now = time.monotonic()
        due = self._last + max(self._cost() / self.share, self.min_interval)
        if urgent or now >= due:
            self.cancel()
            self._draw()
        elif self._timer is None:
            self._timer = self._owner.set_timer(due - now + LATE_BY, self._draw)

    def cancel(self) -> None:
        """Forget a pending redraw."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    @property
    def pending(self) -> bool:
        """True while a redraw waits for the budget."""
        return self._timer is not None

    def _draw(self) -> None:
        """Redraw and note when."""
        self._timer = None
        self._last = time.monotonic()
        self._redraw()
