"""Book experiments: a preset plus its ``[expect]`` table, read and checked.

    [expect]
    metric = "test_accuracy"        # what is measured (see measures.METRICS)
    compare = ">="                  # >=, <=, or == ; our value against `value`
    value = 0.95
    book = "95.42 %"                # what the book reported, as the book states it
    source = "chapter 1, ..."       # chapter, section, the book's figure
    vary = { cost = ["quadratic", "cross_entropy"] }   # runs of a comparison (optional)
    seeds = 1                       # repeats of each run with seeds 0, 1, ... (optional)
    window = 30                     # metric-specific number (epochs, samples) (optional)

The rest of the file is an ordinary preset: the run (or the first of the runs) it describes.
"""

from __future__ import annotations

import operator
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui_backprop.training import ConfigError, RunConfig
from tui_backprop.training.config import FIELDS, load
from tui_backprop.training.presets import preset_names, presets_dir

COMPARISONS = {">=": operator.ge, "<=": operator.le, "==": operator.eq}
EXPECT_KEYS = ("metric", "compare", "value", "book", "source", "vary", "seeds", "window")


@dataclass(frozen=True)
class Expectation:
    """What an experiment measures, what it should reach, and what the book reported."""

    metric: str
    compare: str
    value: float
    book: str
    source: str
    vary: dict[str, list[Any]] = field(default_factory=dict)
    seeds: int = 1
    window: int = 0

    def holds(self, ours: float) -> bool:
        """Whether our value passes the comparison (a NaN never does)."""
        return ours == ours and COMPARISONS[self.compare](ours, self.value)

    def wanted(self) -> str:
        """The comparison in words for the table, e.g. "≥ 0.95"."""
        symbol = {">=": "≥", "<=": "≤", "==": "="}[self.compare]
        return f"{symbol} {self.value:g}"


@dataclass(frozen=True)
class Experiment:
    """A book experiment: its name, its run configuration and its expectation."""

    name: str
    config: RunConfig
    expect: Expectation
    path: Path


def _check_expect(table: Any, source: str) -> Expectation:
    """The [expect] table checked key by key; ConfigError naming the key otherwise."""
    from tui_backprop.experiments.measures import METRICS

    if not isinstance(table, dict):
        raise ConfigError(f"{source}: [expect] must be a table")
    unknown = [key for key in table if key not in EXPECT_KEYS]
    if unknown:
        raise ConfigError(
            f"{source}: [expect] has no key {unknown[0]!r} (keys: {', '.join(EXPECT_KEYS)})"
        )
    for key in ("metric", "compare", "value", "book", "source"):
        if key not in table:
            raise ConfigError(f"{source}: [expect] needs {key!r}")
    if table["metric"] not in METRICS:
        raise ConfigError(
            f"{source}: [expect] metric = {table['metric']!r} must be one of {', '.join(METRICS)}"
        )
    if table["compare"] not in COMPARISONS:
        raise ConfigError(
            f"{source}: [expect] compare = {table['compare']!r} must be one of "
            f"{', '.join(COMPARISONS)}"
        )
    value = table["value"]
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{source}: [expect] value = {value!r} must be a number")
    vary = table.get("vary", {})
    ok = isinstance(vary, dict) and all(
        key in FIELDS and isinstance(values, list) and values for key, values in vary.items()
    )
    if not ok:
        raise ConfigError(
            f"{source}: [expect] vary = {vary!r} must map run fields to non-empty lists"
        )
    seeds, window = table.get("seeds", 1), table.get("window", 0)
    for key, number in (("seeds", seeds), ("window", window)):
        if isinstance(number, bool) or not isinstance(number, int) or number < 0:
            raise ConfigError(f"{source}: [expect] {key} = {number!r} must be a whole number ≥ 0")
    return Expectation(
        metric=table["metric"],
        compare=table["compare"],
        value=float(value),
        book=str(table["book"]),
        source=str(table["source"]),
        vary=vary,
        seeds=max(1, seeds),
        window=window,
    )


def load_experiment(path: str | Path) -> Experiment | None:
    """The experiment in a preset file, or None when it has no [expect] table."""
    path = Path(path)
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("expect")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read as TOML ({error})") from None
    if table is None:
        return None
    expect = _check_expect(table, str(path))
    return Experiment(path.stem, load(path), expect, path)


def book_experiments() -> list[Experiment]:
    """Every shipped preset that carries an [expect] table, in name order."""
    experiments = []
    for name in preset_names():
        experiment = load_experiment(presets_dir() / f"{name}.toml")
        if experiment is not None:
            experiments.append(experiment)
    return experiments


def find_experiment(name_or_path: str) -> Experiment:
    """A shipped experiment by name, or a preset file with an [expect] table by path."""
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or candidate.exists():
        experiment = load_experiment(candidate)
        if experiment is None:
            raise ConfigError(f"{candidate}: has no [expect] table, so there is nothing to check")
        return experiment
    experiments = {experiment.name: experiment for experiment in book_experiments()}
    if name_or_path in experiments:
        return experiments[name_or_path]
    import difflib

    close = difflib.get_close_matches(name_or_path, list(experiments), n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    raise ConfigError(
        f"reproduce: no experiment {name_or_path!r}{hint} (experiments: {', '.join(experiments)})"
    )
