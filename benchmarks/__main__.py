"""``python -m benchmarks``: run the sections, print the tables, optionally update the README."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from benchmarks import report, seed_claim, throughput
from benchmarks.contestants import torch_available
from benchmarks.machine import describe

SECTIONS = ("engine", "seed")
README = Path(__file__).with_name("README.md")
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line: which sections, how many rounds, whether to update the README."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections to run, from {', '.join(SECTIONS)} (default: all)",
    )
    parser.add_argument("--workloads", default="ABCD", help="engine workloads (default ABCD)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument(
        "--trial-seconds",
        type=float,
        default=0.15,
        help="time per contestant per round (default 0.15)",
    )
    parser.add_argument("--threads", type=int, default=2, help="PyTorch intra-op threads")
    parser.add_argument(
        "--readme", action="store_true", help=f"write the results into {README.name}"
    )
    args = parser.parse_args(argv)
    args.sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; choose from {SECTIONS}")
    return args


def log(message: str) -> None:
    """Progress on stderr, so that stdout holds only the report."""
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections and print one Markdown report."""
    args = parse_args(argv)
    started = time.perf_counter()
    out: list[str] = ["## Machine", ""]
    out += [f"- {line}" for line in describe(args.threads if torch_available() else None)]
    targets: list[tuple[str, str, str]] = []
    notes: list[str] = []
    if "engine" in args.sections:
        log("engine throughput ...")
        result = throughput.measure(
            keys=args.workloads,
            rounds=args.rounds,
            trial_seconds=args.trial_seconds,
            threads=args.threads,
            log=log,
        )
        out += ["", "## Engine training throughput (medians)", ""]
        out += [report.throughput_table(result), ""]
        out += report.bound_lines(result)
        notes += result.skipped
        targets += report.throughput_targets(result)
    if "seed" in args.sections:
        log("finite differences against backprop ...")
        rows = seed_claim.measure()
        out += ["", "## The seed's claim: finite differences against backprop", ""]
        out += [report.table(seed_claim.HEADERS, seed_claim.rows_for_table(rows))]
    if targets:
        out += ["", "## Targets", "", report.targets_table(targets)]
    if notes:
        out += ["", "## Notes", ""] + [f"- {note}" for note in notes]
    out += ["", f"Whole run: {time.perf_counter() - started:.0f} s."]
    text = "\n".join(out)
    print(text)
    if args.readme:
        write_readme(text)
    return 0


def write_readme(text: str) -> None:
    """Replace the results between the markers in benchmarks/README.md."""
    readme = README.read_text(encoding="utf-8")
    head, _, rest = readme.partition(BEGIN)
    _, _, tail = rest.partition(END)
    README.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")
    log(f"updated {README}")


if __name__ == "__main__":
    sys.exit(main())
