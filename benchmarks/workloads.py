"""The four training workloads A–D, and the synthetic mini-batches they train on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Workload:
    """One network shape, mini-batch size and choice of activations, cost and init."""

    key: str
    title: str
    sizes: tuple[int, ...]
    m: int
    activation: str
    output_activation: str
    cost: str
    init: str
    eta: float
    #: SGD steps taken before timing (see ``contestants.warmed_up``)
    warm_up: int

    @property
    def flops_per_sample(self) -> int:
        """The nominal cost of one training sample: 6·Σ n_in·n_out (2 forward, 4 backward)."""
        return 6 * sum(a * b for a, b in zip(self.sizes, self.sizes[1:]))

    @property
    def label(self) -> str:
        """A short description such as ``784-30-10 m=10``."""
        return f"{'-'.join(map(str, self.sizes))} m={self.m}"

    def network_arguments(self, dtype: str) -> dict:
        """Keyword arguments for ``tui_backprop.engine.Network``."""
        return {
            "sizes": list(self.sizes),
            "activation": self.activation,
            "output_activation": self.output_activation,
            "cost": self.cost,
            "init": self.init,
            "seed": 0,
            "dtype": dtype,
        }


WORKLOADS: dict[str, Workload] = {
    w.key: w
    for w in (
        Workload(
            "A", "the book's MNIST setup", (784, 30, 10), 10,
            "sigmoid", "sigmoid", "quadratic", "standard", 3.0, 3000,
        ),
        Workload(
            "B", "two hidden layers, cross-entropy", (784, 100, 100, 10), 64,
            "sigmoid", "sigmoid", "cross_entropy", "scaled", 0.5, 500,
        ),
        Workload(
            "C", "playground size", (2, 8, 8, 1), 16,
            "tanh", "sigmoid", "cross_entropy", "scaled", 0.1, 3000,
        ),
        Workload(
            "D", "compute bound", (784, 512, 512, 10), 256,
            "relu", "softmax", "log_likelihood", "scaled", 0.1, 30,
        ),
    )
}  # fmt: skip


def make_data(workload: Workload, batches: int, dtype: str, seed: int = 0) -> tuple:
    """``batches`` mini-batches' worth of inputs X and targets Y, as contiguous arrays.

    MNIST-like inputs in [0, 1) for the 784-input nets, N(0, 1) points for the small one;
    one-hot targets for several outputs, 0/1 labels for one.
    """
    rng = np.random.default_rng(seed)
    n = batches * workload.m
    n_in, n_out = workload.sizes[0], workload.sizes[-1]
    X = rng.random((n, n_in)) if n_in > 2 else rng.standard_normal((n, n_in))
    if n_out == 1:
        Y = (rng.random((n, 1)) < 0.5).astype(float)
    else:
        Y = np.eye(n_out)[rng.integers(0, n_out, n)]
    return np.ascontiguousarray(X, dtype=dtype), np.ascontiguousarray(Y, dtype=dtype)
