"""The app's session helpers: the start-up preset, datasets kept between runs, layer sizes
that follow the data, and how often the app asks the trainer for snapshots. No Textual here.
"""

from __future__ import annotations

import json
import threading

from tui_backprop.data import Dataset, load_dataset
from tui_backprop.training import DEFAULT_PRESET, ConfigError, RunConfig, load_preset

#: the app asks the trainer for this many snapshots a second while running (the panels
#: pace their own redraws)
MAX_SNAPSHOTS_PER_SECOND = 5
#: datasets that may take long to load (a download, a big file): loaded off the UI thread
SLOW_DATASETS = frozenset({"mnist", "csv"})


def dataset_key(config: RunConfig) -> str:
    """A key naming the dataset a configuration trains on (name and options)."""
    return json.dumps([config.dataset, config.dataset_options], sort_keys=True, default=str)


class DatasetCache:
    """Datasets already loaded, so that a reset or an η change never reloads them."""

    def __init__(self) -> None:
        """An empty cache."""
        self._data: dict[str, Dataset] = {}
        self._lock = threading.Lock()

    def get(self, config: RunConfig) -> Dataset | None:
        """The cached dataset of a configuration, or None."""
        with self._lock:
            return self._data.get(dataset_key(config))

    def is_slow(self, config: RunConfig) -> bool:
        """True when the dataset is not cached and may take long to load."""
        return self.get(config) is None and config.dataset in SLOW_DATASETS

    def load(self, config: RunConfig) -> Dataset:
        """The dataset of a configuration, loaded once (may raise DatasetError)."""
        cached = self.get(config)
        if cached is not None:
            return cached
        dataset = load_dataset(config.dataset, **config.dataset_options)
        with self._lock:
            self._data[dataset_key(config)] = dataset
        return dataset


def fit_sizes(config: RunConfig, dataset: Dataset) -> RunConfig:
    """The configuration with its first and last layer sizes set by the dataset."""
    n_in, n_out = dataset.info.n_inputs, dataset.info.n_outputs
    if config.sizes[0] == n_in and config.sizes[-1] == n_out:
        return config
    hidden = config.sizes[1:-1]
    return config.replace(sizes=[n_in, *hidden, n_out])


def initial_config(
    preset: str | None, config: RunConfig | None
) -> tuple[str | None, RunConfig, str]:
    """The starting preset name and configuration, and a problem to report ('' if none)."""
    if config is not None:
        return preset, config, ""
    name = preset or DEFAULT_PRESET
    try:
        return name, load_preset(name), ""
    except ConfigError as error:
        problem = str(error)
    if name != DEFAULT_PRESET:
        try:
            return (
                DEFAULT_PRESET,
                load_preset(DEFAULT_PRESET),
                f"{problem}; opened {DEFAULT_PRESET}",
            )
        except ConfigError as error:
            problem = f"{problem}; and {error}"
    return None, RunConfig(), f"{problem}; opened the built-in defaults"
