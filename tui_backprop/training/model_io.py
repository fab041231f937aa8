"""Saving and loading a trained network with its configuration, exactly.

One ``.npz`` file holds every weight and bias array as saved (same dtype, same bits)
and the run configuration as TOML text, so that ``--load`` rebuilds the same network.

A model file is someone else's file until proven ours, so it is read in this order and
refused at the first problem, in one line naming the file: it is a zip of ``.npy``
members with known names only; the format mark and the configuration are small strings;
the configuration is valid (so its sizes fit the memory limit); then every array's
*header* is read and its shape and dtype compared with what the configuration needs,
before a byte of its data is; then the data, which must be finite (an optional
``input_mean``/``input_std`` pair, a CSV's standardisation, is checked alike). Nothing is
unpickled
(``allow_pickle=False`` throughout).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from tui_backprop.atomic import WriteError, atomic_write
from tui_backprop.engine import Network
from tui_backprop.training.config import ConfigError, RunConfig, dumps, from_toml
from tui_backprop.training.toml_file import parse

FORMAT = "tui-backprop-model-1"
#: the fields a loaded file defines: what the saved weights were trained as
NETWORK_FIELDS = ("sizes", "activation", "output_activation", "cost", "dtype")
#: the longest configuration text we read (a saved one is under 1 KB)
MAX_CONFIG_CHARS = 1 << 16
_LAYER_NAME = re.compile(r"([wb])(\d{1,4})")
_NPY_MAGIC = b"\x93NUMPY"
#: members besides the layers' w0, b0, w1, ...
_NAMED = ("format", "config", "input_mean", "input_std")


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


def require_same_network(
    config: RunConfig, saved: RunConfig, path: str | Path, origins: dict[str, str]
) -> None:
    """Refuse a configuration that contradicts the loaded network (``NETWORK_FIELDS``).

    ``origins`` says, per field, where the configuration's value came from ("--set
    activation=tanh", "preset digits"), so that the message can name it.
    """
    for name in NETWORK_FIELDS:
        mine, theirs = getattr(config, name), getattr(saved, name)
        if mine != theirs:
            raise ConfigError(
                f"--load {path}: the saved network has {name} = {theirs!r}, but "
                f"{origins.get(name, 'the configuration')} asks for {mine!r}; the loaded file "
                f"defines {', '.join(NETWORK_FIELDS)} (leave {name} out, or train a new network)",
                field=name,
            )


@dataclass(frozen=True)
class ModelFile:
    """What a model file holds: its configuration, its network, and the (mean, std) its
    inputs were standardised with (None when they were not)."""

    config: RunConfig
    network: Network
    input_scaling: tuple[np.ndarray, np.ndarray] | None


def load_model(path: str | Path) -> tuple[RunConfig, Network]:
    """Read a file written by ``save_model``: its configuration and its network."""
    model = read_model(path)
    return model.config, model.network


def load_input_scaling(path: str | Path) -> tuple[np.ndarray, np.ndarray] | None:
    """The (mean, std) a saved model's inputs were standardised with, or None if it has none."""
    return read_model(path).input_scaling


def read_model(path: str | Path) -> ModelFile:
    """Read and check everything a model file holds (see the module's docstring)."""
    path = Path(path)
    if not path.exists():
        raise ModelFileError(f"{path}: no such model file")
    if path.is_dir():
        raise ModelFileError(f"{path}: is a folder, not a model file (.npz)")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        reason = _what_is(path, error)
        raise ModelFileError(f"{path}: not a tui-backprop model file ({reason})") from None
    except OSError as error:
        raise ModelFileError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        with archive:
            return _read(path, archive)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as error:
        raise ModelFileError(f"{path}: damaged or unreadable ({error})") from None


def _what_is(path: Path, error: Exception) -> str:
    """A few words on what a file that is not a zip archive is."""
    try:
        with open(path, "rb") as file:
            head = file.read(len(_NPY_MAGIC))
    except OSError:
        return str(error)
    if not head:
        return "the file is empty"
    if head == _NPY_MAGIC:
        return "it is a single NumPy array (.npy); a model is the .npz that train --save writes"
    return "not a .npz archive"


def _read(path: Path, archive: zipfile.ZipFile) -> ModelFile:
    """Check the members, the configuration, the headers, then read the data."""
    members = {}
    for info in archive.infolist():
        name = info.filename.removesuffix(".npy")
        if name not in _NAMED and not _LAYER_NAME.fullmatch(name):
            raise ModelFileError(
                f"{path}: not a tui-backprop model file (unexpected member {info.filename!r})"
            )
        members[name] = info
    if "format" not in members or _read_string(path, archive, members["format"], 64) != FORMAT:
        raise ModelFileError(f"{path}: not a tui-backprop model file (format {FORMAT} expected)")
    if "config" not in members:
        raise ModelFileError(f"{path}: its configuration is missing")
    text = _read_string(path, archive, members["config"], MAX_CONFIG_CHARS)
    try:
        config = from_toml(parse(text, f"{path} [config]"), source=f"{path} [config]")
    except ConfigError as error:
        raise ModelFileError(f"{path}: its configuration is unusable: {error}") from None
    expected = _expected_arrays(config)
    if config.sizes and ("input_mean" in members or "input_std" in members):
        n_in = config.sizes[0]
        expected["input_mean"] = ("its input means (input_mean)", (n_in,))
        expected["input_std"] = ("its input standard deviations (input_std)", (n_in,))
    extra = sorted(set(members) - set(expected) - {"format", "config"})
    if extra:
        raise ModelFileError(
            f"{path}: has arrays {', '.join(extra)} that sizes {config.sizes} do not have"
        )
    dtype = np.dtype(config.dtype)
    for name, (label, shape) in expected.items():
        if name not in members:
            raise ModelFileError(f"{path}: {label} are missing")
        with archive.open(members[name]) as file:
            declared_shape, declared_dtype = _header(path, file, label)
        itemsize = dtype.itemsize if name[0] in "wb" else declared_dtype.itemsize
        if declared_dtype.kind != "f":
            raise ModelFileError(
                f"{path}: {label} must be real numbers ({config.dtype}), "
                f"not {_dtype_words(declared_dtype)}"
            )
        if declared_dtype.itemsize != itemsize:
            raise ModelFileError(
                f"{path}: {label} are {_dtype_words(declared_dtype)}, but its configuration "
                f"says dtype = {config.dtype!r}"
            )
        if declared_shape != shape:
            raise ModelFileError(
                f"{path}: {label} must have shape {shape} for sizes {config.sizes}, "
                f"not {declared_shape}"
            )
    arrays = {}
    for name, (label, _shape) in expected.items():
        with archive.open(members[name]) as file:
            try:
                array = np.lib.format.read_array(file, allow_pickle=False)
            except (ValueError, EOFError) as error:
                raise ModelFileError(f"{path}: {label} cannot be read ({error})") from None
        if not np.isfinite(array).all():
            raise ModelFileError(f"{path}: {label} must be finite (they hold NaN or infinity)")
        arrays[name] = array
    scaling = None
    if "input_mean" in arrays:
        if not (arrays["input_std"] > 0).all():
            raise ModelFileError(
                f"{path}: its input standardisation is unusable (every input_std must be > 0)"
            )
        scaling = (arrays["input_mean"].astype(np.float64), arrays["input_std"].astype(np.float64))
    net = Network(**config.network_arguments())
    layers = range(len(config.sizes) - 1)
    try:
        net.load_parameters([arrays[f"w{l}"] for l in layers], [arrays[f"b{l}"] for l in layers])
    except ValueError as error:  # checked above already; kept as the engine's last word
        raise ModelFileError(f"{path}: {error}") from None
    return ModelFile(config, net, scaling)


def _expected_arrays(config: RunConfig) -> dict[str, tuple[str, tuple[int, ...]]]:
    """Member name → (words for messages, shape) for every weight and bias array."""
    expected = {}
    for l, (n_in, n_out) in enumerate(zip(config.sizes[:-1], config.sizes[1:])):
        expected[f"w{l}"] = (f"layer {l + 1}'s weights", (n_out, n_in))
        expected[f"b{l}"] = (f"layer {l + 1}'s biases", (n_out,))
    return expected


def _header(path: Path, file: IO[bytes], label: str) -> tuple[tuple[int, ...], np.dtype]:
    """The shape and dtype a .npy member declares, read from its header alone."""
    try:
        version = np.lib.format.read_magic(file)
        if version == (1, 0):
            shape, _fortran, dtype = np.lib.format.read_array_header_1_0(file)
        elif version == (2, 0):
            shape, _fortran, dtype = np.lib.format.read_array_header_2_0(file)
        else:
            raise ValueError(f".npy format version {version} is not read here")
    except (ValueError, EOFError, SyntaxError, TypeError) as error:
        raise ModelFileError(f"{path}: {label} are not a readable array ({error})") from None
    return tuple(shape), np.dtype(dtype)


def _read_string(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> str:
    """A 0-d unicode array member of at most ``limit`` characters, as a str."""
    name = info.filename.removesuffix(".npy")
    with archive.open(info) as file:
        shape, dtype = _header(path, file, f"its {name}")
    if dtype.kind != "U" or shape != () or dtype.itemsize > 4 * limit:
        raise ModelFileError(
            f"{path}: not a tui-backprop model file ({name} is {_dtype_words(dtype)} "
            f"of shape {shape}, not a text)"
        )
    with archive.open(info) as file:
        try:
            return str(np.lib.format.read_array(file, allow_pickle=False))
        except (ValueError, EOFError) as error:
            raise ModelFileError(f"{path}: its {name} cannot be read ({error})") from None


def _dtype_words(dtype: np.dtype) -> str:
    """How a dtype reads in a message: 'float32 numbers', 'strings (<U3)', 'Python objects'."""
    kinds = {"U": "strings", "S": "bytes", "O": "Python objects", "c": "complex numbers"}
    if dtype.kind in kinds:
        return f"{kinds[dtype.kind]} ({dtype.str})"
    return f"{dtype.name} numbers"
