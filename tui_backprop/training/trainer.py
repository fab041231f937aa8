"""The trainer: epochs of shuffled mini-batches, evaluation, controls, snapshots.

One trainer serves both faces: the app runs ``Trainer.run`` in a thread worker and the
headless mode runs it in the main thread. It knows nothing of who listens: it calls
``listener(snapshot)`` with immutable ``Snapshot`` objects at a configurable cadence.

Controls (``pause``, ``resume``, ``request_step``, ``stop``, ``set_eta``) may be called
from any thread; the training loop polls them between mini-batches.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tui_backprop.data import Dataset, load_dataset
from tui_backprop.engine import Gradients, Network
from tui_backprop.training.config import ConfigError, RunConfig, check_sizes_match
from tui_backprop.training.history import DecimatingSeries
from tui_backprop.training.snapshot import (
    DIVERGED,
    FAILED,
    FINISHED,
    IDLE,
    PAUSED,
    RUNNING,
    STOPPED,
    TERMINAL_STATES,
    EpochHistory,
    OutputMap,
    Snapshot,
    StepHistory,
)

log = logging.getLogger(__name__)
#: overflow on the way to divergence is expected: it is detected and reported, and a
#: warning printed on the terminal would only garble the app's screen
QUIET_OVERFLOW = {"over": "ignore", "invalid": "ignore", "divide": "ignore"}

Listener = Callable[[Snapshot], None]


@dataclass(frozen=True)
class EpochRecord:
    """The evaluation at the end of one epoch (accuracies None for regression)."""

    epoch: int
    step: int
    samples_seen: int
    eta: float
    train_cost: float
    test_cost: float
    train_accuracy: float | None
    test_accuracy: float | None
    seconds: float  # wall time since the run started, pauses included


EpochListener = Callable[[EpochRecord], None]
#: rows of evaluation per forward pass, to bound memory on large sets
EVAL_CHUNK = 10_000
#: training points drawn on the output map
MAP_POINTS = 400
#: above this size the training data is gathered mini-batch by mini-batch instead of being
#: copied in shuffled order every epoch (a bulk copy of MNIST is ~60 ms an epoch)
GATHER_PER_BATCH_BYTES = 4 << 20


class Trainer:
    """Trains one ``Network`` on one ``Dataset`` as a ``RunConfig`` says."""

    def __init__(
        self,
        config: RunConfig,
        dataset: Dataset | None = None,
        listener: Listener | None = None,
        on_epoch: EpochListener | None = None,
        network: Network | None = None,
        map_resolution: tuple[int, int] = (48, 24),
        history_capacity: int = 512,
    ) -> None:
        """Load the data (unless given), check the sizes against it and build the network.

        ``listener`` receives snapshots at the configured cadence; ``on_epoch`` receives a
        small record at the end of every epoch; ``network`` continues a saved network
        instead of a fresh one.
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
        self._started_at = time.perf_counter()
        self.eta = config.eta
        self._map_resolution = map_resolution
        self._is_classification = info.task == "classification"
        self._n_train = len(self.dataset.X_train)
        self._batch_size = min(config.batch_size, self._n_train)
        self.steps_per_epoch = math.ceil(self._n_train / self._batch_size)
        self._rng = np.random.default_rng([config.seed, 1])
        # the training split is evaluated on a fixed subset, copied once
        eval_count = min(self._n_train, config.eval_max_samples)
        if eval_count == self._n_train:
            self._X_eval, self._Y_eval = self.dataset.X_train, self.dataset.Y_train
        else:
            rows = np.sort(self._rng.permutation(self._n_train)[:eval_count])
            self._X_eval, self._Y_eval = self.dataset.X_train[rows], self.dataset.Y_train[rows]
        self._train_labels = self._labels(self._Y_eval)
        self._test_labels = self._labels(self.dataset.Y_test)
        self._grid = self._make_grid()

        self.state = IDLE
        self.message = ""
        self.epoch = 0
        self.step_count = 0
        self.samples_seen = 0
        self._batch_start = self._n_train  # forces a shuffle before the first step
        self._order = np.arange(self._n_train)
        self._X_epoch, self._Y_epoch = self.dataset.X_train, self.dataset.Y_train
        self._gather_per_batch = self.dataset.X_train.nbytes > GATHER_PER_BATCH_BYTES
        self._last_grads: Gradients | None = None
        self._last_Y: np.ndarray | None = None
        self._batch_cost = math.nan
        self._evaluation: tuple[float | None, ...] = (None, None, None, None)
        n_layers = len(self.net.weights)
        self._epochs_history = DecimatingSeries(5, history_capacity)
        self._steps_history = DecimatingSeries(3 + 2 * n_layers, history_capacity)
        self._sequence = 0
        self._recorded_step = -1  # the step last added to the step history

        self._paused = False
        self._step_requests = 0
        self._stop_event = threading.Event()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._rate = 0.0
        self._rate_mark = (time.perf_counter(), 0)
        self._last_report = time.perf_counter()
        self._next_step_at = 0.0

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
        """Take ``count`` mini-batch steps while paused (ignored while running)."""
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

    @property
    def is_paused(self) -> bool:
        """True while paused."""
        return self._paused

    # -- the loop -----------------------------------------------------------------------

    def run(self, start_paused: bool = False) -> Snapshot:
        """Train until the epochs are done, ``stop`` is called, or the run diverges.

        Returns the final snapshot. An unexpected exception does not escape: the run ends
        in the ``failed`` state with the error as its message (and in the log).
        """
        if self.state in TERMINAL_STATES:
            return self.snapshot()
        self._paused = self._paused or start_paused
        self._started_at = time.perf_counter()
        self.state = PAUSED if self._paused else RUNNING
        self._emit()
        try:
            with np.errstate(**QUIET_OVERFLOW):
                self._loop()
        except Exception as error:  # a listener's or the engine's bug must not kill the UI
            log.exception("training failed")
            self.state = FAILED
            self.message = f"training failed: {type(error).__name__}: {error}"
        try:
            return self._emit()
        except Exception:  # the listener failed again on the final report: keep the result
            log.exception("listener failed on the final snapshot")
            with np.errstate(**QUIET_OVERFLOW):
                return self.snapshot()

    def _loop(self) -> None:
        """Poll the controls between mini-batches; train, report, and stop when told."""
        report_steps = self.config.report_every_steps
        report_seconds = self.config.report_every_seconds
        while self.state not in TERMINAL_STATES:
            if self._stop_event.is_set():
                self.state = STOPPED
                break
            if self._paused:
                self._wait_while_paused()
                self._rate_mark = (time.perf_counter(), self.samples_seen)
                continue
            self.state = RUNNING
            if self.config.max_steps_per_second:
                self._keep_pace()
            self._advance()
            if self.state in TERMINAL_STATES:
                break
            now = time.perf_counter()
            due_by_steps = report_steps and self.step_count % report_steps == 0
            due_by_time = report_seconds and now - self._last_report >= report_seconds
            if due_by_steps or due_by_time:
                self._emit()

    def _keep_pace(self) -> None:
        """Sleep so that steps come no faster than ``max_steps_per_second``."""
        interval = 1.0 / self.config.max_steps_per_second
        wait = self._next_step_at - time.perf_counter()
        if wait > 0:
            # wake on a control (pause, stop) rather than sleeping through it; a control
            # that came earlier is seen by the loop's own checks
            self._wake.clear()
            self._wake.wait(wait)
        self._next_step_at = max(self._next_step_at, time.perf_counter() - interval) + interval

    def _wait_while_paused(self) -> None:
        """Report the pause once, then sleep until a control arrives; serve step requests."""
        if self.state != PAUSED:
            self.state = PAUSED
            self._emit()
        while self._paused and not self._stop_event.is_set():
            self._wake.clear()
            with self._lock:
                take = self._step_requests > 0
                if take:
                    self._step_requests -= 1
            if take:
                self._advance()
                if self.state in TERMINAL_STATES:
                    return
                self._emit()
                continue
            self._wake.wait(0.25)

    def step(self) -> Snapshot:
        """Take one mini-batch step now, in the caller's thread (for scripts and tests)."""
        if self.state not in TERMINAL_STATES:
            with np.errstate(**QUIET_OVERFLOW):
                self._advance()
        return self._emit()

    # -- one mini-batch -----------------------------------------------------------------

    def _advance(self) -> None:
        """One SGD step on the next mini-batch; shuffles, evaluates and ends epochs as due."""
        if self._batch_start >= self._n_train:
            self._order = self._rng.permutation(self._n_train)
            if not self._gather_per_batch:
                self._X_epoch = self.dataset.X_train[self._order]
                self._Y_epoch = self.dataset.Y_train[self._order]
            self._batch_start = 0
        stop = self._batch_start + self._batch_size
        if self._gather_per_batch:
            rows = self._order[self._batch_start : stop]
            X, Y = self.dataset.X_train[rows], self.dataset.Y_train[rows]
        else:
            X = self._X_epoch[self._batch_start : stop]
            Y = self._Y_epoch[self._batch_start : stop]
        grads = self.net.sgd_step(X, Y, self.eta, self.config.lmbda, self._n_train)
        self._batch_start = stop
        self._last_grads, self._last_Y = grads, Y
        self.step_count += 1
        self.samples_seen += len(X)
        # one cheap check per step: NaN or inf in the forward pass reaches δ^L, and so
        # ∇b^L = mean δ^L, at once; in the backward pass it reaches the weights, and so δ^L
        # at the next step. (A Python sum of a short list beats any NumPy reduction here.)
        if not math.isfinite(sum(grads.nabla_b[-1].tolist())):
            self._batch_cost = self.net.batch_cost(grads, Y)
            self._diverge(
                f"the errors δ of this mini-batch (epoch {self.epoch + 1}) stopped being "
                f"finite (cost {self._batch_cost})"
            )
            return
        if self._batch_start >= self._n_train:
            self._end_epoch()

    def _end_epoch(self) -> None:
        """Evaluate (every ``eval_every`` epochs and after the last); finish after the last."""
        self.epoch += 1
        if not all(np.isfinite(w).all() for w in self.net.weights):
            self._diverge(f"the weights stopped being finite during epoch {self.epoch}")
            return
        last = self.epoch >= self.config.epochs
        if self.epoch % self.config.eval_every and not last:
            return
        train_cost, train_acc = self._measure(self._X_eval, self._Y_eval, self._train_labels)
        test_cost, test_acc = self._measure(
            self.dataset.X_test, self.dataset.Y_test, self._test_labels
        )
        self._evaluation = (train_cost, test_cost, train_acc, test_acc)
        self._epochs_history.append(
            [self.epoch, *(math.nan if v is None else v for v in self._evaluation)]
        )
        if self.on_epoch is not None:
            self.on_epoch(
                EpochRecord(
                    self.epoch,
                    self.step_count,
                    self.samples_seen,
                    self.eta,
                    train_cost,
                    test_cost,
                    train_acc,
                    test_acc,
                    time.perf_counter() - self._started_at,
                )
            )
        if not math.isfinite(train_cost):
            self._diverge(f"the training cost after epoch {self.epoch} became {train_cost}")
        elif last:
            self.state = FINISHED
            self.message = f"finished {self.epoch} epochs"

    def _measure(
        self, X: np.ndarray, Y: np.ndarray, labels: np.ndarray | None
    ) -> tuple[float, float | None]:
        """Cost (with network2's L2 term) and accuracy, in chunks to bound memory."""
        if len(X) == 0:
            return math.nan, None
        total_cost, correct = 0.0, 0
        for start in range(0, len(X), EVAL_CHUNK):
            rows = slice(start, start + EVAL_CHUNK)
            cost, outputs = self.net.evaluate(X[rows], Y[rows])
            total_cost += cost * len(outputs)
            if labels is not None:
                correct += int((self._predict(outputs) == labels[rows]).sum())
        cost = total_cost / len(X) + self.net.weight_penalty(self.config.lmbda, self._n_train)
        accuracy = correct / len(X) if labels is not None else None
        return cost, accuracy

    def _labels(self, Y: np.ndarray) -> np.ndarray | None:
        """Integer classes of targets, or None for regression."""
        return self.dataset.labels(Y) if self._is_classification else None

    @staticmethod
    def _predict(outputs: np.ndarray) -> np.ndarray:
        """The predicted class: argmax, or a^L > 0.5 for a single output."""
        if outputs.shape[1] == 1:
            return (outputs[:, 0] > 0.5).astype(int)
        return outputs.argmax(axis=1)

    def _diverge(self, what: str) -> None:
        """Stop with a message naming the step and the first layer holding NaN or inf."""
        layer = self._first_bad_layer()
        where = f"; NaN/inf first appears in layer {layer}" if layer else ""
        self.state = DIVERGED
        self.message = (
            f"diverged at step {self.step_count}: {what}{where}. "
            f"Try a smaller η (now {self.eta:g})."
        )

    def _first_bad_layer(self) -> int | None:
        """The first layer (1 = first hidden) whose z, weights or biases are not finite."""
        grads = self._last_grads
        for l, (w, b) in enumerate(zip(self.net.weights, self.net.biases)):
            z_bad = grads is not None and not np.isfinite(grads.zs[l]).all()
            if z_bad or not (np.isfinite(w).all() and np.isfinite(b).all()):
                return l + 1
        return None

    # -- snapshots ----------------------------------------------------------------------

    def _emit(self) -> Snapshot:
        """Build a snapshot, record it in the step history, and hand it to the listener."""
        with np.errstate(**QUIET_OVERFLOW):
            snapshot = self.snapshot()
        self._last_report = time.perf_counter()
        if self.listener is not None:
            self.listener(snapshot)
        return snapshot

    def _update_rate(self) -> float:
        """Samples per second of training since the previous report (smoothed)."""
        now = time.perf_counter()
        mark_time, mark_samples = self._rate_mark
        if self.state == RUNNING and now - mark_time >= 0.05:
            current = (self.samples_seen - mark_samples) / (now - mark_time)
            self._rate = current if self._rate == 0 else 0.5 * self._rate + 0.5 * current
            self._rate_mark = (now, self.samples_seen)
        return self._rate

    def snapshot(self) -> Snapshot:
        """An immutable report of the run now (call from the training thread or when idle)."""
        grads = self._last_grads
        n_layers = len(self.net.weights)
        if grads is not None:
            norm_w = tuple(float(np.linalg.norm(g)) for g in grads.nabla_w)
            norm_b = tuple(float(np.linalg.norm(g)) for g in grads.nabla_b)
            delta = tuple(d.copy() for d in grads.delta)
        else:
            norm_w = norm_b = (math.nan,) * n_layers
            delta = tuple(np.zeros((0, n)) for n in self.net.sizes[1:])
        if grads is not None and self.state != DIVERGED:
            # the cost of the latest mini-batch, from its stored z^L and a^L
            self._batch_cost = self.net.batch_cost(grads, self._last_Y)
        if grads is not None and self._recorded_step != self.step_count:
            progress = self.step_count / self.steps_per_epoch
            self._steps_history.append(
                [self.step_count, progress, self._batch_cost, *norm_w, *norm_b]
            )
            self._recorded_step = self.step_count
        self._sequence += 1
        train_cost, test_cost, train_acc, test_acc = self._evaluation
        return Snapshot(
            state=self.state,
            epoch=self.epoch,
            epochs=self.config.epochs,
            step=self.step_count,
            steps_per_epoch=self.steps_per_epoch,
            samples_seen=self.samples_seen,
            eta=self.eta,
            samples_per_second=self._update_rate(),
            batch_cost=self._batch_cost,
            train_cost=train_cost,
            test_cost=test_cost,
            train_accuracy=train_acc,
            test_accuracy=test_acc,
            sizes=tuple(self.net.sizes),
            grad_norm_w=norm_w,
            grad_norm_b=norm_b,
            delta=delta,
            epochs_history=self._epoch_history(),
            steps_history=self._step_history(n_layers),
            output_map=self._output_map(),
            message=self.message,
            task=self.dataset.info.task,
            sequence=self._sequence,
        )

    def _epoch_history(self) -> EpochHistory:
        """The decimated per-epoch evaluations as arrays."""
        rows = self._epochs_history.array()
        return EpochHistory(*(rows[:, i] for i in range(5)))

    def _step_history(self, n_layers: int) -> StepHistory:
        """The decimated per-report step series as arrays."""
        rows = self._steps_history.array()
        return StepHistory(
            step=rows[:, 0],
            epoch_progress=rows[:, 1],
            batch_cost=rows[:, 2],
            grad_norm_w=rows[:, 3 : 3 + n_layers],
            grad_norm_b=rows[:, 3 + n_layers :],
        )

    def _make_grid(self) -> dict | None:
        """Fixed inputs over which the output map is drawn, for 1- and 2-input data."""
        info = self.dataset.info
        if info.n_inputs not in (1, 2):
            return None
        lo, hi = info.input_range or (
            float(self.dataset.X_train.min()),
            float(self.dataset.X_train.max()),
        )
        cols, rows = self._map_resolution
        count = min(MAP_POINTS, self._n_train)
        pick = np.random.default_rng(self.config.seed).permutation(self._n_train)[:count]
        points = self.dataset.X_train[pick]
        targets = self.dataset.Y_train[pick]
        if info.n_inputs == 2:
            xs = np.linspace(lo, hi, cols)
            ys = np.linspace(lo, hi, rows)
            gx, gy = np.meshgrid(xs, ys)
            inputs = np.column_stack([gx.ravel(), gy.ravel()])
            kind, shape, y_range = "plane", (rows, cols), (lo, hi)
        else:
            xs = np.linspace(lo, hi, max(cols, 2))
            inputs = xs[:, None]
            kind, shape = "curve", (len(xs),)
            y_range = (float(self.dataset.Y_train.min()), float(self.dataset.Y_train.max()))
        return {
            "kind": kind,
            "inputs": inputs,
            "shape": shape,
            "x_range": (lo, hi),
            "y_range": y_range,
            "xs": xs if kind == "curve" else None,
            "points": points,
            "targets": targets,
            "labels": self._labels(targets),
        }

    def _output_map(self) -> OutputMap | None:
        """The network's outputs over the grid, for data that can be drawn."""
        grid = self._grid
        if grid is None:
            return None
        outputs = self.net.feedforward(grid["inputs"])
        return OutputMap(
            kind=grid["kind"],
            x_range=grid["x_range"],
            y_range=grid["y_range"],
            outputs=outputs.reshape(*grid["shape"], outputs.shape[1]),
            xs=grid["xs"],
            points=grid["points"],
            point_targets=grid["targets"],
            point_labels=grid["labels"],
        )
