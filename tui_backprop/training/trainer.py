"""The trainer: the loop of mini-batch steps, its controls, and its reports.

One trainer serves both faces: the app runs ``Trainer.run`` in a thread worker and the
headless mode runs it in the main thread. It knows nothing of who listens: it calls
``listener(snapshot)`` with immutable ``Snapshot`` objects at the cadence the listener
asked for (``report_every_seconds`` / ``report_every_steps``, or ``set_cadence``).

Every control (``pause``, ``resume``, ``request_step``, ``stop``, ``set_eta``,
``set_pace``, ``set_cadence``, ``request_step_detail``, ``request_parameters``,
``restore``) and ``snapshot`` may be called from any thread; the loop polls the controls
between mini-batches.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable

import numpy as np

from tui_backprop.data import Dataset, load_dataset
from tui_backprop.engine import Gradients, Network
from tui_backprop.training import divergence
from tui_backprop.training.config import ConfigError, RunConfig, check_sizes_match
from tui_backprop.training.evaluator import EpochRecord, Evaluation, Evaluator
from tui_backprop.training.grid import DEFAULT_RESOLUTION, MapGrid
from tui_backprop.training.inspection import (
    Checkpoint,
    Divergence,
    Parameters,
    StepDetail,
    copy_gradients,
)
from tui_backprop.training.recorder import RunRecorder
from tui_backprop.training.schedule import BatchSchedule
from tui_backprop.training.snapshot import Snapshot
from tui_backprop.training.states import RunState

log = logging.getLogger(__name__)
#: overflow on the way to divergence is expected: it is detected and reported, and a
#: warning printed on the terminal would only garble the app's screen
QUIET_OVERFLOW = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}
#: the last finite parameters are copied at every epoch's start and this often in between,
#: so that a divergence can be replayed from them (a copy per step would cost the hot path)
MARK_EVERY_STEPS = 256

Listener = Callable[[Snapshot], None]
EpochListener = Callable[[EpochRecord], None]


def _load(net: Network, parameters: Parameters) -> None:
    """Put copied parameters back into the network."""
    for view, value in zip(
        net.weights + net.biases, parameters.weights + parameters.biases, strict=True
    ):
        np.copyto(view, value, casting="unsafe")


class Trainer:
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
    ) -> None:
        """Load the data (unless given), check the sizes against it and build the network.

        ``listener`` receives snapshots every ``report_every_seconds`` of training and/or
        every ``report_every_steps`` steps (the configuration's values unless given here),
        and at every change of state; ``on_epoch`` receives a small record after every
        evaluation; ``network`` continues a saved network instead of a fresh one.
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
        if network is None and config.initial_weight is not None:
            for w in self.net.weights:
                w.fill(config.initial_weight)
        if network is None and config.initial_bias is not None:
            for b in self.net.biases:
                b.fill(config.initial_bias)
        self.listener = listener
        self.on_epoch = on_epoch
        self.eta = config.eta
        rng = np.random.default_rng([config.seed, 1])
        # the evaluation subset is drawn before the first shuffle (so runs repeat exactly)
        self._evaluator = Evaluator(self.dataset, config.eval_max_samples, rng)
        self._schedule = BatchSchedule(
            self.dataset.X_train, self.dataset.Y_train, config.batch_size, rng
        )
        self.steps_per_epoch = self._schedule.batches_per_epoch
        self._n_train = self._schedule.n
        self._grid = MapGrid.build(self.dataset, config.seed, map_resolution)
        self._recorder = RunRecorder(len(self.net.weights), history_capacity)

        self.state = RunState.IDLE
        self.message = ""
        self.epoch = 0
        self.step_count = 0
        self.samples_seen = 0
        self._started_at = time.perf_counter()
        self._last_grads: Gradients | None = None
        self._last_Y: np.ndarray | None = None
        self._evaluation: Evaluation | None = None
        self._start_cost: float | None = None
        self._detail: StepDetail | None = None
        self._divergence: Divergence | None = None
        # the last parameters known finite, and what happened since (for a replay)
        self._mark: Checkpoint | None = None
        self._good: Checkpoint | None = None  # the last evaluation within the cost rule
        self._mark_index = 0  # the batch of the epoch that follows the mark
        self._eta_changes: dict[int, float] = {}  # step → η, since the mark
        self._eta_in_use = self.eta

        self._paused = False
        self._step_requests = 0
        self._stop_event = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._active = False  # True while ``run`` owns the network
        self._pending_restore: Checkpoint | None = None
        self._detail_wanted = False
        self._parameters_wanted = False
        self._report_seconds = (
            config.report_every_seconds if report_every_seconds is None else report_every_seconds
        )
        self._report_steps = (
            config.report_every_steps if report_every_steps is None else report_every_steps
        )
        self._step_interval = 0.0
        self.set_pace(config.max_steps_per_second or None)
        self._last_report = time.perf_counter()
        self._next_step_at = 0.0
        with np.errstate(**QUIET_OVERFLOW):
            self._latest = self._build_snapshot()

    # -- controls, callable from any thread ---------------------------------------------

    def pause(self) -> None:
        """Pause between mini-batches; a paused run still answers ``request_step``."""
        self._paused = True
        self._wake.set()

    def resume(self) -> None:
        """Continue a paused run."""
        self._paused = False
        self._wake.set()

    def request_step(self, count: int = 1) -> None:
        """Take ``count`` mini-batch steps while paused (ignored while running).

        Each such step carries its ``StepDetail`` on the snapshot that follows it.
        """
        with self._lock:
            self._step_requests += count
        self._wake.set()

    def stop(self) -> None:
        """End the run after the current mini-batch."""
        self._stop_event.set()
        self._wake.set()

    def set_eta(self, eta: float) -> None:
        """Change the learning rate η; the next mini-batch uses it."""
        if not (isinstance(eta, int | float) and math.isfinite(eta) and eta > 0):
            raise ConfigError(f"eta = {eta!r} must be a number > 0")
        self.eta = float(eta)

    def set_pace(self, steps_per_second: float | None) -> None:
        """Take at most this many steps a second; None (or 0, or inf) for full speed."""
        if steps_per_second is None or steps_per_second == 0 or steps_per_second == math.inf:
            self._step_interval = 0.0
        elif isinstance(steps_per_second, int | float) and steps_per_second > 0:
            self._step_interval = 1.0 / steps_per_second
        else:
            raise ConfigError(
                f"pace = {steps_per_second!r} must be a number of steps a second > 0 "
                "(or None for full speed)"
            )
        self._wake.set()  # a long wait for the old pace ends now

    @property
    def pace(self) -> float | None:
        """Steps a second at most, or None at full speed."""
        return 1.0 / self._step_interval if self._step_interval else None

    def set_cadence(self, seconds: float | None = None, steps: int | None = None) -> None:
        """Report every ``seconds`` of training and/or every ``steps`` steps (0: not by that).

        The consumer says how often it wants snapshots, so that none is built only to be
        dropped; changes of state (paused, single steps, the end) are always reported.
        """
        if seconds is not None:
            if not (isinstance(seconds, int | float) and seconds >= 0):
                raise ConfigError(f"report_every_seconds = {seconds!r} must be a number ≥ 0")
            self._report_seconds = float(seconds)
        if steps is not None:
            if isinstance(steps, bool) or not (isinstance(steps, int) and steps >= 0):
                raise ConfigError(f"report_every_steps = {steps!r} must be a whole number ≥ 0")
            self._report_steps = steps

    @property
    def cadence(self) -> tuple[float, int]:
        """(seconds, steps) between reports while running; 0 means not by that measure."""
        return self._report_seconds, self._report_steps

    def request_step_detail(self, on: bool = True) -> None:
        """While on, the step before each report is recorded in full (``Snapshot.step_detail``).

        For an open inspector: it costs one more backward pass and a few copies per report,
        not per step.
        """
        self._detail_wanted = on

    def request_parameters(self, on: bool = True) -> None:
        """While on, every snapshot carries a copy of the parameters (``Snapshot.parameters``,
        and so a ``Snapshot.checkpoint`` to ``restore``)."""
        self._parameters_wanted = on

    def restore(self, point: Snapshot | Checkpoint) -> None:
        """Continue from an earlier moment: its parameters, counters, η and evaluation.

        A branch: the history after that moment is dropped, the next epoch's order is a
        fresh shuffle, and a run that had ended (finished, stopped, diverged) becomes idle
        so that ``run`` trains again. While ``run`` is active the restore happens between
        two mini-batches.
        """
        checkpoint = point.checkpoint if isinstance(point, Snapshot) else point
        if checkpoint is None:
            raise ValueError(
                "this snapshot carries no parameters: call request_parameters() before it"
            )
        if checkpoint.parameters.sizes != tuple(self.net.sizes):
            raise ValueError(
                f"the checkpoint's sizes {list(checkpoint.parameters.sizes)} are not "
                f"this network's {self.net.sizes}"
            )
        with self._lock:
            if self._active:
                self._pending_restore = checkpoint
                self._wake.set()
                return
        self._apply_restore(checkpoint)

    @property
    def is_paused(self) -> bool:
        """True while paused."""
        return self._paused

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
            if self._step_interval:
                self._keep_pace(self._step_interval)
            due = self._report_due()
            self._advance(detail=due and self._detail_wanted)
            if due and not self.state.is_terminal:
                self._report()

    def _report_due(self) -> bool:
        """True when the step about to be taken is the last before a report."""
        steps, seconds = self._report_steps, self._report_seconds
        return bool(
            (steps and (self.step_count + 1) % steps == 0)
            or (seconds and time.perf_counter() - self._last_report >= seconds)
        )

    def _keep_pace(self, interval: float) -> None:
        """Sleep so that steps come no faster than one per ``interval`` seconds."""
        wait = self._next_step_at - time.perf_counter()
        if wait > 0:
            # wake on a control (pause, stop, a new pace) rather than sleeping through it;
            # a control that came earlier is seen by the loop's own checks
            self._wake.clear()
            self._wake.wait(min(wait, interval))
            if self._next_step_at - time.perf_counter() > 1e-3:
                return  # woken early: the loop looks at the controls, then comes back
        self._next_step_at = max(self._next_step_at, time.perf_counter() - interval) + interval

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
            with self._lock:
                take = self._step_requests > 0
                if take:
                    self._step_requests -= 1
            if take:
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

    # -- one mini-batch -----------------------------------------------------------------

    def _advance(self, detail: bool) -> None:
        """One SGD step on the next mini-batch; evaluates and ends epochs as due.

        With ``detail``, the step is also recorded in full as a ``StepDetail``.
        """
        schedule, net = self._schedule, self.net
        if schedule.epoch_over:
            schedule.new_epoch()
            self._mark_finite()
        elif self.step_count - self._mark.step >= MARK_EVERY_STEPS:
            self._mark_finite()
        X, Y = schedule.next()
        eta, lmbda = self.eta, self.config.lmbda
        if eta != self._eta_in_use:
            self._eta_changes[self.step_count + 1] = self._eta_in_use = eta
        if detail:
            before = Parameters.of(net)
            gradients = copy_gradients(net.backprop(X, Y))
        grads = net.sgd_step(X, Y, eta, lmbda, self._n_train)
        self._last_grads, self._last_Y = grads, Y
        self.step_count += 1
        self.samples_seen += len(X)
        if detail:
            self._detail = StepDetail(
                self.step_count,
                np.array(X),
                np.array(Y),
                before,
                gradients,
                Parameters.of(net),
                eta,
                lmbda,
                self._n_train,
            )
        # one cheap check per step: NaN or inf in the forward pass reaches δ^L, and so
        # ∇b^L = mean δ^L, at once; in the backward pass it reaches the weights, and so δ^L
        # at the next step. (A Python sum of a short list beats any NumPy reduction here.)
        if not math.isfinite(sum(grads.nabla_b[-1].tolist())):
            self._diverge_on_step()
        elif schedule.epoch_over:
            self._end_epoch()

    def _end_epoch(self) -> None:
        """Evaluate (every ``eval_every`` epochs and after the last); finish after the last."""
        self.epoch += 1
        if not all(np.isfinite(w).all() for w in self.net.weights):
            self._diverge_on_step()
            return
        last = self.epoch >= self.config.epochs
        if self.epoch % self.config.eval_every and not last:
            return
        evaluation = self._evaluation = self._evaluator.evaluate(self.net, self.config.lmbda)
        self._recorder.record_epoch(self.epoch, evaluation)
        if self.on_epoch is not None:
            self.on_epoch(
                EpochRecord(
                    self.epoch,
                    self.step_count,
                    self.samples_seen,
                    self.eta,
                    evaluation.train_cost,
                    evaluation.test_cost,
                    evaluation.train_accuracy,
                    evaluation.test_accuracy,
                    time.perf_counter() - self._started_at,
                )
            )
        reason = divergence.cost_runaway(evaluation.train_cost, self._start_cost)
        if reason:
            self._diverge_on_cost(f"{reason} (after epoch {self.epoch})")
            return
        self._good = self._checkpoint()
        if last:
            self.state = RunState.FINISHED
            self.message = f"finished {self.epoch} epochs"

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
        """Remember the parameters as they are before the next step (assumed finite)."""
        self._mark = self._checkpoint()
        if self._start_cost is None:
            self._start_cost = self._evaluator.train_cost(self.net, self.config.lmbda)
            self._good = self._mark
        self._mark_index = self._schedule.index
        self._eta_changes = {}
        self._eta_in_use = self.eta

    def _diverge_on_step(self) -> None:
        """A step made something non-finite: replay from the mark to find where, and keep
        the last finite parameters in the network."""
        mark, net, schedule = self._mark, self.net, self._schedule
        failing = self.step_count
        _load(net, mark.parameters)
        kept, kept_step, samples = mark.parameters, mark.step, mark.samples_seen
        eta = mark.eta
        for step in range(mark.step + 1, failing + 1):
            eta = self._eta_changes.get(step, eta)
            X, Y = schedule.batch(self._mark_index + step - mark.step - 1)
            grads = net.sgd_step(X, Y, eta, self.config.lmbda, self._n_train)
            after = Parameters.of(net)
            if not (after.is_finite() and math.isfinite(sum(grads.nabla_b[-1].tolist()))):
                failing = step
                break
            kept, kept_step, samples = after, step, samples + len(X)
        _load(net, kept)
        layer, quantity = divergence.locate(net, X, Y, eta, self.config.lmbda, self._n_train)
        last_finite = Checkpoint(
            kept,
            kept_step,
            kept_step // self.steps_per_epoch,
            samples,
            eta,
            self._evaluation,
        )
        reason = divergence.where(layer, quantity)
        self._declare(Divergence(failing, layer, quantity or "update", reason, last_finite))

    def _diverge_on_cost(self, reason: str) -> None:
        """The cost ran away: go back to the last evaluation within bounds (or the start)."""
        _load(self.net, self._good.parameters)
        self._declare(Divergence(self.step_count, None, "cost", reason, self._good))

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
        _load(self.net, checkpoint.parameters)
        self.step_count, self.epoch = checkpoint.step, checkpoint.epoch
        self.samples_seen, self.eta = checkpoint.samples_seen, checkpoint.eta
        self._evaluation = checkpoint.evaluation
        self._schedule.seek(checkpoint.step - checkpoint.epoch * self.steps_per_epoch)
        self._recorder.truncate(checkpoint.step, checkpoint.epoch)
        self._last_grads = self._last_Y = self._detail = self._divergence = None
        self._mark_finite()
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
        grads, n_layers = self._last_grads, len(self.net.weights)
        if grads is not None:
            norm_w = tuple(float(np.linalg.norm(g)) for g in grads.nabla_w)
            norm_b = tuple(float(np.linalg.norm(g)) for g in grads.nabla_b)
            delta = tuple(d.copy() for d in grads.delta)
            # the cost of the latest mini-batch, from its stored z^L and a^L
            batch_cost = self.net.batch_cost(grads, self._last_Y)
        else:
            norm_w = norm_b = (math.nan,) * n_layers
            delta = tuple(np.zeros((0, n)) for n in self.net.sizes[1:])
            batch_cost = math.nan
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
            output_map=self._grid.output_map(self.net) if self._grid is not None else None,
            message=self.message,
            task=self.dataset.info.task,
            sequence=recorder.sequence,
            step_detail=detail if detail is not None and detail.step == self.step_count else None,
            parameters=Parameters.of(self.net) if self._parameters_wanted else None,
            divergence=self._divergence,
        )
