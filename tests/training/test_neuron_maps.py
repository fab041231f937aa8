"""Neuron maps: each neuron's activation over the plane, its strongest weights, its ∂C/∂b."""

from __future__ import annotations

import numpy as np

from tui_backprop.training import Trainer, load_preset
from tui_backprop.training.neuron_maps import NEURON_MAP_RESOLUTION, strongest_weights


def xor_trainer() -> Trainer:
    """The xor preset's trainer, asked for the maps."""
    return Trainer(load_preset("xor"), neuron_maps=True)


def test_snapshots_carry_maps_only_when_asked() -> None:
    """Off by default; on request, one map per neuron of every layer, at the set resolution."""
    trainer = Trainer(load_preset("xor"))
    assert trainer.step().neuron_maps is None
    trainer.request_neuron_maps()
    maps = trainer.step().neuron_maps
    cols, rows = NEURON_MAP_RESOLUTION
    assert [layer.activations.shape for layer in maps.layers] == [
        (rows, cols, 8),
        (rows, cols, 8),
        (rows, cols, 1),
    ]
    assert [layer.activation for layer in maps.layers] == ["tanh", "tanh", "sigmoid"]


def test_each_map_is_the_neurons_activation_at_that_point() -> None:
    """Recomputed here one point at a time: a^l = σ(w a^(l−1) + b) at the plane's corners,
    and the output layer's map equals the network's own output there."""
    trainer = xor_trainer()
    maps = trainer.step().neuron_maps
    net = trainer.net
    (x0, x1), (y0, y1) = maps.x_range, maps.y_range
    rows, cols = maps.layers[0].activations.shape[:2]
    for (r, c), point in {
        (0, 0): (x0, y0),
        (0, cols - 1): (x1, y0),
        (rows - 1, 0): (x0, y1),
        (rows - 1, cols - 1): (x1, y1),
    }.items():
        a = np.array(point)
        for l, (w, b) in enumerate(zip(net.weights, net.biases)):
            z = w @ a + b
            a = 1 / (1 + np.exp(-z)) if l == len(net.weights) - 1 else np.tanh(z)
            np.testing.assert_allclose(maps.layers[l].activations[r, c], a, rtol=1e-12)
        assert maps.layers[-1].activations[r, c, 0] == net.feedforward(np.array([point]))[0, 0]


def test_strongest_weights_are_named_with_sign_and_source() -> None:
    """The two largest |w_jk| of each neuron, largest first, with k and the signed value."""
    w = np.array([[0.1, -2.0, 0.5], [3.0, 0.2, -3.0]])
    named = strongest_weights(w)
    assert [(i.k, i.w) for i in named[0]] == [(1, -2.0), (2, 0.5)]
    assert [(i.k, i.w) for i in named[1]] == [(0, 3.0), (2, -3.0)]
    trainer = xor_trainer()
    layer = trainer.snapshot().neuron_maps.layers[1]
    for j, incoming in enumerate(layer.strongest):
        row = np.abs(trainer.net.weights[1][j])
        assert [i.k for i in incoming] == sorted(range(8), key=lambda k: -row[k])[:2]


def test_the_bias_gradient_is_the_engines_of_the_step_and_absent_before() -> None:
    """∂C/∂b^l is none before a step; after one, the engine's nabla_b of that step."""
    trainer = xor_trainer()
    assert all(layer.nabla_b is None for layer in trainer.snapshot().neuron_maps.layers)
    trainer.request_step_detail()
    snapshot = trainer.step()
    engine = snapshot.step_detail.gradients.nabla_b
    assert snapshot.neuron_maps.step == 1
    for layer, nabla_b in zip(snapshot.neuron_maps.layers, engine):
        np.testing.assert_array_equal(layer.nabla_b, nabla_b)


def test_data_that_is_not_a_plane_has_no_maps() -> None:
    """Digits (64 inputs) and the sine curve (1 input): nothing to map."""
    for preset in ("digits", "sine"):
        trainer = Trainer(load_preset(preset), neuron_maps=True)
        assert trainer.snapshot().neuron_maps is None
