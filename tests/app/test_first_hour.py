"""What a new user met in the first hour (issue 12), each checked on the rendered screen."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from textual.containers import VerticalScroll
from textual.pilot import Pilot

from tests.app.screen import screen_text
from tui_backprop.app import BackpropApp
from tui_backprop.app.screens.help import HelpScreen

TIMEOUT = 20.0  # seconds; only reached when something is wrong


async def wait_until(pilot: Pilot, condition: Callable[[], bool], what: str) -> None:
    """Let the app run until ``condition`` holds; fail after TIMEOUT seconds."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await pilot.pause(0.05)


# -- 1. help ---------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_help_shows_every_table_when_scrolled_through(size) -> None:
    """Scrolling the help from top to bottom shows the panels, BP1–BP4 and the keys."""
    app = BackpropApp()
    async with app.run_test(size=size) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the first network")
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
        box = app.screen.query_one("#help-box", VerticalScroll)
        seen = [screen_text(app)]
        while box.scroll_y < box.max_scroll_y:
            box.scroll_page_down(animate=False)
            await pilot.pause()
            seen.append(screen_text(app))
        text = "\n".join(seen)
    assert "Gradients" in text and "δ heatmap" in text
    bp_rows = ("BP1", "BP2", "BP3", "BP4", "δ^L = ∇_a C", "last layer L", "Gradients: ‖∇w^l‖")
    for row in bp_rows:
        assert row in text, row
    assert "start, pause, resume" in text and "quit (stops the training first)" in text
