"""The output map: what the network computes over its input space, with the data on top."""

from __future__ import annotations

import time

import numpy as np
from rich.console import Group, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container
from textual.events import Resize
from textual.widget import Widget
from textual.widgets import Static

from tui_backprop.app.widgets.canvas import half_block_lines, lines_renderable, merge_cells
from tui_backprop.app.widgets.pacing import Pacer
from tui_backprop.app.widgets.palette import (
    TEST_COLOR,
    TRAIN_COLOR,
    Palette,
    class_color,
    class_palette,
    mix,
    rgb,
    sequential_palette,
)
from tui_backprop.app.widgets.panel import SnapshotPanel
from tui_backprop.app.widgets.plotting import Figure, TimedPlot, finite_xy, round_axes
from tui_backprop.app.widgets.text import PLACEHOLDER, centred, fit_text, title_width
from tui_backprop.formatting import number
from tui_backprop.training.snapshot import OutputMap

#: shades per class, from unsure to sure
LEVELS = 12
#: colours of the regression scale
SEQUENTIAL_LEVELS = 48
SEQUENTIAL = sequential_palette(SEQUENTIAL_LEVELS)
#: the glyph of a training point
POINT = "●"
MUTED = Style(dim=True)
#: below this height the curve plot drops its title and axis label
CURVE_TITLE_HEIGHT, CURVE_LABEL_HEIGHT = 10, 16


def resample(grid: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Bilinear resampling of a (r, c, k) grid to (rows, cols, k), corners kept."""
    r, c = grid.shape[:2]
    ys, xs = np.linspace(0, r - 1, rows), np.linspace(0, c - 1, cols)
    y0 = np.clip(np.floor(ys).astype(int), 0, max(r - 2, 0))
    x0 = np.clip(np.floor(xs).astype(int), 0, max(c - 2, 0))
    y1, x1 = np.minimum(y0 + 1, r - 1), np.minimum(x0 + 1, c - 1)
    ty, tx = (ys - y0)[:, None, None], (xs - x0)[None, :, None]
    with np.errstate(invalid="ignore", over="ignore"):  # a diverging net's inf → NaN cells
        top = grid[y0][:, x0] * (1 - tx) + grid[y0][:, x1] * tx
        bottom = grid[y1][:, x0] * (1 - tx) + grid[y1][:, x1] * tx
        return top * (1 - ty) + bottom * ty


def class_indices(outputs: np.ndarray) -> tuple[np.ndarray, int]:
    """Palette indices (class-major, ``LEVELS`` shades) and the number of classes.

    One output is a ∈ [0, 1]: class a > 0.5, sure as |2a − 1|. Several outputs: the argmax
    class, sure as far as its share rises above the uniform 1/k.
    """
    k = outputs.shape[-1]
    if k == 1:
        a = np.clip(np.nan_to_num(outputs[..., 0], nan=0.5), 0.0, 1.0)
        label, sure = (a > 0.5).astype(int), np.abs(2 * a - 1)
        classes = 2
    else:
        positive = np.clip(np.nan_to_num(outputs), 0.0, None) + 1e-12
        share = positive / positive.sum(axis=-1, keepdims=True)
        label = share.argmax(axis=-1)
        sure = (share.max(axis=-1) - 1 / k) / (1 - 1 / k)
        classes = k
    level = np.rint(np.clip(sure, 0, 1) * (LEVELS - 1)).astype(int)
    return label * LEVELS + level, classes


def scale_indices(values: np.ndarray, low: float, high: float) -> np.ndarray:
    """Palette indices on the sequential scale from ``low`` to ``high`` (NaN last)."""
    span = high - low if high > low else 1.0
    with np.errstate(invalid="ignore"):
        levels = np.rint(np.clip((values - low) / span, 0, 1) * (SEQUENTIAL_LEVELS - 1))
    return np.where(np.isfinite(values), levels, SEQUENTIAL_LEVELS).astype(int)


class PlaneView(Widget):
    """The output over a 2-input plane in half-blocks, square pixels, points on top."""

    can_focus = False

    def __init__(self, *, classes: str | None = None) -> None:
        """Start with nothing to draw."""
        super().__init__(classes=classes)
        self.output_map: OutputMap | None = None
        self.render_seconds = 0.0
        self._palettes: dict[int, Palette] = {}

    def show(self, output_map: OutputMap) -> None:
        """Draw a new map."""
        self.output_map = output_map
        self.refresh()

    def render(self) -> RenderableType:
        """The title, the square plane, and the legend, sized to the widget (timed)."""
        start = time.perf_counter()
        renderable = self._render_plane()
        self.render_seconds = time.perf_counter() - start
        return renderable

    def _render_plane(self) -> RenderableType:
        """The title, the square plane, and the legend, sized to the widget."""
        om = self.output_map
        width, height = self.size.width, self.size.height
        if om is None or width < 2 or height < 1:
            return Text("")
        framed = height >= 5  # room for a title and a legend line
        lines = height - 2 if framed else height
        side = max(min(width, 2 * lines), 2)  # pixels: columns = rows, so square on screen
        classification = om.point_labels is not None
        palette, pixels, low, high = self._pixels(om, side, classification)
        glyphs = self._glyphs(om, side, palette, classification, low, high)
        margin = (width - side) // 2
        body = half_block_lines(pixels, palette, glyphs)
        body = [[Segment(" " * margin), *line] for line in body]
        if not framed:
            return lines_renderable(body)
        title = self._title(om, width, classification)
        legend = self._legend(om, palette, width, classification, low, high)
        return Group(title, lines_renderable(body), lines_renderable([legend]))

    def _pixels(
        self, om: OutputMap, side: int, classification: bool
    ) -> tuple[Palette, np.ndarray, float, float]:
        """The palette and the (side, side) palette indices, top row = highest y."""
        grid = resample(np.asarray(om.outputs, dtype=float), side, side)[::-1]
        if classification:
            indices, classes = class_indices(grid)
            palette = self._palettes.get(classes)
            if palette is None:
                palette = self._palettes[classes] = class_palette(classes, LEVELS)
            return palette, indices, 0.0, 1.0
        values = grid[..., 0]
        targets = np.asarray(om.point_targets, dtype=float)[:, 0]
        both = np.concatenate([values.ravel(), targets])
        both = both[np.isfinite(both)]
        low, high = (float(both.min()), float(both.max())) if both.size else (0.0, 1.0)
        return SEQUENTIAL, scale_indices(values, low, high), low, high

    @staticmethod
    def _glyphs(
        om: OutputMap,
        side: int,
        palette: Palette,
        classification: bool,
        low: float,
        high: float,
    ) -> dict[tuple[int, int], tuple[str, Style]]:
        """Training points as dots in their class's (or target's) colour, at most a third
        of the cells so that the map stays visible on a small panel."""
        (x0, x1), (y0, y1) = om.x_range, om.y_range
        cells = side * (side // 2)
        count = min(len(om.points), max(cells // 3, 8))
        points = np.asarray(om.points[:count], dtype=float)
        cols = np.rint((points[:, 0] - x0) / (x1 - x0 or 1) * (side - 1)).astype(int)
        rows = np.rint((points[:, 1] - y0) / (y1 - y0 or 1) * (side - 1)).astype(int)
        lines = (side - 1 - rows) // 2
        inside = (cols >= 0) & (cols < side) & (lines >= 0) & (lines < (side + 1) // 2)
        if classification:
            labels = np.asarray(om.point_labels)[:count]
            styles = {
                int(c): Style(color=rgb(mix(class_color(c), (255, 255, 255), 0.35)), bold=True)
                for c in np.unique(labels)
            }
            colors = [styles[int(c)] for c in labels]
        else:
            targets = np.asarray(om.point_targets, dtype=float)[:count, 0]
            indices = scale_indices(targets, low, high)
            colors = [palette.style(int(i)) for i in indices]
        return {
            (int(line), int(col)): (POINT, style)
            for line, col, style, keep in zip(lines, cols, colors, inside)
            if keep
        }

    @staticmethod
    def _title(om: OutputMap, width: int, classification: bool) -> Text:
        """What the colours are, shortened to fit."""
        if classification:
            candidates = ["predicted class over the input plane · ● training points"]
            candidates += ["predicted class · ● points", "predicted class"]
        else:
            candidates = ["output a^L over the input plane · ● targets", "output a^L", "a^L"]
        text = centred(fit_text(candidates, width), width)
        return Text(text, style=Style(bold=True), no_wrap=True, overflow="crop")

    @staticmethod
    def _legend(
        om: OutputMap,
        palette: Palette,
        width: int,
        classification: bool,
        low: float,
        high: float,
    ) -> list[Segment]:
        """Class swatches (brighter = surer), or the colour scale with its numbers."""
        cells: list[tuple[str, Style]] = []
        if classification:
            classes = len(palette) // LEVELS
            for c in range(classes):
                cells += [("■", palette.style(c * LEVELS + LEVELS - 1)), (f" {c}  ", MUTED)]
            hint = "brighter = surer"
        else:
            cells.append((f"{number(low)} ", MUTED))
            for i in np.linspace(0, SEQUENTIAL_LEVELS - 1, 12).round().astype(int):
                cells.append(("█", SEQUENTIAL.style(int(i))))
            cells.append((f" {number(high)}  ", MUTED))
            hint = ""
        (x0, x1) = om.x_range
        used = sum(len(text) for text, _ in cells)
        for extra in (hint, f"x₁, x₂ ∈ [{number(x0, 2)}, {number(x1, 2)}]"):
            if extra and used + len(extra) + 2 <= width:
                cells.append((extra + "  ", MUTED))
                used += len(extra) + 2
        segments = merge_cells(cells)
        margin = max((width - used) // 2, 0)  # lines too long are cropped by Textual
        return [Segment(" " * margin), *segments]


class OutputMapPanel(SnapshotPanel):
    """The decision regions (or output surface, or curve) of the network, with the data."""

    can_focus = False

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        """Start empty, showing the placeholder."""
        super().__init__(name=name, id=id, classes=classes)
        self._placeholder = Static(PLACEHOLDER, classes="panel-placeholder")
        self._plane = PlaneView(classes="map-plane")
        self._curve = TimedPlot(classes="map-curve")
        self._pacer = Pacer(self, self._draw, self._drawing_seconds)
        self.add_class("-empty")

    def compose(self) -> ComposeResult:
        """The placeholder (or note), the plane view and the curve plot."""
        yield self._placeholder
        with Container(classes="panel-body"):
            yield self._plane
            yield self._curve

    # -- what the shell calls -------------------------------------------------------------

    def note(self) -> str:
        """The text shown instead of a map ("" while a map shows)."""
        if self._snapshot is None:
            return PLACEHOLDER
        if self._snapshot.output_map is None:
            inputs = self._snapshot.sizes[0]
            return f"The output map needs a dataset with 1 or 2 inputs (this one has {inputs})"
        return ""

    # -- drawing ----------------------------------------------------------------------

    def on_resize(self, _: Resize) -> None:
        """Redraw: the curve's title and label depend on the height."""
        self._pacer.request(urgent=True)

    def _drawing_seconds(self) -> float:
        """What the last drawing of the map (plane or curve) took."""
        return max(self._plane.render_seconds, self._curve.render_seconds)

    def _draw(self) -> None:
        """Show the plane, the curve, or the note, as the snapshot allows."""
        note = self.note()
        self.set_class(bool(note), "-empty")
        self._placeholder.update(note)
        if note or self._snapshot is None or self._snapshot.output_map is None:
            return
        om = self._snapshot.output_map
        self.set_class(om.kind == "curve", "-curve")
        if om.kind == "curve":
            self._draw_curve(om)
        else:
            self._plane.show(om)

    def _draw_curve(self, om: OutputMap) -> None:
        """The prediction a^L(x) as a line over the training points."""
        fig = Figure()
        width, height = self.size
        labelled = height >= CURVE_TITLE_HEIGHT  # a legend on a small plot hides the data
        points = np.asarray(om.points, dtype=float)[:, 0]
        targets = np.asarray(om.point_targets, dtype=float)[:, 0]
        xs, ys = finite_xy(points, targets)
        fig.scatter(xs, ys, color=TEST_COLOR, marker="•", label="data" if labelled else None)
        curve_x, curve_y = finite_xy(np.asarray(om.xs), np.asarray(om.outputs)[:, 0])
        if curve_x:
            label = "network a^L(x)" if labelled else None
            fig.plot(curve_x, curve_y, color=TRAIN_COLOR, marker="braille", label=label)
        round_axes(fig, xs + curve_x, ys + curve_y, (width, height))
        if labelled:
            titles = ["network output a^L(x) over the training data", "a^L(x) and the data"]
            fig.title(fit_text(titles, title_width(width)))
        if height >= CURVE_LABEL_HEIGHT:
            fig.xlabel("x")
        self._curve.show_figure(fig)
