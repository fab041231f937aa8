"""Rewind's history: bounded memory however long the run, and moments to continue from."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tui_backprop.training import Trainer, load_preset
from tui_backprop.training.rewind import (
    DEFAULT_BUDGET_BYTES,
    RewindHistory,
    snapshot_nbytes,
)


def test_digits_for_many_epochs_stays_within_the_budget():
    """The digits preset for 40 epochs (5,760 steps, 1,440 reports with parameters) into
    an 8 MiB history: never over budget, thinned (the start kept, recent moments dense),
    and every kept moment can be continued from."""
    config = load_preset("digits").replace(epochs=40, eval_every=4)
    budget = 8 * 2**20
    history = RewindHistory(budget)
    sizes: list[int] = []

    def keep(snapshot) -> None:
        """Add each report and check the size at once."""
        history.add(snapshot)
        sizes.append(history.nbytes)
        assert history.nbytes <= budget

    trainer = Trainer(config, listener=keep, report_every_seconds=0, report_every_steps=4)
    trainer.request_parameters(True)
    trainer.run()
    assert trainer.step_count == 40 * trainer.steps_per_epoch
    assert len(sizes) > 1_400 and max(sizes) <= budget
    steps = history.steps
    assert steps[0] == 0 and steps[-1] == trainer.step_count
    assert len(steps) < len(sizes) / 2  # thinned ...
    gaps = np.diff(steps)
    assert gaps[-1] == 4 and gaps[0] > 4 * 4  # ... older moments sparser than recent ones
    # the budget counts what the snapshots hold, and the default holds over a thousand
    assert history.nbytes == sum(snapshot_nbytes(history.before(s + 1)) for s in steps)
    assert DEFAULT_BUDGET_BYTES // max(snapshot_nbytes(trainer.snapshot()), 1) > 1_000
    middle = history.before(steps[len(steps) // 2] + 1)
    trainer.restore(middle)
    assert trainer.step_count == middle.step
    assert np.array_equal(trainer.snapshot().parameters.flat, middle.parameters.flat)


def _snapshots(count: int):
    """``count`` snapshots of successive single steps of a small xor run, with parameters."""
    config = load_preset("xor").replace(epochs=1_000)
    trainer = Trainer(config)
    trainer.request_parameters(True)
    return trainer, [trainer.step() for _ in range(count)]


def test_moving_through_moments_and_branching_drops_the_later_ones():
    """before/after walk the kept steps; a snapshot of an earlier step (a branch) drops the
    moments after it; a snapshot of the same step replaces it; none without parameters."""
    trainer, snapshots = _snapshots(6)
    history = RewindHistory()
    for snapshot in snapshots:
        history.add(snapshot)
    history.add(dataclasses.replace(snapshots[0], step=99, parameters=None))
    assert history.steps == [1, 2, 3, 4, 5, 6]
    assert history.before(4).step == 3 and history.after(4).step == 5
    assert history.before(1) is None and history.after(6) is None
    history.add(snapshots[2])  # the run continued from step 3
    assert history.steps == [1, 2, 3] and history.latest() is snapshots[2]
    again = dataclasses.replace(snapshots[2], message="continued")
    history.add(again)
    assert history.steps == [1, 2, 3] and history.latest() is again
    history.clear()
    assert len(history) == 0 and history.nbytes == 0


def test_a_budget_smaller_than_one_moment_keeps_the_latest():
    """However small the budget, the latest moment stays; a budget ≤ 0 is refused."""
    _, snapshots = _snapshots(3)
    history = RewindHistory(budget_bytes=1)
    for snapshot in snapshots:
        history.add(snapshot)
    assert history.steps == [3]
    with pytest.raises(ValueError, match="budget_bytes"):
        RewindHistory(0)
