"""The inspector's numbers are the engine's: each is recomputed here, independently.

The reference (``tests.step_records.reference``) is plain NumPy written for the tests: the
book's equations one sample at a time, no engine code. Every number ``inspect_neuron``
reports must agree with it, and the update with the parameters the engine left.
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.step_records import check_against_reference, take_step
from tui_backprop.engine import Network
from tui_backprop.training.inspector_rows import Architecture, inspect_neuron, top_sum
from tui_backprop.training.saturation import DEAD, SATURATED, layer_saturation

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
