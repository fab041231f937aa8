"""`tui-backprop sweep`: the grid, its validation, parallel runs, the table and the CSV."""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

import pytest

from tui_backprop.cli import main
from tui_backprop.experiments import pool
from tui_backprop.experiments.pool import check_executor
from tui_backprop.experiments.sweep import build_grid
from tui_backprop.training import ConfigError, load_preset


def test_the_grid_is_every_combination_times_the_seeds() -> None:
    """3 η × 2 λ × 2 seeds = 12 validated runs; a single value is a plain override."""
    cells = build_grid(
        load_preset("digits"), ["eta=0.025,0.25,2.5", "lmbda=0,5", "epochs=2"], seeds=2
    )
    assert len(cells) == 12
    assert cells[0].label == "eta=0.025 lmbda=0 seed=0"
    assert {cell.config.eta for cell in cells} == {0.025, 0.25, 2.5}
    assert {cell.config.seed for cell in cells} == {0, 1}
    assert all(cell.config.epochs == 2 for cell in cells)
    assert len({cell.stem for cell in cells}) == 12


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (["eta=0.1,-1"], r"sweep cell eta=-1: .*eta = -1.0 must be a number > 0 and ≤ 1e6"),
        (["eta="], r"--set 'eta=': the grid needs one or more values"),
        (["eta=0.1,,1"], r"none empty"),
        (["etta=0.1,1"], r"sweep cell etta=0.1: .*did you mean 'eta'"),
        (["sizes=64-30-10,64-30-9"], r"sweep cell sizes=64-30-9: sizes = \[64, 30, 9\] must"),
    ],
)
def test_a_bad_cell_is_named_with_its_cell_and_nothing_runs(
    tmp_path: Path, overrides: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every cell is checked before any run: exit 2 with one line naming the cell."""
    argv = ["sweep", "--preset", "digits", "--out", str(tmp_path / "out")]
    for item in overrides:
        argv += ["--set", item]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert re.search(message, err), err
    assert not (tmp_path / "out").exists()


def test_a_sweep_runs_in_parallel_and_writes_jsonl_and_a_sorted_csv(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """2 η × 2 seeds on xor: four progress lines, four JSONL files, a CSV sorted by accuracy."""
    out = tmp_path / "sweep"
    status = main(
        ["sweep", "--preset", "xor", "--set", "eta=0.05,0.5", "--seeds", "2", "--epochs", "3",
         "--jobs", "2", "--out", str(out)]
    )  # fmt: skip
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "sweep: 4 runs of xor on 2 local processes" in printed
    assert printed.count("finished after 3 epochs") == 4 and "[4/4]" in printed
    assert "sweep of xor: 4 runs" in printed
    jsonl = sorted(p.name for p in out.glob("*.jsonl"))
    assert jsonl == [
        "eta-0.05_seed-0.jsonl", "eta-0.05_seed-1.jsonl",
        "eta-0.5_seed-0.jsonl", "eta-0.5_seed-1.jsonl",
    ]  # fmt: skip
    assert len((out / jsonl[0]).read_text().splitlines()) == 3
    with open(out / "summary.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    accuracies = [float(row["test_accuracy"]) for row in rows]
    assert accuracies == sorted(accuracies, reverse=True)
    for row in rows:
        last = json.loads((out / row["file"]).read_text().splitlines()[-1])
        assert float(row["test_accuracy"]) == pytest.approx(last["test_accuracy"])


def test_a_diverged_run_is_reported_in_its_row_and_the_others_finish(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """η = 1e6 diverges (ReLU, linear output), η = 0.5 finishes: both in the table; exit 3."""
    status = main(
        ["sweep", "--preset", "xor", "--set", "eta=0.5,1e6", "--set", "activation=relu",
         "--set", "output_activation=linear", "--set", "cost=quadratic",
         "--epochs", "2", "--jobs", "2", "--out", str(tmp_path / "s")]
    )  # fmt: skip
    printed = capsys.readouterr().out
    assert status == 3
    assert "eta=0.5: finished" in printed and "eta=1e6: diverged" in printed
    with open(tmp_path / "s" / "summary.csv", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["state"] for row in rows] == ["finished", "diverged"]
    assert "Try a smaller η" in rows[1]["message"]


def test_the_dask_option_says_how_to_install_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without `distributed`, --executor dask://... is refused with the pip command."""
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(ConfigError, match=r"pip install 'tui-backprop\[distributed\]'"):
        check_executor("dask://scheduler:8786")
    with pytest.raises(ConfigError, match="expected dask://HOST:PORT"):
        check_executor("dask://")


def test_a_sweep_runs_on_a_dask_cluster(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Through a local in-process cluster's executor, the same sweep gives the same rows."""
    distributed = pytest.importorskip("distributed", reason="the [distributed] extra is absent")
    with distributed.LocalCluster(
        processes=False, n_workers=1, threads_per_worker=2, dashboard_address=None
    ) as cluster:
        status = main(
            ["sweep", "--preset", "xor", "--set", "eta=0.05,0.5", "--epochs", "2",
             "--executor", f"dask://{cluster.scheduler_address}", "--out", str(tmp_path / "d")]
        )  # fmt: skip
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert f"on dask://{cluster.scheduler_address}" in printed
    assert printed.count("finished after 2 epochs") == 2
    assert (tmp_path / "d" / "eta-0.5.jsonl").exists()


def test_an_unreachable_dask_scheduler_is_one_line_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Nothing listens on port 9: the error names the option and the address."""
    pytest.importorskip("distributed", reason="the [distributed] extra is absent")
    monkeypatch.setattr(pool, "DASK_CONNECT_TIMEOUT", 1)
    argv = ["sweep", "--preset", "xor", "--set", "eta=0.1,1", "--epochs", "1",
            "--executor", "dask://127.0.0.1:9", "--out", str(tmp_path / "d")]  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--executor dask://127.0.0.1:9: cannot reach the Dask scheduler" in err
    assert len(err.strip().splitlines()) == 1
