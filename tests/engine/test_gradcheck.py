"""Backprop (BP1–BP4) against finite differences, for every valid combination."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.engine.conftest import ALL_COMBINATIONS, make_batch
from tui_backprop.engine import Network, check_gradients, numerical_gradient
from tui_backprop.engine.gradcheck import chapter2_pass_count, relative_error

#: the issue's bar for the centred difference in float64
CENTRED_TOLERANCE = 1e-6


def _not_deeply_saturated(net: Network, X: np.ndarray, limit: float = 8.0) -> bool:
    """True when no sigmoid or tanh unit has |z| > ``limit``.

    σ' is computed from a, as a(1 − a) or 1 − a², which in float64 loses about
    log10(1/(1 − a)) digits: past |z| ≈ 10 backprop's own rounding, not its algebra,
    would decide a 1e-6 comparison.
    """
    grads = net.backprop(X, np.zeros((len(X), net.sizes[-1])) + 0.5)
    squashing = ("sigmoid", "tanh")
    checked = [z for z in grads.zs[:-1] if net.activation_name in squashing]
    if net.output_activation_name in squashing:
        checked.append(grads.zs[-1])
    return all(np.abs(z).max() <= limit for z in checked)


def _far_from_kinks(net: Network, X: np.ndarray, margin: float) -> bool:
    """True when no ReLU input lies within ``margin`` of its kink at 0 (FD is wrong there)."""
    if net.activation_name != "relu":
        return True
    grads = net.backprop(X, np.zeros((len(X), net.sizes[-1])) + 0.5)
    return all(np.abs(z).min() > margin for z in grads.zs[:-1])


@pytest.mark.parametrize(("hidden", "output", "cost"), ALL_COMBINATIONS)
@pytest.mark.parametrize("sizes", [[3, 4, 2], [2, 5, 3, 3], [4, 3], [5, 1]])
def test_centred_difference_agrees_for_every_combination(hidden, output, cost, sizes):
    """Every hidden × output × cost combination, on several architectures, to 1e-6."""
    if output == "softmax" and sizes[-1] == 1:
        sizes = [*sizes[:-1], 2]
    rng = np.random.default_rng(len(sizes) * 7 + sizes[0])
    net = Network(sizes, hidden, output, cost, init="scaled", seed=3)
    X, Y = make_batch(rng, sizes, 6, output)
    assert _far_from_kinks(net, X, 1e-3)
    report = check_gradients(net, X, Y)
    assert report.max_rel_error <= CENTRED_TOLERANCE, report.layers
    report = check_gradients(net, X, Y, extended_precision=True)
    assert report.max_rel_error <= CENTRED_TOLERANCE, report.layers


@settings(max_examples=60, deadline=None)
@given(
    combination=st.sampled_from(ALL_COMBINATIONS),
    sizes=st.lists(st.integers(1, 6), min_size=2, max_size=5),
    m=st.integers(1, 8),
    init=st.sampled_from(["standard", "scaled"]),
    seed=st.integers(0, 2**16),
    input_scale=st.sampled_from([0.1, 0.5, 1.0]),
)
def test_centred_difference_agrees_on_drawn_architectures(
    combination, sizes, m, init, seed, input_scale
):
    """Hypothesis draws architectures, batch sizes, inits and seeds; backprop matches to 1e-6."""
    hidden, output, cost = combination
    if output == "softmax":
        sizes = [*sizes[:-1], max(sizes[-1], 2)]
    rng = np.random.default_rng(seed)
    net = Network(sizes, hidden, output, cost, init=init, seed=seed)
    X, Y = make_batch(rng, sizes, m, output)
    X *= input_scale
    assume(_far_from_kinks(net, X, 1e-3) and _not_deeply_saturated(net, X))
    report = check_gradients(net, X, Y, extended_precision=True)
    assert report.max_rel_error <= CENTRED_TOLERANCE, report.layers


@pytest.mark.parametrize(("hidden", "output", "cost"), ALL_COMBINATIONS)
def test_one_sided_difference_agrees_loosely(hidden, output, cost):
    """Chapter 2's one-sided difference is O(ε) accurate: within 1e-4 here."""
    rng = np.random.default_rng(11)
    net = Network([3, 4, 3], hidden, output, cost, init="scaled", seed=5)
    X, Y = make_batch(rng, net.sizes, 4, output)
    report = check_gradients(net, X, Y, method="one_sided")
    assert report.max_rel_error <= 1e-4, report.layers


def test_report_counts_forward_passes_as_the_seed_does():
    """Centred: 2 passes per parameter; one-sided: 1 per parameter plus C(w); backprop: 2."""
    net = Network([4, 4, 4], seed=0)
    rng = np.random.default_rng(0)
    X, Y = make_batch(rng, net.sizes, 3, "sigmoid")
    params = (3 - 1) * (4 + 1) * 4
    assert net.num_params == params
    centred = check_gradients(net, X, Y)
    one_sided = check_gradients(net, X, Y, method="one_sided")
    assert centred.fd_forward_passes == 2 * params
    assert one_sided.fd_forward_passes == params + 1
    assert one_sided.fd_sample_passes == (params + 1) * 3
    assert chapter2_pass_count(net.num_params) == one_sided.fd_forward_passes
    timings = (centred.fd_seconds, centred.backprop_seconds)
    assert all(t > 0 for t in timings)  # both were timed
    assert [layer.layer for layer in centred.layers] == [0, 1]


def test_finite_differences_leave_the_parameters_unchanged():
    """Each perturbed parameter is restored exactly."""
    net = Network([3, 5, 2], seed=1)
    before = [w.copy() for w in net.weights] + [b.copy() for b in net.biases]
    rng = np.random.default_rng(1)
    numerical_gradient(net, *make_batch(rng, net.sizes, 2, "sigmoid"))
    after = net.weights + net.biases
    assert all(np.array_equal(x, y) for x, y in zip(before, after))


def test_a_wrong_gradient_is_caught():
    """The check is not vacuous: a perturbed backprop result shows a large error."""
    net = Network([3, 4, 2], seed=2)
    rng = np.random.default_rng(2)
    X, Y = make_batch(rng, net.sizes, 4, "sigmoid")
    numeric = numerical_gradient(net, X, Y)
    wrong = net.backprop(X, Y).nabla_w[0] * 1.01
    assert relative_error(wrong, numeric.nabla_w[0]) > 1e-3


def test_unknown_method_and_bad_eps_are_refused():
    """The method must be centred or one_sided, and ε positive."""
    net = Network([2, 2], seed=0)
    X, Y = np.zeros((1, 2)), np.zeros((1, 2))
    with pytest.raises(ValueError, match="centred, one_sided"):
        check_gradients(net, X, Y, method="backward")
    with pytest.raises(ValueError, match="eps must be a positive"):
        numerical_gradient(net, X, Y, eps=0.0)


def test_float32_gradients_agree_to_float32_precision():
    """In float32 the check still holds, to the precision float32 allows."""
    net = Network([3, 4, 2], "tanh", "sigmoid", "cross_entropy", init="scaled", dtype="float32")
    rng = np.random.default_rng(4)
    X, Y = make_batch(rng, net.sizes, 5, "sigmoid")
    assert check_gradients(net, X, Y).max_rel_error <= 2e-2
