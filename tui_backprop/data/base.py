"""The types every dataset shares: its description, its arrays and its error."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TASKS = ("classification", "regression")


class DatasetError(ValueError):
    """A dataset could not be built; the message names the place, the value and what is allowed.

    ``option`` names the dataset option at fault when one is (so that a form shows the
    message under that option's field); ``short`` says it in a few lines, for a form.
    """

    def __init__(self, message: str, option: str | None = None, short: str = "") -> None:
        """A message, the option it concerns, and a shorter wording ('' for the message)."""
        super().__init__(message)
        self.option = option
        self.short = short or message


@dataclass(frozen=True)
class DatasetInfo:
    """What the app and the trainer need to know about a dataset besides its arrays."""

    name: str
    """Registry name, e.g. "spiral"."""
    description: str
    """One line for the UI, with the parameters it was built with."""
    n_inputs: int
    """Columns of X: the size of the network's input layer."""
    n_outputs: int
    """Columns of Y: the size of the output layer (1 for two classes)."""
    task: str
    """Either "classification" or "regression"."""
    class_names: tuple[str, ...]
    """One name per class, in label order; () for regression."""
    drawable_2d: bool
    """True when n_inputs == 2: the app can draw the output over the input plane."""
    image_shape: tuple[int, int] | None
    """(rows, columns) when each input row is an image, e.g. (8, 8) for digits."""
    input_range: tuple[float, float] | None
    """For sets with one or two inputs: (lo, hi) bounds of each input axis, covering every
    point with a margin; None otherwise."""


@dataclass(frozen=True, eq=False)
class Dataset:
    """Train and test arrays (read-only, float64, C-contiguous, one sample per row) plus metadata.

    Classification targets are one-hot for three or more classes and a single 0/1 column for
    two classes; regression targets are columns of real values.
    """

    info: DatasetInfo
    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray
    X_val: np.ndarray | None = None
    Y_val: np.ndarray | None = None
    input_scaling: tuple[np.ndarray, np.ndarray] | None = None
    """(mean, std) per feature when the raw inputs were standardised as (x − mean) / std
    (a CSV's, by default): a saved model keeps it, so that ``--load`` scales alike."""

    def __post_init__(self) -> None:
        """Check that every array pair agrees with the info (a bug guard, cheap)."""
        pairs = [("train", self.X_train, self.Y_train), ("test", self.X_test, self.Y_test)]
        if (self.X_val is None) != (self.Y_val is None):
            raise DatasetError(f"{self.info.name}: X_val and Y_val must both be set or both None")
        if self.X_val is not None:
            pairs.append(("validation", self.X_val, self.Y_val))
        for part, X, Y in pairs:
            expected = (self.info.n_inputs, self.info.n_outputs)
            if (
                X.ndim != 2
                or Y.ndim != 2
                or len(X) != len(Y)
                or (X.shape[1], Y.shape[1]) != expected
            ):
                raise DatasetError(
                    f"{self.info.name}: {part} arrays have shapes {X.shape} and {Y.shape}, "
                    f"expected (n, {expected[0]}) and (n, {expected[1]})"
                )

    @property
    def is_classification(self) -> bool:
        """True when the targets are classes rather than real values."""
        return self.info.task == "classification"

    def labels(self, Y: np.ndarray) -> np.ndarray:
        """Integer class per row of targets or outputs: argmax, or Y > 0.5 for a single column."""
        if not self.is_classification:
            raise DatasetError(
                f"{self.info.name} is a regression dataset: its targets have no class labels"
            )
        Y = np.asarray(Y)
        if Y.ndim != 2 or Y.shape[1] != self.info.n_outputs:
            raise DatasetError(
                f"{self.info.name}: labels() needs an array of shape (n, {self.info.n_outputs}), "
                f"got {Y.shape}"
            )
        if self.info.n_outputs == 1:
            return (Y[:, 0] > 0.5).astype(np.intp)
        return np.argmax(Y, axis=1).astype(np.intp)
