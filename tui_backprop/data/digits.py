"""The 8×8 handwritten digits shipped inside the package (UCI, 1,797 images), for offline use.

Source: the test set of the UCI "Optical Recognition of Handwritten Digits" data
(E. Alpaydin, C. Kaynak, 1998), CC BY 4.0, as bundled with scikit-learn.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from importlib import resources

import numpy as np

from .arrays import assemble, class_targets, split_indices
from .base import Dataset, DatasetError, DatasetInfo
from .options import DatasetSpec, OptionSpec, seed_option, split_option

DIGITS_FILE = "digits.csv.gz"
IMAGE_SHAPE = (8, 8)
MAX_PIXEL = 16
CLASS_NAMES = tuple(str(digit) for digit in range(10))


@lru_cache(maxsize=1)
def digits_table() -> np.ndarray:
    """The shipped table as read-only ints: 64 pixels (0..16) then the label (0..9) per row."""
    source = resources.files(__package__) / "files" / DIGITS_FILE
    try:
        with source.open("rb") as raw, gzip.open(raw, "rt") as text:
            table = np.loadtxt(text, delimiter=",", dtype=np.int64, ndmin=2)
    except (OSError, EOFError, ValueError) as error:
        raise DatasetError(f"digits: cannot read the shipped file {source}: {error}") from error
    n_pixels = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]
    if table.shape[1] != n_pixels + 1:
        raise DatasetError(
            f"digits: {source} has {table.shape[1]} columns, expected {n_pixels + 1}"
        )
    pixels, labels = table[:, :n_pixels], table[:, n_pixels]
    if pixels.min() < 0 or pixels.max() > MAX_PIXEL or labels.min() < 0 or labels.max() > 9:
        raise DatasetError(f"digits: {source} has pixels outside 0..16 or labels outside 0..9")
    table.flags.writeable = False
    return table


def load_digits(*, seed: int, test_fraction: float, train_size: int = 0) -> Dataset:
    """The 1,797 digits: pixels scaled to [0, 1], 10 one-hot classes, a seeded stratified split.

    train_size > 0 keeps only that many of the (shuffled) training rows, the test set whole:
    chapter 3 trains on 1,000 MNIST images to show overfitting.
    """
    table = digits_table()
    X = table[:, :-1] / MAX_PIXEL
    classes = table[:, -1]
    rng = np.random.default_rng(seed)
    train, test = split_indices(len(X), test_fraction, rng, classes)
    if train_size:
        if train_size > len(train):
            raise DatasetError(
                f"dataset 'digits', option 'train_size': {train_size} is more than the "
                f"{len(train)} training rows of this split (0 keeps them all)"
            )
        train = train[:train_size]
    info = DatasetInfo(
        name="digits",
        description=f"8×8 handwritten digits ({len(train)} train / {len(test)} test)",
        n_inputs=X.shape[1],
        n_outputs=len(CLASS_NAMES),
        task="classification",
        class_names=CLASS_NAMES,
        drawable_2d=False,
        image_shape=IMAGE_SHAPE,
        input_range=None,
    )
    return assemble(info, X, class_targets(classes, len(CLASS_NAMES)), train, test)


SPECS = (
    DatasetSpec(
        "digits",
        "8×8 handwritten digits (UCI, 1,797 images, shipped: works offline), 10 classes",
        (
            seed_option("seed of the train/test split"),
            split_option(),
            OptionSpec(
                "train_size",
                int,
                0,
                "train on only this many of the training rows (0: all), to show overfitting",
                min=0,
            ),
        ),
        load_digits,
    ),
)
