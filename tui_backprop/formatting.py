"""Numbers as the faces write them: one module, one mark for a number that is missing.

The app, the headless run and the command line all format through these functions, so a
cost, an accuracy or a gradient norm reads the same everywhere, and "not measured yet"
(None) or "not a number" (NaN) is always ``MISSING``. No Textual here: the headless face
imports it too.
"""

from __future__ import annotations

import math

#: what every face shows for a number that is missing (None) or not a number (NaN)
MISSING = "–"
#: settings shown to a reader by the book's symbols (files and ``--set`` keep the names)
SETTING_SYMBOLS = {"eta": "η", "lmbda": "λ"}


def _missing(value: float | None) -> bool:
    """True for None and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | None, digits: int = 3) -> str:
    """A short number with ``digits`` significant digits: 0.123, 1.5e-05, inf."""
    if _missing(value):
        return MISSING
    return f"{value:.{digits}g}"


def plain(value: float) -> str:
    """A number as a user types it, without needless digits: 0.5, 1e-05, 3."""
    return number(value, 6)


def fixed(value: float | None, decimals: int = 4) -> str:
    """A number with ``decimals`` decimals, in scientific notation when huge (≥ 1e5)."""
    if _missing(value):
        return MISSING
    if math.isfinite(value) and abs(value) < 1e5:
        return f"{value:.{decimals}f}"
    return f"{value:.3e}"


def scientific(value: float | None, digits: int = 2) -> str:
    """A number in scientific notation of fixed width: 1.23e-04."""
    if _missing(value):
        return MISSING
    return f"{value:.{digits}e}"


def counted(count: int, noun: str) -> str:
    """A count with its noun, singular for one: "1 epoch", "2 epochs", "7,200 steps"."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def percent(fraction: float | None, decimals: int = 1) -> str:
    """A fraction in [0, 1] as a percentage: 0.973 → "97.3%"."""
    if _missing(fraction):
        return MISSING
    return f"{100 * fraction:.{decimals}f}%"


def compact(value: float | None) -> str:
    """A count in few characters: 950 → "950", 12345 → "12.3k", 1234567 → "1.23M"."""
    if _missing(value):
        return MISSING
    for limit, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.0f}"


def times(ratio: float) -> str:
    """A ratio of speeds: "132", "2.1" (whole numbers from ten up)."""
    if _missing(ratio):
        return MISSING
    return f"{ratio:.0f}" if ratio >= 10 else f"{ratio:.1f}"


def setting(name: str, value: str) -> str:
    """A setting as a reader sees it: "η=0.5", "λ=0.1", "cost=quadratic"."""
    return f"{SETTING_SYMBOLS.get(name, name)}={value}"
