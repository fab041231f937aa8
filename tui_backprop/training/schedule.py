"""The mini-batch schedule: a fresh shuffle every epoch, batches of m in that order."""

from __future__ import annotations

import math

import numpy as np

#: above this size the training data is gathered mini-batch by mini-batch instead of being
#: copied in shuffled order every epoch (a bulk copy of MNIST is ~60 ms an epoch)
GATHER_PER_BATCH_BYTES = 4 << 20


class _Gathered:
    """The batches of one epoch of a large set, each gathered by index when asked for.

    Into one pair of buffers, rewritten at each request: a batch holds its rows until the
    next is asked for. (A fresh ``X[rows]`` per step cost A ~5 points of overhead more:
    the buffers stay in the cache, and ``take`` skips fancy indexing's machinery.)
    """

    def __init__(self, X: np.ndarray, Y: np.ndarray, size: int) -> None:
        """Batches of ``size`` rows of X and Y, in the order of ``shuffle``."""
        self._X, self._Y, self._size = X, Y, size
        self._X_batch = np.empty((size, *X.shape[1:]), X.dtype)
        self._Y_batch = np.empty((size, *Y.shape[1:]), Y.dtype)
        self.order = np.arange(len(X))

    def __getitem__(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        """Batch ``index``: its rows copied out of X and Y into the buffers."""
        rows = self.order[index * self._size : (index + 1) * self._size]
        k = len(rows)  # the last batch may be short
        # mode="clip" writes straight into the buffer ("raise" buffers; rows are in range)
        X_batch = self._X.take(rows, axis=0, out=self._X_batch[:k], mode="clip")
        return X_batch, self._Y.take(rows, axis=0, out=self._Y_batch[:k], mode="clip")


class BatchSchedule:
    """Yields the mini-batches of one epoch after another, reshuffled each epoch.

    Small sets are copied once per epoch in shuffled order, so that every batch is a
    contiguous slice; large ones are gathered by index batch by batch. Both give the same
    batches. ``batches[i]`` is batch i of the current epoch (the trainer's fast loop and a
    divergence replay read it directly); ``index`` is the next batch to take.

    A small set's copy is rewritten in place each epoch and its batches are fixed views
    of it (making the copy and its 72 views anew took the spiral ~115 µs of its ~2.5 ms
    epoch; rewriting takes ~40): a batch's rows are those of its epoch until the next
    shuffle. A large set's batches share one buffer: a batch's rows hold until the next
    batch is asked for.
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
        self.batches: list | _Gathered = []
        if self.gather_per_batch:
            self._gathered = _Gathered(X, Y, self.batch_size)
        else:
            self._X_order = np.empty(X.shape, X.dtype)  # the epoch's copy, in its order
            self._Y_order = np.empty(Y.shape, Y.dtype)
            self._views = [
                (self._X_order[i : i + self.batch_size], self._Y_order[i : i + self.batch_size])
                for i in range(0, self.n, self.batch_size)
            ]
        self.index = self.batches_per_epoch  # the next batch of this epoch; forces a shuffle

    @property
    def epoch_over(self) -> bool:
        """True when every batch of the current epoch has been taken (or none was shuffled)."""
        return self.index >= self.batches_per_epoch

    def next(self) -> tuple[np.ndarray, np.ndarray]:
        """The next mini-batch (X, Y); shuffles first when the epoch is over."""
        if self.index >= self.batches_per_epoch:
            self.new_epoch()
        batch = self.batches[self.index]
        self.index += 1
        return batch

    def new_epoch(self) -> None:
        """A new order for a new epoch."""
        order = self._rng.permutation(self.n)
        if self.gather_per_batch:
            self._gathered.order = order
            self.batches = self._gathered
        else:
            # mode="clip" writes straight into the copy ("raise" buffers; order is in range)
            self._X.take(order, axis=0, out=self._X_order, mode="clip")
            self._Y.take(order, axis=0, out=self._Y_order, mode="clip")
            self.batches = self._views
        self.index = 0

    def seek(self, index: int) -> None:
        """Continue at batch ``index`` of a freshly shuffled epoch (after a restore)."""
        self.new_epoch()
        self.index = index
