"""Saturated and dead neurons reach the snapshot (for the heatmap) and the headless
--metrics records, from the engine's own z and σ'(z) of the latest mini-batch."""

from __future__ import annotations

import json

import numpy as np

from tui_backprop.headless import HeadlessRun
from tui_backprop.training import Trainer, from_dict
from tui_backprop.training.saturation import DEAD, SATURATED


def config(**changes):
    """A small xor run, changed as asked."""
    base = {
        "dataset": "xor",
        "dataset_options": {"n_samples": 100, "seed": 1},
        "sizes": [2, 6, 4, 1],
        "activation": "relu",
        "output_activation": "sigmoid",
        "cost": "cross_entropy",
        "epochs": 2,
        "seed": 0,
    }
    return from_dict({**base, **changes})


def test_dead_relus_are_found_on_the_snapshot() -> None:
    """Biases of −100: z ≤ 0 for every sample, so every hidden ReLU is dead."""
    trainer = Trainer(config(initial_bias=-100.0))
    assert trainer.snapshot().saturation == ()  # before any step
    snapshot = trainer.step()
    hidden = snapshot.saturation[:2]
    assert all(layer.kind == DEAD and layer.share == 1.0 for layer in hidden)
    z = snapshot.step_detail.gradients.zs[0]
    assert np.all(z <= 0)
    assert snapshot.saturation[2].kind == SATURATED  # the sigmoid output can saturate


def test_saturated_sigmoids_are_found() -> None:
    """Weights of 50 with inputs of size ~1: σ'(z) far below 1 % of ¼ for most neurons."""
    trainer = Trainer(config(activation="sigmoid", initial_weight=50.0, initial_bias=50.0))
    layers = trainer.step().saturation
    assert layers[1].kind == SATURATED and layers[1].share == 1.0


def test_headless_metrics_carry_the_shares(tmp_path) -> None:
    """Each epoch's JSON line lists the share per layer (hidden ReLUs dead: 1.0)."""
    path = tmp_path / "m.jsonl"
    with path.open("w") as metrics:
        HeadlessRun(config(initial_bias=-100.0), metrics=metrics, quiet=True).run()
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(rows) == 2
    assert rows[-1]["saturation"][:2] == [1.0, 1.0]
    assert len(rows[-1]["saturation"]) == 3
