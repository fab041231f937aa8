"""A preset's [book] table: accepted, validated, and read back for the screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_backprop.training import ConfigError, load_preset
from tui_backprop.training.config import load
from tui_backprop.training.presets import preset_book


def test_vanishing_gradients_carries_chapter_fives_speeds() -> None:
    """0.003, 0.017, 0.070, 0.285 with their source; the preset itself still loads."""
    book = preset_book("vanishing-gradients")
    assert book is not None
    assert book.speeds == (0.003, 0.017, 0.070, 0.285)
    assert "chapter 5" in book.source
    assert load_preset("vanishing-gradients").sizes == [64, 30, 30, 30, 30, 10]
    assert preset_book("xor") is None and preset_book(None) is None


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ('speeds = [0.1, -2]\nsource = "x"', "must be a list of numbers > 0"),
        ('speeds = "fast"\nsource = "x"', "must be a list of numbers > 0"),
        ("speeds = [0.1]", "book.source must say where"),
        ('speeds = [0.1]\nsource = "x"\npage = 3', "unknown key 'page'"),
    ],
)
def test_a_bad_book_table_is_named_in_one_line(tmp_path: Path, table: str, words: str) -> None:
    """The file, the table and what is allowed, in one line."""
    path = tmp_path / "mine.toml"
    path.write_text(f'dataset = "xor"\nsizes = [2, 4, 1]\n\n[book]\n{table}\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load(path)
    message = str(caught.value)
    assert str(path) in message and words in message and "\n" not in message
