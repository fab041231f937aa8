"""Datasets: synthetic 2-D sets, regression sets, shipped digits, MNIST and the user's CSV.

    >>> from tui_backprop.data import load_dataset
    >>> data = load_dataset("spiral", arms=3, seed=1)
    >>> data.X_train.shape[1], data.info.class_names
    (2, ('arm 1', 'arm 2', 'arm 3'))

Only NumPy, the standard library and platformdirs are used here.
"""

from .base import Dataset, DatasetError, DatasetInfo
from .options import DatasetSpec, OptionSpec
from .registry import (
    DATASETS,
    dataset_names,
    get_spec,
    load_dataset,
    resolve_paths,
    validate_options,
)

__all__ = [
    "DATASETS",
    "Dataset",
    "DatasetError",
    "DatasetInfo",
    "DatasetSpec",
    "OptionSpec",
    "dataset_names",
    "get_spec",
    "load_dataset",
    "resolve_paths",
    "validate_options",
]
