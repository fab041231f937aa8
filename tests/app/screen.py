"""What the user sees: the characters on the screen, for tests that assert on them."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import pytest
from textual.app import App
from textual.pilot import Pilot

from tui_backprop.app import BackpropApp
from tui_backprop.training import Snapshot

TIMEOUT = 20.0  # seconds; only reached when something is wrong


def screen_text(app: App) -> str:
    """The characters on the screen now, line by line (what a screenshot would show)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def wait_until(pilot: Pilot, condition: Callable[[], bool], what: str) -> None:
    """Let the app run until ``condition`` holds; fail after TIMEOUT seconds."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def train_here(
    pilot: Pilot, steps: int = 1, each: Callable[[Snapshot], object] | None = None
) -> Snapshot:
    """Train the app's current network ``steps`` steps in the test's own thread (each in
    full when a view asks for that; ``each`` sees every step's snapshot), then show the
    result paused; returns what is shown."""
    app = pilot.app
    assert isinstance(app, BackpropApp)
    while app.trainer is None:
        await pilot.pause(0.01)
    trainer = app.trainer
    trainer.listener = None  # nothing reaches the screen but the final snapshot
    for _ in range(steps):
        stepped = trainer.step()
        if each is not None:
            each(stepped)
    snapshot = dataclasses.replace(trainer.snapshot(), state="paused", samples_per_second=0.0)
    app.latest = snapshot
    app.main.show(snapshot)
    await pilot.pause()
    return snapshot


async def scrolled_help(pilot: Pilot) -> list[str]:
    """Open the help (?) and page through it to the end: the screen at every page."""
    from textual.containers import VerticalScroll

    from tui_backprop.app.screens.help import HelpScreen

    app = pilot.app
    await wait_until(pilot, lambda: getattr(app, "trainer", None) is not None, "the network")
    await pilot.press("question_mark")
    await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
    box = app.screen.query_one("#help-box", VerticalScroll)
    seen = [screen_text(app)]
    while box.scroll_y < box.max_scroll_y:
        box.scroll_page_down(animate=False)
        await pilot.pause()
        seen.append(screen_text(app))
    return seen
