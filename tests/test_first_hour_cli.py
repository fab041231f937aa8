"""What a new user met in the first hour (issue 12) on the command line: gradcheck's numbers
(item 5) and a CSV's standardisation kept with a saved model (item 10).

Only the command line and the long-standing loaders are used, so that the same file runs
against an older checkout and fails there for the reason the issue gives.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.csv_tables import write_table
from tui_backprop.cli import main
from tui_backprop.data import load_dataset
from tui_backprop.training.model_io import load_model

ROW = r"^(backprop|one-sided differences|centred differences)\s+(.+?)\s+([\d.]+) ms\s+([\d,]+)×$"


def test_gradcheck_numbers_agree_with_each_other_and_end_with_a_verdict() -> None:
    """learning-slowdown (P = 2): the ratios come from the printed times, the passes in the
    table are the ones the text counts, in the book's words, and a PASS line ends it."""
    command = [sys.executable, "-m", "tui_backprop", "gradcheck", "--preset", "learning-slowdown"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    out = result.stdout
    assert "seed" not in out and "Chapter 2's count" in out  # the book's words
    rows = {name: (passes, float(ms), int(ratio.replace(",", ""))) for name, passes, ms, ratio
            in re.findall(ROW, out, re.MULTILINE)}  # fmt: skip
    assert set(rows) == {"backprop", "one-sided differences", "centred differences"}, out
    assert rows["backprop"][0] == "1 forward + 1 backward"  # not "2 forward passes"
    parameters = int(re.search(r"\(P = ([\d,]+) parameters\)", out)[1].replace(",", ""))
    assert rows["one-sided differences"][0] == f"{parameters + 1} forward"
    assert rows["centred differences"][0] == f"{2 * parameters} forward"
    assert f"P + 1 = {parameters + 1} passes" in out
    backprop_ms = rows["backprop"][1]
    for _, ms, ratio in rows.values():  # "× backprop" from the times beside it
        assert abs(ratio - ms / backprop_ms) <= 0.5 + 0.02 * ratio, (ms, backprop_ms, ratio)
    verdict = out.strip().splitlines()[-1]
    assert re.match(r"PASS: .* within the tolerance \S+", verdict) and result.returncode == 0


def test_a_loaded_csv_model_scales_new_rows_as_it_was_trained(tmp_path: Path, capsys) -> None:
    """Train on table A and save; continue on table B (shifted by 800) with --load: the test
    cost reported is the network's on B scaled with A's mean and spread, not with B's own."""
    a, b = write_table(tmp_path / "a.csv", 0.0, 0), write_table(tmp_path / "b.csv", 800.0, 1)
    preset = tmp_path / "table.toml"  # a preset file: what any version reads the same way
    preset.write_text(
        'dataset = "csv"\nsizes = [2, 8, 1]\noutput_activation = "sigmoid"\n'
        f'cost = "cross_entropy"\n\n[dataset_options]\npath = "{a}"\n'
        'label = "kind"\nheader = "yes"\n'
    )
    model, metrics, after = tmp_path / "m.npz", tmp_path / "b.jsonl", tmp_path / "m2.npz"
    common = ["train", "--preset", str(preset), "--quiet"]
    assert main([*common, "--epochs", "3", "--save", str(model)]) == 0
    on_b = ["--set", f"dataset_options.path={b}", "--epochs", "1", "--load", str(model)]
    assert main([*common, *on_b, "--metrics", str(metrics), "--save", str(after)]) == 0
    capsys.readouterr()
    raw_a = load_dataset("csv", path=str(a), standardize=False)
    mean, spread = raw_a.X_train.mean(axis=0), raw_a.X_train.std(axis=0)
    net = load_model(after)[1]  # the network after its epoch on B
    raw_b = load_dataset("csv", path=str(b), standardize=False)
    reported = json.loads(metrics.read_text().splitlines()[-1])["test_cost"]
    with_a = net.evaluate((raw_b.X_test - mean) / spread, raw_b.Y_test)[0]
    b_own = load_dataset("csv", path=str(b))
    with_b = net.evaluate(b_own.X_test, b_own.Y_test)[0]
    assert with_b != pytest.approx(with_a, rel=1e-3)  # the two scalings differ on B
    assert reported == pytest.approx(with_a, rel=1e-6)
