"""The run configuration: one experiment, validated, read from and written to TOML.

Field names are the engine's (``sizes``, ``activation``, ``eta``, ``lmbda``...), so a
preset reads like the book's code. Every problem is reported as a ``ConfigError`` that
names the place (file and field), the bad value and what is allowed.
"""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from tui_backprop.atomic import write_text
from tui_backprop.data import DatasetError, dataset_names, resolve_paths, validate_options
from tui_backprop.engine import CHOICES, NETWORK_ARGUMENTS, check_pairing
from tui_backprop.training import memory
from tui_backprop.training.field_rules import (
    MAX_BATCH,
    MAX_EPOCHS,
    MAX_ETA,
    MAX_SAMPLES,
    MAX_SEED,
    NOT_ALLOWED,
    OPTIONAL_NUMBER,
    SIZES,
    TABLE,
    TEXT,
    Rule,
    metadata,
    number,
    one_of,
    whole,
)


class ConfigError(ValueError):
    """A run configuration that cannot be used; the message says where and what is allowed.

    ``field`` names the configuration field at fault (None when the problem is not one
    field's, such as an unreadable file), so that a form can show the message under it.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        """A message, and the field it concerns."""
        super().__init__(message)
        self.field = field


@dataclass
class RunConfig:
    """One experiment: the network, the cost, the training schedule and the data.

    Each field carries its rule (``metadata["rule"]``): what it accepts, in words and as a
    check; ``from_dict`` applies them, then the rules that join fields.
    """

    description: str = field(default="", metadata=metadata(TEXT))
    """One line saying what the experiment shows (listed by ``tui-backprop presets``)."""

    dataset: str = field(default="spiral", metadata=metadata(one_of(dataset_names())))
    """The dataset's name: xor, circles, moons, spiral, blobs, sine, surface, digits, mnist, csv."""

    dataset_options: dict[str, Any] = field(default_factory=dict, metadata=metadata(TABLE))
    """Options for the dataset (n_samples, noise, arms, path...); see ``tui_backprop.data``."""

    sizes: list[int] = field(default_factory=lambda: [2, 16, 16, 1], metadata=metadata(SIZES))
    """Neurons per layer, input first; the first and last must match the dataset."""

    activation: str = field(default="tanh", metadata=metadata(one_of(CHOICES["activation"])))
    """Hidden layers' σ: sigmoid, tanh, relu or linear."""

    output_activation: str = field(
        default="sigmoid", metadata=metadata(one_of(CHOICES["output_activation"]))
    )
    """Output layer's σ: sigmoid, tanh, linear, or softmax (only with log_likelihood)."""

    cost: str = field(default="cross_entropy", metadata=metadata(one_of(CHOICES["cost"])))
    """quadratic, cross_entropy (sigmoid output only) or log_likelihood (softmax only)."""

    init: str = field(default="scaled", metadata=metadata(one_of(CHOICES["init"])))
    """standard: N(0, 1) as network.py; scaled: weights N(0, 1/n_in) as network2.py."""

    initial_weight: float | None = field(default=None, metadata=metadata(OPTIONAL_NUMBER))
    """When set, every weight starts at this value instead of ``init``'s random draw."""

    initial_bias: float | None = field(default=None, metadata=metadata(OPTIONAL_NUMBER))
    """When set, every bias starts at this value (chapter 3's saturated neuron: w = b = 2)."""

    eta: float = field(default=0.5, metadata=metadata(number(0, MAX_ETA, strict=True)))
    """The learning rate η (> 0 and ≤ 1e6)."""

    lmbda: float = field(default=0.0, metadata=metadata(number(0, 1e6)))
    """The L2 regularisation parameter λ (≥ 0); the weights decay by (1 − ηλ/n) each step."""

    batch_size: int = field(default=10, metadata=metadata(whole(1, MAX_BATCH)))
    """The mini-batch size m (≥ 1)."""

    epochs: int = field(default=30, metadata=metadata(whole(1, MAX_EPOCHS)))
    """How many passes over the training data (≥ 1)."""

    seed: int = field(default=0, metadata=metadata(whole(0, MAX_SEED)))
    """Seeds the initial weights and the shuffling, so that a run can be repeated exactly."""

    dtype: str = field(default="float64", metadata=metadata(one_of(CHOICES["dtype"])))
    """float64 or float32."""

    max_steps_per_second: float = field(
        default=0.0, metadata=metadata(number(1e-3, 1e6, zero=True))
    )
    """The app's starting pace: at most this many mini-batch steps a second (0: the app's
    default; above the app's fastest step: full speed); ``<`` and ``>`` change it while
    training. Headless training ignores it."""

    report_every_steps: int = field(default=0, metadata=metadata(whole(0, MAX_SAMPLES)))
    """Report a snapshot every N mini-batch steps (0: only by time)."""

    report_every_seconds: float = field(default=0.1, metadata=metadata(number(0, 3600)))
    """Report a snapshot at most every T seconds of training (0: only by steps); a consumer
    may ask the trainer for its own cadence instead."""

    eval_every: int = field(default=1, metadata=metadata(whole(1, MAX_EPOCHS)))
    """Evaluate on the training subset and the test split every N epochs (and after the
    last); raise it when epochs are tiny, so that evaluating does not rival training."""

    eval_max_samples: int = field(default=2_000, metadata=metadata(whole(1, MAX_SAMPLES)))
    """Evaluate the training cost and accuracy on at most this many samples (a fixed subset);
    the test split is always evaluated whole."""

    def to_dict(self) -> dict[str, Any]:
        """The configuration as plain TOML-ready values (unset optional fields left out)."""
        data = {k: v for k, v in dataclasses.asdict(self).items() if v is not None}
        # TOML has no null: an option left at a None default (csv's label) is left out
        data["dataset_options"] = {
            k: v for k, v in data["dataset_options"].items() if v is not None
        }
        return data

    def network_arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``Network`` (the engine's ``NETWORK_ARGUMENTS``)."""
        arguments = {name: getattr(self, name) for name in NETWORK_ARGUMENTS}
        return {**arguments, "sizes": list(self.sizes)}

    def replace(self, **changes: Any) -> RunConfig:
        """A validated copy with some fields changed."""
        return from_dict({**self.to_dict(), **changes})


FIELDS = {f.name: f for f in dataclasses.fields(RunConfig)}
#: per field: its rule (what is allowed, and the check)
RULES: dict[str, Rule] = {name: f.metadata["rule"] for name, f in FIELDS.items()}


def _fail(source: str, name: str, value: Any, problem: str = "") -> ConfigError:
    """A ConfigError naming the place, the field, the bad value and what is allowed."""
    where = f"{source}: " if source else ""
    detail = problem or f"must be {RULES[name].allowed}"
    return ConfigError(f"{where}{name} = {value!r} {detail}", field=name)


def _check_field(name: str, value: Any, source: str) -> Any:
    """Return the value checked (and coerced) by the field's rule, or raise ConfigError."""
    rule = RULES[name]
    if isinstance(value, str) and rule.parse is not None:
        value = rule.parse(value)
    if rule.normal is not None:
        value = rule.normal(value)
    checked = rule.check(value)
    if checked is NOT_ALLOWED:
        typed = isinstance(value, str) and rule.choices
        close = difflib.get_close_matches(value, rule.choices, n=1) if typed else []
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise _fail(source, name, value, f"must be {rule.allowed}{hint}")
    return checked


def from_dict(data: dict[str, Any], source: str = "") -> RunConfig:
    """Build a RunConfig from plain values, checking every field and their combination."""
    unknown = [key for key in data if key not in FIELDS]
    if unknown:
        key = unknown[0]
        close = difflib.get_close_matches(key, list(FIELDS), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        where = f"{source}: " if source else ""
        raise ConfigError(
            f"{where}unknown field {key!r}{hint} (known fields: {', '.join(FIELDS)})", field=key
        )
    values = {name: _check_field(name, value, source) for name, value in data.items()}
    config = RunConfig(**values)
    _check_combination(config, source)
    return config


def _check_combination(config: RunConfig, source: str) -> None:
    """Check what no single field can: the engine's output/cost pairing, the memory the
    network needs (``training/memory.py``) and the dataset's options."""
    where = f"{source}: " if source else ""
    try:
        check_pairing(config.output_activation, config.cost, config.sizes[-1])
    except ValueError as error:
        raise ConfigError(f"{where}{error}", field="output_activation") from None
    itemsize = np.dtype(config.dtype).itemsize
    too_big = memory.over_limit(config.sizes, itemsize, config.batch_size)
    if too_big:
        raise _fail(source, "sizes", config.sizes, too_big)
    try:
        config.dataset_options = validate_options(config.dataset, config.dataset_options)
    except DatasetError as error:
        raise ConfigError(f"{where}dataset_options: {error}", field="dataset_options") from None


def check_sizes_match(config: RunConfig, n_inputs: int, n_outputs: int, source: str = "") -> None:
    """Raise ConfigError unless sizes start with the dataset's inputs and end with its outputs."""
    if config.sizes[0] != n_inputs or config.sizes[-1] != n_outputs:
        raise _fail(
            source,
            "sizes",
            config.sizes,
            f"must start with {n_inputs} and end with {n_outputs}: "
            f"the {config.dataset} dataset has {n_inputs} inputs and {n_outputs} outputs",
        )


def apply_overrides(config: RunConfig, overrides: list[str], source: str = "--set") -> RunConfig:
    """Apply ``key=value`` strings (``--set eta=0.1``, ``--set dataset_options.noise=0.2``).

    A different ``dataset`` starts from its own defaults: the previous dataset's options are
    dropped, and only the ``dataset_options.*`` given here are kept.
    """
    data = config.to_dict()
    given_options: dict[str, str] = {}
    for item in overrides:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ConfigError(f"{source} {item!r}: expected key=value, such as eta=0.5")
        if key.startswith("dataset_options."):
            data["dataset_options"] = {**data["dataset_options"], key.split(".", 1)[1]: text}
            given_options[key.split(".", 1)[1]] = text
            continue
        if key not in FIELDS:
            close = difflib.get_close_matches(key, list(FIELDS), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ConfigError(f"{source} {item!r}: unknown field {key!r}{hint}", field=key)
        # strings are parsed into the field's type by from_dict's checks
        data[key] = text.strip()
    if data["dataset"] != config.dataset:
        data["dataset_options"] = given_options
    return from_dict(data, source=source)


def load(path: str | Path) -> RunConfig:
    """Read and validate a TOML preset file (bounded, UTF-8, setting at least one field)."""
    from tui_backprop.training.toml_file import read_table  # it raises our ConfigError

    path = Path(path)
    data = read_table(path)
    data.pop("expect", None)  # what `reproduce` checks (tui_backprop.experiments), not the run
    if "book" in data:  # the book's numbers to show beside the run's (training.book)
        from tui_backprop.training.book import parse_book

        parse_book(data.pop("book"), str(path))
    options = data.get("dataset_options")
    if isinstance(options, dict) and isinstance(data.get("dataset"), str):
        data["dataset_options"] = resolve_paths(data["dataset"], options, path.parent)
    return from_toml(data, source=str(path))


def from_toml(data: dict[str, Any], source: str) -> RunConfig:
    """``from_dict`` for a TOML table: a number or a list written as a string is refused
    (text such as ``'2-16-1'`` is for ``--set`` and the form, where everything is text)."""
    for name, value in data.items():
        rule = RULES.get(name)
        if rule is not None and rule.parse is not None and isinstance(value, str):
            raise _fail(source, name, value, f"must be {rule.allowed}, written without quotes")
    return from_dict(data, source=source)


def dumps(config: RunConfig) -> str:
    """The configuration as TOML text."""
    return tomli_w.dumps(config.to_dict())


def save(config: RunConfig, path: str | Path) -> None:
    """Write the configuration to a TOML file, atomically (``WriteError`` names the path)."""
    write_text(path, dumps(config))
