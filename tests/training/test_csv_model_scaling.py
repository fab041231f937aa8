"""A CSV's standardisation travels with a saved model: `--load` scales new inputs as the
network was trained (issue 12, item 10)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.csv_tables import write_table
from tui_backprop.cli import main
from tui_backprop.data import load_dataset
from tui_backprop.engine import Network
from tui_backprop.training import from_dict
from tui_backprop.training.model_io import (
    ModelFileError,
    load_input_scaling,
    load_model,
    save_model,
)


def test_a_saved_model_keeps_the_training_standardisation_and_load_applies_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Train on A, save; train on B (shifted) from the saved model: B is scaled with A's
    mean and std, and saving again keeps them."""
    a, b = write_table(tmp_path / "a.csv", 0.0, 0), write_table(tmp_path / "b.csv", 800.0, 1)
    common = ["--set", "dataset=csv", "--set", "sizes=2-8-1", "--set", "output_activation=sigmoid",
              "--set", "cost=cross_entropy", "--epochs", "3", "--quiet"]  # fmt: skip
    assert main(["train", "--set", f"dataset_options.path={a}", *common,
                 "--save", str(tmp_path / "m.npz")]) == 0  # fmt: skip
    trained_on_a = load_dataset("csv", path=str(a))
    mean, std = load_input_scaling(tmp_path / "m.npz")
    assert np.array_equal(mean, trained_on_a.input_scaling[0])
    assert np.array_equal(std, trained_on_a.input_scaling[1])
    assert std[0] > 100 and std[1] < 0.01  # the columns' own spreads, not 1

    metrics = tmp_path / "b.jsonl"
    assert main(["train", "--set", f"dataset_options.path={b}", *common,
                 "--load", str(tmp_path / "m.npz"), "--metrics", str(metrics),
                 "--save", str(tmp_path / "m2.npz")]) == 0  # fmt: skip
    kept = load_input_scaling(tmp_path / "m2.npz")
    assert np.array_equal(kept[0], mean) and np.array_equal(kept[1], std)
    _, net = load_model(tmp_path / "m2.npz")
    raw = load_dataset("csv", path=str(b), standardize=False)
    cost_with_a_scaling = net.evaluate((raw.X_test - mean) / std, raw.Y_test)[0]
    reported = json.loads(metrics.read_text().splitlines()[-1])["test_cost"]
    assert reported == pytest.approx(cost_with_a_scaling, rel=1e-9)
    own = load_dataset("csv", path=str(b))
    assert net.evaluate(own.X_test, own.Y_test)[0] != pytest.approx(reported, rel=1e-3)


def test_a_broken_saved_standardisation_is_refused(tmp_path: Path) -> None:
    """A zero std or mismatched lengths in a model file: ModelFileError naming the file."""
    config = from_dict({"dataset": "xor", "sizes": [2, 3, 1]})
    net = Network(**config.network_arguments())
    path = tmp_path / "bad.npz"
    save_model(path, net, config, (np.zeros(2), np.array([1.0, 0.0])))
    with pytest.raises(ModelFileError, match="bad.npz: its input standardisation is unusable"):
        load_input_scaling(path)
    save_model(path, net, config, (np.zeros(3), np.ones(3)))
    with pytest.raises(ModelFileError, match=r"bad.npz: its input means .* must have shape \(2,\)"):
        load_input_scaling(path)
    save_model(path, net, config)
    assert load_input_scaling(path) is None
