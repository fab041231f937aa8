"""The battery's cases that need more than one process: a save cut short, two runs racing
for one path, a --load round trip, SIGINT/SIGTERM during a run, and the exit status of
`tui-backprop` when its app crashes (``battery.py``)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from benchmarks.battery import TIMEOUT, XOR, Runner, _model

#: `tui-backprop --preset xor` with the app run headless, ``keys`` sent as a terminal sends
#: them once the network is built, and (with ``bug``) a RuntimeError behind the r key; the
#: command's exit status is this process's
APP_CRASH = """
import asyncio, sys
from pathlib import Path
from textual import events
from textual.keys import key_to_character
import tui_backprop.app as package
from tui_backprop import cli
from tui_backprop.app import app as module

class Crashing(package.BackpropApp):
    CSS_PATH = [Path(module.__file__).parent / name for name in package.BackpropApp.CSS_PATH]

    def action_reset(self):
        if {bug}:
            raise RuntimeError("a bug behind the r key")
        return super().action_reset()

    def run(self, **_):
        async def keys(pilot):
            while self.trainer is None:
                await pilot.pause(0.05)
            for key in {keys}:
                self.post_message(events.Key(key, key_to_character(key)))
            await asyncio.sleep(1)
            await pilot.pause()
            if self.return_code is None:  # not after a crash: exit() would make it 0
                self.exit()

        return super().run(headless=True, size=(80, 24), auto_pilot=keys)

package.BackpropApp = Crashing
sys.exit(cli.main(["--preset", "xor"]))
"""


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

    def app_exit(keys: list[str], bug: bool) -> Callable[[Path], str]:
        def check(folder: Path) -> str:
            script = APP_CRASH.format(keys=keys, bug=bug)
            result = subprocess.run(
                [sys.executable, "-c", script],
                cwd=folder,
                env=runner.env,
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
            )
            crashed = "Traceback" in result.stderr or "Error" in result.stderr
            if crashed:  # a crash is fine here only when the status says so
                return "clean" if result.returncode != 0 else "silent"
            return "clean" if result.returncode == 0 else "other"

        return check

    return [
        ("app: crash exit status", "a bug behind a key (injected)", app_exit(["r"], True)),
        ("outputs", "a save cut short by `ulimit -f`", size_limit),
        ("outputs", "two runs saving to one path (6 trials)", racing),
        ("outputs", "--load a relu model with the xor preset, --save", relu_round_trip),
        ("interrupts", "SIGINT during train --metrics --save", interrupted(signal.SIGINT)),
        ("interrupts", "SIGTERM during train --metrics --save", interrupted(signal.SIGTERM)),
    ]
