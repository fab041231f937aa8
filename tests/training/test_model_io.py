"""Saving and loading a network round-trips it exactly, and bad files are named."""

from __future__ import annotations

import numpy as np
import pytest

from tui_backprop.engine import Network
from tui_backprop.training import from_dict
from tui_backprop.training.model_io import ModelFileError, load_model, save_model


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_round_trip_is_exact(tmp_path, dtype):
    """Weights, biases (bit for bit, same dtype) and the configuration come back."""
    config = from_dict({"sizes": [2, 5, 1], "dtype": dtype, "eta": 0.3})
    net = Network(**config.network_arguments())
    net.sgd_step(np.ones((3, 2)), np.zeros((3, 1)), eta=0.7)
    path = tmp_path / "model.npz"
    save_model(path, net, config)
    loaded_config, loaded = load_model(path)
    assert loaded_config == config
    for a, b in zip(net.weights + net.biases, loaded.weights + loaded.biases):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    X = np.random.default_rng(0).standard_normal((4, 2))
    assert np.array_equal(net.feedforward(X), loaded.feedforward(X))


def test_bad_files_are_named(tmp_path):
    """Missing, non-model and mismatched files each get a ModelFileError naming the file."""
    with pytest.raises(ModelFileError, match="no such model file"):
        load_model(tmp_path / "missing.npz")
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ModelFileError, match="junk.npz: not a tui-backprop model"):
        load_model(junk)
    other = tmp_path / "other.npz"
    np.savez(other, x=np.zeros(3))
    with pytest.raises(ModelFileError, match="other.npz: not a tui-backprop model"):
        load_model(other)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"w0": np.full((5, 2), np.nan)}, "layer 1's weights must be finite"),
        ({"b1": np.array([np.inf])}, "layer 2's biases must be finite"),
        ({"w1": np.zeros((1, 5), complex)}, "layer 2's weights must be real numbers"),
        ({"w0": np.full((5, 2), "x")}, "layer 1's weights must be real numbers"),
        ({"w0": np.zeros((2, 5))}, r"layer 1's weights must have shape \(5, 2\)"),
    ],
)
def test_unusable_parameters_are_refused_naming_file_and_layer(tmp_path, change, message):
    """NaN, inf, complex, strings or a wrong shape: refused at load, not at step 1."""
    config = from_dict({"sizes": [2, 5, 1]})
    path = tmp_path / "model.npz"
    save_model(path, Network(**config.network_arguments()), config)
    with np.load(path) as data:
        contents = {key: data[key] for key in data.files}
    np.savez(path, **(contents | change))
    with pytest.raises(ModelFileError, match=f"model.npz: {message}"):
        load_model(path)
