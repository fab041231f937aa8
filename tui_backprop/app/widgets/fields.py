"""The form's fields: a text field and a choice list that leave the app's keys reachable.

- Escape typed quickly before a key reaches a field as one *alt+key*: the text field takes
  it as escape (leave the field), then the key (which then acts as the app's key).
- Space on a choice list starts or pauses the run, as everywhere else; enter, up and down
  open the list.
"""

from __future__ import annotations

from textual import events
from textual.binding import Binding
from textual.widgets import Input, Select

from tui_backprop.app.keys import split_escape


class FormInput(Input):
    """A text field that reads escape-then-key (sent as alt+key) as leaving, then the key."""

    async def _on_key(self, event: events.Key) -> None:
        """Leave the field and replay the key to the app, or type as usual."""
        plain = split_escape(event.key)
        if plain is None:
            await super()._on_key(event)
            return
        event.stop()
        event.prevent_default()
        self.screen.set_focus(None)
        self.app.call_later(self.app.simulate_key, plain)


class FormSelect(Select[str], inherit_bindings=False):
    """A choice list opened by enter, up or down; space stays the app's start/pause."""

    BINDINGS = [Binding("enter,down,up", "show_overlay", "Choose", show=False)]
