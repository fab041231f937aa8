"""DecimatingSeries keeps memory flat and the kept rows evenly spread."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_backprop.training.history import DecimatingSeries


@given(count=st.integers(0, 5000), capacity=st.sampled_from([2, 8, 64]))
def test_length_stays_bounded_and_rows_evenly_strided(count, capacity):
    """However many rows are offered, at most capacity are kept, at a power-of-two stride."""
    series = DecimatingSeries(1, capacity)
    for i in range(count):
        series.append([i])
    kept = series.array()[:, 0]
    assert len(kept) <= capacity
    assert len(kept) == len(series)
    if count:
        assert kept[0] == 0
        assert np.all(np.diff(kept) == series.stride)
        # the newest kept row is within one stride of the end
        assert kept[-1] >= count - series.stride


def test_array_is_a_copy():
    """Changing the returned array does not change the series."""
    series = DecimatingSeries(2, 4)
    series.append([1.0, 2.0])
    rows = series.array()
    rows[0, 0] = 99
    assert series.array()[0, 0] == 1.0


def test_odd_capacity_is_refused():
    """The capacity must be even, so that halving is exact."""
    with pytest.raises(ValueError, match="even"):
        DecimatingSeries(1, 5)


@given(count=st.integers(1, 3000), cut=st.integers(0, 3000), more=st.integers(0, 3000))
def test_truncate_then_continue_keeps_order_and_bound(count, cut, more):
    """After cutting at a step and going on from there, rows stay increasing and bounded."""
    series = DecimatingSeries(1, 16)
    for i in range(count):
        series.append([i])
    series.truncate(cut)
    kept = series.array()[:, 0]
    assert (kept <= cut).all()
    start = min(cut, count - 1) + 1
    for i in range(start, start + more):
        series.append([i])
    rows = series.array()[:, 0]
    assert len(rows) <= 16 and (np.diff(rows) > 0).all()
