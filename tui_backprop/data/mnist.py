"""MNIST 28×28 handwritten digits: from the user's own copy, or downloaded once into a cache.

Split as in Nielsen's book: the first 50,000 of the 60,000 training images train, the last
10,000 validate, and the 10,000 t10k images test (Nielsen's mnist.pkl.gz carries that split
itself). Pixels are scaled to [0, 1] by /255.

The `path` option takes a copy on disk in any of three formats (see ``mnist_files``);
without it the four IDX files are downloaded into the cache and SHA-256 verified. A file in
the cache that fails its checksum is never deleted (it may be the user's own copy): the
error says so. Only our own failed downloads are moved aside, to ``NAME.rejected``.
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
from .mnist_files import FORMATS_TEXT, IMAGE_SHAPE, MnistParts, Part, read_idx_pair, read_local
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
VALIDATION_SIZE = 10_000
DOWNLOAD_TIMEOUT = 30.0
CLASS_NAMES = tuple(str(digit) for digit in range(10))
GET_MNIST = (
    "set the dataset option `path` to a copy you have (--set dataset_options.path=...: "
    f"{FORMATS_TEXT}), or use the `digits` dataset (8×8 digits shipped with the app, "
    "works offline)"
)

#: the download failure in a few lines, for the app's form (which has a field for `path`)
OFFLINE = (
    "MNIST could not be downloaded (offline?): give your copy as the file below, "
    "or choose the digits dataset (8×8, shipped)."
)

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
    """The verified file name in directory, downloaded from the first base URL that works.

    A file already there that fails the checksum is left untouched and reported: we did not
    necessarily write it. A download goes to NAME.part and is renamed into place only once
    verified; one that fails the checksum is moved aside to NAME.rejected.
    """
    path = directory / name
    if path.exists():
        actual = sha256_of(path)
        if actual == sha256:
            return path
        raise DatasetError(
            f"mnist: the cached {path} has SHA-256 {actual}, expected {sha256} (the published "
            f"file's). It was left untouched: if it is your own copy (unpacked or re-compressed, "
            f"say), point the `path` option at its folder, where copies are checked by structure "
            f"instead; otherwise move it away and the next run downloads a fresh one."
        )
    problems = []
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
        rejected = directory / (name + ".rejected")
        partial.replace(rejected)
        problems.append(
            f"{url}: SHA-256 mismatch (got {actual}, expected {sha256}); "
            f"the download was moved aside to {rejected}"
        )
    tried = "\n".join(f"  - {problem}" for problem in problems)
    raise DatasetError(
        f"mnist: could not download {name} into {directory}. Tried:\n{tried}\n"
        f"Check the network (or set the `mirror` option), {GET_MNIST}.",
        short=OFFLINE,
    )


def downloaded(
    cache_dir: str, mirror: str, checksums: Mapping[str, str], opener: Opener
) -> MnistParts:
    """The four IDX files fetched into the cache (or found there) and read."""
    directory = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatasetError(f"mnist: cannot create the cache folder {directory}: {error}") from error
    bases = base_urls(mirror)
    paths = {name: fetch(name, directory, checksums[name], bases, opener) for name in SHA256}
    train = read_idx_pair(paths[TRAIN_IMAGES], paths[TRAIN_LABELS], "training")
    test = read_idx_pair(paths[TEST_IMAGES], paths[TEST_LABELS], "test")
    return MnistParts(train, None, test, str(directory))


def available_offline(options: Mapping[str, object]) -> bool:
    """Whether MNIST can be loaded without the network: a `path` given, or the cache filled."""
    path, cache_dir = str(options.get("path") or ""), str(options.get("cache_dir") or "")
    if path:
        return Path(path).expanduser().exists()
    directory = Path(cache_dir).expanduser() if cache_dir else default_cache_dir()
    return all((directory / name).is_file() for name in SHA256)


def _inputs_and_targets(part: Part) -> tuple[np.ndarray, np.ndarray]:
    """Frozen inputs (n, 784) scaled to [0, 1] and one-hot targets (n, 10)."""
    X = part.images.astype(np.float64)
    if part.images.dtype == np.uint8:
        X /= 255.0
    return frozen(X), frozen(class_targets(part.labels, len(CLASS_NAMES)))


def split_validation(parts: MnistParts, n_validation: int) -> tuple[Part, Part]:
    """(train, validation): the file's own split, or the last n_validation training images."""
    if parts.validation is not None:
        return parts.train, parts.validation
    images, labels = parts.train.images, parts.train.labels
    if not 0 < n_validation < len(images):
        raise DatasetError(
            f"mnist: {parts.source}: cannot hold out {n_validation} validation images from "
            f"{len(images)} training images"
        )
    n_train = len(images) - n_validation
    return (
        Part(images[:n_train], labels[:n_train]),
        Part(images[n_train:], labels[n_train:]),
    )


def load_mnist(
    *,
    seed: int,
    path: str = "",
    cache_dir: str,
    mirror: str,
    checksums: Mapping[str, str] | None = None,
    opener: Opener | None = None,
    n_validation: int | None = None,
) -> Dataset:
    """MNIST split 50,000 / 10,000 / 10,000, from `path` or downloaded and verified.

    checksums, opener and n_validation exist for tests (small files served from file:// URLs).
    The seed has no effect: the split is fixed, as in the book.
    """
    n_validation = VALIDATION_SIZE if n_validation is None else n_validation
    if path:
        parts = read_local(path)
    else:
        checksums = SHA256 if checksums is None else checksums
        opener = urllib.request.urlopen if opener is None else opener
        parts = downloaded(cache_dir, mirror, checksums, opener)
    train, validation = split_validation(parts, n_validation)
    X_train, Y_train = _inputs_and_targets(train)
    X_val, Y_val = _inputs_and_targets(validation)
    X_test, Y_test = _inputs_and_targets(parts.test)
    info = DatasetInfo(
        name="mnist",
        description=(
            f"MNIST 28×28 digits ({len(X_train)} train / {len(X_val)} validation / "
            f"{len(X_test)} test)"
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
        "MNIST 28×28 digits, 50k train / 10k validation / 10k test (your copy, or ~11 MB "
        "downloaded once)",
        (
            seed_option("no effect: MNIST's split is fixed, as in the book"),
            OptionSpec(
                "path", str, "",
                f"your copy of MNIST: {FORMATS_TEXT} (empty: download into cache_dir)",
                is_path=True,
            ),
            OptionSpec(
                "cache_dir", str, "", "folder for the downloaded files (empty: the user cache)",
                is_path=True,
            ),
            OptionSpec(
                "mirror", str, "", "base URL or folder to download from (empty: built-in mirrors)"
            ),
        ),
        load_mnist,
    ),
)  # fmt: skip
