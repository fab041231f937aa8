"""The engine's rules for a network's arguments, each said once (training/config.py wraps them).

Every check returns the value it accepts or raises ValueError saying what is allowed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tui_backprop.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from tui_backprop.engine.costs import COSTS

INITS = ("standard", "scaled")
DTYPES = {"float64": np.float64, "float32": np.float32}
#: the constructor's arguments, in order: what ``Network.config()`` returns and rebuilds from
NETWORK_ARGUMENTS = ("sizes", "activation", "output_activation", "cost", "init", "seed", "dtype")
#: the allowed names of every argument that is a choice
CHOICES: dict[str, tuple[str, ...]] = {
    "activation": tuple(HIDDEN_ACTIVATIONS),
    "output_activation": tuple(OUTPUT_ACTIVATIONS),
    "cost": tuple(COSTS),
    "init": INITS,
    "dtype": tuple(DTYPES),
}


def check_sizes(sizes: Sequence[int]) -> list[int]:
    """Return sizes as a list of ints, or raise ValueError saying what is allowed."""
    try:
        values = list(sizes)
    except TypeError:
        raise ValueError(
            f"sizes must be a list of layer sizes such as [2, 8, 1], got {sizes!r}"
        ) from None
    if len(values) < 2:
        raise ValueError(
            f"sizes needs at least two layers (input and output), such as [2, 8, 1]; got {values}"
        )
    for n in values:
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
            raise ValueError(f"every layer size must be a whole number ≥ 1, got {n!r} in {values}")
    return [int(n) for n in values]


def check_choice(field: str, value: object, allowed: dict | tuple) -> str:
    """Return value if it is one of ``allowed``, else raise ValueError listing them."""
    names = list(allowed)
    if value not in names:
        raise ValueError(f"{field} must be one of {', '.join(names)}; got {value!r}")
    return str(value)


def check_pairing(output_activation: str, cost: str, n_outputs: int | None = None) -> None:
    """Raise ValueError unless the cost accepts this output activation (and output size).

    A softmax over one neuron is always 1: its cost is 0 and its gradient vanishes, so it
    is refused when ``n_outputs`` is 1.
    """
    allowed = COSTS[cost].outputs
    if output_activation not in allowed:
        if output_activation == "softmax":
            hint = "softmax goes only with cost 'log_likelihood'"
        else:
            hint = f"cost {cost!r} needs output_activation {' or '.join(map(repr, allowed))}"
        raise ValueError(
            f"output_activation {output_activation!r} cannot be paired with cost {cost!r}: {hint}"
        )
    if output_activation == "softmax" and n_outputs == 1:
        raise ValueError(
            "output_activation 'softmax' needs at least 2 output neurons: over one neuron "
            "it is always 1, so the cost is 0 and nothing is learnt (use sigmoid instead)"
        )


def check_dtype(dtype: str | type | np.dtype) -> type:
    """Return np.float64 or np.float32, or raise ValueError."""
    try:
        name = np.dtype(dtype).name
    except TypeError:
        name = str(dtype)
    if name not in DTYPES:
        raise ValueError(f"dtype must be float64 or float32, got {dtype!r}")
    return DTYPES[name]


def check_parameter_array(value: object, shape: tuple[int, ...], what: str) -> np.ndarray:
    """Return value as an array of real numbers of this shape, or raise ValueError naming it."""
    array = np.asarray(value)
    if array.dtype.kind not in "fiu":
        raise ValueError(f"{what} must be real numbers, got an array of {array.dtype}")
    if array.shape != shape:
        raise ValueError(f"{what} must have shape {shape}, got {array.shape}")
    if not np.isfinite(array).all():
        raise ValueError(f"{what} must be finite numbers, but some are NaN or infinite")
    return array
