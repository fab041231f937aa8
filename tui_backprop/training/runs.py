"""Earlier runs kept for comparison: their per-epoch curves, what they were, and files.

A run that ends or is replaced (reset, a new setting, a preset) leaves its evaluations
here, so that the next run's curves can be drawn over it (chapter 3's quadratic against
cross-entropy on one plot). A headless ``--metrics`` file (one ``EpochRecord.json_row``
per line) loads as a run too. No Textual here.
"""

from __future__ import annotations

import json
import math
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tui_backprop.formatting import setting
from tui_backprop.training.config import RunConfig
from tui_backprop.training.snapshot import EpochHistory

#: how many earlier runs are kept (the oldest goes first)
MAX_RUNS = 6
#: how many differences a label names before it says "+N"
LABEL_DIFFERENCES = 2
#: fields that do not change what a run learns, left out of a label
COSMETIC_FIELDS = frozenset(
    {
        "description",
        "max_steps_per_second",
        "report_every_steps",
        "report_every_seconds",
        "eval_every",
        "eval_max_samples",
    }
)
#: the metrics fields a curve is made of (``epoch`` and ``train_cost`` are required)
CURVE_FIELDS = ("epoch", "train_cost", "test_cost", "train_accuracy", "test_accuracy")


class RunFileError(ValueError):
    """A metrics file that cannot be compared; the message names the file (and line)."""


@dataclass(frozen=True)
class PastRun:
    """The evaluations of one earlier run, and its configuration (None for a file)."""

    history: EpochHistory
    config: RunConfig | None
    name: str  # "run 3", or the file's name

    def label(self, current: RunConfig | None) -> str:
        """What differs from ``current`` (e.g. ``cost=quadratic``), else the run's name."""
        if self.config is None or current is None:
            return self.name
        changes = differences(self.config, current)
        if not changes:
            return self.name
        shown = changes[:LABEL_DIFFERENCES]
        more = len(changes) - len(shown)
        return ", ".join(shown) + (f" +{more}" if more else "")


def _shown(value: Any) -> str:
    """A setting as a label shows it: 0.5, [2, 8, 1] → 2-8-1, a table as k:v."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return "-".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return ",".join(f"{k}:{_shown(v)}" for k, v in sorted(value.items()))
    return str(value)


def differences(earlier: RunConfig, current: RunConfig) -> list[str]:
    """``field=value`` (η and λ by their symbols) of ``earlier`` for every field where it
    differs from ``current``."""
    old, new = earlier.to_dict(), current.to_dict()
    return [
        setting(name, _shown(value))
        for name, value in old.items()
        if name not in COSMETIC_FIELDS and new.get(name) != value
    ]


class RunArchive:
    """The earlier runs of this session, newest last, at most ``MAX_RUNS``."""

    def __init__(self, capacity: int = MAX_RUNS) -> None:
        """No runs yet."""
        self._runs: deque[PastRun] = deque(maxlen=capacity)
        self._count = 0

    def __len__(self) -> int:
        """How many runs are kept."""
        return len(self._runs)

    @property
    def runs(self) -> tuple[PastRun, ...]:
        """The kept runs, oldest first."""
        return tuple(self._runs)

    def keep(
        self, history: EpochHistory, config: RunConfig | None, name: str = ""
    ) -> PastRun | None:
        """Keep a run that was evaluated at least once; the kept run, or None."""
        if len(history) == 0 or not np.isfinite(history.train_cost).any():
            return None
        self._count += 1
        run = PastRun(history, config, name or f"run {self._count}")
        self._runs.append(run)
        return run


def _number(value: Any, where: str, name: str) -> float:
    """A JSON number (or null, as NaN) of a metrics line; RunFileError otherwise."""
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RunFileError(f"{where}: {name} = {value!r} is not a number")
    return float(value)


def read_run_file(path: str | Path) -> EpochHistory:
    """The curves of a headless ``--metrics`` file (JSON lines with at least ``epoch`` and
    ``train_cost``); RunFileError naming the file and line when it cannot be read."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise RunFileError(f"{path}: cannot read it ({reason})") from None
    columns: dict[str, list[float]] = {name: [] for name in CURVE_FIELDS}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}, line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise RunFileError(f"{where}: not JSON ({error.msg})") from None
        if not isinstance(row, dict) or "epoch" not in row or "train_cost" not in row:
            raise RunFileError(
                f"{where}: not an epoch record (a --metrics line has epoch and train_cost)"
            )
        for name in CURVE_FIELDS:
            columns[name].append(_number(row.get(name), where, name))
    if not columns["epoch"]:
        raise RunFileError(f"{path}: no epoch records (write one with train --metrics)")
    return EpochHistory(**{name: np.array(values) for name, values in columns.items()})
