"""The run configuration: one experiment, validated, read from and written to TOML.

Field names are the engine's (``sizes``, ``activation``, ``eta``, ``lmbda``...), so a
preset reads like the book's code. Every problem is reported as a ``ConfigError`` that
names the place (file and field), the bad value and what is allowed.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from tui_backprop.data import DatasetError, dataset_names, resolve_paths, validate_options
from tui_backprop.engine import COSTS, DTYPES, HIDDEN_ACTIVATIONS, INITS, OUTPUT_ACTIVATIONS


class ConfigError(ValueError):
    """A run configuration that cannot be used; the message says where and what is allowed."""


@dataclass
class RunConfig:
    """One experiment: the network, the cost, the training schedule and the data."""

    description: str = ""
    """One line saying what the experiment shows (listed by ``tui-backprop presets``)."""

    dataset: str = "spiral"
    """The dataset's name: xor, circles, moons, spiral, blobs, sine, surface, digits, mnist, csv."""

    dataset_options: dict[str, Any] = field(default_factory=dict)
    """Options for the dataset (n_samples, noise, arms, path...); see ``tui_backprop.data``."""

    sizes: list[int] = field(default_factory=lambda: [2, 16, 16, 1])
    """Neurons per layer, input first; the first and last must match the dataset."""

    activation: str = "tanh"
    """Hidden layers' σ: sigmoid, tanh, relu or linear."""

    output_activation: str = "sigmoid"
    """Output layer's σ: sigmoid, tanh, linear, or softmax (only with log_likelihood)."""

    cost: str = "cross_entropy"
    """quadratic, cross_entropy (sigmoid output only) or log_likelihood (softmax only)."""

    init: str = "scaled"
    """standard: N(0, 1) as network.py; scaled: weights N(0, 1/n_in) as network2.py."""

    initial_weight: float | None = None
    """When set, every weight starts at this value instead of ``init``'s random draw."""

    initial_bias: float | None = None
    """When set, every bias starts at this value (chapter 3's saturated neuron: w = b = 2)."""

    eta: float = 0.5
    """The learning rate η (> 0)."""

    lmbda: float = 0.0
    """The L2 regularisation parameter λ (≥ 0); the weights decay by (1 − ηλ/n) each step."""

    batch_size: int = 10
    """The mini-batch size m (≥ 1)."""

    epochs: int = 30
    """How many passes over the training data (≥ 1)."""

    seed: int = 0
    """Seeds the initial weights and the shuffling, so that a run can be repeated exactly."""

    dtype: str = "float64"
    """float64 or float32."""

    max_steps_per_second: float = 0.0
    """Slow training down to at most this many mini-batch steps a second (0: full speed),
    so that a tiny experiment can be watched."""

    report_every_steps: int = 0
    """Report a snapshot every N mini-batch steps (0: only by time)."""

    report_every_seconds: float = 0.1
    """Report a snapshot at most every T seconds of training (0: only by steps)."""

    eval_every: int = 1
    """Evaluate on the training subset and the test split every N epochs (and after the
    last); raise it when epochs are tiny, so that evaluating does not rival training."""

    eval_max_samples: int = 2_000
    """Evaluate the training cost and accuracy on at most this many samples (a fixed subset);
    the test split is always evaluated whole."""

    def to_dict(self) -> dict[str, Any]:
        """The configuration as plain TOML-ready values (unset optional fields left out)."""
        return {k: v for k, v in dataclasses.asdict(self).items() if v is not None}

    def network_arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``Network`` for this configuration."""
        return {
            "sizes": list(self.sizes),
            "activation": self.activation,
            "output_activation": self.output_activation,
            "cost": self.cost,
            "init": self.init,
            "seed": self.seed,
            "dtype": self.dtype,
        }

    def replace(self, **changes: Any) -> RunConfig:
        """A validated copy with some fields changed."""
        return from_dict({**self.to_dict(), **changes})


FIELDS = {f.name: f for f in dataclasses.fields(RunConfig)}
#: per field: a short description of what is allowed, for error messages and the UI
ALLOWED = {
    "description": "a string",
    "dataset": "one of " + ", ".join(dataset_names()),
    "dataset_options": "a table of dataset options",
    "sizes": "a list of at least two whole numbers ≥ 1, such as [2, 16, 1]",
    "activation": "one of " + ", ".join(HIDDEN_ACTIVATIONS),
    "output_activation": "one of " + ", ".join(OUTPUT_ACTIVATIONS),
    "cost": "one of " + ", ".join(COSTS),
    "init": "one of " + ", ".join(INITS),
    "initial_weight": "a number (or leave it out to use init)",
    "initial_bias": "a number (or leave it out to use init)",
    "eta": "a number > 0",
    "lmbda": "a number ≥ 0",
    "batch_size": "a whole number ≥ 1",
    "epochs": "a whole number ≥ 1",
    "seed": "a whole number ≥ 0",
    "dtype": "one of " + ", ".join(DTYPES),
    "max_steps_per_second": "a number ≥ 0 (0 for full speed)",
    "report_every_steps": "a whole number ≥ 0",
    "report_every_seconds": "a number ≥ 0",
    "eval_every": "a whole number ≥ 1",
    "eval_max_samples": "a whole number ≥ 1",
}


def _fail(source: str, name: str, value: Any, problem: str = "") -> ConfigError:
    """A ConfigError naming the place, the field, the bad value and what is allowed."""
    where = f"{source}: " if source else ""
    detail = problem or f"must be {ALLOWED[name]}"
    return ConfigError(f"{where}{name} = {value!r} {detail}")


def _parse_text(name: str, text: str) -> Any:
    """Turn a form or command-line string into the field's type (sizes: '64-30-10')."""
    kind = FIELDS[name].type
    text = text.strip()
    if name == "sizes":
        # one separator between sizes: "2-8-x-3" is a typo to report, not [2, 8, 3]
        parts = re.split(r"\s*[,\-x×]\s*|\s+", text.strip().strip("[]").strip())
        try:
            return [int(p) for p in parts]
        except ValueError:
            return text
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            return text
    if kind == "float":
        try:
            return float(text)
        except ValueError:
            return text
    return text


def _check_field(name: str, value: Any, source: str) -> Any:
    """Return the value checked (and coerced) for one field, or raise ConfigError."""
    kind = FIELDS[name].type
    if isinstance(value, str) and kind in ("int", "float", "list[int]"):
        value = _parse_text(name, value)
    if kind == "str":
        if not isinstance(value, str):
            raise _fail(source, name, value)
        choices = {
            "activation": HIDDEN_ACTIVATIONS,
            "output_activation": OUTPUT_ACTIVATIONS,
            "cost": COSTS,
            "init": INITS,
            "dtype": DTYPES,
            "dataset": dataset_names(),
        }.get(name)
        if choices is not None and value not in choices:
            close = difflib.get_close_matches(value, list(choices), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise _fail(source, name, value, f"must be {ALLOWED[name]}{hint}")
        return value
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(source, name, value)
        low = 0 if name in ("seed", "report_every_steps") else 1
        if value < low:
            raise _fail(source, name, value)
        return value
    if kind == "float | None":
        if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
            return None
        if isinstance(value, str):
            value = _parse_text("eta", value)
        if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
            raise _fail(source, name, value)
        return float(value)
    if kind == "float":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _fail(source, name, value)
        value = float(value)
        if value != value or value in (float("inf"), float("-inf")):
            raise _fail(source, name, value)
        if (name == "eta" and value <= 0) or value < 0:
            raise _fail(source, name, value)
        return value
    if kind == "list[int]":
        ok = isinstance(value, list) and len(value) >= 2
        ok = ok and all(isinstance(n, int) and not isinstance(n, bool) and n >= 1 for n in value)
        if not ok:
            raise _fail(source, name, value)
        return list(value)
    if kind == "dict[str, Any]":
        if not isinstance(value, dict):
            raise _fail(source, name, value)
        return dict(value)
    raise AssertionError(f"unhandled field type {kind}")  # pragma: no cover


def from_dict(data: dict[str, Any], source: str = "") -> RunConfig:
    """Build a RunConfig from plain values, checking every field and their combination."""
    unknown = [key for key in data if key not in FIELDS]
    if unknown:
        key = unknown[0]
        close = difflib.get_close_matches(key, list(FIELDS), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        where = f"{source}: " if source else ""
        raise ConfigError(f"{where}unknown field {key!r}{hint} (known fields: {', '.join(FIELDS)})")
    values = {name: _check_field(name, value, source) for name, value in data.items()}
    config = RunConfig(**values)
    _check_combination(config, source)
    return config


def _check_combination(config: RunConfig, source: str) -> None:
    """Check what no single field can: output/cost pairing and the dataset's options."""
    allowed_outputs = COSTS[config.cost].outputs
    if config.output_activation not in allowed_outputs:
        if config.output_activation == "softmax":
            problem = "goes only with cost = 'log_likelihood'"
        else:
            problem = (
                f"cannot be used with cost = {config.cost!r}, "
                f"which needs output_activation {' or '.join(map(repr, allowed_outputs))}"
            )
        raise _fail(source, "output_activation", config.output_activation, problem)
    try:
        config.dataset_options = validate_options(config.dataset, config.dataset_options)
    except DatasetError as error:
        where = f"{source}: " if source else ""
        raise ConfigError(f"{where}dataset_options: {error}") from None


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
            raise ConfigError(f"{source} {item!r}: unknown field {key!r}{hint}")
        # strings are parsed into the field's type by from_dict's checks
        data[key] = text.strip()
    if data["dataset"] != config.dataset:
        data["dataset_options"] = given_options
    return from_dict(data, source=source)


def load(path: str | Path) -> RunConfig:
    """Read and validate a TOML preset file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such preset file") from None
    except OSError as error:
        raise ConfigError(f"{path}: cannot be read ({error.strerror})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    options = data.get("dataset_options")
    if isinstance(options, dict) and isinstance(data.get("dataset"), str):
        data["dataset_options"] = resolve_paths(data["dataset"], options, path.parent)
    return from_dict(data, source=str(path))


def dumps(config: RunConfig) -> str:
    """The configuration as TOML text."""
    return tomli_w.dumps(config.to_dict())


def save(config: RunConfig, path: str | Path) -> None:
    """Write the configuration to a TOML file."""
    Path(path).write_text(dumps(config), encoding="utf-8")
