"""The inspector's numbers: BP1–BP4 for one neuron j of layer l and one sample x of a step.

Everything here is read from what the engine produced for that step — the mini-batch, the
parameters before and after the update, and the engine's ``Gradients`` (z, a, σ'(z), ∇_aC,
δ, ∇b, ∇w) — and never recomputed by a second forward or backward pass. The only new
arithmetic is the splitting of a sum into its terms (w_jk a_k of z, w_kj δ_k of BP2,
a_k δ_j of BP4) so that the largest ones can be named, and the step −η·∂C/∂w of the update.

Layers use the engine's code index (see ``tui_backprop.engine.network``): ``layer = 0`` is
the first hidden layer, the book's layer 2, and ``gradients.activations[layer]`` is the
layer's input a^(l−1). No Textual here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from tui_backprop.engine import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, Gradients

#: how many of a sum's terms are named (the largest by magnitude); the rest are summed
TOP_TERMS = 3
#: costs whose δ^L = a − y because σ'(z^L) cancels (chapter 3), with the output they need
CANCELLING = {("cross_entropy", "sigmoid"), ("log_likelihood", "softmax")}


class LayerParameters(Protocol):
    """Weights and biases per layer (code index), as the trainer's ``Parameters``."""

    @property
    def weights(self) -> Sequence[np.ndarray]:
        """w per layer, (n_out, n_in)."""

    @property
    def biases(self) -> Sequence[np.ndarray]:
        """b per layer, (n_out,)."""


class StepRecord(Protocol):
    """What the inspector needs of one step: the trainer's ``StepDetail`` is one."""

    X: np.ndarray  # the mini-batch inputs, (m, n_in)
    Y: np.ndarray  # its targets, (m, n_out)
    before: LayerParameters  # the parameters the step started from
    after: LayerParameters  # and those it left
    gradients: Gradients  # the engine's, for this step
    eta: float
    lmbda: float
    n: int  # the training set's size, for the L2 decay 1 − ηλ/n


@dataclass(frozen=True)
class Architecture:
    """The names that decide which equations apply: hidden σ, output σ and the cost."""

    activation: str
    output_activation: str
    cost: str

    @classmethod
    def of(cls, config: object) -> Architecture:
        """The names of a run configuration (any object with the three fields)."""
        return cls(config.activation, config.output_activation, config.cost)  # type: ignore[attr-defined]

    def sigma(self, layer: int, n_layers: int) -> str:
        """The σ of a layer (code index)."""
        return self.output_activation if layer == n_layers - 1 else self.activation

    @property
    def sigma_cancels(self) -> bool:
        """True when BP1 reduces to δ^L = a − y (cross-entropy + sigmoid, log-likelihood +
        softmax)."""
        return (self.cost, self.output_activation) in CANCELLING


@dataclass(frozen=True)
class Term:
    """One term of a sum: a weight times a value (a_k for z, δ_k for BP2)."""

    k: int  # the other neuron's index (0-based)
    weight: float
    value: float
    product: float


@dataclass(frozen=True)
class Sum:
    """A sum with its largest terms named and the others folded into ``rest``."""

    terms: tuple[Term, ...]
    rest: float
    rest_count: int
    total: float


@dataclass(frozen=True)
class WeightRow:
    """BP4 and the update for one incoming weight w_jk."""

    k: int
    a_k: float  # a^(l−1)_k of the sample
    per_sample: float  # ∂C_x/∂w_jk = a_k δ_j (BP4)
    batch_mean: float  # ∂C/∂w_jk: the engine's ∇w, the mean over the mini-batch
    before: float
    decayed: float  # (1 − ηλ/n)·w, equal to ``before`` when λ = 0
    step: float  # −η·∂C/∂w_jk
    after: float  # the engine's w after the step


@dataclass(frozen=True)
class NeuronInspection:
    """Every number of chapter 2 for neuron ``neuron`` of ``layer`` and sample ``sample``."""

    layer: int
    n_layers: int
    neuron: int
    n_neurons: int
    sample: int
    m: int
    sigma: str  # this layer's activation
    cost: str
    inputs: np.ndarray  # a^(l−1) of the sample
    z_sum: Sum  # Σ_k w_jk a_k, before the bias
    bias_before: float
    z: float  # the engine's z^l_j
    a: float  # the engine's a^l_j = σ(z)
    sigma_prime: float | None  # the engine's σ'(z^l_j); None for softmax
    target: float | None  # y_j, at the output layer
    nabla_a: float | None  # ∇_aC_j at the output (None when σ' cancels, or hidden)
    back_sum: Sum | None  # ((w^(l+1))ᵀ δ^(l+1))_j, at a hidden layer (BP2)
    delta: float  # the engine's δ^l_j of the sample
    nabla_b: float  # the engine's ∂C/∂b^l_j, the batch mean (BP3)
    weights: tuple[WeightRow, ...]  # BP4 and the update for the largest |∂C/∂w_jk|
    bias_step: float  # −η·∂C/∂b_j
    bias_after: float
    eta: float
    lmbda: float
    n: int
    decay: float  # 1 − ηλ/n

    @property
    def is_output(self) -> bool:
        """True for the output layer L."""
        return self.layer == self.n_layers - 1

    @property
    def sigma_cancels(self) -> bool:
        """True when BP1 gave δ^L = a − y directly (no σ' factor)."""
        return self.is_output and self.nabla_a is None


def top_sum(weights: np.ndarray, values: np.ndarray, count: int = TOP_TERMS) -> Sum:
    """Σ_k weights_k·values_k with the ``count`` largest products named (ties: lower k)."""
    products = weights * values
    order = np.argsort(-np.abs(products), kind="stable")
    shown = order[:count]
    others = order[count:]
    return Sum(
        terms=tuple(
            Term(int(k), float(weights[k]), float(values[k]), float(products[k])) for k in shown
        ),
        rest=float(products[others].sum()),
        rest_count=len(others),
        total=float(products.sum()),
    )


def sigma_prime_of(
    gradients: Gradients, architecture: Architecture, layer: int
) -> np.ndarray | None:
    """The engine's σ'(z) of a layer, per sample (None where σ' is not elementwise: softmax)."""
    stored = getattr(gradients, "sigma_prime", None)
    if stored is not None:
        return stored[layer]
    # until the engine keeps σ'(z) for every layer: the engine's own σ' of its z and a
    name = architecture.sigma(layer, len(gradients.delta))
    if name == "softmax":
        return None
    table = OUTPUT_ACTIVATIONS if layer == len(gradients.delta) - 1 else HIDDEN_ACTIVATIONS
    return table[name].prime(gradients.zs[layer], gradients.activations[layer + 1])


def nabla_a_of(
    gradients: Gradients, architecture: Architecture, Y: np.ndarray
) -> np.ndarray | None:
    """The engine's ∇_aC at the output per sample, or None when σ' cancels in BP1."""
    if hasattr(gradients, "nabla_a"):
        return gradients.nabla_a
    # until the engine keeps ∇_aC: the quadratic cost's a − y, as its BP1 computes it
    if architecture.sigma_cancels:
        return None
    return gradients.activations[-1] - Y


def inspect_neuron(
    step: StepRecord,
    architecture: Architecture,
    layer: int,
    neuron: int,
    sample: int,
    top: int = TOP_TERMS,
) -> NeuronInspection:
    """The inspector's numbers for one neuron and one sample of ``step`` (indices clamped)."""
    grads = step.gradients
    n_layers = len(grads.delta)
    layer = min(max(layer, 0), n_layers - 1)
    m, n_neurons = grads.delta[layer].shape
    j = min(max(neuron, 0), n_neurons - 1)
    x = min(max(sample, 0), m - 1)
    is_output = layer == n_layers - 1

    inputs = np.array(grads.activations[layer][x], dtype=float)  # a^(l−1) for the sample
    w_before = step.before.weights[layer]
    z_sum = top_sum(np.asarray(w_before[j], float), inputs, top)
    slope = sigma_prime_of(grads, architecture, layer)
    delta = float(grads.delta[layer][x, j])

    target = nabla_a = None
    back_sum = None
    if is_output:
        target = float(step.Y[x, j])
        gradient_a = nabla_a_of(grads, architecture, step.Y)
        if gradient_a is not None:
            nabla_a = float(gradient_a[x, j])
    else:
        w_next = np.asarray(step.before.weights[layer + 1][:, j], float)  # w^(l+1)_kj over k
        back_sum = top_sum(w_next, np.asarray(grads.delta[layer + 1][x], float), top)

    decay = 1.0 - step.eta * step.lmbda / step.n if step.lmbda else 1.0
    nabla_w = np.asarray(grads.nabla_w[layer][j], float)
    order = np.argsort(-np.abs(nabla_w), kind="stable")[:top]
    rows = tuple(
        WeightRow(
            k=int(k),
            a_k=float(inputs[k]),
            per_sample=float(inputs[k] * delta),
            batch_mean=float(nabla_w[k]),
            before=float(w_before[j, k]),
            decayed=float(decay * w_before[j, k]),
            step=float(-step.eta * nabla_w[k]),
            after=float(step.after.weights[layer][j, k]),
        )
        for k in order
    )
    nabla_b = float(grads.nabla_b[layer][j])
    return NeuronInspection(
        layer=layer,
        n_layers=n_layers,
        neuron=j,
        n_neurons=n_neurons,
        sample=x,
        m=m,
        sigma=architecture.sigma(layer, n_layers),
        cost=architecture.cost,
        inputs=inputs,
        z_sum=z_sum,
        bias_before=float(step.before.biases[layer][j]),
        z=float(grads.zs[layer][x, j]),
        a=float(grads.activations[layer + 1][x, j]),
        sigma_prime=None if slope is None else float(slope[x, j]),
        target=target,
        nabla_a=nabla_a,
        back_sum=back_sum,
        delta=delta,
        nabla_b=nabla_b,
        weights=rows,
        bias_step=-step.eta * nabla_b,
        bias_after=float(step.after.biases[layer][j]),
        eta=step.eta,
        lmbda=step.lmbda,
        n=step.n,
        decay=decay,
    )
