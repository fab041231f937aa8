"""A series that keeps at most a fixed number of rows however long it grows."""

from __future__ import annotations

import numpy as np


class DecimatingSeries:
    """Rows of ``width`` floats, thinned to every other row each time ``capacity`` fills.

    The first column is expected to increase (a step or epoch number).

    After k halvings only every 2^k-th offered row is kept, so memory stays flat and the
    kept rows still span the whole run evenly.
    """

    def __init__(self, width: int, capacity: int = 512) -> None:
        """An empty series of rows with ``width`` columns."""
        if capacity < 2 or capacity % 2:
            raise ValueError(f"capacity must be an even number ≥ 2, got {capacity}")
        self._rows = np.full((capacity, width), np.nan)
        self._kept = 0
        self._offered = 0
        self._stride = 1

    def append(self, row: np.ndarray | list[float] | tuple[float, ...]) -> None:
        """Offer one row; it is kept when its index is a multiple of the current stride."""
        index = self._offered
        self._offered += 1
        if index % self._stride:
            return
        if self._kept == len(self._rows):
            half = len(self._rows) // 2
            self._rows[:half] = self._rows[::2]
            self._kept = half
            self._stride *= 2
            if index % self._stride:
                return
        self._rows[self._kept] = row
        self._kept += 1

    def truncate(self, last: float) -> None:
        """Drop the rows whose first column is above ``last`` (a run continued from there)."""
        keep = int(np.searchsorted(self._rows[: self._kept, 0], last, side="right"))
        self._kept = keep
        self._offered = keep * self._stride

    def __len__(self) -> int:
        """The number of rows kept."""
        return self._kept

    @property
    def stride(self) -> int:
        """Offered rows per kept row."""
        return self._stride

    def array(self) -> np.ndarray:
        """A copy of the kept rows, shape (len, width)."""
        return self._rows[: self._kept].copy()
