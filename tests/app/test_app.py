"""The app driven as a user would, with App.run_test and the Pilot.

Waits poll a condition with a generous timeout, never a fixed wall-clock budget, so the
tests hold on a slow, loaded machine.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select

from tui_backprop.app import BackpropApp
from tui_backprop.app.app import TRAINER_THREAD_NAME
from tui_backprop.app.messages import SnapshotReady
from tui_backprop.app.screens.help import HelpScreen
from tui_backprop.app.session import ThrottledListener, fit_sizes
from tui_backprop.data import load_dataset
from tui_backprop.training import DEFAULT_PRESET, RunConfig, Trainer

TIMEOUT = 20.0  # seconds; only reached when something is wrong


async def wait_until(pilot: Pilot, condition: Callable[[], bool], what: str) -> None:
    """Let the app run until ``condition`` holds; fail after TIMEOUT seconds."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        await pilot.pause(0.05)


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


async def test_opens_on_the_default_preset_idle() -> None:
    """`tui-backprop` opens the default preset, idle, with its network built."""
    app = BackpropApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the first network")
        assert app.preset_name == DEFAULT_PRESET
        assert app.main.form.query_one("#field-preset", Select).value == DEFAULT_PRESET
        assert app.main.status.text.startswith("■ idle")
        assert "step 0" in app.main.status.text


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


async def test_start_grows_steps_and_loss_and_pause_stops_them(
    app_xor_config: RunConfig,
) -> None:
    """Space: the step counter and the loss plot grow; space again: both stop."""
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


async def test_n_takes_exactly_one_step(app_xor_config: RunConfig) -> None:
    """`n` when idle and when paused advances exactly one mini-batch."""
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


async def test_n_while_running_pauses(app_xor_config: RunConfig) -> None:
    """`n` while running pauses first (as the help says)."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("space")
        await wait_until(pilot, lambda: "running" in app.main.status.text, "running")
        await pilot.press("n")
        await wait_until(pilot, lambda: "paused" in app.main.status.text, "the pause")


# -- η ------------------------------------------------------------------------------------


async def test_eta_keys_reach_the_running_trainer(app_xor_config: RunConfig) -> None:
    """`+` and `-` change η in the trainer mid-run, in the form and in the status."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("space")
        await wait_until(pilot, lambda: shown_step(app) > 0, "the run to start")
        trainer = app.trainer
        assert trainer is not None
        await pilot.press("plus")
        assert trainer.eta == pytest.approx(0.45)
        assert app.main.form.query_one("#field-eta", Input).value == "0.45"
        assert "η 0.45" in app.main.status.text
        await wait_until(
            pilot,
            lambda: app.latest is not None and app.latest.eta == pytest.approx(0.45),
            "a snapshot with the new η",
        )
        await pilot.press("minus", "minus")
        assert trainer.eta == pytest.approx(0.2)
        assert app.trainer is trainer  # no reset: the same run goes on


async def test_eta_typed_in_the_form_applies_without_reset(app_xor_config: RunConfig) -> None:
    """A new η entered in the form reaches the running trainer; the run is not reset."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("space")
        await wait_until(pilot, lambda: shown_step(app) > 0, "the run to start")
        trainer = app.trainer
        eta = app.main.form.query_one("#field-eta", Input)
        eta.focus()
        eta.value = "0.05"
        await pilot.press("enter")
        assert app.trainer is trainer and trainer is not None
        assert trainer.eta == pytest.approx(0.05)
        await pilot.press("escape")
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
            ("2-abc-1", "must be a list"),
            ("2", "must be a list"),
            ("2-0-1", "must be a list"),
            ("3-5-1", "must start with 2 and end with 1"),
        ]:
            sizes.focus()
            sizes.value = text
            await pilot.press("enter", "escape")
            assert error.display and reason in str(error.render()), text
            assert "sizes" in app.main.form.errors
            await pilot.press("space")
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


async def test_changing_a_field_other_than_eta_resets(app_xor_config: RunConfig) -> None:
    """A new hidden activation builds a new network (idle), as a user expects."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("space")
        await wait_until(pilot, lambda: shown_step(app) > 0, "the run to start")
        old = app.trainer
        app.main.form.query_one("#field-activation", Select).value = "relu"
        await wait_until(pilot, lambda: app.trainer is not old, "a new network")
        assert app.config.activation == "relu"
        assert shown_step(app) == 0 and "idle" in app.main.status.text
        await wait_until(pilot, lambda: not trainer_threads(), "the old run to stop")


async def test_a_new_dataset_sets_the_input_and_output_sizes(app_xor_config: RunConfig) -> None:
    """Choosing blobs (3 classes) makes the layers 2-5-3-3 and the hint says why."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        app.main.form.query_one("#field-dataset", Select).value = "blobs"
        await wait_until(pilot, lambda: app.config.dataset == "blobs", "the new dataset")
        assert app.config.sizes == [2, 5, 3, 3]
        assert app.main.form.query_one("#field-sizes", Input).value == "2-5-3-3"
        hint = str(app.main.form.query_one("#sizes-hint").render())
        assert "output 3" in hint and "blobs" in hint


async def test_switching_presets_resets(app_xor_config: RunConfig) -> None:
    """Picking a preset mid-run stops the run and shows the preset's new network."""
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


async def test_the_command_palette_offers_presets(app_xor_config: RunConfig) -> None:
    """ctrl+p, type a preset's name, Enter: the preset opens."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("ctrl+p")
        await pilot.press(*"preset: moons")
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


async def test_r_resets_the_weights(app_xor_config: RunConfig) -> None:
    """`r` mid-run: a new network with the same settings, waiting for space."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("space")
        await wait_until(pilot, lambda: shown_step(app) > 0, "the run to start")
        old = app.trainer
        await pilot.press("r")
        assert app.trainer is not old and app.config == app_xor_config
        assert shown_step(app) == 0 and "idle" in app.main.status.text


async def test_the_heatmap_has_the_selected_layers_dimensions(app_xor_config: RunConfig) -> None:
    """δ^l is neurons × samples of the latest mini-batch; `]` moves to the next layer."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("n")
        await wait_until(pilot, lambda: shown_step(app) == 1, "one step")
        heatmap = app.main.heatmap
        assert heatmap.layer == 0 and heatmap.matrix_shape == (5, 10)
        await pilot.press("right_square_bracket")
        assert heatmap.matrix_shape == (3, 10)
        await pilot.press("right_square_bracket")
        assert heatmap.matrix_shape == (1, 10)
        await pilot.press("left_square_bracket")
        assert heatmap.layer == 1


async def test_help_opens_and_closes(app_xor_config: RunConfig) -> None:
    """`?` shows the help with BP1–BP4; escape closes it."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        from tui_backprop.app.screens.help import HELP

        assert all(f"BP{i}" in HELP for i in range(1, 5))
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_narrow_terminal_reaches_every_view(app_xor_config: RunConfig) -> None:
    """At 80×24 `v` walks through all panels, each panel alone, and the form."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        main = app.main
        assert main.is_narrow and main.view == "all"
        panels = ["#loss", "#gradients", "#deltas", "#output-map"]
        assert all(main.query_one(p).region.area > 0 for p in panels)
        assert main.query_one("#form").region.area == 0
        for view in ("loss", "gradients", "deltas", "output-map"):
            await pilot.press("v")
            assert main.view == view
            shown = main.query_one(f"#{view}").region
            assert shown.width >= 70 and shown.height >= 18
        await pilot.press("v")
        assert main.view == "form" and main.query_one("#form").region.height >= 18
        await pilot.press("v")
        assert main.view == "all"


async def test_wide_terminal_shows_everything(app_xor_config: RunConfig) -> None:
    """At 160×50 the form and all four panels are on screen at once."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        main = app.main
        assert not main.is_narrow
        for selector in ("#form", "#loss", "#gradients", "#deltas", "#output-map"):
            region = main.query_one(selector).region
            assert region.width >= 36 and region.height >= 20, selector


# -- threads, failures --------------------------------------------------------------------


async def test_quitting_mid_run_leaves_no_trainer_thread(app_xor_config: RunConfig) -> None:
    """`q` while training: the app ends and the training thread is gone within a second."""
    app = BackpropApp(config=app_xor_config.replace(max_steps_per_second=0))  # full speed
    async with app.run_test() as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("space")
        await wait_until(pilot, lambda: shown_step(app) > 0, "the run to start")
        assert trainer_threads()
        await pilot.press("q")
    deadline = time.monotonic() + 1.0
    while trainer_threads() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not trainer_threads()
    assert app.trainer is not None and app.trainer.state == "stopped"


async def test_an_exception_in_training_is_a_notification(
    app_xor_config: RunConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in the engine ends the run as failed, with a notification, no traceback."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(notifications=True) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        assert app.trainer is not None

        def broken(*args: object, **kwargs: object) -> None:
            """An engine that fails."""
            raise RuntimeError("boom")

        monkeypatch.setattr(app.trainer.net, "sgd_step", broken)
        await pilot.press("space")
        await wait_until(pilot, lambda: "failed" in app.main.status.text, "the failed state")
        assert any("boom" in text for text in notifications(app))
        assert app.is_running


async def test_divergence_is_reported_and_the_app_stays_usable(
    app_xor_config: RunConfig,
) -> None:
    """A huge η diverges: the status says so, a notification explains, space starts again."""
    config = app_xor_config.replace(
        eta=1e300, activation="linear", output_activation="linear", cost="quadratic"
    )
    app = BackpropApp(config=config)
    async with app.run_test(notifications=True) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("space")
        await wait_until(pilot, lambda: "diverged" in app.main.status.text, "divergence")
        assert any("diverged" in text for text in notifications(app))
        old = app.trainer
        await pilot.press("space")
        await wait_until(pilot, lambda: app.trainer is not old, "a new run")


# -- the plumbing -------------------------------------------------------------------------


def test_snapshot_messages_coalesce(app_xor_config: RunConfig) -> None:
    """A newer snapshot of the same run replaces a queued one; another run's does not."""
    trainer = Trainer(app_xor_config)
    first, second = trainer.snapshot(), trainer.snapshot()
    assert SnapshotReady(first, 1).can_replace(SnapshotReady(second, 1))
    assert not SnapshotReady(first, 1).can_replace(SnapshotReady(second, 2))


def test_the_listener_throttles_running_snapshots_only(app_xor_config: RunConfig) -> None:
    """Running snapshots are thinned to ~15/s; paused and terminal ones always pass."""
    from dataclasses import replace

    forwarded = []
    listener = ThrottledListener(forwarded.append)
    snapshot = Trainer(app_xor_config).snapshot()
    running = replace(snapshot, state="running")
    for _ in range(100):
        listener(running)
    assert len(forwarded) == 1 and listener.dropped == 99
    listener(replace(snapshot, state="paused"))
    listener(replace(snapshot, state="finished"))
    assert [s.state for s in forwarded] == ["running", "paused", "finished"]


def test_sizes_follow_the_dataset(app_xor_config: RunConfig) -> None:
    """The first and last layers are the dataset's inputs and outputs."""
    config = app_xor_config.replace(dataset="blobs", dataset_options={})
    fitted = fit_sizes(config, load_dataset("blobs"))
    assert fitted.sizes == [2, 5, 3, 3]
