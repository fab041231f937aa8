"""Preset files that are not presets: each refused in one line naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui_backprop.training import ConfigError, load_preset


def _refused(name_or_path, message):
    """load_preset refuses it with a one-line ConfigError containing ``message``."""
    with pytest.raises(ConfigError) as info:
        load_preset(str(name_or_path))
    assert "\n" not in str(info.value)
    assert message in str(info.value), str(info.value)


def test_an_empty_name_is_not_the_default():
    """--preset "" is refused, listing the presets (it used to train the default)."""
    _refused("", "an empty name; give a preset (book-ch1-digits")
    _refused("  ", "an empty name")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"", "sets no field (empty or only comments)"),
        (b"# just a comment\n\n# another\n", "sets no field"),
        (b"\xff\xfeeta = 1\n", "not UTF-8 text (byte 0xff at offset 0)"),
        (b'dataset = "xor"\nsizes = [2, 8, 1\n', "not valid TOML"),
        (b"a = " + b"[" * 10_000 + b"]" * 10_000, "nested too deeply"),
        (b'dataset = "xor"\nsizes = "2-8-1"\n', "sizes = '2-8-1' must be a list of 2 to 100"),
        (b'dataset = "xor"\nsizes = [2, 8, 1]\neta = "0.5"\n', "written without quotes"),
    ],
)
def test_unusable_preset_files(tmp_path, text, message):
    """Empty, comment-only, non-UTF-8, broken, deeply nested, strings for numbers."""
    path = tmp_path / "mine.toml"
    path.write_bytes(text)
    _refused(path, f"{path}: ")
    _refused(path, message)


def test_devices_and_folders_are_not_presets(tmp_path):
    """/dev/null sets nothing; /dev/zero is not read without end; a folder is named."""
    if Path("/dev/null").exists():
        _refused("/dev/null", "/dev/null: sets no field")
    if Path("/dev/zero").exists():
        _refused("/dev/zero", "/dev/zero: larger than 1024 KB; not a preset file")
    folder = tmp_path / "presets.toml"
    folder.mkdir()
    _refused(folder, "is a folder, not a preset file")
