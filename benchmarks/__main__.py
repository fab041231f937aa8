"""``python -m benchmarks``: run the sections, print the tables, optionally update the README."""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path

from benchmarks import app_bench, chapter2_claim, report, throughput, trainer_overhead
from benchmarks.contestants import torch_available
from benchmarks.machine import describe

SECTIONS = ("engine", "chapter2", "trainer", "memory", "ui", "pace", "startup")
#: the presets whose training speed in the app at "max" pace is compared with headless
PACE_PRESETS = ("spiral", "digits")
README = Path(__file__).with_name("README.md")
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
MiB = "MiB"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line: which sections, how long, whether to update the README."""
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
        help="engine: time per contestant per round (default 0.15)",
    )
    parser.add_argument("--threads", type=int, default=2, help="PyTorch intra-op threads")
    parser.add_argument(
        "--steps", type=int, default=1_000_000, help="memory: training steps (default 10⁶)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="fewer rounds and steps: a smoke run, not a result"
    )
    parser.add_argument(
        "--readme", action="store_true", help=f"write the report into {README.name}"
    )
    args = parser.parse_args(argv)
    args.sections = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(args.sections) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s) {', '.join(sorted(unknown))}; choose from {SECTIONS}")
    if args.quick:
        args.rounds, args.trial_seconds, args.steps = 2, 0.05, min(args.steps, 100_000)
    return args


def log(message: str) -> None:
    """Progress on stderr, so that stdout holds only the report."""
    print(message, file=sys.stderr, flush=True)


class Report:
    """The Markdown report being built, with its targets and notes."""

    def __init__(self) -> None:
        """An empty report."""
        self.lines: list[str] = []
        self.targets: list[tuple[str, str, str]] = []
        self.notes: list[str] = []

    def section(self, title: str, *lines: str) -> None:
        """A second-level heading and its lines."""
        self.lines += ["", f"## {title}", "", *lines]

    def target(self, name: str, value: float | None, limit: float, shown: str, low: bool) -> None:
        """A target row: ``low`` means the value must stay at or under ``limit``."""
        if value is None:
            self.targets.append((name, "—", "skipped"))
            return
        met = value <= limit if low else value >= limit
        self.targets.append((name, shown, "met" if met else "NOT met"))


def run_engine(args: argparse.Namespace, out: Report) -> None:
    """Engine throughput against the book and PyTorch, with the GEMM bound."""
    log("engine throughput ...")
    result = throughput.measure(
        keys=args.workloads,
        rounds=args.rounds,
        trial_seconds=args.trial_seconds,
        threads=args.threads,
        log=log,
    )
    out.section(
        "Engine training throughput (medians of quiet trials)",
        report.throughput_table(result),
        "",
        *report.bound_lines(result),
    )
    out.notes += result.skipped
    out.targets += [row for row in report.throughput_targets(result) if row[0][0] in args.workloads]


def run_chapter2(args: argparse.Namespace, out: Report) -> None:
    """Finite differences against backprop on growing networks."""
    log("finite differences against backprop ...")
    rows = chapter2_claim.measure()
    out.section(
        "Chapter 2's claim: finite differences against backprop",
        report.table(chapter2_claim.HEADERS, chapter2_claim.rows_for_table(rows)),
        "",
        "One-sided differences, float64, sigmoid and quadratic cost, m = 10; backprop time is "
        "the median of 7 × 200 `backprop` calls.",
    )


def run_trainer(args: argparse.Namespace, out: Report) -> None:
    """Whole epochs through the trainer against bare sgd_step calls."""
    log("trainer overhead ...")
    rows = trainer_overhead.measure(rounds=3 * args.rounds, quick=args.quick)
    out.section(
        "Trainer overhead: whole epochs against bare `sgd_step`",
        report.table(trainer_overhead.HEADERS, trainer_overhead.rows_for_table(rows)),
    )
    for row in rows:
        out.target(
            f"trainer overhead ≤ 10 % ({row.label})",
            100 * row.overhead,
            10.0,
            f"{100 * row.overhead:.1f} %",
            low=True,
        )


def run_memory(args: argparse.Namespace, out: Report) -> None:
    """Peak RSS over a long run on a small net at the default cadence."""
    log(f"memory over {args.steps:,} steps ...")
    try:
        r = app_bench.probe("memory", "--steps", str(args.steps), timeout=900)
    except app_bench.Skipped as why:
        out.notes.append(f"memory: {why}")
        out.target("RSS growth ≤ 20 MB", None, 20, "", low=True)
        return
    growth = (r["rss_peak"] - r["rss_after_warmup"]) * 2**20 / 1e6  # MB, as the target says
    out.section(
        "Memory over a long run",
        report.table(
            (
                "preset",
                "sizes",
                "steps",
                "seconds",
                "snapshots",
                "RSS after warm-up",
                "peak",
                "end",
            ),
            [
                (
                    r["preset"],
                    "-".join(map(str, r["sizes"])),
                    f"{r['steps']:,}",
                    f"{r['seconds']:.0f}",
                    r["snapshots"],
                    f"{r['rss_after_warmup']:.1f} {MiB}",
                    f"{r['rss_peak']:.1f} {MiB}",
                    f"{r['rss_end']:.1f} {MiB}",
                )
            ],
        ),
    )
    out.target(
        f"RSS growth ≤ 20 MB over {r['steps']:,} steps", growth, 20, f"{growth:.1f} MB", True
    )


def run_ui(args: argparse.Namespace, out: Report) -> None:
    """The trainer inside the headless app against headless, and key latency while training."""
    log("app overhead and key latency ...")
    rows = []
    try:
        rounds = "2" if args.quick else "3"
        r = app_bench.probe("ui-overhead", "--seconds", "3", "--rounds", rounds, timeout=600)
        rows.append(
            (
                f"trainer samples/s ({r['preset']}): headless",
                f"{r['headless']:,.0f}",
            )
        )
        rows.append(
            (
                f"trainer samples/s in the app ({r['frames_per_second']:.1f} frames/s)",
                f"{r['app']:,.0f}",
            )
        )
        out.target(
            "UI overhead ≤ 15 %", 100 * r["overhead"], 15, f"{100 * r['overhead']:.0f} %", True
        )
    except app_bench.Skipped as why:
        out.notes.append(f"UI overhead: {why}")
        out.target("UI overhead ≤ 15 %", None, 15, "", low=True)
    try:
        samples = "20" if args.quick else "40"
        r = app_bench.probe("ui-latency", "--samples", samples, timeout=600)
        rows.append(("key → screen latency while training, p50", f"{1e3 * r['p50']:.0f} ms"))
        rows.append(("key → screen latency while training, p95", f"{1e3 * r['p95']:.0f} ms"))
        out.target(
            "key latency p95 ≤ 100 ms", 1e3 * r["p95"], 100, f"{1e3 * r['p95']:.0f} ms", True
        )
    except (app_bench.Skipped, TypeError) as why:
        out.notes.append(f"UI latency: {why}")
        out.target("key latency p95 ≤ 100 ms", None, 100, "", low=True)
    if rows:
        out.section(
            "The app while training (headless `run_test`, 120×40, default preset)",
            report.table(("measurement", "value"), rows),
            "",
            "Latency: from a key (+ or −, η) delivered as the terminal driver delivers it to "
            "the first composed frame showing the new η, while the trainer runs.",
        )


def run_pace(args: argparse.Namespace, out: Report) -> None:
    """Issue 10: the app at its "max" pace against the headless trainer, per preset."""
    rows = []
    for preset in PACE_PRESETS:
        log(f"the app at max pace against headless ({preset}) ...")
        name = f"app at max ≥ 90 % of headless ({preset})"
        try:
            rounds = "2" if args.quick else "3"
            r = app_bench.probe(
                "ui-overhead", "--app-preset", preset, "--seconds", "3", "--rounds", rounds
            )
        except app_bench.Skipped as why:
            out.notes.append(f"pace ({preset}): {why}")
            out.target(name, None, 90, "", low=False)
            continue
        ratio = 100 * (1 - r["overhead"])  # the median of the per-round ratios
        rows.append(
            (
                preset,
                f"{r['headless']:,.0f}",
                f"{r['app']:,.0f}",
                f"{ratio:.0f} %",
                f"{r['frames_per_second']:.1f}",
            )
        )
        out.target(name, ratio, 90, f"{ratio:.0f} %", low=False)
    if rows:
        out.section(
            "The app at max pace against headless (headless `run_test`, 120×40)",
            report.table(
                ("preset", "headless samples/s", "app samples/s", "app / headless", "frames/s"),
                rows,
            ),
            "",
            "Interleaved rounds of 3 s each after a 0.5 s warm-up, same process and data; the "
            "ratio is the median of the rounds' ratios. Pace has no effect headless.",
        )


def run_startup(args: argparse.Namespace, out: Report) -> None:
    """Time to the first frame on a pseudo-terminal, and tui-backprop --help."""
    log("start-up ...")
    runs = 3 if args.quick else 5
    rows = []
    try:
        frame = app_bench.first_frame_seconds(runs)
        rows.append(("`tui-backprop` to its first frame (pty, 120×40)", app_bench.median_ms(frame)))
        out.target(
            "first frame ≤ 1.5 s",
            statistics.median(frame),
            1.5,
            f"{app_bench.median_ms(frame)} ms",
            low=True,
        )
    except app_bench.Skipped as why:
        out.notes.append(f"start-up: {why}")
        out.target("first frame ≤ 1.5 s", None, 1.5, "", low=True)
    try:
        rows.append(("`tui-backprop --help`", app_bench.median_ms(app_bench.help_seconds(runs))))
    except app_bench.Skipped as why:
        out.notes.append(f"--help: {why}")
    if rows:
        out.section(
            f"Start-up (median of {runs} fresh processes)",
            report.table(("what", "ms"), rows),
        )


RUNNERS = {
    "engine": run_engine,
    "chapter2": run_chapter2,
    "trainer": run_trainer,
    "memory": run_memory,
    "ui": run_ui,
    "pace": run_pace,
    "startup": run_startup,
}


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections and print one Markdown report."""
    args = parse_args(argv)
    started = time.perf_counter()
    out = Report()
    out.section(
        "Machine", *(f"- {line}" for line in describe(args.threads if torch_available() else None))
    )
    for name in SECTIONS:
        if name in args.sections:
            try:
                RUNNERS[name](args, out)
            except Exception as error:  # one broken section must not hide the others
                log(f"{name} failed: {type(error).__name__}: {error}")
                out.notes.append(f"{name}: not measured ({type(error).__name__}: {error})")
    if out.targets:
        out.section("Targets", report.targets_table(out.targets))
    if out.notes:
        out.section("Notes", *(f"- {note}" for note in out.notes))
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    out.lines += [
        "",
        f"Run {stamp} on {platform.node() or 'this machine'}, "
        f"{time.perf_counter() - started:.0f} s{' (--quick)' if args.quick else ''}.",
    ]
    text = "\n".join(out.lines).lstrip("\n")
    print(text)
    if args.readme:
        write_readme(text)
    return 0


def write_readme(text: str) -> None:
    """Replace the results between the markers in benchmarks/README.md (headings one lower)."""
    readme = README.read_text(encoding="utf-8")
    head, _, rest = readme.partition(BEGIN)
    _, _, tail = rest.partition(END)
    text = "\n".join("#" + line if line.startswith("## ") else line for line in text.split("\n"))
    README.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")
    log(f"updated {README}")


if __name__ == "__main__":
    sys.exit(main())
