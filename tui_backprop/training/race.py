"""Chapter 2's race: backprop against finite differences on one network and mini-batch.

"Why backprop is fast": the finite difference ∂C/∂w_j ≈ (C(w + εe_j) − C(w))/ε needs one
forward pass per parameter and one more for C(w) — P + 1 passes for P parameters, chapter
2's count — and the centred difference two per parameter (2P); backprop gets every
∂C/∂w_j from one forward and one backward pass. The race runs all three on a private copy
of the network, reports its progress as it goes and can be stopped between parameters.
No Textual, no threads here: the caller's worker runs ``run_race`` and passes in how to
report and when to stop.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from tui_backprop.engine import Network
from tui_backprop.engine.gradcheck import (
    TIMING_SECONDS,
    Cancelled,
    LayerError,
    layer_errors,
    numerical_gradient,
    time_backprop,
)

#: the runners, in the order they race
BACKPROP, ONE_SIDED, CENTRED = "backprop", "one-sided", "centred"
#: the engine's name of each finite-difference method
METHODS = {ONE_SIDED: "one_sided", CENTRED: "centred"}
#: at most this often a report of progress goes out, in seconds
REPORT_INTERVAL = 0.1


@dataclass(frozen=True)
class Leg:
    """One runner's race: forward passes of the mini-batch made and needed, and the time."""

    name: str
    passes: int
    needed: int
    seconds: float
    finished: bool = False
    cancelled: bool = False
    #: the largest relative error of backprop against this estimate, per layer (when done)
    layers: tuple[LayerError, ...] = ()

    @property
    def share_done(self) -> float:
        """How far the runner got, from 0 to 1."""
        return min(self.passes / self.needed, 1.0) if self.needed else 1.0


@dataclass(frozen=True)
class RaceReport:
    """The race so far: the network's size and each runner's leg."""

    sizes: tuple[int, ...]
    num_params: int
    m: int
    legs: tuple[Leg, ...]

    @property
    def chapter2_count(self) -> int:
        """Chapter 2's count of forward passes for the finite differences: P + 1."""
        return self.num_params + 1

    def leg(self, name: str) -> Leg:
        """The leg of one runner."""
        return next(leg for leg in self.legs if leg.name == name)

    def ratio(self, name: str) -> float | None:
        """How many times longer a finished runner took than backprop (None before)."""
        backprop, other = self.leg(BACKPROP), self.leg(name)
        if not (backprop.finished and other.finished) or backprop.seconds <= 0:
            return None
        return other.seconds / backprop.seconds

    @property
    def finished(self) -> bool:
        """True when every runner has finished (or the race was stopped)."""
        return all(leg.finished or leg.cancelled for leg in self.legs)


def run_race(
    net: Network,
    X: np.ndarray,
    Y: np.ndarray,
    report: Callable[[RaceReport], None],
    should_stop: Callable[[], bool] = lambda: False,
) -> RaceReport:
    """Race backprop, the one-sided and the centred difference on a copy of ``net``.

    ``report`` receives the race so far at most every REPORT_INTERVAL seconds and once at
    the end; ``should_stop`` is polled after every parameter. Returns the last report.
    """
    return _Race(net.copy(), X, Y, report, should_stop).run()


class _Race:
    """One race's state: the private network, the legs so far, and when it last reported."""

    def __init__(self, twin: Network, X, Y, report, should_stop) -> None:
        """Every leg at its start."""
        self.twin, self.X, self.Y = twin, X, Y
        self.report, self.should_stop = report, should_stop
        P = twin.num_params
        self.legs = {
            BACKPROP: Leg(BACKPROP, 0, 2, 0.0),
            ONE_SIDED: Leg(ONE_SIDED, 0, P + 1, 0.0),
            CENTRED: Leg(CENTRED, 0, 2 * P, 0.0),
        }
        self.running, self.started, self.last = BACKPROP, 0.0, 0.0

    def current(self) -> RaceReport:
        """The race so far."""
        twin = self.twin
        return RaceReport(
            tuple(twin.sizes), twin.num_params, len(self.X), tuple(self.legs.values())
        )

    def run(self) -> RaceReport:
        """Backprop, then each finite difference in turn, until done or stopped."""
        self.report(self.current())
        seconds, exact = time_backprop(self.twin, self.X, self.Y)
        self.legs[BACKPROP] = replace(self.legs[BACKPROP], passes=2, seconds=seconds, finished=True)
        self.report(self.current())
        for name, method in METHODS.items():
            self.running = name
            self.started = self.last = time.perf_counter()
            try:
                numeric = numerical_gradient(
                    self.twin,
                    self.X,
                    self.Y,
                    method=method,
                    progress=self.progress,
                    should_stop=self.should_stop,
                )
            except Cancelled as stop:
                self.legs[name] = replace(
                    self.legs[name], passes=stop.passes, seconds=stop.seconds, cancelled=True
                )
                for later, leg in self.legs.items():  # the runners that never started
                    if not (leg.finished or leg.cancelled):
                        self.legs[later] = replace(leg, cancelled=True)
                break
            errors = layer_errors(exact, numeric)
            self.legs[name] = replace(
                self.legs[name],
                passes=numeric.forward_passes,
                seconds=self.shortest(method, numeric.seconds),
                finished=True,
                layers=errors,
            )
            self.report(self.current())
        final = self.current()
        self.report(final)
        return final

    def shortest(self, method: str, first: float) -> float:
        """A leg shorter than TIMING_SECONDS timed again as backprop is: the shortest of
        repeats lasting that long. A single run of a few passes is mostly start-up, which
        made the one-sided difference (P + 1 passes) look slower than the centred (2P)."""
        best, started = first, time.perf_counter()
        while time.perf_counter() - started < TIMING_SECONDS - first and not self.should_stop():
            again = numerical_gradient(self.twin, self.X, self.Y, method=method)
            best = min(best, again.seconds)
        return best

    def progress(self, done: int, total: int, passes: int) -> None:
        """Report the running leg at most every REPORT_INTERVAL seconds."""
        now = time.perf_counter()
        if now - self.last >= REPORT_INTERVAL:
            self.last = now
            leg = self.legs[self.running]
            self.legs[self.running] = replace(leg, passes=passes, seconds=now - self.started)
            self.report(self.current())
