"""The main screen: the form, the four live panels, the status bar and the footer.

Wide terminals (≥ 120 columns) show everything at once: the form on the left, the panels
in a 2 × 2 grid. Narrower ones get a row of view tabs (all panels, one panel, the form).
The stylesheet decides the layout from the screen's breakpoint class and the ``-view-*``
class set here.
"""

from __future__ import annotations

from typing import TypeVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Tab, Tabs

from tui_backprop.app.keys import typed_by_focus
from tui_backprop.app.widgets import ExperimentForm, StatusBar
from tui_backprop.app.widgets.gradients import GradientPanel
from tui_backprop.app.widgets.heatmap import DeltaHeatmap
from tui_backprop.app.widgets.hint import FIX_KEY, HintLine
from tui_backprop.app.widgets.inspector import InspectorPanel
from tui_backprop.app.widgets.loss import LossPanel
from tui_backprop.app.widgets.neuron_maps import NeuronMapsPanel
from tui_backprop.app.widgets.output_map import OutputMapPanel
from tui_backprop.app.widgets.panel import SnapshotPanel
from tui_backprop.app.widgets.speed import SpeedPanel
from tui_backprop.app.widgets.timebar import TimeBar
from tui_backprop.training import RunConfig, Snapshot

W = TypeVar("W", bound=Widget)

LAYER_KEYS = Binding.Group("δ")
ETA_KEYS = Binding.Group("η")
PACE_KEYS = Binding.Group("pace")
REWIND_KEYS = Binding.Group("rewind")
#: + and - multiply and divide η by this
ETA_FACTOR = 1.5

#: the views of a narrow terminal: (id, tab label)
VIEWS = (
    ("all", "All"),
    ("loss", "Loss"),
    ("gradients", "Gradients"),
    ("deltas", "δ"),
    ("output-map", "Output"),
    ("form", "Setup"),
    ("inspect", "Inspect"),
    ("speed", "Speed"),
    ("classes", "Classes"),  # a screen of its own: the tab opens it
    ("maps", "Maps"),
)
#: the views that show a step in full (the trainer records one for them)
STEP_VIEWS = frozenset({"inspect", "speed"})


def titled(widget: W, title: str) -> W:
    """The widget with a title on its border."""
    widget.border_title = title
    return widget


class MainScreen(Screen[None]):
    """Lays out the form, the panels and the status; shows snapshots on them."""

    class Ready(Message):
        """The screen's widgets exist: the app may build the first network."""

    class ViewChanged(Message):
        """Another view is showing (the inspector asks the trainer for whole steps)."""

        def __init__(self, view: str) -> None:
            """The view now showing."""
            super().__init__()
            self.view = view

    #: every key of the main screen, in the footer's order (the most used first, so that
    #: a narrow footer cuts the least used); "app." actions drive the run, the others
    #: change what the panels show
    BINDINGS = [
        Binding("space", "app.toggle_run", "Run/Pause"),
        Binding("n", "step", "Step"),
        Binding("r", "app.reset", "Reset"),
        Binding("plus", f"app.scale_eta({ETA_FACTOR})", "η×", key_display="+", group=ETA_KEYS),
        Binding("minus", f"app.scale_eta({1 / ETA_FACTOR})", "η÷", key_display="-", group=ETA_KEYS),
        Binding("escape", "app.leave_field", "Leave field"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("q", "app.quit", "Quit"),
        Binding("i", "app.inspect", "Inspect"),
        Binding("g", "app.race", "Race"),
        Binding("m", "toggle_view('maps')", "Maps"),
        Binding("w", "toggle_weights", "∇w"),
        Binding("l", "log_scale", "Log"),
        Binding("o", "toggle_overlays", "Runs"),
        Binding("O", "app.load_run", "Load run", key_display="O", show=False),
        Binding("left_square_bracket", "layer(-1)", "δ", key_display="[", group=LAYER_KEYS),
        Binding("right_square_bracket", "layer(1)", "δ", key_display="]", group=LAYER_KEYS),
        Binding("c", "app.classes", "Classes"),
        # the hint line names f and its fix whenever f does anything: a footer entry would
        # only push the pace keys off a 120-column footer
        Binding(FIX_KEY, "app.fix", "Fix", show=False),
        Binding("less_than_sign", "app.pace(-1)", "slower", key_display="<", group=PACE_KEYS),
        Binding("greater_than_sign", "app.pace(1)", "faster", key_display=">", group=PACE_KEYS),
        Binding("comma", "app.rewind(-1)", "back", key_display=",", group=REWIND_KEYS),
        Binding("full_stop", "app.rewind(1)", "forward", key_display=".", group=REWIND_KEYS),
        Binding("M", "app.max_pace", "Max pace", key_display="M"),
        Binding("b", "app.branch", "Branch"),
        Binding("u", "app.rollback", "Roll back", show=False),
        Binding("v", "next_view", "View"),  # last: the tabs name the views too
        Binding("e", "app.edit", "Edit", show=False),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (36, "-tall")]
    AUTO_FOCUS = None  # keys must reach the app, not a form field, until the user edits

    def __init__(self, config: RunConfig, preset: str | None) -> None:
        """A screen for the given starting configuration; its widgets are made here."""
        super().__init__()
        self.view = "all"
        self.form = titled(ExperimentForm(config, preset, id="form"), "Experiment")
        self.loss = titled(LossPanel(id="loss", classes="panel"), "Loss")
        self.gradients = titled(GradientPanel(id="gradients", classes="panel"), "Gradients")
        self.heatmap = titled(DeltaHeatmap(id="deltas", classes="panel"), "Errors δ")
        self.output_map = titled(OutputMapPanel(id="output-map", classes="panel"), "Output")
        self.inspector = titled(InspectorPanel(id="inspector"), "Inside backprop: one neuron")
        self.speed = SpeedPanel(id="speed")
        self.hint = HintLine(id="hint")
        self.neuron_maps = NeuronMapsPanel(id="neuron-maps")
        self.timebar = TimeBar(id="timebar")
        self.status = StatusBar(id="status")

    def compose(self) -> ComposeResult:
        """Tabs (narrow only), then form and panels side by side, then status and footer."""
        yield Tabs(*(Tab(label, id=f"view-{view}") for view, label in VIEWS), id="views")
        with Horizontal(id="main", classes="-view-all"):
            yield self.form
            with Container(id="panels"):
                # one cell per panel, so the grid arranges plain containers
                for panel in (self.loss, self.gradients, self.heatmap, self.output_map):
                    with Container(id=f"cell-{panel.id}", classes="panel-cell"):
                        yield panel
            with Horizontal(id="inspect-view"):
                yield self.inspector
                with VerticalScroll(id="speed-box") as box:
                    box.border_title = "Speed of learning"
                    yield self.speed
            with VerticalScroll(id="maps-view") as box:
                box.border_title = "Neuron maps: what each neuron computes over the input plane"
                yield self.neuron_maps
        yield self.hint
        yield self.timebar
        yield self.status
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        """Tell the app the widgets are ready for the first network."""
        self.post_message(self.Ready())

    # -- attributes down ---------------------------------------------------------------------

    def show(self, snapshot: Snapshot) -> None:
        """Set a snapshot on every panel and the status bar, in one repaint."""
        with self.app.batch_update():
            self.status.show(snapshot)
            self.hint.show(snapshot)
            self.loss.show(snapshot)
            self.gradients.show(snapshot)
            self.heatmap.show(snapshot)
            self.output_map.show(snapshot)
            self.inspector.show(snapshot)
            self.speed.show(snapshot)
            self.neuron_maps.show(snapshot)

    def clear(self) -> None:
        """Empty every panel (a new network)."""
        with self.app.batch_update():
            self.loss.clear()
            self.hint.clear()
            self.gradients.clear()
            self.heatmap.clear()
            self.output_map.clear()
            self.inspector.clear()
            self.speed.clear()
            self.neuron_maps.clear()

    def set_every_snapshot(self, on: bool) -> None:
        """Draw every snapshot at once (slow motion) or pace the panels' redraws."""
        for panel in self.query(SnapshotPanel):
            panel.every_snapshot = on

    def set_drawable(self, drawable: bool) -> None:
        """Hide the output map in the grid when the data has more than two inputs."""
        self.query_one("#panels").set_class(not drawable, "-no-map")

    # -- keys that change what the panels show ---------------------------------------------

    def action_log_scale(self) -> None:
        """Toggle the loss plot's log scale."""
        self.loss.set_log_scale(not self.loss.log_scale)

    def action_toggle_overlays(self) -> None:
        """Show or hide the earlier runs on the loss panel."""
        self.notify(self.loss.toggle_overlays(), timeout=3)

    def action_toggle_weights(self) -> None:
        """Plot ‖∇w^l‖ (BP4) beside ‖∇b^l‖ in the gradient panel, or stop."""
        shown = self.gradients.toggle_weights()
        if self.view not in ("all", "gradients"):
            self.set_view("gradients" if self.is_narrow else "all")
        what = "‖∇w^l‖ (BP4) dotted beside ‖∇b^l‖" if shown else "‖∇b^l‖ only"
        self.notify(f"Gradients: {what}.", timeout=2)

    def action_layer(self, direction: int) -> None:
        """Show the δ heatmap's next or previous layer."""
        if direction > 0:
            self.heatmap.next_layer()
        else:
            self.heatmap.previous_layer()

    def action_toggle_view(self, view: str) -> None:
        """Show a view (the neuron maps), or go back to all panels if it is showing."""
        self.toggle_view(view)

    def on_neuron_maps_panel_selected(self, event: NeuronMapsPanel.Selected) -> None:
        """Open the inspector on the neuron chosen in the maps."""
        self.inspector.select(event.layer_index, event.neuron)
        self.set_view("inspect")

    def action_step(self) -> None:
        """One step (n): the inspector shows it, even over a test sample chosen for it."""
        self.inspector.unpin()
        self.app.action_step()

    def action_next_view(self) -> None:
        """On a narrow terminal, go to the next view."""
        self.next_view()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer the view key only on a narrow terminal, and no key a focused field types."""
        if typed_by_focus(self, action):
            return False
        if action == "next_view":
            return self.is_narrow
        return True

    # -- views on a narrow terminal ------------------------------------------------------------

    @property
    def is_narrow(self) -> bool:
        """True when the views are tabbed (a terminal under 120 columns)."""
        return self.has_class("-narrow")

    def set_view(self, view: str) -> None:
        """Show one view on a narrow terminal: all panels, one panel, or the form."""
        self.query_one(Tabs).active = f"view-{view}"

    def toggle_view(self, view: str) -> None:
        """Show ``view`` (on any terminal), or go back to all panels if it is showing."""
        self.set_view("all" if self.view == view else view)

    def next_view(self) -> None:
        """Go to the next view, wrapping around."""
        views = [view for view, _ in VIEWS]
        self.set_view(views[(views.index(self.view) + 1) % len(views)])

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        """Switch the view's CSS class; the stylesheet shows and sizes the panels."""
        event.stop()
        view = (event.tab.id or "view-all").removeprefix("view-")
        if view == "classes":  # a screen of its own (c); leaving it comes back here
            self.app.action_classes()
        self.query_one("#main").set_classes(f"-view-{view}")  # one restyle, not two
        self.view = view
        if view != "inspect":  # a test sample chosen for the inspector is let go
            self.inspector.unpin()
        if view == "inspect":
            self.inspector.focus()
        elif view == "maps":
            self.neuron_maps.focus()
        elif view == "speed":  # ↑ ↓ scroll what does not fit at 80×24
            self.query_one("#speed-box").focus()
        elif self.focused in (self.inspector, self.neuron_maps, self.query_one("#speed-box")):
            self.set_focus(None)
        self.post_message(self.ViewChanged(view))
