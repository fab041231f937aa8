"""What each book experiment measures: the runs it needs, and the number it makes of them.

A metric is two functions: ``jobs(experiment)`` lists the independent runs (each a job of
``jobs.py`` with its arguments), and ``measure(experiment, results)`` turns their results
into one number (compared with the ``[expect]`` value) and a line of text for the table.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui_backprop.experiments.jobs import RunResult, delta_norms_job, gradcheck_job, train_job


@dataclass(frozen=True)
class Job:
    """One independent unit of work: a label within its experiment, a function, its arguments."""

    label: str
    function: Callable[..., RunResult]
    config: dict[str, Any]
    extra: tuple = ()


@dataclass(frozen=True)
class Outcome:
    """Our number, the text shown beside the book's, and any condition the number needs."""

    value: float
    text: str
    condition: bool = True


@dataclass(frozen=True)
class Metric:
    """How one kind of experiment is run and measured."""

    jobs: Callable[[Any], list[Job]]
    measure: Callable[[Any, dict[str, RunResult]], Outcome]
    description: str


def _variants(experiment) -> list[tuple[str, dict[str, Any]]]:
    """(label, configuration) of every run: each combination of `vary`, each seed."""
    base = experiment.config.to_dict()
    runs = [("", base)]
    for key, values in experiment.expect.vary.items():
        runs = [
            (f"{label} {key}={value}".strip(), {**config, key: value})
            for label, config in runs
            for value in values
        ]
    if experiment.expect.seeds > 1:
        runs = [
            (f"{label} seed={seed}".strip(), {**config, "seed": seed})
            for label, config in runs
            for seed in range(experiment.expect.seeds)
        ]
    return runs


def _training_jobs(experiment) -> list[Job]:
    """One training job per variant."""
    return [Job(label, train_job, config) for label, config in _variants(experiment)]


def _first_failure(results: dict[str, RunResult]) -> Outcome | None:
    """A NaN outcome naming the first run that did not end normally, if any."""
    for label, result in results.items():
        if not result.ok:
            return Outcome(math.nan, f"run {label or 'main'} {result.state}: {result.message}")
    return None


def _percent(value: float) -> str:
    """A fraction as a percentage with two decimals."""
    return f"{100 * value:.2f} %"


def _mean(values: list[float]) -> float:
    """The arithmetic mean (NaN for none)."""
    return sum(values) / len(values) if values else math.nan


def _by_value(experiment, key: str, results: dict[str, RunResult]) -> dict[Any, list[RunResult]]:
    """Results grouped by the value of one varied field, in the order `vary` lists them."""
    groups: dict[Any, list[RunResult]] = {value: [] for value in experiment.expect.vary[key]}
    for label, result in results.items():
        for value in groups:
            if f"{key}={value}" in label.split():
                groups[value].append(result)
    return groups


# -- the metrics ------------------------------------------------------------------------


def _test_accuracy(experiment, results: dict[str, RunResult]) -> Outcome:
    """The final test accuracy (mean over seeds)."""
    failed = _first_failure(results)
    if failed:
        return failed
    accuracies = [result.last("test_accuracy") or math.nan for result in results.values()]
    mean = _mean(accuracies)
    seeds = f" (mean of {len(accuracies)} seeds)" if len(accuracies) > 1 else ""
    return Outcome(mean, f"{_percent(mean)}{seeds}")


def _cost_fall_ratio(experiment, results: dict[str, RunResult]) -> Outcome:
    """How much further the second `vary` value's cost falls than the first's in `window` epochs."""
    failed = _first_failure(results)
    if failed:
        return failed
    key = next(iter(experiment.expect.vary))
    window = experiment.expect.window
    falls = {}
    for value, (result,) in _by_value(experiment, key, results).items():
        costs = [row["train_cost"] for row in result.epochs if row["epoch"] <= window]
        falls[value] = 1 - costs[-1] / costs[0]
    slow, fast = falls.values()
    ratio = fast / slow if slow > 0 else math.inf
    parts = ", ".join(f"{value} −{100 * fall:.1f} %" for value, fall in falls.items())
    return Outcome(ratio, f"cost fall in {window} epochs: {parts} ({ratio:,.0f}×)")


def _delta_jobs(experiment) -> list[Job]:
    """One probe of ‖δ^l‖ at initialisation over `window` samples."""
    config = experiment.config.to_dict()
    return [Job("", delta_norms_job, config, (experiment.expect.window or 1000,))]


def _delta_ratio(experiment, results: dict[str, RunResult]) -> Outcome:
    """‖δ‖ of the last hidden layer over that of the first, at initialisation (BP2's product)."""
    failed = _first_failure(results)
    if failed:
        return failed
    norms = list(results[""].values.values())[:-1]  # hidden layers only
    ratio = norms[-1] / norms[0]
    listed = ", ".join(f"{norm:.3g}" for norm in norms)
    return Outcome(ratio, f"‖δ^l‖ of the hidden layers {listed}: last/first {ratio:,.0f}×")


def _accuracy_stall(experiment, results: dict[str, RunResult]) -> Outcome:
    """Test-accuracy gain over the second half of training, while the training cost falls."""
    failed = _first_failure(results)
    if failed:
        return failed
    gains, falls = [], []
    for result in results.values():
        half = result.epochs[-1]["epoch"] // 2
        middle = min(result.epochs, key=lambda row: abs(row["epoch"] - half))
        end = result.epochs[-1]
        gains.append(100 * (end["test_accuracy"] - middle["test_accuracy"]))
        falls.append(1 - end["train_cost"] / middle["train_cost"])
    gain, fall = _mean(gains), _mean(falls)
    text = (
        f"epochs {middle['epoch']}→{end['epoch']}: test accuracy {gain:+.2f} pts while the "
        f"training cost falls {100 * fall:.0f} %"
    )
    return Outcome(gain, text, condition=fall >= 0.2)


def _lmbda_gain(experiment, results: dict[str, RunResult]) -> Outcome:
    """Mean test accuracy with the largest λ minus without, in points."""
    failed = _first_failure(results)
    if failed:
        return failed
    groups = _by_value(experiment, "lmbda", results)
    means = {
        value: _mean([r.last("test_accuracy") for r in runs]) for value, runs in groups.items()
    }
    low, high = min(means), max(means)
    gain = 100 * (means[high] - means[low])
    seeds = experiment.expect.seeds
    text = (
        f"λ = {low:g}: {_percent(means[low])}, λ = {high:g}: {_percent(means[high])} "
        f"({gain:+.2f} pts, mean of {seeds} seeds)"
    )
    return Outcome(gain, text)


#: chapter 3's words made numbers: a cost "falls smoothly" when no epoch raises it by more
#: than 2 %, and "oscillates" when some epoch raises it by more than 10 %
SMOOTH_RISE, OSCILLATION_RISE = 0.02, 0.10


def _largest_rise(costs: list[float]) -> float:
    """The largest relative rise of a cost from one epoch to the next (0 if it only falls)."""
    return max([0.0, *((b - a) / a for a, b in zip(costs, costs[1:]))])


def _eta_order(experiment, results: dict[str, RunResult]) -> Outcome:
    """How many of chapter 3's three observations on small / middle / large η hold (0-3)."""
    failed = _first_failure(results)
    if failed:
        return failed
    groups = _by_value(experiment, "eta", results)
    small, middle, large = groups
    costs = {eta: [row["train_cost"] for row in runs[0].epochs] for eta, runs in groups.items()}
    final = {eta: values[-1] for eta, values in costs.items()}
    lowest = min(final, key=final.get) == middle
    smooth = _largest_rise(costs[small]) <= SMOOTH_RISE
    rises = sum(b > a * (1 + OSCILLATION_RISE) for a, b in zip(costs[large], costs[large][1:]))
    held = int(lowest) + int(smooth) + int(rises > 0)
    text = (
        f"final training cost η={small:g}: {final[small]:.3f}, η={middle:g}: {final[middle]:.3f}, "
        f"η={large:g}: {final[large]:.3f}; η={small:g}'s largest rise in an epoch "
        f"{100 * _largest_rise(costs[small]):.1f} %; η={large:g} jumps by over "
        f"{100 * OSCILLATION_RISE:.0f} % in {rises} epochs ({held}/3 hold)"
    )
    return Outcome(float(held), text)


def _gradcheck_jobs(experiment) -> list[Job]:
    """One finite-difference check on a mini-batch of `window` samples."""
    config = experiment.config.to_dict()
    return [Job("", gradcheck_job, config, (experiment.expect.window or 10,))]


def _fd_time_ratio(experiment, results: dict[str, RunResult]) -> Outcome:
    """Chapter 2's count: P + 1 forward passes for finite differences, and the time ratio."""
    failed = _first_failure(results)
    if failed:
        return failed
    values = results[""].values
    parameters, passes = int(values["parameters"]), int(values["fd_passes"])
    ratio = values["fd_seconds"] / values["backprop_seconds"]
    text = (
        f"P = {parameters:,}: finite differences {passes:,} forward passes (P + 1), backprop "
        f"one forward and one backward; {ratio:,.0f}× as long (max rel. error "
        f"{values['max_rel_error']:.1e})"
    )
    return Outcome(ratio, text, condition=passes == parameters + 1)


METRICS: dict[str, Metric] = {
    "test_accuracy": Metric(_training_jobs, _test_accuracy, "final test accuracy"),
    "cost_fall_ratio": Metric(
        _training_jobs, _cost_fall_ratio, "cost fall of the 2nd variant over the 1st's"
    ),
    "delta_ratio": Metric(_delta_jobs, _delta_ratio, "‖δ‖ last hidden / first hidden at init"),
    "accuracy_stall": Metric(
        _training_jobs, _accuracy_stall, "test-accuracy gain over the second half (pts)"
    ),
    "lmbda_gain": Metric(_training_jobs, _lmbda_gain, "test-accuracy gain from λ (pts)"),
    "eta_order": Metric(_training_jobs, _eta_order, "chapter 3's η observations that hold"),
    "fd_time_ratio": Metric(
        _gradcheck_jobs, _fd_time_ratio, "finite-difference time / backprop time"
    ),
}
