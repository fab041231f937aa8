"""Saving and loading a trained network with its configuration, exactly.

One ``.npz`` file holds every weight and bias array as saved (same dtype, same bits)
and the run configuration as TOML text, so that ``--load`` rebuilds the same network.
"""

from __future__ import annotations

import tomllib
import zipfile
from pathlib import Path

import numpy as np

from tui_backprop.atomic import WriteError, atomic_write
from tui_backprop.engine import Network
from tui_backprop.training.config import ConfigError, RunConfig, dumps, from_dict

FORMAT = "tui-backprop-model-1"


class ModelFileError(ValueError):
    """A model file that cannot be written or read; the message names the file."""


def save_model(
    path: str | Path,
    net: Network,
    config: RunConfig,
    input_scaling: tuple[np.ndarray, np.ndarray] | None = None,
) -> None:
    """Write the network's parameters and the configuration to ``path`` (.npz), atomically:
    a failed write leaves the previous file whole. ``input_scaling``, the (mean, std) its
    inputs were standardised with (a CSV's), is kept so that ``--load`` scales alike."""
    arrays = {f"w{l}": w for l, w in enumerate(net.weights)}
    arrays |= {f"b{l}": b for l, b in enumerate(net.biases)}
    if input_scaling is not None:
        arrays["input_mean"], arrays["input_std"] = input_scaling
    try:
        with atomic_write(path, "wb") as file:
            np.savez(file, format=np.array(FORMAT), config=np.array(dumps(config)), **arrays)
    except WriteError as error:
        raise ModelFileError(str(error)) from None


def load_model(path: str | Path) -> tuple[RunConfig, Network]:
    """Read a file written by ``save_model``: its configuration and its network."""
    try:
        with np.load(path, allow_pickle=False) as data:
            contents = {key: data[key] for key in data.files}
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no such model file") from None
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise ModelFileError(f"{path}: not a tui-backprop model file ({error})") from None
    if str(contents.get("format", "")) != FORMAT:
        raise ModelFileError(f"{path}: not a tui-backprop model file (format {FORMAT} expected)")
    try:
        config = from_dict(tomllib.loads(str(contents["config"])), source=f"{path} [config]")
    except (tomllib.TOMLDecodeError, ConfigError) as error:
        raise ModelFileError(f"{path}: its configuration is unusable: {error}") from None
    net = Network(**config.network_arguments())
    layers = range(len(net.weights))
    missing = [l + 1 for l in layers if f"w{l}" not in contents or f"b{l}" not in contents]
    if missing:
        raise ModelFileError(f"{path}: layer {missing[0]}'s parameters are missing")
    try:
        net.load_parameters(
            [contents[f"w{l}"] for l in layers], [contents[f"b{l}"] for l in layers]
        )
    except ValueError as error:
        raise ModelFileError(f"{path}: {error} (sizes {config.sizes})") from None
    return config, net


def load_input_scaling(path: str | Path) -> tuple[np.ndarray, np.ndarray] | None:
    """The (mean, std) a saved model's inputs were standardised with, or None if it has none.

    Read from a file ``load_model`` has accepted; checked: two finite 1-D arrays of one
    length, every std > 0.
    """
    with np.load(path, allow_pickle=False) as data:
        if "input_mean" not in data.files and "input_std" not in data.files:
            return None
        mean, std = data.get("input_mean"), data.get("input_std")
    ok = mean is not None and std is not None and mean.ndim == 1 and mean.shape == std.shape
    ok = ok and mean.dtype.kind == "f" and std.dtype.kind == "f"
    if not ok or not (np.isfinite(mean).all() and np.isfinite(std).all() and (std > 0).all()):
        raise ModelFileError(
            f"{path}: its input standardisation is unusable (expected input_mean and input_std: "
            f"finite 1-D float arrays of one length, every std > 0)"
        )
    return mean.astype(np.float64), std.astype(np.float64)
