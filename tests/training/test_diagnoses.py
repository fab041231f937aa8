"""Each diagnosis rule on synthetic histories: it fires on its symptom, stays quiet on a
healthy run, and proposes its fix."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from tui_backprop.training import diagnoses as d


def facts(
    train: list[float],
    test: list[float] | None = None,
    accuracy: list[float] | None = None,
    **changes: Any,
) -> d.RunFacts:
    """Facts of a run with these per-epoch costs (test = train unless given)."""
    n = len(train)
    settings = {
        "cost": "cross_entropy",
        "output_activation": "sigmoid",
        "activation": "tanh",
        "init": "scaled",
        "lmbda": 0.0,
    }
    settings.update(changes.pop("settings", {}))
    base = d.RunFacts(
        epochs=np.arange(1.0, n + 1),
        train_cost=np.array(train, dtype=float),
        test_cost=np.array(test if test is not None else train, dtype=float),
        test_accuracy=np.array(accuracy if accuracy is not None else [np.nan] * n, dtype=float),
        eta=0.5,
        settings=settings,
        n_train=1000,
        n_classes=0,
        output_slow_share=None,
        hidden_dead_share=None,
        grad_norm_b=(1.0, 1.0),
    )
    return replace(base, **changes)


HEALTHY = [1.0, 0.7, 0.5, 0.4, 0.33, 0.3, 0.28]


def test_a_healthy_run_gets_no_diagnosis() -> None:
    """A falling cost, gradients alike, nothing saturated: no rule fires."""
    assert d.diagnose(facts(HEALTHY)) == ()


def test_eta_too_high_fires_on_a_rising_cost_and_halves_eta() -> None:
    """The training cost rose 50 % over the recent evaluations: η ÷ 2, on the running net."""
    found = d.eta_too_high(facts([0.5, 0.4, 0.45, 0.55, 0.6]))
    assert found is not None and "rose 50%" in found.finding
    assert found.changes == (("eta", 0.25),) and not found.rebuild and found.fix == "eta=0.25"


def test_eta_too_high_fires_on_an_oscillating_cost() -> None:
    """Down, up, down, up, down by 20 % at every evaluation: four turns."""
    found = d.eta_too_high(facts([0.6, 0.5, 0.62, 0.5, 0.62, 0.5]))
    assert found is not None and "up and down" in found.finding


def test_eta_too_high_ignores_small_wobbles_at_convergence() -> None:
    """Steps of 1 %, or a converged cost doubling from 0.01 when it started at 0.7, are
    noise against the run's scale, not a too-large η."""
    assert d.eta_too_high(facts([0.100, 0.101, 0.100, 0.101, 0.100, 0.0995])) is None
    assert d.eta_too_high(facts([0.7, 0.3, 0.1, 0.01, 0.012, 0.01, 0.02])) is None


def test_learning_slowdown_needs_the_quadratic_cost_and_slow_outputs() -> None:
    """Quadratic + sigmoid with every output flat: cross-entropy; not with cross-entropy."""
    quadratic = {"cost": "quadratic", "output_activation": "sigmoid"}
    found = d.learning_slowdown(facts(HEALTHY, settings=quadratic, output_slow_share=1.0))
    assert found is not None and found.fix == "cost=cross_entropy" and found.rebuild
    assert "100% of the output neurons" in found.finding
    assert d.learning_slowdown(facts(HEALTHY, settings=quadratic, output_slow_share=0.4)) is None
    assert d.learning_slowdown(facts(HEALTHY, output_slow_share=1.0)) is None


def test_vanishing_gradients_above_the_ratio_suggest_scaled_init_then_relu() -> None:
    """‖δ^3‖ = 50 ‖δ^1‖ (three hidden layers): standard init → scaled; scaled → ReLU."""
    grads = (0.01, 0.1, 0.5, 1.0)
    found = d.vanishing_gradients(facts(HEALTHY, grad_norm_b=grads, settings={"init": "standard"}))
    assert found is not None and found.fix == "init=scaled"
    assert "‖δ^3‖ is 50× ‖δ^1‖" in found.finding
    found = d.vanishing_gradients(facts(HEALTHY, grad_norm_b=grads))
    assert found is not None and found.fix == "activation=relu"
    assert d.vanishing_gradients(facts(HEALTHY, grad_norm_b=(0.2, 1.0, 1.0))) is None  # 5×


def test_dead_relus_above_the_share_suggest_a_smaller_eta() -> None:
    """60 % of the hidden ReLUs dead: new weights with η ÷ 3."""
    relu = {"activation": "relu"}
    found = d.dead_relus(facts(HEALTHY, settings=relu, hidden_dead_share=0.6))
    assert found is not None and found.changes[0][0] == "eta" and found.rebuild
    assert d.dead_relus(facts(HEALTHY, settings=relu, hidden_dead_share=0.2)) is None
    assert d.dead_relus(facts(HEALTHY, hidden_dead_share=0.9)) is None  # tanh has no dead


def test_overfitting_when_the_test_cost_rises_while_training_falls() -> None:
    """Chapter 3's picture: train falls, test turns up for 3 evaluations → λ = 1e-4 · n
    (0.1 for n = 1,000); a single noisy test value is not a rise."""
    train = [0.5, 0.4, 0.3, 0.2, 0.15, 0.1]
    test = [0.5, 0.45, 0.44, 0.46, 0.5, 0.55]
    found = d.overfitting(facts(train, test))
    assert found is not None and found.fix == "lmbda=0.1"
    assert d.overfitting(facts(train, train)) is None
    assert d.overfitting(facts(train, [0.5, 0.45, 0.44, 0.43, 0.6, 0.42])) is None
    again = d.overfitting(facts(train, test, settings={"lmbda": 0.1}))
    assert again is not None and again.changes == (("lmbda", 0.30000000000000004),)


def test_nothing_learned_after_n_epochs_at_chance() -> None:
    """Ten epochs at 33 % on three classes: nothing learned; at 80 %: fine; early: quiet."""
    flat = [1.1] * d.NOTHING_EPOCHS
    at_chance = facts(flat, accuracy=[0.33] * d.NOTHING_EPOCHS, n_classes=3)
    found = d.nothing_learned(at_chance)
    assert found is not None and "chance is 33%" in found.finding and found.fix == "eta=1.5"
    assert d.nothing_learned(facts(flat, accuracy=[0.8] * 10, n_classes=3)) is None
    assert d.nothing_learned(facts(flat[:5], accuracy=[0.33] * 5, n_classes=3)) is None


def test_a_plateau_whose_cost_falls_is_not_nothing_learned() -> None:
    """The spiral's start: 45 epochs near chance (34 %) while the cost falls 1.10 → 1.02
    (7 %), then it untangles: quiet. Planned for 500 epochs, a flat run is given 100."""
    falling = list(np.linspace(1.10, 1.02, 45))
    assert d.nothing_learned(facts(falling, accuracy=[0.34] * 45, n_classes=3)) is None
    flat, planned = [1.1] * 60, {"epochs": 500}
    at_chance = [0.34] * 60
    assert d.nothing_learned(facts(flat, accuracy=at_chance, n_classes=3, settings=planned)) is None
    flat, at_chance = [1.1] * 100, [0.34] * 100
    found = d.nothing_learned(facts(flat, accuracy=at_chance, n_classes=3, settings=planned))
    assert found is not None and "after 100 epochs" in found.finding


def test_nothing_learned_for_regression_is_a_cost_that_does_not_fall() -> None:
    """A regression cost down 1 % after ten epochs; weights started at a fixed value (the
    init changes nothing then): a larger η."""
    fixed = {"init": "standard", "initial_weight": 2.0}
    found = d.nothing_learned(facts(list(np.linspace(1.0, 0.99, 10)), settings=fixed))
    assert found is not None and "fell 1%" in found.finding and found.fix == "eta=1.5"
    standard = d.nothing_learned(facts([1.0] * 10, settings={"init": "standard"}))
    assert standard is not None and standard.fix == "init=scaled"


def test_diagnose_lists_every_rule_that_fires_most_specific_first() -> None:
    """Quadratic slowdown and nothing learned together: the slowdown comes first."""
    quadratic = {"cost": "quadratic", "output_activation": "sigmoid"}
    found = d.diagnose(facts([0.48] * 12, settings=quadratic, output_slow_share=1.0))
    assert [f.rule for f in found] == ["learning-slowdown", "nothing-learned"]
    assert found[0].json_row()["fix"] == "cost=cross_entropy"


def test_speed_ratio_compares_the_first_and_last_hidden_layers() -> None:
    """Three layers: hidden 1 against hidden 2; two layers: hidden against output."""
    assert d.speed_ratio((0.1, 0.4, 9.0)) == 4.0
    assert d.speed_ratio((0.5, 1.0)) == 2.0
    assert d.speed_ratio((1.0,)) is None and d.speed_ratio((0.0, 1.0)) is None
