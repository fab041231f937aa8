"""The Textual app: keys, the trainer's thread worker, and the wiring between them.

Snapshots travel up from the trainer's thread as ``SnapshotReady`` messages (at the
cadence the app asks the trainer for, coalesced in the queue); the app sets them on the
main screen's widgets.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from textual import work
from textual.app import App
from textual.worker import Worker, WorkerState

from tui_backprop.app.commands import ClosingOncePalette, PresetCommands
from tui_backprop.app.compare import CompareRuns
from tui_backprop.app.fixes import ApplyFix
from tui_backprop.app.keys import typed_by_focus
from tui_backprop.app.messages import NetworkBuilt, SnapshotReady
from tui_backprop.app.screens.classes import ClassesKeys
from tui_backprop.app.screens.help import HelpScreen
from tui_backprop.app.screens.main import STEP_VIEWS, MainScreen
from tui_backprop.app.screens.race import race_on
from tui_backprop.app.session import (
    Built,
    DatasetCache,
    build_trainer,
    building_news,
    builds_slowly,
    initial_config,
)
from tui_backprop.app.time_travel import TimeTravel
from tui_backprop.app.widgets import ExperimentForm
from tui_backprop.data import DatasetError
from tui_backprop.training import (
    TERMINAL_STATES,
    ConfigError,
    RunConfig,
    RunState,
    Snapshot,
    Trainer,
    load_preset,
)
from tui_backprop.training.inspector_rows import Architecture
from tui_backprop.training.presets import preset_book

#: the name the training thread carries while it trains (tests look for it)
TRAINER_THREAD_NAME = "tui-backprop-trainer"
#: η stays within these bounds when changed by keys
ETA_LIMITS = (1e-6, 1e3)


class BackpropApp(TimeTravel, CompareRuns, ApplyFix, ClassesKeys, App[None]):
    """Watch backpropagation train a NumPy network, live."""

    TITLE = "tui-backprop"
    CSS_PATH = ["app.tcss", "widgets/panels.tcss"]
    COMMANDS = App.COMMANDS | {PresetCommands}
    # the keys of the main screen are listed, in the footer's order, on MainScreen

    def __init__(self, preset: str | None = None, config: RunConfig | None = None) -> None:
        """Open ``config`` when given (named ``preset`` in the form), else the preset."""
        super().__init__()
        self._init_comparison()
        self.preset_name, self.config, self._startup_problem = initial_config(preset, config)
        self.datasets = DatasetCache()
        self.trainer: Trainer | None = None
        self.run_id = 0
        self.latest: Snapshot | None = None
        self._worker: Worker[None] | None = None
        self._pending: RunConfig | None = None  # the configuration being built in a thread

    def get_default_screen(self) -> MainScreen:
        """The main screen, built for the starting configuration."""
        self.main = MainScreen(self.config, self.preset_name)
        return self.main

    def on_main_screen_ready(self) -> None:
        """Report a start-up problem, then build the first network."""
        if self._startup_problem:
            self.notify(self._startup_problem, title="Preset", severity="error", timeout=10)
        self.prepare(self.config, self.preset_name)

    # -- building and swapping trainers ------------------------------------------------------

    def prepare(self, config: RunConfig, preset: str | None) -> bool:
        """Build a new network for ``config`` and make it current (idle); False on failure.

        The old run keeps going until the new network exists, so a bad value loses nothing.
        A slow dataset or a big network is built in a thread, so the screen never freezes.
        """
        self._pending = None  # a newer request supersedes a build still going
        if builds_slowly(config, self.datasets):
            self._pending = config
            self._say_building(config)
            self._build(config, preset)
            return True
        try:
            built = build_trainer(config, self.datasets)
        except (ConfigError, DatasetError) as error:
            self._show_build_error(error)
            return False
        self._show_built(built, preset)
        return True

    def _say_building(self, config: RunConfig) -> None:
        """Say what is being loaded or built in the background."""
        notice, status = building_news(config, self.datasets)
        self.notify(notice)
        if self.trainer is None:
            self.main.status.set_state("loading", status)

    def _show_built(self, built: Built, preset: str | None) -> None:
        """Make a new trainer current, and say what fitting it to the data changed."""
        self._install(built.trainer, built.config, preset)
        if built.note:
            self.notify(built.note, title="Output and cost", timeout=8)

    def _install(self, trainer: Trainer, config: RunConfig, preset: str | None) -> None:
        """Keep the old run for comparison, stop it and show the new, untrained network."""
        self._keep_run()
        self._stop_run()
        run_id = self.run_id
        trainer.listener = lambda snapshot: self._post(snapshot, run_id)
        self._time_install(trainer, config)
        self.trainer, self.config, self.preset_name = trainer, config, preset
        info = trainer.dataset.info
        main = self.main
        main.form.load(config, preset, (info.n_inputs, info.n_outputs))
        main.set_drawable(info.n_inputs in (1, 2))
        main.inspector.architecture = Architecture.of(config)
        main.speed.architecture = main.inspector.architecture
        main.speed.book = preset_book(preset)
        trainer.request_step_detail(main.view in STEP_VIEWS)
        main.clear()
        self._show_overlays()
        self.latest = trainer.snapshot()
        main.show(self.latest)

    def _show_build_error(self, error: Exception) -> None:
        """Put a build error at the form field it concerns, and say it."""
        words = self.main.form.show_problem(error)
        if self.trainer is None:
            self.main.status.set_state("error", "fix the form to build a network")
        self.notify(words, title="Cannot build the network", severity="error", timeout=8)

    @work(thread=True, exclusive=True, group="build", exit_on_error=False)
    def _build(self, config: RunConfig, preset: str | None) -> None:
        """Load the dataset and build the network off the UI thread, then come back with
        a message."""
        try:
            built = build_trainer(config, self.datasets)
        except (ConfigError, DatasetError) as error:
            self.post_message(NetworkBuilt(config, preset, None, error))
            return
        self.post_message(NetworkBuilt(config, preset, built))

    def on_network_built(self, message: NetworkBuilt) -> None:
        """Show the network built in the background, unless the user moved on."""
        if message.config is not self._pending:
            return  # superseded: its trainer never ran, so dropping it is enough
        self._pending = None
        if message.built is None:
            self.preset_name = message.preset  # the user's choice stays in the form
            self.main.form.load(message.config, message.preset)
            self._show_build_error(message.error or DatasetError("the build failed"))
        else:
            self._show_built(message.built, message.preset)

    # -- the training worker -----------------------------------------------------------------

    def _start(self, paused: bool = False, steps: int = 0) -> None:
        """Run the current trainer in a thread worker (paused, with ``steps`` queued)."""
        if self.trainer is None:
            return
        if steps:
            self.trainer.request_step(steps)
        self._worker = self._train(self.trainer, paused)

    @work(thread=True, exclusive=True, group="trainer", exit_on_error=False)
    def _train(self, trainer: Trainer, start_paused: bool) -> None:
        """Train in this thread until the run ends or is stopped."""
        thread = threading.current_thread()
        pool_name, thread.name = thread.name, TRAINER_THREAD_NAME
        try:
            trainer.run(start_paused=start_paused)
        finally:
            thread.name = pool_name  # the pool thread lives on; only the run is named

    def _post(self, snapshot: Snapshot, run_id: int) -> None:
        """Send a snapshot to the UI thread (called in the trainer's thread)."""
        # the app may close its event loop while the run is ending: nothing to show then
        with contextlib.suppress(RuntimeError):
            self.post_message(SnapshotReady(snapshot, run_id))

    def _stop_run(self) -> None:
        """Stop the current run, if any; its last snapshots will be ignored."""
        if self.trainer is not None:
            self.trainer.stop()
        self._worker = None
        self.run_id += 1

    def on_snapshot_ready(self, message: SnapshotReady) -> None:
        """Show the current run's snapshot; announce the end of a run."""
        if message.run_id != self.run_id or not self.main.status.is_attached:
            return  # an old run's last words, or the app is closing
        snapshot = message.snapshot
        previous = self.latest.state if self.latest is not None else RunState.IDLE
        self.latest = snapshot
        self._time_show(snapshot)
        self._show_classes(snapshot)
        if snapshot.state != previous and snapshot.state in TERMINAL_STATES:
            self._announce(snapshot)
            self._keep_ended_run(snapshot)

    def _announce(self, snapshot: Snapshot) -> None:
        """A notification for a failed run, or a divergence that no rollback bar explains (a
        toast saying the status bar or the bar again would cover the panels)."""
        if snapshot.state in (RunState.DIVERGED, RunState.FAILED) and not self.main.timebar.mode:
            diverged = snapshot.state == RunState.DIVERGED
            title = "Training diverged" if diverged else "Training failed"
            self.notify(snapshot.message, title=title, severity="error", timeout=10)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """An exception that escaped the trainer becomes a notification, not a traceback."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        self.notify(f"{type(error).__name__}: {error}", title="Worker failed", severity="error")
        if event.worker is self._worker:
            self.main.status.set_state(RunState.FAILED, "see the notification")

    # -- form --------------------------------------------------------------------------------

    def on_experiment_form_changed(self, event: ExperimentForm.Changed) -> None:
        """η applies to the running training at once; any other change builds a new network."""
        if event.fields == {"eta"}:
            self._set_eta(event.config.eta)
        else:
            self.prepare(event.config, self.preset_name)

    def on_experiment_form_preset_chosen(self, event: ExperimentForm.PresetChosen) -> None:
        """Open the preset picked in the form."""
        self.open_preset(event.name)

    def open_preset(self, name: str) -> None:
        """Load a preset and build its network; on a problem, say so and keep the current."""
        try:
            config = load_preset(name)
        except ConfigError as error:
            self.notify(str(error), title="Preset", severity="error", timeout=8)
            shape = self.main.form.shape
            self.main.form.load(self.config, self.preset_name, shape)
            return
        if not self.prepare(config, name):
            self.main.form.load(self.config, self.preset_name, self.main.form.shape)

    # -- key actions -------------------------------------------------------------------------

    def _can_train(self) -> bool:
        """True when the form is valid and a network exists; otherwise say why not."""
        errors = self.main.form.errors
        if errors:
            reason = next(iter(errors.values()))
            self.notify(f"Fix the form first: {reason}", title="Not started", severity="warning")
            return False
        if self.trainer is None:
            why = "the dataset is still loading" if self._pending else "check the form"
            self.notify(f"No network yet: {why}.", severity="warning")
            return False
        return True

    def _needs_new_run(self) -> bool:
        """True when the current run has ended and a key should start a fresh one."""
        return self.trainer is not None and self.trainer.state in TERMINAL_STATES

    def _trainer_for_keys(self) -> Trainer | None:
        """The live run's trainer for space and n (a fresh one after a run ended), or None."""
        self._back_to_live()
        if not self._can_train():
            return None
        if self._needs_new_run() and not self.prepare(self.config, self.preset_name):
            return None
        return self.trainer

    def action_toggle_run(self) -> None:
        """Start, pause or resume; after the end of a run, start a new one."""
        trainer = self._trainer_for_keys()
        if trainer is None:
            return
        if not self._worker_alive():
            self._start()
        elif trainer.is_paused:
            trainer.resume()
        else:
            trainer.pause()

    def action_step(self) -> None:
        """One mini-batch step when idle or paused; while running, pause first."""
        trainer = self._trainer_for_keys()
        if trainer is None:
            return
        if not self._worker_alive():
            self._start(paused=True, steps=1)
        elif trainer.is_paused:
            trainer.request_step()
        else:
            trainer.pause()

    def action_reset(self) -> None:
        """New weights, same settings; the run stops and waits for space."""
        if self.prepare(self.config, self.preset_name):
            self.notify("New weights: press space to train.", title="Reset", timeout=3)

    def action_scale_eta(self, factor: float) -> None:
        """Multiply η by ``factor``, within bounds, and apply it at once."""
        eta = self.config.eta * factor
        low, high = ETA_LIMITS
        if not low <= eta <= high:
            self.notify(f"η stays between {low:g} and {high:g}.", severity="warning", timeout=3)
            return
        self._set_eta(eta)
        self.main.form.set_eta(eta)

    def _set_eta(self, eta: float) -> None:
        """Give the trainer, the configuration and the status bar a new η."""
        self.config = self.config.replace(eta=eta)
        if self.trainer is not None:
            self.trainer.set_eta(eta)
        self.main.status.set_eta(eta)
        if self.main.timebar.mode == "rollback" and self.latest is not None:
            self.offer_rollback(self.latest)

    def action_inspect(self) -> None:
        """Open the inspector of the latest step (or go back to the panels)."""
        self.main.toggle_view("inspect")

    def action_race(self) -> None:
        """Chapter 2's race on the current network: backprop against finite differences."""
        if self.trainer is None:
            self.notify("No network yet: check the form.", severity="warning")
            return
        self.push_screen(race_on(self.trainer, self.latest))

    def on_main_screen_view_changed(self, event: MainScreen.ViewChanged) -> None:
        """While the inspector shows, the trainer records whole steps for it."""
        if self.trainer is not None:
            self.trainer.request_step_detail(event.view in STEP_VIEWS)

    def action_edit(self) -> None:
        """Move the focus into the form (showing it on a narrow terminal)."""
        if self.main.is_narrow:
            self.main.set_view("form")
        self.main.form.query_one("#field-sizes").focus()

    def action_leave_field(self) -> None:
        """Take the focus out of the form, so that the keys act again."""
        self.screen.set_focus(None)

    def action_command_palette(self) -> None:
        """Open the command palette (one that closes once: see ``ClosingOncePalette``)."""
        if self.use_command_palette and not ClosingOncePalette.is_open(self):
            self.push_screen(ClosingOncePalette(id="--command-palette"))

    def action_help(self) -> None:
        """Open the help screen."""
        self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        """Stop the training, then leave."""
        self._stop_run()
        self.exit()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer escape only inside the form, and no key that the focused field would type."""
        if typed_by_focus(self, action):
            return False
        if action == "leave_field":
            return self.focused is not None and self.main.form in self.focused.ancestors
        return True

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        """Save a screenshot (the palette's "Screenshot") in the folder the app was started
        from, not Textual's default ~/Downloads, which may not exist; the notice says where."""
        folder = path if path is not None else str(Path.cwd())
        return super().deliver_screenshot(filename, folder, time_format)

    def on_resize(self) -> None:
        """The footer's keys depend on the width."""
        self.refresh_bindings()

    def on_unmount(self) -> None:
        """However the app ends, the training thread must end with it."""
        self._stop_run()
