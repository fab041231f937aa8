"""MNIST 28×28 handwritten digits, downloaded on first use into a cache and SHA-256 verified.

Split as in Nielsen's book: the first 50,000 of the 60,000 training images train, the last
10,000 validate, and the 10,000 t10k images test. Pixels are scaled to [0, 1] by /255.
"""

from __future__ import annotations

import hashlib
import http.client
import shutil
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

import numpy as np
import platformdirs

from .arrays import class_targets, frozen
from .base import Dataset, DatasetError, DatasetInfo
from .idx import read_idx
from .options import DatasetSpec, OptionSpec, seed_option

MIRRORS = (
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
)
TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"
SHA256 = {
    TRAIN_IMAGES: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    TRAIN_LABELS: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    TEST_IMAGES: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    TEST_LABELS: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
IMAGE_MAGIC = 0x00000803
LABEL_MAGIC = 0x00000801
IMAGE_SHAPE = (28, 28)
VALIDATION_SIZE = 10_000
DOWNLOAD_TIMEOUT = 30.0
CLASS_NAMES = tuple(str(digit) for digit in range(10))

Opener = Callable[..., BinaryIO]
"""Called as opener(url, timeout=seconds), like urllib.request.urlopen."""


def default_cache_dir() -> Path:
    """Where MNIST is cached unless `cache_dir` says otherwise."""
    return Path(platformdirs.user_cache_dir("tui-backprop")) / "mnist"


def base_urls(mirror: str) -> list[str]:
    """The base URLs to try: the user's mirror (a URL or a folder) alone, or the built-in list."""
    if not mirror:
        return list(MIRRORS)
    if "://" not in mirror:
        mirror = Path(mirror).expanduser().resolve().as_uri()
    return [mirror if mirror.endswith("/") else mirror + "/"]


def sha256_of(path: Path) -> str:
    """The hex SHA-256 digest of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for chunk in iter(lambda: file.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def download(url: str, target: Path, opener: Opener, timeout: float) -> None:
    """Copy the body at url into target."""
    with opener(url, timeout=timeout) as response, open(target, "wb") as out:
        shutil.copyfileobj(response, out, 1 << 16)


def fetch(name: str, directory: Path, sha256: str, bases: Sequence[str], opener: Opener) -> Path:
    """The verified file name in directory, downloaded from the first base URL that works."""
    path = directory / name
    problems = []
    if path.exists():
        actual = sha256_of(path)
        if actual == sha256:
            return path
        path.unlink()
        problems.append(f"the cached {path} had SHA-256 {actual}, expected {sha256}; deleted it")
    partial = directory / (name + ".part")
    for base in bases:
        url = base + name
        try:
            download(url, partial, opener, DOWNLOAD_TIMEOUT)
        except (OSError, ValueError, http.client.HTTPException) as error:
            partial.unlink(missing_ok=True)
            problems.append(f"{url}: {error}")
            continue
        actual = sha256_of(partial)
        if actual == sha256:
            partial.replace(path)
            return path
        partial.unlink()
        problems.append(
            f"{url}: SHA-256 mismatch (got {actual}, expected {sha256}); deleted the download"
        )
    tried = "\n".join(f"  - {problem}" for problem in problems)
    raise DatasetError(
        f"mnist: could not download {name} into {directory}. Tried:\n{tried}\n"
        f"Check the network (or set the `mirror` option), put the four MNIST .gz files in "
        f"that folder yourself, or use the `digits` dataset (8×8 digits shipped with the app, "
        f"works offline)."
    )


def read_images_and_labels(images_path: Path, labels_path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Images (n, 28, 28) uint8 and labels (n,) from an IDX pair, checked against each other."""
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
    if labels.size and labels.max() > 9:
        raise DatasetError(f"mnist: {labels_path} has label {labels.max()}, expected 0..9")
    return images, labels


def _inputs_and_targets(images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Frozen inputs (n, 784) scaled to [0, 1] and one-hot targets (n, 10)."""
    X = images.reshape(len(images), -1).astype(np.float64)
    X /= 255.0
    return frozen(X), frozen(class_targets(labels, len(CLASS_NAMES)))


def load_mnist(
    *,
    seed: int,
    cache_dir: str,
    mirror: str,
    checksums: Mapping[str, str] | None = None,
    opener: Opener | None = None,
    n_validation: int | None = None,
) -> Dataset:
    """MNIST split 50,000 / 10,000 / 10,000, downloading and verifying files as needed.

    checksums, opener and n_validation exist for tests (small files served from file:// URLs).
    The seed has no effect: the split is fixed, as in the book.
    """
    checksums = SHA256 if checksums is None else checksums
    n_validation = VALIDATION_SIZE if n_validation is None else n_validation
    opener = urllib.request.urlopen if opener is None else opener
    directory = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatasetError(f"mnist: cannot create the cache folder {directory}: {error}") from error
    bases = base_urls(mirror)
    paths = {name: fetch(name, directory, checksums[name], bases, opener) for name in SHA256}
    train_images, train_labels = read_images_and_labels(paths[TRAIN_IMAGES], paths[TRAIN_LABELS])
    test_images, test_labels = read_images_and_labels(paths[TEST_IMAGES], paths[TEST_LABELS])
    if not 0 < n_validation < len(train_images):
        raise DatasetError(
            f"mnist: cannot hold out {n_validation} validation images from "
            f"{len(train_images)} training images"
        )
    n_train = len(train_images) - n_validation
    X_train, Y_train = _inputs_and_targets(train_images[:n_train], train_labels[:n_train])
    X_val, Y_val = _inputs_and_targets(train_images[n_train:], train_labels[n_train:])
    X_test, Y_test = _inputs_and_targets(test_images, test_labels)
    info = DatasetInfo(
        name="mnist",
        description=(
            f"MNIST 28×28 digits ({n_train} train / {n_validation} validation / {len(X_test)} test)"
        ),
        n_inputs=IMAGE_SHAPE[0] * IMAGE_SHAPE[1],
        n_outputs=len(CLASS_NAMES),
        task="classification",
        class_names=CLASS_NAMES,
        drawable_2d=False,
        image_shape=IMAGE_SHAPE,
        input_range=None,
    )
    return Dataset(info, X_train, Y_train, X_test, Y_test, X_val, Y_val)


SPECS = (
    DatasetSpec(
        "mnist",
        "MNIST 28×28 digits, 50k train / 10k validation / 10k test (downloads ~11 MB once)",
        (
            seed_option("no effect: MNIST's split is fixed, as in the book"),
            OptionSpec(
                "cache_dir", str, "", "folder for the downloaded files (empty: the user cache)"
            ),
            OptionSpec(
                "mirror", str, "", "base URL or folder to download from (empty: built-in mirrors)"
            ),
        ),
        load_mnist,
    ),
)
