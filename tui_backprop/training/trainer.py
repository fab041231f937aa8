"""The trainer: the loop of mini-batch steps, its controls, and its reports.

One trainer serves both faces: the app runs ``Trainer.run`` in a thread worker and the
headless mode runs it in the main thread. It knows nothing of who listens: it calls
``listener(snapshot)`` with immutable ``Snapshot`` objects at the cadence the listener
asked for (``report_every_seconds`` / ``report_every_steps``, or ``set_cadence``).

Every control (``Controls``: pause, resume, single steps, stop, η, pace, cadence, what
reports carry; and ``restore``) and ``snapshot`` may be called from any thread; the loop
polls the controls between mini-batches.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import numpy as np

from tui_backprop.data import Dataset, load_dataset
from tui_backprop.engine import Gradients, Network
from tui_backprop.training import divergence
from tui_backprop.training.config import RunConfig, check_sizes_match
from tui_backprop.training.controls import Controls
from tui_backprop.training.divergence import DivergenceWatch
from tui_backprop.training.evaluator import EpochRecord, Evaluation, Evaluator
from tui_backprop.training.grid import DEFAULT_RESOLUTION, MapGrid
from tui_backprop.training.inspection import (
    Checkpoint,
    Divergence,
    Parameters,
    StepDetail,
    load_parameters,
)
from tui_backprop.training.inspector_rows import Architecture
from tui_backprop.training.neuron_maps import NeuronMapper
from tui_backprop.training.recorder import RunRecorder, gradient_summary
from tui_backprop.training.saturation import LayerSaturation, saturation_of
from tui_backprop.training.schedule import BatchSchedule
from tui_backprop.training.snapshot import Snapshot
from tui_backprop.training.states import RunState
from tui_backprop.training.steps import Steps

log = logging.getLogger(__name__)
#: overflow on the way to divergence is expected: it is detected and reported, and a
#: warning printed on the terminal would only garble the app's screen
QUIET_OVERFLOW = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}

Listener = Callable[[Snapshot], None]
EpochListener = Callable[[EpochRecord], None]


class Trainer(Controls, Steps):
    """Trains one ``Network`` on one ``Dataset`` as a ``RunConfig`` says."""

    def __init__(
        self,
        config: RunConfig,
        dataset: Dataset | None = None,
        listener: Listener | None = None,
        on_epoch: EpochListener | None = None,
        network: Network | None = None,
        map_resolution: tuple[int, int] = DEFAULT_RESOLUTION,
        history_capacity: int = 512,
        report_every_seconds: float | None = None,
        report_every_steps: int | None = None,
        neuron_maps: bool = False,
    ) -> None:
        """Load the data (unless given), check the sizes against it and build the network.

        ``listener`` receives snapshots every ``report_every_seconds`` of training and/or
        every ``report_every_steps`` steps (the configuration's values unless given here),
        and at every change of state; ``on_epoch`` receives a small record after every
        evaluation; ``network`` continues a saved network instead of a fresh one;
        ``neuron_maps`` puts every neuron's map on the snapshots (see ``request_neuron_maps``).
        """
        self.config = config
        self.dataset = (
            dataset
            if dataset is not None
            else load_dataset(config.dataset, **config.dataset_options)
        )
        info = self.dataset.info
        check_sizes_match(config, info.n_inputs, info.n_outputs)
        self.net = network if network is not None else Network(**config.network_arguments())
        if network is None and (config.initial_weight, config.initial_bias) != (None, None):
            w0, b0 = config.initial_weight, config.initial_bias
            self.net.load_parameters(
                [w if w0 is None else np.full_like(w, w0) for w in self.net.weights],
                [b if b0 is None else np.full_like(b, b0) for b in self.net.biases],
            )
        self.listener = listener
        self.on_epoch = on_epoch
        rng = np.random.default_rng([config.seed, 1])
        # the evaluation subset is drawn before the first shuffle (so runs repeat exactly)
        self._evaluator = Evaluator(self.dataset, config.eval_max_samples, rng)
        self._schedule = BatchSchedule(
            self.dataset.X_train, self.dataset.Y_train, config.batch_size, rng
        )
        self.steps_per_epoch = self._schedule.batches_per_epoch
        self._n_train = self._schedule.n
        self._grid = MapGrid.build(self.dataset, config.seed, map_resolution)
        self._neuron_mapper = NeuronMapper.build(self.dataset, config.seed)
        self._recorder = RunRecorder(len(self.net.weights), history_capacity)

        self.state = RunState.IDLE
        self.message = ""
        self.epoch = 0
        self.step_count = 0
        self.samples_seen = 0
        self._started_at = time.perf_counter()
        self._last_grads: Gradients | None = None
        self._architecture = Architecture.of(config)
        self._settings = config.to_dict()  # asdict's deep copy per evaluation showed in profiles
        self._last_Y: np.ndarray | None = None
        self._evaluation: Evaluation | None = None
        self._detail: StepDetail | None = None
        self._divergence: Divergence | None = None
        # the last parameters known finite, and what happened since (for a replay)
        self._watch = DivergenceWatch(self.net, self._schedule, config.lmbda, self._n_train)

        self._active = False  # True while ``run`` owns the network
        self._pending_restore: Checkpoint | None = None
        self._init_controls(config, report_every_seconds, report_every_steps)
        self.request_neuron_maps(neuron_maps)
        self._last_report = time.perf_counter()
        with np.errstate(**QUIET_OVERFLOW):
            self._latest = self._build_snapshot()

    # -- restoring and reading, callable from any thread --------------------------------

    def restore(self, point: Snapshot | Checkpoint) -> None:
        """Continue from an earlier moment: its parameters, counters, η and evaluation.

        A branch: the history after that moment is dropped, the next epoch's order is a
        fresh shuffle, and a run that had ended (finished, stopped, diverged) becomes idle
        so that ``run`` trains again. While ``run`` is active the restore happens between
        two mini-batches.
        """
        checkpoint = point.checkpoint if isinstance(point, Snapshot) else point
        if checkpoint is None:
            raise ValueError("this snapshot has no parameters: call request_parameters() first")
        checkpoint.check_fits(self.net.sizes)
        with self._lock:
            if self._active:
                self._pending_restore = checkpoint
                self._wake.set()
                return
        self._apply_restore(checkpoint)

    def snapshot(self) -> Snapshot:
        """The latest report (or the untrained network's): no side effects, any thread."""
        return self._latest

    # -- the loop -----------------------------------------------------------------------

    def run(self, start_paused: bool = False) -> Snapshot:
        """Train until the epochs are done, ``stop`` is called, or the run diverges.

        Returns the final snapshot. An unexpected exception does not escape: the run ends
        in the ``failed`` state with the error as its message (and in the log).
        """
        if self.state.is_terminal:
            return self.snapshot()
        with self._lock:
            self._active = True
        try:
            return self._run(start_paused)
        finally:
            with self._lock:
                self._active = False
                pending, self._pending_restore = self._pending_restore, None
            if pending is not None:
                self._apply_restore(pending)

    def _run(self, start_paused: bool) -> Snapshot:
        """``run`` while it owns the network."""
        self._paused = self._paused or start_paused
        self._started_at = time.perf_counter()
        self.state = RunState.PAUSED if self._paused else RunState.RUNNING
        try:
            with np.errstate(**QUIET_OVERFLOW):
                self._report()
                self._loop()
        except Exception as error:  # a listener's or the engine's bug must not kill the UI
            log.exception("training failed")
            self.state = RunState.FAILED
            self.message = f"training failed: {type(error).__name__}: {error}"
        try:
            with np.errstate(**QUIET_OVERFLOW):
                return self._report()
        except Exception:  # the listener failed again on the final report: keep the result
            log.exception("listener failed on the final snapshot")
            return self.snapshot()

    def _loop(self) -> None:
        """Poll the controls between mini-batches; train, report, and stop when told."""
        while not self.state.is_terminal:
            self._attention = False  # a control after this line stops the fast loop
            if self._stop_event.is_set():
                self.state = RunState.STOPPED
                break
            if self._pending_restore is not None:
                self._take_pending_restore()
            if self._paused:
                self._wait_while_paused()
                self._recorder.restart_rate(self.samples_seen)
                continue
            self.state = RunState.RUNNING
            if self._step_interval or self._detail_wanted:
                # one step at a time: at a pace, or recording the step before each report
                if self._step_interval and not self._keep_pace(self._step_interval):
                    continue
                due = self._report_due(ahead=1)
                self._advance(detail=due and self._detail_wanted)
            else:
                self._run_fast()
                due = self._report_due(ahead=0)
            if due and not self.state.is_terminal:
                self._report()

    def _report_due(self, ahead: int) -> bool:
        """True when a report is due ``ahead`` steps from now (by steps, or by time now)."""
        steps, seconds = self._report_steps, self._report_seconds
        return bool(
            (steps and (self.step_count + ahead) % steps == 0)
            or (seconds and time.perf_counter() - self._last_report >= seconds)
        )

    def _keep_pace(self, interval: float) -> bool:
        """Sleep so that steps come at most one per ``interval`` seconds; True to step now.

        A control (pause, stop, a new pace) wakes the sleep: False then sends the loop back
        to look at the controls before it steps.
        """
        wait = self._next_step_at - time.perf_counter()
        if wait > 0:
            self._wake.clear()
            if self._wake.wait(wait):
                return False
        self._next_step_at = max(self._next_step_at, time.perf_counter()) + interval
        return True

    def _wait_while_paused(self) -> None:
        """Report the pause once, then sleep until a control arrives; serve step requests."""
        if self.state != RunState.PAUSED:
            self.state = RunState.PAUSED
            self._report()
        while self._paused and not self._stop_event.is_set():
            self._wake.clear()
            if self._pending_restore is not None:
                self._take_pending_restore()
                continue
            if self._take_step_request():
                self._advance(detail=True)
                if self.state.is_terminal:
                    return
                self._report()
                continue
            self._wake.wait(0.25)

    def step(self) -> Snapshot:
        """Take one mini-batch step now, in the caller's thread (for scripts and tests)."""
        with np.errstate(**QUIET_OVERFLOW):
            if not self.state.is_terminal:
                self._advance(detail=True)
            return self._report()

    # -- divergence ---------------------------------------------------------------------

    def _checkpoint(self) -> Checkpoint:
        """The run as it is now, to continue from."""
        return Checkpoint(
            Parameters.of(self.net),
            self.step_count,
            self.epoch,
            self.samples_seen,
            self.eta,
            self._evaluation,
        )

    def _mark_finite(self) -> None:
        """Remember the parameters before the next step, if finite (a hidden layer's update
        can overflow a step before ∇b^L shows it; then the older mark of this epoch stays)."""
        watch, checkpoint = self._watch, self._checkpoint()
        if watch.mark is None or checkpoint.parameters.is_finite():
            watch.set_mark(checkpoint)
        if watch.start_cost is None:  # the cost on the first mini-batch, before its step
            X, Y = self._schedule.batches[self._schedule.index]
            penalty = self.net.weight_penalty(self.config.lmbda, self._n_train)
            watch.start_cost = self.net.cost(X, Y) + penalty
            watch.good = watch.mark

    def _declare(self, found: Divergence) -> None:
        """End the run as diverged, with a message naming the step, layer and quantity."""
        self._divergence = found
        self.state = RunState.DIVERGED
        self.message = divergence.message(
            found.step, found.reason, self.eta, found.last_finite.step
        )

    # -- restoring ----------------------------------------------------------------------

    def _take_pending_restore(self) -> None:
        """Apply a restore asked for from another thread (in the training thread)."""
        with self._lock:
            pending, self._pending_restore = self._pending_restore, None
        if pending is not None:
            self._apply_restore(pending)

    def _apply_restore(self, checkpoint: Checkpoint) -> None:
        """Load the checkpoint's parameters and counters; report the restored moment."""
        load_parameters(self.net, checkpoint.parameters)
        self.step_count, self.epoch = checkpoint.step, checkpoint.epoch
        self.samples_seen, self.eta = checkpoint.samples_seen, checkpoint.eta
        self._evaluation = checkpoint.evaluation
        self._schedule.seek(checkpoint.step - checkpoint.epoch * self.steps_per_epoch)
        self._recorder.truncate(checkpoint.step, checkpoint.epoch)
        self._last_grads = self._last_Y = self._detail = self._divergence = None
        self._mark_finite()
        self._watch.good = self._watch.mark  # a runaway from here comes back here, not before
        if self.state.is_terminal:
            self.state = RunState.IDLE
            self._stop_event.clear()
        self.message = f"continued from step {checkpoint.step}"
        with np.errstate(**QUIET_OVERFLOW):
            self._report()

    # -- reports ------------------------------------------------------------------------

    def _report(self) -> Snapshot:
        """Build the snapshot of now, keep it as the latest, and hand it to the listener."""
        snapshot = self._latest = self._build_snapshot()
        self._last_report = time.perf_counter()
        if self.listener is not None:
            self.listener(snapshot)
        return snapshot

    def _build_snapshot(self) -> Snapshot:
        """Record this report (history, rate, sequence) and assemble its snapshot."""
        norm_w, norm_b, delta, batch_cost = gradient_summary(
            self.net, self._last_grads, self._last_Y
        )
        recorder = self._recorder
        recorder.record_report(
            self.state,
            self.step_count,
            self.step_count / self.steps_per_epoch,
            self.samples_seen,
            batch_cost,
            norm_w,
            norm_b,
        )
        evaluation = self._evaluation or Evaluation(None, None, None, None)
        detail = self._detail
        return Snapshot(
            state=self.state,
            epoch=self.epoch,
            epochs=self.config.epochs,
            step=self.step_count,
            steps_per_epoch=self.steps_per_epoch,
            batch_size=self._schedule.batch_size,
            samples_seen=self.samples_seen,
            eta=self.eta,
            samples_per_second=recorder.rate,
            batch_cost=batch_cost,
            train_cost=evaluation.train_cost,
            test_cost=evaluation.test_cost,
            train_accuracy=evaluation.train_accuracy,
            test_accuracy=evaluation.test_accuracy,
            sizes=tuple(self.net.sizes),
            grad_norm_w=norm_w,
            grad_norm_b=norm_b,
            delta=delta,
            epochs_history=recorder.epochs_history(),
            steps_history=recorder.steps_history(),
            output_map=self._grid.output_map(self.net)
            if self._grid is not None and self._map_wanted
            else None,
            message=self.message,
            task=self.dataset.info.task,
            sequence=recorder.sequence,
            step_detail=detail if detail is not None and detail.step == self.step_count else None,
            parameters=Parameters.of(self.net) if self._parameters_wanted else None,
            divergence=self._divergence,
            saturation=self._saturation(),
            classes=evaluation.classes,
            diagnoses=evaluation.diagnoses,
            neuron_maps=self._neuron_mapper.maps(self.net, self._last_grads, self.step_count)
            if self._neuron_mapper is not None and self._neuron_maps_wanted
            else None,
        )

    def _saturation(self) -> tuple[LayerSaturation, ...]:
        """Saturated and dead neurons of the latest mini-batch (none before a step)."""
        if self._last_grads is None:
            return ()
        return saturation_of(self._last_grads, self._architecture)
