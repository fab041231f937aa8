"""The engine's public contract: read-only parameters, one way in, plain mean gradients.

Also what the inspector relies on: ``backprop`` and ``sgd_step`` compute the same numbers
bit for bit, and ``backprop`` adds σ'(z) per layer and ∇_a C at the output.
"""

from __future__ import annotations

import inspect
import tracemalloc

import numpy as np
import pytest

from tests.engine.conftest import ALL_COMBINATIONS, make_batch
from tui_backprop.engine import NETWORK_ARGUMENTS, Network, check_pairing


def test_weights_and_biases_are_read_only_views():
    """Writing into weights[l] or replacing it fails; the network is unchanged."""
    net = Network([3, 4, 2], seed=0)
    before = [w.copy() for w in net.weights]
    with pytest.raises(ValueError, match="read-only"):
        net.weights[0][0, 0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        net.biases[1] += 1.0
    with pytest.raises(TypeError):
        net.weights[0] = np.zeros((4, 3))  # type: ignore[index]
    assert all(np.array_equal(w, b) for w, b in zip(net.weights, before))


def test_parameters_is_theta_read_only_in_the_layer_views_layout():
    """``parameters`` lists every weight row by row, then every bias, and refuses writes;
    it follows the network as it trains (a view, not a copy)."""
    net = Network([3, 4, 2], seed=0)
    expected = np.concatenate([w.ravel() for w in net.weights] + list(net.biases))
    assert np.array_equal(net.parameters, expected)
    with pytest.raises(ValueError, match="read-only"):
        net.parameters[0] = 1.0
    X, Y = make_batch(np.random.default_rng(0), [3, 4, 2], 5, "sigmoid")
    net.sgd_step(X, Y, 0.5, 0.0, 5)
    trained = np.concatenate([w.ravel() for w in net.weights] + list(net.biases))
    assert np.array_equal(net.parameters, trained) and not np.array_equal(trained, expected)


def test_load_parameters_copies_and_the_network_trains_them():
    """The arrays are copied (changing them later changes nothing) and then trained."""
    net = Network([2, 3, 1], seed=0)
    twin = Network([2, 3, 1], seed=5)
    weights = [w.copy() for w in twin.weights]
    net.load_parameters(weights, [b.astype(np.float32) for b in twin.biases])
    weights[0][...] = 99.0
    X, Y = make_batch(np.random.default_rng(2), net.sizes, 4, "sigmoid")
    expected = twin.backprop(X, Y)
    net.sgd_step(X, Y, 1.0)
    for l in range(2):
        np.testing.assert_allclose(net.weights[l], twin.weights[l] - expected.nabla_w[l], rtol=1e-6)


@pytest.mark.parametrize(
    ("weights", "biases", "message"),
    [
        ([np.zeros((3, 3)), np.zeros((1, 3))], None, r"layer 1's weights must have shape \(3, 2\)"),
        ([np.zeros((3, 2)), np.full((1, 3), np.nan)], None, "layer 2's weights must be finite"),
        (None, [np.zeros(3), np.array([np.inf])], "layer 2's biases must be finite"),
        ([np.zeros((3, 2), complex), np.zeros((1, 3))], None, "must be real numbers"),
        ([np.full((3, 2), "x"), np.zeros((1, 3))], None, "layer 1's weights must be real"),
        ([np.zeros((3, 2))], None, "need 2 weight and 2 bias arrays"),
    ],
)
def test_load_parameters_refuses_bad_arrays_naming_the_layer(weights, biases, message):
    """Wrong shape, NaN, inf, complex, strings, a missing layer: ValueError, nothing changed."""
    net = Network([2, 3, 1], seed=0)
    before = [p.copy() for p in net.weights + net.biases]
    with pytest.raises(ValueError, match=message):
        net.load_parameters(
            weights if weights is not None else net.weights,
            biases if biases is not None else net.biases,
        )
    assert all(np.array_equal(p, b) for p, b in zip(net.weights + net.biases, before))


@pytest.mark.parametrize(("hidden", "output", "cost"), ALL_COMBINATIONS)
def test_backprop_and_sgd_step_compute_the_same_numbers_bit_for_bit(hidden, output, cost):
    """What the inspector shows from backprop is what the training step used."""
    net = Network([3, 5, 4, 2], hidden, output, cost, init="scaled", seed=3)
    X, Y = make_batch(np.random.default_rng(4), net.sizes, 6, output)
    explained = net.backprop(X, Y)
    used = net.sgd_step(X, Y, 0.3, 0.1, 60)
    for name in ("nabla_w", "nabla_b", "delta", "zs", "activations"):
        for mine, theirs in zip(getattr(explained, name), getattr(used, name), strict=True):
            np.testing.assert_array_equal(mine, theirs, err_msg=name)
    assert used.sigma_prime is None and used.nabla_a is None


@pytest.mark.parametrize(("hidden", "output", "cost"), ALL_COMBINATIONS)
def test_backprop_gives_sigma_prime_and_nabla_a_satisfying_bp1_and_bp2(hidden, output, cost):
    """δ^L = ∇_a C ⊙ σ'(z^L) (BP1) unless σ' cancels; δ^l = (δ^(l+1) w) ⊙ σ'(z^l) (BP2)."""
    net = Network([3, 5, 4, 2], hidden, output, cost, init="scaled", seed=3)
    X, Y = make_batch(np.random.default_rng(5), net.sizes, 6, output)
    g = net.backprop(X, Y)
    assert [s.shape for s in g.sigma_prime[:-1]] == [(6, 5), (6, 4)]
    for l in range(2):
        back = g.delta[l + 1] @ net.weights[l + 1]
        np.testing.assert_allclose(g.delta[l], back * g.sigma_prime[l], rtol=1e-12, atol=1e-300)
    if cost == "quadratic":
        np.testing.assert_array_equal(g.nabla_a, g.activations[-1] - Y)
        np.testing.assert_allclose(g.delta[-1], g.nabla_a * g.sigma_prime[-1], rtol=1e-12)
    else:  # cross-entropy with sigmoid, log-likelihood with softmax: δ^L = a − y
        assert g.nabla_a is None
        np.testing.assert_allclose(g.delta[-1], g.activations[-1] - Y, rtol=1e-12)
    if output == "softmax":
        assert g.sigma_prime[-1] is None
    else:
        assert g.sigma_prime[-1].shape == (6, 2)


@pytest.mark.parametrize(("dtype", "eta"), [("float64", 1e-310), ("float32", 1e-39)])
def test_a_subnormal_learning_rate_takes_a_finite_step(dtype, eta):
    """No division by η anywhere: a tiny η gives the plain gradients and finite weights."""
    net = Network([2, 4, 1], dtype=dtype, seed=0)
    X, Y = make_batch(np.random.default_rng(0), net.sizes, 5, "sigmoid")
    expected = net.backprop(X, Y)
    used = net.sgd_step(X, Y, eta, lmbda=1.0, n=10)
    for mine, theirs in zip(used.nabla_w + used.nabla_b, expected.nabla_w + expected.nabla_b):
        np.testing.assert_array_equal(mine, theirs)
    assert all(np.isfinite(p).all() for p in net.weights + net.biases)


@pytest.mark.parametrize(("hidden", "output", "cost"), ALL_COMBINATIONS)
def test_the_training_step_allocates_no_array(hidden, output, cost):
    """Over 300 steps with a fixed m, traced memory does not grow, and no step makes an array.

    Every (m, n) buffer here holds at least 9,000 numbers (72,000 bytes), more than the
    8,192-element buffer NumPy's own iterator takes for a broadcast such as z += b; so a
    peak below one such buffer means the engine made no array of z's, a's or δ's size.
    """
    net = Network([6, 32, 32, 30], hidden, output, cost, init="scaled", seed=0)
    X, Y = make_batch(np.random.default_rng(0), net.sizes, 300, output)
    smallest = 300 * 30 * 8
    step = net.sgd_step
    step(X, Y, 0.01, 0.1, 1000)
    tracemalloc.start()
    try:
        step(X, Y, 0.01, 0.1, 1000)
        tracemalloc.reset_peak()
        start, _ = tracemalloc.get_traced_memory()
        before = tracemalloc.take_snapshot()
        for _ in range(300):
            step(X, Y, 0.01, 0.1, 1000)
        _, peak = tracemalloc.get_traced_memory()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    # what the engine's lines kept: other threads allocate meanwhile (pytest-xdist's channel
    # once kept 1 kB), and NumPy's allocations are traced to the engine line calling it
    engine = [tracemalloc.Filter(True, "*/tui_backprop/engine/*")]
    kept = after.filter_traces(engine).compare_to(before.filter_traces(engine), "filename")
    grown = sum(stat.size_diff for stat in kept)
    # 300 steps that kept even one byte each would show
    assert grown < 256, f"{grown} bytes stayed after 300 steps"
    assert peak - start < smallest, f"a step allocated {peak - start} bytes at once"


def test_the_constructor_arguments_are_named_once():
    """NETWORK_ARGUMENTS is the constructor's signature and what config() returns."""
    parameters = list(inspect.signature(Network).parameters)
    assert tuple(parameters) == NETWORK_ARGUMENTS
    assert tuple(Network([2, 1]).config()) == NETWORK_ARGUMENTS


def test_softmax_over_one_output_is_refused():
    """One softmax neuron always outputs 1: cost 0 and no gradient (issue 12 item 2)."""
    with pytest.raises(ValueError, match="softmax' needs at least 2 output neurons"):
        Network([2, 16, 1], "relu", "softmax", "log_likelihood")
    check_pairing("softmax", "log_likelihood", 2)
    with pytest.raises(ValueError, match="cannot be paired"):
        check_pairing("softmax", "quadratic")
