"""``tui-backprop sweep``: a grid of runs (η, λ, sizes, seeds...) in parallel worker processes.

    tui-backprop sweep --preset digits --set eta=0.025,0.25,2.5 --set lmbda=0,5 --seeds 2

A ``--set`` with commas is an axis of the grid; every combination, repeated with seeds
0 … N−1, is one run. Every cell is validated before anything starts (a bad one is named
with its cell); then the runs go to local worker processes (``--jobs``, default the core
count) or a Dask cluster (``--executor dask://HOST:PORT``). One line is printed as each run
ends; each run's JSONL goes into ``--out``; a table sorted by the final test metric closes
the sweep and is written as ``summary.csv`` beside the JSONL files. A run that fails or
diverges is reported in its row; the others finish.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import math
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from tui_backprop.atomic import WriteError, check_writable, write_text
from tui_backprop.experiments.display import run_bars
from tui_backprop.experiments.jobs import RunResult, train_job
from tui_backprop.experiments.pool import INSTALL_DASK, default_jobs, open_executor, run_all
from tui_backprop.formatting import MISSING
from tui_backprop.training import (
    DEFAULT_PRESET,
    ConfigError,
    RunConfig,
    RunState,
    apply_overrides,
    load_preset,
)
from tui_backprop.training.states import USABLE_END_STATES

EXIT_OK, EXIT_FAILED, EXIT_DIVERGED, EXIT_INTERRUPTED = 0, 1, 3, 130


@dataclass(frozen=True)
class Cell:
    """One run of the grid: the values that vary, and its validated configuration."""

    values: dict[str, str]
    config: RunConfig

    @property
    def label(self) -> str:
        """The varied values, e.g. "eta=0.25 seed=1"."""
        return " ".join(f"{key}={value}" for key, value in self.values.items()) or "(preset)"

    @property
    def stem(self) -> str:
        """A file name for the run's JSONL, from its values."""
        text = "_".join(f"{key}-{value}" for key, value in self.values.items()) or "run"
        return re.sub(r"[^A-Za-z0-9._-]+", "", text.replace("dataset_options.", ""))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """sweep's options."""
    parser.add_argument(
        "--preset", default=None, metavar="NAME",
        help=f"a preset name or a .toml file (default: {DEFAULT_PRESET})",
    )  # fmt: skip
    parser.add_argument(
        "--set", dest="overrides", action="append", default=[], metavar="KEY=V1,V2,...",
        help="a field to set; comma-separated values make an axis of the grid",
    )  # fmt: skip
    parser.add_argument(
        "--seeds", type=int, default=1, metavar="N", help="repeat every cell with seeds 0..N-1"
    )
    parser.add_argument("--epochs", type=int, metavar="N", help="override the preset's epochs")
    parser.add_argument(
        "--jobs", type=int, default=None, metavar="N",
        help=f"worker processes (default: the {default_jobs()} cores)",
    )  # fmt: skip
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="folder for the runs' JSONL and summary.csv (default: sweep-PRESET)",
    )
    parser.add_argument(
        "--executor", metavar="dask://HOST:PORT",
        help=f"send the runs to an existing Dask cluster (needs {INSTALL_DASK})",
    )  # fmt: skip


def build_grid(base: RunConfig, overrides: list[str], seeds: int) -> list[Cell]:
    """Every combination of the comma-separated --set values (× seeds), each validated."""
    if seeds < 1:
        raise ConfigError(f"--seeds {seeds}: must be a whole number ≥ 1")
    axes: list[tuple[str, list[str]]] = []
    for item in overrides:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigError(f"--set {item!r}: expected key=value or key=v1,v2,...")
        values = [value.strip() for value in text.split(",")]
        if not any(values) or not all(values):
            raise ConfigError(
                f"--set {item!r}: the grid needs one or more values, comma-separated, none empty"
            )
        axes.append((key, values))
    if seeds > 1:
        axes.append(("seed", [str(seed) for seed in range(seeds)]))
    cells = []
    for combination in itertools.product(*(values for _, values in axes)):
        values = {key: value for (key, _), value in zip(axes, combination)}
        try:
            config = apply_overrides(base, [f"{k}={v}" for k, v in values.items()])
        except ConfigError as error:
            shown = " ".join(f"{k}={v}" for k, v in values.items())
            raise ConfigError(f"sweep cell {shown}: {error}") from None
        varying = {k: v for (k, vs), v in zip(axes, combination) if len(vs) > 1}
        cells.append(Cell(varying, config))
    return cells


def _check_sizes(cells: list[Cell]) -> None:
    """Refuse, before any run, a cell whose sizes do not fit its dataset (checked once each)."""
    from tui_backprop.data import load_dataset
    from tui_backprop.training.config import check_sizes_match

    seen: dict[tuple, tuple[int, int]] = {}
    for cell in cells:
        config = cell.config
        key = (config.dataset, tuple(sorted(config.dataset_options.items())))
        if key not in seen:
            info = load_dataset(config.dataset, **config.dataset_options).info
            seen[key] = (info.n_inputs, info.n_outputs)
        try:
            check_sizes_match(config, *seen[key])
        except ConfigError as error:
            raise ConfigError(f"sweep cell {cell.label}: {error}") from None


def run(args: argparse.Namespace) -> int:
    """Validate the grid, run it in parallel, print and save the summary; the exit status."""
    base = load_preset(args.preset or DEFAULT_PRESET)
    if args.epochs is not None:
        base = apply_overrides(base, [f"epochs={args.epochs}"], source="--epochs")
    if args.jobs is not None and args.jobs < 1:
        raise ConfigError(f"--jobs {args.jobs}: must be a whole number ≥ 1")
    cells = build_grid(base, args.overrides, args.seeds)
    _check_sizes(cells)
    name = Path(args.preset or DEFAULT_PRESET).stem
    out = Path(args.out or f"sweep-{name}")
    try:
        out.mkdir(parents=True, exist_ok=True)
        check_writable(out / "summary.csv", "--out")
    except OSError as error:
        raise ConfigError(f"--out {out}: cannot create it ({error.strerror})") from None
    except WriteError as error:
        raise ConfigError(str(error)) from None
    jobs = args.jobs or default_jobs()
    where = args.executor or f"{min(jobs, len(cells))} local processes"
    print(f"sweep: {len(cells)} runs of {name} on {where}; JSONL in {out}/", flush=True)
    calls = [
        (train_job, (cell.config.to_dict(), str(out / f"{cell.stem}.jsonl"))) for cell in cells
    ]
    finished = itertools.count(1)

    def on_done(index: int, result: RunResult) -> None:
        print(
            f"[{next(finished)}/{len(cells)}] {cells[index].label}: {_summary(result)}", flush=True
        )

    started = time.perf_counter()
    console = Console(width=None if sys.stdout.isatty() else 140)
    live = console.is_terminal and not args.executor
    try:
        with (
            open_executor(args.executor, jobs) as executor,
            run_bars([cell.label for cell in cells], console, live) as on_epoch,
        ):
            results = run_all(executor, calls, on_done, on_epoch)
    except KeyboardInterrupt:
        print("tui-backprop: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    seconds = time.perf_counter() - started
    rows = summary_rows(cells, results)
    console.print(_table(rows, name, seconds))
    try:
        write_csv(out / "summary.csv", rows)
    except WriteError as error:
        raise ConfigError(str(error)) from None
    print(f"summary: {out / 'summary.csv'}")
    states = {result.state for result in results}
    if states <= USABLE_END_STATES:
        return EXIT_OK
    return EXIT_DIVERGED if states <= USABLE_END_STATES | {RunState.DIVERGED} else EXIT_FAILED


def _summary(result: RunResult) -> str:
    """One run in a few words: how it ended and what it reached."""
    text = f"{result.state}"
    if result.epochs:
        text += f" after {result.epochs[-1]['epoch']} epochs"
    accuracy, cost = result.last("test_accuracy"), result.last("test_cost")
    if accuracy is not None:
        text += f", test accuracy {100 * accuracy:.2f} %"
    if cost is not None:
        text += f", test cost {cost:.4g}"
    if not result.ok:
        text += f": {result.message}"
    return f"{text} ({result.seconds:.1f} s)"


def summary_rows(cells: list[Cell], results: list[RunResult]) -> list[dict[str, Any]]:
    """One dict per run, sorted: best final test accuracy (or lowest test cost) first."""
    rows = []
    for cell, result in zip(cells, results):
        rows.append(
            {
                **cell.values,
                "state": result.state,
                "epochs": result.epochs[-1]["epoch"] if result.epochs else 0,
                "train_cost": result.last("train_cost"),
                "test_cost": result.last("test_cost"),
                "test_accuracy": result.last("test_accuracy"),
                "seconds": round(result.seconds, 2),
                "file": f"{cell.stem}.jsonl",
                "message": result.message if not result.ok else "",
            }
        )

    def rank(row: dict[str, Any]) -> tuple:
        ok = row["state"] in USABLE_END_STATES
        accuracy, cost = row["test_accuracy"], row["test_cost"]
        score = -accuracy if accuracy is not None else (cost if cost is not None else math.inf)
        return (not ok, score)

    return sorted(rows, key=rank)


def _number(value: float | None, percent: bool = False) -> str:
    """A table cell: a percentage, a cost, or a dash when missing."""
    if value is None:
        return MISSING
    return f"{100 * value:.2f} %" if percent else f"{value:.4g}"


def _table(rows: list[dict[str, Any]], name: str, seconds: float) -> Table:
    """The summary table, best run first."""
    table = Table(
        title=f"sweep of {name}: {len(rows)} runs in {seconds:.1f} s", title_justify="left"
    )
    varied = [key for key in rows[0] if key not in SUMMARY_KEYS] if rows else []
    for key in ["#", *varied, "state", "epochs", "train cost", "test cost", "test acc.", "s"]:
        table.add_column(key, justify="right" if key not in ("state", *varied) else "left")
    for place, row in enumerate(rows, 1):
        state = row["state"] if not row["message"] else f"{row['state']}: {row['message']}"
        table.add_row(
            str(place),
            *(str(row[key]) for key in varied),
            state,
            str(row["epochs"]),
            _number(row["train_cost"]),
            _number(row["test_cost"]),
            _number(row["test_accuracy"], percent=True),
            f"{row['seconds']:.1f}",
        )
    return table


SUMMARY_KEYS = (
    "state", "epochs", "train_cost", "test_cost", "test_accuracy", "seconds", "file", "message",
)  # fmt: skip


def write_csv(path: Path, rows: list[dict[str, Any]]) -> None:
    """The summary as CSV (header row first), written atomically."""
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    write_text(path, buffer.getvalue())
