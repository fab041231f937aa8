"""The inspector: BP1–BP4 of one neuron and one sample of the latest step, number by number.

The arrows choose the neuron (↑ ↓) and the sample (← →), ``[`` and ``]`` the layer; the
page is built by ``inspector_text`` from the trainer's record of the step.
"""

from __future__ import annotations

import io

from rich.console import Console, Group, RenderableType
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from tui_backprop.app.widgets.inspector_text import inspection_page
from tui_backprop.training import RunState, Snapshot
from tui_backprop.training.inspector_rows import Architecture, StepRecord, inspect_neuron

NEURON_KEYS = Binding.Group("neuron")
SAMPLE_KEYS = Binding.Group("sample")
LAYER_KEYS = Binding.Group("layer")
#: what the inspector says before there is a step to look into
NO_STEP = "press n to take one mini-batch step, then look inside it here"


class InspectorPanel(VerticalScroll):
    """One neuron j of layer l and one sample x of a step: every number of chapter 2."""

    BINDINGS = [
        Binding("up", "move('neuron', -1)", "neuron", group=NEURON_KEYS, key_display="↑"),
        Binding("down", "move('neuron', 1)", "neuron", group=NEURON_KEYS, key_display="↓"),
        Binding("left", "move('sample', -1)", "sample", group=SAMPLE_KEYS, key_display="←"),
        Binding("right", "move('sample', 1)", "sample", group=SAMPLE_KEYS, key_display="→"),
        Binding(
            "left_square_bracket", "move('layer', -1)", "layer", group=LAYER_KEYS, key_display="["
        ),
        Binding(
            "right_square_bracket", "move('layer', 1)", "layer", group=LAYER_KEYS, key_display="]"
        ),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        """No step yet."""
        super().__init__(id=id, classes=classes)
        self.record: StepRecord | None = None
        self.architecture: Architecture | None = None
        self.step_number = 0  # the step inspected
        self.title: str | None = None  # what the record is when not one of the run's steps
        self.note: str = ""  # a line under the title saying where such a record came from
        self.pinned = False  # True: such a record stays until ``unpin`` (the run goes on)
        self.latest_step = 0  # the run's latest step
        self._run_paused = True  # not training now: n steps at once
        self.layer_index = -1  # engine index (0 = first hidden); −1 starts at the output
        self.neuron = 0
        self.sample = 0
        self._body = Static(NO_STEP, classes="inspector-body")

    def compose(self):
        """The page, scrolled when it is taller than the panel."""
        yield self._body

    # -- what the screen calls ----------------------------------------------------------

    def show(self, snapshot: Snapshot) -> None:
        """Inspect the snapshot's step when it carries one in full; note how far behind the
        inspected step is otherwise."""
        detail = snapshot.step_detail
        if detail is not None and not self.pinned:
            self.record, self.step_number, self.title, self.note = detail, detail.step, None, ""
        self.latest_step = snapshot.step
        self._run_paused = snapshot.state != RunState.RUNNING
        if detail is not None or self.is_on_screen:
            self._redraw()

    def clear(self) -> None:
        """A new network: nothing to inspect yet."""
        self.record, self.step_number, self.latest_step = None, 0, 0
        self.title, self.note, self.pinned = None, "", False
        self._redraw()

    def show_step(
        self, record: StepRecord | None, step: int, title: str | None = None, note: str = ""
    ) -> None:
        """Inspect a given step (or none); the selection stays where it was, clamped.

        ``title`` and ``note`` name a record that is not one of the run's steps (a test
        sample's step, not applied): it stays, while the run goes on, until ``unpin``.
        """
        self.record, self.step_number, self.latest_step = record, step, step
        self.title, self.note, self.pinned = title, note, title is not None
        self._redraw()

    def unpin(self) -> None:
        """Let the run's next step in full replace a record shown with a title."""
        self.pinned = False

    def select(self, layer: int, neuron: int = 0, sample: int | None = None) -> None:
        """Point the inspector at a neuron (from the neuron maps or a test)."""
        self.layer_index, self.neuron = layer, neuron
        if sample is not None:
            self.sample = sample
        self._redraw()

    @property
    def page_text(self) -> str:
        """The page as plain text (what a test or a screen reader reads)."""
        console = Console(width=max(self._body.size.width, 20), record=True, file=io.StringIO())
        console.print(self._page())
        return console.export_text()

    # -- keys -----------------------------------------------------------------------------

    def action_move(self, what: str, by: int) -> None:
        """Move among neurons, samples or layers, wrapping around."""
        counts = self._counts()
        if counts is None:
            return
        layers, neurons, samples = counts
        if what == "layer":
            self.layer_index = (self._layer() + by) % layers
            self.neuron = min(self.neuron, self._counts()[1] - 1)
        elif what == "neuron":
            self.neuron = (self.neuron + by) % neurons
        else:
            self.sample = (self.sample + by) % samples
        self._redraw()

    # -- drawing --------------------------------------------------------------------------

    def _layer(self) -> int:
        """The layer shown as a non-negative engine index."""
        layers = len(self.record.gradients.delta) if self.record is not None else 1
        return self.layer_index % layers

    def _counts(self) -> tuple[int, int, int] | None:
        """(layers, neurons of the layer shown, samples), or None without a step."""
        if self.record is None:
            return None
        deltas = self.record.gradients.delta
        samples, neurons = deltas[self._layer()].shape
        return len(deltas), neurons, samples

    def _redraw(self) -> None:
        """Rebuild the page from the record and the selection."""
        self._body.update(self._page())

    def _page(self) -> RenderableType:
        """The inspection page, or what to do to get one."""
        if self.record is None or self.architecture is None:
            return Text(NO_STEP, style="dim")
        counts = self._counts()
        assert counts is not None
        self.neuron = min(self.neuron, counts[1] - 1)
        self.sample = min(self.sample, counts[2] - 1)
        inspection = inspect_neuron(
            self.record, self.architecture, self._layer(), self.neuron, self.sample
        )
        page = inspection_page(inspection, self.title or f"step {self.step_number}", self.note)
        if self.title is None and self.latest_step > self.step_number:
            behind = Text(
                f"the run is at step {self.latest_step}: "
                + ("press n" if self._run_paused else "pause and press n")
                + " to inspect a new step",
                style="italic",
            )
            return Group(behind, page)
        return page
