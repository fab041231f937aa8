"""What the user sees: the characters on the screen, for tests that assert on them."""

from __future__ import annotations

from textual.app import App


def screen_text(app: App) -> str:
    """The characters on the screen now, line by line (what a screenshot would show)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
