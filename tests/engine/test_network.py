"""The engine contract: shapes, validation, SGD arithmetic, determinism, numerical safety."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from tests.engine.conftest import ALL_COMBINATIONS, make_batch
from tui_backprop.engine import Network


def test_shapes_follow_the_seed_convention():
    """weights[l] is (n_out, n_in), w_jk as in chapter 2; biases[l] is (n_out,)."""
    net = Network(sizes=[784, 30, 10], activation="sigmoid", output_activation="sigmoid",
                  cost="quadratic", init="standard", seed=0)  # fmt: skip
    assert [w.shape for w in net.weights] == [(30, 784), (10, 30)]
    assert [b.shape for b in net.biases] == [(30,), (10,)]
    assert net.num_params == 784 * 30 + 30 + 30 * 10 + 10
    rng = np.random.default_rng(0)
    X, Y = make_batch(rng, net.sizes, 7, "sigmoid")
    assert net.feedforward(X).shape == (7, 10)
    assert isinstance(net.cost(X, Y), float)
    g = net.backprop(X, Y)
    assert [d.shape for d in g.delta] == [(7, 30), (7, 10)]
    assert [z.shape for z in g.zs] == [(7, 30), (7, 10)]
    assert [a.shape for a in g.activations] == [(7, 784), (7, 30), (7, 10)]
    assert [nw.shape for nw in g.nabla_w] == [(30, 784), (10, 30)]
    for l in range(2):
        np.testing.assert_allclose(g.nabla_b[l], g.delta[l].mean(axis=0), rtol=1e-12)
        # BP4 by hand, one sample at a time: the vectorised product must agree
        by_sample = sum(np.outer(g.delta[l][x], g.activations[l][x]) for x in range(7)) / 7
        np.testing.assert_allclose(g.nabla_w[l], by_sample, rtol=1e-10, atol=1e-14)


def test_feedforward_matches_the_books_column_equations():
    """a^l = σ(w^l a^(l−1) + b^l), computed one sample at a time as network.py does."""
    net = Network([3, 4, 2], "tanh", "linear", "quadratic", seed=1)
    X = np.random.default_rng(1).standard_normal((5, 3))
    for x, out in zip(X, net.feedforward(X)):
        a = x
        a = np.tanh(net.weights[0] @ a + net.biases[0])
        a = net.weights[1] @ a + net.biases[1]
        np.testing.assert_allclose(out, a, rtol=1e-12)


def test_init_standard_and_scaled_have_the_books_spread():
    """standard: N(0, 1) weights; scaled: N(0, 1/n_in) weights; biases N(0, 1) in both."""
    standard = Network([400, 300, 2], init="standard", seed=0)
    scaled = Network([400, 300, 2], init="scaled", seed=0)
    assert standard.weights[0].std() == pytest.approx(1.0, rel=0.02)
    assert scaled.weights[0].std() == pytest.approx(1 / np.sqrt(400), rel=0.02)
    assert scaled.biases[0].std() == pytest.approx(1.0, rel=0.2)


def test_same_seed_same_network_and_training():
    """Same seed: identical parameters and identical results after training steps."""
    rng = np.random.default_rng(9)
    X, Y = make_batch(rng, [4, 5, 3], 8, "sigmoid")
    nets = [Network([4, 5, 3], seed=42) for _ in range(2)]
    for net in nets:
        for _ in range(5):
            net.sgd_step(X, Y, eta=0.5, lmbda=0.1, n=100)
    for w0, w1 in zip(nets[0].weights, nets[1].weights):
        assert np.array_equal(w0, w1)
    assert not np.array_equal(Network([4, 5, 3], seed=1).weights[0], nets[0].weights[0])


def test_sgd_step_arithmetic_with_l2_decay():
    """w → (1 − ηλ/n)·w − η·nabla_w; b → b − η·nabla_b; the gradients used are returned."""
    net = Network([3, 4, 2], "relu", "sigmoid", "cross_entropy", seed=3)
    rng = np.random.default_rng(3)
    X, Y = make_batch(rng, net.sizes, 6, "sigmoid")
    eta, lmbda, n = 0.3, 2.0, 60
    expected = net.backprop(X, Y)
    w_before = [w.copy() for w in net.weights]
    b_before = [b.copy() for b in net.biases]
    used = net.sgd_step(X, Y, eta=eta, lmbda=lmbda, n=n)
    for l in range(2):
        np.testing.assert_allclose(used.nabla_w[l], expected.nabla_w[l], rtol=1e-12)
        np.testing.assert_allclose(
            net.weights[l],
            (1 - eta * lmbda / n) * w_before[l] - eta * expected.nabla_w[l],
            rtol=1e-12,
        )
        np.testing.assert_allclose(net.biases[l], b_before[l] - eta * expected.nabla_b[l])


def test_sgd_step_is_the_seeds_sum_over_the_batch():
    """The mean gradient step equals w − (η/m) Σ_x ∂C_x/∂w over single-sample gradients."""
    net = Network([2, 3, 1], "tanh", "tanh", "quadratic", seed=4)
    rng = np.random.default_rng(4)
    X, Y = make_batch(rng, net.sizes, 5, "tanh")
    eta = 0.7
    summed = sum(net.backprop(X[x : x + 1], Y[x : x + 1]).nabla_w[0] for x in range(5))
    expected = net.weights[0] - (eta / 5) * summed
    net.sgd_step(X, Y, eta)
    np.testing.assert_allclose(net.weights[0], expected, rtol=1e-12)


def test_sgd_lowers_the_cost_on_every_combination():
    """A few small steps reduce the cost: the sign of the update is right everywhere."""
    rng = np.random.default_rng(5)
    for hidden, output, cost in ALL_COMBINATIONS:
        net = Network([3, 6, 3], hidden, output, cost, init="scaled", seed=5)
        X, Y = make_batch(rng, net.sizes, 16, output)
        before = net.cost(X, Y)
        for _ in range(10):
            net.sgd_step(X, Y, eta=0.05)
        assert net.cost(X, Y) < before, (hidden, output, cost)


def test_float32_networks_compute_in_float32():
    """dtype='float32' keeps parameters, activations and gradients in float32."""
    net = Network([4, 3, 2], dtype="float32", seed=0)
    X, Y = make_batch(np.random.default_rng(0), net.sizes, 3, "sigmoid")
    g = net.sgd_step(X, Y, 0.1)
    assert all(w.dtype == np.float32 for w in net.weights + net.biases)
    assert all(a.dtype == np.float32 for a in g.activations + g.delta + g.nabla_w)
    assert net.feedforward(X).dtype == np.float32


@pytest.mark.parametrize(("hidden", "output", "cost"), ALL_COMBINATIONS)
def test_extreme_inputs_give_no_nan_and_no_warning(hidden, output, cost):
    """|z| up to 1e3: softmax shifted, logs computed from z, exp capped; nothing overflows."""
    net = Network([3, 4, 2], hidden, output, cost, init="standard", seed=0)
    net.load_parameters([net.weights[0] * 100.0, net.weights[1]], net.biases)
    X = np.array([[1e3, -1e3, 5e2], [-1e3, 1e3, -5e2]]) / 100.0
    X = np.vstack([X, X * 1e2 / 100.0])
    Y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            cost_value = net.cost(X, Y)
            g = net.sgd_step(X, Y, eta=0.1)
    assert np.isfinite(cost_value)
    assert all(np.isfinite(x).all() for x in g.nabla_w + g.nabla_b + g.delta)


def test_saturated_cross_entropy_is_exact_not_clipped():
    """a^L rounds to 0 at z = −800, yet the cross-entropy stays the exact softplus value."""
    net = Network([1, 1], "linear", "sigmoid", "cross_entropy", seed=0)
    net.load_parameters([np.ones((1, 1))], [np.zeros(1)])
    assert net.cost(np.array([[-800.0]]), np.array([[1.0]])) == pytest.approx(800.0)


BAD_ARGUMENTS = [
    ({"sizes": [3]}, "at least two layers"),
    ({"sizes": []}, "at least two layers"),
    ({"sizes": [3, 0, 2]}, "whole number ≥ 1"),
    ({"sizes": [3, 2.5, 2]}, "whole number ≥ 1"),
    ({"sizes": 7}, "list of layer sizes"),
    ({"activation": "softmax"}, "activation must be one of sigmoid, tanh, relu, linear"),
    ({"activation": "gelu"}, "activation must be one of"),
    ({"output_activation": "relu"}, "output_activation must be one of"),
    ({"cost": "hinge"}, "cost must be one of quadratic, cross_entropy, log_likelihood"),
    ({"output_activation": "softmax", "cost": "quadratic"}, "softmax goes only with"),
    ({"output_activation": "tanh", "cost": "cross_entropy"}, "needs output_activation 'sigmoid'"),
    ({"output_activation": "sigmoid", "cost": "log_likelihood"}, "'softmax'"),
    ({"init": "xavier"}, "init must be one of standard, scaled"),
    ({"dtype": "int32"}, "dtype must be float64 or float32"),
    ({"dtype": "float16"}, "dtype must be float64 or float32"),
]


@pytest.mark.parametrize(("override", "message"), BAD_ARGUMENTS)
def test_invalid_arguments_say_what_is_allowed(override, message):
    """Every invalid argument raises ValueError naming the field and the allowed values."""
    arguments = {"sizes": [3, 4, 2], **override}
    with pytest.raises(ValueError, match=message):
        Network(**arguments)


def test_wrong_input_shapes_are_refused():
    """X and Y must match the network's input and output sizes."""
    net = Network([3, 2])
    with pytest.raises(ValueError, match=r"shape \(m, 3\)"):
        net.feedforward(np.zeros((4, 5)))
    with pytest.raises(ValueError, match=r"shape \(4, 2\)"):
        net.backprop(np.zeros((4, 3)), np.zeros((4, 3)))


def test_copy_is_independent():
    """A copy has equal parameters that do not change with the original."""
    net = Network([2, 3, 1], seed=8)
    twin = net.copy()
    net.sgd_step(np.ones((2, 2)), np.ones((2, 1)), eta=1.0)
    assert twin.config() == net.config()
    assert not np.array_equal(twin.weights[0], net.weights[0])


def test_sgd_step_buffers_handle_changing_batch_sizes():
    """A last partial batch of a different m works and gives the right gradient."""
    net = Network([3, 4, 2], seed=2)
    rng = np.random.default_rng(2)
    for m in (8, 8, 3, 8, 1):
        X, Y = make_batch(rng, net.sizes, m, "sigmoid")
        expected = net.backprop(X, Y)
        used = net.sgd_step(X, Y, eta=0.0)
        np.testing.assert_allclose(used.nabla_w[0], expected.nabla_w[0], rtol=1e-12)
