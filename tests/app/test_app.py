"""The app driven as a user would, with App.run_test and the Pilot.

Waits poll a condition with a generous timeout, never a fixed wall-clock budget, so the
tests hold on a slow, loaded machine.
"""

from __future__ import annotations

import threading

import pytest
from textual.widgets import Input, Select

from tests.app.screen import wait_until
from tui_backprop.app import BackpropApp
from tui_backprop.app.app import TRAINER_THREAD_NAME
from tui_backprop.app.screens.help import HELP, HelpScreen
from tui_backprop.app.screens.main import VIEWS
from tui_backprop.training import DEFAULT_PRESET, RunConfig


def shown_step(app: BackpropApp) -> int:
    """The step the screen shows (from the last snapshot it drew)."""
    snapshot = app.main.status.snapshot
    return snapshot.step if snapshot is not None else 0


def trainer_threads() -> list[threading.Thread]:
    """Threads that are running a trainer now."""
    return [t for t in threading.enumerate() if t.name == TRAINER_THREAD_NAME and t.is_alive()]


def notifications(app: BackpropApp) -> list[str]:
    """The texts of the notifications shown so far."""
    return [n.message for n in app._notifications]


# -- opening ----------------------------------------------------------------------------


async def test_opens_on_the_default_preset_in_both_layouts_with_help() -> None:
    """`tui-backprop`: the default preset, idle; 80×24 tabs every view; 160×50 shows all."""
    app = BackpropApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the first network")
        main = app.main
        assert app.preset_name == DEFAULT_PRESET
        assert main.form.query_one("#field-preset", Select).value == DEFAULT_PRESET
        assert main.status.text.startswith("■ idle") and "step 0" in main.status.text

        assert main.is_narrow and main.view == "all"
        panels = ["#loss", "#gradients", "#deltas", "#output-map"]
        assert all(main.query_one(p).region.area > 0 for p in panels)
        assert main.query_one("#form").region.area == 0
        for view in ("loss", "gradients", "deltas", "output-map"):
            await pilot.press("v")
            shown = main.query_one(f"#{view}").region
            assert main.view == view and shown.width >= 70 and shown.height >= 18
        await pilot.press("v")
        assert main.view == "form" and main.query_one("#form").region.height >= 18
        later = [view for view, _ in VIEWS][[view for view, _ in VIEWS].index("form") + 1 :]
        for view in later:  # the inspector's views, and any others after the form
            await pilot.press("v")
            assert main.view == view
        await pilot.press("v")
        assert main.view == "all"

        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert all(f"BP{i}" in HELP for i in range(1, 5))
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)

        await pilot.resize_terminal(160, 50)
        await wait_until(pilot, lambda: not main.is_narrow, "the wide layout")
        for selector in ["#form", *panels]:
            region = main.query_one(selector).region
            assert region.width >= 36 and region.height >= 20, selector


async def test_a_named_preset_opens_and_a_bad_one_falls_back() -> None:
    """`--preset xor` opens xor; an unknown name is a notification and the default."""
    app = BackpropApp(preset="xor")
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        assert app.config.dataset == "xor"
    app = BackpropApp(preset="no-such-preset")
    async with app.run_test(notifications=True) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        assert app.preset_name == DEFAULT_PRESET
        assert any("no-such-preset" in text for text in notifications(app))


async def test_config_wins_over_the_preset(app_xor_config: RunConfig) -> None:
    """A configuration given by the CLI is used as is; the preset only names it."""
    app = BackpropApp(preset="my-run", config=app_xor_config)
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        assert app.config.sizes == [2, 5, 3, 1]
        assert app.main.form.query_one("#field-preset", Select).value == "my-run"


# -- running, pausing, stepping -----------------------------------------------------------


async def test_start_grows_steps_and_loss_pause_stops_them_r_resets(
    app_xor_config: RunConfig,
) -> None:
    """Space: the step counter and the loss plot grow; space again: both stop; r resets."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("space")
        await wait_until(
            pilot, lambda: app.main.loss.plotted_points() > 0, "the loss plot's first points"
        )
        steps, points = shown_step(app), app.main.loss.plotted_points()
        await wait_until(
            pilot,
            lambda: shown_step(app) > steps and app.main.loss.plotted_points() > points,
            "steps and loss points to grow",
        )
        assert "running" in app.main.status.text

        await pilot.press("space")
        await wait_until(pilot, lambda: "paused" in app.main.status.text, "the paused state")
        steps, points = shown_step(app), app.main.loss.plotted_points()
        assert app.trainer is not None and app.trainer.step_count == steps
        await pilot.pause(0.3)
        assert shown_step(app) == steps == app.trainer.step_count
        assert app.main.loss.plotted_points() == points

        old = app.trainer
        await pilot.press("r")  # new weights, same settings, waiting for space
        assert app.trainer is not old and app.config == app_xor_config
        assert shown_step(app) == 0 and "idle" in app.main.status.text


async def test_n_takes_exactly_one_step(app_xor_config: RunConfig) -> None:
    """`n` when idle and when paused advances exactly one mini-batch; while running, pauses."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("n")
        await wait_until(pilot, lambda: shown_step(app) == 1, "the first step")
        await pilot.pause(0.3)
        assert app.trainer is not None and app.trainer.step_count == 1
        assert "paused" in app.main.status.text
        await pilot.press("n")
        await wait_until(pilot, lambda: shown_step(app) == 2, "the second step")
        await pilot.pause(0.3)
        assert app.trainer.step_count == 2
        await pilot.press("space")
        await wait_until(pilot, lambda: "running" in app.main.status.text, "running")
        await pilot.press("n")
        await wait_until(pilot, lambda: "paused" in app.main.status.text, "the pause")


# -- η ------------------------------------------------------------------------------------


async def test_eta_changed_mid_run_reaches_the_trainer(app_xor_config: RunConfig) -> None:
    """`+`/`-` and a new η typed in the form reach the running trainer; no reset."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("space")
        await wait_until(pilot, lambda: shown_step(app) > 0, "the run to start")
        trainer = app.trainer
        assert trainer is not None
        eta = app.main.form.query_one("#field-eta", Input)
        await pilot.press("plus")
        assert trainer.eta == pytest.approx(0.45)
        assert eta.value == "0.45" and "η 0.45" in app.main.status.text
        await wait_until(
            pilot,
            lambda: app.latest is not None and app.latest.eta == pytest.approx(0.45),
            "a snapshot with the new η",
        )
        await pilot.press("minus", "minus")
        assert trainer.eta == pytest.approx(0.2)

        eta.focus()
        eta.value = "0.05"
        await pilot.press("enter", "escape")
        assert trainer.eta == pytest.approx(0.05) and app.config.eta == pytest.approx(0.05)
        assert app.trainer is trainer  # the same run goes on
        steps = shown_step(app)
        await wait_until(pilot, lambda: shown_step(app) > steps, "training to go on")


# -- the form -----------------------------------------------------------------------------


async def test_an_invalid_architecture_shows_why_and_does_not_start(
    app_xor_config: RunConfig,
) -> None:
    """A bad architecture is explained at the field, and space does not start training."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        trainer = app.trainer
        sizes = app.main.form.query_one("#field-sizes", Input)
        error = app.main.form.query_one("#sizes-error")
        for text, reason in [
            ("2-abc-1", "whole numbers joined by dashes, such as 2-16-1"),
            ("2", "an input and an output layer at least"),
            ("2-0-1", "at least 1 neuron (2-0-1 has a 0)"),
            ("3-5-1", "must start with 2 and end with 1"),
        ]:
            sizes.focus()
            sizes.value = text
            await pilot.press("enter")
            assert error.display and reason in str(error.render()), text
            assert "sizes" in app.main.form.errors
        await pilot.press("escape", "space")
        await pilot.pause(0.2)
        assert app.trainer is trainer and trainer is not None
        assert trainer.state == "idle" and trainer.step_count == 0
        assert any("Fix the form" in text for text in notifications(app))
        # fixing it lets training start
        sizes.focus()
        sizes.value = "2-4-1"
        await pilot.press("enter", "escape")
        assert not error.display
        await pilot.press("space")
        await wait_until(pilot, lambda: shown_step(app) > 0, "the run to start")
        assert app.config.sizes == [2, 4, 1]


async def test_other_changes_reset_and_sizes_follow_the_dataset(
    app_xor_config: RunConfig,
) -> None:
    """A new σ builds a new, idle network; blobs (3 classes) makes the layers 2-5-3-3."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        form = app.main.form
        await pilot.press("space")
        await wait_until(pilot, lambda: shown_step(app) > 0, "the run to start")
        old = app.trainer
        form.query_one("#field-activation", Select).value = "relu"
        await wait_until(pilot, lambda: app.trainer is not old, "a new network")
        assert app.config.activation == "relu"
        assert shown_step(app) == 0 and "idle" in app.main.status.text
        await wait_until(pilot, lambda: not trainer_threads(), "the old run to stop")

        form.query_one("#field-dataset", Select).value = "blobs"
        await wait_until(pilot, lambda: app.config.dataset == "blobs", "the new dataset")
        assert app.config.sizes == [2, 5, 3, 3]
        assert form.query_one("#field-sizes", Input).value == "2-5-3-3"
        hint = str(form.query_one("#sizes-hint").render())
        assert "output 3" in hint and "blobs" in hint


async def test_switching_presets_resets(app_xor_config: RunConfig) -> None:
    """A preset picked mid-run (form or command palette) stops the run; its network shows."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("space")
        await wait_until(pilot, lambda: shown_step(app) > 0, "the run to start")
        old = app.trainer
        app.main.form.query_one("#field-preset", Select).value = "circles"
        await wait_until(pilot, lambda: app.preset_name == "circles", "the preset")
        assert app.trainer is not old and app.config.dataset == "circles"
        assert shown_step(app) == 0 and "idle" in app.main.status.text
        assert app.main.form.query_one("#field-dataset", Select).value == "circles"
        await wait_until(pilot, lambda: not trainer_threads(), "the old run to stop")

        await pilot.press("ctrl+p", *"preset: moons")
        await wait_until(pilot, lambda: _palette_has(app, "moons"), "the preset in the palette")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.preset_name == "moons", "the preset to open")
        assert app.config.dataset == "moons"


def _palette_has(app: BackpropApp, name: str) -> bool:
    """True when the command palette lists a hit mentioning ``name``."""
    from textual.command import CommandList

    lists = app.screen.query(CommandList)
    return bool(lists) and any(name in str(option.prompt) for option in lists.first().options)


# -- reset, heatmap, help, layout ---------------------------------------------------------


async def test_the_heatmap_has_the_selected_layers_dimensions(app_xor_config: RunConfig) -> None:
    """δ^l is neurons × samples of the latest mini-batch; `]` moves to the next layer."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("n")
        await wait_until(pilot, lambda: shown_step(app) == 1, "one step")
        heatmap = app.main.heatmap
        assert heatmap.layer_index == 0 and heatmap.matrix_shape == (5, 10)
        await pilot.press("right_square_bracket")
        assert heatmap.matrix_shape == (3, 10)
        await pilot.press("right_square_bracket")
        assert heatmap.matrix_shape == (1, 10)
        await pilot.press("left_square_bracket")
        assert heatmap.layer_index == 1
