"""Finite-difference gradients, and chapter 2's comparison with backpropagation.

Chapter 2 ("In what sense is backpropagation a fast algorithm?") estimates each partial
derivative by a one-sided difference,

    ∂C/∂w_j ≈ (C(w + ε e_j) − C(w)) / ε,

so a million weights need "a million and one passes through the network" per training
example: P + 1 forward passes for P parameters (``chapter2_pass_count``). The centred
difference (C(w + ε e_j) − C(w − ε e_j)) / 2ε needs 2P, with an error O(ε²) instead of
O(ε). Backprop gets every partial derivative from one forward and one backward pass.

For a front end (the ``gradcheck`` command, the app's race screen via
``training/race.py``), all pure computation, run in the caller's thread:

- ``time_backprop(net, X, Y)``: the time of one backprop (one forward + one backward pass),
  the shortest over repeats lasting ``TIMING_SECONDS``, with its gradients.
- ``numerical_gradient(net, X, Y, method=..., progress=..., should_stop=...)``: calls
  ``progress(done, total, passes)`` after every parameter and raises ``Cancelled`` (with
  how far it got) as soon as ``should_stop()`` is true; the network is left unchanged.
- ``layer_errors(exact, numeric)``: the largest relative error per layer, and
  ``within_tolerance(error, dtype)`` / ``TOLERANCE``: the verdict's stated bound.
- ``check_gradients``: the three in one call, for tests and scripts.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from tui_backprop.engine.network import Gradients, Network
from tui_backprop.engine.parameters import layer_views

METHODS = ("centred", "one_sided")
#: the smallest gradient magnitude an error is measured against (see ``relative_error``):
#: entries below it are in effect checked absolutely, to ABSOLUTE_FLOOR × the tolerance
ABSOLUTE_FLOOR = 1e-8
RELATIVE_FLOOR = 1e-3


@dataclass(frozen=True)
class NumericalGradient:
    """∂C/∂w and ∂C/∂b estimated by finite differences, and what that cost."""

    nabla_w: list[np.ndarray]
    nabla_b: list[np.ndarray]
    eps: float
    #: forward passes over the whole mini-batch (each is m per-sample passes)
    forward_passes: int
    seconds: float


@dataclass(frozen=True)
class LayerError:
    """The largest relative error of backprop against finite differences in one layer."""

    layer: int  # code index: 0 is the first weight matrix (the book's w^2)
    max_rel_error_w: float
    max_rel_error_b: float

    @property
    def max_rel_error(self) -> float:
        """The larger of the weight and bias errors."""
        return max(self.max_rel_error_w, self.max_rel_error_b)


@dataclass(frozen=True)
class GradCheckReport:
    """Backprop against finite differences on one mini-batch: accuracy and cost."""

    method: str
    eps: float
    m: int
    num_params: int
    layers: tuple[LayerError, ...]
    fd_forward_passes: int
    fd_seconds: float
    #: one backprop: one forward and one backward pass over the mini-batch
    backprop_seconds: float

    @property
    def max_rel_error(self) -> float:
        """The largest relative error over all layers."""
        return max(layer.max_rel_error for layer in self.layers)

    @property
    def fd_sample_passes(self) -> int:
        """Forward passes of single samples: ``fd_forward_passes`` × m."""
        return self.fd_forward_passes * self.m

    @property
    def speedup(self) -> float:
        """How many times longer the finite differences took than backprop."""
        return self.fd_seconds / max(self.backprop_seconds, 1e-12)


#: default steps ε, chosen where truncation error (∝ ε² centred, ∝ ε one-sided) and rounding
#: error (∝ u·C/ε) balance for costs of order 1; measured on the test architectures
DEFAULT_EPS = {
    ("centred", "float64"): 1e-5,
    ("one_sided", "float64"): 1e-7,
    ("centred", "float32"): 1e-2,
    ("one_sided", "float32"): 1e-3,
}


#: the verdict: backprop passes when the centred difference's largest relative error is at
#: most this (its own error is ~1e-9 in float64 and ~1e-3 in float32 at the default ε)
TOLERANCE = {"float64": 1e-6, "float32": 2e-2}
#: backprop is timed over repeats lasting at least this long (one call takes microseconds)
TIMING_SECONDS = 0.05


def default_eps(method: str, dtype: type) -> float:
    """The default finite-difference step for this method and floating-point type."""
    return DEFAULT_EPS[(method, np.dtype(dtype).name)]


def within_tolerance(error: float, dtype: type, tolerance: float | None = None) -> bool:
    """True when a largest relative error passes: at most ``tolerance`` (or TOLERANCE)."""
    bound = TOLERANCE[np.dtype(dtype).name] if tolerance is None else tolerance
    return error <= bound


def chapter2_pass_count(num_params: int) -> int:
    """Chapter 2's count: P + 1 forward passes per training example for P parameters."""
    return num_params + 1


def time_backprop(net: Network, X: np.ndarray, Y: np.ndarray) -> tuple[float, Gradients]:
    """The shortest time of one ``backprop`` call over repeats lasting ≥ TIMING_SECONDS."""
    best, started = float("inf"), time.perf_counter()
    while True:
        t0 = time.perf_counter()
        grads = net.backprop(X, Y)
        best = min(best, time.perf_counter() - t0)
        if time.perf_counter() - started >= TIMING_SECONDS:
            return best, grads


class Cancelled(Exception):
    """The finite differences were stopped by ``should_stop`` before the last parameter."""

    def __init__(self, done: int, total: int, seconds: float, passes: int) -> None:
        """How far they got: parameters done of total, in seconds, with so many passes."""
        super().__init__(f"stopped after {done} of {total} parameters")
        self.done, self.total, self.seconds, self.passes = done, total, seconds, passes


def numerical_gradient(
    net: Network,
    X: np.ndarray,
    Y: np.ndarray,
    eps: float | None = None,
    method: str = "centred",
    extended_precision: bool = False,
    progress: Callable[[int, int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> NumericalGradient:
    """Estimate ∂C/∂w and ∂C/∂b for every parameter by perturbing it alone.

    With ``extended_precision`` the costs are evaluated in long double and ε = 1e-5 is
    used by default. ``progress(done, total, passes)`` is called after each parameter; when
    ``should_stop()`` turns true ``Cancelled`` is raised (so a caller's thread can end a
    long run). The network is left as it was either way.
    """
    _check_method(method)
    if eps is None:
        eps = 1e-5 if extended_precision else default_eps(method, net.dtype)
    eps = float(eps)
    if not eps > 0:
        raise ValueError(f"eps must be a positive step size, got {eps!r}")
    if extended_precision:
        # C in long double (80-bit on x86): finite differences lose about u·C/ε to
        # rounding, and a unit roundoff of 1e-19 instead of 1e-16 makes them an oracle far
        # more exact than backprop's float64 result
        net = net.copy(dtype=np.longdouble)
    started = time.perf_counter()
    passes = 0
    base = 0.0
    if method == "one_sided":
        base = net.mean_cost(X, Y)
        passes += 1
    flat = np.zeros(net.num_params, dtype=np.float64)
    for j in range(flat.size):
        plus = net.mean_cost_nudged(X, Y, j, eps)
        if method == "centred":
            minus = net.mean_cost_nudged(X, Y, j, -eps)
            flat[j] = (plus - minus) / (2 * eps)
            passes += 2
        else:
            flat[j] = (plus - base) / eps
            passes += 1
        if progress is not None:
            progress(j + 1, flat.size, passes)
        if should_stop is not None and should_stop():
            raise Cancelled(j + 1, flat.size, time.perf_counter() - started, passes)
    seconds = time.perf_counter() - started
    nabla_w, nabla_b = layer_views(flat, net.sizes)
    return NumericalGradient(nabla_w, nabla_b, eps, passes, seconds)


def _check_method(method: str) -> None:
    """Raise ValueError unless method is a known finite-difference scheme."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")


def relative_error(exact: np.ndarray, estimate: np.ndarray) -> float:
    """max_j |exact_j − estimate_j| / max(|exact_j| + |estimate_j|, floor); 0 for empty arrays.

    The floor is the larger of ``ABSOLUTE_FLOOR`` and ``RELATIVE_FLOOR`` times the layer's
    largest |exact_j| + |estimate_j|. Without it, a tiny entry (a dead ReLU, a saturated
    sigmoid, a layer whose gradient has vanished) would be judged on the finite difference's
    own error: its rounding error, about u·C/ε ≈ 1e-11 in float64, and its truncation
    error, neither of which shrinks with the entry. A real error in backprop spoils whole
    rows or layers, and still shows.
    """
    if exact.size == 0:
        return 0.0
    diff = np.abs(exact - estimate)
    magnitude = np.abs(exact) + np.abs(estimate)
    floor = max(ABSOLUTE_FLOOR, RELATIVE_FLOOR * float(magnitude.max()))
    return float((diff / np.maximum(magnitude, floor)).max())


def layer_errors(exact: Gradients, numeric: NumericalGradient) -> tuple[LayerError, ...]:
    """Backprop's largest relative error against the estimate, per layer (weights, biases)."""
    return tuple(
        LayerError(
            layer=l,
            max_rel_error_w=relative_error(exact.nabla_w[l], numeric.nabla_w[l]),
            max_rel_error_b=relative_error(exact.nabla_b[l], numeric.nabla_b[l]),
        )
        for l in range(len(exact.nabla_w))
    )


def check_gradients(
    net: Network,
    X: np.ndarray,
    Y: np.ndarray,
    eps: float | None = None,
    method: str = "centred",
    extended_precision: bool = False,
) -> GradCheckReport:
    """Compare backprop's gradient with finite differences layer by layer, timing both."""
    _check_method(method)
    X = np.asarray(X)
    bp_seconds, exact = time_backprop(net, X, Y)
    numeric = numerical_gradient(
        net, X, Y, eps=eps, method=method, extended_precision=extended_precision
    )
    return GradCheckReport(
        method=method,
        eps=numeric.eps,
        m=len(X) if X.ndim == 2 else 1,
        num_params=net.num_params,
        layers=layer_errors(exact, numeric),
        fd_forward_passes=numeric.forward_passes,
        fd_seconds=numeric.seconds,
        backprop_seconds=bp_seconds,
    )
