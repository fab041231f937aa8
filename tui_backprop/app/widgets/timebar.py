"""The time bar, above the status bar: where a diverged run went wrong and the key that
rolls it back. Hidden otherwise. (The rewind marker is the status bar's own: it changes
no layout.)"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from tui_backprop.formatting import number
from tui_backprop.training import Snapshot

#: chapter 2's quantities in few characters (the run's message, headless, has the long form)
SHORT_NAMES = {
    "z": "z = w·a + b",
    "a": "a = σ(z)",
    "δ (BP1)": "δ^L (BP1)",
    "δ (BP2)": "δ^l (BP2)",
    "∇ (BP3/BP4)": "∂C/∂w or ∂C/∂b (BP3/BP4)",
    "update": "the update w − η·∂C/∂w",
}


def rollback_text(snapshot: Snapshot, eta: float, factor: float) -> Text:
    """Where the run diverged (step, layer, quantity), the state kept, and the rollback key
    (to η = ``eta`` ÷ ``factor``)."""
    found = snapshot.divergence
    assert found is not None
    line = Text()
    line.append(f"✗ diverged at step {found.step:,}: ", "bold")
    if found.layer is None:  # the cost rule: no layer to name
        line.append(found.reason)
    else:
        what = SHORT_NAMES.get(found.quantity, found.quantity)
        line.append(f"first non-finite value: {what} in layer {found.layer}")
    kept, smaller = found.last_finite, eta / factor
    line.append(f"\nkept step {kept.step:,} (last finite) · ")
    offer = f"u rolls back to it with η ÷ {factor:g} ({number(eta)} → {number(smaller)})"
    line.append(offer, "bold")
    return line


class TimeBar(Widget):
    """Two lines: the divergence and its rollback offer."""

    can_focus = False

    def __init__(self, **kwargs: object) -> None:
        """Hidden until there is something to say."""
        super().__init__(**kwargs)
        self._text = Text()
        self.mode = ""  # "" or "rollback"

    @property
    def text(self) -> str:
        """What the bar says (empty when hidden)."""
        return self._text.plain if self.mode else ""

    def offer_rollback(self, snapshot: Snapshot, eta: float, factor: float) -> None:
        """Say where the run diverged and which key rolls it back, to η = eta ÷ factor."""
        self._set("rollback", rollback_text(snapshot, eta, factor))

    def hide(self) -> None:
        """Say nothing."""
        self._set("", Text())

    def _set(self, mode: str, text: Text) -> None:
        """Show ``text`` in ``mode`` (a CSS class), or hide the bar."""
        self.mode, self._text = mode, text
        self.set_class(mode == "rollback", "-rollback")
        self.display = bool(mode)
        if self.is_attached:  # notifications move up above the bar
            self.screen.set_class(bool(mode), "-timebar")
        self.refresh(layout=True)

    def render(self) -> Text:
        """The bar's text."""
        return self._text
