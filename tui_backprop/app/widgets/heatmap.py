"""The errors δ^l of the latest mini-batch as a heatmap: neurons down, samples across."""

from __future__ import annotations

import math
import time

import numpy as np
from rich.console import Group, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.events import Click
from textual.reactive import reactive

from tui_backprop.app.widgets.canvas import half_block_lines, lines_renderable, merge_cells
from tui_backprop.app.widgets.pacing import Pacer
from tui_backprop.app.widgets.palette import Palette, diverging_palette
from tui_backprop.app.widgets.panel import SnapshotPanel
from tui_backprop.app.widgets.text import PLACEHOLDER, centred, fit_text, note_in_middle
from tui_backprop.formatting import counted
from tui_backprop.training import RunState, Snapshot
from tui_backprop.training.saturation import LayerSaturation

#: colour levels on each side of 0
HALF_LEVELS = 16
#: widest and tallest a matrix cell is drawn (columns; pixel rows are square to columns)
MAX_CELL = 8
PALETTE = diverging_palette(HALF_LEVELS)
NAN_INDEX = 2 * HALF_LEVELS + 1
#: a saturated or dead neuron is marked left of its row in this colour (one column, a gap)
MARK_COLOR = (230, 159, 0)
MARK_INDEX = NAN_INDEX + 1
MARKED_PALETTE = Palette(np.vstack([PALETTE.rgb, np.array([MARK_COLOR], dtype=np.uint8)]))
GUTTER = 2
TITLE_STYLE = Style(bold=True)
MUTED = Style(dim=True)


def group_max_magnitude(matrix: np.ndarray, bins: int, axis: int) -> np.ndarray:
    """The rows (axis 0) or columns (axis 1) gathered into ``bins`` near-equal runs, each
    kept as its signed value of largest magnitude (NaN wins, so that it stays visible).

    One large error never averages away; runs differ in length by at most one, so that the
    grouped matrix fills the space it is given.
    """
    count = matrix.shape[axis]
    if bins >= count or bins < 1:
        return matrix
    starts = np.linspace(0, count, bins + 1).astype(int)[:-1]
    high = np.maximum.reduceat(matrix, starts, axis=axis)  # NaN propagates through both
    low = np.minimum.reduceat(matrix, starts, axis=axis)
    return np.where(np.abs(low) > np.abs(high), low, high)


def group_any(mask: np.ndarray, bins: int) -> np.ndarray:
    """A boolean per neuron gathered into ``bins`` runs as ``group_max_magnitude`` does:
    True when any neuron of the run is."""
    if bins >= mask.size or bins < 1:
        return mask
    starts = np.linspace(0, mask.size, bins + 1).astype(int)[:-1]
    return np.logical_or.reduceat(mask, starts)


def color_indices(matrix: np.ndarray, scale: float) -> np.ndarray:
    """Palette indices for values on the symmetric scale ±``scale`` (NaN gets its own)."""
    with np.errstate(invalid="ignore"):
        levels = np.rint(np.clip(matrix / scale, -1.0, 1.0) * HALF_LEVELS) + HALF_LEVELS
    return np.where(np.isfinite(matrix), levels, NAN_INDEX).astype(int)


class DeltaHeatmap(SnapshotPanel):
    """δ^l of the latest mini-batch for one layer, blue < 0 < red on a symmetric scale."""

    can_focus = False
    layer_index: reactive[int] = reactive(0)
    """The engine index of the layer shown (0 = first hidden); not ``layer``, which is
    Textual's CSS layer."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        """Start empty, showing the placeholder."""
        super().__init__(name=name, id=id, classes=classes)
        self._render_seconds = 0.0
        self._pacer = Pacer(self, self.refresh, lambda: self._render_seconds)

    # -- what the shell calls -------------------------------------------------------------

    def show(self, snapshot: Snapshot) -> None:
        """Draw δ of the current layer from a new snapshot (paced while the run runs)."""
        self._snapshot = snapshot  # the number of layers comes from it
        self.layer_index = self.validate_layer_index(self.layer_index)
        super().show(snapshot)

    def next_layer(self) -> None:
        """Show the next layer, wrapping from the output layer to the first hidden one."""
        self.layer_index = (
            (self.layer_index + 1) % self._layer_count() if self._layer_count() else 0
        )

    def previous_layer(self) -> None:
        """Show the previous layer, wrapping from the first hidden layer to the output."""
        self.layer_index = (
            (self.layer_index - 1) % self._layer_count() if self._layer_count() else 0
        )

    @property
    def matrix_shape(self) -> tuple[int, int] | None:
        """(neurons, samples) of the matrix shown now, or None before any snapshot."""
        if self._snapshot is None:
            return None
        samples, neurons = self._snapshot.delta[self.layer_index].shape
        return neurons, samples

    # -- reactive plumbing -------------------------------------------------------------

    def validate_layer_index(self, layer: int) -> int:
        """Keep the layer index within the network's layers."""
        count = self._layer_count()
        return min(max(layer, 0), count - 1) if count else 0

    def watch_layer_index(self) -> None:
        """Redraw when the layer changes."""
        self._pacer.request(urgent=True)

    def on_click(self, event: Click) -> None:
        """A click shows the next layer (shift+click the previous one)."""
        if event.shift:
            self.previous_layer()
        else:
            self.next_layer()

    def _layer_count(self) -> int:
        """How many layers the current snapshot has (0 before any)."""
        return len(self._snapshot.delta) if self._snapshot is not None else 0

    # -- drawing ----------------------------------------------------------------------

    def render(self) -> RenderableType:
        """The title, the matrix and the colour legend, sized to the widget (timed)."""
        start = time.perf_counter()
        renderable = self._render_matrix()
        self._render_seconds = time.perf_counter() - start
        return renderable

    def _render_matrix(self) -> RenderableType:
        """The title, the matrix and the colour legend, sized to the widget."""
        width, height = self.size.width, self.size.height
        if self._snapshot is None:
            return note_in_middle(PLACEHOLDER, width, height)
        delta = self._snapshot.delta[self.layer_index].T  # neurons as rows, samples as columns
        title = Text(centred(self._title(width), width), style=TITLE_STYLE, no_wrap=True)
        if delta.shape[1] == 0:
            notes = ["δ appears after the first mini-batch", "δ appears after a step"]
            if self._snapshot.state != RunState.RUNNING:
                notes = [f"{notes[0]} ({PLACEHOLDER})", f"{notes[1]}: {PLACEHOLDER}", PLACEHOLDER]
            note = fit_text(notes, width)
            return Group(title, note_in_middle(note, width, height - 1))
        finite = np.abs(delta[np.isfinite(delta)])
        largest = float(finite.max()) if finite.size else 0.0
        scale = largest if largest > 0 else 1.0
        caption_lines = 2 if height >= 12 else 1 if height >= 4 else 0
        pixel_rows = max(2 * (height - 1 - caption_lines), 2)
        saturation = self._saturation()
        room = width - GUTTER if saturation is not None else width
        matrix, row_group, col_group = self._fit(delta, room, pixel_rows)
        marks = None if saturation is None else group_any(saturation.mask, matrix.shape[0])
        lines = self._matrix_lines(matrix, scale, width, pixel_rows, marks)
        parts: list[RenderableType] = [title, lines_renderable(lines)]
        if caption_lines and largest == 0:
            note = "δ = 0 everywhere" if finite.size else "δ is NaN everywhere (black)"
            parts.append(Text(centred(note, width), style=MUTED, no_wrap=True))
        elif caption_lines:
            parts.append(lines_renderable([self._legend(scale, width)]))
        if caption_lines > 1:
            note = ""
            if saturation is not None:
                note = f"▌ {saturation.count}/{saturation.mask.size} {saturation.kind}"
            parts.append(self._caption(row_group, col_group, width, note))
        return Group(*parts)

    def _saturation(self) -> LayerSaturation | None:
        """The saturated or dead neurons of the layer shown (None where not measured)."""
        assert self._snapshot is not None
        layers = self._snapshot.saturation
        if self.layer_index >= len(layers) or not layers[self.layer_index].kind:
            return None
        layer = layers[self.layer_index]
        neurons = self._snapshot.delta[self.layer_index].shape[1]
        return layer if layer.mask.size == neurons else None

    def _title(self, width: int) -> str:
        """The title, δ^l  layer k of N  (n neurons × m samples), shortened to fit; before
        the first step, the neurons only; on an epoch's last, partial batch, said so."""
        assert self._snapshot is not None
        count = len(self._snapshot.delta)
        k = self.layer_index + 1
        samples, neurons = self._snapshot.delta[self.layer_index].shape
        role = "output" if k == count else "hidden"
        if samples == 0:
            sizes = [counted(neurons, "neuron")] * 3 + [f"{neurons}"]
        else:
            last = "" if samples >= self._snapshot.batch_size else ", last batch"
            sizes = [
                f"{counted(neurons, 'neuron')} × {counted(samples, 'sample')}{last}",
                f"{counted(neurons, 'neuron')} × {counted(samples, 'sample')}{last}",
                f"{neurons} × {samples}{last}",
                f"{neurons}×{samples}",
            ]
        return fit_text(
            [
                f"δ^{k}  layer {k} of {count} ({role})  ({sizes[0]})",
                f"δ^{k}  layer {k} of {count}  ({sizes[1]})",
                f"δ^{k}  layer {k}/{count}  ({sizes[2]})",
                f"δ^{k} {k}/{count} {sizes[3]}",
            ],
            width,
        )

    @staticmethod
    def _fit(delta: np.ndarray, width: int, pixel_rows: int) -> tuple[np.ndarray, int, int]:
        """Group rows and columns until the matrix fits; returns it and the largest groups."""
        neurons, samples = delta.shape
        rows, cols = min(neurons, pixel_rows), min(samples, max(width, 1))
        binned = group_max_magnitude(delta, rows, axis=0)
        binned = group_max_magnitude(binned, cols, axis=1)
        return binned, math.ceil(neurons / rows), math.ceil(samples / cols)

    @staticmethod
    def _matrix_lines(
        matrix: np.ndarray,
        scale: float,
        width: int,
        pixel_rows: int,
        marks: np.ndarray | None = None,
    ) -> list[list[Segment]]:
        """Half-block lines of the coloured matrix, cells scaled up when few, centred; with
        ``marks`` (one per row), a column marking saturated or dead neurons on the left."""
        rows, cols = matrix.shape
        room = width - GUTTER if marks is not None else width
        cell_width = max(1, min(room // cols, MAX_CELL))
        cell_height = max(1, min(pixel_rows // rows, cell_width))
        indices = color_indices(matrix, scale)
        pixels = np.repeat(np.repeat(indices, cell_height, axis=0), cell_width, axis=1)
        if marks is not None:
            column = np.repeat(np.where(marks, MARK_INDEX, -1), cell_height)[:, None]
            gap = np.full_like(column, -1)
            pixels = np.hstack([column, gap, pixels])
        margin = (width - pixels.shape[1]) // 2
        if margin > 0:
            pixels = np.pad(pixels, ((0, 0), (margin, 0)), constant_values=-1)
        return half_block_lines(pixels, MARKED_PALETTE)

    @staticmethod
    def _legend(scale: float, width: int) -> list[Segment]:
        """A colour bar from −max|δ| through 0 to +max|δ|, with the numbers."""
        low, high = f"−{scale:.2g}", f"+{scale:.2g}"
        bar_width = max(min(width - len(low) - len(high) - 5, 2 * HALF_LEVELS + 1), 0)
        levels = np.linspace(0, 2 * HALF_LEVELS, bar_width).round().astype(int) if bar_width else []
        half = bar_width // 2
        cells = [(low + " ", MUTED)]
        cells += [("█", PALETTE.style(int(i))) for i in levels[:half]]
        cells += [("0" if bar_width >= 7 else "", MUTED)]
        cells += [("█", PALETTE.style(int(i))) for i in levels[half:]]
        cells += [(" " + high, MUTED)]
        segments = merge_cells([c for c in cells if c[0]])
        used = sum(len(s.text) for s in segments)
        margin = max((width - used) // 2, 0)
        return [Segment(" " * margin), *segments] if used <= width else segments

    def _caption(self, row_group: int, col_group: int, width: int, note: str = "") -> Text:
        """What the axes are, how cells were grouped when the matrix did not fit, and the
        ``note`` on marked neurons."""
        grouped = []
        if row_group > 1:
            grouped.append(f"up to {row_group} neurons")
        if col_group > 1:
            grouped.append(f"up to {col_group} samples")
        long = "rows: neurons · columns: samples of the mini-batch"
        short = "rows: neurons · columns: samples"
        assert self._snapshot is not None
        m = self._snapshot.batch_size
        if 0 < self._snapshot.delta[0].shape[0] < m:  # n is not a multiple of m
            long = f"columns: the samples left for the epoch's last batch (fewer than m = {m})"
            short = f"columns: the epoch's last batch (< m = {m})"
        if grouped:
            long += f" · a cell = largest |δ| of {' × '.join(grouped)}"
        candidates = [long, short, "neurons × samples"]
        if note:
            candidates = [f"{note} · {c}" for c in candidates] + [note]
        text = fit_text(candidates, width)
        return Text(centred(text, width), style=MUTED, no_wrap=True, overflow="crop")
