"""The flat parameter vector θ: every weight, then every bias, and per-layer views into it.

One vector makes the update θ −= η·∇C a single operation however many layers there are;
∇C (the workspace's ``grad``) uses the same layout, so BP3 and BP4 write straight into it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def param_count(sizes: Sequence[int]) -> int:
    """Σ_l (n_in + 1)·n_out: every weight and every bias."""
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def layer_views(flat: np.ndarray, sizes: Sequence[int]) -> tuple[list, list]:
    """Per-layer (n_out, n_in) weight and (n_out,) bias views into one flat vector.

    The layout is w^2, w^3, …, w^L, then b^2, b^3, …, b^L: every view is C-contiguous and
    all the weights form one slice (for the L2 decay).
    """
    weights, biases = [], []
    start = 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        weights.append(flat[start : start + n_in * n_out].reshape(n_out, n_in))
        start += n_in * n_out
    for n_out in sizes[1:]:
        biases.append(flat[start : start + n_out])
        start += n_out
    return weights, biases


def read_only(view: np.ndarray) -> np.ndarray:
    """A view of the same memory that refuses writes (θ itself stays writeable)."""
    view = view.view()
    view.flags.writeable = False
    return view
