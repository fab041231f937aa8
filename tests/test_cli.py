"""The command line: headless training, presets, gradcheck, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tui_backprop.cli import EXIT_BAD_INPUT, EXIT_DIVERGED, EXIT_OK, main
from tui_backprop.training import load_preset


def _jsonl(path):
    """The JSON objects of a JSONL file."""
    return [json.loads(line) for line in path.read_text().splitlines()]


def _without_wall_time(rows):
    """The rows without their wall-clock field, which differs from run to run."""
    return [{k: v for k, v in row.items() if k != "seconds"} for row in rows]


def test_train_digits_reaches_95_percent_and_is_repeatable(tmp_path, capsys):
    """The digits preset: ≥ 95 % test accuracy, a JSONL line per epoch, same numbers twice."""
    runs = []
    for name in ("a", "b"):
        metrics = tmp_path / f"{name}.jsonl"
        assert main(["train", "--preset", "digits", "--metrics", str(metrics)]) == EXIT_OK
        runs.append(_jsonl(metrics))
    first, second = runs
    assert [row["epoch"] for row in first] == list(range(1, 31))
    assert first[-1]["test_accuracy"] >= 0.95
    assert _without_wall_time(first) == _without_wall_time(second)
    out = capsys.readouterr().out
    assert "epoch   30/30" in out  # plain per-epoch lines when not on a terminal
    assert "finished: 30 epochs" in out


def test_epochs_and_set_override_the_preset(tmp_path):
    """--epochs and --set change the run."""
    metrics = tmp_path / "m.jsonl"
    args = ["train", "--preset", "xor", "--epochs", "2", "--set", "eta=0.1", "--quiet"]
    assert main([*args, "--metrics", str(metrics)]) == EXIT_OK
    rows = _jsonl(metrics)
    assert len(rows) == 2 and rows[0]["eta"] == 0.1


def test_save_and_load_continue_the_same_network(tmp_path):
    """--save writes the trained network; --load starts from it (its cost, not a fresh one)."""
    model = tmp_path / "xor.npz"
    first = tmp_path / "first.jsonl"
    assert main(["train", "--preset", "xor", "--epochs", "20", "--quiet",
                 "--metrics", str(first), "--save", str(model)]) == EXIT_OK  # fmt: skip
    assert model.exists()
    again = tmp_path / "again.jsonl"
    assert main(["train", "--preset", "xor", "--epochs", "1", "--quiet",
                 "--load", str(model), "--metrics", str(again)]) == EXIT_OK  # fmt: skip
    # continuing from the trained network starts near where the first run ended
    assert _jsonl(again)[0]["train_cost"] < 0.5 * _jsonl(first)[0]["train_cost"]


def test_load_says_what_it_loaded(tmp_path, capsys):
    """--load prints one line naming the file, the network and its dataset (issue 12, 11)."""
    model = tmp_path / "xor.npz"
    assert main(["train", "--preset", "xor", "--epochs", "1", "--quiet", "--save", str(model)]) == 0
    capsys.readouterr()
    # with its preset named, as a user of any version would write it
    assert main(["train", "--preset", "xor", "--load", str(model), "--epochs", "1"]) == EXIT_OK
    first = capsys.readouterr().out.splitlines()[0]
    sizes = "-".join(str(n) for n in load_preset("xor").sizes)
    assert first.startswith(f"loaded {model}: a {sizes} network (") and "trained on xor" in first
    assert "training it for 1 epoch" in first and "1 epochs" not in first


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["train", "--preset", "digts"], "did you mean 'digits'"),
        (
            ["train", "--preset", "xor", "--set", "eta=-1"],
            "eta = -1.0 must be a number > 0 and ≤ 1e6",
        ),
        (["train", "--preset", "xor", "--set", "sizes=2-8-3"], "must start with 2 and end with 1"),
        (["train", "--preset", "xor", "--set", "wat=1"], "unknown field 'wat'"),
        (["train", "--preset", "xor", "--epochs", "x"], "invalid int value"),
        (["train", "--preset", "xor", "--load", "/nonexistent.npz"], "no such model file"),
        (["train", "--preset", "xor", "--metrics", "/nonexistent/m.jsonl"], "cannot be written"),
        (["train", "--preset", "/nonexistent.toml"], "no such preset file"),
        (["gradcheck", "--preset", "xor", "--samples", "0"], "--samples 0"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, message, capsys):
    """Every bad preset, option or file: exit status 2 and one line naming the problem."""
    with pytest.raises(SystemExit) as exit_info:
        status = main(args)
        raise SystemExit(status)
    assert exit_info.value.code == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert message in err
    assert "Traceback" not in err


def test_bad_preset_file_is_named(tmp_path, capsys):
    """A preset file with a bad value is named with the field and what is allowed."""
    bad = tmp_path / "mine.toml"
    bad.write_text('dataset = "xor"\nsizes = [2, 4, 1]\nactivation = "softplus"\n')
    assert main(["train", "--preset", str(bad)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert "mine.toml: activation = 'softplus' must be one of sigmoid, tanh, relu, linear" in err


def test_divergence_exits_3_with_the_reason(capsys):
    """A run that diverges stops itself, says where, and exits with status 3."""
    args = ["train", "--preset", "sine", "--set", "activation=relu", "--set", "eta=50", "--quiet"]
    assert main(args) == EXIT_DIVERGED
    assert "diverged at step" in capsys.readouterr().err


def test_presets_lists_every_preset(capsys):
    """tui-backprop presets prints each preset with its description."""
    assert main(["presets"]) == EXIT_OK
    out = capsys.readouterr().out
    for name in ("spiral", "digits", "nielsen-ch1", "vanishing-gradients", "learning-slowdown"):
        assert name in out


def test_console_script_help_runs():
    """The installed entry point answers --help."""
    result = subprocess.run(
        [sys.executable, "-m", "tui_backprop", "--help"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert "train" in result.stdout and "gradcheck" in result.stdout
