"""The work one process does for `reproduce` and `sweep`: NumPy and the trainer, never Textual.

Every job is a top-level function of plain, picklable arguments returning a plain, picklable
result, so that any ``concurrent.futures`` executor can run it: local worker processes, or
a Dask cluster's executor. A job never raises for a run that fails or diverges: the result
says so, and the other runs go on.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from tui_backprop.atomic import WriteError, write_text
from tui_backprop.training.states import USABLE_END_STATES

#: the outcome of a job that could not run at all (bad data, a bug): reported in its row
ERROR = "error"


@dataclass(frozen=True)
class RunResult:
    """What one training run reached: its state, its per-epoch records, and how long it took."""

    state: str
    """finished, stopped, diverged, failed, or ``error`` when the run could not start."""
    message: str
    epochs: list[dict[str, Any]] = field(default_factory=list)
    """One dict per evaluated epoch (the JSONL rows): epoch, train_cost, test_accuracy..."""
    seconds: float = 0.0
    values: dict[str, float] = field(default_factory=dict)
    """Numbers a probe measured (gradient norms, pass counts, timings)."""

    @property
    def ok(self) -> bool:
        """True when the run ended normally (finished or stopped)."""
        return self.state in USABLE_END_STATES

    def last(self, key: str) -> float | None:
        """The last epoch's value of key (None when there is none)."""
        return self.epochs[-1].get(key) if self.epochs else None


def write_jsonl(path: str | Path, rows: list[dict[str, Any]]) -> None:
    """Write rows as JSON lines to path atomically (WriteError naming it on failure)."""
    write_text(path, "".join(json.dumps(row) + "\n" for row in rows))


def _report(progress: tuple[Any, int] | None, epoch: int, epochs: int) -> None:
    """Put (index, epoch, epochs) on the parent's queue; a lost queue never stops the run."""
    if progress is None:
        return
    queue, index = progress
    with contextlib.suppress(Exception):  # progress is a courtesy
        queue.put((index, epoch, epochs))


def train_job(
    config: dict[str, Any], metrics: str | None = None, progress: tuple[Any, int] | None = None
) -> RunResult:
    """Train one configuration headless to its end; write its JSONL when metrics is a path.

    progress, (queue, index), reports each evaluated epoch to the parent process.
    """
    from tui_backprop.training import from_dict
    from tui_backprop.training.trainer import Trainer

    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    try:
        run_config = from_dict(config)
        dataset = run_config.dataset

        def on_epoch(record) -> None:
            row = record.json_row()
            rows.append({**row, "dataset": dataset})
            _report(progress, record.epoch, run_config.epochs)

        final = Trainer(run_config, on_epoch=on_epoch).run()
        result = RunResult(str(final.state), final.message, rows, time.perf_counter() - started)
    except Exception as error:  # reported in the run's row; the other runs go on
        result = RunResult(ERROR, f"{type(error).__name__}: {error}", rows)
    if metrics:
        try:
            write_jsonl(metrics, rows)
        except WriteError as error:  # the run's numbers are still reported in its row
            return RunResult(ERROR, str(error), rows, result.seconds)
    return result


def delta_norms_job(config: dict[str, Any], samples: int, progress: Any = None) -> RunResult:
    """‖δ^l‖ = ‖∇b^l‖ (BP3) of every layer at initialisation, over the first training rows."""
    from tui_backprop.data import load_dataset
    from tui_backprop.engine import Network
    from tui_backprop.training import from_dict

    started = time.perf_counter()
    try:
        run_config = from_dict(config)
        data = load_dataset(run_config.dataset, **run_config.dataset_options)
        net = Network(**run_config.network_arguments())
        grads = net.backprop(data.X_train[:samples], data.Y_train[:samples])
        norms = {f"layer {l + 1}": float(np.linalg.norm(b)) for l, b in enumerate(grads.nabla_b)}
    except Exception as error:
        return RunResult(ERROR, f"{type(error).__name__}: {error}")
    return RunResult("finished", "", seconds=time.perf_counter() - started, values=norms)


def gradcheck_job(config: dict[str, Any], samples: int, progress: Any = None) -> RunResult:
    """Backprop against one-sided finite differences on one mini-batch: passes and seconds."""
    from tui_backprop.data import load_dataset
    from tui_backprop.engine import Network, check_gradients
    from tui_backprop.training import from_dict

    started = time.perf_counter()
    try:
        run_config = from_dict(config)
        data = load_dataset(run_config.dataset, **run_config.dataset_options)
        net = Network(**run_config.network_arguments())
        report = check_gradients(
            net, data.X_train[:samples], data.Y_train[:samples], method="one_sided"
        )
    except Exception as error:
        return RunResult(ERROR, f"{type(error).__name__}: {error}")
    values = {
        "parameters": float(report.num_params),
        "fd_passes": float(report.fd_forward_passes),
        "fd_seconds": report.fd_seconds,
        "backprop_seconds": report.backprop_seconds,
        "max_rel_error": max(layer.max_rel_error for layer in report.layers),
    }
    return RunResult("finished", "", seconds=time.perf_counter() - started, values=values)
