"""Immutable snapshots of a training run: what the trainer reports to whoever listens.

Every array in a snapshot is a copy that the trainer never touches again, so a snapshot
can cross threads and be kept as long as a listener likes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tui_backprop.training.confusion import TestClasses
from tui_backprop.training.diagnoses import Diagnosis, compared_layers, speed_ratio
from tui_backprop.training.evaluator import Evaluation
from tui_backprop.training.inspection import Checkpoint, Divergence, Parameters, StepDetail
from tui_backprop.training.saturation import LayerSaturation
from tui_backprop.training.states import TERMINAL_STATES, RunState

if TYPE_CHECKING:  # neuron_maps builds on the grid, which builds OutputMap from here
    from tui_backprop.training.neuron_maps import NeuronMaps


@dataclass(frozen=True)
class EpochHistory:
    """The per-epoch evaluations so far (decimated when long), one entry per row.

    ``train_*`` and ``test_*`` are NaN where not measured (accuracy for regression).
    """

    epoch: np.ndarray
    train_cost: np.ndarray
    test_cost: np.ndarray
    train_accuracy: np.ndarray
    test_accuracy: np.ndarray

    def __len__(self) -> int:
        """The number of evaluations kept."""
        return len(self.epoch)


@dataclass(frozen=True)
class StepHistory:
    """Per-step series sampled at report times (decimated when long).

    ``grad_norm_w`` and ``grad_norm_b`` have one column per layer (code index l, so
    column 0 is the first hidden layer); ``step`` and ``batch_cost`` are 1-D.
    """

    step: np.ndarray
    epoch_progress: np.ndarray  # epochs as a real number (step / steps_per_epoch)
    batch_cost: np.ndarray
    grad_norm_w: np.ndarray  # (k, n_layers)
    grad_norm_b: np.ndarray  # (k, n_layers)

    def __len__(self) -> int:
        """The number of samples kept."""
        return len(self.step)


@dataclass(frozen=True)
class OutputMap:
    """The network's output over its input space, for data that can be drawn.

    ``kind == "plane"`` (2 inputs): ``outputs`` has shape (rows, cols, n_outputs) over
    the grid ``x_range`` × ``y_range``, row 0 at the *bottom* (y = y_range[0]).
    ``kind == "curve"`` (1 input): ``xs`` has shape (cols,) and ``outputs`` (cols, n_outputs).
    ``points`` / ``point_targets`` are a fixed subsample of the training set to draw on top;
    ``point_labels`` are their classes (or None for regression).
    """

    kind: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    outputs: np.ndarray
    xs: np.ndarray | None
    points: np.ndarray
    point_targets: np.ndarray
    point_labels: np.ndarray | None


@dataclass(frozen=True)
class Snapshot:
    """One report of a run. Layers are indexed as in the engine: 0 = first hidden layer."""

    state: RunState
    epoch: int  # completed epochs
    epochs: int  # epochs asked for
    step: int  # mini-batch steps taken since the start
    steps_per_epoch: int
    samples_seen: int
    eta: float
    samples_per_second: float
    batch_cost: float  # C on the latest mini-batch (NaN before the first step)
    train_cost: float | None  # latest end-of-epoch evaluation, None before the first
    test_cost: float | None
    train_accuracy: float | None  # fraction in [0, 1]; None for regression or before
    test_accuracy: float | None
    sizes: tuple[int, ...]
    grad_norm_w: tuple[float, ...]  # ‖∇w^l‖ (Frobenius) per layer, latest step
    grad_norm_b: tuple[float, ...]  # ‖∇b^l‖ = ‖mean over the batch of δ^l‖ per layer
    delta: tuple[np.ndarray, ...]  # δ^l of the latest mini-batch, (m, n_l) per layer
    epochs_history: EpochHistory
    steps_history: StepHistory
    output_map: OutputMap | None = None
    message: str = ""  # why the run stopped (divergence, failure) or other news
    task: str = "classification"
    sequence: int = 0  # increases with every report of a run
    step_detail: StepDetail | None = None  # the latest step in full, when asked for
    parameters: Parameters | None = None  # a copy of w and b, when asked for (rewind)
    divergence: Divergence | None = None  # where a diverged run first went wrong
    #: per layer, the neurons saturated (sigmoid, tanh) or dead (ReLU) on the latest batch
    saturation: tuple[LayerSaturation, ...] = ()
    #: m, the mini-batch size (an epoch's last batch has fewer rows when m does not divide n)
    batch_size: int = 0
    #: the test split by class at the latest evaluation (2 to 10 classes), else None
    classes: TestClasses | None = None
    #: the diagnoses of the latest evaluation, most specific first (training.diagnoses)
    diagnoses: tuple[Diagnosis, ...] = ()
    #: every neuron's activation over the input plane (2-D data), when asked for
    neuron_maps: NeuronMaps | None = None

    @property
    def is_terminal(self) -> bool:
        """True when the run can go no further."""
        return self.state in TERMINAL_STATES

    @property
    def checkpoint(self) -> Checkpoint | None:
        """What ``Trainer.restore`` needs to continue from this moment (None without
        ``parameters``: ask the trainer for them with ``request_parameters``)."""
        if self.parameters is None:
            return None
        return Checkpoint(
            parameters=self.parameters,
            step=self.step,
            epoch=self.epoch,
            samples_seen=self.samples_seen,
            eta=self.eta,
            evaluation=None
            if self.train_cost is None
            else Evaluation(
                self.train_cost,
                self.test_cost,
                self.train_accuracy,
                self.test_accuracy,
                self.classes,
                self.diagnoses,
            ),
        )

    @property
    def compared_layers(self) -> tuple[int, int]:
        """The 1-based layers whose speeds of learning are compared (as the book's chapter 5).

        The first hidden layer against the last hidden layer; with one hidden layer, against
        the output layer. Layer numbers count the first hidden layer as 1.
        """
        return compared_layers(len(self.grad_norm_b))

    @property
    def first_to_last_ratio(self) -> float | None:
        """‖δ^last‖ / ‖δ^first‖ for ``compared_layers``: how many times slower layer 1 learns.

        None when there is only one layer, or the first layer's gradient is 0 or not finite.
        """
        return speed_ratio(self.grad_norm_b)
