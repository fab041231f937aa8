"""Dataset options: their specs, their checks, and the options most datasets share."""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .base import Dataset, DatasetError

_TYPE_WORDS = {int: "an integer", float: "a number", bool: "true or false", str: "a string"}
_TRUE_WORDS = ("true", "yes", "on", "1")
_FALSE_WORDS = ("false", "no", "off", "0")


@dataclass(frozen=True)
class OptionSpec:
    """One option of a dataset: its type, default, help text and allowed values."""

    name: str
    type: type | tuple[type, ...]
    """int, float, str or bool; a tuple when several are accepted (csv's `label`)."""
    default: Any
    help: str
    min: float | None = None
    max: float | None = None
    exclusive: bool = False
    """When True, min and max themselves are not allowed (e.g. 0 < test_fraction < 1)."""
    choices: tuple[str, ...] = ()
    required: bool = False
    is_path: bool = False
    """A file or folder: a relative one in a preset file means relative to that file's folder."""

    @property
    def types(self) -> tuple[type, ...]:
        """The accepted types as a tuple."""
        return self.type if isinstance(self.type, tuple) else (self.type,)

    def allowed(self) -> str:
        """What values are allowed, in words, e.g. "an integer from 2 to 5"."""
        if self.choices:
            return "one of " + ", ".join(repr(choice) for choice in self.choices)
        words = " or ".join(_TYPE_WORDS[t] for t in self.types)
        low, high = _number_text(self.min), _number_text(self.max)
        if self.min is not None and self.max is not None:
            if self.exclusive:
                return f"{words} strictly between {low} and {high}"
            return f"{words} from {low} to {high}"
        if self.min is not None:
            return f"{words} {'above' if self.exclusive else 'of at least'} {low}"
        if self.max is not None:
            return f"{words} {'below' if self.exclusive else 'of at most'} {high}"
        return words

    def check(self, dataset: str, value: Any) -> Any:
        """The value converted to this option's type, or a DatasetError saying what is allowed."""
        if value is None and self.default is None and not self.required:
            return None
        converted = self._convert(value)
        if converted is None or not self._in_range(converted):
            raise DatasetError(
                f"dataset {dataset!r}, option {self.name!r}: must be {self.allowed()}, "
                f"got {value!r}"
            )
        return converted

    def _convert(self, value: Any) -> Any:
        """The value as one of the accepted types, parsing strings; None when impossible."""
        types = self.types
        if isinstance(value, bool):
            return value if bool in types else None
        if isinstance(value, types):
            return value
        if isinstance(value, os.PathLike) and str in types:
            return os.fspath(value)
        if isinstance(value, numbers.Integral) and int in types:
            return int(value)
        if isinstance(value, numbers.Real) and float in types:
            return float(value)
        if isinstance(value, str) and str not in types:
            return _parse_text(value.strip(), types[0])
        return None

    def _in_range(self, value: Any) -> bool:
        """Whether a converted value is among the choices and within min/max."""
        if self.choices:
            return value in self.choices
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            return True
        if not math.isfinite(value):
            return False
        if self.min is not None and (value < self.min or (self.exclusive and value == self.min)):
            return False
        return not (
            self.max is not None and (value > self.max or (self.exclusive and value == self.max))
        )


@dataclass(frozen=True)
class DatasetSpec:
    """A registered dataset: its name, one-line description, options and loader."""

    name: str
    description: str
    options: tuple[OptionSpec, ...]
    loader: Callable[..., Dataset]

    def option(self, name: str) -> OptionSpec:
        """The option called name (KeyError if there is none)."""
        for option in self.options:
            if option.name == name:
                return option
        raise KeyError(name)

    def defaults(self) -> dict[str, Any]:
        """Every option's default value (None for required ones)."""
        return {option.name: option.default for option in self.options}


def _number_text(value: float | None) -> str:
    """A bound written without a needless ".0"."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


def _parse_text(text: str, target: type) -> Any:
    """A string typed by a user (command line, form) parsed as int, float or bool; None if not."""
    try:
        if target is int:
            return int(text)
        if target is float:
            return float(text)
    except ValueError:
        return None
    if target is bool and text.lower() in _TRUE_WORDS + _FALSE_WORDS:
        return text.lower() in _TRUE_WORDS
    return None


def seed_option(help: str = "seed of the random generator: same seed, same data") -> OptionSpec:
    """The `seed` option every dataset has (int >= 0, default 0)."""
    return OptionSpec("seed", int, 0, help, min=0)


def split_option() -> OptionSpec:
    """The `test_fraction` option (0 < f < 1, default 0.2)."""
    return OptionSpec(
        "test_fraction", float, 0.2, "fraction of the rows held out as the test set",
        min=0.0, max=1.0, exclusive=True,
    )  # fmt: skip


def n_samples_option(default: int) -> OptionSpec:
    """The `n_samples` option of the synthetic sets (train + test rows)."""
    return OptionSpec(
        "n_samples", int, default, "number of points, train and test together",
        min=20, max=100_000,
    )  # fmt: skip


def noise_option(default: float, help: str) -> OptionSpec:
    """The `noise` option of the synthetic sets (a standard deviation, 0 to 1)."""
    return OptionSpec("noise", float, default, help, min=0.0, max=1.0)
