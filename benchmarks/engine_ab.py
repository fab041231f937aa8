"""Two versions of the engine in one process, interleaved: ``sgd_step`` µs per workload.

    python -m benchmarks.engine_ab /path/to/other/checkout [--rounds 15] [--workloads ABCD]

The other checkout's ``tui_backprop/engine`` is copied to a temporary package (its imports
rewritten), so that both engines run on the same data in the same process, alternating
in rotating order: on a shared machine the ratio new ÷ old is far steadier than two
``make bench`` runs minutes apart. Prints the median µs per step of each and the ratio.
"""

from __future__ import annotations

import argparse
import importlib
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.workloads import WORKLOADS, make_data
from tui_backprop import engine as current

TRIAL_SECONDS = 0.15


def load_other(checkout: Path, folder: Path):
    """The engine package of another checkout, imported as ``other_engine``."""
    target = folder / "other_engine"
    shutil.copytree(checkout / "tui_backprop" / "engine", target)
    for source in target.glob("*.py"):
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("tui_backprop.engine", "other_engine"), encoding="utf-8")
    sys.path.insert(0, str(folder))
    return importlib.import_module("other_engine")


def trial(net, batches, eta: float) -> float:
    """µs per sgd_step over about TRIAL_SECONDS."""
    steps, started = 0, time.perf_counter()
    while time.perf_counter() - started < TRIAL_SECONDS:
        for X, Y in batches:
            net.sgd_step(X, Y, eta)
        steps += len(batches)
    return (time.perf_counter() - started) / steps * 1e6


def main() -> None:
    """Time both engines on each workload and dtype; print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("checkout", type=Path, help="the other checkout (its root folder)")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--workloads", default="ABCD")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        other = load_other(args.checkout, Path(folder))
        print("| workload | dtype | other µs/step | this µs/step | this ÷ other |")
        print("|---|---|---:|---:|---:|")
        for key in args.workloads:
            workload = WORKLOADS[key]
            for dtype in ("float64", "float32"):
                X, Y = make_data(workload, 16, dtype)
                m = workload.m
                batches = [(X[i : i + m], Y[i : i + m]) for i in range(0, len(X), m)]
                nets = [
                    engine.Network(**workload.network_arguments(dtype))
                    for engine in (other, current)
                ]
                for net in nets:
                    for _ in range(min(workload.warm_up, 200)):
                        net.sgd_step(*batches[0], workload.eta)
                times: list[list[float]] = [[], []]
                for r in range(args.rounds):
                    for i in (0, 1) if r % 2 == 0 else (1, 0):
                        time.sleep(0.05)
                        times[i].append(trial(nets[i], batches, workload.eta))
                old, new = (statistics.median(t) for t in times)
                print(f"| {key} | {dtype} | {old:,.1f} | {new:,.1f} | {new / old:.3f} |")


if __name__ == "__main__":
    main()
