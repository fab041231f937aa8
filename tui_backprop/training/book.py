"""The book's own numbers that a preset may carry in a ``[book]`` table, to show beside ours.

    [book]
    speeds = [0.003, 0.017, 0.070, 0.285]   # ‖δ^l‖ of the hidden layers, first to last
    source = "Nielsen, Neural Networks and Deep Learning, chapter 5: …"

``speeds`` are chapter 5's "speeds of learning": the length of the gradient ∂C/∂b^l (so
‖δ^l‖ summed over a batch) of each hidden layer at the start of training.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tui_backprop.training.config import ConfigError

KNOWN = ("speeds", "source")


@dataclass(frozen=True)
class BookReference:
    """Reference speeds of learning per hidden layer (first first), and where they are from."""

    speeds: tuple[float, ...]
    source: str


def parse_book(table: Any, source: str) -> BookReference:
    """Check a ``[book]`` table; raise ConfigError naming the file and what is allowed."""
    where = f"{source}: " if source else ""
    if not isinstance(table, dict):
        raise ConfigError(f"{where}book must be a table with speeds and source", field="book")
    unknown = [key for key in table if key not in KNOWN]
    if unknown:
        raise ConfigError(
            f"{where}book: unknown key {unknown[0]!r} (known: {', '.join(KNOWN)})", field="book"
        )
    speeds, text = table.get("speeds"), table.get("source")
    ok = isinstance(speeds, list) and len(speeds) >= 1
    ok = ok and all(
        isinstance(v, int | float) and not isinstance(v, bool) and v > 0 for v in speeds
    )
    if not ok:
        raise ConfigError(
            f"{where}book.speeds = {speeds!r} must be a list of numbers > 0, one per hidden "
            "layer (first hidden layer first)",
            field="book",
        )
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(
            f"{where}book.source must say where the numbers come from (a non-empty string)",
            field="book",
        )
    return BookReference(tuple(float(v) for v in speeds), text.strip())


def book_reference(path: str | Path) -> BookReference | None:
    """The ``[book]`` table of a preset file, or None when it has none (or is unreadable:
    loading the preset itself reports that)."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    if "book" not in data:
        return None
    return parse_book(data["book"], str(path))
