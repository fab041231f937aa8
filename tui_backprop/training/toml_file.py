"""Reading TOML that a user hands us (preset files, a model file's configuration), safely.

A preset is a few hundred bytes of UTF-8; what arrives may be a folder, ``/dev/zero``,
binary data, or arrays nested ten thousand deep (which makes the standard library's parser
recurse until ``RecursionError``). Each of these is refused in one line naming the file.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from tui_backprop.training.config import ConfigError

#: a preset larger than this is not a preset (the shipped ones are under 2 KB)
MAX_BYTES = 1 << 20


def read_text(path: Path, what: str = "preset file") -> str:
    """The UTF-8 text of a small file, or ConfigError naming it and the problem."""
    try:
        if path.is_dir():
            raise ConfigError(f"{path}: is a folder, not a {what}")
        with open(path, "rb") as file:  # bounded: /dev/zero must not fill the memory
            data = file.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such {what}") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror})") from None
    if len(data) > MAX_BYTES:
        raise ConfigError(f"{path}: larger than {MAX_BYTES // 1024} KB; not a {what}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{data[error.start]:02x} at offset {error.start}); "
            f"a {what} is TOML text"
        ) from None


def parse(text: str, where: str) -> dict[str, Any]:
    """TOML text → a table, or ConfigError naming ``where`` and the parser's complaint."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{where}: not valid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(f"{where}: not valid TOML: arrays or tables nested too deeply") from None


def read_table(path: str | Path, what: str = "preset file") -> dict[str, Any]:
    """Read a TOML file that must set at least one field."""
    path = Path(path)
    table = parse(read_text(path, what), str(path))
    if not table:
        raise ConfigError(
            f"{path}: sets no field (empty or only comments); a {what} sets at least "
            'the dataset and sizes, such as dataset = "xor" and sizes = [2, 8, 1]'
        )
    return table
