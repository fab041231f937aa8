"""Shared helpers for the engine tests: valid combinations and matching random data."""

from __future__ import annotations

import numpy as np

from tui_backprop.engine import COSTS, HIDDEN_ACTIVATIONS

#: every valid (output activation, cost) pair
OUTPUT_COST_PAIRS = [(out, name) for name, cost in COSTS.items() for out in cost.outputs]
#: every valid hidden × output × cost combination
ALL_COMBINATIONS = [
    (hidden, out, cost) for hidden in HIDDEN_ACTIVATIONS for out, cost in OUTPUT_COST_PAIRS
]


def make_batch(
    rng: np.random.Generator, sizes: list[int], m: int, output_activation: str
) -> tuple[np.ndarray, np.ndarray]:
    """Random inputs, and targets in the range the output activation can reach."""
    X = rng.standard_normal((m, sizes[0]))
    n_out = sizes[-1]
    if output_activation == "softmax":
        Y = np.eye(n_out)[rng.integers(0, n_out, m)]
    elif output_activation == "sigmoid":
        Y = rng.random((m, n_out))
    elif output_activation == "tanh":
        Y = rng.uniform(-1, 1, (m, n_out))
    else:
        Y = rng.standard_normal((m, n_out))
    return X, Y
