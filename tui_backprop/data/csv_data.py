"""The user's own CSV file: numeric feature columns and one label column (comma-separated)."""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np

from .arrays import assemble, class_targets, plane_range, split_indices
from .base import TASKS, Dataset, DatasetError, DatasetInfo
from .csv_read import DELIMITERS, CsvLayout, is_number, read_arrays, sniff
from .options import DatasetSpec, OptionSpec, seed_option, split_option

MAX_CLASSES = 100
"""More distinct labels than this in a classification file is almost surely a numeric target."""


def label_column(table: CsvLayout, label: str | int | None) -> int:
    """The 0-based index of the label column: last by default, else by name or index."""
    width = table.width
    if label is None or label == "":
        return width - 1
    if isinstance(label, str) and table.names and label in table.names:
        return table.names.index(label)
    if isinstance(label, int) or label.lstrip("-").isdigit():
        index = int(label)
        if not -width <= index < width:
            raise DatasetError(
                f"csv file {table.file}: option 'label' is {label!r}, but the file has {width} "
                f"columns: use a name or a 0-based index from 0 to {width - 1}",
                option="label",
            )
        return index % width
    if table.names is None:
        raise DatasetError(
            f"csv file {table.file}: option 'label' is {label!r}, but the file has no header "
            f"row, so label must be a 0-based column index from 0 to {width - 1}",
            option="label",
        )
    close = difflib.get_close_matches(label, table.names, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise DatasetError(
        f"csv file {table.file}: option 'label' is {label!r}, which is not a column; "
        f"columns are {', '.join(table.names)}{hint}",
        option="label",
    )


def classes_of(file: Path, labels: np.ndarray, numeric: bool) -> tuple[tuple[str, ...], np.ndarray]:
    """Class names (sorted: numerically when every label is a number) and each row's class."""
    names, classes = np.unique(labels, return_inverse=True)
    if numeric:
        keys = names.astype(np.float64)
        order = np.argsort(keys, kind="stable")
        names, classes = names[order], np.argsort(order)[classes]
        names = np.array([_number_name(float(key)) for key in keys[order]])
    if len(names) < 2:
        raise DatasetError(
            f"csv file {file}: the label column has a single class {str(names[0])!r}; "
            f"classification needs at least 2"
        )
    if len(names) > MAX_CLASSES:
        raise DatasetError(
            f"csv file {file}: the label column has {len(names)} distinct values, "
            f"more than {MAX_CLASSES} classes; for a numeric target use task='regression'"
        )
    return tuple(str(name) for name in names), classes


def _number_name(key: float) -> str:
    """A numeric class name without a needless ".0"."""
    return str(int(key)) if key.is_integer() else str(key)


def standardize_columns(
    X: np.ndarray, train: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X z-scored in place, mean, std) with the training rows' mean and standard deviation.

    Computed in units of each column's largest magnitude, so that values near ±1e308 do
    not overflow the sums; a constant column keeps std = 1 (it becomes all zeros).
    """
    scale = np.max(np.abs(X[train]), axis=0)
    scale = np.where((scale > 0) & np.isfinite(scale), scale, 1.0)
    X /= scale
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    std = np.where(std > 0, std, 1.0)
    X -= mean
    X /= std
    return X, mean * scale, std * scale


def apply_scaling(X: np.ndarray, mean: np.ndarray, std: np.ndarray) -> np.ndarray:
    """X standardised in place with a given mean and std (a saved model's), overflow-safe."""
    scale = np.maximum(np.abs(mean), std)
    scale = np.where((scale > 0) & np.isfinite(scale), scale, 1.0)
    X /= scale
    X -= mean / scale
    X /= std / scale
    return X


def load_csv(
    *,
    path: str,
    label: str | int | None,
    task: str,
    header: str,
    delimiter: str,
    standardize: bool,
    test_fraction: float,
    seed: int,
    scaling: tuple[np.ndarray, np.ndarray] | None = None,
) -> Dataset:
    """A dataset from a CSV file; features z-scored with the training rows' mean and std.

    scaling, a saved model's (mean, std), replaces the statistics of this file's training
    rows, so that a network meets its inputs scaled as when it was trained.
    """
    file = Path(path).expanduser()
    layout = sniff(file, DELIMITERS[delimiter], header)
    target = label_column(layout, label)
    features = [column for column in range(layout.width) if column != target]
    regression = task == "regression"
    X, labels = read_arrays(layout, features, target, numeric_target=regression)
    if len(X) < 2:
        raise DatasetError(f"csv file {file}: needs at least 2 data rows, found {len(X)}")
    rng = np.random.default_rng(seed)
    try:
        if regression:
            class_names: tuple[str, ...] = ()
            Y = labels[:, None]
            train, test = split_indices(len(X), test_fraction, rng)
        else:
            numeric = bool(np.all([is_number(text) for text in np.unique(labels)]))
            class_names, classes = classes_of(file, labels, numeric)
            Y = class_targets(classes, len(class_names))
            train, test = split_indices(len(X), test_fraction, rng, classes)
    except DatasetError as error:
        if str(file) in str(error):
            raise
        raise DatasetError(f"csv file {file}: {error}") from None
    input_scaling = None
    if scaling is not None:
        mean, std = (np.asarray(a, dtype=np.float64) for a in scaling)
        if mean.shape != (len(features),) or std.shape != (len(features),):
            raise DatasetError(
                f"csv file {file}: the saved standardisation is for {mean.size} features, "
                f"the file has {len(features)}"
            )
        X, input_scaling = apply_scaling(X, mean, std), (mean, std)
    elif standardize:
        X, mean, std = standardize_columns(X, train)
        input_scaling = (mean, std)
    label_name = layout.names[target] if layout.names else f"column {target}"
    info = DatasetInfo(
        name="csv",
        description=(
            f"{file.name}: {len(features)} features → {label_name!s} ({task}, "
            f"{len(train)} train / {len(test)} test)"
        ),
        n_inputs=len(features),
        n_outputs=Y.shape[1],
        task=task,
        class_names=class_names,
        drawable_2d=len(features) == 2,
        image_shape=None,
        input_range=plane_range(X) if len(features) <= 2 else None,
    )
    return assemble(info, X, Y, train, test, input_scaling)


SPECS = (
    DatasetSpec(
        "csv",
        "Your own CSV file: numeric feature columns and one label column",
        (
            OptionSpec(
                "path", str, None,
                "path of the CSV file (in a preset: relative to the preset's folder)",
                required=True, is_path=True,
            ),
            OptionSpec(
                "label", (str, int), None,
                "label column: a header name or a 0-based index (default: the last column)",
            ),
            OptionSpec(
                "task", str, "classification",
                "classification (labels are classes, text or numbers) or regression",
                choices=TASKS,
            ),
            OptionSpec(
                "header", str, "auto",
                "whether row 1 holds column names (auto: when it has text above numbers)",
                choices=("auto", "yes", "no"),
            ),
            OptionSpec(
                "delimiter", str, ",",
                "what separates the columns: ',', ';', 'tab', '|' or 'space'",
                choices=tuple(DELIMITERS),
            ),
            OptionSpec(
                "standardize", bool, True,
                "z-score each feature with the training rows' mean and standard deviation",
            ),
            split_option(),
            seed_option("seed of the train/test split"),
        ),
        load_csv,
    ),
)  # fmt: skip
