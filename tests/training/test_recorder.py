"""The run's record (named columns, once per report), the evaluator and the map grid."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tui_backprop.data import load_dataset
from tui_backprop.training import Evaluation, RunState, Trainer, from_dict, load_preset
from tui_backprop.training.evaluator import Evaluator
from tui_backprop.training.grid import MapGrid
from tui_backprop.training.recorder import EPOCH_COLUMNS, RunRecorder, step_columns


def test_step_columns_are_named_blocks():
    """Scalars first, then one ‖∇w‖ and one ‖∇b‖ column per layer, read back by name."""
    columns = step_columns(3)
    assert columns.width == 3 + 2 * 3
    row = columns.row(
        step=7, epoch_progress=0.5, batch_cost=0.25, grad_norm_w=[1, 2, 3], grad_norm_b=[4, 5, 6]
    )
    rows = np.stack([row, row])
    assert list(columns.column(rows, "step")) == [7, 7]
    assert columns.column(rows, "grad_norm_b").tolist() == [[4, 5, 6]] * 2
    assert list(EPOCH_COLUMNS.slices) == [
        "epoch",
        "train_cost",
        "test_cost",
        "train_accuracy",
        "test_accuracy",
    ]


def test_one_row_per_reported_step_and_a_sequence_per_report():
    """Reports of the same step (a pause after a step) add no second row; truncate cuts."""
    recorder = RunRecorder(n_layers=2, capacity=8)
    for step in (1, 1, 2, 3, 3, 4):
        recorder.record_report(RunState.RUNNING, step, step / 4, 10 * step, 0.5, (1, 2), (3, 4))
    recorder.record_epoch(1, Evaluation(0.4, 0.5, 0.9, None))
    assert recorder.sequence == 6
    history = recorder.steps_history()
    assert list(history.step) == [1, 2, 3, 4] and history.grad_norm_w.shape == (4, 2)
    epochs = recorder.epochs_history()
    assert epochs.train_accuracy[0] == 0.9 and np.isnan(epochs.test_accuracy[0])
    recorder.truncate(step=2, epoch=0)
    assert list(recorder.steps_history().step) == [1, 2] and len(recorder.epochs_history()) == 0


def test_evaluation_is_named_and_uses_the_datasets_labels():
    """Costs and accuracies by name; accuracy is the share of dataset.labels that match."""
    config = from_dict({"dataset": "xor", "sizes": [2, 6, 1], "activation": "tanh", "eta": 0.5})
    trainer = Trainer(config)
    trainer.run()
    dataset, net = trainer.dataset, trainer.net
    result = Evaluator(dataset, 10**6, np.random.default_rng(0)).evaluate(net, 0.0)
    predicted = dataset.labels(net.feedforward(dataset.X_test))
    expected = float(np.mean(predicted == dataset.labels(dataset.Y_test)))
    assert result.test_accuracy == pytest.approx(expected)
    assert result.test_cost == pytest.approx(net.cost(dataset.X_test, dataset.Y_test))
    sine = load_dataset("sine")
    regression = Evaluator(sine, 100, np.random.default_rng(0)).evaluate(
        Trainer(load_preset("sine"), sine).net, 0.0
    )
    assert regression.train_accuracy is None and regression.test_accuracy is None


def test_the_map_grid_is_frozen_and_owns_its_resolution_and_point_count():
    """A plane for 2 inputs at the asked resolution, a curve for 1, None for 64."""
    xor = load_dataset("xor")
    grid = MapGrid.build(xor, seed=0, resolution=(20, 10), point_count=50)
    assert grid.kind == "plane" and grid.resolution == (20, 10) and grid.point_count == 50
    assert grid.inputs.shape == (200, 2) and len(grid.points) == 50
    with pytest.raises(dataclasses.FrozenInstanceError):
        grid.kind = "curve"
    curve = MapGrid.build(load_dataset("sine"), seed=0, resolution=(30, 10))
    assert curve.kind == "curve" and curve.xs.shape == (30,) and curve.labels is None
    assert MapGrid.build(load_dataset("digits"), seed=0) is None
