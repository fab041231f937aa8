"""Plots: series thinned to the plot's resolution, round ticks, and a recorded figure.

Plotext is slow and keeps state between calls, so a panel records its plotext calls in a
``Figure`` and a ``TimedPlot`` replays them at each render, timing it for the ``Pacer``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from textual.app import RenderResult
from textual_plotext import PlotextPlot

from tui_backprop.formatting import plain


def decimate(count: int, limit: int) -> np.ndarray | slice:
    """Indices picking at most ``limit`` of ``count`` rows evenly, keeping the last one."""
    if count <= limit:
        return slice(None)
    return np.unique(np.linspace(0, count - 1, max(limit, 2)).round().astype(int))


def finite_xy(
    x: np.ndarray, y: np.ndarray, positive: bool = False, limit: int = 1024
) -> tuple[list[float], list[float]]:
    """At most ``limit`` (x, y) pairs with finite values (and y > 0 when ``positive``).

    Plotext wants plain lists; the log scale cannot show y <= 0.
    """
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = np.isfinite(y) & np.isfinite(x)
    if positive:
        keep &= y > 0
    x, y = x[keep], y[keep]
    pick = decimate(len(x), limit)
    return x[pick].tolist(), y[pick].tolist()


def nice_ticks(low: float, high: float, count: int, whole: bool = False) -> list[float]:
    """At most about ``count`` round ticks (1, 2 or 5 × 10^k apart) covering [low, high];
    ``whole``: at least 1 apart (an axis of steps has no step 0.75)."""
    if not (np.isfinite(low) and np.isfinite(high)) or high <= low or count < 1:
        return [low] if np.isfinite(low) else []
    raw = max((high - low) / count, 1.0 if whole else 0.0)
    power = 10 ** np.floor(np.log10(raw))
    # allow steps a little below the raw step: 200 for 240 gives 4 ticks rather than 1
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= 0.75 * raw)
    first = np.ceil(low / step - 1e-9) * step
    ticks = np.arange(first, high + step * 1e-9, step)
    return [float(round(t, 12)) + 0.0 for t in ticks]  # + 0.0 turns -0.0 into 0.0


def log_ticks(low: float, high: float, count: int) -> list[float]:
    """Round ticks for a log axis: powers of ten (thinned to ``count``), or 1-2-5 steps
    when the data span less than two decades, or linear round ticks within one."""
    if not (low > 0 and high > 0 and np.isfinite(low) and np.isfinite(high)):
        return []
    # 10.0**309 overflows: the exponents stay within the floats' range
    first = max(int(np.floor(np.log10(low))), -323)
    last = min(int(np.ceil(np.log10(high))), 308)
    if last - first < 2:
        candidates = [m * 10.0**e for e in range(first, last + 1) for m in (1, 2, 5)]
        ticks = [t for t in candidates if low <= t <= high]
        if len(ticks) >= 2:
            return ticks[:: max(1, int(np.ceil(len(ticks) / max(count, 1))))]
    stride = max(1, int(np.ceil((last - first + 1) / max(count, 1))))
    ticks = [10.0**e for e in range(first, last + 1, stride) if low <= 10.0**e <= high]
    if len(ticks) >= 2:
        return ticks
    # linear round ticks; a log axis cannot show 0 or below (plotext fails on its log)
    with np.errstate(all="ignore"):
        try:
            linear = nice_ticks(low, high, count)
        except (ValueError, StopIteration):  # a span too wide for arange, or to step
            linear = []
    return [t for t in linear if 0 < t < np.inf]


def bin_mean_xy(
    x: np.ndarray, y: np.ndarray, bins: int, log: bool = False
) -> tuple[list[float], list[float]]:
    """Finite (x, y) pairs reduced to at most ``bins`` means of neighbours (geometric means
    when ``log``): a decimation that also calms a noisy series to the plot's resolution."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = np.isfinite(x) & np.isfinite(y) & ((y > 0) if log else True)
    x, y = x[keep], y[keep]
    if len(x) <= bins or bins < 1:
        return x.tolist(), y.tolist()
    edges = np.linspace(0, len(x), bins + 1).astype(int)
    values = np.log10(y) if log else y
    mean_x = np.add.reduceat(x, edges[:-1]) / np.diff(edges)
    mean_v = np.add.reduceat(values, edges[:-1]) / np.diff(edges)
    return mean_x.tolist(), (10**mean_v if log else mean_v).tolist()


def round_axes(
    plt,  # a textual_plotext Plot, or a Figure recording for one
    xs: list[float],
    ys: list[float],
    size: tuple[int, int],
    log: bool = False,
    y_from_zero: bool = False,
    x_span: float = 0.0,
    x_whole: bool = False,
) -> None:
    """Round-numbered ticks for the data drawn (plotext's own would read 0.2, 10.2, 20.1).

    The x axis spans at least ``x_span`` (one epoch, ten steps), so that the first points
    do not stretch it to ticks such as "epoch 0.001"; ``x_whole``: whole-number x ticks.
    """
    if not xs or not ys:
        return
    width, height = size
    x_low = min(xs)
    x_high = max(max(xs), x_low + x_span)
    if x_high > x_low:
        plt.xlim(x_low, x_high)
        ticks = nice_ticks(x_low, x_high, max(width // 10, 2), whole=x_whole)
        plt.xticks(ticks, [plain(t) for t in ticks])
    y_low, y_high = (0.0 if y_from_zero and not log else min(ys)), max(ys)
    if y_high > y_low:
        count = max(height // 3, 2)
        ticks = log_ticks(y_low, y_high, count) if log else nice_ticks(y_low, y_high, count)
        if ticks:
            plt.yticks(ticks, [plain(t) for t in ticks])
        if y_from_zero and not log:
            plt.ylim(0.0, y_high)


class Figure:
    """Plotext calls recorded now, to be replayed onto a plot at every render.

    Plotext's ``build`` applies a log scale to the stored data *in place*, so building a
    figure twice (a resize, a theme change) takes the log of the logs and fails; replaying
    the calls onto a cleared figure before every build keeps each render independent.
    """

    METHODS = frozenset(
        {"plot", "scatter", "title", "xlabel", "xlim", "ylim", "xticks", "yticks", "yscale"}
    )

    def __init__(self) -> None:
        """Start with no calls."""
        self.calls: list[tuple[str, tuple, dict]] = []

    def __getattr__(self, name: str) -> Callable[..., None]:
        """A recorder for one of the plotext methods in ``METHODS``."""
        if name not in Figure.METHODS:
            raise AttributeError(name)
        return lambda *args, **kwargs: self.calls.append((name, args, kwargs))

    def replay(self, plt) -> None:
        """Make the calls on ``plt`` (a textual_plotext Plot), with fresh copies of lists."""
        plt.clear_figure()
        for name, args, kwargs in self.calls:
            args = tuple(list(arg) if isinstance(arg, list) else arg for arg in args)
            getattr(plt, name)(*args, **kwargs)


class TimedPlot(PlotextPlot):
    """A PlotextPlot drawing a recorded ``Figure``, timing each render (plotext is slow)."""

    render_seconds = 0.0

    def __init__(self, *, classes: str | None = None) -> None:
        """Start with an empty figure."""
        super().__init__(classes=classes)
        self.figure = Figure()

    def show_figure(self, figure: Figure) -> None:
        """Draw ``figure`` from now on."""
        self.figure = figure
        self.refresh()

    def render(self) -> RenderResult:
        """Replay the figure onto a cleared plot and render it, timing both."""
        start = time.perf_counter()
        self.figure.replay(self.plt)
        result = super().render()
        self.render_seconds = time.perf_counter() - start
        return result
