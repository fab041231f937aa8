"""The bad-input battery of issue 13, run through the command line of any checkout.

    .venv/bin/python -m benchmarks.battery                      # this checkout
    .venv/bin/python -m benchmarks.battery --tree ../old-main   # another one (PYTHONPATH)

Every case runs ``python -m tui_backprop ...`` in a fresh folder and is classified:
``clean`` (what the README promises: a one-line refusal with exit 2, or the right status),
``traceback``, ``silent`` (a broken input accepted, or a refusal only after training),
``lost`` (an output truncated or clobbered, an input destroyed, or a model silently
wrong), ``hang`` (no answer in the time limit) or ``other``. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

TIMEOUT = 60
XOR = ["train", "--preset", "xor", "--epochs", "2", "--quiet"]
#: a preset training on a CSV file (binary labels, two feature columns) in the case's folder
CSV_PRESET = (
    'dataset = "csv"\nsizes = [2, 4, 1]\nepochs = 1\noutput_activation = "sigmoid"\n'
    'cost = "cross_entropy"\n[dataset_options]\npath = "{path}"\n'
)


@dataclass
class Case:
    """One input: how to prepare the folder, the arguments, and how to judge the result."""

    group: str
    name: str
    args: list[str]
    setup: Callable[[Path], None] | None = None
    judge: Callable[[Path, subprocess.CompletedProcess | None], str] | None = None


class Runner:
    """Runs the CLI of one checkout."""

    def __init__(self, tree: Path | None) -> None:
        """Use ``tree``'s package (PYTHONPATH) or the installed one."""
        self.env = dict(os.environ)
        if tree is not None:
            self.env["PYTHONPATH"] = str(tree.resolve())

    def run(self, args: list[str], cwd: Path, timeout: float = TIMEOUT):
        """The finished process, or None on a timeout."""
        try:
            return subprocess.run(
                [sys.executable, "-m", "tui_backprop", *args],
                cwd=cwd,
                env=self.env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return None


def refusal(folder: Path, result) -> str:
    """Expected: exit 2 with one line on stderr, before any training."""
    if result is None:
        return "hang"
    if "Traceback" in result.stderr:
        return "traceback"
    if result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1:
        return "silent" if "epochs," in result.stdout else "clean"
    if result.returncode in (0, 3):
        return "silent"
    return "other"


def refused_at_first_write(folder: Path, result) -> str:
    """A device that is full cannot be told from a working one before writing: exit 2 with
    one line naming it, at the first epoch's write, is the answer (a traceback was not)."""
    if result is None:
        return "hang"
    if "Traceback" in result.stderr:
        return "traceback"
    lines = result.stderr.strip().splitlines()
    named = len(lines) == 1 and "/dev/full" in lines[0]
    return "clean" if result.returncode == 2 and named else "silent"


def _model(folder: Path, runner: Runner, name: str = "good.npz", *extra: str) -> Path:
    """Train and save a small xor model in the folder."""
    runner.run([*XOR, "--save", name, *extra], folder)
    return folder / name


def _members(folder: Path, runner: Runner) -> dict[str, np.ndarray]:
    """A valid model's members, read back."""
    with np.load(_model(folder, runner), allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def model_cases(runner: Runner) -> list[Case]:
    """--load of broken and hostile files."""

    def changed(**changes):
        def setup(folder: Path) -> None:
            members = _members(folder, runner) | changes
            np.savez(folder / "bad.npz", **{k: v for k, v in members.items() if v is not None})

        return setup

    def write(data: bytes):
        return lambda folder: (folder / "bad.npz").write_bytes(data)

    def npy(folder: Path) -> None:
        np.save(folder / "bad.npz", np.zeros(3))
        (folder / "bad.npz.npy").rename(folder / "bad.npz")

    def huge_header(folder: Path) -> None:
        members = _members(folder, runner)
        del members["w0"]
        np.savez(folder / "bad.npz", **members)
        header = io.BytesIO()
        np.lib.format.write_array_header_1_0(
            header, {"descr": "<f8", "fortran_order": False, "shape": (100_000, 100_000)}
        )
        with zipfile.ZipFile(folder / "bad.npz", "a") as archive:
            archive.writestr("w0.npy", header.getvalue() + b"\0" * 64)

    def absurd(folder: Path) -> None:
        members = _members(folder, runner)
        text = str(members["config"]).replace("8,\n    8,", "100000,\n    100000,")
        text = text.replace("[2, 8, 8, 1]", "[2, 100000, 100000, 1]")
        members["config"] = np.array(text)
        np.savez(folder / "bad.npz", **members)

    def pickled(folder: Path) -> None:
        members = _members(folder, runner)
        members["w0"] = np.array([[object()] * 2] * 8, dtype=object)
        np.savez(folder / "bad.npz", allow_pickle=True, **members)

    def damaged(folder: Path) -> None:
        data = bytearray(_model(folder, runner).read_bytes())
        at = data.index(b"w0.npy") + 200
        data[at : at + 8] = b"\xff" * 8
        (folder / "bad.npz").write_bytes(bytes(data))

    load = [*XOR, "--load", "bad.npz"]
    cases = [
        ("empty .npz", write(b"")),
        ("plain .npy", npy),
        ("string weights", changed(w0=np.full((8, 2), "x"))),
        ("complex weights", changed(w0=np.ones((8, 2), complex))),
        ("NaN weights", changed(w0=np.full((8, 2), np.nan))),
        ("inf biases", changed(b1=np.full(8, np.inf))),
        ("absurd sizes in its configuration", absurd),
        ("a header claiming 74.5 GiB", huge_header),
        ("float32 weights, float64 configuration", changed(w0=np.ones((8, 2), np.float32))),
        ("an object (pickled) array", pickled),
        ("a layer missing", changed(b1=None)),
        ("an unknown member", changed(extra=np.zeros(2))),
        ("a bad CRC", damaged),
        ("random bytes", write(os.urandom(500))),
        ("a zip without members", write(b"PK\x05\x06" + b"\0" * 18)),
    ]
    return [Case("model files (--load)", name, load, setup, refusal) for name, setup in cases]


def preset_cases() -> list[Case]:
    """--preset with files that are not presets."""

    def file(data: bytes):
        return lambda folder: (folder / "p.toml").write_bytes(data)

    cases = [
        ("--preset ''", [""], None),
        ("--preset /dev/null", ["/dev/null"], None),
        ("--preset /dev/zero", ["/dev/zero"], None),
        ("an empty file", ["p.toml"], file(b"")),
        ("only comments", ["p.toml"], file(b"# nothing\n")),
        ("non-UTF-8 bytes", ["p.toml"], file(b"\xff\xfeeta = 1\n")),
        ("arrays nested 100,000 deep", ["p.toml"], file(b"a = " + b"[" * 100_000 + b"]" * 100_000)),
        ("sizes as a string", ["p.toml"], file(b'dataset = "xor"\nsizes = "2-8-1"\nepochs = 1\n')),
        ("eta as a string", ["p.toml"], file(b'dataset = "xor"\nsizes = [2, 8, 1]\neta = "0.5"\n')),
        ("a folder", ["."], None),
        ("broken TOML", ["p.toml"], file(b"sizes = [2, 8\n")),
        ("an unknown field", ["p.toml"], file(b'dataset = "xor"\nsizes = [2, 8, 1]\netaa = 1\n')),
    ]
    return [
        Case(
            "preset files (--preset)",
            name,
            ["train", "--quiet", "--epochs", "1", "--preset", *a],
            s,
            refusal,
        )
        for name, a, s in cases
    ]


def number_cases() -> list[Case]:
    """Tiny and huge numbers, and sizes that exhaust the memory."""
    settings = [
        "max_steps_per_second=1e-300",
        "initial_weight=inf",
        "initial_bias=1e308",
        "eta=1e300",
        "epochs=10000000000000",
        "seed=-1",
        "seed=100000000000000000000000",
        "batch_size=10000000000",
        "report_every_seconds=1e300",
        "lmbda=1e300",
        "sizes=2-100000-100000-1",
        "sizes=2-0-1",
        "eval_max_samples=0",
    ]
    cases = [Case("numbers and sizes", s, [*XOR, "--set", s], None, refusal) for s in settings]
    cases.append(
        Case(
            "numbers and sizes",
            "gradcheck sizes=2-100000-100000-1",
            ["gradcheck", "--preset", "xor", "--set", "sizes=2-100000-100000-1"],
            None,
            refusal,
        )
    )
    return cases


def _unchanged(path: Path, before: bytes):
    """A judge: the file must still hold ``before`` (and the run be a clean refusal)."""

    def judge(folder: Path, result) -> str:
        if not path.exists() or path.read_bytes() != before:
            return "lost"
        return refusal(folder, result)

    return judge


def output_cases(runner: Runner) -> list[Case]:
    """--save and --metrics: checked before training, never destroying a file."""
    cases = [
        Case(
            "outputs", "--save into a missing folder", [*XOR, "--save", "no/m.npz"], None, refusal
        ),
        Case("outputs", "--save to a folder", [*XOR, "--save", "."], None, refusal),
        Case(
            "outputs",
            "--metrics /dev/full",
            [*XOR, "--metrics", "/dev/full"],
            None,
            refused_at_first_write,
        ),
    ]

    def metrics_kept(folder: Path) -> None:
        runner.run([*XOR, "--metrics", "m.jsonl"], folder)

    def judge_metrics(folder: Path, result) -> str:
        lines = (
            (folder / "m.jsonl").read_text().splitlines() if (folder / "m.jsonl").exists() else []
        )
        return "lost" if len(lines) != 2 else refusal(folder, result)

    for name, setting in [("a bad --set", "eta=x"), ("sizes the dataset refuses", "sizes=3-8-1")]:
        cases.append(
            Case(
                "outputs",
                f"{name} after a good run, same --metrics",
                [*XOR, "--metrics", "m.jsonl", "--set", setting],
                metrics_kept,
                judge_metrics,
            )
        )

    csv = "x,y,label\n" + "".join(f"{i},{i % 7},{i % 2}\n" for i in range(60))

    def csv_setup(folder: Path) -> None:
        (folder / "data.csv").write_text(csv)
        (folder / "csv.toml").write_text(CSV_PRESET.format(path="data.csv"))

    cases.append(
        Case(
            "outputs",
            "--metrics onto the CSV being trained on",
            ["train", "--quiet", "--epochs", "1", "--preset", "csv.toml", "--metrics", "data.csv"],
            csv_setup,
            lambda f, r: "lost" if (f / "data.csv").read_text() != csv else refusal(f, r),
        )
    )

    def model_twice(folder: Path) -> None:
        _model(folder, runner, "m.npz")

    def judge_same(folder: Path, result) -> str:
        # refusing is fine; replacing the model with its continuation whole is fine too
        try:
            with np.load(folder / "m.npz", allow_pickle=False) as data:
                [data[k] for k in data.files]
        except Exception:
            return "lost"
        return "clean" if result is not None and "Traceback" not in result.stderr else "other"

    cases.append(
        Case(
            "outputs",
            "--save onto the --load file",
            [*XOR, "--load", "m.npz", "--save", "m.npz"],
            model_twice,
            judge_same,
        )
    )
    return cases


def main() -> int:
    """Run every case; print one line per case and the table of outcomes per group."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, help="a checkout whose package to test")
    parser.add_argument(
        "--app-sequences", type=int, default=0, metavar="N", help="random key sequences"
    )
    args = parser.parse_args()
    from benchmarks import battery_more, battery_signals

    signal.signal(signal.SIGINT, signal.SIG_DFL)  # the children must get Ctrl-C's default
    runner = Runner(args.tree)
    results: list[tuple[str, str, str]] = []
    cases = model_cases(runner) + preset_cases() + number_cases() + output_cases(runner)
    cases += battery_more.cases()
    for case in cases:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            if case.setup is not None:
                case.setup(folder)
            outcome = (case.judge or refusal)(folder, runner.run(case.args, folder))
        results.append((case.group, case.name, outcome))
        print(f"{outcome:<10} {case.group}: {case.name}", flush=True)
    for group, name, check in battery_signals.special_cases(runner):
        with tempfile.TemporaryDirectory() as folder_name:
            outcome = check(Path(folder_name))
        results.append((group, name, outcome))
        print(f"{outcome:<10} {group}: {name}", flush=True)
    if args.app_sequences:
        results += battery_more.app_sequences(args.app_sequences)
    print("\n| group | inputs | clean | tracebacks | silent | files lost / wrong | other |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    groups = list(dict.fromkeys(g for g, _, _ in results)) + ["total"]
    for group in groups:
        counts = Counter(o for g, _, o in results if g == group or group == "total")
        total = sum(counts.values())
        other = counts["other"] + counts["hang"]
        if counts["crash"]:
            print(f"| {group} | {total} | {counts['clean']} | crashes: {counts['crash']} |")
            continue
        print(
            f"| {group} | {total} | {counts['clean']} | {counts['traceback']} | "
            f"{counts['silent']} | {counts['lost']} | {other} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
