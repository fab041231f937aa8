"""The batch schedule: a shuffle per epoch, the same batches whether copied or gathered."""

from __future__ import annotations

import numpy as np

from tui_backprop.training import Trainer, from_dict
from tui_backprop.training import schedule as schedule_module
from tui_backprop.training.schedule import BatchSchedule


def _data(n=23, width=3):
    """Rows numbered by their first column, so that a batch shows which rows it took."""
    X = np.arange(n * width, dtype=float).reshape(n, width)
    return X, X[:, :1] * 2


def test_every_row_once_per_epoch_with_a_short_last_batch():
    """23 rows in batches of 5: 5 batches, the last of 3, together every row exactly once."""
    X, Y = _data()
    schedule = BatchSchedule(X, Y, 5, np.random.default_rng(0))
    assert schedule.batches_per_epoch == 5 and schedule.epoch_over
    batches = [schedule.next() for _ in range(5)]
    assert schedule.epoch_over
    assert [len(b[0]) for b in batches] == [5, 5, 5, 5, 3]
    rows = np.concatenate([b[0][:, 0] for b in batches]) / 3
    assert sorted(rows) == list(range(23))
    assert all(np.array_equal(by, bx[:, :1] * 2) for bx, by in batches)  # pairs kept
    second = np.concatenate([schedule.next()[0][:, 0] for _ in range(5)]) / 3
    assert sorted(second) == list(range(23)) and not np.array_equal(rows, second)


def test_batches_replay_a_batch_of_the_current_epoch(monkeypatch):
    """batches[i] gives batch i of this epoch again, as a divergence replay needs."""
    X, Y = _data()
    for threshold in (1 << 30, 0):  # copied per epoch, then gathered per batch
        monkeypatch.setattr(schedule_module, "GATHER_PER_BATCH_BYTES", threshold)
        schedule = BatchSchedule(X, Y, 4, np.random.default_rng(1))
        taken = [schedule.next()[0].copy() for _ in range(3)]
        assert all(np.array_equal(schedule.batches[i][0], taken[i]) for i in range(3))


def test_gathering_per_batch_gives_the_same_batches_as_copying(monkeypatch):
    """Large data is gathered batch by batch; the batches are those of the epoch copy."""
    X, Y = _data(50)
    copied = BatchSchedule(X, Y, 7, np.random.default_rng(3))
    monkeypatch.setattr(schedule_module, "GATHER_PER_BATCH_BYTES", 0)
    gathered = BatchSchedule(X, Y, 7, np.random.default_rng(3))
    assert gathered.gather_per_batch and not copied.gather_per_batch
    for _ in range(3 * copied.batches_per_epoch):
        (a, b), (c, d) = copied.next(), gathered.next()
        assert np.array_equal(a, c) and np.array_equal(b, d)


def test_a_whole_run_is_the_same_either_way(monkeypatch):
    """The trainer's results do not depend on how the batches are made."""
    config = from_dict(
        {"dataset": "xor", "sizes": [2, 6, 1], "activation": "tanh", "eta": 0.5, "epochs": 3}
    )
    copied = Trainer(config)
    first = copied.run()
    monkeypatch.setattr(schedule_module, "GATHER_PER_BATCH_BYTES", 0)
    gathered = Trainer(config)
    second = gathered.run()
    assert first.test_cost == second.test_cost
    assert np.array_equal(copied.net.weights[0], gathered.net.weights[0])


def test_a_small_sets_batches_are_one_copy_rewritten_each_epoch():
    """No arrays are made per epoch: the next shuffle rewrites the same copy in place, so
    a batch holds its epoch's rows until then (callers copy what they keep)."""
    X, Y = _data()
    schedule = BatchSchedule(X, Y, 5, np.random.default_rng(0))
    first_X, first_Y = schedule.next()
    rows = first_X[:, 0].copy()
    for _ in range(schedule.batches_per_epoch):
        schedule.next()  # the last of epoch 1, then the first of epoch 2
    again_X, again_Y = schedule.batches[0]
    assert again_X is first_X and again_Y is first_Y
    assert not np.array_equal(first_X[:, 0], rows)  # epoch 2's rows, written in place
    assert np.array_equal(first_Y, first_X[:, :1] * 2)


def test_a_large_sets_batches_are_one_buffer_rewritten_each_batch(monkeypatch):
    """Gathered batches are written into one pair of buffers (no arrays per step): a batch
    holds its rows until the next is asked for; a short last batch is the buffer's head."""
    monkeypatch.setattr(schedule_module, "GATHER_PER_BATCH_BYTES", 0)
    X, Y = _data()
    schedule = BatchSchedule(X, Y, 5, np.random.default_rng(0))
    first_X, first_Y = schedule.next()
    rows = first_X[:, 0].copy()
    second_X, second_Y = schedule.next()
    assert np.shares_memory(first_X, second_X) and np.shares_memory(first_Y, second_Y)
    assert not np.array_equal(first_X[:, 0], rows)  # batch 2's rows, written over batch 1
    for _ in range(2):
        schedule.next()
    last_X, last_Y = schedule.next()
    assert len(last_X) == 3 and np.shares_memory(last_X, first_X)
    assert np.array_equal(last_Y, last_X[:, :1] * 2)
