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
from tui_backprop.training.evaluator import Evaluation
from tui_backprop.training.inspection import Checkpoint, Divergence, Parameters, load_parameters
from tui_backprop.training.schedule import BatchSchedule

#: the cost has diverged when it exceeds its starting value (on the first mini-batch, or 1
#: if that was below 1) by this factor ...
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


class DivergenceWatch:
    """The last parameters known good, and the replay that finds where a run diverged.

    The trainer marks the parameters (``set_mark``) at each epoch's start and every so
    often, and notes each change of η since; after a non-finite step, ``replay`` retakes
    the steps from the mark, one by one, on the same mini-batches, finds the first that
    went wrong and where, and leaves the network at the parameters before it.
    """

    def __init__(self, net: Network, schedule: BatchSchedule, lmbda: float, n: int) -> None:
        """Watch a network trained on a schedule (λ and n as in its ``sgd_step`` calls)."""
        self._net, self._schedule, self._lmbda, self._n = net, schedule, lmbda, n
        self.mark: Checkpoint | None = None
        self._mark_index = 0  # the batch of the epoch that follows the mark
        self.good: Checkpoint | None = None  # the last evaluation within the cost rule
        self.start_cost: float | None = None  # the first mini-batch's cost, before its step
        self.eta_changes: dict[int, float] = {}  # step → η, since the mark
        self.eta_in_use = 0.0

    def set_mark(self, checkpoint: Checkpoint) -> None:
        """Remember the parameters before the schedule's next batch."""
        self.mark = checkpoint
        self._mark_index = self._schedule.index
        self.eta_changes = {}
        self.eta_in_use = checkpoint.eta

    def replay(self, failing: int, evaluation: Evaluation | None) -> Divergence:
        """Find the first non-finite step up to ``failing`` and where in it; keep the last
        finite parameters in the network."""
        mark, net = self.mark, self._net
        load_parameters(net, mark.parameters)
        kept, kept_step, samples, eta = mark.parameters, mark.step, mark.samples_seen, mark.eta
        for step in range(mark.step + 1, failing + 1):
            eta = self.eta_changes.get(step, eta)
            X, Y = self._schedule.batches[self._mark_index + step - mark.step - 1]
            grads = net.sgd_step(X, Y, eta, self._lmbda, self._n)
            after = Parameters.of(net)
            if not (after.is_finite() and math.isfinite(sum(grads.nabla_b[-1].tolist()))):
                failing = step
                break
            kept, kept_step, samples = after, step, samples + len(X)
        load_parameters(net, kept)
        layer, quantity = locate(net, X, Y, eta, self._lmbda, self._n)
        per_epoch = self._schedule.batches_per_epoch
        last = Checkpoint(kept, kept_step, kept_step // per_epoch, samples, eta, evaluation)
        return Divergence(failing, layer, quantity or "update", where(layer, quantity), last)

    def cost_rule(self, step: int, reason: str) -> Divergence:
        """The cost ran away: back to the last evaluation within bounds (or the start)."""
        load_parameters(self._net, self.good.parameters)
        return Divergence(step, None, "cost", reason, self.good)


def cost_runaway(cost: float, start: float | None) -> str:
    """Why this training cost means divergence, or "" when it does not."""
    if not math.isfinite(cost):
        return f"the training cost became {cost}"
    if cost > COST_BOUND:
        return f"the training cost grew to {cost:.3g}, above the bound {COST_BOUND:.0e}"
    start = max(start, 1.0) if start is not None and math.isfinite(start) else None
    if start is not None and cost > COST_GROWTH_FACTOR * start:
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
        for l in range(n_layers):  # activations[0] is X: layer l's output is activations[l + 1]
            if not _finite(grads.zs[l]):
                return l + 1, "z"
            if not _finite(grads.activations[l + 1]):
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
