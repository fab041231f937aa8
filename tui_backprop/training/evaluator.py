"""End-of-epoch evaluation: cost (with network2's L2 term) and accuracy on both splits, and
the test split by class (confusion matrix, worst mistakes) for 2 to 10 classes."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from tui_backprop.data import Dataset
from tui_backprop.engine import Network
from tui_backprop.training.confusion import MAX_CLASSES, ClassTally, TestClasses
from tui_backprop.training.diagnoses import Diagnosis

#: rows of evaluation per forward pass, to bound memory on large sets
EVAL_CHUNK = 10_000


@dataclass(frozen=True)
class Evaluation:
    """Costs and accuracies of one evaluation (accuracies None for regression)."""

    train_cost: float
    test_cost: float
    train_accuracy: float | None
    test_accuracy: float | None
    classes: TestClasses | None = None  # the test split by class (2 to 10 classes)
    diagnoses: tuple[Diagnosis, ...] = ()  # the rules that fired on it (training.diagnoses)


class Evaluator:
    """Measures a network on a fixed subset of the training split and the whole test split.

    The training subset (at most ``max_samples`` rows, drawn once with ``rng``) and the
    class labels of both splits are computed once, when the run is built.
    """

    def __init__(self, dataset: Dataset, max_samples: int, rng: np.random.Generator) -> None:
        """Pick the training subset and label both splits."""
        X, Y = dataset.X_train, dataset.Y_train
        n = len(X)
        if max_samples >= n:
            self._X_train, self._Y_train = X, Y
        else:
            rows = np.sort(rng.permutation(n)[:max_samples])
            self._X_train, self._Y_train = X[rows], Y[rows]
        self._X_test, self._Y_test = dataset.X_test, dataset.Y_test
        self._dataset = dataset
        self._n_train = n
        self._train_labels = self._labels(self._Y_train)
        self._test_labels = self._labels(self._Y_test)
        n_classes = len(dataset.info.class_names)
        self._n_classes = n_classes if 2 <= n_classes <= MAX_CLASSES else 0
        # small splits go through the network together: there the number of NumPy calls,
        # not of rows, sets the time (one pass took a spiral's evaluation ~40 % less)
        self._both = None
        k = len(self._X_train)
        if len(self._X_test) and k + len(self._X_test) <= EVAL_CHUNK:
            X_both = np.concatenate([self._X_train, self._X_test])
            Y_both = np.concatenate([self._Y_train, self._Y_test])
            self._both = X_both, Y_both
            # the splits become views of it: the subset's own copy is not kept twice
            self._X_train, self._X_test = X_both[:k], X_both[k:]
            self._Y_train, self._Y_test = Y_both[:k], Y_both[k:]

    def _labels(self, Y: np.ndarray) -> np.ndarray | None:
        """Integer classes of targets, or None for regression."""
        return self._dataset.labels(Y) if self._dataset.is_classification else None

    def evaluate(self, net: Network, lmbda: float) -> Evaluation:
        """Both splits' cost and accuracy for the network as it is now."""
        if self._both is not None:
            costs, outputs = self._forward(net, *self._both)
            k = len(self._X_train)
            train, test = (costs[:k], outputs[:k]), (costs[k:], outputs[k:])
        else:
            train = self._forward(net, self._X_train, self._Y_train)
            test = self._forward(net, self._X_test, self._Y_test)
        penalty = net.weight_penalty(lmbda, self._n_train)
        train_cost, train_accuracy = self._score(*train, self._Y_train, self._train_labels, penalty)
        tally = ClassTally(self._n_classes) if self._n_classes else None
        test_cost, test_accuracy = self._score(
            *test, self._Y_test, self._test_labels, penalty, tally
        )
        classes = None if tally is None else tally.result(net.sizes[-1])
        return Evaluation(train_cost, test_cost, train_accuracy, test_accuracy, classes)

    @staticmethod
    def _forward(net: Network, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each row's cost C_x and output a^L, chunk by chunk (to bound the memory)."""
        parts = [
            net.sample_costs(X[start : start + EVAL_CHUNK], Y[start : start + EVAL_CHUNK])
            for start in range(0, len(X), EVAL_CHUNK)
        ]
        if not parts:
            return np.zeros(0), np.zeros((0, net.sizes[-1]))
        return np.concatenate([c for c, _ in parts]), np.concatenate([a for _, a in parts])

    def _score(
        self,
        costs: np.ndarray,
        outputs: np.ndarray,
        Y: np.ndarray,
        labels: np.ndarray | None,
        penalty: float,
        tally: ClassTally | None = None,
    ) -> tuple[float, float | None]:
        """The mean cost plus network2's L2 term, and the accuracy (each answer counted in
        ``tally`` too, when given)."""
        if len(costs) == 0:
            return math.nan, None
        cost = float(costs.mean()) + penalty
        if labels is None:
            return cost, None
        given = self._dataset.labels(outputs)
        if tally is not None:
            tally.add(outputs, Y, labels, given, 0)
        return cost, int((given == labels).sum()) / len(labels)


@dataclass(frozen=True)
class EpochRecord:
    """The evaluation at the end of one epoch, for per-epoch listeners (headless metrics)."""

    epoch: int
    step: int
    samples_seen: int
    eta: float
    train_cost: float
    test_cost: float
    train_accuracy: float | None
    test_accuracy: float | None
    seconds: float  # wall time since the run started, pauses included
    #: per layer, the share of neurons saturated or dead on the epoch's last mini-batch
    #: (None where the activation cannot saturate)
    saturation: tuple[float | None, ...] = ()
    #: the rules that fired at this evaluation (training.diagnoses)
    diagnoses: tuple[Diagnosis, ...] = ()
    #: the test split's confusion matrix (row = true class, column = given), or None
    confusion: tuple[tuple[int, ...], ...] | None = None

    def json_row(self) -> dict:
        """The record as JSON-ready values (NaN and infinities become None): one line of
        the headless ``--metrics`` file and of a sweep's runs."""
        row = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.name == "diagnoses":
                row[field.name] = [diagnosis.json_row() for diagnosis in value]
            elif field.name == "confusion":
                row[field.name] = None if value is None else [list(r) for r in value]
            elif isinstance(value, tuple):
                row[field.name] = [_json_number(v) for v in value]
            else:
                row[field.name] = _json_number(value)
        return row

    @classmethod
    def of(
        cls,
        epoch: int,
        step: int,
        samples_seen: int,
        eta: float,
        evaluation: Evaluation,
        seconds: float,
        saturation: tuple[float | None, ...] = (),
    ) -> EpochRecord:
        """The record of an evaluation at a point of the run."""
        return cls(
            epoch,
            step,
            samples_seen,
            eta,
            evaluation.train_cost,
            evaluation.test_cost,
            evaluation.train_accuracy,
            evaluation.test_accuracy,
            seconds,
            saturation,
            evaluation.diagnoses,
            None
            if evaluation.classes is None
            else tuple(tuple(row) for row in evaluation.classes.rows()),
        )


def _json_number(value: float | int | None) -> float | int | None:
    """A JSON-safe number: NaN and infinities become None; whole numbers stay whole."""
    if value is None or isinstance(value, int):
        return value
    return float(value) if math.isfinite(value) else None
