"""The user's CSV files: labels, headers, standardisation and errors that point at the cell."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tui_backprop.data import DatasetError, load_dataset


def write(tmp_path: Path, text: str, name: str = "data.csv") -> str:
    """Write text to a CSV file in tmp_path and return its path as a string."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def grid_csv(n: int = 40, header: bool = True, label: str = "text") -> str:
    """n rows of two numeric features and a label (text 'cat'/'dog' or numeric 0/1/2)."""
    lines = ["x1,x2,kind"] if header else []
    for i in range(n):
        value = ("cat", "dog")[i % 2] if label == "text" else str(i % 3)
        lines.append(f"{i},{(i * 7) % 11 - 5},{value}")
    return "\n".join(lines) + "\n"


def test_text_labels_become_sorted_classes_with_a_single_column(tmp_path: Path) -> None:
    """Two text classes: class_names sorted, one 0/1 column, 2-D and drawable."""
    data = load_dataset("csv", path=write(tmp_path, grid_csv()))
    assert data.info.class_names == ("cat", "dog") and data.info.n_outputs == 1
    assert data.info.n_inputs == 2 and data.info.drawable_2d and data.info.input_range
    assert len(data.X_train) + len(data.X_test) == 40 and len(data.X_test) == 8
    assert "data.csv" in data.info.description and "kind" in data.info.description


def test_header_is_detected_or_forced(tmp_path: Path) -> None:
    """A header row is found automatically; without one, every row is data."""
    with_header = load_dataset("csv", path=write(tmp_path, grid_csv(header=True), "a.csv"))
    without = load_dataset("csv", path=write(tmp_path, grid_csv(header=False), "b.csv"))
    assert len(with_header.X_train) + len(with_header.X_test) == 40
    assert len(without.X_train) + len(without.X_test) == 40
    forced = load_dataset(
        "csv", path=write(tmp_path, grid_csv(header=False), "c.csv"), header="yes"
    )
    assert len(forced.X_train) + len(forced.X_test) == 39


def test_standardize_uses_training_statistics(tmp_path: Path) -> None:
    """Standardised training features have mean 0 and std 1; raw ones keep their values."""
    path = write(tmp_path, grid_csv())
    data = load_dataset("csv", path=path)
    assert np.allclose(data.X_train.mean(axis=0), 0.0)
    assert np.allclose(data.X_train.std(axis=0), 1.0)
    raw = load_dataset("csv", path=path, standardize=False)
    assert raw.X_train[:, 0].max() <= 39 and set(raw.X_train[:, 0]) <= set(range(40))


def test_numeric_labels_sort_numerically_and_three_classes_are_one_hot(tmp_path: Path) -> None:
    """Labels 0/1/2 (even written 2.0) give classes '0', '1', '2' and one-hot targets."""
    text = grid_csv(label="numeric").replace(",2\n", ",2.0\n")
    data = load_dataset("csv", path=write(tmp_path, text))
    assert data.info.class_names == ("0", "1", "2") and data.info.n_outputs == 3
    assert set(data.labels(data.Y_train)) == {0, 1, 2}


def test_label_by_name_and_by_index(tmp_path: Path) -> None:
    """label picks a column by header name or 0-based index; the rest are features."""
    path = write(tmp_path, "a,b,c\n" + "".join(f"{i % 2},{i},{2 * i}\n" for i in range(20)))
    by_name = load_dataset("csv", path=path, label="a", standardize=False)
    by_index = load_dataset("csv", path=path, label=0, standardize=False)
    by_text_index = load_dataset("csv", path=path, label="0", standardize=False)
    for data in (by_name, by_index, by_text_index):
        assert data.info.class_names == ("0", "1")
        assert np.array_equal(data.X_train[:, 1], 2 * data.X_train[:, 0])
    assert np.array_equal(by_name.X_train, by_index.X_train)


def test_regression_keeps_numeric_targets(tmp_path: Path) -> None:
    """task='regression' takes the label column as a real-valued target."""
    path = write(tmp_path, "x,y\n" + "".join(f"{i},{i * 0.5}\n" for i in range(30)))
    data = load_dataset("csv", path=path, task="regression", standardize=False)
    assert data.info.task == "regression" and data.info.class_names == ()
    assert np.allclose(data.Y_train[:, 0], data.X_train[:, 0] * 0.5)
    assert data.info.input_range is not None and not data.info.drawable_2d


def test_blank_lines_and_whitespace_are_tolerated(tmp_path: Path) -> None:
    """Blank lines are skipped and fields are stripped."""
    text = "x, y, label\n\n" + "".join(f" {i} , {i % 5} , {'ab'[i % 2]}\n\n" for i in range(10))
    data = load_dataset("csv", path=write(tmp_path, text))
    assert len(data.X_train) + len(data.X_test) == 10


@pytest.mark.parametrize(
    ("text", "options", "message"),
    [
        ("x,y,k\n1,2,a\n3,4\n5,6,b\n", {}, r"row 3: found 2 columns, expected 3 \(as in row 1\)"),
        (
            "x,y,k\n1,2,a\n3,oops,b\n5,6,a\n",
            {},
            r"row 3, column 'y' \(index 1\): 'oops' is not a finite number",
        ),
        ("1,2,a\n3,,b\n5,6,a\n", {}, r"row 2, column index 1: '' is not a finite number"),
        ("1,2,a\n3,nan,b\n5,6,a\n", {}, r"row 2, column index 1: 'nan' is not a finite"),
        ("x,y\n1,a\n2,b\n", {"task": "regression"}, r"row 2, column 'y' \(index 1\): 'a'"),
        ("", {}, r"the file is empty"),
        ("\n\n", {}, r"the file is empty"),
        ("x,k\n1,a\n2,a\n", {}, r"single class 'a'"),
        ("x,k\n1,a\n", {}, r"needs at least 2 data rows"),
        ("1\n2\n", {}, r"needs at least 2 columns"),
        ("x,k\n1,a\n2,\n3,b\n", {}, r"row 3, column 'k' \(index 1\): the label is empty"),
        ("x,kind\n1,a\n2,b\n", {"label": "kinds"}, r"'kinds', which is not a column; .*'kind'\?"),
        ("x,k\n1,a\n2,b\n", {"label": 5}, r"has 2 columns: use a name or a 0-based index"),
        ("1,a\n2,b\n", {"label": "k"}, r"no header row, so label must be a 0-based column"),
    ],
)
def test_malformed_files_name_file_row_and_column(
    tmp_path: Path, text: str, options: dict, message: str
) -> None:
    """Every malformed file gets a DatasetError that names the file and the place."""
    path = write(tmp_path, text)
    with pytest.raises(DatasetError, match=message) as caught:
        load_dataset("csv", path=path, **options)
    assert path in str(caught.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    """A path that does not exist is reported with the path."""
    missing = str(tmp_path / "nope.csv")
    with pytest.raises(DatasetError, match=r"nope.csv: cannot read it \(No such file"):
        load_dataset("csv", path=missing)


def test_too_many_classes_suggest_regression(tmp_path: Path) -> None:
    """A continuous label read as classes is refused with a hint to use regression."""
    path = write(tmp_path, "".join(f"{i},{i * 0.37}\n" for i in range(150)))
    with pytest.raises(DatasetError, match=r"150 distinct values.*task='regression'"):
        load_dataset("csv", path=path)


def test_same_seed_same_split(tmp_path: Path) -> None:
    """The split is seeded."""
    path = write(tmp_path, grid_csv())
    a, b = load_dataset("csv", path=path, seed=5), load_dataset("csv", path=path, seed=5)
    c = load_dataset("csv", path=path, seed=6)
    assert np.array_equal(a.X_train, b.X_train) and not np.array_equal(a.X_train, c.X_train)
