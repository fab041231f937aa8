"""Comparing runs: every run that ends or is replaced stays as a faint overlay on the loss
panel, labelled by what differs from the current configuration; metrics files load too.

A base of ``BackpropApp``: it keeps the session's ``RunArchive`` and gives the loss panel
its overlays; ``o`` (on the main screen) shows or hides them, ``O`` loads a file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from tui_backprop.app.screens.run_file import RunFileScreen
from tui_backprop.training import TERMINAL_STATES, RunConfig, Snapshot, Trainer
from tui_backprop.training.runs import PastRun, RunArchive, RunFileError, read_run_file
from tui_backprop.training.snapshot import EpochHistory

if TYPE_CHECKING:
    from tui_backprop.app.app import BackpropApp


class CompareRuns:
    """Keeps earlier runs and shows them on the loss panel (mixed into the app)."""

    run_id: int
    trainer: Trainer | None
    config: RunConfig

    def _init_comparison(self) -> None:
        """No earlier runs yet."""
        self.past_runs = RunArchive()
        self._kept_run = -1  # the run id last put in the archive
        self._kept: PastRun | None = None  # that run's copy (not drawn under itself)

    def compare_with(self, files: tuple[tuple[str, EpochHistory], ...]) -> BackpropApp:
        """Draw these (name, curves) of metrics files under the runs (before ``run``)."""
        for name, history in files:
            self.past_runs.keep(history, None, name)
        return self

    def _keep_run(self) -> None:
        """Put the current run's evaluations in the archive, once per run."""
        if self.trainer is None or self._kept_run == self.run_id:
            return
        kept = self.past_runs.keep(self.trainer.snapshot().epochs_history, self.config)
        if kept is not None:
            self._kept_run, self._kept = self.run_id, kept

    def _keep_ended_run(self, snapshot: Snapshot) -> None:
        """A run that has just ended joins the archive and the plot at once."""
        if snapshot.state in TERMINAL_STATES:
            self._keep_run()
            self._show_overlays()

    def _show_overlays(self) -> None:
        """Give the loss panel the earlier runs, labelled against the current settings."""
        # a run that has just ended is kept, but drawn only once the next run replaces it
        own = self._kept if self._kept_run == self.run_id else None
        runs = [run for run in self.past_runs.runs if run is not own]
        overlays = tuple((run.label(self.config), run.history) for run in runs)
        self.main.loss.set_overlays(overlays)

    def action_load_run(self) -> None:
        """Ask for a headless --metrics file to draw as an overlay."""
        self.push_screen(RunFileScreen(), self.load_run_file)

    def load_run_file(self, path: str | None) -> bool:
        """Add a metrics file's curves as an overlay; say so, or say what is wrong."""
        if not path:
            return False
        try:
            history = read_run_file(Path(path).expanduser())
        except RunFileError as error:
            self.notify(str(error), title="Cannot compare", severity="error", timeout=8)
            return False
        self.past_runs.keep(history, None, Path(path).name)
        self.main.loss.overlays_shown = True
        self._show_overlays()
        self.notify(f"{Path(path).name}: {len(history)} epochs drawn under this run.", timeout=3)
        return True
