"""Reading and writing IDX files, the format of MNIST (gzip-compressed when named *.gz).

Layout: two zero bytes, a type code, the number of dimensions d; then d big-endian uint32
sizes; then the values, big-endian, row-major. The first four bytes read as one big-endian
int are the "magic number": 2051 (0x803) for MNIST images, 2049 (0x801) for labels.
"""

from __future__ import annotations

import gzip
import math
import struct
from pathlib import Path
from typing import IO

import numpy as np

from .base import DatasetError

IDX_TYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def _open(path: Path, mode: str) -> IO[bytes]:
    """Open path in binary mode, through gzip when its name ends in .gz."""
    return gzip.open(path, mode) if path.suffix == ".gz" else open(path, mode)  # noqa: SIM115


def read_idx(path: Path, expected_magic: int | None = None) -> np.ndarray:
    """The array stored in an IDX file; DatasetError naming the file if it is not valid IDX."""
    path = Path(path)
    try:
        with _open(path, "rb") as file:
            data = file.read()
    except (OSError, EOFError) as error:
        raise DatasetError(f"IDX file {path}: cannot read it ({error})") from error
    return parse_idx(data, str(path), expected_magic)


def parse_idx(data: bytes, source: str, expected_magic: int | None = None) -> np.ndarray:
    """The array in the bytes of an IDX file; source names the file in error messages."""
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in IDX_TYPES:
        raise DatasetError(
            f"IDX file {source}: not an IDX file (its first bytes are {data[:4].hex() or 'empty'}, "
            f"expected 00 00, a type code in {sorted(IDX_TYPES)} and the number of dimensions)"
        )
    magic = int.from_bytes(data[:4], "big")
    if expected_magic is not None and magic != expected_magic:
        raise DatasetError(
            f"IDX file {source}: magic number {magic:#010x}, expected {expected_magic:#010x}"
        )
    dtype, n_dims = IDX_TYPES[data[2]], data[3]
    header_size = 4 + 4 * n_dims
    if n_dims == 0 or len(data) < header_size:
        raise DatasetError(f"IDX file {source}: header for {n_dims} dimensions is truncated")
    shape = struct.unpack(f">{n_dims}I", data[4:header_size])
    expected_bytes = math.prod(shape) * dtype.itemsize
    if len(data) - header_size != expected_bytes:
        raise DatasetError(
            f"IDX file {source}: header says shape {shape}, which needs {expected_bytes} bytes "
            f"of data, but the file holds {len(data) - header_size}"
        )
    values = np.frombuffer(data, dtype=dtype, offset=header_size).reshape(shape)
    return values.astype(dtype.newbyteorder("="))


def write_idx(path: Path, array: np.ndarray) -> None:
    """Write an array as an IDX file (gzip-compressed when the name ends in .gz)."""
    path = Path(path)
    array = np.asarray(array)
    codes = {dtype.newbyteorder("="): code for code, dtype in IDX_TYPES.items()}
    code = codes.get(array.dtype.newbyteorder("="))
    if code is None:
        raise DatasetError(f"IDX file {path}: cannot store dtype {array.dtype} in IDX")
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    with _open(path, "wb") as file:
        file.write(header + array.astype(IDX_TYPES[code]).tobytes())
