"""Neuron maps: every hidden and output neuron's activation over the input plane, layer by
layer, each with its strongest incoming weights and, after a step, its ∂C/∂b (BP3).

One row of small half-block maps per layer (first hidden layer on top). A layer wider
than the panel shows as many neurons as fit, around the selected one, and counts the
rest. ← → choose a neuron, ↑ ↓ a layer; enter (or a click) opens the inspector on it.
The numbers come from the trainer's ``NeuronMaps`` (``tui_backprop.training.neuron_maps``).
"""

from __future__ import annotations

import numpy as np
from rich.console import RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.geometry import Region
from textual.message import Message
from textual.widget import Widget

from tui_backprop.app.widgets.canvas import half_block_lines, lines_renderable
from tui_backprop.app.widgets.palette import diverging_palette
from tui_backprop.formatting import counted, number
from tui_backprop.training import Snapshot
from tui_backprop.training.neuron_maps import STRONGEST, LayerMaps, NeuronMaps

#: colour levels each side of the middle of σ's range
HALF_LEVELS = 8
PALETTE = diverging_palette(HALF_LEVELS)
NAN_INDEX = 2 * HALF_LEVELS + 1
#: a neuron's column: its map's width, and the gap to the next
TILE, GAP = 12, 2
#: lines above the first layer: what the maps show, the colours, what is under them
HEADER_LINES = 4
HEADING = Style(bold=True)
DIM = Style(dim=True)
SELECTED = Style(bold=True, reverse=True)
NAMES = Binding.Group("neuron")
LAYERS = Binding.Group("layer")
#: what the panel says before it has maps to draw
NO_MAPS = "the neuron maps appear with the network"


def signed(value: float) -> str:
    """A weight or gradient with its sign always written: +1.23, -0.0456."""
    text = number(value, 3)
    return text if text.startswith(("-", "–")) else f"+{text}"


def pixels_of(layer: LayerMaps, neuron: int) -> np.ndarray:
    """Palette indices of one neuron's map, top row first (the plane's row 0 is at the
    bottom), on σ's range: the low end blue, the middle grey, the high end red."""
    low, high = layer.value_range()
    values = layer.activations[::-1, :, neuron]
    with np.errstate(invalid="ignore"):
        share = np.clip((values - low) / (high - low), 0.0, 1.0)
        levels = np.rint(share * 2 * HALF_LEVELS)
    return np.where(np.isfinite(values), levels, NAN_INDEX).astype(int)


def weight_text(layer: LayerMaps, l: int, j: int, rank: int) -> str:
    """The ``rank``-th strongest weight into neuron j and where it comes from: "+1.23 ← x"."""
    incoming = layer.strongest[j]
    if rank >= len(incoming):
        return ""
    return f"{signed(incoming[rank].w)} ← {source_name(l, incoming[rank].k)}"[: TILE + GAP]


def source_name(layer: int, k: int) -> str:
    """Where weight w_jk comes from: x or y for the first hidden layer, else neuron k."""
    if layer == 0:
        return "xy"[k] if k < 2 else f"x{k + 1}"
    return str(k + 1)


class NeuronMapsPanel(Widget, can_focus=True):
    """Every neuron's map over the input plane, with its weights in and its ∂C/∂b."""

    DEFAULT_CSS = "NeuronMapsPanel { height: auto; }"
    BINDINGS = [
        Binding("left", "move(0, -1)", "neuron", group=NAMES, key_display="←"),
        Binding("right", "move(0, 1)", "neuron", group=NAMES, key_display="→"),
        Binding("up", "move(-1, 0)", "layer", group=LAYERS, key_display="↑"),
        Binding("down", "move(1, 0)", "layer", group=LAYERS, key_display="↓"),
        Binding("enter", "inspect", "Inspect it"),
    ]

    class Selected(Message):
        """The user chose a neuron to inspect (layer as the engine counts: 0 = first hidden)."""

        def __init__(self, layer: int, neuron: int) -> None:
            """Which neuron."""
            super().__init__()
            self.layer_index, self.neuron = layer, neuron  # Widget.layer is CSS's

    def __init__(self, *, id: str | None = None) -> None:
        """No maps yet; the first neuron of the first hidden layer selected."""
        super().__init__(id=id)
        self.maps: NeuronMaps | None = None
        self.inputs = 2  # the data's inputs, to say why there are no maps
        self.layer_index = 0
        self.neuron = 0
        #: (first line, layer, first neuron shown, neurons shown) of each drawn row of maps
        self._rows: list[tuple[int, int, int, int]] = []

    # -- what the screen calls ----------------------------------------------------------

    def show(self, snapshot: Snapshot) -> None:
        """Draw the snapshot's maps (a snapshot without them keeps the last ones)."""
        self.inputs = snapshot.sizes[0]
        if snapshot.neuron_maps is not None:
            self.maps = snapshot.neuron_maps
        elif self.inputs != 2:
            self.maps = None
        if self.is_on_screen:
            self.refresh(layout=True)

    def clear(self) -> None:
        """A new network: nothing drawn, the selection back at the start."""
        self.maps, self.layer_index, self.neuron = None, 0, 0
        self.refresh(layout=True)

    @property
    def text(self) -> str:
        """What the panel shows, as plain text (for tests and screen readers)."""
        return "\n".join("".join(s.text for s in line) for line in self._lines(self.size.width))

    # -- keys and clicks ----------------------------------------------------------------

    def action_move(self, layers: int, neurons: int) -> None:
        """Move the selection among layers or among the neurons of a layer, wrapping."""
        if self.maps is None:
            return
        count = len(self.maps.layers)
        self.layer_index = (self.layer_index + layers) % count
        size = self.maps.layers[self.layer_index].n_neurons
        self.neuron = (self.neuron + neurons) % size if neurons else min(self.neuron, size - 1)
        self.refresh(layout=True)
        self._scroll_to_layer()

    def action_inspect(self) -> None:
        """Open the inspector on the selected neuron."""
        if self.maps is not None:
            self.post_message(self.Selected(self.layer_index, self.neuron))

    def on_click(self, event: Click) -> None:
        """A click on a neuron's column selects it and opens the inspector on it."""
        offset = event.get_content_offset(self)
        if offset is None or self.maps is None:
            return
        column = offset.x // (TILE + GAP)
        for first, layer, start, shown in self._rows:
            if first < offset.y < first + self._layer_height() and column < shown:
                self.layer_index, self.neuron = layer, start + column
                self.refresh()
                self.action_inspect()
                return

    def _scroll_to_layer(self) -> None:
        """Scroll the container so that the selected layer's maps are in view."""
        top = HEADER_LINES + self.layer_index * (self._layer_height() + 1)
        if isinstance(self.parent, Widget):
            self.parent.scroll_to_region(
                Region(0, top, 1, self._layer_height()), animate=False, top=True, immediate=True
            )

    # -- drawing ------------------------------------------------------------------------

    def render(self) -> RenderableType:
        """The maps, layer by layer, or why there are none."""
        if self.maps is None:
            if self.inputs != 2:
                return Text(
                    f"Neuron maps draw each neuron over a plane of two inputs (x, y); this "
                    f"network has {self.inputs} inputs. Pick a 2-D dataset (xor, circles, "
                    "moons, spiral) to see them.",
                    style=DIM,
                )
            return Text(NO_MAPS, style=DIM)
        return lines_renderable(self._lines(self.size.width))

    def _layer_height(self) -> int:
        """Lines per layer: heading, names, map, ∂C/∂b, the weights."""
        return 3 + STRONGEST + self._map_lines()

    def _map_lines(self) -> int:
        """Lines of one map (two pixel rows a line)."""
        assert self.maps is not None
        return (self.maps.layers[0].activations.shape[0] + 1) // 2

    def _lines(self, width: int) -> list[list[Segment]]:
        """Every line of the panel for a given width."""
        maps = self.maps
        if maps is None:
            return []
        (x0, x1), (y0, y1) = maps.x_range, maps.y_range
        after = f"after step {maps.step}" if maps.step else "after a step (n)"
        lines = [
            [
                Segment(
                    f"each map: a^l_j over x ∈ [{number(x0)}, {number(x1)}] → "
                    f"and y ∈ [{number(y0)}, {number(y1)}] ↑",
                    DIM,
                )
            ],
            self._legend(),
            [Segment(f"under each: ∂C/∂b_j (BP3) {after}; strongest weights in: w ← from", DIM)],
            [],
        ]
        assert len(lines) == HEADER_LINES
        self._rows = []
        fit = max(1, (width + GAP) // (TILE + GAP))
        for l, layer in enumerate(maps.layers):
            start, shown = self._window(l, layer.n_neurons, fit)
            self._rows.append((len(lines), l, start, shown))
            lines += self._layer_lines(l, layer, start, shown)
            lines.append([])
        return lines

    def _legend(self) -> list[Segment]:
        """Low, middle and high of σ's range in the maps' colours."""
        low, middle, high = (PALETTE.style(i) for i in (0, HALF_LEVELS, 2 * HALF_LEVELS))
        return [
            Segment("■", low),
            Segment(" low  ", DIM),
            Segment("■", middle),
            Segment(" middle  ", DIM),
            Segment("■", high),
            Segment(" high of σ's range", DIM),
        ]

    def _window(self, layer: int, count: int, fit: int) -> tuple[int, int]:
        """The first neuron and how many are shown: all when they fit, else a window that
        holds the selected neuron (the first ones in another layer)."""
        if count <= fit:
            return 0, count
        if layer != self.layer_index:
            return 0, fit
        start = min(max(self.neuron - fit // 2, 0), count - fit)
        return start, fit

    def _layer_lines(self, l: int, layer: LayerMaps, start: int, shown: int) -> list[list]:
        """The heading and the row of maps of one layer."""
        maps = self.maps
        assert maps is not None
        last = l == len(maps.layers) - 1
        role = "output" if last else "hidden"
        low, high = layer.value_range()
        rest = layer.n_neurons - shown
        count = (
            counted(layer.n_neurons, "neuron")
            if not rest
            else f"neurons {start + 1}–{start + shown} of {layer.n_neurons} (+{rest} more, ← →)"
        )
        span = f"{number(low)} to {number(high)}"
        heading = [
            Segment(f"layer {l + 1}", HEADING),
            Segment(f" · {role}, {layer.activation} ({span}) · {count}", DIM),
        ]
        neurons = range(start, start + shown)
        names = []
        for j in neurons:
            chosen = l == self.layer_index and j == self.neuron
            names.append(Segment(f"j {j + 1}".ljust(TILE), SELECTED if chosen else HEADING))
            names.append(Segment(" " * GAP))
        pictures = [half_block_lines(pixels_of(layer, j), PALETTE) for j in neurons]
        map_lines = [
            [seg for picture in pictures for seg in (*picture[row], Segment(" " * GAP))]
            for row in range(len(pictures[0]))
        ]
        gradient = [
            Segment(
                (
                    "∂b " + (signed(float(layer.nabla_b[j])) if layer.nabla_b is not None else "–")
                ).ljust(TILE + GAP)[: TILE + GAP]
            )
            for j in neurons
        ]
        weights = [
            [Segment(weight_text(layer, l, j, rank).ljust(TILE + GAP), DIM) for j in neurons]
            for rank in range(STRONGEST)
        ]
        return [heading, names, *map_lines, gradient, *weights]
