"""The inspector's numbers are the engine's: each is recomputed here, independently.

The reference below is plain NumPy written for this test (the book's equations, one sample
at a time, no engine code): a forward pass, BP1/BP2, BP3/BP4 and the update from the
parameters before the step. Every number ``inspect_neuron`` reports must agree with it,
and the update must agree with the parameters the engine left after its step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from tui_backprop.engine import Gradients, Network
from tui_backprop.training.inspector_rows import Architecture, inspect_neuron, top_sum
from tui_backprop.training.saturation import DEAD, SATURATED, layer_saturation

RTOL = 1e-12


@dataclass
class Params:
    """Weights and biases per layer, as the trainer's ``Parameters``."""

    weights: list[np.ndarray]
    biases: list[np.ndarray]


@dataclass
class Step:
    """A StepDetail-shaped record of one ``sgd_step``, made here from engine calls."""

    X: np.ndarray
    Y: np.ndarray
    before: Params
    after: Params
    gradients: Gradients
    eta: float
    lmbda: float
    n: int

    @property
    def weights_before(self) -> list[np.ndarray]:
        """w before the step."""
        return self.before.weights

    @property
    def biases_before(self) -> list[np.ndarray]:
        """b before the step."""
        return self.before.biases

    @property
    def weights_after(self) -> list[np.ndarray]:
        """w after the step."""
        return self.after.weights

    @property
    def biases_after(self) -> list[np.ndarray]:
        """b after the step."""
        return self.after.biases


def take_step(net: Network, X, Y, eta: float, lmbda: float, n: int) -> Step:
    """One engine step, with copies of everything the inspector reads."""
    before_w = [w.copy() for w in net.weights]
    before_b = [b.copy() for b in net.biases]
    grads = net.sgd_step(X, Y, eta, lmbda, n)
    kept = Gradients(
        nabla_w=[g.copy() for g in grads.nabla_w],
        nabla_b=[g.copy() for g in grads.nabla_b],
        delta=[d.copy() for d in grads.delta],
        zs=[z.copy() for z in grads.zs],
        activations=[np.array(a, copy=True) for a in grads.activations],
    )
    for name in ("sigma_prime", "nabla_a"):  # the engine's newer fields, when it has them
        if hasattr(grads, name):
            value = getattr(grads, name)
            if isinstance(value, list):
                value = [None if v is None else v.copy() for v in value]
            elif value is not None:
                value = value.copy()
            setattr(kept, name, value)
    return Step(
        np.asarray(X, float),
        np.asarray(Y, float),
        Params(before_w, before_b),
        Params([w.copy() for w in net.weights], [b.copy() for b in net.biases]),
        kept,
        eta,
        lmbda,
        n,
    )


# -- the independent reference ------------------------------------------------------------


def sigma(name: str, z: np.ndarray) -> np.ndarray:
    """σ(z) written out."""
    if name == "sigmoid":
        return 1.0 / (1.0 + np.exp(-z))
    if name == "tanh":
        return np.tanh(z)
    if name == "relu":
        return np.where(z > 0, z, 0.0)
    if name == "softmax":
        e = np.exp(z - z.max())
        return e / e.sum()
    return z.copy()


def sigma_prime(name: str, z: np.ndarray) -> np.ndarray:
    """σ'(z) written out (softmax has none: NaN)."""
    if name == "sigmoid":
        s = 1.0 / (1.0 + np.exp(-z))
        return s * (1 - s)
    if name == "tanh":
        return 1 - np.tanh(z) ** 2
    if name == "relu":
        return (z > 0).astype(float)
    if name == "softmax":
        return np.full_like(z, np.nan)
    return np.ones_like(z)


def reference(step: Step, arch: Architecture) -> dict:
    """The book's equations, one sample at a time, from the parameters before the step."""
    L = len(step.weights_before)
    m = len(step.X)
    per_sample = []
    for x in range(m):
        a = [step.X[x]]
        zs, primes = [], []
        for l in range(L):
            z = step.weights_before[l] @ a[-1] + step.biases_before[l]
            name = arch.sigma(l, L)
            zs.append(z)
            a.append(sigma(name, z))
            primes.append(sigma_prime(name, z))
        y = step.Y[x]
        grad_a = a[-1] - y  # quadratic's ∇_aC
        # BP1, or chapter 3's δ = a − y where σ' cancels
        deltas = [a[-1] - y] if arch.sigma_cancels else [grad_a * primes[-1]]
        back = [None]
        for l in range(L - 2, -1, -1):
            upstream = step.weights_before[l + 1].T @ deltas[0]
            back.insert(0, upstream)
            deltas.insert(0, upstream * primes[l])  # BP2
        per_sample.append(dict(a=a, z=zs, prime=primes, grad_a=grad_a, delta=deltas, back=back))
    nabla_b = [np.mean([s["delta"][l] for s in per_sample], axis=0) for l in range(L)]  # BP3
    nabla_w = [
        np.mean([np.outer(s["delta"][l], s["a"][l]) for s in per_sample], axis=0)  # BP4
        for l in range(L)
    ]
    decay = 1 - step.eta * step.lmbda / step.n
    w_after = [decay * w - step.eta * g for w, g in zip(step.weights_before, nabla_w)]
    b_after = [b - step.eta * g for b, g in zip(step.biases_before, nabla_b)]
    return dict(samples=per_sample, nabla_b=nabla_b, nabla_w=nabla_w, w=w_after, b=b_after)


def close(actual: float, expected: float) -> bool:
    """Equal to the reference within float64 rounding."""
    return bool(np.isclose(actual, expected, rtol=RTOL, atol=1e-14))


def check_against_reference(step: Step, arch: Architecture, layer: int, j: int, x: int) -> None:
    """Every number of one inspection equals the independent reference."""
    ref = reference(step, arch)
    s = ref["samples"][x]
    got = inspect_neuron(step, arch, layer, j, x)
    L = len(step.weights_before)
    assert (got.layer, got.neuron, got.sample) == (layer, j, x)
    np.testing.assert_allclose(got.inputs, s["a"][layer], rtol=RTOL)
    w = step.weights_before[layer]
    for term in got.z_sum.terms:
        assert close(term.weight, w[j, term.k])
        assert close(term.value, s["a"][layer][term.k])
        assert close(term.product, w[j, term.k] * s["a"][layer][term.k])
    assert close(got.z_sum.total, w[j] @ s["a"][layer])
    assert close(got.z_sum.total - sum(t.product for t in got.z_sum.terms), got.z_sum.rest)
    assert close(got.bias_before, step.biases_before[layer][j])
    assert close(got.z, s["z"][layer][j])
    assert close(got.a, s["a"][layer + 1][j])
    if arch.sigma(layer, L) == "softmax":
        assert got.sigma_prime is None
    else:
        assert close(got.sigma_prime, s["prime"][layer][j])
    assert close(got.delta, s["delta"][layer][j])
    if layer == L - 1:
        assert close(got.target, step.Y[x, j])
        if arch.sigma_cancels:
            assert got.nabla_a is None and got.sigma_cancels
            assert close(got.delta, got.a - got.target)
        else:
            assert close(got.nabla_a, s["grad_a"][j])
            assert close(got.delta, got.nabla_a * got.sigma_prime)  # BP1
    else:
        w_next = step.weights_before[layer + 1]
        for term in got.back_sum.terms:
            assert close(term.weight, w_next[term.k, j])
            assert close(term.value, s["delta"][layer + 1][term.k])
        assert close(got.back_sum.total, s["back"][layer][j])
        assert close(got.delta, got.back_sum.total * got.sigma_prime)  # BP2
    assert close(got.nabla_b, ref["nabla_b"][layer][j])  # BP3
    assert close(got.bias_step, -step.eta * ref["nabla_b"][layer][j])
    assert close(got.bias_after, ref["b"][layer][j])
    assert close(got.bias_after, got.bias_before + got.bias_step)
    assert got.weights, "BP4 rows are shown"
    for row in got.weights:
        k = row.k
        assert close(row.a_k, s["a"][layer][k])
        assert close(row.per_sample, s["a"][layer][k] * s["delta"][layer][j])  # BP4
        assert close(row.batch_mean, ref["nabla_w"][layer][j, k])
        assert close(row.before, step.weights_before[layer][j, k])
        assert close(row.step, -step.eta * ref["nabla_w"][layer][j, k])
        assert close(row.after, ref["w"][layer][j, k])
        assert close(row.after, row.decayed + row.step)
        assert row.after == step.weights_after[layer][j, k]  # the engine's own result
    assert got.bias_after == step.biases_after[layer][j]


ARCHITECTURES = [
    Architecture("tanh", "sigmoid", "cross_entropy"),
    Architecture("sigmoid", "sigmoid", "quadratic"),
    Architecture("relu", "linear", "quadratic"),
    Architecture("sigmoid", "softmax", "log_likelihood"),
    Architecture("tanh", "tanh", "quadratic"),
]


@pytest.mark.parametrize("arch", ARCHITECTURES, ids=lambda a: f"{a.activation}-{a.cost}")
@pytest.mark.parametrize("lmbda", [0.0, 2.0])
def test_every_number_is_the_engines(arch: Architecture, lmbda: float) -> None:
    """For every layer, several neurons and samples: the inspection equals the reference."""
    rng = np.random.default_rng(3)
    sizes = [3, 5, 4, 3]
    net = Network(sizes, arch.activation, arch.output_activation, arch.cost, init="scaled", seed=2)
    X = rng.normal(size=(6, 3))
    Y = np.eye(3)[rng.integers(0, 3, 6)]
    step = take_step(net, X, Y, eta=0.7, lmbda=lmbda, n=60)
    for layer in range(3):
        for j in range(sizes[layer + 1]):
            for x in (0, 5):
                check_against_reference(step, arch, layer, j, x)


def test_the_xor_preset_after_one_step() -> None:
    """The xor preset's network after one step, at the output and a hidden layer."""
    from tui_backprop.data import load_dataset
    from tui_backprop.training import load_preset

    config = load_preset("xor")
    data = load_dataset(config.dataset, **config.dataset_options)
    net = Network(**config.network_arguments())
    X, Y = data.X_train[:10], data.Y_train[:10]
    step = take_step(net, X, Y, config.eta, config.lmbda, len(data.X_train))
    arch = Architecture(config.activation, config.output_activation, config.cost)
    check_against_reference(step, arch, 2, 0, 3)
    check_against_reference(step, arch, 0, 7, 9)


def test_indices_are_clamped_to_the_network() -> None:
    """A neuron or sample past the end shows the last one, not an error."""
    net = Network([2, 3, 1], "tanh", "sigmoid", "cross_entropy", seed=0)
    step = take_step(net, np.ones((4, 2)), np.ones((4, 1)), 0.5, 0.0, 4)
    arch = Architecture("tanh", "sigmoid", "cross_entropy")
    got = inspect_neuron(step, arch, layer=9, neuron=9, sample=9)
    assert (got.layer, got.neuron, got.sample) == (1, 0, 3)


def test_top_sum_names_the_largest_terms_and_keeps_the_total() -> None:
    """The three largest |w·v| are named in order; the rest sums to the difference."""
    weights = np.array([1.0, -3.0, 0.5, 2.0, 0.1])
    values = np.array([1.0, 1.0, 1.0, 1.0, 1.0])
    total = top_sum(weights, values, 3)
    assert [t.k for t in total.terms] == [1, 3, 0]
    assert total.rest == pytest.approx(0.6)
    assert total.rest_count == 2
    assert total.total == pytest.approx(0.6)


def test_saturation_masks() -> None:
    """Sigmoid: σ' < 1 % of 1/4 on every sample; ReLU: z ≤ 0 on every sample."""
    z = np.array([[10.0, 0.0, -1.0], [12.0, 9.0, 0.0]])
    s = 1 / (1 + np.exp(-z))
    saturated = layer_saturation("sigmoid", z, s * (1 - s))
    assert saturated.kind == SATURATED
    assert saturated.mask.tolist() == [True, False, False]
    assert saturated.share == pytest.approx(1 / 3)
    dead = layer_saturation("relu", z, None)
    assert dead.kind == DEAD
    assert dead.mask.tolist() == [False, False, True]
    assert layer_saturation("linear", z, np.ones_like(z)).share is None
