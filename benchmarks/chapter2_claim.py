"""Chapter 2's claim: a gradient by finite differences costs a forward pass per parameter.

For L layers of n neurons there are P = (L−1)(n+1)n parameters. One-sided differences
need P + 1 forward passes over the mini-batch (chapter 2's "a million and one passes
through the network" for a million weights, (P + 1)·m passes of single samples); backprop
needs one forward and one backward pass, about the cost of 2. So the predicted ratio of
wall times is (P + 1) / 2.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import numpy as np

from tui_backprop.engine import Network, chapter2_pass_count, numerical_gradient

WIDTHS = (4, 16, 64)
DEPTHS = (2, 3, 4)
M = 10


@dataclass(frozen=True)
class ClaimRow:
    """One network: parameter count, pass counts, times and ratios."""

    layers: int
    width: int
    m: int
    params: int
    fd_passes: int
    sample_passes: int
    fd_seconds: float
    bp_seconds: float

    @property
    def measured(self) -> float:
        """Finite-difference time over backprop time."""
        return self.fd_seconds / self.bp_seconds

    @property
    def predicted(self) -> float:
        """(P + 1) / 2: forward passes needed over the two passes of backprop."""
        return (self.params + 1) / 2


def _backprop_seconds(net: Network, X: np.ndarray, Y: np.ndarray) -> float:
    """The median time of one ``backprop`` call, over enough calls to be stable."""
    net.backprop(X, Y)
    times = []
    for _ in range(7):
        calls = 200
        started = time.perf_counter()
        for _ in range(calls):
            net.backprop(X, Y)
        times.append((time.perf_counter() - started) / calls)
    return statistics.median(times)


def measure(widths: tuple[int, ...] = WIDTHS, depths: tuple[int, ...] = DEPTHS) -> list[ClaimRow]:
    """Time one-sided finite differences against backprop on growing networks."""
    rows = []
    rng = np.random.default_rng(0)
    for layers in depths:
        for n in widths:
            net = Network([n] * layers, "sigmoid", "sigmoid", "quadratic", seed=0)
            X = rng.standard_normal((M, n))
            Y = rng.random((M, n))
            bp = _backprop_seconds(net, X, Y)
            fd = numerical_gradient(net, X, Y, method="one_sided")
            rows.append(
                ClaimRow(
                    layers=layers,
                    width=n,
                    m=M,
                    params=net.num_params,
                    fd_passes=fd.forward_passes,
                    sample_passes=chapter2_pass_count(net.num_params) * M,
                    fd_seconds=fd.seconds,
                    bp_seconds=bp,
                )
            )
    return rows


def rows_for_table(rows: list[ClaimRow]) -> list[tuple]:
    """Cells for the report."""
    return [
        (
            r.layers,
            r.width,
            r.m,
            f"{r.params:,}",
            f"{r.fd_passes:,}",
            f"{r.sample_passes:,}",
            f"{r.fd_seconds * 1e3:,.1f}",
            f"{r.bp_seconds * 1e6:,.1f}",
            f"{r.measured:,.0f}",
            f"{r.predicted:,.0f}",
            f"{r.measured / r.predicted:.2f}",
        )
        for r in rows
    ]


HEADERS = (
    "L",
    "n",
    "m",
    "params P",
    "FD passes",
    "(P+1)·m sample passes",
    "FD ms",
    "backprop µs",
    "measured ratio",
    "predicted (P+1)/2",
    "measured ÷ predicted",
)
