"""Tables in Markdown, readable in a terminal and pasted as they are into the README."""

from __future__ import annotations

from collections.abc import Sequence

from benchmarks.contestants import ENGINE
from benchmarks.throughput import ThroughputReport, target_rows
from benchmarks.workloads import WORKLOADS


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table with columns padded to line up (numbers right-aligned)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [all(_is_number(row[i]) for row in cells[1:]) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        """One row, each cell padded to its column's width."""
        padded = [c.rjust(w) if num else c.ljust(w) for c, w, num in zip(row, widths, numeric)]
        return "| " + " | ".join(padded) + " |"

    rule = (
        "|"
        + "|".join("-" * (w + 1) + ":" if num else "-" * (w + 2) for w, num in zip(widths, numeric))
        + "|"
    )
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def _is_number(text: str) -> bool:
    """True for cells such as ``1,234``, ``3.5×``, ``42 %`` or ``—``."""
    stripped = text.replace(",", "").rstrip("×%µs ").strip()
    if stripped in ("", "—"):
        return True
    try:
        float(stripped)
    except ValueError:
        return False
    return True


def throughput_table(report: ThroughputReport) -> str:
    """One row per workload, dtype and contestant: medians, % of bound, engine's ratio."""
    rows = []
    for (key, dtype, name), result in report.results.items():
        engine = report.get(key, dtype, ENGINE)
        ratio = "" if name == ENGINE or engine is None else f"{engine.rate / result.rate:.2f}×"
        rows.append(
            (
                f"{key} {WORKLOADS[key].label}",
                dtype,
                name,
                f"{result.rate:,.0f}",
                f"{result.us_per_step:,.1f}",
                f"{report.percent_of_bound(result):.1f} %",
                ratio,
                f"{len(result.clean)}/{len(result.rates)}",
            )
        )
    headers = ("workload", "dtype", "contestant", "samples/s", "µs/step", "% of bound")
    return table((*headers, "engine ×", "quiet trials"), rows)


def bound_lines(report: ThroughputReport) -> list[str]:
    """The GEMM bound per dtype, and how % of bound is computed."""
    parts = ", ".join(f"{dtype} {report.bound(dtype) / 1e9:.1f} GFLOP/s" for dtype in report.bounds)
    return [
        f"GEMM bound (1536² `np.matmul`, best over rounds): {parts}.",
        "% of bound = samples/s × 6·Σ n_in·n_out ÷ GEMM FLOP/s "
        f"({report.threads} threads for NumPy's BLAS and for PyTorch).",
    ]


def targets_table(rows: Sequence[tuple[str, str, str]]) -> str:
    """Targets, measured values and verdicts."""
    return table(("target", "measured", "verdict"), rows)


def throughput_targets(report: ThroughputReport) -> list[tuple[str, str, str]]:
    """The engine-throughput rows of the targets table."""
    return target_rows(report)
