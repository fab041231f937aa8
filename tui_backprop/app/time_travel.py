"""The app's keys for time: pace (``<`` ``>`` ``M``), rewind (``,`` ``.`` ``b``) and the
rollback of a divergence (``u``). A base of ``BackpropApp``, which owns the trainer.

Every snapshot of the current run (they carry the parameters) goes into a bounded
``RewindHistory``. While the run is paused, ended or not yet restarted, ``,`` and ``.`` put
an earlier moment on every panel, marked in the status bar; ``b`` continues the run from it
(a branch: the later moments are dropped); space or ``n`` go back to the live run.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from tui_backprop.app.pace import (
    DEFAULT_PACE,
    MAX_PACE_SNAPSHOTS_PER_SECOND,
    faster,
    is_slow_motion,
    pace_label,
    slower,
    starting_pace,
)
from tui_backprop.app.session import MAX_SNAPSHOTS_PER_SECOND
from tui_backprop.training import RunConfig, RunState, Snapshot, Trainer
from tui_backprop.training.inspection import Divergence
from tui_backprop.training.rewind import RewindHistory

if TYPE_CHECKING:
    from tui_backprop.app.screens.main import MainScreen

#: ``u`` rolls a diverged run back to its last finite state with η divided by this
ROLLBACK_FACTOR = 10.0


class TimeTravel:
    """Pace, rewind, branch and rollback; mixed into the app (which provides ``trainer``,
    ``main``, ``latest``, ``config``, ``notify``, ``_set_eta`` and ``_start``)."""

    trainer: Trainer | None
    main: MainScreen
    latest: Snapshot | None
    config: RunConfig

    def __init__(self, *args: object, **kwargs: object) -> None:
        """The default pace, an empty history, the live run on the panels; then the app."""
        self.pace: float | None = DEFAULT_PACE
        self._pace_before_max: float | None = DEFAULT_PACE
        self.history = RewindHistory()
        self.viewed: Snapshot | None = None  # the moment on the panels, if not the live one
        self._rolled_back_to: int | None = None  # the step the last rollback restored
        super().__init__(*args, **kwargs)

    # -- the app's hooks ------------------------------------------------------------------

    def _time_install(self, trainer: Trainer, config: RunConfig) -> None:
        """A new network (before it becomes current): its preset's pace unless it asks for
        the same pace as the current one (a reset keeps the pace the user chose), an empty
        history, parameters on every snapshot."""
        previous = self.config if self.trainer is not None else None
        if previous is None or config.max_steps_per_second != previous.max_steps_per_second:
            self.pace = starting_pace(config)
        self.history.clear()
        self.viewed = None
        self.main.status.set_viewing(None)
        self.main.timebar.hide()
        trainer.request_parameters(True)
        self._apply_pace(trainer)

    def _time_show(self, snapshot: Snapshot) -> None:
        """Keep a snapshot of the current run; show it unless an earlier moment is showing."""
        self.history.add(snapshot)
        if self.viewed is None:
            self.main.show(snapshot)
            if snapshot.state == RunState.DIVERGED and snapshot.divergence is not None:
                self.offer_rollback(snapshot)
            elif self.main.timebar.mode == "rollback":
                self.main.timebar.hide()
        else:
            self.main.status.set_viewing(self.viewed.step, snapshot.step)

    def _back_to_live(self) -> None:
        """Show the live run again (space and n do, before they act)."""
        if self.viewed is None:
            return
        self.viewed = None
        self.main.status.set_viewing(None)
        if self.latest is not None:
            self._time_show(self.latest)

    def _worker_alive(self) -> bool:
        """True while a training worker exists and has not ended."""
        worker = getattr(self, "_worker", None)
        return worker is not None and not worker.is_finished

    # -- pace -----------------------------------------------------------------------------

    def _apply_pace(self, trainer: Trainer | None = None) -> None:
        """Give the trainer (the current one unless given) the pace, and the cadence it
        implies; say it in the status bar.

        In slow motion every step is reported and every report drawn; faster, the app asks
        for ``MAX_SNAPSHOTS_PER_SECOND`` reports a second, and at max for fewer (drawing holds
        the interpreter lock that the trainer needs).
        """
        slow = is_slow_motion(self.pace)
        trainer = trainer or self.trainer
        if trainer is not None:
            trainer.set_pace(self.pace)
            if slow:
                trainer.set_cadence(seconds=0, steps=1)
            else:
                top = self.pace is None
                rate = MAX_PACE_SNAPSHOTS_PER_SECOND if top else MAX_SNAPSHOTS_PER_SECOND
                trainer.set_cadence(seconds=1 / rate, steps=0)
        self.main.set_every_snapshot(slow)
        self.main.status.set_pace(pace_label(self.pace))

    def action_pace(self, direction: int) -> None:
        """One step slower (-1) or faster (+1) on the ladder of paces."""
        self.pace = faster(self.pace) if direction > 0 else slower(self.pace)
        self._apply_pace()

    def action_max_pace(self) -> None:
        """Jump to max, or from max back to the pace before it."""
        if self.pace is None:
            self.pace = self._pace_before_max or DEFAULT_PACE
        else:
            self._pace_before_max, self.pace = self.pace, None
        self._apply_pace()

    # -- rewind and branch ------------------------------------------------------------------

    def action_rewind(self, direction: int) -> None:
        """Show the moment before (-1) or after (+1) the one showing; pause a running run."""
        live = self.latest
        if self.trainer is None or live is None or len(self.history) == 0:
            self.notify("Nothing to rewind yet: train first.", severity="warning", timeout=5)
            return
        if direction > 0 and self.viewed is None:  # nothing later than live: leave it running
            self.notify("This is the live run: , goes back to earlier moments.", timeout=3)
            return
        if live.state == RunState.RUNNING:
            self.trainer.pause()
        at = self.viewed.step if self.viewed is not None else live.step
        moment = self.history.before(at) if direction < 0 else self.history.after(at)
        if moment is None and direction < 0:
            self.notify("This is the oldest moment kept.", timeout=3)
            return
        if moment is None or (moment.step >= live.step and direction > 0):
            self._back_to_live()
            return
        self.viewed = moment
        shown = dataclasses.replace(moment, state=RunState.PAUSED, samples_per_second=0.0)
        self.main.show(shown)
        self.main.status.set_viewing(moment.step, live.step)

    def action_branch(self) -> None:
        """Continue the run from the moment showing (the later moments are dropped)."""
        moment = self.viewed
        if self.trainer is None or moment is None:
            self.notify(
                "Nothing to branch from: pause and go back with , first.",
                severity="warning",
                timeout=5,
            )
            return
        self._continue_from(moment.checkpoint, f"Branched at step {moment.step:,}.")

    def action_rollback(self) -> None:
        """After a divergence: back to the last finite state, with η ÷ ``ROLLBACK_FACTOR``."""
        found = self.latest.divergence if self.latest is not None else None
        if self.trainer is None or found is None or self.latest.state != RunState.DIVERGED:
            self.notify(
                "Nothing to roll back: the run has not diverged.", severity="warning", timeout=5
            )
            return
        kept = found.last_finite
        eta = self._rollback_from(found) / ROLLBACK_FACTOR
        news = f"Rolled back to step {kept.step:,} with η ÷ {ROLLBACK_FACTOR:g} = {eta:g}."
        # the same state diverging again: its weights may already be near overflow, so go
        # back to the moment kept before it (the run's start at the latest)
        earlier = self.history.before(kept.step) if self._rolled_back_to == kept.step else None
        if earlier is not None:
            news = (
                f"Step {kept.step:,} diverged again: rolled back to step {earlier.step:,} "
                f"with η ÷ {ROLLBACK_FACTOR:g} = {eta:g}."
            )
            kept = earlier
        self._rolled_back_to = kept.step
        self._set_eta(eta)
        self.main.form.set_eta(eta)
        self._continue_from(dataclasses.replace(kept, eta=eta), news)

    def _rollback_from(self, found: Divergence) -> float:
        """The η that ``u`` divides: the kept state's, or the one set since if lower (a user
        who lowered η after the divergence keeps that choice)."""
        return min(found.last_finite.eta, self.config.eta)

    def offer_rollback(self, snapshot: Snapshot) -> None:
        """Show where a diverged run went wrong and what ``u`` will do (again after η
        changes, so that the numbers stay those ``u`` uses)."""
        if snapshot.divergence is not None and self.viewed is None:
            eta = self._rollback_from(snapshot.divergence)
            self.main.timebar.offer_rollback(snapshot, eta, ROLLBACK_FACTOR)

    def _continue_from(self, checkpoint, news: str) -> None:
        """Restore the trainer to ``checkpoint`` and train on from there."""
        trainer = self.trainer
        assert trainer is not None and checkpoint is not None
        self.history.truncate_after(checkpoint.step)
        self.viewed = None
        self.main.status.set_viewing(None)
        trainer.restore(checkpoint)
        if self._worker_alive():
            trainer.resume()
        else:
            self._start()
        self.notify(news, title="Continued", timeout=5)
