"""Diagnoses with a fix: small pure rules over a run's evaluations and its latest step.

Each rule looks at a ``RunFacts`` (taken at an evaluation) and returns a ``Diagnosis``
(what it found, in one line, and the settings that fix it) or None. ``diagnose`` applies
them all, most specific first: the app shows the first as a hint, headless ``--metrics``
records every one. No Textual here.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from tui_backprop.formatting import setting

#: η too high: the training cost rose by more than this share of its scale over the recent
#: evaluations...
RISE_SHARE = 0.25
#: ... or went up and down (steps above this share of its scale) at every evaluation
OSCILLATION_SHARE, OSCILLATION_TURNS = 0.10, 4
#: the scale of a cost change: the lowest recent cost, but at least this share of the first
#: evaluation's (so that the noise of a converged run, 0.01 ± 0.005, is not a rise)
SCALE_FLOOR = 0.25
#: the recent evaluations the η and overfitting rules look at
RECENT = 6
#: learning slowdown: output neurons count as slow where σ'(z) < this share of its peak
#: on every sample: |z| > 2.9 for the sigmoid (chapter 3's neuron starts at z = 4, 7 %,
#: and takes about 150 epochs to come down to it)...
SLOW_SLOPE_SHARE = 0.20
#: ... and "most" means at least this share of the output layer
SLOWDOWN_SHARE = 0.5
#: vanishing gradients: the last hidden layer's ‖δ‖ over the first's above this
VANISHING_RATIO = 10.0
#: dead ReLUs: at least this share of the hidden ReLU neurons had z ≤ 0 on every sample
DEAD_SHARE = 0.5
#: overfitting: the test cost's median over the last OVERFIT_AFTER evaluations is more than
#: OVERFIT_RISE above its lowest point, reached at least OVERFIT_AFTER evaluations ago, while
#: the training cost kept falling (chapter 3's picture)
OVERFIT_RISE, OVERFIT_AFTER = 0.05, 3
#: nothing learned: after this many epochs (or this share of the planned ones, if more:
#: the spiral sits near chance for a hundred epochs while its cost slowly falls, then
#: untangles), the training cost down by less than this share and, with classes, the
#: accuracy within this of chance
NOTHING_EPOCHS, NOTHING_SHARE, CHANCE_MARGIN, NOTHING_DROP = 10, 0.2, 0.05, 0.05
#: chapter 3's λ per training sample (λ = 0.1 for n = 1,000; λ = 5 for n = 50,000)
LMBDA_PER_SAMPLE = 1e-4


@dataclass(frozen=True)
class Diagnosis:
    """What a rule found, and the settings that fix it."""

    rule: str  # the rule's name, e.g. "eta-too-high"
    finding: str  # one line: what was seen, in the book's words
    changes: tuple[tuple[str, Any], ...]  # (configuration field, new value) pairs
    rebuild: bool  # True: a new network with the changes; False: the running one takes them

    @property
    def fix(self) -> str:
        """The changes as ``field=value``, as ``--set`` takes them: "eta=0.25"."""
        return ", ".join(f"{name}={_value(value)}" for name, value in self.changes)

    @property
    def fix_shown(self) -> str:
        """The changes as a reader sees them: "η=0.25", "cost=cross_entropy"."""
        return ", ".join(setting(name, _value(value)) for name, value in self.changes)

    def json_row(self) -> dict[str, str]:
        """The diagnosis for a ``--metrics`` line."""
        return {"rule": self.rule, "finding": self.finding, "fix": self.fix}


def _value(value: Any) -> str:
    """A setting as it reads in a fix: 0.25, not 0.25000000000000006."""
    return f"{value:.3g}" if isinstance(value, float) else str(value)


@dataclass(frozen=True)
class RunFacts:
    """What the rules look at, at one evaluation (layers: 0 = the first hidden layer)."""

    epochs: np.ndarray  # the evaluated epochs so far
    train_cost: np.ndarray
    test_cost: np.ndarray
    test_accuracy: np.ndarray  # NaN for regression
    eta: float  # η in use now
    settings: dict[str, Any]  # the run's configuration (RunConfig.to_dict())
    n_train: int
    n_classes: int  # 0 for regression
    output_slow_share: float | None  # output neurons with σ' < SLOW_SLOPE_SHARE of peak
    hidden_dead_share: float | None  # hidden ReLU neurons dead on the latest batch
    grad_norm_b: tuple[float, ...]  # ‖δ^l‖ of the latest step, per layer


def compared_layers(n_layers: int) -> tuple[int, int]:
    """The 1-based layers whose speeds of learning are compared (as the book's chapter 5):
    the first hidden layer against the last hidden one (the output with one hidden layer)."""
    return (1, n_layers - 1) if n_layers >= 3 else (1, n_layers)


def speed_ratio(grad_norm_b: tuple[float, ...]) -> float | None:
    """‖δ^last‖ / ‖δ^first‖ for ``compared_layers``: how many times slower layer 1 learns
    (None with one layer, or when the first layer's gradient is 0 or not finite)."""
    first, last = compared_layers(len(grad_norm_b))
    if first == last:
        return None
    slow, fast = grad_norm_b[first - 1], grad_norm_b[last - 1]
    if not (slow > 0 and math.isfinite(slow) and math.isfinite(fast)):
        return None
    return fast / slow


def _finite(values: np.ndarray) -> np.ndarray:
    """The finite values, in order."""
    values = np.asarray(values, dtype=float)
    return values[np.isfinite(values)]


def eta_too_high(facts: RunFacts) -> Diagnosis | None:
    """The training cost rising, or going up and down, over the recent evaluations → η ÷ 2."""
    every = _finite(facts.train_cost)
    costs = every[-RECENT:]
    if len(costs) < 3:
        return None
    scale = max(costs.min(), SCALE_FLOOR * abs(every[0]))
    if scale <= 0:
        return None
    fix = (("eta", facts.eta / 2),)
    if costs[-1] > costs[0] and costs[-1] - costs.min() > RISE_SHARE * scale:
        rise = costs[-1] / costs.min() - 1 if costs.min() > 0 else math.inf
        finding = (
            f"η too high: the training cost rose {rise:.0%} over the last {len(costs)} evaluations"
        )
        return Diagnosis("eta-too-high", finding, fix, rebuild=False)
    steps = np.diff(costs)
    big = np.abs(steps) > OSCILLATION_SHARE * scale
    signs = np.sign(steps[big])
    turns = int(np.sum(signs[1:] != signs[:-1]))
    if turns >= OSCILLATION_TURNS:
        finding = (
            f"η too high: the training cost went up and down {turns} times "
            f"in {len(costs)} evaluations"
        )
        return Diagnosis("eta-too-high", finding, fix, rebuild=False)
    return None


def learning_slowdown(facts: RunFacts) -> Diagnosis | None:
    """Most sigmoid outputs nearly flat with the quadratic cost, which multiplies δ^L by
    σ'(z^L) (BP1) → the cross-entropy, whose δ^L = a − y has no σ'."""
    settings, share = facts.settings, facts.output_slow_share
    if settings.get("cost") != "quadratic" or settings.get("output_activation") != "sigmoid":
        return None
    if share is None or share < SLOWDOWN_SHARE:
        return None
    finding = (
        f"learning slowdown: {share:.0%} of the output neurons have σ'(z) < "
        f"{SLOW_SLOPE_SHARE:.0%} of its peak, and the quadratic cost's δ^L carries it (BP1)"
    )
    return Diagnosis("learning-slowdown", finding, (("cost", "cross_entropy"),), rebuild=True)


def vanishing_gradients(facts: RunFacts) -> Diagnosis | None:
    """The last hidden layer's ‖δ‖ over VANISHING_RATIO times the first's → scaled init,
    or ReLU when the init is already scaled."""
    ratio = speed_ratio(facts.grad_norm_b)
    if ratio is None or ratio <= VANISHING_RATIO:
        return None
    first, last = compared_layers(len(facts.grad_norm_b))
    settings = facts.settings
    if settings.get("init") == "standard":
        fix: tuple[tuple[str, Any], ...] = (("init", "scaled"),)
    elif settings.get("activation") in ("sigmoid", "tanh"):
        fix = (("activation", "relu"),)
    else:
        return None
    finding = (
        f"vanishing gradients: ‖δ^{last}‖ is {ratio:.0f}× ‖δ^{first}‖ "
        f"(above {VANISHING_RATIO:g}×): layer {first} hardly learns"
    )
    return Diagnosis("vanishing-gradients", finding, fix, rebuild=True)


def dead_relus(facts: RunFacts) -> Diagnosis | None:
    """Most hidden ReLU neurons dead (z ≤ 0 on every sample: no gradient reaches them) →
    new weights with a smaller η (and the scaled init)."""
    share = facts.hidden_dead_share
    if facts.settings.get("activation") != "relu" or share is None or share < DEAD_SHARE:
        return None
    fix: tuple[tuple[str, Any], ...] = (("eta", facts.eta / 3),)
    if facts.settings.get("init") == "standard":
        fix += (("init", "scaled"),)
    finding = f"dead ReLUs: {share:.0%} of the hidden neurons had z ≤ 0 on every sample"
    return Diagnosis("dead-relus", finding, fix, rebuild=True)


def overfitting(facts: RunFacts) -> Diagnosis | None:
    """The test cost rising while the training cost falls (chapter 3) → L2 regularisation."""
    train, test = np.asarray(facts.train_cost), np.asarray(facts.test_cost)
    keep = np.isfinite(train) & np.isfinite(test)
    train, test = train[keep], test[keep]
    if len(test) < OVERFIT_AFTER + 1:
        return None
    best = int(np.argmin(test))  # the test cost's lowest point so far
    # the median: one noisy value is not a rise (statistics': np.median's machinery costs
    # 25 µs on these few values, at every evaluation)
    recent = statistics.median(test[-OVERFIT_AFTER:].tolist())
    scale = max(test[best], SCALE_FLOOR * test[0])  # a converged run's noise is no rise
    if len(test) - 1 - best < OVERFIT_AFTER or recent - test[best] <= OVERFIT_RISE * scale:
        return None
    if not train[-1] < train[best]:
        return None
    lmbda = float(facts.settings.get("lmbda") or 0.0)
    new = lmbda * 3 if lmbda > 0 else max(0.1, round(LMBDA_PER_SAMPLE * facts.n_train, 3))
    finding = (
        f"overfitting: the test cost rose {recent / test[best] - 1:.0%} above its lowest while "
        f"the training cost fell {1 - train[-1] / train[best]:.0%} since then"
    )
    return Diagnosis("overfitting", finding, (("lmbda", new),), rebuild=True)


def nothing_learned(facts: RunFacts) -> Diagnosis | None:
    """No progress after NOTHING_EPOCHS epochs (or NOTHING_SHARE of the run) → the scaled
    init, or a larger η (also when the weights start at a fixed value, which the init does
    not change). No progress: the training cost hardly fell and, with classes, the test
    accuracy is still near chance (a slowly falling cost is a plateau, not a dead end)."""
    epochs = _finite(facts.epochs)
    patience = max(NOTHING_EPOCHS, NOTHING_SHARE * facts.settings.get("epochs", 0))
    costs = _finite(facts.train_cost)
    if len(epochs) == 0 or epochs[-1] < patience or len(costs) < 2:
        return None
    if costs[-1] < costs[0] * (1 - NOTHING_DROP):
        return None
    seen = f"the training cost fell {max(0.0, 1 - costs[-1] / costs[0]):.0%}"
    if facts.n_classes:
        accuracy = _finite(facts.test_accuracy)
        chance = 1 / facts.n_classes
        if len(accuracy) == 0 or accuracy[-1] > chance + CHANCE_MARGIN:
            return None
        seen = f"test accuracy {accuracy[-1]:.0%}, chance is {chance:.0%}; {seen}"
    settings = facts.settings
    if settings.get("init") == "standard" and settings.get("initial_weight") is None:
        fix: tuple[tuple[str, Any], ...] = (("init", "scaled"),)
    else:
        fix = (("eta", facts.eta * 3),)
    finding = f"nothing learned after {epochs[-1]:.0f} epochs: {seen}"
    return Diagnosis("nothing-learned", finding, fix, rebuild=True)


#: every rule, most specific first (the app shows the first that fires)
RULES: tuple[Callable[[RunFacts], Diagnosis | None], ...] = (
    learning_slowdown,
    eta_too_high,
    vanishing_gradients,
    dead_relus,
    overfitting,
    nothing_learned,
)


def diagnose(facts: RunFacts) -> tuple[Diagnosis, ...]:
    """Every diagnosis that fires, most specific first."""
    return tuple(found for rule in RULES if (found := rule(facts)) is not None)
