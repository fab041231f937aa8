"""The architecture's rule: the engine, data and training never load the user interface."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "tui_backprop.engine",
        "tui_backprop.data",
        "tui_backprop.training",
        "tui_backprop.experiments.reproduce",
        "tui_backprop.experiments.sweep",
    ],
)
def test_core_packages_never_import_textual(module):
    """Importing a core package in a fresh interpreter loads no textual or plotext module."""
    code = (
        f"import sys, {module}; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'textual_plotext', 'plotext')); "
        "print(','.join(bad))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_headless_training_never_imports_textual():
    """tui-backprop train runs the trainer without loading Textual."""
    code = (
        "import sys; from tui_backprop.cli import main; "
        "status = main(['train', '--preset', 'xor', '--epochs', '1', '--quiet']); "
        "assert status == 0, status; "
        "print('TEXTUAL:' + ','.join(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "TEXTUAL:"


def test_engine_imports_nothing_but_numpy():
    """The engine's modules import NumPy and pure standard-library helpers only."""
    allowed = {"numpy", "__future__", "collections", "dataclasses", "time", "tui_backprop"}
    engine = Path(__file__).resolve().parents[1] / "tui_backprop" / "engine"
    for source in engine.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in allowed, f"{source.name} imports {name}"
                if name.startswith("tui_backprop"):
                    assert name.startswith("tui_backprop.engine"), f"{source.name}: {name}"
