"""The user's own CSV file: numeric feature columns and one label column (comma-separated)."""

from __future__ import annotations

import csv
import difflib
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .arrays import assemble, class_targets, plane_range, split_indices
from .base import TASKS, Dataset, DatasetError, DatasetInfo
from .options import DatasetSpec, OptionSpec, seed_option, split_option

MAX_CLASSES = 100
"""More distinct labels than this in a classification file is almost surely a numeric target."""


@dataclass(frozen=True)
class CsvTable:
    """The non-blank rows of a CSV file, as stripped strings, with their line numbers."""

    file: Path
    names: list[str] | None
    """Header row, or None when the file has none."""
    lines: list[int]
    """1-based line number of each data row in the file."""
    rows: list[list[str]]


def where(table: CsvTable, line: int, column: int) -> str:
    """The place of one cell in error messages: file, 1-based row, column name and 0-based index."""
    if table.names:
        return f"csv file {table.file}, row {line}, column {table.names[column]!r} (index {column})"
    return f"csv file {table.file}, row {line}, column index {column}"


def is_number(text: str) -> bool:
    """Whether text parses as a float."""
    try:
        float(text)
    except ValueError:
        return False
    return True


def looks_like_header(first: list[str], second: list[str] | None) -> bool:
    """A first row is a header when it has text where the next row has a number.

    With a single row, it is a header when none of its fields is a number.
    """
    if second is None:
        return not any(is_number(field) for field in first)
    return any(not is_number(a) and is_number(b) for a, b in zip(first, second, strict=False))


def read_table(file: Path, header: str) -> CsvTable:
    """The file's rows checked for a consistent column count; header is "auto", "yes" or "no"."""
    lines, rows = [], []
    try:
        with open(file, newline="", encoding="utf-8-sig") as text:
            reader = csv.reader(text)
            try:
                for row in reader:
                    if any(field.strip() for field in row):
                        lines.append(reader.line_num)
                        rows.append([field.strip() for field in row])
            except csv.Error as error:
                raise DatasetError(f"csv file {file}, row {reader.line_num}: {error}") from error
    except UnicodeDecodeError as error:
        raise DatasetError(f"csv file {file}: not UTF-8 text ({error})") from error
    except OSError as error:
        raise DatasetError(f"csv file {file}: cannot read it ({error.strerror})") from error
    if not rows:
        raise DatasetError(f"csv file {file}: the file is empty (expected rows of numbers)")
    width = len(rows[0])
    for line, row in zip(lines, rows, strict=True):
        if len(row) != width:
            raise DatasetError(
                f"csv file {file}, row {line}: found {len(row)} columns, expected {width} "
                f"(as in row {lines[0]})"
            )
    if width < 2:
        raise DatasetError(f"csv file {file}: needs at least 2 columns (features and a label)")
    second = rows[1] if len(rows) > 1 else None
    has_header = header == "yes" or (header == "auto" and looks_like_header(rows[0], second))
    if has_header:
        return CsvTable(file, rows[0], lines[1:], rows[1:])
    return CsvTable(file, None, lines, rows)


def label_column(table: CsvTable, label: str | int | None) -> int:
    """The 0-based index of the label column: last by default, else by name or index."""
    width = len(table.rows[0])
    if label is None or label == "":
        return width - 1
    if isinstance(label, str) and table.names and label in table.names:
        return table.names.index(label)
    if isinstance(label, int) or label.lstrip("-").isdigit():
        index = int(label)
        if not -width <= index < width:
            raise DatasetError(
                f"csv file {table.file}: option 'label' is {label!r}, but the file has {width} "
                f"columns: use a name or a 0-based index from 0 to {width - 1}"
            )
        return index % width
    if table.names is None:
        raise DatasetError(
            f"csv file {table.file}: option 'label' is {label!r}, but the file has no header "
            f"row, so label must be a 0-based column index from 0 to {width - 1}"
        )
    close = difflib.get_close_matches(label, table.names, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise DatasetError(
        f"csv file {table.file}: option 'label' is {label!r}, which is not a column; "
        f"columns are {', '.join(table.names)}{hint}"
    )


def numbers(table: CsvTable, columns: list[int], role: str) -> np.ndarray:
    """The given columns as a float array; DatasetError at the first cell that is not finite."""
    cells = [[row[column] for column in columns] for row in table.rows]
    try:
        values = np.array(cells, dtype=np.float64).reshape(len(cells), len(columns))
        if np.isfinite(values).all():
            return values
    except ValueError:
        pass
    for line, row in zip(table.lines, table.rows, strict=True):
        for column in columns:
            if not is_number(row[column]) or not math.isfinite(float(row[column])):
                raise DatasetError(
                    f"{where(table, line, column)}: {row[column]!r} is not a finite number "
                    f"({role} must be numeric)"
                )
    raise AssertionError("unreachable: some cell failed to parse")


def classes_of(table: CsvTable, column: int) -> tuple[tuple[str, ...], np.ndarray]:
    """Class names (sorted: numerically when all labels are numbers) and each row's class."""
    texts = [row[column] for row in table.rows]
    for line, text in zip(table.lines, texts, strict=True):
        if not text:
            raise DatasetError(f"{where(table, line, column)}: the label is empty")
    if all(is_number(text) and math.isfinite(float(text)) for text in texts):
        keys: list = [float(text) for text in texts]
        keys = [int(key) if key.is_integer() else key for key in keys]
    else:
        keys = texts
    distinct = sorted(set(keys))
    if len(distinct) < 2:
        raise DatasetError(
            f"csv file {table.file}: the label column has a single class {distinct[0]!r}; "
            f"classification needs at least 2"
        )
    if len(distinct) > MAX_CLASSES:
        raise DatasetError(
            f"csv file {table.file}: the label column has {len(distinct)} distinct values, "
            f"more than {MAX_CLASSES} classes; for a numeric target use task='regression'"
        )
    index = {key: i for i, key in enumerate(distinct)}
    return tuple(str(key) for key in distinct), np.array([index[key] for key in keys])


def load_csv(
    *,
    path: str,
    label: str | int | None,
    task: str,
    header: str,
    standardize: bool,
    test_fraction: float,
    seed: int,
) -> Dataset:
    """A dataset from a CSV file; features z-scored with the training rows' mean and std."""
    table = read_table(Path(path).expanduser(), header)
    if len(table.rows) < 2:
        raise DatasetError(f"csv file {table.file}: needs at least 2 data rows, found 1")
    target = label_column(table, label)
    features = [column for column in range(len(table.rows[0])) if column != target]
    X = numbers(table, features, "feature columns")
    rng = np.random.default_rng(seed)
    if task == "classification":
        class_names, classes = classes_of(table, target)
        Y = class_targets(classes, len(class_names))
        train, test = split_indices(len(X), test_fraction, rng, classes)
    else:
        class_names = ()
        Y = numbers(table, [target], "a regression label")
        train, test = split_indices(len(X), test_fraction, rng)
    if standardize:
        mean, std = X[train].mean(axis=0), X[train].std(axis=0)
        X = (X - mean) / np.where(std > 0, std, 1.0)
    label_name = table.names[target] if table.names else f"column {target}"
    info = DatasetInfo(
        name="csv",
        description=(
            f"{table.file.name}: {len(features)} features → {label_name!s} ({task}, "
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
    return assemble(info, X, Y, train, test)


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
                "standardize", bool, True,
                "z-score each feature with the training rows' mean and standard deviation",
            ),
            split_option(),
            seed_option("seed of the train/test split"),
        ),
        load_csv,
    ),
)  # fmt: skip
