"""Array helpers shared by the loaders: targets, seeded splits, plane bounds, freezing."""

from __future__ import annotations

import math

import numpy as np

from .base import Dataset, DatasetError, DatasetInfo


def frozen(array: np.ndarray) -> np.ndarray:
    """A read-only, C-contiguous float64 copy of an array."""
    result = np.array(array, dtype=np.float64, order="C", copy=True)
    result.flags.writeable = False
    return result


def _frozen_rows(X: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The given rows of X, read-only float64, copied once (fancy indexing already copies)."""
    if X.dtype != np.float64:
        return frozen(X[rows])
    result = np.ascontiguousarray(X[rows])
    result.flags.writeable = False
    return result


def class_targets(classes: np.ndarray, n_classes: int) -> np.ndarray:
    """Targets for integer classes: one 0/1 column for two classes, one-hot columns otherwise."""
    classes = np.asarray(classes, dtype=np.intp)
    if n_classes == 2:
        return classes.astype(np.float64)[:, None]
    return np.eye(n_classes, dtype=np.float64)[classes]


def split_indices(
    n: int, test_fraction: float, rng: np.random.Generator, classes: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Seeded (train, test) row indices; stratified by class, keeping each class in training.

    Each group (a class, or all rows) sends round(test_fraction * size) rows to the test set,
    but never its last row. If that leaves the test set empty, the largest group gives one row.
    """
    if classes is None:
        groups = [np.arange(n)]
    else:
        groups = [np.flatnonzero(classes == c) for c in np.unique(classes)]
    train_parts, test_parts = [], []
    for group in groups:
        shuffled = rng.permutation(group)
        n_test = max(0, min(len(shuffled) - 1, round(test_fraction * len(shuffled))))
        test_parts.append(shuffled[:n_test])
        train_parts.append(shuffled[n_test:])
    if sum(len(part) for part in test_parts) == 0:
        largest = max(range(len(groups)), key=lambda i: len(train_parts[i]))
        if len(train_parts[largest]) < 2:
            raise DatasetError(f"cannot split {n} rows into non-empty train and test sets")
        test_parts[largest] = train_parts[largest][-1:]
        train_parts[largest] = train_parts[largest][:-1]
    train = rng.permutation(np.concatenate(train_parts))
    test = rng.permutation(np.concatenate(test_parts))
    return train, test


def plane_range(X: np.ndarray) -> tuple[float, float]:
    """(lo, hi) bounds covering every coordinate of X with a 10% margin, rounded out to 0.1."""
    lo, hi = float(np.min(X)), float(np.max(X))
    margin = 0.1 * (hi - lo) if hi > lo else 0.5
    return math.floor((lo - margin) * 10) / 10, math.ceil((hi + margin) * 10) / 10


def assemble(
    info: DatasetInfo,
    X: np.ndarray,
    Y: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    input_scaling: tuple[np.ndarray, np.ndarray] | None = None,
) -> Dataset:
    """A Dataset holding frozen copies of the train and test rows of X and Y."""
    return Dataset(
        info=info,
        X_train=_frozen_rows(X, train),
        Y_train=_frozen_rows(Y, train),
        X_test=_frozen_rows(X, test),
        Y_test=_frozen_rows(Y, test),
        input_scaling=None if input_scaling is None else tuple(map(frozen, input_scaling)),
    )
