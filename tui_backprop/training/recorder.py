"""The run's record: bounded histories with named columns, the training rate, the sequence.

The trainer calls ``record`` once per report, in its own thread; what it keeps is read
back as immutable arrays for the snapshot. Nothing here is touched by ``snapshot()``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np

from tui_backprop.engine import Gradients, Network
from tui_backprop.training.evaluator import Evaluation
from tui_backprop.training.history import DecimatingSeries
from tui_backprop.training.snapshot import EpochHistory, StepHistory
from tui_backprop.training.states import RunState

#: the rate is remeasured when at least this long has passed since the last mark
RATE_WINDOW_SECONDS = 0.05


class Columns:
    """Named column blocks of a history row: ``name → slice`` (a block may be one column)."""

    def __init__(self, blocks: Sequence[tuple[str, int]]) -> None:
        """Lay out blocks of the given widths side by side, in order."""
        self.slices: dict[str, slice] = {}
        start = 0
        for name, width in blocks:
            self.slices[name] = slice(start, start + width)
            start += width
        self.width = start

    def row(self, **values: float | Sequence[float]) -> np.ndarray:
        """One row from a value (width 1) or a sequence (a block) per name."""
        row = np.empty(self.width)
        for name, cut in self.slices.items():
            row[cut] = values[name]
        return row

    def column(self, rows: np.ndarray, name: str) -> np.ndarray:
        """A named column as 1-D (width 1) or a block as 2-D, from an array of rows."""
        cut = self.slices[name]
        return rows[:, cut.start] if cut.stop - cut.start == 1 else rows[:, cut]


EPOCH_COLUMNS = Columns(
    [("epoch", 1), ("train_cost", 1), ("test_cost", 1), ("train_accuracy", 1), ("test_accuracy", 1)]
)


def step_columns(n_layers: int) -> Columns:
    """Columns of the step history: scalars, then ‖∇w^l‖ and ‖∇b^l‖ for each layer."""
    return Columns(
        [
            ("step", 1),
            ("epoch_progress", 1),
            ("batch_cost", 1),
            ("grad_norm_w", n_layers),
            ("grad_norm_b", n_layers),
        ]
    )


def gradient_summary(
    net: Network, grads: Gradients | None, Y: np.ndarray | None
) -> tuple[tuple[float, ...], tuple[float, ...], tuple[np.ndarray, ...], float]:
    """‖∇w^l‖ and ‖∇b^l‖ per layer, copies of δ^l, and the mini-batch's cost (from the
    stored z^L and a^L: no pass); NaN and empty δ before the first step."""
    if grads is None:
        nan = (math.nan,) * len(net.weights)
        return nan, nan, tuple(np.zeros((0, n)) for n in net.sizes[1:]), math.nan
    norm_w, norm_b = gradient_norms(grads)
    return norm_w, norm_b, tuple(d.copy() for d in grads.delta), net.batch_cost(grads, Y)


def gradient_norms(grads: Gradients) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """‖∇w^l‖ and ‖∇b^l‖ per layer (‖∇b^l‖ is ‖δ^l‖'s batch mean, BP3)."""
    return (
        tuple(float(np.linalg.norm(g)) for g in grads.nabla_w),
        tuple(float(np.linalg.norm(g)) for g in grads.nabla_b),
    )


def _nan_if_none(value: float | None) -> float:
    """NaN for a value not measured (accuracy for regression)."""
    return np.nan if value is None else value


class RunRecorder:
    """Histories of evaluations and of reported steps, the samples/s rate and the sequence."""

    def __init__(self, n_layers: int, capacity: int = 512) -> None:
        """Empty histories of at most ``capacity`` rows each."""
        self._step_columns = step_columns(n_layers)
        self._epochs = DecimatingSeries(EPOCH_COLUMNS.width, capacity)
        self._steps = DecimatingSeries(self._step_columns.width, capacity)
        self._last_step = -1  # the step last added to the step history
        self.sequence = 0
        self.rate = 0.0
        self._rate_mark = (time.perf_counter(), 0)

    def record_epoch(self, epoch: int, evaluation: Evaluation) -> None:
        """Keep one end-of-epoch evaluation."""
        self._epochs.append(
            EPOCH_COLUMNS.row(
                epoch=epoch,
                train_cost=evaluation.train_cost,
                test_cost=evaluation.test_cost,
                train_accuracy=_nan_if_none(evaluation.train_accuracy),
                test_accuracy=_nan_if_none(evaluation.test_accuracy),
            )
        )

    def record_report(
        self,
        state: RunState,
        step: int,
        epoch_progress: float,
        samples_seen: int,
        batch_cost: float,
        grad_norm_w: Sequence[float],
        grad_norm_b: Sequence[float],
    ) -> None:
        """Account for one report: the sequence, the rate and (once per step) the step row."""
        self.sequence += 1
        self._update_rate(state, samples_seen)
        self.record_step(step, epoch_progress, batch_cost, grad_norm_w, grad_norm_b)

    def record_step(
        self,
        step: int,
        epoch_progress: float,
        batch_cost: float,
        grad_norm_w: Sequence[float],
        grad_norm_b: Sequence[float],
    ) -> None:
        """Keep a step's row (once per step): at every report, and at every evaluation so
        that a run reporting rarely (at max pace) still has its gradients' history."""
        if step > 0 and step != self._last_step:
            self._steps.append(
                self._step_columns.row(
                    step=step,
                    epoch_progress=epoch_progress,
                    batch_cost=batch_cost,
                    grad_norm_w=grad_norm_w,
                    grad_norm_b=grad_norm_b,
                )
            )
            self._last_step = step

    def truncate(self, step: int, epoch: int) -> None:
        """Forget what came after ``step`` (and ``epoch``): the run continues from there."""
        self._steps.truncate(step)
        self._epochs.truncate(epoch)
        self._last_step = min(self._last_step, step)

    def restart_rate(self, samples_seen: int) -> None:
        """Measure the rate from now on (after a pause: paused time is not training time)."""
        self._rate_mark = (time.perf_counter(), samples_seen)

    def _update_rate(self, state: RunState, samples_seen: int) -> None:
        """Samples per second of training since the previous mark (smoothed)."""
        now = time.perf_counter()
        mark_time, mark_samples = self._rate_mark
        if state == RunState.RUNNING and now - mark_time >= RATE_WINDOW_SECONDS:
            current = (samples_seen - mark_samples) / (now - mark_time)
            self.rate = current if self.rate == 0 else 0.5 * self.rate + 0.5 * current
            self._rate_mark = (now, samples_seen)

    def epochs_history(self) -> EpochHistory:
        """The kept evaluations as arrays (copies)."""
        rows = self._epochs.array()
        return EpochHistory(
            **{name: EPOCH_COLUMNS.column(rows, name) for name in EPOCH_COLUMNS.slices}
        )

    def steps_history(self) -> StepHistory:
        """The kept step rows as arrays (copies)."""
        rows, columns = self._steps.array(), self._step_columns
        return StepHistory(**{name: columns.column(rows, name) for name in columns.slices})
