"""The executor plumbing: per-epoch reports from worker processes, and the bars they drive."""

from __future__ import annotations

import io
import time

from rich.console import Console

from tui_backprop.experiments.display import run_bars
from tui_backprop.experiments.jobs import train_job
from tui_backprop.experiments.pool import open_executor, run_all
from tui_backprop.training import apply_overrides, load_preset


def test_worker_processes_report_every_epoch_of_every_run() -> None:
    """Two runs of 3 epochs in two processes: on_epoch sees (index, 1..3, 3) for each."""
    config = apply_overrides(load_preset("xor"), ["epochs=3"]).to_dict()
    seen: list[tuple[int, int, int]] = []
    done: list[int] = []
    calls = [(train_job, ({**config, "seed": seed},)) for seed in (0, 1)]
    with open_executor(None, 2) as executor:
        results = run_all(
            executor, calls, lambda i, r: done.append(i), lambda *report: seen.append(report)
        )
    assert sorted(done) == [0, 1] and all(r.ok for r in results)
    for index in (0, 1):
        assert [e for i, e, _ in seen if i == index] == [1, 2, 3]
    assert {total for _, _, total in seen} == {3}


def test_reports_still_queued_when_the_runs_end_are_all_delivered() -> None:
    """A slow on_epoch (a terminal redrawing its bars) falls behind the workers: the
    reports left in the queue when the last run ends still reach it, in order."""
    config = apply_overrides(load_preset("xor"), ["epochs=4"]).to_dict()
    seen: list[tuple[int, int, int]] = []

    def slow(*report: int) -> None:
        time.sleep(0.2)
        seen.append(report)

    with open_executor(None, 1) as executor:
        run_all(executor, [(train_job, (config,))], lambda i, r: None, slow)
    assert [epoch for _, epoch, _ in seen] == [1, 2, 3, 4]


def test_the_bars_show_each_runs_epochs_on_a_terminal() -> None:
    """On a terminal, a bar per run; the callback moves it to epoch/epochs."""
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    with run_bars(["eta=0.1", "eta=1"], console, live=True) as on_epoch:
        on_epoch(1, 2, 5)
        on_epoch(0, 5, 5)
        console.print("a line above the bars")
    text = out.getvalue()
    assert "a line above the bars" in text and "eta=0.1" in text
    with run_bars(["x"], console, live=False) as on_epoch:
        assert on_epoch is None
