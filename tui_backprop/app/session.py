"""The app's session helpers: the start-up preset, datasets kept between runs, layer sizes
that follow the data, and how often the app asks the trainer for snapshots. No Textual here.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

from tui_backprop.data import Dataset, load_dataset
from tui_backprop.engine import check_pairing
from tui_backprop.training import (
    DEFAULT_PRESET,
    ConfigError,
    RunConfig,
    Trainer,
    load_preset,
    memory,
)

#: the app asks the trainer for this many snapshots a second while running (the panels
#: pace their own redraws)
MAX_SNAPSHOTS_PER_SECOND = 5
#: datasets that may take long to load (a download, a big file): loaded off the UI thread
SLOW_DATASETS = frozenset({"mnist", "csv"})
#: networks with more parameters than this are built off the UI thread: drawing their
#: random weights and the first output map takes seconds (2-12000-12000-3: 144 million)
BIG_NETWORK_PARAMETERS = 1_000_000


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


def builds_slowly(config: RunConfig, datasets: DatasetCache) -> bool:
    """True when building this configuration's trainer could freeze the screen: its dataset
    may take long to load, or the network has more than ``BIG_NETWORK_PARAMETERS``."""
    big = memory.parameter_count(config.sizes) > BIG_NETWORK_PARAMETERS
    return big or datasets.is_slow(config)


def building_news(config: RunConfig, datasets: DatasetCache) -> tuple[str, str]:
    """What to say while a configuration is built in the background: a notification and
    the status bar's words."""
    if datasets.is_slow(config):
        download = " (the first use downloads it)" if config.dataset == "mnist" else ""
        return f"Loading {config.dataset}…{download}", f"loading {config.dataset}…"
    count = memory.parameter_count(config.sizes)
    return f"Building a network of {count:,} parameters…", "building the network…"


@dataclass(frozen=True)
class Built:
    """A new trainer, the configuration fitted to its dataset, and what the fit changed."""

    trainer: Trainer
    config: RunConfig
    note: str


def build_trainer(config: RunConfig, datasets: DatasetCache) -> Built:
    """A new trainer for ``config`` on its dataset (raises ConfigError or DatasetError; a
    MemoryError that the memory estimate did not foresee becomes a ConfigError on sizes)."""
    dataset = datasets.load(config)
    config, note = fit_to_dataset(config, dataset)
    try:
        trainer = Trainer(
            config, dataset, report_every_seconds=1 / MAX_SNAPSHOTS_PER_SECOND, neuron_maps=True
        )
    except MemoryError:
        count = memory.parameter_count(config.sizes)
        raise ConfigError(
            f"sizes: not enough memory to build {count:,} parameters; try fewer neurons",
            field="sizes",
        ) from None
    return Built(trainer, config, note)


def fit_sizes(config: RunConfig, dataset: Dataset) -> RunConfig:
    """The configuration with its first and last layer sizes set by the dataset."""
    return fit_to_dataset(config, dataset)[0]


def fit_to_dataset(config: RunConfig, dataset: Dataset) -> tuple[RunConfig, str]:
    """The configuration with its first and last layer sizes set by the dataset, and an
    output/cost pair that the new output size allows; with a sentence saying how the pair
    changed ('' when it did not).

    Only a softmax over one output is impossible (it is always 1: cost 0, no gradient);
    sigmoid · cross-entropy is the book's pair for one output.
    """
    n_in, n_out = dataset.info.n_inputs, dataset.info.n_outputs
    changes: dict[str, object] = {}
    if config.sizes[0] != n_in or config.sizes[-1] != n_out:
        changes["sizes"] = [n_in, *config.sizes[1:-1], n_out]
    note = ""
    try:
        check_pairing(config.output_activation, config.cost, n_out)
    except ValueError:
        changes.update(output_activation="sigmoid", cost="cross_entropy")
        note = (
            f"{config.dataset} has {n_out} output: softmax needs at least 2, "
            "so out/cost is now sigmoid · cross-entropy"
        )
    return (config.replace(**changes) if changes else config), note


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
