"""The battery's cases that need more than one process: a save cut short, two runs racing
for one path, a --load round trip, and SIGINT/SIGTERM during a run (``battery.py``)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.battery import TIMEOUT, XOR, Runner, _model


def special_cases(runner: Runner) -> list[tuple[str, str, Callable[[Path], str]]]:
    """Cases that need more than one process: (group, name, check(folder) → outcome)."""

    def size_limit(folder: Path) -> str:
        model = _model(folder, runner, "m.npz")
        before = model.read_bytes()
        script = (
            "import resource, signal, sys, runpy\n"
            "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
            "resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))\n"
            "sys.argv = ['tui-backprop'] + sys.argv[1:]\n"
            "runpy.run_module('tui_backprop', run_name='__main__')\n"
        )
        args = ["train", "--preset", "digits", "--epochs", "1", "--quiet", "--save", "m.npz"]
        result = subprocess.run(
            [sys.executable, "-c", script, *args],
            cwd=folder,
            env=runner.env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
        )
        if model.read_bytes() != before:
            return "lost"
        return "traceback" if "Traceback" in result.stderr else "clean"

    def racing(folder: Path) -> str:
        bad = 0
        for trial in range(6):
            args = [
                sys.executable,
                "-m",
                "tui_backprop",
                "train",
                "--preset",
                "digits",
                "--epochs",
                "1",
                "--quiet",
                "--save",
                "m.npz",
                "--set",
                f"seed={trial}",
            ]
            procs = [
                subprocess.Popen(
                    args,
                    cwd=folder,
                    env=runner.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for _ in range(2)
            ]
            codes = [p.wait(timeout=TIMEOUT) for p in procs]
            try:
                with np.load(folder / "m.npz", allow_pickle=False) as data:
                    [data[k] for k in data.files]
            except Exception:
                bad += codes == [0, 0]
        return "lost" if bad else "clean"

    def relu_round_trip(folder: Path) -> str:
        runner.run([*XOR, "--set", "activation=relu", "--save", "relu.npz"], folder)
        result = runner.run([*XOR, "--load", "relu.npz", "--save", "again.npz"], folder)
        if result is not None and result.returncode == 2:
            return "clean"  # refused: the preset's tanh contradicts the file's relu
        with np.load(folder / "again.npz", allow_pickle=False) as data:
            text = str(data["config"])
        return "clean" if 'activation = "relu"' in text else "lost"

    def interrupted(sig: int) -> Callable[[Path], str]:
        def check(folder: Path) -> str:
            (folder / "m.jsonl").write_text("")
            args = [
                sys.executable,
                "-m",
                "tui_backprop",
                "train",
                "--preset",
                "xor",
                "--quiet",
                "--epochs",
                "100000",
                "--set",
                "max_steps_per_second=400",
                "--metrics",
                "m.jsonl",
                "--save",
                "m.npz",
            ]
            proc = subprocess.Popen(
                args,
                cwd=folder,
                env=runner.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            metrics = folder / "m.jsonl"
            for _ in range(300):  # signal after two epochs, however slow the start-up
                lines = metrics.read_text().count("\n") if metrics.exists() else 0
                if lines >= 2 or proc.poll() is not None:
                    break
                time.sleep(0.1)
            proc.send_signal(sig)
            try:
                _, err = proc.communicate(timeout=TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                return "hang"
            lines = [p for p in folder.iterdir() if p.suffix == ".jsonl"]
            kept = sum(len(p.read_text().splitlines()) for p in lines)
            if "Traceback" in err:
                return "traceback"
            if proc.returncode != 128 + sig or kept < 2:
                return "lost" if kept < 2 else "other"
            return "clean"

        return check

    return [
        ("outputs", "a save cut short by `ulimit -f`", size_limit),
        ("outputs", "two runs saving to one path (6 trials)", racing),
        ("outputs", "--load a relu model with the xor preset, --save", relu_round_trip),
        ("interrupts", "SIGINT during train --metrics --save", interrupted(signal.SIGINT)),
        ("interrupts", "SIGTERM during train --metrics --save", interrupted(signal.SIGTERM)),
    ]
