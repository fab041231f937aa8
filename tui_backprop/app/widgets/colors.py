"""What the panels share: colour maps, a half-block canvas, plot helpers and redraw pacing.

Colours are kept as small fixed palettes (arrays of RGB rows) and pixels as palette
indices, so that a frame of thousands of cells needs only a few hundred Rich styles,
cached per palette: building a ``Style`` per cell would cost ~0.1 s a frame.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from rich.color import Color
from rich.segment import Segment, SegmentLines
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.timer import Timer
from textual.widget import Widget
from textual_plotext import PlotextPlot

RGB = tuple[int, int, int]

#: the message every panel shows before the first snapshot
PLACEHOLDER = "press space to train"

#: one colour per class (matplotlib's tab10: distinct, and readable on dark and light)
CLASS_COLORS: tuple[RGB, ...] = (
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
)
#: one line colour per layer in the gradient plot (bright, so lines show on a dark plot)
LAYER_COLORS: tuple[RGB, ...] = (
    (86, 180, 233),
    (230, 159, 0),
    (0, 158, 115),
    (240, 228, 66),
    (204, 121, 167),
    (213, 94, 0),
    (0, 114, 178),
    (200, 200, 200),
)
TRAIN_COLOR: RGB = (86, 180, 233)
TEST_COLOR: RGB = (230, 159, 0)
BATCH_COLOR: RGB = (150, 150, 150)
#: what a class region fades to where the network is unsure
UNSURE_COLOR: RGB = (40, 40, 46)
NAN_COLOR: RGB = (0, 0, 0)

#: blue (negative) - light grey (0) - red (positive), after Moreland's "cool to warm"
_DIVERGING_ANCHORS = ((59, 76, 192), (221, 221, 221), (180, 4, 38))
#: dark violet - teal - yellow, after viridis
_SEQUENTIAL_ANCHORS = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37))


def layer_color(layer: int) -> RGB:
    """The line colour of a layer (engine index), cycling when there are many layers."""
    return LAYER_COLORS[layer % len(LAYER_COLORS)]


def class_color(label: int) -> RGB:
    """The colour of a class, cycling past ten classes."""
    return CLASS_COLORS[int(label) % len(CLASS_COLORS)]


def rgb(color: RGB) -> str:
    """A Rich colour string for an RGB triple."""
    return "rgb({},{},{})".format(*color)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """The colour a fraction ``t`` of the way from ``a`` to ``b``."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def _ramp(anchors: tuple[RGB, ...], count: int) -> np.ndarray:
    """``count`` colours interpolated evenly through the anchors, as a (count, 3) array."""
    stops = np.linspace(0.0, 1.0, len(anchors))
    where = np.linspace(0.0, 1.0, count)
    columns = [np.interp(where, stops, [c[i] for c in anchors]) for i in range(3)]
    return np.rint(np.column_stack(columns)).astype(np.uint8)


class Palette:
    """A fixed list of colours with cached Rich styles for half-block cells and glyphs."""

    def __init__(self, colors: np.ndarray) -> None:
        """Keep the (count, 3) RGB rows; styles are made on first use."""
        self.rgb = np.asarray(colors, dtype=np.uint8)
        self._colors = [Color.from_rgb(*map(int, row)) for row in self.rgb]
        self._styles: dict[tuple[int, int], Style] = {}

    def __len__(self) -> int:
        """The number of colours."""
        return len(self._colors)

    def style(self, fg: int, bg: int = -1) -> Style:
        """The style with colour ``fg`` on colour ``bg`` (-1: the terminal's own)."""
        key = (fg, bg)
        style = self._styles.get(key)
        if style is None:
            color = self._colors[fg] if fg >= 0 else None
            bgcolor = self._colors[bg] if bg >= 0 else None
            style = self._styles[key] = Style(color=color, bgcolor=bgcolor)
        return style


def diverging_palette(half: int) -> Palette:
    """``2 * half + 1`` colours from blue through grey (index ``half`` = 0) to red, then NaN."""
    colors = _ramp(_DIVERGING_ANCHORS, 2 * half + 1)
    return Palette(np.vstack([colors, np.array([NAN_COLOR], dtype=np.uint8)]))


def sequential_palette(count: int) -> Palette:
    """``count`` colours from dark violet (low) to yellow (high), then NaN."""
    colors = _ramp(_SEQUENTIAL_ANCHORS, count)
    return Palette(np.vstack([colors, np.array([NAN_COLOR], dtype=np.uint8)]))


def class_palette(classes: int, levels: int) -> Palette:
    """``levels`` shades per class, from unsure (dark) to sure (full colour), class-major."""
    rows = [
        mix(UNSURE_COLOR, class_color(c), 0.15 + 0.7 * level / max(levels - 1, 1))
        for c in range(classes)
        for level in range(levels)
    ]
    return Palette(np.array(rows + [NAN_COLOR], dtype=np.uint8))


def half_block_lines(
    pixels: np.ndarray,
    palette: Palette,
    glyphs: dict[tuple[int, int], tuple[str, Style]] | None = None,
) -> list[list[Segment]]:
    """Terminal lines for a (rows, cols) array of palette indices, two pixel rows a line.

    Each cell is "▀" with the upper pixel as foreground and the lower as background,
    so square pixels come out square. ``glyphs`` maps (line, col) to a character and a
    foreground style drawn over that cell (its background stays the cell's lower pixel).
    Runs of equal cells are merged into one segment to keep the output short.
    """
    if len(pixels) % 2:
        pixels = np.vstack([pixels, np.full((1, pixels.shape[1]), -1, dtype=pixels.dtype)])
    glyphs = glyphs or {}
    lines: list[list[Segment]] = []
    for line in range(len(pixels) // 2):
        top, bottom = pixels[2 * line].tolist(), pixels[2 * line + 1].tolist()
        cells = []
        for col, (upper, lower) in enumerate(zip(top, bottom)):
            glyph = glyphs.get((line, col))
            if glyph is not None:
                char, style = glyph
                cells.append((char, style + palette.style(-1, lower if lower >= 0 else upper)))
            elif upper < 0:
                cells.append((" ", palette.style(-1, -1)))
            else:
                cells.append(("▀", palette.style(upper, lower)))
        lines.append(merge_cells(cells))
    return lines


def merge_cells(cells: list[tuple[str, Style]]) -> list[Segment]:
    """Segments for a line of (text, style) cells, merging neighbours of the same style."""
    segments: list[Segment] = []
    text, style = "", None
    for char, cell_style in cells:
        if cell_style is style:
            text += char
            continue
        if text:
            segments.append(Segment(text, style))
        text, style = char, cell_style
    if text:
        segments.append(Segment(text, style))
    return segments


def lines_renderable(lines: list[list[Segment]]) -> SegmentLines:
    """A Rich renderable of prepared lines."""
    return SegmentLines(lines, new_lines=True)


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


_SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: np.ndarray, width: int, log: bool = False) -> str:
    """The last ``width`` finite values as block characters (higher = larger)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & ((values > 0) if log else True)]
    if width <= 0 or values.size == 0:
        return ""
    values = values[decimate(len(values), width)]
    if log:
        values = np.log10(values)
    low, high = float(values.min()), float(values.max())
    span = high - low or 1.0
    steps = np.rint((values - low) / span * (len(_SPARKS) - 1)).astype(int)
    return "".join(_SPARKS[i] for i in steps)


def title_width(plot_width: int) -> int:
    """The longest title plotext shows on a plot this wide (it drops longer ones)."""
    return plot_width - 4


def waiting_text(running: bool) -> str:
    """What a panel says before its first data: a hint, or patience while a run starts."""
    return "waiting for the first mini-batch…" if running else PLACEHOLDER


def note_in_middle(text: str, width: int, height: int) -> Text:
    """A dim note centred both ways in a ``width`` × ``height`` area."""
    return Text("\n" * max((height - 1) // 2, 0) + centred(text, width), style=Style(dim=True))


def centred(text: str, width: int) -> str:
    """``text`` with the spaces in front that centre it in ``width`` cells."""
    return " " * max((width - len(text)) // 2, 0) + text


def fit_text(candidates: list[str], width: int) -> str:
    """The first candidate that fits ``width`` cells, else the last one cut short."""
    for text in candidates:
        if len(text) <= width:
            return text
    return candidates[-1][: max(width, 0)]


def number(value: float | None, digits: int = 3) -> str:
    """A short number for titles and tables ("–" when missing or NaN)."""
    if value is None or not np.isfinite(value):
        return "–" if value is None or np.isnan(value) else str(value)
    return f"{value:.{digits}g}"


def nice_ticks(low: float, high: float, count: int) -> list[float]:
    """At most about ``count`` round ticks (1, 2 or 5 × 10^k apart) covering [low, high]."""
    if not (np.isfinite(low) and np.isfinite(high)) or high <= low or count < 1:
        return [low] if np.isfinite(low) else []
    raw = (high - low) / count
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
    first, last = int(np.floor(np.log10(low))), int(np.ceil(np.log10(high)))
    if last - first < 2:
        candidates = [m * 10.0**e for e in range(first, last + 1) for m in (1, 2, 5)]
        ticks = [t for t in candidates if low <= t <= high]
        if len(ticks) >= 2:
            return ticks[:: max(1, int(np.ceil(len(ticks) / max(count, 1))))]
    stride = max(1, int(np.ceil((last - first + 1) / max(count, 1))))
    ticks = [10.0**e for e in range(first, last + 1, stride) if low <= 10.0**e <= high]
    return ticks if len(ticks) >= 2 else nice_ticks(low, high, count)


def tick_label(value: float) -> str:
    """A tick's label: "0.001", "20", "1e-05"."""
    return f"{value:g}"


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
) -> None:
    """Round-numbered ticks for the data drawn (plotext's own would read 0.2, 10.2, 20.1)."""
    if not xs or not ys:
        return
    width, height = size
    x_low, x_high = min(xs), max(xs)
    if x_high > x_low:
        plt.xlim(x_low, x_high)
        ticks = nice_ticks(x_low, x_high, max(width // 10, 2))
        plt.xticks(ticks, [tick_label(t) for t in ticks])
    y_low, y_high = (0.0 if y_from_zero and not log else min(ys)), max(ys)
    if y_high > y_low:
        count = max(height // 3, 2)
        ticks = log_ticks(y_low, y_high, count) if log else nice_ticks(y_low, y_high, count)
        if ticks:
            plt.yticks(ticks, [tick_label(t) for t in ticks])
        if y_from_zero and not log:
            plt.ylim(0.0, y_high)


# -- pacing: redraws that cost what the screen can afford ---------------------------------


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
        """Redraw now if urgent or within budget, else once as soon as the budget allows."""
        now = time.monotonic()
        due = self._last + max(self._cost() / self.share, self.min_interval)
        if urgent or now >= due:
            self.cancel()
            self._draw()
        elif self._timer is None:
            self._timer = self._owner.set_timer(due - now, self._draw)

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
