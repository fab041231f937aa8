"""The mini-batch schedule: a fresh shuffle every epoch, batches of m in that order."""

from __future__ import annotations

import math

import numpy as np

#: above this size the training data is gathered mini-batch by mini-batch instead of being
#: copied in shuffled order every epoch (a bulk copy of MNIST is ~60 ms an epoch)
GATHER_PER_BATCH_BYTES = 4 << 20


class BatchSchedule:
    """Yields the mini-batches of one epoch after another, reshuffled each epoch.

    Small sets are copied once per epoch in shuffled order, so that every batch is a
    contiguous slice; large ones are gathered by index batch by batch. Both give the same
    batches. ``batch(i)`` returns batch i of the current epoch again (for replaying steps).
    """

    def __init__(
        self, X: np.ndarray, Y: np.ndarray, batch_size: int, rng: np.random.Generator
    ) -> None:
        """Batches of ``batch_size`` rows (at most the whole set) drawn with ``rng``."""
        self._X, self._Y = X, Y
        self.n = len(X)
        self.batch_size = min(batch_size, self.n)
        self.batches_per_epoch = math.ceil(self.n / self.batch_size)
        self._rng = rng
        self.gather_per_batch = X.nbytes > GATHER_PER_BATCH_BYTES
        self._order = np.arange(self.n)
        self._X_epoch, self._Y_epoch = X, Y
        self.index = self.batches_per_epoch  # the next batch of this epoch; forces a shuffle

    @property
    def epoch_over(self) -> bool:
        """True when every batch of the current epoch has been taken (or none was shuffled)."""
        return self.index >= self.batches_per_epoch

    def next(self) -> tuple[np.ndarray, np.ndarray]:
        """The next mini-batch (X, Y); shuffles first when the epoch is over."""
        if self.index >= self.batches_per_epoch:
            self.new_epoch()
        batch = self.batch(self.index)
        self.index += 1
        return batch

    def batch(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """Batch ``index`` of the current epoch's order."""
        start = index * self.batch_size
        stop = start + self.batch_size
        if self.gather_per_batch:
            rows = self._order[start:stop]
            return self._X[rows], self._Y[rows]
        return self._X_epoch[start:stop], self._Y_epoch[start:stop]

    def new_epoch(self) -> None:
        """A new order for a new epoch."""
        self._order = self._rng.permutation(self.n)
        if not self.gather_per_batch:
            self._X_epoch = self._X[self._order]
            self._Y_epoch = self._Y[self._order]
        self.index = 0

    def seek(self, index: int) -> None:
        """Continue at batch ``index`` of a freshly shuffled epoch (after a restore)."""
        self.new_epoch()
        self.index = index
