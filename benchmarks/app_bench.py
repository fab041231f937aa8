"""The faces: start-up times, and (through ``benchmarks.probes`` subprocesses) the memory,
overhead and key latency of the trainer and the app.

Each measurement runs in a fresh process: nothing loaded by the engine benchmark (PyTorch,
its threads) can disturb it, and a hang or a crash becomes a note in the report.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.machine import wait_for_quiet

ROOT = Path(__file__).resolve().parents[1]
#: what marks the first frame on the terminal: a panel's border
FRAME_MARK = re.compile("[╭┌─━]")
ANSI = re.compile(
    r"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|.)"
)


class Skipped(Exception):
    """A measurement that cannot run here; the message says why."""


def console_script() -> str:
    """The ``tui-backprop`` command next to this interpreter (or on PATH)."""
    beside = Path(sys.executable).with_name("tui-backprop")
    found = str(beside) if beside.exists() else shutil.which("tui-backprop")
    if not found:
        raise Skipped("the tui-backprop command is not installed (pip install -e .)")
    return found


def help_seconds(runs: int = 5) -> list[float]:
    """Wall time of ``tui-backprop --help``, one fresh process per run."""
    command = [console_script(), "--help"]
    times = []
    for _ in range(runs):
        wait_for_quiet(patience=5.0)
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise Skipped(f"tui-backprop --help exited with {done.returncode}")
    return times


def first_frame_seconds(runs: int = 5, size: tuple[int, int] = (120, 40)) -> list[float]:
    """Spawn to first drawn frame of ``tui-backprop`` in a pseudo-terminal, per run.

    The app runs as a user starts it, on a real (pseudo) terminal of ``size`` columns and
    rows; the frame counts as drawn when a panel border reaches the terminal.
    """
    import fcntl
    import struct
    import termios

    command = [console_script()]
    times = []
    for _ in range(runs):
        wait_for_quiet(patience=5.0)
        master, slave = os.openpty()
        columns, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        env = dict(os.environ, TERM="xterm-256color")
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        seen, text = None, ""
        try:
            while seen is None and time.perf_counter() - started < 20:
                ready, _, _ = select.select([master], [], [], 0.05)
                if not ready:
                    if process.poll() is not None:
                        break
                    continue
                try:
                    chunk = os.read(master, 1 << 16)
                except OSError:
                    break
                text += ANSI.sub("", chunk.decode("utf-8", "replace"))
                if FRAME_MARK.search(text):
                    seen = time.perf_counter() - started
        finally:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            os.close(master)
        if seen is None:
            raise Skipped("tui-backprop drew no frame within 20 s in a pseudo-terminal")
        times.append(seen)
    return times


def probe(mode: str, *options: str, timeout: float = 600) -> dict:
    """Run ``python -m benchmarks.probes MODE`` and return its JSON result."""
    command = [sys.executable, "-m", "benchmarks.probes", mode, *options]
    wait_for_quiet(patience=10.0)
    try:
        done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Skipped(f"the {mode} probe did not finish within {timeout:.0f} s") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise Skipped(f"the {mode} probe failed: {last}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_ms(times: list[float]) -> str:
    """The median of some seconds, in milliseconds."""
    return f"{1e3 * statistics.median(times):.0f}"
