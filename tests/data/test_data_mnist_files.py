"""MNIST from the user's own copy: IDX folders, Nielsen's mnist.pkl.gz, Keras's mnist.npz.

Small files of each format are built here from the same images; the loader must give
identical arrays for all of them, refuse a pickle that names any other global, and report
a malformed file by name and by what was expected.
"""

from __future__ import annotations

import gzip
import io
import pickle
import struct
from pathlib import Path

import numpy as np
import pytest

from tui_backprop.data import DatasetError, load_dataset, resolve_paths
from tui_backprop.data import mnist as mnist_module
from tui_backprop.data.idx import write_idx
from tui_backprop.data.mnist_files import restricted_load

N_TRAIN, N_VAL, N_TEST = 30, 10, 12


class Py2Pickler(pickle._Pickler):
    """Writes bytes as Python 2's str opcodes, as in the book's mnist.pkl.gz (protocol 2)."""

    dispatch = pickle._Pickler.dispatch.copy()

    def save_bytes(self, obj: bytes) -> None:
        """SHORT_BINSTRING / BINSTRING instead of Python 3's _codecs.encode call."""
        if len(obj) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(obj)]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(obj)) + obj)
        self.memoize(obj)

    dispatch[bytes] = save_bytes


def python2_pickle(content: object) -> bytes:
    """A protocol-2 pickle naming numpy.core.multiarray, as the real file does."""
    buffer = io.BytesIO()
    Py2Pickler(buffer, protocol=2).dump(content)
    return buffer.getvalue().replace(b"cnumpy._core.multiarray\n", b"cnumpy.core.multiarray\n")


@pytest.fixture
def images() -> dict[str, np.ndarray]:
    """Random uint8 images and labels: 30 training (last 10 validate), 12 test."""
    rng = np.random.default_rng(7)
    return {
        "x_train": rng.integers(0, 256, (N_TRAIN, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, N_TRAIN, dtype=np.uint8),
        "x_test": rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, N_TEST, dtype=np.uint8),
    }


@pytest.fixture(autouse=True)
def small_validation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold out 10 of the 30 training images, as the book holds out 10,000 of 60,000."""
    monkeypatch.setattr(mnist_module, "VALIDATION_SIZE", N_VAL)


def write_idx_folder(folder: Path, images: dict[str, np.ndarray], gz: bool, dots: bool) -> Path:
    """The four IDX files, gzipped or not, named with '-idx' (MNIST site) or '.idx' (Kaggle)."""
    folder.mkdir()
    names = {
        "x_train": "train-images-idx3-ubyte",
        "y_train": "train-labels-idx1-ubyte",
        "x_test": "t10k-images-idx3-ubyte",
        "y_test": "t10k-labels-idx1-ubyte",
    }
    for key, name in names.items():
        name = name.replace("-idx", ".idx") if dots else name
        write_idx(folder / (name + (".gz" if gz else "")), images[key])
    return folder


def nielsen_content(images: dict[str, np.ndarray]) -> tuple:
    """The book's layout: float32 pixels k/256 in rows of 784, int64 labels, 20/10/12 split."""
    n = N_TRAIN - N_VAL

    def flat(x: np.ndarray) -> np.ndarray:
        return (x.reshape(len(x), 784) / np.float32(256)).astype(np.float32)

    x, y = images["x_train"], images["y_train"].astype(np.int64)
    return (
        (flat(x[:n]), y[:n]),
        (flat(x[n:]), y[n:]),
        (flat(images["x_test"]), images["y_test"].astype(np.int64)),
    )


def write_pickle(path: Path, content: object) -> Path:
    """content as a gzipped Python-2-style pickle."""
    path.write_bytes(gzip.compress(python2_pickle(content)))
    return path


def test_every_format_gives_identical_arrays(tmp_path: Path, images) -> None:
    """IDX (gz, plain, Kaggle names), mnist.pkl.gz and mnist.npz: the same six arrays."""
    sources = [
        write_idx_folder(tmp_path / "idx-gz", images, gz=True, dots=False),
        write_idx_folder(tmp_path / "idx-plain", images, gz=False, dots=True),
        write_pickle(tmp_path / "mnist.pkl.gz", nielsen_content(images)),
    ]
    np.savez(tmp_path / "mnist.npz", **images)
    sources.append(tmp_path / "mnist.npz")
    loaded = [load_dataset("mnist", path=str(source)) for source in sources]
    first = loaded[0]
    assert first.X_train.shape == (20, 784) and first.X_val.shape == (10, 784)
    assert first.X_test.shape == (N_TEST, 784) and first.Y_test.shape == (N_TEST, 10)
    assert np.array_equal(first.X_train, images["x_train"][:20].reshape(20, 784) / 255.0)
    assert np.array_equal(first.labels(first.Y_val), images["y_train"][20:])
    for data in loaded[1:]:
        for name in ("X_train", "Y_train", "X_val", "Y_val", "X_test", "Y_test"):
            assert np.array_equal(getattr(data, name), getattr(first, name)), name
        assert data.info == first.info


def test_a_folder_holding_the_pickle_or_the_npz_is_enough(tmp_path: Path, images) -> None:
    """path may name the folder that holds mnist.pkl.gz (or mnist.npz) rather than the file."""
    (tmp_path / "book").mkdir()
    write_pickle(tmp_path / "book" / "mnist.pkl.gz", nielsen_content(images))
    (tmp_path / "keras").mkdir()
    np.savez(tmp_path / "keras" / "mnist.npz", **images)
    a = load_dataset("mnist", path=str(tmp_path / "book"))
    b = load_dataset("mnist", path=str(tmp_path / "keras"))
    assert np.array_equal(a.X_test, b.X_test) and len(a.X_train) == 20


def test_the_real_pickles_float_pixels_are_kept_when_not_multiples_of_1_256(
    tmp_path: Path, images
) -> None:
    """Pixels in [0, 1] that are not k/256 are used as they are (not rounded)."""
    content = list(nielsen_content(images))
    x, y = content[0]
    content[0] = (x + np.float32(1e-3), y)
    data = load_dataset("mnist", path=str(write_pickle(tmp_path / "m.pkl.gz", tuple(content))))
    assert np.allclose(data.X_train, x.astype(np.float64) + 1e-3, atol=1e-6)


class Spy:
    """A callable that records being called: a pickle naming it must never reach it."""

    called = False

    def __reduce__(self):
        return (_record_call, ())


def _record_call() -> None:
    Spy.called = True


def test_restricted_unpickler_refuses_every_other_global(tmp_path: Path) -> None:
    """A pickle carrying any global but NumPy's array pieces is refused and never called."""
    Spy.called = False
    data = pickle.dumps(((Spy(), np.zeros(1)), None, None), protocol=2)
    assert pickle.loads(data) and Spy.called  # the plain unpickler would call it
    Spy.called = False
    path = tmp_path / "mnist.pkl.gz"
    path.write_bytes(gzip.compress(data))
    with pytest.raises(DatasetError, match=r"refused: .*_record_call, which is not allowed"):
        load_dataset("mnist", path=str(path))
    assert not Spy.called


@pytest.mark.parametrize(
    "global_line",
    [b"cos\nsystem\n", b"cbuiltins\neval\n", b"cnumpy\nload\n", b"csubprocess\nPopen\n"],
)
def test_hand_written_hostile_pickles_are_refused(tmp_path: Path, global_line: bytes) -> None:
    """os.system, eval, numpy.load, Popen: each refused by name before anything is called."""
    data = b"\x80\x02" + global_line + b"X\x04\x00\x00\x00true\x85R."
    path = tmp_path / "evil.pkl.gz"
    path.write_bytes(gzip.compress(data))
    module, name = global_line[1:-1].decode().split("\n")
    with pytest.raises(DatasetError, match=rf"refused: the file refers to {module}\.{name}"):
        load_dataset("mnist", path=str(path))


def test_object_arrays_and_misused_reconstruct_are_refused(tmp_path: Path) -> None:
    """An object-dtype array (which could carry any object) is refused at its dtype."""
    data = python2_pickle(np.array([1, "x"], dtype=object))
    with pytest.raises(pickle.UnpicklingError, match="not a plain number type"):
        restricted_load(io.BytesIO(data))
    tricky = b"\x80\x02cnumpy.core.multiarray\n_reconstruct\ncnumpy\ndtype\nK\x00\x85U\x01b\x87R."
    with pytest.raises(pickle.UnpicklingError, match="only for numpy.ndarray"):
        restricted_load(io.BytesIO(tricky))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda c: ((c[0][0][:, :100], c[0][1]), c[1], c[2]), r"shape \(20, 100\), expected"),
        (lambda c: ((c[0][0], c[0][1] + 5), c[1], c[2]), r"labels range from \d+ to 1[0-4]"),
        (lambda c: ((c[0][0] * 2, c[0][1]), c[1], c[2]), r"pixels range from 0 to 1.9"),
        (lambda c: ((c[0][0], c[0][1][:5]), c[1], c[2]), r"expected 20 integer labels"),
        (lambda c: (c[0], c[1]), r"a tuple of three \(images, labels\) pairs"),
    ],
    ids=["image size", "label range", "pixel range", "label count", "layout"],
)
def test_a_malformed_pickle_names_the_file_and_what_was_expected(
    tmp_path: Path, images, change, message: str
) -> None:
    """Shapes, counts, label and pixel ranges are checked, with the file in the message."""
    path = write_pickle(tmp_path / "mnist.pkl.gz", change(nielsen_content(images)))
    with pytest.raises(DatasetError, match=message) as caught:
        load_dataset("mnist", path=str(path))
    assert str(path) in str(caught.value)


def test_malformed_npz_and_folders_and_paths(tmp_path: Path, images) -> None:
    """A missing key, a missing IDX file, an unknown extension, a missing path: one line each."""
    np.savez(tmp_path / "bad.npz", x_train=images["x_train"], y_train=images["y_train"])
    with pytest.raises(DatasetError, match=r"bad.npz: missing x_test, y_test"):
        load_dataset("mnist", path=str(tmp_path / "bad.npz"))
    folder = write_idx_folder(tmp_path / "idx", images, gz=True, dots=False)
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DatasetError, match=r"has no t10k-labels-idx1-ubyte \(.gz or not\)"):
        load_dataset("mnist", path=str(folder))
    (tmp_path / "mnist.zip").write_bytes(b"PK")
    with pytest.raises(DatasetError, match=r"unknown format .*\.pkl\.gz, \.pkl or \.npz"):
        load_dataset("mnist", path=str(tmp_path / "mnist.zip"))
    with pytest.raises(DatasetError, match=r"nowhere: no such file or folder"):
        load_dataset("mnist", path=str(tmp_path / "nowhere"))
    (tmp_path / "junk.pkl.gz").write_bytes(b"not gzip")
    with pytest.raises(DatasetError, match=r"junk.pkl.gz: not a readable mnist.pkl.gz"):
        load_dataset("mnist", path=str(tmp_path / "junk.pkl.gz"))


def test_too_few_training_images_to_hold_out_validation(tmp_path: Path, images) -> None:
    """With fewer training images than the validation split, the error names the source."""
    np.savez(tmp_path / "small.npz", **{**images, "x_train": images["x_train"][:10],
                                         "y_train": images["y_train"][:10]})  # fmt: skip
    with pytest.raises(DatasetError, match=r"small.npz: cannot hold out 10 validation images"):
        load_dataset("mnist", path=str(tmp_path / "small.npz"))


def test_relative_paths_resolve_against_a_base_folder(tmp_path: Path) -> None:
    """resolve_paths makes path-like options absolute against a preset's folder, nothing else."""
    options = {"path": "data/mnist.npz", "mirror": "m", "cache_dir": "/abs"}
    resolved = resolve_paths("mnist", options, tmp_path)
    assert resolved == {
        "path": str(tmp_path / "data/mnist.npz"),
        "mirror": "m",
        "cache_dir": "/abs",
    }
    assert resolve_paths("csv", {"path": "x.csv"}, tmp_path) == {"path": str(tmp_path / "x.csv")}
    assert resolve_paths("nope", {"path": "x"}, tmp_path) == {"path": "x"}
