"""Dataset options in configurations: a new dataset starts from its own defaults, and a
relative file in a preset is read relative to the preset's folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_backprop.cli import main
from tui_backprop.training import ConfigError, apply_overrides, load_preset


def test_changing_the_dataset_drops_the_previous_datasets_options() -> None:
    """spiral's n_samples/arms do not follow --set dataset=csv; given options are kept."""
    spiral = load_preset("spiral")
    assert "arms" in spiral.dataset_options
    for order in (
        ["dataset=csv", "dataset_options.path=data.csv", "sizes=4-3"],
        ["dataset_options.path=data.csv", "dataset=csv", "sizes=4-3"],
    ):
        config = apply_overrides(spiral, order)
        assert config.dataset == "csv"
        assert config.dataset_options["path"] == "data.csv"
        assert "arms" not in config.dataset_options and "n_samples" not in config.dataset_options


def test_the_same_dataset_keeps_its_options() -> None:
    """--set dataset=spiral on the spiral preset changes nothing else."""
    spiral = load_preset("spiral")
    assert apply_overrides(spiral, ["dataset=spiral"]).dataset_options == spiral.dataset_options


def test_a_new_dataset_still_needs_its_required_options() -> None:
    """csv without a path is refused with the option's name."""
    with pytest.raises(ConfigError, match="option 'path' is required"):
        apply_overrides(load_preset("spiral"), ["dataset=csv"])


def write_iris_like(path: Path) -> None:
    """A small separable CSV: two features and three classes."""
    rows = ["x,y,kind"]
    for i in range(30):
        rows.append(f"{i % 3 + 0.1 * (i % 5)},{(i % 3) * 2 - 0.05 * i},k{i % 3}")
    path.write_text("\n".join(rows) + "\n")


def test_a_relative_csv_path_in_a_preset_is_read_from_the_presets_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A preset naming data/points.csv trains from any working directory."""
    (tmp_path / "exp" / "data").mkdir(parents=True)
    write_iris_like(tmp_path / "exp" / "data" / "points.csv")
    preset = tmp_path / "exp" / "points.toml"
    preset.write_text(
        'dataset = "csv"\nsizes = [2, 8, 3]\noutput_activation = "softmax"\n'
        'cost = "log_likelihood"\nepochs = 2\n\n[dataset_options]\npath = "data/points.csv"\n'
    )
    config = load_preset(str(preset))
    assert config.dataset_options["path"] == str(tmp_path / "exp" / "data" / "points.csv")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["train", "--preset", str(preset), "--quiet"]) == 0
    assert "finished: 2 epochs" in capsys.readouterr().out
