"""The IDX reader and the MNIST loader, fed small files written here; never the network."""

from __future__ import annotations

import gzip
import hashlib
import struct
import urllib.error
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tui_backprop.data import DatasetError, load_dataset
from tui_backprop.data import mnist as mnist_module
from tui_backprop.data.idx import read_idx, write_idx

N_TRAIN, N_TEST = 30, 10


def idx_bytes(magic: int, shape: tuple[int, ...], payload: bytes) -> bytes:
    """An IDX file built by hand from the format's description, independently of write_idx."""
    return struct.pack(">I", magic) + struct.pack(f">{len(shape)}I", *shape) + payload


def write_fake_mnist(folder: Path, seed: int = 0) -> tuple[dict[str, str], np.ndarray]:
    """Four small MNIST-like gz files in folder; returns their SHA-256 values and train labels."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    parts = {
        mnist_module.TRAIN_IMAGES: rng.integers(0, 256, (N_TRAIN, 28, 28), dtype=np.uint8),
        mnist_module.TRAIN_LABELS: rng.integers(0, 10, N_TRAIN, dtype=np.uint8),
        mnist_module.TEST_IMAGES: rng.integers(0, 256, (N_TEST, 28, 28), dtype=np.uint8),
        mnist_module.TEST_LABELS: rng.integers(0, 10, N_TEST, dtype=np.uint8),
    }
    for name, array in parts.items():
        write_idx(folder / name, array)
    checksums = {name: hashlib.sha256((folder / name).read_bytes()).hexdigest() for name in parts}
    return checksums, parts[mnist_module.TRAIN_LABELS]


def no_network(url: str, timeout: float) -> None:
    """An opener that behaves like a machine without a network."""
    raise urllib.error.URLError("network is unreachable")


def test_reader_parses_hand_built_files_plain_and_gzipped(tmp_path: Path) -> None:
    """A hand-built uint8 image file and int32 file read back with the right shape and values."""
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    (tmp_path / "images.idx").write_bytes(idx_bytes(0x803, (2, 3, 4), images.tobytes()))
    assert np.array_equal(read_idx(tmp_path / "images.idx", expected_magic=0x803), images)
    ints = np.array([1, -2, 70000], dtype=">i4")
    (tmp_path / "ints.idx.gz").write_bytes(gzip.compress(idx_bytes(0x0C01, (3,), ints.tobytes())))
    assert read_idx(tmp_path / "ints.idx.gz").tolist() == [1, -2, 70000]


@settings(max_examples=20, deadline=None)
@given(
    array=hnp.arrays(
        dtype=st.sampled_from([np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64]),
        shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=5),
    )
)
def test_write_then_read_round_trips(tmp_path_factory: pytest.TempPathFactory, array) -> None:
    """Any array of an IDX dtype survives write_idx then read_idx unchanged."""
    path = tmp_path_factory.mktemp("idx") / "a.idx.gz"
    write_idx(path, array)
    back = read_idx(path)
    assert back.dtype == array.dtype and back.shape == array.shape
    assert np.array_equal(back, array, equal_nan=array.dtype.kind == "f")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (idx_bytes(0x801, (3,), bytes(3)), r"magic number 0x00000801, expected 0x00000803"),
        (idx_bytes(0x803, (2, 2, 2), bytes(7)), r"needs 8 bytes of data, but the file holds 7"),
        (b"PK\x03\x04 not idx", r"not an IDX file"),
        (b"", r"not an IDX file"),
        (b"\x00\x00\x08\x03\x00\x00", r"header for 3 dimensions is truncated"),
    ],
)
def test_reader_rejects_bad_files_naming_them(tmp_path: Path, content: bytes, message: str) -> None:
    """Wrong magic, wrong size, foreign bytes and a short header each name the file."""
    path = tmp_path / "bad.idx"
    path.write_bytes(content)
    with pytest.raises(DatasetError, match=message) as caught:
        read_idx(path, expected_magic=0x803)
    assert str(path) in str(caught.value)


def test_reader_reports_a_corrupt_gzip(tmp_path: Path) -> None:
    """A .gz that is not gzip gets a DatasetError, not a raw OSError."""
    path = tmp_path / "bad.idx.gz"
    path.write_bytes(b"definitely not gzip")
    with pytest.raises(DatasetError, match="cannot read it"):
        read_idx(path)


def test_download_from_a_file_mirror_splits_like_the_book(tmp_path: Path) -> None:
    """Files served from a file:// mirror are verified, cached and split train/val/test."""
    checksums, train_labels = write_fake_mnist(tmp_path / "mirror")
    cache = tmp_path / "cache"
    data = mnist_module.load_mnist(
        seed=0, cache_dir=str(cache), mirror=(tmp_path / "mirror").as_uri(),
        checksums=checksums, n_validation=5,
    )  # fmt: skip
    assert data.X_train.shape == (25, 784) and data.X_val.shape == (5, 784)
    assert data.X_test.shape == (10, 784) and data.Y_test.shape == (10, 10)
    assert data.info.image_shape == (28, 28) and data.info.n_outputs == 10
    assert data.X_train.min() >= 0.0 and data.X_train.max() <= 1.0
    assert np.array_equal(data.labels(data.Y_train), train_labels[:25])
    assert np.array_equal(data.labels(data.Y_val), train_labels[25:])
    assert sorted(p.name for p in cache.iterdir()) == sorted(checksums)
    for array in (data.X_train, data.Y_val, data.X_test):
        assert array.dtype == np.float64 and not array.flags.writeable
    cached = mnist_module.load_mnist(
        seed=0, cache_dir=str(cache), mirror="", checksums=checksums,
        opener=no_network, n_validation=5,
    )  # fmt: skip
    assert np.array_equal(cached.X_train, data.X_train)


def test_load_dataset_uses_cache_dir_and_mirror_options(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Through the registry, a folder given as `mirror` works like a file:// URL."""
    checksums, _ = write_fake_mnist(tmp_path / "mirror")
    monkeypatch.setattr(mnist_module, "SHA256", checksums)
    monkeypatch.setattr(mnist_module, "VALIDATION_SIZE", 10)
    data = load_dataset("mnist", cache_dir=str(tmp_path / "cache"), mirror=str(tmp_path / "mirror"))
    assert len(data.X_train) == 20 and len(data.X_val) == 10 and len(data.X_test) == 10
    assert "20 train / 10 validation / 10 test" in data.info.description


def test_checksum_mismatch_moves_our_download_aside_and_says_so(tmp_path: Path) -> None:
    """A served file with the wrong SHA-256 is moved aside to .rejected, and the error says why."""
    checksums, _ = write_fake_mnist(tmp_path / "mirror")
    checksums[mnist_module.TRAIN_IMAGES] = "0" * 64
    cache = tmp_path / "cache"
    with pytest.raises(DatasetError) as caught:
        mnist_module.load_mnist(
            seed=0, cache_dir=str(cache), mirror=str(tmp_path / "mirror"), checksums=checksums
        )
    message = str(caught.value)
    assert "SHA-256 mismatch" in message and "moved aside" in message
    assert mnist_module.TRAIN_IMAGES in message and "0" * 64 in message
    assert [p.name for p in cache.iterdir()] == [mnist_module.TRAIN_IMAGES + ".rejected"]


def test_a_cached_file_failing_its_checksum_is_never_deleted(tmp_path: Path) -> None:
    """The user's own file in the cache (wrong SHA-256) is left byte for byte, and explained."""
    checksums, _ = write_fake_mnist(tmp_path / "mirror")
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / mnist_module.TEST_LABELS).write_bytes(b"my own copy")
    with pytest.raises(DatasetError) as caught:
        mnist_module.load_mnist(
            seed=0, cache_dir=str(cache), mirror=str(tmp_path / "mirror"),
            checksums=checksums, n_validation=5,
        )  # fmt: skip
    message = str(caught.value)
    assert "left untouched" in message and "`path` option" in message
    assert str(cache / mnist_module.TEST_LABELS) in message
    assert (cache / mnist_module.TEST_LABELS).read_bytes() == b"my own copy"


def test_a_cached_file_failing_its_checksum_offline_is_kept_too(tmp_path: Path) -> None:
    """Offline, a bad cached file is still kept, and the error names it."""
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / mnist_module.TRAIN_IMAGES).write_bytes(b"junk")
    with pytest.raises(DatasetError, match=r"has SHA-256 .*left untouched"):
        mnist_module.load_mnist(seed=0, cache_dir=str(cache), mirror="", opener=no_network)
    assert (cache / mnist_module.TRAIN_IMAGES).read_bytes() == b"junk"


def test_offline_error_names_the_mirrors_and_suggests_digits(tmp_path: Path) -> None:
    """Without a network, the error says it could not download, where it tried, and what else."""
    with pytest.raises(DatasetError) as caught:
        mnist_module.load_mnist(seed=0, cache_dir=str(tmp_path), mirror="", opener=no_network)
    message = str(caught.value)
    assert "could not download" in message and "network is unreachable" in message
    for base in mnist_module.MIRRORS:
        assert base + mnist_module.TRAIN_IMAGES in message
    assert "`digits`" in message and str(tmp_path) in message
    assert "dataset_options.path" in message and "mnist.pkl.gz" in message


def test_unreachable_file_mirror_fails_the_same_way(tmp_path: Path) -> None:
    """A mirror folder that does not exist gives the could-not-download error too."""
    with pytest.raises(DatasetError, match=r"(?s)could not download .*digits"):
        load_dataset("mnist", cache_dir=str(tmp_path / "c"), mirror=str(tmp_path / "nowhere"))


def test_valid_checksum_but_bad_idx_names_the_file(tmp_path: Path) -> None:
    """A verified download that is not the expected IDX kind is reported with its path."""
    checksums, _ = write_fake_mnist(tmp_path / "mirror")
    labels = tmp_path / "mirror" / mnist_module.TRAIN_LABELS
    write_idx(labels, np.zeros((N_TRAIN, 2), dtype=np.uint8))
    checksums[mnist_module.TRAIN_LABELS] = hashlib.sha256(labels.read_bytes()).hexdigest()
    with pytest.raises(DatasetError, match=r"train-labels-idx1-ubyte.gz: magic number"):
        mnist_module.load_mnist(
            seed=0, cache_dir=str(tmp_path / "cache"), mirror=str(tmp_path / "mirror"),
            checksums=checksums, n_validation=5,
        )  # fmt: skip


def test_default_cache_is_the_user_cache_folder() -> None:
    """Without cache_dir, files go to platformdirs' user cache under tui-backprop/mnist."""
    folder = mnist_module.default_cache_dir()
    assert folder.name == "mnist" and "tui-backprop" in str(folder)


def test_published_checksums_are_pinned() -> None:
    """The four SHA-256 values are the published ones (TFDS/Keras)."""
    prefixes = {name: digest[:8] for name, digest in mnist_module.SHA256.items()}
    assert prefixes == {
        "train-images-idx3-ubyte.gz": "440fcabf",
        "train-labels-idx1-ubyte.gz": "3552534a",
        "t10k-images-idx3-ubyte.gz": "8d422c7b",
        "t10k-labels-idx1-ubyte.gz": "f7ae60f9",
    }
    assert all(len(digest) == 64 for digest in mnist_module.SHA256.values())
