"""The CSV reader's answers to the files a careful tester tried (issue 13), and its memory."""

from __future__ import annotations

import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_backprop.data import DatasetError, load_dataset


def write(tmp_path: Path, text: str, name: str = "data.csv") -> str:
    """Write text to a CSV file in tmp_path and return its path as a string."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def iris_like(n: int = 30, delimiter: str = ",", trailing: str = "") -> str:
    """A header and n rows of two features and a text class."""
    rows = [delimiter.join(["sepal", "petal", "kind"]) + trailing]
    for i in range(n):
        cells = [f"{i % 7}.5", f"{(i * 3) % 5}", ("setosa", "virginica", "versicolor")[i % 3]]
        rows.append(delimiter.join(cells) + trailing)
    return "\n".join(rows) + "\n"


def test_a_header_only_file_says_it_has_no_data_rows(tmp_path: Path) -> None:
    """Not "found 1" data row: the header is named as a header."""
    path = write(tmp_path, "sepal,petal,kind\n")
    with pytest.raises(DatasetError, match=r"has a header row \(sepal, petal, kind\) but no data"):
        load_dataset("csv", path=path)


def test_a_trailing_delimiter_on_every_row_is_not_a_column(tmp_path: Path) -> None:
    """'1,2,setosa,' keeps setosa as the label instead of calling it 'not a finite number'."""
    data = load_dataset("csv", path=write(tmp_path, iris_like(trailing=",")))
    assert data.info.n_inputs == 2 and data.info.class_names == (
        "setosa",
        "versicolor",
        "virginica",
    )
    plain = load_dataset("csv", path=write(tmp_path, iris_like(), "plain.csv"))
    assert np.array_equal(data.X_train, plain.X_train)


def test_an_unterminated_quote_is_reported_where_it_opens(tmp_path: Path) -> None:
    """The row that opens the quote, not the end of the file."""
    text = 'x,y,k\n1,2,a\n3,"4,b\n5,6,a\n7,8,b\n9,10,a\n'
    with pytest.raises(DatasetError, match=r"row 3: a quote \(\"\) opened here is never closed"):
        load_dataset("csv", path=write(tmp_path, text))


def test_a_two_row_file_that_cannot_be_split_names_the_file(tmp_path: Path) -> None:
    """Two rows of two classes cannot give both splits a row: the message names the file."""
    path = write(tmp_path, "x,k\n1,a\n2,b\n")
    with pytest.raises(DatasetError, match=r"cannot split 2 rows") as caught:
        load_dataset("csv", path=path)
    assert path in str(caught.value)


@pytest.mark.parametrize(("separator", "option"), [(";", ";"), ("\t", "tab"), ("|", "|")])
def test_another_delimiter_gets_a_hint_and_the_option_reads_it(
    tmp_path: Path, separator: str, option: str
) -> None:
    """A semicolon (tab, bar) file read with commas is one column: the error names the option."""
    path = write(tmp_path, iris_like(delimiter=separator))
    with pytest.raises(DatasetError, match=rf"dataset_options.delimiter = '{option}'"):
        load_dataset("csv", path=path)
    data = load_dataset("csv", path=path, delimiter=option)
    assert data.info.n_inputs == 2 and len(data.info.class_names) == 3


def test_a_cell_with_another_delimiter_inside_gets_the_hint(tmp_path: Path) -> None:
    """'2;5' in a comma file is not a number, and the message suggests the delimiter."""
    path = write(tmp_path, "x,y,k\n1,2;5,a\n3,4,b\n5,6,a\n")
    with pytest.raises(DatasetError, match=r"'2;5' is not a finite number.*delimiter = ';'"):
        load_dataset("csv", path=path)


def test_values_near_the_float_limit_are_standardised_without_overflow(tmp_path: Path) -> None:
    """A column of ±1e308 keeps its information (it used to become all zeros)."""
    rows = ["big,small,k"] + [f"{(-1) ** i * 1e308},{i},{'ab'[i % 2]}" for i in range(20)]
    with np.errstate(all="raise"):
        data = load_dataset("csv", path=write(tmp_path, "\n".join(rows) + "\n"))
    X = np.vstack([data.X_train, data.X_test])
    assert np.isfinite(X).all()
    assert set(np.round(np.abs(X[:, 0]), 6)) == {1.0}  # ±1e308 → ±1 standard deviation
    mean, std = data.input_scaling
    assert np.isfinite(mean).all() and std[0] == pytest.approx(1e308)


def test_an_infinite_value_is_named_with_its_cell(tmp_path: Path) -> None:
    """1e309 overflows to inf when parsed: refused at its row and column."""
    path = write(tmp_path, "x,y,k\n1,2,a\n3,1e309,b\n5,6,a\n")
    with pytest.raises(DatasetError, match=r"row 3, column 'y' \(index 1\): '1e309' is not a"):
        load_dataset("csv", path=path)


def test_rows_of_only_delimiters_and_extra_columns_are_named(tmp_path: Path) -> None:
    """',,' is named as an empty row; a row with an extra field is found although unused."""
    with pytest.raises(DatasetError, match=r"row 3: holds only delimiters or spaces"):
        load_dataset("csv", path=write(tmp_path, "x,y,k\n1,2,a\n,,\n3,4,b\n"))
    with pytest.raises(DatasetError, match=r"row 4: found 4 columns, expected 3 \(as in row 1\)"):
        load_dataset("csv", path=write(tmp_path, "x,y,k\n1,2,a\n3,4,b\n5,6,a,9\n", "b.csv"))


def test_a_quoted_delimiter_inside_a_label_is_read_correctly(tmp_path: Path) -> None:
    """ "a, b" is one label: the quick delimiter count defers to the csv module."""
    text = 'x,y,k\n1,2,"a, b"\n3,4,c\n5,6,"a, b"\n7,8,c\n'
    data = load_dataset("csv", path=write(tmp_path, text))
    assert data.info.class_names == ("a, b", "c")


def test_the_standardisation_is_recorded_and_can_be_replayed(tmp_path: Path) -> None:
    """input_scaling holds the training split's mean and std; a saved one is applied as given."""
    path = write(tmp_path, iris_like(60))
    data = load_dataset("csv", path=path)
    mean, std = data.input_scaling
    raw = load_dataset("csv", path=path, standardize=False)
    assert raw.input_scaling is None
    assert np.allclose(raw.X_train.mean(axis=0), mean) and np.allclose(raw.X_train.std(axis=0), std)
    assert np.allclose((raw.X_test - mean) / std, data.X_test)
    other = load_dataset("csv", path=path, scaling=(mean * 0 + 1.0, std * 0 + 2.0))
    assert np.allclose(other.X_train, (raw.X_train - 1.0) / 2.0)
    with pytest.raises(DatasetError, match=r"saved standardisation is for 3 features"):
        load_dataset("csv", path=path, scaling=(np.zeros(3), np.ones(3)))
    with pytest.raises(DatasetError, match=r"'digits' is not standardised"):
        load_dataset("digits", scaling=(mean, std))


def test_a_large_file_is_read_without_a_python_object_per_cell(tmp_path: Path) -> None:
    """60,000 rows × 20 features (≈ 14 MB of text): peak memory under 4× the array's, where
    a list of Python strings per cell (the old reader) peaked at 12× (119 MB)."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60_000, 20)).round(4)
    labels = rng.integers(0, 3, len(X))
    lines = ",".join(f"f{i}" for i in range(20)) + ",k\n"
    lines += "".join(",".join(map(str, row)) + f",c{c}\n" for row, c in zip(X, labels))
    path = write(tmp_path, lines, "large.csv")
    array_bytes = X.nbytes  # 9.6 MB
    tracemalloc.start()
    try:
        data = load_dataset("csv", path=path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(data.X_train) + len(data.X_test) == 60_000
    assert peak < 4 * array_bytes, f"peak {peak / 1e6:.0f} MB for {array_bytes / 1e6:.0f} MB"


CSV_ALPHABET = st.sampled_from(list('0123456789.,;-+eE"\n\r\t abcxyz\x00é'))


@settings(max_examples=150, deadline=None)
@given(text=st.text(CSV_ALPHABET, max_size=120), header=st.sampled_from(["auto", "yes", "no"]))
def test_any_bytes_give_a_dataset_or_a_dataset_error(
    tmp_path_factory: pytest.TempPathFactory, text: str, header: str
) -> None:
    """Random CSV-ish text never raises anything but DatasetError, and never warns."""
    path = tmp_path_factory.mktemp("fuzz") / "f.csv"
    path.write_text(text, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            data = load_dataset("csv", path=str(path), header=header)
        except DatasetError as error:
            assert str(path) in str(error)
            return
    assert np.isfinite(data.X_train).all() and len(data.X_train) >= 1
