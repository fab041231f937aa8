"""The shipped 8×8 digits."""

from __future__ import annotations

import numpy as np
import pytest

from tui_backprop.data import DatasetError, load_dataset


def test_digits_has_1797_images_of_64_pixels_in_unit_range() -> None:
    """All 1,797 rows are there, pixels scaled by /16 into [0, 1], with image metadata."""
    data = load_dataset("digits")
    assert len(data.X_train) + len(data.X_test) == 1797
    assert data.X_train.shape[1] == 64 and data.info.image_shape == (8, 8)
    X = np.vstack([data.X_train, data.X_test])
    assert X.min() == 0.0 and X.max() == 1.0
    assert np.allclose(X * 16, np.round(X * 16))
    assert not data.info.drawable_2d and data.info.input_range is None


def test_digits_has_ten_one_hot_classes_all_present_in_both_sets() -> None:
    """Labels 0..9 all appear in train and in test (the split is stratified)."""
    data = load_dataset("digits")
    assert data.info.class_names == tuple("0123456789")
    for Y in (data.Y_train, data.Y_test):
        assert Y.shape[1] == 10 and np.array_equal(Y.sum(axis=1), np.ones(len(Y)))
        assert set(data.labels(Y)) == set(range(10))


def test_digits_split_follows_test_fraction_and_seed() -> None:
    """test_fraction sets the test size; the seed makes the split reproducible."""
    half = load_dataset("digits", test_fraction=0.5)
    assert abs(len(half.X_test) - 1797 / 2) <= 10
    again = load_dataset("digits", test_fraction=0.5)
    assert np.array_equal(half.X_train, again.X_train)
    other = load_dataset("digits", test_fraction=0.5, seed=1)
    assert not np.array_equal(half.X_train, other.X_train)


def test_train_size_keeps_a_small_training_set_and_the_whole_test_set() -> None:
    """train_size=200 trains on 200 rows of the same split; the test set is unchanged."""
    full = load_dataset("digits")
    small = load_dataset("digits", train_size=200)
    assert small.X_train.shape == (200, 64)
    assert np.array_equal(small.X_train, full.X_train[:200])
    assert np.array_equal(small.X_test, full.X_test)
    assert "200 train" in small.info.description


def test_train_size_beyond_the_split_names_the_option() -> None:
    """Asking for more training rows than the split holds is refused with the count."""
    with pytest.raises(DatasetError, match=r"'train_size': 5000 is more than the 14\d\d training"):
        load_dataset("digits", train_size=5000)
