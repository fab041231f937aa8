"""The run configuration: one experiment, validated, read from and written to TOML.

Field names are the engine's (``sizes``, ``activation``, ``eta``, ``lmbda``...), so a
preset reads like the book's code. Every problem is reported as a ``ConfigError`` that
names the place (file and field), the bad value and what is allowed.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import tomli_w

from tui_backprop.atomic import write_text
from tui_backprop.data import DatasetError, dataset_names, resolve_paths, validate_options
from tui_backprop.engine import CHOICES, NETWORK_ARGUMENTS, check_pairing, check_sizes
from tui_backprop.training import memory


class ConfigError(ValueError):
    """A run configuration that cannot be used; the message says where and what is allowed.

    ``field`` names the configuration field at fault (None when the problem is not one
    field's, such as an unreadable file), so that a form can show the message under it.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        """A message, and the field it concerns."""
        super().__init__(message)
        self.field = field


_MISSING = object()  # a text that does not parse as the field's type

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

    ``check`` returns the value coerced to the field's type, or ``_MISSING`` when it is
    not allowed; ``parse`` turns form or command-line text into the field's type first,
    and ``normal`` puts a value in the form it is reported in (3 → 3.0 for a float);
    ``choices`` feed the "did you mean" hint.
    """

    allowed: str
    check: Callable[[Any], Any]
    parse: Callable[[str], Any] | None = None
    normal: Callable[[Any], Any] | None = None
    choices: tuple[str, ...] = ()


def _rule(rule: Rule) -> dict[str, Rule]:
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
            return _MISSING
        if zero and value == 0:
            return 0.0
        ok = (value > low if strict else value >= low) and value <= high
        return float(value) if ok else _MISSING

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
        return value if ok else _MISSING

    return Rule(f"a whole number from {low} to {high:,}", check, _parsed(int))


def one_of(names: Iterable[str]) -> Rule:
    """One of a fixed set of names."""
    names = tuple(names)
    return Rule(
        "one of " + ", ".join(names),
        lambda value: value if isinstance(value, str) and value in names else _MISSING,
        choices=names,
    )


def _optional_number(value: Any) -> Any:
    """None (left out), or a number from −INITIAL_LIMIT to INITIAL_LIMIT."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
        return None
    if isinstance(value, str):
        value = _parsed(float)(value)
    ok = _is_number(value) and math.isfinite(value) and abs(value) <= INITIAL_LIMIT
    return float(value) if ok else _MISSING


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
        return _MISSING
    try:
        sizes = check_sizes(value)
    except ValueError:
        return _MISSING
    return sizes if len(sizes) <= MAX_LAYERS and max(sizes) <= MAX_WIDTH else _MISSING


TEXT = Rule("a string", lambda value: value if isinstance(value, str) else _MISSING)
TABLE = Rule(
    "a table of dataset options", lambda value: dict(value) if isinstance(value, dict) else _MISSING
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


@dataclass
class RunConfig:
    """One experiment: the network, the cost, the training schedule and the data.

    Each field carries its rule (``metadata["rule"]``): what it accepts, in words and as a
    check; ``from_dict`` applies them, then the rules that join fields.
    """

    description: str = field(default="", metadata=_rule(TEXT))
    """One line saying what the experiment shows (listed by ``tui-backprop presets``)."""

    dataset: str = field(default="spiral", metadata=_rule(one_of(dataset_names())))
    """The dataset's name: xor, circles, moons, spiral, blobs, sine, surface, digits, mnist, csv."""

    dataset_options: dict[str, Any] = field(default_factory=dict, metadata=_rule(TABLE))
    """Options for the dataset (n_samples, noise, arms, path...); see ``tui_backprop.data``."""

    sizes: list[int] = field(default_factory=lambda: [2, 16, 16, 1], metadata=_rule(SIZES))
    """Neurons per layer, input first; the first and last must match the dataset."""

    activation: str = field(default="tanh", metadata=_rule(one_of(CHOICES["activation"])))
    """Hidden layers' σ: sigmoid, tanh, relu or linear."""

    output_activation: str = field(
        default="sigmoid", metadata=_rule(one_of(CHOICES["output_activation"]))
    )
    """Output layer's σ: sigmoid, tanh, linear, or softmax (only with log_likelihood)."""

    cost: str = field(default="cross_entropy", metadata=_rule(one_of(CHOICES["cost"])))
    """quadratic, cross_entropy (sigmoid output only) or log_likelihood (softmax only)."""

    init: str = field(default="scaled", metadata=_rule(one_of(CHOICES["init"])))
    """standard: N(0, 1) as network.py; scaled: weights N(0, 1/n_in) as network2.py."""

    initial_weight: float | None = field(default=None, metadata=_rule(OPTIONAL_NUMBER))
    """When set, every weight starts at this value instead of ``init``'s random draw."""

    initial_bias: float | None = field(default=None, metadata=_rule(OPTIONAL_NUMBER))
    """When set, every bias starts at this value (chapter 3's saturated neuron: w = b = 2)."""

    eta: float = field(default=0.5, metadata=_rule(number(0, MAX_ETA, strict=True)))
    """The learning rate η (> 0 and ≤ 1e6)."""

    lmbda: float = field(default=0.0, metadata=_rule(number(0, 1e6)))
    """The L2 regularisation parameter λ (≥ 0); the weights decay by (1 − ηλ/n) each step."""

    batch_size: int = field(default=10, metadata=_rule(whole(1, MAX_BATCH)))
    """The mini-batch size m (≥ 1)."""

    epochs: int = field(default=30, metadata=_rule(whole(1, MAX_EPOCHS)))
    """How many passes over the training data (≥ 1)."""

    seed: int = field(default=0, metadata=_rule(whole(0, MAX_SEED)))
    """Seeds the initial weights and the shuffling, so that a run can be repeated exactly."""

    dtype: str = field(default="float64", metadata=_rule(one_of(CHOICES["dtype"])))
    """float64 or float32."""

    max_steps_per_second: float = field(default=0.0, metadata=_rule(number(1e-3, 1e6, zero=True)))
    """The app's starting pace: at most this many mini-batch steps a second (0: the app's
    default; above the app's fastest step: full speed); ``<`` and ``>`` change it while
    training. Headless training ignores it."""

    report_every_steps: int = field(default=0, metadata=_rule(whole(0, MAX_SAMPLES)))
    """Report a snapshot every N mini-batch steps (0: only by time)."""

    report_every_seconds: float = field(default=0.1, metadata=_rule(number(0, 3600)))
    """Report a snapshot at most every T seconds of training (0: only by steps); a consumer
    may ask the trainer for its own cadence instead."""

    eval_every: int = field(default=1, metadata=_rule(whole(1, MAX_EPOCHS)))
    """Evaluate on the training subset and the test split every N epochs (and after the
    last); raise it when epochs are tiny, so that evaluating does not rival training."""

    eval_max_samples: int = field(default=2_000, metadata=_rule(whole(1, MAX_SAMPLES)))
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
    if checked is _MISSING:
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
