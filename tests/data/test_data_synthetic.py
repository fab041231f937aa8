"""Synthetic classification and regression sets: shapes, ranges, targets, seeds and splits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_backprop.data import Dataset, load_dataset

SYNTHETIC = ["xor", "circles", "moons", "spiral", "blobs", "sine", "surface"]
CLASSIFICATION = ["xor", "circles", "moons", "spiral", "blobs"]


def all_arrays(data: Dataset) -> list[np.ndarray]:
    """Every array a dataset holds."""
    arrays = [data.X_train, data.Y_train, data.X_test, data.Y_test]
    return arrays + [a for a in (data.X_val, data.Y_val) if a is not None]


@pytest.mark.parametrize("name", SYNTHETIC)
def test_arrays_are_frozen_contiguous_float64_with_matching_shapes(name: str) -> None:
    """Every array is 2-D float64, C-contiguous, read-only and agrees with the info."""
    data = load_dataset(name)
    for array in all_arrays(data):
        assert array.dtype == np.float64 and array.ndim == 2
        assert array.flags.c_contiguous and not array.flags.writeable
    assert data.X_train.shape[1] == data.X_test.shape[1] == data.info.n_inputs
    assert data.Y_train.shape[1] == data.Y_test.shape[1] == data.info.n_outputs
    assert data.X_val is None and data.Y_val is None
    assert data.info.name == name and data.info.description


@pytest.mark.parametrize("name", SYNTHETIC)
def test_inputs_stay_near_the_unit_square_inside_the_drawn_range(name: str) -> None:
    """Inputs lie roughly in [-1, 1] and inside input_range, which has a margin."""
    data = load_dataset(name)
    X = np.vstack([data.X_train, data.X_test])
    assert np.abs(X).max() < 1.5
    lo, hi = data.info.input_range
    assert lo < X.min() and X.max() < hi
    assert data.info.drawable_2d == (data.info.n_inputs == 2)


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_two_class_sets_have_one_zero_one_column(name: str) -> None:
    """Two classes give a single 0/1 output column and balanced-ish classes."""
    data = load_dataset(name, **({"classes": 2} if name == "blobs" else {}))
    assert data.info.n_outputs == 1 and len(data.info.class_names) == 2
    assert set(np.unique(data.Y_train)) == {0.0, 1.0}
    assert 0.35 < data.Y_train.mean() < 0.65


@pytest.mark.parametrize(
    ("name", "option", "k"),
    [
        ("spiral", "arms", 3),
        ("spiral", "arms", 5),
        ("blobs", "classes", 3),
        ("blobs", "classes", 8),
    ],
)
def test_many_class_sets_are_one_hot_with_every_class(name: str, option: str, k: int) -> None:
    """Three or more classes give one-hot rows, every class in train and in test."""
    data = load_dataset(name, **{option: k})
    assert data.info.n_outputs == k == len(data.info.class_names)
    for Y in (data.Y_train, data.Y_test):
        assert np.array_equal(Y.sum(axis=1), np.ones(len(Y)))
        assert set(np.unique(Y)) == {0.0, 1.0}
        assert set(data.labels(Y)) == set(range(k))


def test_xor_labels_follow_the_sign_rule_without_noise() -> None:
    """With zero noise, class 1 is exactly the points whose coordinates have opposite signs."""
    data = load_dataset("xor", noise=0.0)
    X, Y = data.X_train, data.Y_train
    assert np.array_equal(Y[:, 0] == 1.0, X[:, 0] * X[:, 1] < 0)


def test_circles_without_noise_lie_on_their_rings() -> None:
    """With zero noise, outer points have radius 1 and inner points radius 0.5."""
    data = load_dataset("circles", noise=0.0)
    radius = np.hypot(data.X_train[:, 0], data.X_train[:, 1])
    assert np.allclose(radius, np.where(data.Y_train[:, 0] == 1.0, 0.5, 1.0))


@pytest.mark.parametrize("name", ["sine", "surface"])
def test_regression_targets_stay_in_minus_one_to_one(name: str) -> None:
    """Regression targets are clipped into [-1, 1] even with heavy noise, and labels() refuses."""
    data = load_dataset(name, noise=0.5)
    assert data.info.task == "regression" and data.info.class_names == ()
    assert data.Y_train.min() >= -1.0 and data.Y_train.max() <= 1.0
    with pytest.raises(ValueError, match="regression"):
        data.labels(data.Y_train)


def test_sine_targets_are_the_sine_of_pi_x_without_noise() -> None:
    """With zero noise, y = sin(πx) exactly."""
    data = load_dataset("sine", noise=0.0)
    assert np.allclose(data.Y_train[:, 0], np.sin(np.pi * data.X_train[:, 0]))


@pytest.mark.parametrize("name", SYNTHETIC)
def test_same_seed_same_data_other_seed_other_data(name: str) -> None:
    """A seed reproduces a dataset exactly; another seed changes it."""
    first, again, other = load_dataset(name, seed=3), load_dataset(name, seed=3), load_dataset(name)
    for a, b in zip(all_arrays(first), all_arrays(again), strict=True):
        assert np.array_equal(a, b)
    assert not np.array_equal(first.X_train, other.X_train)


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(SYNTHETIC),
    n_samples=st.integers(20, 600),
    test_fraction=st.floats(0.01, 0.99),
    seed=st.integers(0, 2**32),
)
def test_split_respects_n_samples_and_test_fraction(
    name: str, n_samples: int, test_fraction: float, seed: int
) -> None:
    """Train + test is n_samples, both non-empty, test size near test_fraction · n."""
    data = load_dataset(name, n_samples=n_samples, test_fraction=test_fraction, seed=seed)
    n_train, n_test = len(data.X_train), len(data.X_test)
    assert n_train + n_test == n_samples and n_train > 0 and n_test > 0
    n_groups = max(2, data.info.n_outputs)  # stratified rounding: up to one row off per class
    assert abs(n_test - test_fraction * n_samples) <= n_groups


def test_no_row_is_both_in_train_and_test() -> None:
    """The split is a partition: no input row appears in both sets."""
    data = load_dataset("blobs")
    train_rows = {row.tobytes() for row in data.X_train}
    assert not any(row.tobytes() in train_rows for row in data.X_test)
