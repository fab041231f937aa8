"""The fast paths of the engine give the same numbers as the plain ones."""

from __future__ import annotations

import numpy as np
import pytest

from tests.engine.conftest import ALL_COMBINATIONS, make_batch
from tui_backprop.engine import HIDDEN_ACTIVATIONS, Network


@pytest.mark.parametrize(("hidden", "output", "cost"), ALL_COMBINATIONS)
def test_sgd_step_matches_backprop_and_the_plain_update(hidden, output, cost):
    """sgd_step uses backprop's gradient, bit for bit, and makes network2.py's update."""
    net = Network([3, 5, 4, 2], hidden, output, cost, init="scaled", seed=1)
    X, Y = make_batch(np.random.default_rng(1), net.sizes, 7, output)
    eta, lmbda, n = 0.4, 0.5, 70
    expected = net.backprop(X, Y)
    before = [p.copy() for p in net.weights + net.biases]
    used = net.sgd_step(X, Y, eta, lmbda, n)
    decay = 1 - eta * lmbda / n
    for l in range(3):
        np.testing.assert_array_equal(used.nabla_w[l], expected.nabla_w[l])
        np.testing.assert_array_equal(used.nabla_b[l], expected.nabla_b[l])
        np.testing.assert_allclose(
            net.weights[l], decay * before[l] - eta * expected.nabla_w[l], rtol=1e-12
        )
        np.testing.assert_allclose(
            net.biases[l], before[3 + l] - eta * expected.nabla_b[l], rtol=1e-12
        )


def test_the_returned_gradients_are_reused():
    """One Gradients object per batch size, with the input X as activations[0]."""
    net = Network([4, 3, 2], seed=0)
    X, Y = make_batch(np.random.default_rng(0), net.sizes, 5, "sigmoid")
    first = net.sgd_step(X, Y, 0.5)
    again = net.sgd_step(X, Y, 0.5)
    assert first is again
    assert again.activations[0].shape == (5, 4)
    np.testing.assert_array_equal(again.activations[0], X)


@pytest.mark.parametrize("name", sorted(HIDDEN_ACTIVATIONS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_times_prime_is_the_hadamard_product_with_prime(name, dtype):
    """δ ⊙ σ'(z) in place equals δ times the prime, for every hidden activation."""
    act = HIDDEN_ACTIVATIONS[name]
    rng = np.random.default_rng(3)
    z = rng.standard_normal((6, 5)).astype(dtype)
    z[0, 0] = 0.0
    a = act.fn(z)
    delta = rng.standard_normal((6, 5)).astype(dtype)
    expected = delta * act.prime(z, a)
    got = act.times_prime(delta.copy(), z, a, np.empty_like(z))
    assert got.dtype == dtype
    np.testing.assert_allclose(got, expected, rtol=1e-6)
