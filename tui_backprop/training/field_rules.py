"""What each configuration field accepts: a ``Rule`` in words and as a check, the numeric
ranges, and the parsing of form and command-line text (``'2-16-1'`` → [2, 16, 1]).

``RunConfig`` (``config.py``) attaches one rule to each field with ``metadata``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tui_backprop.engine import check_sizes

NOT_ALLOWED = object()  # what a check returns for a value its field does not accept

# The ranges of the numeric fields: wide enough for every experiment in the book, narrow
# enough that no value overflows a timer, a division or the memory.
#: layers in ``sizes`` and neurons in one layer
MAX_LAYERS, MAX_WIDTH = 100, 1_000_000
#: |initial_weight| and |initial_bias| (chapter 3's saturated neuron starts at 2)
INITIAL_LIMIT = 1e3
#: η: any positive step up to a million (a subnormal η trains: the engine never divides by it)
MAX_ETA = 1e6
#: whole-number fields: epochs, mini-batch size, evaluation cadence and subset
MAX_EPOCHS, MAX_BATCH, MAX_SAMPLES = 1_000_000, 1_000_000, 100_000_000
#: a seed fits NumPy's generators as 64 bits
MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class Rule:
    """What one field accepts: in words, and as a check that returns the clean value.

    ``check`` returns the value coerced to the field's type, or ``NOT_ALLOWED`` when it is
    not allowed; ``parse`` turns form or command-line text into the field's type first,
    and ``normal`` puts a value in the form it is reported in (3 → 3.0 for a float);
    ``choices`` feed the "did you mean" hint.
    """

    allowed: str
    check: Callable[[Any], Any]
    parse: Callable[[str], Any] | None = None
    normal: Callable[[Any], Any] | None = None
    choices: tuple[str, ...] = ()


def metadata(rule: Rule) -> dict[str, Rule]:
    """A field's metadata holding its rule."""
    return {"rule": rule}


def _is_number(value: Any) -> bool:
    """An int or float that is not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def _parsed(kind: type) -> Callable[[str], Any]:
    """Text → ``kind``, or the text itself when it does not parse (reported as given)."""

    def parse(text: str) -> Any:
        try:
            return kind(text.strip())
        except ValueError:
            return text

    return parse


def _short(x: float) -> str:
    """A bound as people write it: 1e-9, 1e6, 0.001, 3600."""
    return f"{x:g}".replace("e-0", "e-").replace("e+0", "e").replace("e+", "e")


def number(low: float, high: float, strict: bool = False, zero: bool = False) -> Rule:
    """A finite number from low (excluded when strict) to high; ``zero``: 0 allowed too."""

    def check(value: Any) -> Any:
        if not _is_number(value) or not math.isfinite(value):
            return NOT_ALLOWED
        if zero and value == 0:
            return 0.0
        ok = (value > low if strict else value >= low) and value <= high
        return float(value) if ok else NOT_ALLOWED

    words = f"a number from {_short(low)} to {_short(high)}"
    if strict:
        words = f"a number > {_short(low)} and ≤ {_short(high)}"
    if zero:
        words = f"0 (the app's default) or a number from {_short(low)} to {_short(high)}"
    return Rule(
        words, check, _parsed(float), lambda value: float(value) if _is_number(value) else value
    )


def whole(low: int, high: int) -> Rule:
    """A whole number from low to high."""

    def check(value: Any) -> Any:
        ok = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        return value if ok else NOT_ALLOWED

    return Rule(f"a whole number from {low} to {high:,}", check, _parsed(int))


def one_of(names: Iterable[str]) -> Rule:
    """One of a fixed set of names."""
    names = tuple(names)
    return Rule(
        "one of " + ", ".join(names),
        lambda value: value if isinstance(value, str) and value in names else NOT_ALLOWED,
        choices=names,
    )


def _optional_number(value: Any) -> Any:
    """None (left out), or a number from −INITIAL_LIMIT to INITIAL_LIMIT."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
        return None
    if isinstance(value, str):
        value = _parsed(float)(value)
    ok = _is_number(value) and math.isfinite(value) and abs(value) <= INITIAL_LIMIT
    return float(value) if ok else NOT_ALLOWED


def _parse_sizes(text: str) -> Any:
    """'64-30-10', '2,8,1' or '[2 8 1]' → a list of ints; one separator between sizes, so
    that '2-8-x-3' is a typo to report, not [2, 8, 3]."""
    parts = re.split(r"\s*[,\-x×]\s*|\s+", text.strip().strip("[]").strip())
    try:
        return [int(p) for p in parts]
    except ValueError:
        return text


def _check_sizes(value: Any) -> Any:
    """A list (from TOML or parsed text) that the engine's ``check_sizes`` accepts, of 2 to
    MAX_LAYERS layers of at most MAX_WIDTH neurons (the memory all of them need is checked
    with the other fields, by ``_check_combination``)."""
    if not isinstance(value, list):
        return NOT_ALLOWED
    try:
        sizes = check_sizes(value)
    except ValueError:
        return NOT_ALLOWED
    return sizes if len(sizes) <= MAX_LAYERS and max(sizes) <= MAX_WIDTH else NOT_ALLOWED


TEXT = Rule("a string", lambda value: value if isinstance(value, str) else NOT_ALLOWED)
TABLE = Rule(
    "a table of dataset options",
    lambda value: dict(value) if isinstance(value, dict) else NOT_ALLOWED,
)
SIZES = Rule(
    f"a list of 2 to {MAX_LAYERS} whole numbers from 1 to {MAX_WIDTH:,}, such as [2, 16, 1]",
    _check_sizes,
    _parse_sizes,
)
OPTIONAL_NUMBER = Rule(
    f"a number from {_short(-INITIAL_LIMIT)} to {_short(INITIAL_LIMIT)} "
    "(or leave it out to use init)",
    _optional_number,
)
