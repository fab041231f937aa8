"""What a new user met in the first hour (issue 12), each checked on the rendered screen."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import lru_cache

import pytest
from textual.containers import VerticalScroll
from textual.pilot import Pilot

from tests.app.screen import screen_text
from tui_backprop.app import BackpropApp
from tui_backprop.app.screens.help import HelpScreen
from tui_backprop.formatting import scientific
from tui_backprop.training import Snapshot, Trainer, load_preset

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


# -- shared: a real run's snapshots, shown on the app's screen without a live worker ---------


@lru_cache
def preset_snapshots(preset: str, steps: int) -> tuple[Snapshot, ...]:
    """The snapshots of the first ``steps`` mini-batch steps of a preset's run."""
    trainer = Trainer(load_preset(preset))
    return tuple(trainer.step() for _ in range(steps))


async def show_on_app(pilot: Pilot, app: BackpropApp, snapshot: Snapshot) -> str:
    """Show ``snapshot`` on the app's panels (as the worker would) and return the screen."""
    await wait_until(pilot, lambda: app.trainer is not None, "the first network")
    app.main.show(snapshot)
    await pilot.pause()
    return screen_text(app)


def panel_text(app: BackpropApp, panel_id: str) -> str:
    """The characters inside one panel's region of the screen."""
    region = app.main.query_one(f"#{panel_id}").region
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return "\n".join(line[region.x : region.right] for line in lines)


# -- 3. the vanishing-gradients ratio says when it was measured -------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_gradient_ratio_names_the_start_and_now(size) -> None:
    """The headline gives the ratio at the first step and now, each with its moment."""
    snapshots = preset_snapshots("vanishing-gradients", 200)
    app = BackpropApp(preset="vanishing-gradients")
    async with app.run_test(size=size) as pilot:
        await show_on_app(pilot, app, snapshots[-1])
        if app.main.is_narrow:
            app.main.set_view("gradients")
        await wait_until(pilot, lambda: "now" in panel_text(app, "gradients"), "the ratio")
        text = panel_text(app, "gradients")
    first = snapshots[0].first_to_last_ratio
    last = snapshots[-1].first_to_last_ratio
    assert first > 50 and last > 1  # the lesson: layer 1 is far slower at the start
    assert f"{first:.0f}× slower" in text and "step 1 " in text
    assert f"{last:.0f}× slower" in text or f"{last:.1f}× slower" in text
    assert "now" in text or "step 200" in text


def test_vanishing_preset_description_says_the_ratio_is_at_the_start() -> None:
    assert "at the start" in load_preset("vanishing-gradients").description


# -- 4. ‖∇w^l‖ (BP4) has a key and shows in every layout -------------------------------------


@pytest.mark.parametrize(("size", "view"), [((120, 40), "all"), ((80, 24), "gradients")])
async def test_weight_gradients_show_in_every_layout_and_w_plots_them(size, view) -> None:
    snapshot = preset_snapshots("spiral", 30)[-1]
    app = BackpropApp(preset="spiral")
    async with app.run_test(size=size) as pilot:
        await show_on_app(pilot, app, snapshot)
        if app.main.is_narrow:
            app.main.set_view(view)
        await wait_until(pilot, lambda: "‖∇w‖" in panel_text(app, "gradients"), "the table")
        text = panel_text(app, "gradients")
        assert all(scientific(value) in text for value in snapshot.grad_norm_w)
        assert "‖∇w^l‖ dots" not in text
        await pilot.press("w")
        text = panel_text(app, "gradients")
        assert "‖∇w^l‖ dots" in text or "‖∇w‖ dots" in text


async def test_w_plots_weight_gradients_in_the_small_all_panels_view() -> None:
    snapshot = preset_snapshots("spiral", 30)[-1]
    app = BackpropApp(preset="spiral")
    async with app.run_test(size=(80, 24)) as pilot:
        await show_on_app(pilot, app, snapshot)
        assert "w ‖∇w‖" in screen_text(app).splitlines()[-1]  # the footer offers the key
        await pilot.press("w")
        assert "dots: ‖∇w‖" in panel_text(app, "gradients")
