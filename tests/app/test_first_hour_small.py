"""What a new user met in the first hour (issue 12), item 11: the small things, each
checked on the rendered screen."""

from __future__ import annotations

import dataclasses
import re

import pytest

from tests.app.screen import screen_text
from tests.app.test_first_hour import panel_text, preset_snapshots, show_on_app, wait_until
from tui_backprop.app import BackpropApp

# -- 11. small things --------------------------------------------------------------------------


async def test_heatmap_names_its_neurons_before_a_step_and_explains_a_partial_batch() -> None:
    """Before the first step no "(16 × 0)"; digits (1,438 rows, m = 10) ends each epoch with
    a batch of 8, said so."""
    app = BackpropApp(preset="spiral")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the first network")
        await wait_until(pilot, lambda: "δ^1" in panel_text(app, "deltas"), "the title")
        assert "× 0" not in panel_text(app, "deltas") and "16 neurons" in panel_text(app, "deltas")
    snapshots = preset_snapshots("digits", 144)
    app = BackpropApp(preset="digits")
    async with app.run_test(size=(120, 40)) as pilot:
        await show_on_app(pilot, app, snapshots[0])
        assert "last batch" not in panel_text(app, "deltas")
        app.main.show(snapshots[-1])  # the epoch's 144th batch: 1,438 − 143 × 10 = 8 rows
        await wait_until(pilot, lambda: "8 samples, last" in panel_text(app, "deltas"), "8")
        assert "last batch (< m = 10)" in panel_text(app, "deltas")


async def test_the_palettes_screenshot_is_saved_where_the_user_is_and_says_where(
    tmp_path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))  # no ~/Downloads there
    app = BackpropApp(preset="xor")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the first network")
        await pilot.press("ctrl+p", *"Screenshot")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: list(tmp_path.glob("*.svg")) != [], "the SVG file")
        await wait_until(pilot, lambda: "Saved screenshot to" in screen_text(app), "the notice")
        assert "Failed" not in screen_text(app)


async def test_a_finished_run_is_said_by_the_status_bar_not_a_toast_over_the_map(
    app_xor_config,
) -> None:
    app = BackpropApp(preset="xor", config=app_xor_config.replace(epochs=2))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the first network")
        await pilot.press("space")
        await wait_until(pilot, lambda: "finished" in app.main.status.text, "the end")
        await pilot.pause(0.3)
        assert "Training finished" not in screen_text(app)
        assert "✓ finished │ pace 50/s │ epoch 2/2" in app.main.status.text
        assert "brighter = surer" in panel_text(app, "output-map")  # its legend uncovered


def tick_line(text: str) -> str:
    """The x axis's tick labels: the line under the plot's bottom frame (└─┬─┘)."""
    lines = text.splitlines()
    bottom = max(i for i, line in enumerate(lines) if "└" in line and "┬" in line)
    return lines[bottom + 1].strip("│")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_after_one_step_the_axes_read_in_epochs_and_whole_steps(size) -> None:
    """No "epoch 0.005" and no "step 0.75": the loss axis spans an epoch at least, the
    gradient axis ten whole steps."""
    snapshot = preset_snapshots("spiral", 1)[-1]
    app = BackpropApp(preset="spiral")
    async with app.run_test(size=size) as pilot:
        await show_on_app(pilot, app, snapshot)
        await wait_until(pilot, lambda: "┬" in panel_text(app, "loss"), "the loss axes")
        loss = panel_text(app, "loss")
        if app.main.is_narrow:  # the small all-panels view draws sparklines: its own view
            app.main.set_view("gradients")
        await wait_until(pilot, lambda: "┬" in panel_text(app, "gradients"), "the axes")
        gradients = panel_text(app, "gradients")
    loss_ticks = re.findall(r"\d+(?:\.\d+)?", tick_line(loss))
    assert loss_ticks and float(loss_ticks[-1]) >= 0.5 and "0.005" not in loss
    step_ticks = re.findall(r"\d+(?:\.\d+)?", tick_line(gradients))
    assert step_ticks and all(float(t).is_integer() for t in step_ticks), step_ticks


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_loss_legend_sits_on_the_border_not_over_the_curves(size) -> None:
    snapshot = preset_snapshots("spiral", 5 * 72)[-1]
    app = BackpropApp(preset="spiral")
    async with app.run_test(size=size) as pilot:
        await show_on_app(pilot, app, snapshot)
        loss = lambda: panel_text(app, "loss")  # noqa: E731
        await wait_until(pilot, lambda: "┬" in loss() and "test" in loss(), "the plot, legend")
        lines = panel_text(app, "loss").splitlines()
    assert "━━ test" in lines[-1] and "━━ batch" in lines[-1]  # the bottom border
    inside = [line for line in lines if "┤" in line]  # the rows with y ticks
    assert inside and not any(word in line for line in inside for word in ("train", "test"))


@pytest.mark.parametrize(
    "changes",
    [  # a non-finite value within an epoch; a cost above the bound at an epoch's end
        {"eta": 1e6, "activation": "linear", "output_activation": "linear", "cost": "quadratic"},
        {"dataset": "sine", "dataset_options": {}, "sizes": [1, 16, 1], "eta": 50.0,
         "output_activation": "linear", "cost": "quadratic"},
    ],
    ids=["non-finite", "cost-bound"],
)  # fmt: skip
async def test_the_status_bar_and_the_divergence_bar_name_the_same_step(
    app_xor_config, changes
) -> None:
    """The bar above the status bar names the status bar's step, and an epoch only as the
    status bar does; no toast says it again over the panels."""
    app = BackpropApp(config=app_xor_config.replace(**changes))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("space")
        await wait_until(pilot, lambda: "kept step" in screen_text(app), "the divergence bar")
        lines = screen_text(app).splitlines()
        toasts = " ".join(str(n.message) for n in app._notifications)
    first = next(i for i, line in enumerate(lines) if "✗ diverged at step" in line)
    last = next(i for i, line in enumerate(lines) if i > first and "kept step" in line)
    bar = " ".join(line.strip() for line in lines[first : last + 1])
    status = lines[last + 1]
    shown = re.search(r"│ step ([\d,]+) │", status)
    assert shown is not None and f"diverged at step {shown.group(1)}:" in bar
    epochs = re.findall(r"epoch (\d+)", bar)  # "(after epoch 1)" when the cost rule fired
    assert all(f"epoch {epoch}/" in status for epoch in epochs), (bar, status)
    assert bool(epochs) == ("bound" in bar)
    assert "diverged" not in toasts


async def test_the_preset_list_shows_the_longest_name_on_one_line() -> None:
    app = BackpropApp(preset="spiral")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the first network")
        await pilot.press("tab", "enter")  # the preset list, opened
        await wait_until(pilot, lambda: "circles" in screen_text(app), "the list")
        assert "learning-slowdown-cross-entropy" in screen_text(app)


# -- 7. (found in a later trial) the help's footer offers the help's keys --------------------


async def test_the_help_footer_offers_only_the_keys_the_help_answers() -> None:
    """Over the help, the footer said "space Run/Pause … q Quit", but space does nothing
    there and q closes the help: it now names the one key, and space starts nothing."""
    app = BackpropApp(preset="spiral")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the first network")
        await pilot.press("question_mark")
        footer = lambda: screen_text(app).splitlines()[-1]  # noqa: E731
        await wait_until(pilot, lambda: "Close help" in footer(), "the help's footer")
        assert "Run/Pause" not in footer() and "Quit" not in footer()
        await pilot.press("space")
        assert "idle" in app.main.status.text
        await pilot.press("q")  # closes the help, as the footer's esc does
        await wait_until(pilot, lambda: "Run/Pause" in footer(), "the main footer")
        assert app.return_code is None


async def test_an_80_column_status_bar_always_shows_eta() -> None:
    """A small η beside both accuracies at 80 columns: the bar keeps the test accuracy and a
    3-digit η rather than cut η off; a rewind mark shortens too."""
    snapshots = preset_snapshots("digits", 144)
    app = BackpropApp(preset="digits")
    async with app.run_test(size=(80, 24)) as pilot:
        # "▶ running": 3 cells more than "■ idle"
        await show_on_app(pilot, app, dataclasses.replace(snapshots[-1], state="running"))
        app._set_eta(0.000342549)
        app.main.status.set_pace("pace 500/s")
        await pilot.pause()
        status = screen_text(app).splitlines()[-2]
        assert status.rstrip().endswith("η 0.000343"), status
        assert "test" in status
        app.main.status.set_viewing(1_234, 56_789)
        await pilot.pause()
        status = screen_text(app).splitlines()[-2]
        assert "◀ step 1,234 of 56,789" in status and "η 0.000343" in status, status
