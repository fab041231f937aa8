"""RunConfig: validation names the place, the field, the value and what is allowed."""

from __future__ import annotations

import re

import pytest

from tui_backprop.training import ConfigError, RunConfig, apply_overrides, from_dict
from tui_backprop.training.config import check_sizes_match, dumps, load, save


def test_defaults_are_valid_and_round_trip_through_toml(tmp_path):
    """The default config validates, and TOML written then read gives it back."""
    config = from_dict({})
    path = tmp_path / "run.toml"
    save(config, path)
    assert load(path) == config
    assert "eta = 0.5" in dumps(config)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"eta": 0}, "eta = 0.0 must be a number > 0 and ≤ 1e6"),
        ({"eta": "fast"}, "eta = 'fast' must be a number > 0 and ≤ 1e6"),
        ({"lmbda": -1}, "lmbda = -1.0 must be a number from 0 to 1e6"),
        ({"batch_size": 0}, "batch_size = 0 must be a whole number from 1 to 1,000,000"),
        ({"epochs": 2.5}, "epochs = 2.5 must be a whole number from 1 to 1,000,000"),
        ({"sizes": [2]}, "sizes = \\[2\\] must be a list of 2 to 100 whole numbers"),
        ({"sizes": [2, 0, 1]}, "sizes"),
        ({"activation": "sigmoidd"}, "did you mean 'sigmoid'"),
        ({"cost": "mse"}, "cost = 'mse' must be one of quadratic, cross_entropy, log_likelihood"),
        ({"dataset": "spirals"}, "did you mean 'spiral'"),
        ({"output_activation": "softmax", "cost": "quadratic"}, "goes only with cost"),
        ({"output_activation": "tanh", "cost": "cross_entropy"}, "needs output_activation"),
        ({"dataset_options": {"arms": 9}}, "dataset_options: .*arms"),
        ({"dataset_options": {"armz": 3}}, "did you mean 'arms'"),
        ({"etaa": 1.0}, "unknown field 'etaa'; did you mean 'eta'"),
    ],
)
def test_bad_values_are_named_with_what_is_allowed(data, message):
    """Each bad field gets a ConfigError naming it, its value and what is allowed."""
    with pytest.raises(ConfigError, match=message):
        from_dict(data, source="x.toml")


def test_errors_name_the_file(tmp_path):
    """A bad preset file is named in the message, as are TOML syntax errors."""
    bad = tmp_path / "bad.toml"
    bad.write_text("eta = -3\n")
    with pytest.raises(ConfigError, match=r"bad\.toml: eta = -3\.0"):
        load(bad)
    broken = tmp_path / "broken.toml"
    broken.write_text("eta = = 3\n")
    with pytest.raises(ConfigError, match=r"broken\.toml: not valid TOML"):
        load(broken)
    with pytest.raises(ConfigError, match="no such preset file"):
        load(tmp_path / "missing.toml")


def test_overrides_parse_text_like_the_command_line():
    """--set values are parsed into each field's type; sizes accept 2-8-1 and 2,8,1."""
    config = apply_overrides(
        RunConfig(),
        ["eta=0.25", "sizes=2-8-8-1", "epochs=3", "activation=relu", "dataset_options.noise=0.1"],
    )
    assert config.eta == 0.25
    assert config.sizes == [2, 8, 8, 1]
    assert config.epochs == 3
    assert config.activation == "relu"
    assert config.dataset_options["noise"] == 0.1
    assert apply_overrides(RunConfig(), ["sizes=2,4,1"]).sizes == [2, 4, 1]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("eta", "expected key=value"),
        ("=3", "expected key=value"),
        ("etta=3", "did you mean 'eta'"),
        ("batch_size=ten", "batch_size = 'ten' must be a whole number"),
    ],
)
def test_bad_overrides_are_refused(override, message):
    """A malformed or unknown --set is a ConfigError naming it."""
    with pytest.raises(ConfigError, match=message):
        apply_overrides(RunConfig(), [override])


def test_sizes_must_match_the_dataset():
    """The first and last sizes must be the dataset's inputs and outputs, and it says so."""
    config = from_dict({"dataset": "digits", "sizes": [64, 30, 3]})
    with pytest.raises(ConfigError, match="must start with 64 and end with 10"):
        check_sizes_match(config, 64, 10)


def test_optional_initial_values():
    """initial_weight/initial_bias accept numbers, text and 'none'."""
    assert from_dict({"initial_weight": "2"}).initial_weight == 2.0
    assert from_dict({"initial_weight": "none"}).initial_weight is None
    with pytest.raises(ConfigError, match="initial_bias"):
        from_dict({"initial_bias": "high"})


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"eta": 0}, "eta"),
        ({"sizes": [2]}, "sizes"),
        ({"activation": "sigmoidd"}, "activation"),
        ({"output_activation": "softmax", "cost": "quadratic"}, "output_activation"),
        ({"output_activation": "softmax", "cost": "log_likelihood", "sizes": [2, 4, 1]}, None),
        ({"dataset_options": {"arms": 9}}, "dataset_options"),
        ({"etaa": 1.0}, "etaa"),
    ],
)
def test_a_config_error_names_its_field(data, field):
    """ConfigError.field says which field is at fault, so a form can put the message there."""
    with pytest.raises(ConfigError) as caught:
        from_dict(data)
    expected = "output_activation" if field is None else field  # one softmax output: refused
    assert caught.value.field == expected
    with pytest.raises(ConfigError) as caught:
        check_sizes_match(from_dict({"dataset": "digits", "sizes": [64, 3]}), 64, 10)
    assert caught.value.field == "sizes"


def test_every_field_carries_its_rule_and_the_network_arguments_are_the_engines():
    """Each field's rule sits in its metadata; network_arguments follows NETWORK_ARGUMENTS."""
    import dataclasses

    from tui_backprop.engine import NETWORK_ARGUMENTS, Network

    for f in dataclasses.fields(RunConfig):
        assert f.metadata["rule"].allowed, f.name
    arguments = RunConfig().network_arguments()
    assert tuple(arguments) == NETWORK_ARGUMENTS
    assert Network(**arguments).config() == arguments


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            "max_steps_per_second=1e-300",
            "must be 0 (the app's default) or a number from 0.001 to 1e6",
        ),
        ("initial_weight=inf", "must be a number from -1000 to 1000"),
        ("eta=1e7", "eta = 10000000.0 must be a number > 0 and ≤ 1e6"),
        ("epochs=10000000000", "must be a whole number from 1 to 1,000,000"),
        ("seed=-1", "must be a whole number from 0 to"),
        ("report_every_seconds=1e300", "must be a number from 0 to 3600"),
        ("sizes=2-0-1", "whole numbers from 1 to 1,000,000"),
    ],
)
def test_every_number_has_a_stated_range(override, message):
    """Tiny and huge numbers are refused with the range (they used to overflow a timer,
    divide by a subnormal η, or end in exit status 3)."""
    with pytest.raises(ConfigError, match=re.escape(message)):
        apply_overrides(from_dict({"dataset": "xor", "sizes": [2, 4, 1]}), [override])


def test_a_network_above_the_memory_limit_is_refused_with_its_numbers(monkeypatch):
    """2-100000-100000-3: the parameter count and the bytes, before anything is allocated."""
    monkeypatch.setenv("TUI_BACKPROP_MAX_MEMORY", "1G")
    with pytest.raises(ConfigError) as info:
        from_dict({"dataset": "spiral", "sizes": [2, 100_000, 100_000, 3]})
    assert info.value.field == "sizes"
    assert "needs 10,000,700,003 parameters and about 395.0 GiB of memory" in str(info.value)
    assert "above the limit of 1.0 GiB (TUI_BACKPROP_MAX_MEMORY" in str(info.value)
