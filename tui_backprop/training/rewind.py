"""Rewind: a memory-bounded history of whole snapshots, parameters included.

A consumer that asked the trainer for parameters (``request_parameters``) adds every
snapshot it receives; it can then show any kept moment as it was (every array of a
snapshot is a copy) and continue the run from it (``Trainer.restore(snapshot)``).

The memory policy: the arrays of the kept snapshots stay within ``budget_bytes``. When an
addition goes over it, the older half is thinned (every second entry of it dropped, the
run's first entry always kept), as often as needed: recent moments stay dense, older ones
grow sparse, and however long the run the history never holds more than the budget (and
at least the latest moment).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import numpy as np

from tui_backprop.training.snapshot import Snapshot

#: the app's budget: 64 MiB of copied arrays (a snapshot of the digits preset, 64-30-10,
#: holds about 47 kB once its loss history is full, its test set by class included: some
#: 1,400 moments; the spiral's, with its output map, about 90 kB: some 700)
DEFAULT_BUDGET_BYTES = 64 * 2**20


def _arrays(value: object) -> Iterator[np.ndarray]:
    """Every NumPy array inside a snapshot's fields (dataclasses, tuples, lists, dicts)."""
    if isinstance(value, np.ndarray):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _arrays(getattr(value, f.name))
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _arrays(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _arrays(item)


def snapshot_nbytes(snapshot: Snapshot) -> int:
    """The bytes of every array a snapshot holds (each counted once, views by their base)."""
    seen: dict[int, int] = {}
    for array in _arrays(snapshot):
        owner = array.base if isinstance(array.base, np.ndarray) else array
        seen[id(owner)] = owner.nbytes
    return sum(seen.values())


class RewindHistory:
    """Snapshots with parameters, oldest first, one per step, within a memory budget."""

    def __init__(self, budget_bytes: int = DEFAULT_BUDGET_BYTES) -> None:
        """An empty history that will hold at most ``budget_bytes`` of arrays."""
        if budget_bytes <= 0:
            raise ValueError(f"budget_bytes = {budget_bytes!r} must be > 0")
        self.budget_bytes = budget_bytes
        self._entries: list[tuple[Snapshot, int]] = []  # (snapshot, its bytes)
        self.nbytes = 0

    def __len__(self) -> int:
        """The number of moments kept."""
        return len(self._entries)

    @property
    def steps(self) -> list[int]:
        """The steps of the kept moments, in order."""
        return [snapshot.step for snapshot, _ in self._entries]

    def add(self, snapshot: Snapshot) -> None:
        """Keep a snapshot (one with parameters; others are ignored), thinning if needed.

        A snapshot of the step last kept replaces it; one of an earlier step (the run
        continued from an earlier moment) first drops everything after that step.
        """
        if snapshot.parameters is None:
            return
        self.truncate_after(snapshot.step)
        if self._entries and self._entries[-1][0].step == snapshot.step:
            self._drop(len(self._entries) - 1)
        size = snapshot_nbytes(snapshot)
        self._entries.append((snapshot, size))
        self.nbytes += size
        self._thin()

    def truncate_after(self, step: int) -> None:
        """Forget the moments after ``step`` (a branch continues from there)."""
        while self._entries and self._entries[-1][0].step > step:
            self._drop(len(self._entries) - 1)

    def clear(self) -> None:
        """Forget every moment (a new network)."""
        self._entries.clear()
        self.nbytes = 0

    def latest(self) -> Snapshot | None:
        """The newest moment kept, or None."""
        return self._entries[-1][0] if self._entries else None

    def before(self, step: int) -> Snapshot | None:
        """The newest moment kept before ``step``, or None."""
        earlier = [snapshot for snapshot, _ in self._entries if snapshot.step < step]
        return earlier[-1] if earlier else None

    def after(self, step: int) -> Snapshot | None:
        """The oldest moment kept after ``step``, or None."""
        return next((snapshot for snapshot, _ in self._entries if snapshot.step > step), None)

    def _drop(self, index: int) -> None:
        """Forget one entry."""
        _, size = self._entries.pop(index)
        self.nbytes -= size

    def _thin(self) -> None:
        """Drop every second entry of the older half until within budget (keeping the
        first entry and the latest)."""
        while self.nbytes > self.budget_bytes and len(self._entries) > 1:
            if len(self._entries) == 2:
                self._drop(0)
                continue
            half = len(self._entries) // 2
            for index in range(half - (half % 2 == 0), 0, -2):  # odd indices, last first
                self._drop(index)
