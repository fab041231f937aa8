"""The fast paths of the engine give the same numbers as the plain ones."""

from __future__ import annotations

import numpy as np
import pytest

from tests.engine.conftest import ALL_COMBINATIONS, make_batch
from tui_backprop.engine import HIDDEN_ACTIVATIONS, Network


@pytest.mark.parametrize(("hidden", "output", "cost"), ALL_COMBINATIONS)
def test_sgd_step_matches_backprop_and_the_plain_update(hidden, output, cost):
    """The one-pass update and the ∇w read back later equal backprop's gradient and step."""
    net = Network([3, 5, 4, 2], hidden, output, cost, init="scaled", seed=1)
    X, Y = make_batch(np.random.default_rng(1), net.sizes, 7, output)
    eta, lmbda, n = 0.4, 0.5, 70
    expected = net.backprop(X, Y)
    before = [p.copy() for p in net.weights + net.biases]
    used = net.sgd_step(X, Y, eta, lmbda, n)
    decay = 1 - eta * lmbda / n
    for l in range(3):
        np.testing.assert_allclose(used.nabla_w[l], expected.nabla_w[l], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(used.nabla_b[l], expected.nabla_b[l], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(
            net.weights[l], decay * before[l] - eta * expected.nabla_w[l], rtol=1e-12
        )
        np.testing.assert_allclose(
            net.biases[l], before[3 + l] - eta * expected.nabla_b[l], rtol=1e-12
        )


def test_the_returned_gradients_are_reused_and_read_back_once():
    """One Gradients object per batch size; reading ∇w twice gives the same values."""
    net = Network([4, 3, 2], seed=0)
    X, Y = make_batch(np.random.default_rng(0), net.sizes, 5, "sigmoid")
    first = net.sgd_step(X, Y, 0.5)
    again = net.sgd_step(X, Y, 0.5)
    assert first is again
    reading = [g.copy() for g in again.nabla_w]
    for g, kept in zip(again.nabla_w, reading):
        np.testing.assert_array_equal(g, kept)
    assert again.activations[0] is not None and again.activations[0].shape == (5, 4)


def test_arrays_put_into_weights_are_packed_and_trained():
    """A loader that replaces weights[l] and biases[l] still trains those values."""
    net = Network([2, 3, 1], seed=0)
    twin = Network([2, 3, 1], seed=5)
    for l in range(2):
        net.weights[l] = twin.weights[l].copy()
        net.biases[l] = twin.biases[l].copy()
    X, Y = make_batch(np.random.default_rng(2), net.sizes, 4, "sigmoid")
    expected = twin.backprop(X, Y)
    net.sgd_step(X, Y, 1.0)
    for l in range(2):
        np.testing.assert_allclose(net.weights[l], twin.weights[l] - expected.nabla_w[l])
    net.sgd_step(X, Y, 1.0)  # the packed views are used from now on
    assert net.weights[0].base is not None and net.weights[0].flags.c_contiguous


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
