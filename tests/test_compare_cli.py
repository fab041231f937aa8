"""`tui-backprop --compare FILE.jsonl …`: bad files are named in one line before the app opens."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_backprop.cli import EXIT_BAD_INPUT, main


def test_a_bad_compare_file_is_named_in_one_line_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file that is not a metrics file: status 2, its name and line, no traceback."""
    bad = tmp_path / "notes.jsonl"
    bad.write_text("hello\n")
    assert main(["--compare", str(bad)]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert f"{bad}, line 1: not JSON" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_compare_belongs_to_the_app(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--compare with a subcommand is refused, saying where it belongs."""
    path = tmp_path / "run.jsonl"
    path.write_text('{"epoch": 1, "train_cost": 1.0}\n')
    assert main(["--compare", str(path), "--preset", "xor", "presets"]) == EXIT_BAD_INPUT
    assert "--compare belongs to the app, not to presets" in capsys.readouterr().err
