"""Broken and hostile model files (--load): each refused in one line, before any large read."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pytest
import tomli_w

from tui_backprop.engine import Network
from tui_backprop.training import from_dict
from tui_backprop.training.config import dumps
from tui_backprop.training.model_io import FORMAT, ModelFileError, load_model, save_model

CONFIG = from_dict({"dataset": "xor", "sizes": [2, 3, 1]})


def _arrays(**changes):
    """A valid model's members, with some replaced (None removes one)."""
    net = Network(**CONFIG.network_arguments())
    arrays = {"format": np.array(FORMAT), "config": np.array(dumps(CONFIG))}
    arrays |= {f"w{l}": w for l, w in enumerate(net.weights)}
    arrays |= {f"b{l}": b for l, b in enumerate(net.biases)}
    arrays |= changes
    return {k: v for k, v in arrays.items() if v is not None}


def _write(path, **changes):
    """Write a model file with some members changed."""
    np.savez(path, **_arrays(**changes))
    return path


def _refused(path, message):
    """load_model refuses the file with a one-line ModelFileError naming it."""
    with pytest.raises(ModelFileError) as info:
        load_model(path)
    text = str(info.value)
    assert text.startswith(str(path)) and "\n" not in text
    assert message in text, text


def test_an_intact_file_loads(tmp_path):
    """The helper's own file is fine (so the refusals below are about the change)."""
    config, net = load_model(_write(tmp_path / "ok.npz"))
    assert config == CONFIG and net.sizes == [2, 3, 1]


def test_empty_and_non_archive_files(tmp_path):
    """An empty file, a plain .npy, an empty zip, a folder: each named for what it is."""
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    _refused(empty, "the file is empty")
    npy = tmp_path / "weights.npy"
    np.save(npy, np.zeros(3))
    _refused(npy, "a single NumPy array (.npy)")
    bare = tmp_path / "bare.npz"
    zipfile.ZipFile(bare, "w").close()
    _refused(bare, f"format {FORMAT} expected")
    _refused(tmp_path, "is a folder")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"w0": np.array([["a", "b"]] * 3)},
            "layer 1's weights must be real numbers (float64), not strings",
        ),
        (
            {"w0": np.ones((3, 2), complex)},
            "weights must be real numbers (float64), not complex numbers",
        ),
        (
            {"w0": np.ones((3, 2), np.float32)},
            "layer 1's weights are float32 numbers, but its configuration says",
        ),
        ({"w0": np.ones((3, 2), np.int64)}, "must be real numbers (float64), not int64 numbers"),
        (
            {"w0": np.full((3, 2), np.nan)},
            "layer 1's weights must be finite (they hold NaN or infinity)",
        ),
        ({"b1": np.array([np.inf])}, "layer 2's biases must be finite"),
        (
            {"w1": np.ones((2, 3))},
            "layer 2's weights must have shape (1, 3) for sizes [2, 3, 1], not (2, 3)",
        ),
        ({"b0": None}, "layer 1's biases are missing"),
        ({"w7": np.ones(2)}, "has arrays w7 that sizes [2, 3, 1] do not have"),
        ({"extra": np.ones(2)}, "unexpected member 'extra.npy'"),
        ({"format": np.array("something-else")}, f"format {FORMAT} expected"),
        ({"format": np.zeros(3)}, "format is float64 numbers of shape (3,), not a text"),
        ({"config": None}, "its configuration is missing"),
        ({"config": np.array("sizes = [[[")}, "its configuration is unusable"),
        ({"config": np.array('dataset = "xor"\nsizes = "2-3-1"')}, "written without quotes"),
        ({"config": np.array("a = " + "[" * 5000 + "]" * 5000)}, "nested too deeply"),
    ],
)
def test_bad_members_are_refused_naming_the_layer(tmp_path, change, message):
    """Strings, complex, other dtypes, NaN/inf, wrong shapes, missing or extra members."""
    _refused(_write(tmp_path / "bad.npz", **change), message)


def test_absurd_sizes_in_the_configuration_are_refused_before_allocating(tmp_path):
    """A configuration asking for 10¹⁰ parameters is refused by the memory check."""
    text = tomli_w.dumps({**CONFIG.to_dict(), "sizes": [2, 100_000, 100_000, 1]})
    _refused(_write(tmp_path / "huge.npz", config=np.array(text)), "10,000,500,001 parameters")


def test_a_header_claiming_a_huge_array_is_refused_from_the_header(tmp_path):
    """A member whose header declares 74.5 GiB is refused on its shape; its data is never read."""
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f8", "fortran_order": False, "shape": (100_000, 100_000)}
    )
    path = tmp_path / "liar.npz"
    np.savez(path, **_arrays(w0=None))
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("w0.npy", header.getvalue() + b"\0" * 64)  # 64 bytes, not 74.5 GiB
    _refused(
        path, "layer 1's weights must have shape (3, 2) for sizes [2, 3, 1], not (100000, 100000)"
    )


def test_a_pickled_member_is_never_unpickled(tmp_path):
    """An object array (a pickle inside) is refused from its header: dtype object."""
    path = tmp_path / "pickle.npz"
    np.savez(path, **_arrays(w0=np.array([[object()] * 2] * 3, dtype=object)), allow_pickle=True)
    _refused(path, "layer 1's weights must be real numbers (float64), not Python objects")


def test_a_damaged_archive_is_named(tmp_path):
    """Flipped bytes inside a member's data: a bad CRC is reported, not a traceback."""
    path = save_path = tmp_path / "model.npz"
    net = Network(**CONFIG.network_arguments())
    save_model(save_path, net, CONFIG)
    data = bytearray(path.read_bytes())
    start = data.index(b"w0.npy") + 200  # inside w0's data
    data[start : start + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="model.npz: "):
        load_model(path)
