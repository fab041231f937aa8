"""Reading the user's CSV into NumPy arrays without a Python object per cell.

The columns are parsed by ``numpy.loadtxt`` (NumPy's C reader): a 160 MB file becomes its
float array in seconds, at about the array's own size in memory. What the C reader cannot
say well — which row, which column, why — is found by ``diagnose``, a streaming pass with
the ``csv`` module that runs only when something is wrong, and keeps no rows.

Places are given as the file, its 1-based line ("row"), the column's name and 0-based index.
"""

from __future__ import annotations

import csv
import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .base import DatasetError

#: the `delimiter` option's words for characters that are awkward to type
DELIMITERS = {",": ",", ";": ";", "tab": "\t", "|": "|", "space": " "}
#: characters that betray another delimiter in a file read with the wrong one
_OTHER_DELIMITERS = {";": "';'", "\t": "tab", "|": "'|'"}
ENCODING = "utf-8-sig"
#: rows read to find the header and the columns
SNIFF_ROWS = 2


@dataclass(frozen=True)
class CsvLayout:
    """What the first rows say about a file: delimiter, column names, width, where data starts."""

    file: Path
    delimiter: str
    names: list[str] | None
    """Header row, or None when the file has none."""
    width: int
    """Columns in use (a trailing delimiter on every row adds an empty one, not counted)."""
    trailing: bool
    """True when rows end with a delimiter (an empty last field)."""
    skip: int
    """Lines before the first data row (the header's line number, or 0)."""
    first_line: int
    """The line of the first row (the header, if any): the width every row must have."""

    @property
    def total_fields(self) -> int:
        """Fields per row as written, the empty trailing one included."""
        return self.width + int(self.trailing)

    def where(self, line: int, column: int) -> str:
        """The place of one cell: file, row (1-based line), column name and 0-based index."""
        if self.names:
            return (
                f"csv file {self.file}, row {line}, column {self.names[column]!r} (index {column})"
            )
        return f"csv file {self.file}, row {line}, column index {column}"


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


def _rows(file: Path, delimiter: str) -> Iterator[tuple[int, int, list[str]]]:
    """(first line, last line, stripped fields) of each non-empty record, streaming."""
    try:
        with open(file, newline="", encoding=ENCODING) as text:
            reader = csv.reader(text, delimiter=delimiter)
            last = 0
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    raise DatasetError(f"csv file {file}, row {last + 1}: {error}") from None
                first, last = last + 1, reader.line_num
                if row:
                    yield first, last, [field.strip() for field in row]
    except UnicodeDecodeError as error:
        raise DatasetError(f"csv file {file}: not UTF-8 text ({error})") from None
    except OSError as error:
        raise DatasetError(f"csv file {file}: cannot read it ({error.strerror})") from None


def _delimiter_hint(text: str, delimiter: str) -> str:
    """A hint naming the delimiter the text seems to use, or ""."""
    for char, word in _OTHER_DELIMITERS.items():
        if char != delimiter and char in text:
            option = "tab" if char == "\t" else char
            return (
                f"; the rows contain {word}: if that separates the columns, set "
                f"dataset_options.delimiter = {option!r}"
            )
    return ""


def sniff(file: Path, delimiter: str, header: str) -> CsvLayout:
    """The layout from the first rows; DatasetError for an empty, one-column or header-only file.

    header is "auto", "yes" or "no".
    """
    head = []
    for first, last, row in _rows(file, delimiter):
        if any(row):
            head.append((first, last, row))
        if len(head) == SNIFF_ROWS:
            break
    if not head:
        raise DatasetError(f"csv file {file}: the file is empty (expected rows of numbers)")
    first_line, _, first_row = head[0]
    trailing = len(first_row) > 2 and first_row[-1] == "" and all(r[-1] == "" for _, _, r in head)
    width = len(first_row) - int(trailing)
    if width < 2:
        raise DatasetError(
            f"csv file {file}: found a single column, but training needs at least 2 columns "
            f"(features and a label){_delimiter_hint(','.join(first_row), delimiter)}"
        )
    second = head[1][2][:width] if len(head) > 1 else None
    has_header = header == "yes" or (header == "auto" and looks_like_header(first_row, second))
    if not has_header:
        return CsvLayout(file, delimiter, None, width, trailing, first_line - 1, first_line)
    if second is None:
        raise DatasetError(
            f"csv file {file}: has a header row ({', '.join(first_row[:width])}) but no data rows"
        )
    return CsvLayout(file, delimiter, first_row[:width], width, trailing, first_line, first_line)


def _loadtxt(layout: CsvLayout, columns: list[int], dtype: type) -> np.ndarray:
    """The given columns of every data row; ValueError from NumPy when a row does not parse."""
    with warnings.catch_warnings():  # blank lines are skipped, as they should be
        warnings.filterwarnings("ignore", message="Input line", category=UserWarning)
        return _np_loadtxt(layout, columns, dtype)


def _np_loadtxt(layout: CsvLayout, columns: list[int], dtype: type) -> np.ndarray:
    """NumPy's C reader with our dialect: no comments, double quotes, the header skipped."""
    return np.loadtxt(
        layout.file,
        dtype=dtype,
        delimiter=layout.delimiter,
        comments=None,
        quotechar='"',
        skiprows=layout.skip,
        usecols=columns,
        ndmin=2 if dtype is float else 1,
        encoding=ENCODING,
    )


def _consistent_widths(layout: CsvLayout, chunk_bytes: int = 1 << 22) -> bool:
    """A quick scan of the raw bytes: does every data line hold the same number of delimiters?

    Lines without any delimiter are left to the readers (blank, or reported by them).
    Quoted delimiters can make this say False for a good file; ``diagnose`` then decides.
    """
    expected = layout.total_fields - 1
    delimiter = ord(layout.delimiter)
    with open(layout.file, "rb") as raw:
        for _ in range(layout.skip):
            raw.readline()
        carry = b""
        while True:
            chunk = raw.read(chunk_bytes)
            data = np.frombuffer(carry + chunk, dtype=np.uint8)
            ends = np.flatnonzero(data == 10)
            if not chunk:  # the last line may have no newline
                ends = np.append(ends, len(data))
            starts = np.concatenate([[0], ends[:-1] + 1])
            marks = np.flatnonzero(data == delimiter)
            counts = np.searchsorted(marks, ends) - np.searchsorted(marks, starts)
            if np.any((counts != expected) & (counts != 0)):
                return False
            if not chunk:
                return True
            carry = bytes(data[ends[-1] + 1 :]) if len(ends) else bytes(data)


def diagnose(layout: CsvLayout, features: list[int], target: int, numeric_target: bool) -> None:
    """Stream the file and raise DatasetError at the first malformed row or cell (if any)."""
    numeric = [*features, target] if numeric_target else features
    for first, last, row in _rows(layout.file, layout.delimiter):
        if first <= layout.skip:
            continue
        if not any(row):
            raise DatasetError(
                f"csv file {layout.file}, row {first}: holds only delimiters or spaces; "
                f"delete the row"
            )
        if last > first:
            raise DatasetError(
                f'csv file {layout.file}, row {first}: a quote (") opened here is never '
                f"closed (the field runs on to row {last})"
            )
        if len(row) != layout.total_fields:
            raise DatasetError(
                f"csv file {layout.file}, row {first}: found {len(row)} columns, expected "
                f"{layout.total_fields} (as in row {layout.first_line})"
            )
        for column in numeric:
            text = row[column]
            if not is_number(text) or not math.isfinite(float(text)):
                role = "a regression label" if column == target else "feature columns"
                raise DatasetError(
                    f"{layout.where(first, column)}: {text!r} is not a finite number "
                    f"({role} must be numeric){_delimiter_hint(text, layout.delimiter)}"
                )
        if not row[target]:
            raise DatasetError(f"{layout.where(first, target)}: the label is empty")


def read_arrays(
    layout: CsvLayout, features: list[int], target: int, numeric_target: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(X, labels): features as float64 (n, k); labels as float64 or stripped strings (n,)."""
    if not _consistent_widths(layout):
        # a row of another width, or only a quoted delimiter (then diagnose finds nothing)
        diagnose(layout, features, target, numeric_target)
    try:
        X = _loadtxt(layout, features, float)
        labels = _loadtxt(layout, [target], float if numeric_target else str)
        labels = labels[:, 0] if numeric_target else np.char.strip(labels)
        sound = np.isfinite(X).all() and (
            np.isfinite(labels).all() if numeric_target else (labels != "").all()
        )
    except ValueError as error:
        diagnose(layout, features, target, numeric_target)
        raise DatasetError(f"csv file {layout.file}: cannot be read as numbers ({error})") from None
    if not sound:
        diagnose(layout, features, target, numeric_target)
        raise AssertionError("unreachable: diagnose finds what the arrays hold")  # pragma: no cover
    return X, labels
