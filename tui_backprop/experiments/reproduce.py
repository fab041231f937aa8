"""``tui-backprop reproduce``: run the book's experiments and set our numbers beside the book's.

Each experiment is a preset with an ``[expect]`` table (see ``expect.py``). Their runs go to
worker processes all at once; a line is printed as each run ends; then a table gives, per
experiment, the book's number, ours, what we expect of ours, and the verdict. Exit 0 when
every experiment that ran holds, 1 otherwise; MNIST experiments without MNIST on this
machine are reported as skipped, with how to get it.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

from tui_backprop.atomic import WriteError, check_writable
from tui_backprop.data.mnist import FORMATS_TEXT, available_offline
from tui_backprop.data.mnist_files import read_local
from tui_backprop.experiments.display import run_bars
from tui_backprop.experiments.expect import Experiment, book_experiments, find_experiment
from tui_backprop.experiments.measures import METRICS, Job, Outcome
from tui_backprop.experiments.pool import default_jobs, open_executor, run_all
from tui_backprop.training import ConfigError

EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130


@dataclass(frozen=True)
class Row:
    """One experiment's line in the table."""

    experiment: Experiment
    outcome: Outcome | None
    """None when the experiment was skipped."""
    note: str = ""

    @property
    def verdict(self) -> str:
        """holds, differs, or skipped."""
        if self.outcome is None:
            return "skipped"
        holds = self.outcome.condition and self.experiment.expect.holds(self.outcome.value)
        return "holds" if holds else "differs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """reproduce's options."""
    parser.add_argument("names", nargs="*", metavar="NAME", help="experiments to run")
    parser.add_argument("--all", action="store_true", help="run every book experiment")
    parser.add_argument("--list", action="store_true", help="list the experiments and stop")
    parser.add_argument(
        "--jobs", type=int, default=None, metavar="N",
        help=f"worker processes (default: the {default_jobs()} cores)",
    )  # fmt: skip
    parser.add_argument("--metrics", metavar="DIR", help="keep each run's JSONL in DIR")
    parser.add_argument(
        "--mnist", metavar="PATH", help=f"your MNIST copy for the MNIST experiments: {FORMATS_TEXT}"
    )
    parser.add_argument(
        "--executor", metavar="dask://HOST:PORT", help="run on an existing Dask cluster"
    )


def _choose(args: argparse.Namespace) -> list[Experiment]:
    """The experiments named, or all; ConfigError for none, an unknown name or bad options."""
    if args.jobs is not None and args.jobs < 1:
        raise ConfigError(f"--jobs {args.jobs}: must be a whole number ≥ 1")
    if args.all or args.list:
        return book_experiments()
    if not args.names:
        names = ", ".join(e.name for e in book_experiments())
        raise ConfigError(f"reproduce: name experiments or give --all (experiments: {names})")
    return [find_experiment(name) for name in args.names]


def _with_mnist(experiment: Experiment, mnist: str | None) -> Experiment | None:
    """The experiment with --mnist applied; None when it needs MNIST and none is on disk."""
    config = experiment.config
    if config.dataset != "mnist":
        return experiment
    if mnist:
        read_local(mnist)  # a missing or malformed copy is refused before any run
        path = str(Path(mnist).expanduser().resolve())
        options = {**config.dataset_options, "path": path}
        config = config.replace(dataset_options=options)
        experiment = Experiment(experiment.name, config, experiment.expect, experiment.path)
    return experiment if available_offline(config.dataset_options) else None


def _list(experiments: list[Experiment], console: Console) -> int:
    """Print the experiments with what each measures and the book's number."""
    table = Table(title="Book experiments (tui-backprop reproduce NAME)", title_justify="left")
    for column in ("name", "measures", "book", "source"):
        table.add_column(column)
    for e in experiments:
        table.add_row(e.name, METRICS[e.expect.metric].description, e.expect.book, e.expect.source)
    console.print(table)
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    """Run the chosen experiments in parallel and print the table; the exit status."""
    console = Console(width=None if sys.stdout.isatty() else 160)
    experiments = _choose(args)
    if args.list:
        return _list(experiments, console)
    metrics_dir = Path(args.metrics) if args.metrics else None
    if metrics_dir is not None:
        try:
            metrics_dir.mkdir(parents=True, exist_ok=True)
            check_writable(metrics_dir / "run.jsonl", "--metrics")
        except OSError as error:
            raise ConfigError(f"--metrics {metrics_dir}: cannot create it ({error})") from None
        except WriteError as error:
            raise ConfigError(str(error)) from None
    runnable, skipped = [], []
    for experiment in experiments:
        ready = _with_mnist(experiment, args.mnist)
        (runnable if ready is not None else skipped).append(ready or experiment)
    jobs: list[tuple[Experiment, Job]] = [
        (e, job) for e in runnable for job in METRICS[e.expect.metric].jobs(e)
    ]
    calls = []
    for experiment, job in jobs:
        extra = job.extra
        if job.function.__name__ == "train_job" and metrics_dir is not None:
            stem = "-".join([experiment.name, *job.label.replace("=", "").split()])
            extra = (str(metrics_dir / f"{stem}.jsonl"),)
        calls.append((job.function, (job.config, *extra)))
    started = time.perf_counter()
    print(f"reproduce: {len(runnable)} experiments, {len(calls)} runs", flush=True)

    finished = itertools.count(1)

    def on_done(index: int, result) -> None:
        experiment, job = jobs[index]
        label = f" ({job.label})" if job.label else ""
        accuracy = result.last("test_accuracy")
        reached = f", test accuracy {100 * accuracy:.2f} %" if accuracy is not None else ""
        problem = f": {result.message}" if not result.ok else ""
        print(
            f"[{next(finished)}/{len(calls)}] {experiment.name}{label}: {result.state}"
            f"{reached}{problem} ({result.seconds:.1f} s)",
            flush=True,
        )

    labels = [f"{e.name} {job.label}".strip() for e, job in jobs]
    live = console.is_terminal and not args.executor
    try:
        with (
            open_executor(args.executor, args.jobs or default_jobs()) as executor,
            run_bars(labels, console, live) as on_epoch,
        ):
            results = run_all(executor, calls, on_done, on_epoch)
    except KeyboardInterrupt:
        print("tui-backprop: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    rows = []
    for experiment in runnable:
        mine = {job.label: r for (e, job), r in zip(jobs, results) if e is experiment}
        rows.append(Row(experiment, METRICS[experiment.expect.metric].measure(experiment, mine)))
    rows += [
        Row(
            experiment,
            None,
            "no MNIST on this machine: give --mnist PATH (mnist.pkl.gz, mnist.npz or a folder "
            f"of IDX files), or let `tui-backprop train --preset {experiment.name}` download it",
        )
        for experiment in skipped
    ]
    order = {e.name: i for i, e in enumerate(experiments)}
    rows.sort(key=lambda row: order[row.experiment.name])
    console.print(_table(rows, time.perf_counter() - started))
    return EXIT_OK if all(row.verdict != "differs" for row in rows) else EXIT_FAILED


def _table(rows: list[Row], seconds: float) -> Table:
    """The closing table: experiment, source, the book's number, ours, expected, verdict."""
    held = sum(row.verdict == "holds" for row in rows)
    ran = sum(row.verdict != "skipped" for row in rows)
    table = Table(
        title=f"Reproducing the book: {held} of {ran} hold ({seconds:.0f} s)",
        title_justify="left",
        show_lines=True,
    )
    table.add_column("experiment", style="bold", no_wrap=True)
    table.add_column("book (source)", ratio=3)
    table.add_column("ours", ratio=4)
    table.add_column("expected", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    styles = {"holds": "green", "differs": "bold red", "skipped": "yellow"}
    for row in rows:
        expect = row.experiment.expect
        ours = row.outcome.text if row.outcome is not None else row.note
        table.add_row(
            row.experiment.name,
            f"{expect.book} ({expect.source})",
            ours,
            expect.wanted(),
            f"[{styles[row.verdict]}]{row.verdict}[/]",
        )
    return table
