"""The README's "What bad input gets" says what the code does (issue 13, item 4).

The section's exit statuses are read from its text and compared with the statuses the
command line returns; its memory-limit commands (``--max-memory`` on either side of the
command's name, ``TUI_BACKPROP_MAX_MEMORY``) are run as written, with a small xor run in
place of the ``...``. The signals (130, 143) are run in ``tests/test_train_files.py``.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from tui_backprop import exit_status
from tui_backprop.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"
#: what stands for the README's "..." in its commands: a quick run
QUICK_RUN = ["--preset", "xor", "--epochs", "1", "--quiet"]


def section() -> str:
    """The text of the README's "What bad input gets" section."""
    text = README.read_text(encoding="utf-8")
    start = text.index("## What bad input gets")
    return text[start : text.index("\n## ", start + 1)]


def stated_statuses() -> dict[int, str]:
    """Each exit status the section names, with the words after it ("2 bad input, ...")."""
    line = re.search(r"\*\*Exit status\*\*:(.+?)\n- \*\*", section(), re.S)[1]
    line = " ".join(line.split())
    return {
        int(number): words
        for number, words in re.findall(r"\b(\d+) ([a-z](?:(?!\b\d+ [a-z])[^;])*)", line)
    }


def test_the_stated_exit_statuses_are_the_ones_returned() -> None:
    """0, 1, 2, 3, 130 and 143, each named as the code names it."""
    statuses = stated_statuses()
    assert set(statuses) == {0, 1, 2, 3, 130, 143}
    assert statuses[exit_status.OK].startswith("done")
    assert statuses[exit_status.BAD_INPUT].startswith("bad input")
    assert statuses[exit_status.DIVERGED].startswith("the training run diverged")
    assert statuses[exit_status.FAILED].startswith("an unexpected failure")
    assert "Ctrl-C" in statuses[exit_status.INTERRUPTED]
    assert "SIGTERM" in statuses[exit_status.TERMINATED]


def test_ok_bad_input_and_divergence_exit_as_stated(capsys) -> None:
    """A run that finishes exits 0; a bad value 2 with one line; a runaway run 3."""
    assert main(["train", *QUICK_RUN]) == exit_status.OK
    capsys.readouterr()
    assert main(["train", *QUICK_RUN, "--set", "eta=-1"]) == exit_status.BAD_INPUT
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "eta" in err[0]
    diverging = ["train", "--preset", "xor", "--epochs", "5", "--quiet", "--set", "eta=1e6"]
    assert main(diverging) == exit_status.DIVERGED
    assert "diverged" in capsys.readouterr().err


def memory_commands() -> list[list[str]]:
    """The section's `tui-backprop ... --max-memory ...` commands, "..." made a quick run."""
    commands = re.findall(r"`(tui-backprop [^`]*--max-memory[^`]*)`", section())
    return [
        [
            arg
            for word in shlex.split(command)[1:]
            for arg in (QUICK_RUN if word == "..." else [word])
        ]
        for command in commands
    ]


def test_the_memory_limit_commands_run_as_written(capsys) -> None:
    """`tui-backprop train --max-memory 16G ...` trains; the option before the command's
    name too; and a limit below the need is refused with the parameters and the bytes."""
    commands = memory_commands()
    assert commands and all("--max-memory" in args for args in commands)
    for args in commands:
        assert main(args) == exit_status.OK, args
        size = args[args.index("--max-memory") + 1]
        before = ["--max-memory", size, *[a for a in args if a not in ("--max-memory", size)]]
        assert main(before) == exit_status.OK, before
    capsys.readouterr()
    assert main(["train", "--max-memory", "1K", *QUICK_RUN]) == exit_status.BAD_INPUT
    err = capsys.readouterr().err
    assert re.search(r"\d+ parameters", err) and "1.0 KiB" in err


def test_the_environment_variable_is_the_one_stated(monkeypatch, capsys) -> None:
    """`TUI_BACKPROP_MAX_MEMORY=16G` as the README writes it lets a run train; a tiny value
    refuses it, naming the variable."""
    setting = re.search(r"`(TUI_BACKPROP_MAX_MEMORY)=(\w+)`", section())
    assert setting is not None
    monkeypatch.setenv(setting[1], setting[2])
    assert main(["train", *QUICK_RUN]) == exit_status.OK
    monkeypatch.setenv(setting[1], "1K")
    assert main(["train", *QUICK_RUN]) == exit_status.BAD_INPUT
    assert "TUI_BACKPROP_MAX_MEMORY" in capsys.readouterr().err
