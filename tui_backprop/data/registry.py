"""The dataset registry: names, option checking and loading."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import numpy as np

from . import csv_data, digits, mnist, regression, synthetic
from .base import Dataset, DatasetError
from .options import DatasetSpec

DATASETS: dict[str, DatasetSpec] = {
    spec.name: spec
    for spec in (
        *synthetic.SPECS,
        *regression.SPECS,
        *digits.SPECS,
        *mnist.SPECS,
        *csv_data.SPECS,
    )
}


def dataset_names() -> list[str]:
    """Every registered dataset name, in registry order (synthetic first, csv last)."""
    return list(DATASETS)


def _did_you_mean(word: str, choices: list[str]) -> str:
    """A "; did you mean 'x'?" suffix when a choice is close to word, else ""."""
    close = difflib.get_close_matches(word, choices, n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def get_spec(name: str) -> DatasetSpec:
    """The spec of a dataset; DatasetError with a did-you-mean for unknown names."""
    if name in DATASETS:
        return DATASETS[name]
    names = dataset_names()
    raise DatasetError(
        f"unknown dataset {name!r}{_did_you_mean(str(name), names)} (datasets: {', '.join(names)})"
    )


def validate_options(name: str, options: dict[str, Any]) -> dict[str, Any]:
    """Options checked and converted, with defaults filled in; DatasetError on any problem."""
    spec = get_spec(name)
    known = [option.name for option in spec.options]
    for key in options:
        if key not in known:
            raise DatasetError(
                f"dataset {name!r} has no option {key!r}{_did_you_mean(str(key), known)} "
                f"(options: {', '.join(known)})"
            )
    checked = {}
    for option in spec.options:
        if option.name in options:
            checked[option.name] = option.check(name, options[option.name])
        elif option.required:
            raise DatasetError(
                f"dataset {name!r}: option {option.name!r} is required ({option.help})"
            )
        else:
            checked[option.name] = option.default
    return checked


def resolve_paths(name: str, options: dict[str, Any], base: str | Path) -> dict[str, Any]:
    """Options with each relative file or folder made relative to base (a preset's folder).

    Unknown datasets and options are left for ``validate_options`` to report.
    """
    spec = DATASETS.get(name)
    if spec is None:
        return dict(options)
    paths = {option.name for option in spec.options if option.is_path}
    resolved = dict(options)
    for key, value in options.items():
        if key in paths and isinstance(value, str) and value:
            path = Path(value).expanduser()
            resolved[key] = str(path if path.is_absolute() else Path(base) / path)
    return resolved


def load_dataset(
    name: str, *, scaling: tuple[np.ndarray, np.ndarray] | None = None, **options: Any
) -> Dataset:
    """The dataset called name, built with the given options (checked first).

    scaling, a saved model's (mean, std), standardises the inputs as when that model was
    trained (only datasets that standardise, such as csv, have one).
    """
    checked = validate_options(name, options)
    if scaling is None:
        return get_spec(name).loader(**checked)
    if name != "csv":
        raise DatasetError(f"dataset {name!r} is not standardised, so it takes no saved scaling")
    return get_spec(name).loader(**checked, scaling=scaling)
