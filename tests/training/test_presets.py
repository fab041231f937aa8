"""Every preset loads; every one that needs no download trains for one epoch."""

from __future__ import annotations

import pytest

from tui_backprop.training import (
    DEFAULT_PRESET,
    ConfigError,
    Trainer,
    list_presets,
    load_preset,
    preset_names,
)
from tui_backprop.training.presets import presets_dir

EXPECTED = {
    "nielsen-ch1",
    "nielsen-ch3",
    "digits",
    "xor",
    "circles",
    "moons",
    "spiral",
    "sine",
    "vanishing-gradients",
    "learning-slowdown",
}
OFFLINE = [info.name for info in list_presets() if info.dataset != "mnist"]


def test_the_issue_presets_exist_with_descriptions():
    """The presets the issue asks for are all shipped, each with a description."""
    assert set(preset_names()) >= EXPECTED
    assert DEFAULT_PRESET in preset_names()
    assert all(info.description for info in list_presets())


def test_the_books_settings_are_kept():
    """nielsen-ch1 and nielsen-ch3 are the book's networks, exactly."""
    ch1 = load_preset("nielsen-ch1")
    assert (ch1.sizes, ch1.activation, ch1.cost, ch1.eta, ch1.batch_size, ch1.epochs) == (
        [784, 30, 10], "sigmoid", "quadratic", 3.0, 10, 30,
    )  # fmt: skip
    assert ch1.init == "standard" and ch1.dataset == "mnist"
    ch3 = load_preset("nielsen-ch3")
    assert (ch3.sizes, ch3.cost, ch3.eta, ch3.lmbda, ch3.init) == (
        [784, 100, 10], "cross_entropy", 0.5, 5.0, "scaled",
    )  # fmt: skip


@pytest.mark.parametrize("name", OFFLINE)
def test_offline_presets_train_one_epoch(name):
    """Each preset that needs no download trains one epoch without diverging."""
    config = load_preset(name).replace(epochs=1, max_steps_per_second=0.0)
    final = Trainer(config).run()
    assert final.state == "finished", final.message
    assert final.epoch == 1 and final.test_cost is not None


def test_the_repository_presets_folder_is_the_shipped_one():
    """presets/ at the repository root shows the files shipped in the package."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "presets"
    assert sorted(p.name for p in root.glob("*.toml")) == sorted(
        p.name for p in presets_dir().glob("*.toml")
    )


def test_unknown_preset_suggests_a_name():
    """A misspelt preset gets a did-you-mean and the list of presets."""
    with pytest.raises(ConfigError, match="did you mean 'spiral'"):
        load_preset("spirl")
