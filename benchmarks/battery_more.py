"""The battery's cases beyond model, preset and number inputs: CSV files, gradcheck,
divergence, the MNIST cache, and the app's random key sequences (``benchmarks/battery.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from benchmarks.battery import CSV_PRESET, XOR, Case, refusal

CSV_TRAIN = ["train", "--quiet", "--epochs", "1", "--set", "dataset=csv"]
BINARY = ["--set", "output_activation=sigmoid", "--set", "cost=cross_entropy"]


def _says(needed: str = "", not_said: str = ""):
    """A judge: a clean refusal whose line contains ``needed`` and not ``not_said``
    (otherwise ``other``: refused, but with a wrong or vague message)."""

    def judge(folder: Path, result) -> str:
        outcome = refusal(folder, result)
        if outcome != "clean":
            return outcome
        wrong = (needed and needed not in result.stderr) or (not_said and not_said in result.stderr)
        return "other" if wrong else "clean"

    return judge


def _trains(folder: Path, result) -> str:
    """A judge: a valid input must train (exit 0) without a NumPy warning."""
    if result is None:
        return "hang"
    if "Traceback" in result.stderr:
        return "traceback"
    if result.returncode == 0:
        return "silent" if "Warning" in result.stderr else "clean"
    return "other"


def _file(name: str, text: str) -> Callable[[Path], None]:
    """A setup writing one file."""
    return lambda folder: (folder / name).write_text(text)


def _csv_and_preset(text: str) -> Callable[[Path], None]:
    """A setup writing ``d.csv`` and ``c.toml``, a preset training on it."""

    def setup(folder: Path) -> None:
        (folder / "d.csv").write_text(text)
        (folder / "c.toml").write_text(CSV_PRESET.format(path="d.csv"))

    return setup


def csv_cases() -> list[Case]:
    """CSV files that are broken in the ways issue 13 listed, and two that are fine."""
    rows = "".join(f"{i},{i % 5},{'ab'[i % 2]}\n" for i in range(40))
    big = "a,b,label\n" + "".join(f"{i},{(-1) ** i * 1e308},{'ab'[i % 2]}\n" for i in range(40))
    broken = [
        ("a header-only file", "a,b,label\n", _says(not_said="found 1")),
        (
            "a trailing comma",
            "a,b,label\n" + rows.replace("\n", ",\n"),
            _says(not_said="is not a finite number"),
        ),
        ("an unterminated quote", 'a,b,label\n1,2,a\n3,"4,b\n5,6,a\n7,8,b\n', _says("row 3")),
        ("a 2-row file", "a,b,label\n1,2,a\n3,4,b\n", _says("d.csv")),
        ("semicolons", "a;b;label\n" + rows.replace(",", ";"), _says("delimiter")),
        ("binary bytes", "\x00\x01\x02\xff" * 50, refusal),
    ]
    # through a preset of the csv dataset, so that only the file's handling is judged
    # (`--set dataset=csv` from the default preset is a case of its own, below)
    preset = ["train", "--quiet", "--preset", "c.toml"]
    cases = [
        Case("CSV files", name, preset, _csv_and_preset(text), judge)
        for name, text, judge in broken
    ]
    cases.append(
        Case("CSV files", "±1e308 in a column (must train)", preset, _csv_and_preset(big), _trains)
    )
    good = [*CSV_TRAIN, "--set", "dataset_options.path=d.csv", "--set", "sizes=2-4-1", *BINARY]
    cases.append(
        Case(
            "CSV files",
            "dataset=csv from the default preset (must train)",
            good,
            _file("d.csv", "a,b,label\n" + rows),
            _trains,
        )
    )

    def preset_beside(folder: Path) -> None:
        (folder / "sub").mkdir()
        (folder / "sub" / "d.csv").write_text("a,b,label\n" + rows)
        (folder / "sub" / "p.toml").write_text(
            'dataset = "csv"\nsizes = [2, 4, 1]\nepochs = 1\noutput_activation = "sigmoid"\n'
            'cost = "cross_entropy"\n[dataset_options]\npath = "d.csv"\n'
        )

    cases.append(
        Case(
            "CSV files",
            "a preset's relative path, run from elsewhere (must train)",
            ["train", "--quiet", "--preset", "sub/p.toml"],
            preset_beside,
            _trains,
        )
    )
    return cases


def gradcheck_and_divergence_cases() -> list[Case]:
    """gradcheck's sizes and widths; a run whose cost runs away."""
    gradcheck = ["gradcheck", "--preset", "spiral", "--set"]
    return [
        Case("gradcheck, divergence", "gradcheck sizes=2-30-5", [*gradcheck, "sizes=2-30-5"]),
        Case("gradcheck, divergence", "gradcheck sizes=3-30-3", [*gradcheck, "sizes=3-30-3"]),
        Case(
            "gradcheck, divergence",
            "gradcheck 2-300-300-3 (92k parameters)",
            [*gradcheck, "sizes=2-300-300-3"],
            judge=_says("passes"),
        ),
        Case(
            "gradcheck, divergence",
            "eta=1e6 (must exit 3 saying so)",
            [*XOR, "--epochs", "5", "--set", "eta=1e6"],
            judge=_diverged,
        ),
    ]


def _diverged(folder: Path, result) -> str:
    """A judge: exit 3 with the divergence in one line."""
    if result is None:
        return "hang"
    if "Traceback" in result.stderr:
        return "traceback"
    ok = result.returncode == 3 and "diverged" in result.stderr
    return "clean" if ok else "silent" if result.returncode == 0 else "other"


def mnist_cache_case() -> Case:
    """A user's own (wrong) MNIST file in cache_dir: refused, never deleted."""
    users = b"my own copy, not the published file" * 10

    def setup(folder: Path) -> None:
        (folder / "cache").mkdir()
        (folder / "empty").mkdir()
        (folder / "cache" / "train-images-idx3-ubyte.gz").write_bytes(users)
        (folder / "m.toml").write_text(
            'dataset = "mnist"\nsizes = [784, 30, 10]\noutput_activation = "sigmoid"\n'
            '[dataset_options]\ncache_dir = "cache"\nmirror = "empty"\n'
        )

    def judge(folder: Path, result) -> str:
        kept = folder / "cache" / "train-images-idx3-ubyte.gz"
        if not kept.exists() or kept.read_bytes() != users:
            return "lost"
        return refusal(folder, result)

    # a preset of the mnist dataset (a --set from xor's preset once carried xor's options
    # over and was refused before the cache was looked at)
    args = ["train", "--quiet", "--epochs", "1", "--preset", "m.toml"]
    return Case("outputs", "a wrong file of the user's in MNIST's cache_dir", args, setup, judge)


def cases() -> list[Case]:
    """Every case of this module."""
    return [*csv_cases(), *gradcheck_and_divergence_cases(), mnist_cache_case()]


def app_sequences(n: int, seed: int = 1) -> list[tuple[str, str, str]]:
    """Run ``n`` random key sequences against the app of the interpreter's checkout (each
    a line of ``benchmarks/app_sequences.py``); (group, name, outcome) per sequence."""
    script = Path(__file__).with_name("app_sequences.py")
    lines = subprocess.run(
        [sys.executable, str(script), "--sequences", str(n), "--seed", str(seed)],
        capture_output=True,
        text=True,
        cwd=script.parent.parent.parent,
    ).stdout.splitlines()
    return [
        ("app: random key sequences", f"#{row['index']}", app_outcome(row))
        for row in map(json.loads, lines)
    ]


def app_outcome(row: dict) -> str:
    """A sequence's outcome: a crash, no answer, a worker left running, or clean."""
    if row["crashed"]:
        return "crash"
    if not (row["quit"] or row["answered"]) or row["workers_left"] or row["threads_left"]:
        return "other"
    return "clean"


def app_summary(rows: list[dict]) -> str:
    """One line: sequences, crashes (by kind), no answer, workers left."""
    kinds = Counter(row["crashed"].split(":")[0] for row in rows if row["crashed"])
    silent = sum(not (r["crashed"] or r["quit"] or r["answered"]) for r in rows)
    left = sum(bool(r["workers_left"] or r["threads_left"]) for r in rows)
    crashes = ", ".join(f"{k} {v}" for k, v in kinds.most_common()) or "none"
    return (
        f"{len(rows)} sequences: {sum(kinds.values())} crashes ({crashes}); {silent} did not "
        f"answer; {left} left a worker or thread running"
    )
