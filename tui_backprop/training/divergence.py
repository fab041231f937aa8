"""Divergence: the rules that declare it, and finding where it began.

Two rules, checked by the trainer:

- a step produced a value that is not finite (NaN or ±inf): checked once a step on
  ∇b^L, which every forward-pass overflow reaches at once;
- the training cost ran away while staying finite: above ``COST_GROWTH_FACTOR`` times its
  value before the first step, or above ``COST_BOUND``, at an evaluation.

Only when a run has diverged does ``locate`` re-run the failing step's forward and
backward pass on the last finite parameters, to say in which layer and in which of
chapter 2's quantities the first non-finite value appeared. The hot path never pays.
"""

from __future__ import annotations

import math

import numpy as np

from tui_backprop.engine import Network

#: the cost has diverged when it exceeds its starting value by this factor ...
COST_GROWTH_FACTOR = 1e6
#: ... or exceeds this, whatever it started at
COST_BOUND = 1e30

#: what each quantity is, for the message
DESCRIPTIONS = {
    "z": "the weighted input z = w·a + b",
    "a": "the activation a = σ(z)",
    "δ (BP1)": "the output error δ^L = ∇_aC ⊙ σ'(z^L) (BP1)",
    "δ (BP2)": "the error δ^l = ((w^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^l) (BP2)",
    "∇ (BP3/BP4)": "the gradient ∂C/∂w = a·δ, ∂C/∂b = δ (BP3/BP4)",
    "update": "the update w − η·∂C/∂w",
}


def cost_runaway(cost: float, start: float | None) -> str:
    """Why this training cost means divergence, or "" when it does not."""
    if not math.isfinite(cost):
        return f"the training cost became {cost}"
    if cost > COST_BOUND:
        return f"the training cost grew to {cost:.3g}, above the bound {COST_BOUND:.0e}"
    grown = start is not None and math.isfinite(start) and start > 0
    if grown and cost > COST_GROWTH_FACTOR * start:
        return (
            f"the training cost grew to {cost:.3g}, more than {COST_GROWTH_FACTOR:.0e} "
            f"times its starting value {start:.3g}"
        )
    return ""


def _finite(a: np.ndarray) -> bool:
    """True when every element is finite."""
    return bool(np.isfinite(a).all())


def locate(
    net: Network, X: np.ndarray, Y: np.ndarray, eta: float, lmbda: float, n: int
) -> tuple[int | None, str | None]:
    """The first layer (1 = first hidden) and quantity that is not finite in one step.

    Runs the step's forward and backward pass with ``net``'s parameters (the ones before
    the step) and looks in the order the step computes: z and a layer by layer, δ^L (BP1),
    δ^l downwards (BP2), the gradients (BP3/BP4), then the update. (None, None) when the
    step is finite throughout.
    """
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        grads = net.backprop(X, Y)
        n_layers = len(grads.zs)
        # activations may or may not include the input as their first entry
        offset = len(grads.activations) - n_layers
        for l in range(n_layers):
            if not _finite(grads.zs[l]):
                return l + 1, "z"
            if not _finite(grads.activations[l + offset]):
                return l + 1, "a"
        if not _finite(grads.delta[-1]):
            return n_layers, "δ (BP1)"
        for l in range(n_layers - 2, -1, -1):
            if not _finite(grads.delta[l]):
                return l + 1, "δ (BP2)"
        for l in range(n_layers):
            if not (_finite(grads.nabla_w[l]) and _finite(grads.nabla_b[l])):
                return l + 1, "∇ (BP3/BP4)"
        decay = 1.0 - eta * lmbda / n
        for l, (w, b) in enumerate(zip(net.weights, net.biases)):
            w_after = decay * w - eta * grads.nabla_w[l]
            if not (_finite(w_after) and _finite(b - eta * grads.nabla_b[l])):
                return l + 1, "update"
    return None, None


def message(step: int, reason: str, eta: float, kept_step: int) -> str:
    """The one-line report of a divergence, naming the step and suggesting a smaller η."""
    kept = (
        "" if kept_step is None else f" The network keeps its last finite state (step {kept_step})."
    )
    return f"diverged at step {step}: {reason}.{kept} Try a smaller η (now {eta:g})."


def where(layer: int | None, quantity: str | None) -> str:
    """'the weighted input z … of layer 2 stopped being finite', or a fallback."""
    if quantity is None:
        return "the parameters stopped being finite"
    return f"{DESCRIPTIONS[quantity]} of layer {layer} stopped being finite"
