"""Presets: the TOML experiments shipped in ``tui_backprop/presets`` (and ``presets/``)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from tui_backprop.training.book import BookReference, book_reference
from tui_backprop.training.config import ConfigError, RunConfig, load

#: the preset that ``tui-backprop`` and ``make run`` open
DEFAULT_PRESET = "spiral"


@dataclass(frozen=True)
class PresetInfo:
    """A shipped preset: its name, its file and its one-line description."""

    name: str
    path: Path
    description: str
    dataset: str


def presets_dir() -> Path:
    """The folder of shipped presets, inside the installed package."""
    return Path(str(resources.files("tui_backprop") / "presets"))


def preset_names() -> list[str]:
    """The shipped presets' names, sorted."""
    return sorted(p.stem for p in presets_dir().glob("*.toml"))


def list_presets() -> list[PresetInfo]:
    """Every shipped preset with its description (each file is read and validated)."""
    infos = []
    for name in preset_names():
        path = presets_dir() / f"{name}.toml"
        config = load(path)
        infos.append(PresetInfo(name, path, config.description, config.dataset))
    return infos


def preset_file(name_or_path: str) -> Path | None:
    """The file ``--preset`` names when it is a path (not a shipped preset's name), else None."""
    candidate = Path(name_or_path).expanduser()
    if name_or_path.strip() and (candidate.suffix == ".toml" or candidate.exists()):
        return candidate
    return None


def load_preset(name_or_path: str) -> RunConfig:
    """Load a shipped preset by name, or any TOML file by path."""
    if not name_or_path.strip():
        raise ConfigError(
            f"--preset {name_or_path!r}: an empty name; give a preset "
            f"({', '.join(preset_names())}) or a path to a .toml file"
        )
    path = preset_file(name_or_path)
    if path is not None:
        return load(path)
    path = presets_dir() / f"{name_or_path}.toml"
    if not path.exists():
        names = preset_names()
        close = difflib.get_close_matches(name_or_path, names, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ConfigError(
            f"preset {name_or_path!r} not found{hint} (presets: {', '.join(names)}; "
            "or give a path to a .toml file)"
        )
    return load(path)


def preset_book(name_or_path: str | None) -> BookReference | None:
    """The book's reference numbers a preset carries (its ``[book]`` table), or None."""
    if not name_or_path:
        return None
    candidate = Path(name_or_path)
    path = candidate if candidate.suffix == ".toml" else presets_dir() / f"{name_or_path}.toml"
    return book_reference(path) if path.exists() else None
