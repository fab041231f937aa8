"""Engine training throughput: contestants interleaved over rounds, medians and ratios."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from benchmarks.contestants import (
    BOOK,
    ENGINE,
    TORCH_AUTOGRAD,
    TORCH_NAMES,
    Contestant,
    make_contestants,
    parameters,
)
from benchmarks.machine import QUIET, QuietRetries, gemm_flops, wait_for_quiet
from benchmarks.workloads import WORKLOADS, Workload, make_data

DTYPES = ("float64", "float32")
#: mini-batches each contestant cycles through (distinct data, as in an epoch)
BATCHES = 16
#: seconds of rest before each trial: BLAS and OpenMP worker threads spin for a while after
#: a parallel call, and would otherwise take a core from the next contestant
SETTLE = 0.2
#: agreement with the engine after two steps from the same parameters
TOLERANCE = {"float64": 1e-8, "float32": 2e-3}


@dataclass
class Result:
    """Samples per second of one contestant on one workload and dtype, per round."""

    workload: Workload
    dtype: str
    contestant: str
    steps: int
    rates: list[float] = field(default_factory=list)
    #: cores kept busy by other processes during each trial (None: unmeasured)
    loads: list[float | None] = field(default_factory=list)

    @property
    def clean(self) -> list[float]:
        """The rates of the trials that ran on a quiet machine."""
        return [r for r, load in zip(self.rates, self.loads) if load is None or load <= QUIET]

    @property
    def rate(self) -> float:
        """The median samples/s over the quiet trials, or over all when most were contended."""
        clean = self.clean
        return statistics.median(clean if 2 * len(clean) >= len(self.rates) else self.rates)

    @property
    def us_per_step(self) -> float:
        """Microseconds per SGD step at the median rate."""
        return 1e6 * self.workload.m / self.rate


@dataclass
class ThroughputReport:
    """Every result, and the machine's GEMM bound per dtype."""

    results: dict[tuple[str, str, str], Result]
    bounds: dict[str, list[float]]
    skipped: list[str]
    threads: int

    def bound(self, dtype: str) -> float:
        """The best measured GEMM FLOP/s for ``dtype`` (other load only ever lowers it)."""
        return max(self.bounds[dtype])

    def get(self, key: str, dtype: str, contestant: str) -> Result | None:
        """One result, or None when that contestant did not run."""
        return self.results.get((key, dtype, contestant))

    def percent_of_bound(self, result: Result) -> float:
        """The rate in nominal FLOP/s (6·Σ n_in·n_out per sample) over the GEMM bound."""
        return 100 * result.rate * result.workload.flops_per_sample / self.bound(result.dtype)

    def ratio(self, key: str, dtype: str, other: str) -> float | None:
        """The engine's rate over another contestant's (or over the best PyTorch one)."""
        engine = self.get(key, dtype, ENGINE)
        names = TORCH_NAMES if other == "torch best" else (other,)
        rivals = [r for n in names if (r := self.get(key, dtype, n)) is not None]
        if engine is None or not rivals:
            return None
        return engine.rate / max(r.rate for r in rivals)


def _verify(contestants: list[Contestant], dtype: str) -> None:
    """Two steps from the same parameters must agree with the engine, or nothing is timed."""
    reference = None
    for c in contestants:
        c.reset()
        c.run(2)
        p = parameters(c)
        if reference is None:
            reference = p
        error = float(np.max(np.abs(p - reference)))
        if not error <= TOLERANCE[dtype]:
            raise AssertionError(
                f"{c.name} disagrees with the engine on {c.workload.key} {dtype}: {error:.2e}"
            )


def _timed(c: Contestant, steps: int) -> float:
    """Seconds for ``steps`` steps from the initial parameters."""
    time.sleep(SETTLE)
    c.reset()
    started = time.perf_counter()
    c.run(steps)
    return time.perf_counter() - started


def measure(
    keys: str = "ABCD",
    dtypes: tuple[str, ...] = DTYPES,
    rounds: int = 5,
    trial_seconds: float = 0.15,
    threads: int = 2,
    patience: float = 5.0,
    retry_budget: float = 180.0,
    log: Callable[[str], None] = print,
) -> ThroughputReport:
    """Time every contestant on every workload and dtype, interleaved over ``rounds``.

    Before each group of trials it waits up to ``patience`` seconds for the machine to
    be quiet; a trial that other processes disturbed anyway is run again (within
    ``retry_budget`` seconds in all), and the load seen by the last try is recorded (see
    ``Result.rate``).
    """
    lineup: list[tuple[list[Contestant], dict[str, int]]] = []
    skipped: list[str] = []
    results: dict[tuple[str, str, str], Result] = {}
    for key in keys:
        workload = WORKLOADS[key]
        for dtype in dtypes:
            X, Y = make_data(workload, BATCHES, dtype)
            contestants = make_contestants(workload, dtype, X, Y, threads)
            _verify(contestants, dtype)
            steps = {}
            for c in contestants:
                _timed(c, 1)  # warm-up: buffers, first-call costs
                per_step = _timed(c, 3) / 3
                steps[c.name] = max(1, round(trial_seconds / per_step))
                results[(key, dtype, c.name)] = Result(workload, dtype, c.name, steps[c.name])
            lineup.append((contestants, steps))
            log(f"  prepared {key} {dtype}: {', '.join(c.name for c in contestants)}")
    if not any(c.name in TORCH_NAMES for contestants, _ in lineup for c in contestants):
        skipped.append(
            "PyTorch is not installed: its contestants are skipped "
            "(install torch==2.13.0, CPU build, to include them)"
        )
    bounds: dict[str, list[float]] = {dtype: [] for dtype in dtypes}
    retries = QuietRetries(budget=retry_budget)
    for r in range(rounds):
        wait_for_quiet(QUIET, patience)
        for dtype in dtypes:
            bounds[dtype].append(retries.run(gemm_flops, dtype)[0])
        for contestants, steps in lineup:
            wait_for_quiet(QUIET, patience)
            order = contestants[r % len(contestants) :] + contestants[: r % len(contestants)]
            for c in order:
                seconds, load = retries.run(_timed, c, steps[c.name])
                result = results[(c.workload.key, c.dtype, c.name)]
                result.rates.append(steps[c.name] * c.workload.m / seconds)
                result.loads.append(load)
        log(f"  round {r + 1}/{rounds} done")
    return ThroughputReport(results, bounds, skipped, threads)


#: (workload, dtypes, contestant or "bound", minimum) — the issue's targets
TARGETS = [
    ("A", ("float64", "float32"), BOOK, 8.0),
    ("A", ("float64", "float32"), TORCH_AUTOGRAD, 5.0),
    ("A", ("float64",), "bound", 35.0),
    ("B", ("float32",), "torch best", 1.3),
    ("C", ("float64", "float32"), BOOK, 12.0),
    ("C", ("float64", "float32"), "torch best", 2.0),
    ("D", ("float64", "float32"), "bound", 80.0),
    ("D", ("float64", "float32"), "torch best", 0.9),
]


def target_rows(report: ThroughputReport) -> list[tuple[str, str, str]]:
    """(target, measured, verdict) rows for every engine-throughput target."""
    rows = []
    for key, dtypes, versus, minimum in TARGETS:
        for dtype in dtypes:
            if versus == "bound":
                engine = report.get(key, dtype, ENGINE)
                value = report.percent_of_bound(engine) if engine else None
                target, shown = f"{key} {dtype}: ≥ {minimum:g} % of bound", "{:.0f} %"
            else:
                value = report.ratio(key, dtype, versus)
                target, shown = f"{key} {dtype}: ≥ {minimum:g}× {versus}", "{:.2f}×"
            if value is None:
                rows.append((target, "—", "skipped"))
            else:
                rows.append((target, shown.format(value), "met" if value >= minimum else "NOT met"))
    return rows
