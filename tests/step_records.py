"""One engine step recorded as the trainer's ``StepDetail``, and an independent oracle.

The inspector's tests feed such a record to ``inspect_neuron`` and to the app's inspector.
``reference`` is plain NumPy written for the tests (the book's equations, one sample at a
time, no engine code): a forward pass, BP1/BP2, BP3/BP4 and the update from the parameters
before the step. ``check_against_reference`` requires every number of an inspection to
agree with it, and the update to agree with the parameters the engine left after its step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tui_backprop.engine import Gradients, Network
from tui_backprop.training.inspector_rows import Architecture, inspect_neuron

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
    step: int = 1


def take_step(net: Network, X, Y, eta: float, lmbda: float, n: int) -> Step:
    """One engine step, with copies of everything the inspector reads."""
    before_w = [w.copy() for w in net.weights]
    before_b = [b.copy() for b in net.biases]
    explained = net.backprop(X, Y)  # the same numbers as the step's, plus σ' and ∇_aC
    grads = net.sgd_step(X, Y, eta, lmbda, n)
    kept = Gradients(
        nabla_w=[g.copy() for g in grads.nabla_w],
        nabla_b=[g.copy() for g in grads.nabla_b],
        delta=[d.copy() for d in grads.delta],
        zs=[z.copy() for z in grads.zs],
        activations=[np.array(a, copy=True) for a in grads.activations],
    )
    for name in ("sigma_prime", "nabla_a"):  # only backprop fills these
        if hasattr(explained, name):
            value = getattr(explained, name)
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
    L = len(step.before.weights)
    m = len(step.X)
    per_sample = []
    for x in range(m):
        a = [step.X[x]]
        zs, primes = [], []
        for l in range(L):
            z = step.before.weights[l] @ a[-1] + step.before.biases[l]
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
            upstream = step.before.weights[l + 1].T @ deltas[0]
            back.insert(0, upstream)
            deltas.insert(0, upstream * primes[l])  # BP2
        per_sample.append(dict(a=a, z=zs, prime=primes, grad_a=grad_a, delta=deltas, back=back))
    nabla_b = [np.mean([s["delta"][l] for s in per_sample], axis=0) for l in range(L)]  # BP3
    nabla_w = [
        np.mean([np.outer(s["delta"][l], s["a"][l]) for s in per_sample], axis=0)  # BP4
        for l in range(L)
    ]
    decay = 1 - step.eta * step.lmbda / step.n
    w_after = [decay * w - step.eta * g for w, g in zip(step.before.weights, nabla_w)]
    b_after = [b - step.eta * g for b, g in zip(step.before.biases, nabla_b)]
    return dict(samples=per_sample, nabla_b=nabla_b, nabla_w=nabla_w, w=w_after, b=b_after)


def close(actual: float, expected: float) -> bool:
    """Equal to the reference within float64 rounding."""
    return bool(np.isclose(actual, expected, rtol=RTOL, atol=1e-14))


def check_against_reference(step: Step, arch: Architecture, layer: int, j: int, x: int) -> None:
    """Every number of one inspection equals the independent reference."""
    ref = reference(step, arch)
    s = ref["samples"][x]
    got = inspect_neuron(step, arch, layer, j, x)
    L = len(step.before.weights)
    assert (got.layer, got.neuron, got.sample) == (layer, j, x)
    np.testing.assert_allclose(got.inputs, s["a"][layer], rtol=RTOL)
    w = step.before.weights[layer]
    for term in got.z_sum.terms:
        assert close(term.weight, w[j, term.k])
        assert close(term.value, s["a"][layer][term.k])
        assert close(term.product, w[j, term.k] * s["a"][layer][term.k])
    assert close(got.z_sum.total, w[j] @ s["a"][layer])
    assert close(got.z_sum.total - sum(t.product for t in got.z_sum.terms), got.z_sum.rest)
    assert close(got.bias_before, step.before.biases[layer][j])
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
        w_next = step.before.weights[layer + 1]
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
        assert close(row.before, step.before.weights[layer][j, k])
        assert close(row.step, -step.eta * ref["nabla_w"][layer][j, k])
        assert close(row.after, ref["w"][layer][j, k])
        assert close(row.after, row.decayed + row.step)
        assert row.after == step.after.weights[layer][j, k]  # the engine's own result
    assert got.bias_after == step.after.biases[layer][j]
