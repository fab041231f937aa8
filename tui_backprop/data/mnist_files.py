"""MNIST from a copy the user has: four IDX files, Nielsen's mnist.pkl.gz or Keras's mnist.npz.

Each format is checked by structure (shapes, counts, label range, pixel range), not by
checksum, so that a copy re-compressed or unpacked by hand still loads. All three give the
same arrays for the same images: pixels as uint8 when the file holds them exactly (the
pickle's float32 values are k/256), scaled to [0, 1] by the loader in ``mnist.py``.

The pickle is read by a restricted unpickler that admits only the NumPy array
reconstruction it needs (``_reconstruct``, ``ndarray``, ``dtype`` of plain numbers): any
other global in the file is refused before it is called, so a hostile file cannot run code.
"""

from __future__ import annotations

import gzip
import pickle
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .base import DatasetError
from .idx import read_idx

IMAGE_MAGIC = 0x00000803
LABEL_MAGIC = 0x00000801
IMAGE_SHAPE = (28, 28)
PIXELS = IMAGE_SHAPE[0] * IMAGE_SHAPE[1]
#: the four IDX files, by role, as the MNIST site names them
IDX_NAMES = {
    "train images": "train-images-idx3-ubyte",
    "train labels": "train-labels-idx1-ubyte",
    "test images": "t10k-images-idx3-ubyte",
    "test labels": "t10k-labels-idx1-ubyte",
}
PICKLE_NAME = "mnist.pkl.gz"
NPZ_NAME = "mnist.npz"
FORMATS_TEXT = (
    "a folder with the four IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte, "
    "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each gzipped or not), Nielsen's "
    "mnist.pkl.gz, or Keras's mnist.npz"
)


@dataclass(frozen=True)
class Part:
    """Images (n, 784), uint8 or float in [0, 1], and labels (n,) in 0..9."""

    images: np.ndarray
    labels: np.ndarray


@dataclass(frozen=True)
class MnistParts:
    """What a file holds: training images, the validation split when the file fixes it, test."""

    train: Part
    validation: Part | None
    test: Part
    source: str


# -- the restricted unpickler ---------------------------------------------------------------

_RECONSTRUCT = np.ndarray.__reduce__(np.zeros(1))[0]
_RECONSTRUCT_NAMES = {
    ("numpy.core.multiarray", "_reconstruct"),
    ("numpy._core.multiarray", "_reconstruct"),
}


class _NdarrayType:
    """Stands for ``numpy.ndarray`` inside the pickle: usable only as _reconstruct's argument."""


_NDARRAY = _NdarrayType()


def _reconstruct(cls: object, shape: object, typecode: object) -> np.ndarray:
    """NumPy's array reconstruction, for ndarray only (the first step of unpickling an array)."""
    if cls is not _NDARRAY:
        raise pickle.UnpicklingError("_reconstruct is allowed only for numpy.ndarray")
    return _RECONSTRUCT(np.ndarray, shape, typecode)


def _plain_dtype(*args: object) -> np.dtype:
    """A NumPy dtype of plain numbers (integers, floats); object and structured ones refused."""
    dtype = np.dtype(*args)
    if dtype.kind not in "biuf" or dtype.hasobject:
        raise pickle.UnpicklingError(f"dtype {dtype} is not a plain number type")
    return dtype


class RestrictedUnpickler(pickle.Unpickler):
    """An unpickler that resolves only the three globals a pickled NumPy array needs."""

    def find_class(self, module: str, name: str) -> object:
        """The allowed NumPy reconstruction pieces; UnpicklingError for anything else."""
        if (module, name) in _RECONSTRUCT_NAMES:
            return _reconstruct
        if (module, name) == ("numpy", "ndarray"):
            return _NDARRAY
        if (module, name) == ("numpy", "dtype"):
            return _plain_dtype
        raise pickle.UnpicklingError(f"the file refers to {module}.{name}, which is not allowed")

    def persistent_load(self, pid: object) -> object:
        """Persistent ids never appear in an MNIST pickle."""
        raise pickle.UnpicklingError("persistent references are not allowed")


def restricted_load(data: bytes | object) -> object:
    """Unpickle from a binary file object with only NumPy arrays allowed (latin-1 for Python 2)."""
    return RestrictedUnpickler(data, encoding="latin1").load()


# -- the three formats ----------------------------------------------------------------------


def _part(images: object, labels: object, source: str, what: str) -> Part:
    """One split checked by structure: (n, 784) or (n, 28, 28) images, n labels in 0..9."""
    if not isinstance(images, np.ndarray) or not isinstance(labels, np.ndarray):
        raise DatasetError(f"mnist: {source}: the {what} are not arrays")
    if images.ndim == 3 and images.shape[1:] == IMAGE_SHAPE:
        images = images.reshape(len(images), PIXELS)
    if images.ndim != 2 or images.shape[1] != PIXELS or len(images) == 0:
        raise DatasetError(
            f"mnist: {source}: the {what} images have shape {images.shape}, "
            f"expected (n, 784) or (n, 28, 28) with n ≥ 1"
        )
    if labels.shape != (len(images),) or labels.dtype.kind not in "iu":
        raise DatasetError(
            f"mnist: {source}: the {what} labels are {labels.dtype} of shape {labels.shape}, "
            f"expected {len(images)} integer labels to match the images"
        )
    if labels.min() < 0 or labels.max() > 9:
        raise DatasetError(
            f"mnist: {source}: the {what} labels range from {labels.min()} to {labels.max()}, "
            f"expected 0..9"
        )
    return Part(_pixels(images, source, what), labels.astype(np.uint8))


def _pixels(images: np.ndarray, source: str, what: str) -> np.ndarray:
    """uint8 pixels as they are; float pixels in [0, 1] as uint8 when they are exactly k/256."""
    if images.dtype == np.uint8:
        return images
    if images.dtype.kind != "f":
        raise DatasetError(
            f"mnist: {source}: the {what} images are {images.dtype}, expected uint8 "
            f"or floats in [0, 1]"
        )
    low, high = float(images.min()), float(images.max())
    if low < 0.0 or high > 1.0:
        raise DatasetError(
            f"mnist: {source}: the {what} pixels range from {low:g} to {high:g}, expected [0, 1]"
        )
    steps = images.astype(np.float64) * 256.0
    if high < 1.0 and np.array_equal(steps, np.round(steps)):
        return steps.astype(np.uint8)  # the book's file: bytes / 256, recovered exactly
    return images.astype(np.float64)


def read_pickle(path: Path) -> MnistParts:
    """Nielsen's mnist.pkl.gz: ((X, y) train 50k, validation 10k, test 10k), X float32 in [0, 1)."""
    source = str(path)
    try:
        with gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb") as file:  # noqa: SIM115
            content = restricted_load(file)
    except pickle.UnpicklingError as error:
        raise DatasetError(f"mnist: {source}: refused: {error}") from None
    except (OSError, EOFError, ValueError, TypeError, AttributeError, IndexError,
            KeyError, MemoryError, RecursionError) as error:  # fmt: skip
        raise DatasetError(f"mnist: {source}: not a readable mnist.pkl.gz ({error})") from None
    shape_ok = isinstance(content, tuple) and len(content) == 3
    shape_ok = shape_ok and all(isinstance(pair, tuple) and len(pair) == 2 for pair in content)
    if not shape_ok:
        raise DatasetError(
            f"mnist: {source}: expected Nielsen's layout, a tuple of three (images, labels) "
            f"pairs (training, validation, test)"
        )
    train, validation, test = (
        _part(images, labels, source, what)
        for (images, labels), what in zip(content, ("training", "validation", "test"))
    )
    return MnistParts(train, validation, test, source)


def read_npz(path: Path) -> MnistParts:
    """Keras's mnist.npz: x_train (60000, 28, 28) uint8, y_train, x_test, y_test."""
    source = str(path)
    keys = ("x_train", "y_train", "x_test", "y_test")
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [key for key in keys if key not in data.files]
            if missing:
                raise DatasetError(
                    f"mnist: {source}: missing {', '.join(missing)} (Keras's mnist.npz holds "
                    f"x_train, y_train, x_test, y_test)"
                )
            arrays = {key: data[key] for key in keys}
    except (OSError, ValueError, EOFError, zipfile.BadZipFile) as error:
        raise DatasetError(f"mnist: {source}: not a readable mnist.npz ({error})") from None
    train = _part(arrays["x_train"], arrays["y_train"], source, "training")
    test = _part(arrays["x_test"], arrays["y_test"], source, "test")
    return MnistParts(train, None, test, source)


def find_idx(folder: Path, stem: str) -> Path | None:
    """The IDX file for a stem in folder, gzipped or not, with '-' or '.' before 'idx'."""
    for name in (stem, stem.replace("-idx", ".idx")):
        for suffix in (".gz", ""):
            candidate = folder / (name + suffix)
            if candidate.is_file():
                return candidate
    return None


def read_idx_pair(images_path: Path, labels_path: Path, what: str) -> Part:
    """Images and labels from an IDX pair, checked against each other."""
    images = read_idx(images_path, IMAGE_MAGIC)
    labels = read_idx(labels_path, LABEL_MAGIC)
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != IMAGE_SHAPE:
        raise DatasetError(
            f"mnist: {images_path} holds {images.dtype} of shape {images.shape}, "
            f"expected uint8 images of shape (n, 28, 28)"
        )
    if labels.dtype != np.uint8 or labels.ndim != 1 or len(labels) != len(images):
        raise DatasetError(
            f"mnist: {labels_path} holds {labels.dtype} of shape {labels.shape}, "
            f"expected {len(images)} uint8 labels to match {images_path.name}"
        )
    return _part(images, labels, f"{images_path} and {labels_path.name}", what)


def read_idx_folder(folder: Path) -> MnistParts:
    """The four IDX files in folder (names as on the MNIST site, gzipped or not)."""
    paths = {role: find_idx(folder, stem) for role, stem in IDX_NAMES.items()}
    missing = [IDX_NAMES[role] for role, path in paths.items() if path is None]
    if missing:
        raise DatasetError(
            f"mnist: the folder {folder} has no {', '.join(missing)} (.gz or not); "
            f"the `path` option takes {FORMATS_TEXT}"
        )
    train = read_idx_pair(paths["train images"], paths["train labels"], "training")
    test = read_idx_pair(paths["test images"], paths["test labels"], "test")
    return MnistParts(train, None, test, str(folder))


def read_local(path: str | Path) -> MnistParts:
    """MNIST from a path: a folder of IDX files (or holding mnist.pkl.gz / mnist.npz), or a file."""
    path = Path(path).expanduser()
    if path.is_dir():
        if find_idx(path, IDX_NAMES["train images"]) is None:
            for name, reader in ((PICKLE_NAME, read_pickle), (NPZ_NAME, read_npz)):
                if (path / name).is_file():
                    return reader(path / name)
        return read_idx_folder(path)
    if not path.exists():
        raise DatasetError(
            f"mnist: {path}: no such file or folder (the `path` option takes {FORMATS_TEXT})"
        )
    if path.name.endswith((".pkl.gz", ".pkl")):
        return read_pickle(path)
    if path.suffix == ".npz":
        return read_npz(path)
    raise DatasetError(
        f"mnist: {path}: unknown format (expected {FORMATS_TEXT}; a file must end in "
        f".pkl.gz, .pkl or .npz)"
    )
