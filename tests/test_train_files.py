"""`train`'s files: checked before training, never clobbered, kept on an interrupt."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from tui_backprop.cli import EXIT_BAD_INPUT, EXIT_OK, main
from tui_backprop.interrupts import Interrupts
from tui_backprop.training.model_io import load_model


def _run(args, capsys):
    """main(args): (status, stderr)."""
    status = main(args)
    return status, capsys.readouterr().err


def test_an_unwritable_save_is_refused_before_training(tmp_path, capsys):
    """--save into a missing folder: exit 2 at once, naming it (it used to train first)."""
    status, err = _run(
        ["train", "--preset", "xor", "--quiet", "--save", str(tmp_path / "no" / "m.npz")], capsys
    )
    assert status == EXIT_BAD_INPUT
    assert err.startswith("tui-backprop: error: --save ") and "no such folder" in err
    assert "finished" not in capsys.readouterr().out


def test_a_refused_run_leaves_the_previous_metrics(tmp_path, capsys):
    """A bad --set after a good run: the earlier metrics are whole, not truncated, also when
    the refusal comes from the dataset (sizes it cannot feed: the file used to be opened,
    and emptied, before the dataset was read)."""
    metrics = tmp_path / "m.jsonl"
    base = ["train", "--preset", "xor", "--epochs", "3", "--quiet", "--metrics", str(metrics)]
    assert main(base) == EXIT_OK
    before = metrics.read_text()
    assert len(before.splitlines()) == 3
    status, err = _run([*base, "--set", "eta=fast"], capsys)
    assert status == EXIT_BAD_INPUT and "eta = 'fast'" in err
    assert metrics.read_text() == before
    status, err = _run([*base, "--set", "sizes=3-8-1"], capsys)
    assert status == EXIT_BAD_INPUT and "sizes" in err
    assert metrics.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.jsonl"]  # no temporary file left


def test_an_output_that_is_an_input_is_refused(tmp_path, capsys):
    """--metrics over the CSV being trained on, --save over --load or the preset: refused."""
    data = tmp_path / "data.csv"
    data.write_text("x,y,label\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(40)))
    before = data.read_text()
    (tmp_path / "csv.toml").write_text(
        'dataset = "csv"\nsizes = [2, 4, 1]\noutput_activation = "sigmoid"\n'
        f'cost = "cross_entropy"\n[dataset_options]\npath = "{data}"\n'
    )  # a preset: `--set dataset=csv` from the default once failed on carried-over options
    csv = ["--preset", str(tmp_path / "csv.toml"), "--epochs", "1", "--quiet"]
    status, err = _run(["train", *csv, "--metrics", str(data)], capsys)
    assert status == EXIT_BAD_INPUT
    assert "--metrics" in err and "is the file given to the dataset's path" in err
    assert data.read_text() == before
    model = tmp_path / "m.npz"
    assert main(["train", "--preset", "xor", "--epochs", "1", "--quiet", "--save", str(model)]) == 0
    status, err = _run(["train", "--load", str(model), "--save", str(model)], capsys)
    assert status == EXIT_BAD_INPUT and "is the file given to --load" in err
    preset = tmp_path / "mine.toml"
    preset.write_text('dataset = "xor"\nsizes = [2, 4, 1]\nepochs = 1\n')
    status, err = _run(["train", "--preset", str(preset), "--metrics", str(preset)], capsys)
    assert status == EXIT_BAD_INPUT and "is the file given to --preset" in err
    status, err = _run(["train", "--preset", "xor", "--metrics", "a", "--save", "./a"], capsys)
    assert status == EXIT_BAD_INPUT and "the same file" in err


def test_a_full_disk_for_metrics_is_one_line(capsys):
    """--metrics /dev/full: exit 2 naming it, no traceback."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    status, err = _run(["train", "--preset", "xor", "--quiet", "--metrics", "/dev/full"], capsys)
    assert status == EXIT_BAD_INPUT
    assert err.strip().splitlines()[-1] == (
        "tui-backprop: error: /dev/full: cannot be written (No space left on device)"
    )


def test_load_keeps_the_saved_network_and_refuses_contradictions(tmp_path, capsys):
    """A relu network saved and reloaded stays relu; a preset or --set saying otherwise is
    refused naming the field (it used to be saved back as the preset's sigmoid network)."""
    relu = tmp_path / "relu.npz"
    args = ["train", "--preset", "xor", "--set", "activation=relu", "--epochs", "5", "--quiet"]
    assert main([*args, "--save", str(relu)]) == EXIT_OK
    again = tmp_path / "again.npz"
    # no --preset: the file's own configuration is the starting point
    assert (
        main(["train", "--load", str(relu), "--epochs", "1", "--quiet", "--save", str(again)]) == 0
    )
    config, _ = load_model(again)
    assert config.activation == "relu"
    status, err = _run(["train", "--preset", "xor", "--load", str(relu), "--quiet"], capsys)
    assert status == EXIT_BAD_INPUT
    assert "the saved network has activation = 'relu', but preset xor asks for 'tanh'" in err
    status, err = _run(["train", "--load", str(relu), "--set", "cost=quadratic"], capsys)
    assert status == EXIT_BAD_INPUT
    assert "cost = 'cross_entropy', but --set cost=quadratic asks for 'quadratic'" in err
    # what does not define the network may change
    assert main(["train", "--load", str(relu), "--set", "eta=0.1", "--epochs", "1", "--quiet"]) == 0


def test_the_first_signal_stops_and_the_second_aborts():
    """Interrupts: the first signal calls stop; a second raises KeyboardInterrupt."""
    stops = []
    interrupts = Interrupts()
    interrupts.stop = lambda: stops.append(1)
    interrupts.handle(signal.SIGTERM, None)
    assert stops == [1] and interrupts.status == 143 and interrupts.name == "SIGTERM"
    with pytest.raises(KeyboardInterrupt):
        interrupts.handle(signal.SIGINT, None)
    early = Interrupts()  # before there is a run to stop
    with pytest.raises(KeyboardInterrupt):
        early.handle(signal.SIGINT, None)
    assert early.status == 130


def _temporary_lines(folder: Path) -> int:
    """Lines in the metrics' temporary file while the run writes it."""
    temps = [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    return sum(len(p.read_text().splitlines()) for p in temps if p.exists())


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_signal_keeps_the_epochs_and_saves_the_last_step(tmp_path, sig, status):
    """SIGINT → 130, SIGTERM → 143: every completed epoch in the metrics, and --save holds
    the network as of the last completed step (the README's promise)."""
    metrics, model = tmp_path / "m.jsonl", tmp_path / "m.npz"
    metrics.write_text("an older run\n")
    command = [sys.executable, "-m", "tui_backprop", "train", "--preset", "xor", "--quiet"]
    command += ["--epochs", "100000"]
    command += ["--metrics", str(metrics), "--save", str(model)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while _temporary_lines(tmp_path) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _temporary_lines(tmp_path) >= 2, "the run did not start"
        os.kill(process.pid, sig)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == status, err
    assert f"interrupted by {signal.Signals(sig).name}" in err and "Traceback" not in err
    rows = [json.loads(line) for line in metrics.read_text().splitlines()]
    assert len(rows) >= 2 and [r["epoch"] for r in rows] == list(range(1, len(rows) + 1))
    config, net = load_model(model)
    assert config.dataset == "xor" and all(np.isfinite(w).all() for w in net.weights)
    assert "saved the network" in out
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_shared_options_before_the_command_are_kept(capsys):
    """`tui-backprop --preset xor train` trains xor (the command's defaults used to drop it);
    --max-memory works on either side; two different presets are refused."""
    from tui_backprop.cli import parse_args

    args = parse_args(["--preset", "xor", "--set", "eta=0.1", "train", "--set", "epochs=2"])
    assert (args.preset, args.overrides) == ("xor", ["eta=0.1", "epochs=2"])
    assert parse_args(["--max-memory", "1K", "train"]).max_memory == 1024
    status, err = _run(["--max-memory", "1K", "train", "--preset", "xor", "--quiet"], capsys)
    assert status == EXIT_BAD_INPUT and "above the limit of 1.0 KiB (--max-memory" in err
    with pytest.raises(SystemExit) as exit_info:
        parse_args(["--preset", "xor", "train", "--preset", "digits"])
    assert exit_info.value.code == EXIT_BAD_INPUT


def test_a_save_cut_short_keeps_the_previous_model(tmp_path):
    """`ulimit -f` stops `train --save` part-way: exit 2 with one line naming the file, and
    the model saved before is still whole (it used to be left truncated)."""
    model = tmp_path / "m.npz"
    assert main(["train", "--preset", "xor", "--epochs", "1", "--quiet", "--save", str(model)]) == 0
    before = model.read_bytes()
    script = (
        "import resource, runpy, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({len(before) + 512}, {len(before) + 512}))\n"
        "sys.argv = ['tui-backprop', *sys.argv[1:]]\n"
        "runpy.run_module('tui_backprop', run_name='__main__')\n"
    )
    args = ["train", "--preset", "digits", "--epochs", "1", "--quiet", "--save", str(model)]
    result = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == EXIT_BAD_INPUT, result.stderr
    assert result.stderr.strip().splitlines() == [
        f"tui-backprop: error: {model}: cannot be written (File too large)"
    ]
    assert model.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.npz"]
