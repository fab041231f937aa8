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


async def train_here(pilot: Pilot, steps: int = 1) -> Snapshot:
    """Train the app's current network ``steps`` steps in the test's own thread (each in
    full when a view asks for that), then show the result paused; returns what is shown."""
    app = pilot.app
    assert isinstance(app, BackpropApp)
    while app.trainer is None:
        await pilot.pause(0.01)
    trainer = app.trainer
    trainer.listener = None
    for _ in range(steps):
        trainer.step()
    snapshot = dataclasses.replace(trainer.snapshot(), state="paused", samples_per_second=0.0)
    app.latest = snapshot
    app.main.show(snapshot)
    await pilot.pause()
    return snapshot
