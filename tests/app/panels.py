"""Panels of the app mounted alone and fed snapshots of small real runs (for the panel
tests in test_panels.py and test_panels_pictures.py)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widget import Widget

from tui_backprop.app.widgets import pacing
from tui_backprop.app.widgets.gradients import GradientPanel
from tui_backprop.app.widgets.heatmap import DeltaHeatmap
from tui_backprop.app.widgets.loss import LossPanel
from tui_backprop.app.widgets.output_map import OutputMapPanel
from tui_backprop.training import Snapshot, Trainer, from_dict

PANELS_CSS = Path(pacing.__file__).with_name("panels.tcss")
PANEL_TYPES = (LossPanel, GradientPanel, DeltaHeatmap, OutputMapPanel)

RUNS = {
    "spiral": dict(
        dataset="spiral",
        dataset_options={"arms": 3},
        sizes=[2, 16, 16, 3],
        activation="tanh",
        output_activation="softmax",
        cost="log_likelihood",
        eta=0.3,
        epochs=5,
    ),
    "xor": dict(
        dataset="xor",
        sizes=[2, 2, 1],
        activation="tanh",
        output_activation="sigmoid",
        cost="cross_entropy",
        eta=0.5,
        epochs=5,
    ),
    "sine": dict(
        dataset="sine",
        sizes=[1, 16, 1],
        activation="tanh",
        output_activation="linear",
        cost="quadratic",
        eta=0.1,
        epochs=5,
    ),
    "digits": dict(
        dataset="digits",
        sizes=[64, 30, 10],
        activation="sigmoid",
        output_activation="softmax",
        cost="log_likelihood",
        eta=0.3,
        epochs=5,
    ),
}


@lru_cache
def run_snapshots(run: str, steps: int) -> tuple[Snapshot, ...]:
    """The untrained snapshot, then one per mini-batch step, of a small real run."""
    trainer = Trainer(from_dict(RUNS[run]))
    return (trainer.snapshot(), *(trainer.step() for _ in range(steps)))


def last_snapshot(run: str, steps: int = 40) -> Snapshot:
    """The snapshot after ``steps`` steps (past the first epoch for every run here)."""
    return run_snapshots(run, steps)[-1]


class PanelApp(App[None]):
    """A bare app holding one panel, styled by the panels' own stylesheet."""

    CSS_PATH = PANELS_CSS

    def __init__(self, panel: Widget) -> None:
        """Hold ``panel``."""
        super().__init__()
        self.panel = panel

    def compose(self) -> ComposeResult:
        """Just the panel."""
        yield self.panel
