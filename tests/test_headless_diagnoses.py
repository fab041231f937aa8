"""Headless --metrics records the diagnoses that fired and the test confusion matrix at
each evaluation (issue 10, item 7): the same trainer as the app's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui_backprop.cli import EXIT_OK, main
from tui_backprop.data import load_dataset
from tui_backprop.training import EpochRecord, Trainer, load_preset


def metrics_rows(tmp_path: Path, *args: str) -> list[dict]:
    """The JSON lines of a quiet headless run with the given arguments."""
    path = tmp_path / "run.jsonl"
    assert main(["train", *args, "--metrics", str(path), "--quiet"]) == EXIT_OK
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_the_slowdown_preset_records_its_diagnosis_and_fix(tmp_path: Path) -> None:
    """The saturated neuron with the quadratic cost: every line names the slowdown and the
    cross-entropy fix; after ten epochs 'nothing learned' joins it. No classes: no matrix."""
    rows = metrics_rows(tmp_path, "--preset", "learning-slowdown", "--epochs", "12")
    first, last = rows[0], rows[-1]
    assert [d["rule"] for d in first["diagnoses"]] == ["learning-slowdown"]
    assert first["diagnoses"][0]["fix"] == "cost=cross_entropy"
    assert "quadratic cost" in first["diagnoses"][0]["finding"]
    assert [d["rule"] for d in last["diagnoses"]] == ["learning-slowdown", "nothing-learned"]
    assert first["confusion"] is None


def test_the_cross_entropy_neuron_gets_no_diagnosis(tmp_path: Path) -> None:
    """The same neuron with the cross-entropy learns fast: no rule fires."""
    rows = metrics_rows(tmp_path, "--preset", "learning-slowdown-cross-entropy", "--epochs", "12")
    assert all(row["diagnoses"] == [] for row in rows)


def test_digits_records_a_ten_by_ten_confusion_matrix_per_evaluation(tmp_path: Path) -> None:
    """Rows are the true digits; the counts add up to the test split, the diagonal to the
    recorded test accuracy."""
    rows = metrics_rows(tmp_path, "--preset", "digits", "--epochs", "2")
    assert len(rows) == 2
    for row in rows:
        matrix = row["confusion"]
        assert len(matrix) == 10 and all(len(r) == 10 for r in matrix)
        total = sum(map(sum, matrix))
        right = sum(matrix[k][k] for k in range(10))
        assert abs(right / total - row["test_accuracy"]) < 1e-12


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_default_spiral_is_not_told_it_learned_nothing(seed: int) -> None:
    """The spiral sits near chance for tens of epochs while its cost falls, then untangles:
    with its planned 500 epochs, no rule fires over the first 110."""
    config = load_preset("spiral").replace(seed=seed)
    fired: list[tuple[int, str]] = []
    trainer = Trainer(config, load_dataset(config.dataset, **config.dataset_options))

    def record(epoch: EpochRecord) -> None:
        """Note what fired; stop after epoch 110."""
        fired.extend((epoch.epoch, found.rule) for found in epoch.diagnoses)
        if epoch.epoch >= 110:
            trainer.stop()

    trainer.on_epoch = record
    trainer.run()
    assert trainer.epoch >= 110 and fired == []
