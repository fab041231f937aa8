"""The test set by class: the confusion matrix, the most confused pair, the worst mistakes.

Measured at every evaluation on the whole test split (the evaluator's forward pass, in
chunks: nothing is computed twice). A sample's *error* is ‖a^L − y‖², so the worst
misclassified are the wrong answers given with the most confidence. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: the confusion matrix is kept for this many classes at most (a 10 × 10 grid still reads)
MAX_CLASSES = 10
#: how many of the worst misclassified test samples are kept (the gallery's choice)
WORST_KEPT = 12


@dataclass(frozen=True)
class TestClasses:
    """The test split's answers by class at one evaluation."""

    matrix: np.ndarray  # (k, k) counts: row = true class, column = predicted class
    worst: np.ndarray  # test-set rows of the worst misclassified samples, worst first
    worst_outputs: np.ndarray  # (len(worst), n_outputs): their output activations a^L
    worst_true: np.ndarray  # their true classes
    worst_predicted: np.ndarray  # the classes the network gave them
    worst_errors: np.ndarray  # their ‖a^L − y‖²

    @property
    def total(self) -> int:
        """The number of test samples."""
        return int(self.matrix.sum())

    def shares(self) -> np.ndarray:
        """Each row as fractions of its true class (0 where a class has no samples)."""
        totals = self.matrix.sum(axis=1, keepdims=True)
        return np.divide(self.matrix, totals, out=np.zeros(self.matrix.shape), where=totals > 0)

    def most_confused(self) -> tuple[int, int, int] | None:
        """(true class, predicted class, count) of the largest mistake, None without one."""
        return most_confused_pair(self.matrix)

    def rows(self) -> list[list[int]]:
        """The matrix as plain lists (one per true class), for JSON."""
        return self.matrix.astype(int).tolist()


def confusion_matrix(true: np.ndarray, predicted: np.ndarray, n_classes: int) -> np.ndarray:
    """Counts of (true, predicted) pairs: row = true class, column = predicted class."""
    pairs = np.asarray(true, dtype=np.int64) * n_classes + np.asarray(predicted, dtype=np.int64)
    return np.bincount(pairs, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def most_confused_pair(matrix: np.ndarray) -> tuple[int, int, int] | None:
    """The off-diagonal cell with the most samples: (true, predicted, count), or None when
    every sample is right (ties: the first in row order)."""
    mistakes = np.array(matrix, dtype=np.int64)
    np.fill_diagonal(mistakes, 0)
    if mistakes.max(initial=0) == 0:
        return None
    true, predicted = np.unravel_index(int(np.argmax(mistakes)), mistakes.shape)
    return int(true), int(predicted), int(mistakes[true, predicted])


class ClassTally:
    """Adds up the test split chunk by chunk, then gives its ``TestClasses``."""

    def __init__(self, n_classes: int, keep: int = WORST_KEPT) -> None:
        """An empty matrix for ``n_classes`` classes; keep the ``keep`` worst mistakes."""
        self.n_classes, self.keep = n_classes, keep
        self._matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
        self._worst: list[tuple[np.ndarray, ...]] = []  # (errors, rows, outputs, true, pred)

    def add(
        self,
        outputs: np.ndarray,
        Y: np.ndarray,
        true: np.ndarray,
        predicted: np.ndarray,
        first_row: int,
    ) -> None:
        """Count one chunk (test rows from ``first_row``) and keep its worst mistakes."""
        self._matrix += confusion_matrix(true, predicted, self.n_classes)
        wrong = np.flatnonzero(true != predicted)
        if wrong.size == 0:
            return
        errors = np.sum((outputs[wrong] - Y[wrong]) ** 2, axis=1)
        worst = np.argsort(-errors, kind="stable")[: self.keep]
        top = wrong[worst]
        self._worst.append(
            (errors[worst], top + first_row, outputs[top], true[top], predicted[top])
        )

    def result(self, n_outputs: int) -> TestClasses:
        """The matrix and the worst mistakes over every chunk, worst first."""
        if self._worst:
            errors, rows, outputs, true, predicted = (
                np.concatenate(parts) for parts in zip(*self._worst)
            )
        else:
            errors = rows = true = predicted = np.zeros(0, dtype=np.int64)
            outputs = np.zeros((0, n_outputs))
        order = np.argsort(-errors, kind="stable")[: self.keep]
        return TestClasses(
            self._matrix.copy(),
            rows[order],
            np.array(outputs[order], dtype=float),
            true[order],
            predicted[order],
            np.asarray(errors, dtype=float)[order],
        )
