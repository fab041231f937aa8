"""Earlier runs kept for comparison: labels by difference, the archive, metrics files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tui_backprop.training import from_dict, load_preset
from tui_backprop.training.runs import MAX_RUNS, RunArchive, RunFileError, read_run_file
from tui_backprop.training.snapshot import EpochHistory


def history(costs: list[float]) -> EpochHistory:
    """Curves with the given training costs (test = train, no accuracy)."""
    n = len(costs)
    nan = np.full(n, np.nan)
    return EpochHistory(np.arange(1.0, n + 1), np.array(costs), np.array(costs), nan, nan)


def test_a_run_is_labelled_by_what_differs_from_the_current_settings() -> None:
    """Quadratic kept, cross-entropy current: the overlay reads cost=quadratic."""
    quadratic = load_preset("learning-slowdown")
    cross_entropy = load_preset("learning-slowdown-cross-entropy")
    archive = RunArchive()
    assert archive.keep(history([0.5, 0.4]), quadratic)
    (run,) = archive.runs
    assert run.label(cross_entropy) == "cost=quadratic"
    assert run.label(quadratic) == "run 1"  # nothing differs: its number


def test_a_label_names_two_differences_then_counts_the_rest() -> None:
    """eta, batch size and seed differ: two named, '+1'."""
    base = from_dict({"dataset": "xor", "sizes": [2, 4, 1]})
    other = base.replace(eta=0.1, batch_size=5, seed=3, description="cosmetic")
    archive = RunArchive()
    archive.keep(history([1.0]), other)
    assert archive.runs[0].label(base) == "η=0.1, batch_size=5 +1"


def test_the_archive_skips_runs_never_evaluated_and_keeps_the_newest() -> None:
    """An empty history is not kept; past MAX_RUNS the oldest goes."""
    archive = RunArchive()
    assert not archive.keep(history([]), None)
    assert not archive.keep(history([float("nan")]), None)
    for k in range(MAX_RUNS + 2):
        archive.keep(history([float(k + 1)]), None)
    assert len(archive) == MAX_RUNS
    assert archive.runs[-1].name == f"run {MAX_RUNS + 2}"
    assert archive.runs[0].history.train_cost[0] == 3.0


def test_a_metrics_file_reads_as_curves(tmp_path: Path) -> None:
    """Epoch lines with nulls (regression accuracy) become NaN; extra fields are ignored."""
    path = tmp_path / "run.jsonl"
    rows = [
        {"epoch": 1, "train_cost": 0.5, "test_cost": 0.6, "train_accuracy": None, "x": [1]},
        {"epoch": 2, "train_cost": 0.25, "test_cost": None, "test_accuracy": 0.9},
    ]
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n\n")
    curves = read_run_file(path)
    assert curves.epoch.tolist() == [1.0, 2.0]
    assert curves.train_cost.tolist() == [0.5, 0.25]
    assert np.isnan(curves.test_cost[1]) and curves.test_accuracy[1] == 0.9


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "no epoch records"),
        ("{not json\n", "line 1: not JSON"),
        ('{"epoch": 1, "train_cost": 1}\n[1, 2]\n', "line 2: not an epoch record"),
        ('{"epoch": 1, "train_cost": "low"}\n', "line 1: train_cost = 'low' is not a number"),
        (b"\xff\xfe", "cannot read it"),
    ],
)
def test_a_bad_metrics_file_is_named_in_one_line(
    tmp_path: Path, content: str | bytes, problem: str
) -> None:
    """Every problem names the file (and line) and what a metrics line holds."""
    path = tmp_path / "bad.jsonl"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(RunFileError) as caught:
        read_run_file(path)
    message = str(caught.value)
    assert str(path) in message and problem in message and "\n" not in message


def test_a_missing_metrics_file_is_named(tmp_path: Path) -> None:
    """A path that does not exist: the file and the reason."""
    with pytest.raises(RunFileError, match="nowhere.jsonl: cannot read it"):
        read_run_file(tmp_path / "nowhere.jsonl")
