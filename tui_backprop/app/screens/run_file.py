"""Asking for a metrics file to compare with (`O`): one input line, Enter loads, Esc leaves."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class RunFileScreen(ModalScreen[str | None]):
    """A path to a headless ``--metrics`` JSONL file; dismissed with it, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        """A line saying what to give, and the input."""
        with Vertical(id="run-file-box") as box:
            box.border_title = "Compare with a run"
            yield Static(
                "A file written by `tui-backprop train --metrics FILE.jsonl` "
                "(Enter loads it, Esc goes back):"
            )
            yield Input(placeholder="runs/quadratic.jsonl", id="run-file-path")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Load the file typed."""
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        """Leave without loading anything."""
        self.dismiss(None)
