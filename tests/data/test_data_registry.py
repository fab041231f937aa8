"""The registry: names, option specs, option validation and the dataset types."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tui_backprop.data import (
    DATASETS,
    Dataset,
    DatasetError,
    DatasetInfo,
    dataset_names,
    load_dataset,
    validate_options,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
EXPECTED = [
    "xor", "circles", "moons", "spiral", "blobs", "sine", "surface", "neuron", "digits", "mnist"
]  # fmt: skip


def test_every_dataset_is_registered_with_a_description() -> None:
    """All datasets are listed, each with a one-line description and a seed option."""
    assert dataset_names() == [*EXPECTED, "csv"]
    for name, spec in DATASETS.items():
        assert spec.name == name and spec.description and "\n" not in spec.description
        assert spec.option("seed").default == 0
        assert all(option.help for option in spec.options)


def test_defaults_are_filled_in() -> None:
    """validate_options returns every option, defaults included."""
    assert validate_options("spiral", {"arms": 4}) == {
        "seed": 0,
        "n_samples": 400,
        "noise": 0.03,
        "arms": 4,
        "turns": 0.75,
        "test_fraction": 0.2,
    }


def test_unknown_option_gets_did_you_mean() -> None:
    """A misspelt option is named, with the closest real one and the full list."""
    with pytest.raises(DatasetError, match=r"'nosie'.*did you mean 'noise'\?.*options: seed"):
        validate_options("spiral", {"nosie": 0.1})


def test_unknown_dataset_gets_did_you_mean() -> None:
    """A misspelt dataset is named, with the closest real one."""
    with pytest.raises(DatasetError, match=r"unknown dataset 'spirl'; did you mean 'spiral'\?"):
        load_dataset("spirl")


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        ("spiral", {"arms": 7}, r"'arms': must be an integer from 2 to 5, got 7"),
        ("blobs", {"classes": 1}, r"'classes': must be an integer from 2 to 8, got 1"),
        ("xor", {"test_fraction": 1.0}, r"strictly between 0 and 1, got 1.0"),
        ("xor", {"test_fraction": 0}, r"strictly between 0 and 1, got 0"),
        ("xor", {"noise": -0.1}, r"'noise': must be a number from 0 to 1"),
        ("xor", {"noise": float("nan")}, r"'noise': must be a number"),
        ("xor", {"n_samples": 5}, r"from 20 to 100000, got 5"),
        ("xor", {"seed": -1}, r"'seed': must be an integer of at least 0"),
        ("xor", {"n_samples": 400.0}, r"'n_samples': must be an integer .*got 400.0"),
        ("xor", {"n_samples": "many"}, r"got 'many'"),
        ("xor", {"seed": True}, r"'seed': must be an integer"),
        ("csv", {"path": "x.csv", "task": "clustering"}, r"one of 'classification', 'regres"),
        ("csv", {"path": "x.csv", "standardize": "maybe"}, r"true or false, got 'maybe'"),
        ("csv", {"path": 3}, r"'path': must be a string, got 3"),
        ("csv", {}, r"'path' is required"),
    ],
)
def test_bad_option_values_say_what_is_allowed(name: str, options: dict, message: str) -> None:
    """Out-of-range, wrong-type and missing values name the dataset, the option and the rule."""
    with pytest.raises(DatasetError, match=message) as caught:
        validate_options(name, options)
    assert repr(name) in str(caught.value)


def test_typed_text_and_numpy_values_are_converted() -> None:
    """Strings from a form or command line, and numpy scalars, become the option's type."""
    options = validate_options("xor", {"n_samples": "100", "noise": "0.5", "seed": np.int64(4)})
    assert options["n_samples"] == 100 and options["noise"] == 0.5 and options["seed"] == 4
    assert validate_options("xor", {"noise": 1})["noise"] == 1.0
    assert validate_options("csv", {"path": "a.csv", "standardize": "no"})["standardize"] is False
    assert validate_options("csv", {"path": "a.csv", "label": 2})["label"] == 2
    assert validate_options("csv", {"path": Path("a.csv")})["path"] == "a.csv"


def test_dataset_error_is_a_value_error() -> None:
    """Callers may catch DatasetError as ValueError."""
    assert issubclass(DatasetError, ValueError)


def test_labels_use_argmax_or_a_half_threshold() -> None:
    """labels() thresholds one column at 0.5 and takes argmax over several."""
    two = load_dataset("xor")
    assert list(two.labels(np.array([[0.2], [0.7]]))) == [0, 1]
    three = load_dataset("blobs")
    assert list(three.labels(np.array([[0.1, 0.5, 0.4], [0.9, 0.0, 0.1]]))) == [1, 0]
    with pytest.raises(DatasetError, match=r"shape \(n, 3\)"):
        three.labels(np.zeros((2, 2)))


def test_dataset_rejects_arrays_that_disagree_with_its_info() -> None:
    """Building a Dataset with mismatched shapes fails loudly."""
    info = DatasetInfo("t", "t", 2, 1, "classification", ("a", "b"), True, None, (-1.0, 1.0))
    with pytest.raises(DatasetError, match="train arrays"):
        Dataset(info, np.zeros((3, 2)), np.zeros((3, 2)), np.zeros((1, 2)), np.zeros((1, 1)))


def test_data_package_never_imports_textual_training_or_engine() -> None:
    """Loading every offline dataset pulls in none of the upper layers."""
    code = (
        "import sys\n"
        "from tui_backprop.data import load_dataset, dataset_names\n"
        "for name in dataset_names()[:-2]:\n"
        "    load_dataset(name)\n"
        "upper = ('textual', 'tui_backprop.training', 'tui_backprop.engine', 'tui_backprop.app')\n"
        "bad = [m for m in sys.modules if m == upper[0] or m.startswith(upper)]\n"
        "print(bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO_ROOT
    )
    assert result.stdout.strip() == "[]"
