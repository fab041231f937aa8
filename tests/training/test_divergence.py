"""Divergence: where the first non-finite value appeared, the cost rule, the last good state."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from tui_backprop.cli import EXIT_DIVERGED, main
from tui_backprop.engine import Network
from tui_backprop.training import Parameters, RunState, Trainer, from_dict
from tui_backprop.training.divergence import (
    COST_BOUND,
    COST_GROWTH_FACTOR,
    cost_runaway,
    locate,
)
from tui_backprop.training.inspection import load_parameters


def _chain(w1: float, w2: float) -> Network:
    """A 1-1-1 linear network with a quadratic cost, weights as given, biases 0."""
    net = Network([1, 1, 1], "linear", "linear", "quadratic")
    flat = np.array([w1, w2, 0.0, 0.0])
    load_parameters(net, Parameters((1, 1, 1), flat))
    return net


X1 = np.array([[1.0]])


@pytest.mark.parametrize(
    ("w1", "w2", "x", "y", "eta", "expected"),
    [
        (1e300, 1.0, 1e10, 0.0, 0.1, (1, "z")),  # z^1 = 1e300·1e10 overflows
        (1.0, 1.0, 1e308, -1.7e308, 0.1, (2, "δ (BP1)")),  # a^2 − y = 1e308 + 1.7e308
        (1e-200, 1e200, 1.0, -1e200, 0.1, (1, "δ (BP2)")),  # δ^2·w^2 = 1e200·1e200
        (1e200, 1e-200, 1.0, -1e200, 0.1, (2, "∇ (BP3/BP4)")),  # a^1·δ^2 = 1e200·1e200
        (1.0, 1.0, 1.0, -1.0, 1e308, (1, "update")),  # w − η·∂C/∂w with η = 1e308
    ],
)
def test_locate_names_the_first_non_finite_quantity(w1, w2, x, y, eta, expected):
    """Each of chapter 2's quantities, made to overflow first, is the one named."""
    net = _chain(w1, w2)
    assert locate(net, np.array([[x]]), np.array([[y]]), eta, 0.0, 1) == expected


def test_a_finite_step_has_nothing_to_locate():
    """A well-behaved step gives (None, None)."""
    assert locate(_chain(0.5, 0.5), X1, np.array([[0.2]]), 0.1, 0.0, 1) == (None, None)


def test_a_step_divergence_names_step_layer_and_quantity_and_keeps_the_last_finite():
    """η = 10⁴ with m = 1 overflows δ in a hidden layer; the run stops at that step."""
    config = from_dict(
        {
            "dataset": "sine",
            "sizes": [1, 16, 16, 1],
            "activation": "relu",
            "output_activation": "linear",
            "cost": "quadratic",
            "batch_size": 1,
            "eta": 1e4,
            "epochs": 100,
        }
    )
    trainer = Trainer(config)
    final = trainer.run()
    found = final.divergence
    assert final.state == RunState.DIVERGED and found is not None
    assert found.layer is not None and found.quantity in ("z", "a", "δ (BP1)", "δ (BP2)")
    assert f"diverged at step {found.step}:" in final.message
    assert f"layer {found.layer}" in final.message and "smaller η" in final.message
    assert found.last_finite.step == found.step - 1
    assert found.last_finite.parameters.is_finite()
    # the network holds the last finite state, and retaking the failing step fails again
    assert np.array_equal(Parameters.of(trainer.net).flat, found.last_finite.parameters.flat)
    trainer.restore(found.last_finite)
    assert trainer.state == RunState.IDLE and trainer.step_count == found.step - 1


def _sine_runaway(eta: float):
    """A ReLU net on the sine data whose cost runs away, finite, at η."""
    return from_dict(
        {
            "dataset": "sine",
            "sizes": [1, 16, 16, 1],
            "activation": "relu",
            "output_activation": "linear",
            "cost": "quadratic",
            "eta": eta,
            "epochs": 100,
        }
    )


def test_after_a_restore_the_cost_rule_goes_back_to_the_restored_state():
    """A restore is the run's new last good state: a runaway after it goes back there, with
    the η it was given, and not to a state and η from before the restore (the app's u would
    then offer η ÷ 10 of the old η, again and again)."""
    trainer = Trainer(_sine_runaway(1e6))
    kept = trainer.run().divergence.last_finite
    assert kept.eta == 1e6
    trainer.restore(dataclasses.replace(kept, eta=1e5))
    again = trainer.run()
    assert again.state == RunState.DIVERGED and again.divergence.quantity == "cost"
    assert again.divergence.last_finite.eta == 1e5
    assert again.divergence.last_finite.step == kept.step


def test_the_cost_rule_stops_a_finite_runaway_and_rolls_back():
    """Issue 13's case: a cost growing past the bound while finite is a divergence too."""
    config = from_dict(
        {
            "dataset": "sine",
            "sizes": [1, 16, 16, 1],
            "activation": "relu",
            "output_activation": "linear",
            "cost": "quadratic",
            "eta": 1e6,
            "epochs": 100,
        }
    )
    trainer = Trainer(config)
    start = Parameters.of(trainer.net)
    final = trainer.run()
    assert final.state == RunState.DIVERGED
    assert final.divergence.quantity == "cost" and final.divergence.layer is None
    assert "training cost grew to" in final.message and "after epoch 1" in final.message
    assert final.divergence.last_finite.step == 0
    assert np.array_equal(Parameters.of(trainer.net).flat, start.flat)
    trainer.restore(final.divergence.last_finite)
    trainer.set_eta(0.01)
    assert trainer.run().state == RunState.FINISHED


def test_cost_runaway_thresholds():
    """Beyond the factor over the start, or beyond the bound, or not finite; else fine."""
    assert cost_runaway(0.5 * COST_GROWTH_FACTOR, 1.0) == ""
    assert "times its starting value" in cost_runaway(2 * COST_GROWTH_FACTOR, 1.0)
    assert "above the bound" in cost_runaway(2 * COST_BOUND, None)
    assert "became inf" in cost_runaway(float("inf"), 1.0)
    assert "became nan" in cost_runaway(float("nan"), 1.0)
    assert cost_runaway(1e9, 1e5) == ""  # a large start (unscaled targets) is not a runaway


def test_headless_exits_3_on_the_cost_rule(capsys):
    """The cost rule ends a headless run as any divergence does: exit 3, one line."""
    args = ["train", "--preset", "sine", "--set", "eta=1e6", "--set", "activation=relu"]
    assert main([*args, "--epochs", "5", "--quiet"]) == EXIT_DIVERGED
    err = capsys.readouterr().err
    assert "diverged at step" in err and "training cost" in err
