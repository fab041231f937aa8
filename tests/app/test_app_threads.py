"""The app's threads and plumbing: quitting mid-run, failures and divergence in the
worker, coalesced snapshot messages, the cadence the app asks for, and datasets that load
in the background. Driven with App.run_test and the Pilot, waits polling a condition."""

from __future__ import annotations

import time

import pytest

from tests.app.screen import screen_text, wait_until
from tests.app.test_app import notifications, shown_step, trainer_threads
from tui_backprop.app import BackpropApp
from tui_backprop.app.messages import SnapshotReady
from tui_backprop.app.pace import MAX_PACE_SNAPSHOTS_PER_SECOND
from tui_backprop.app.session import MAX_SNAPSHOTS_PER_SECOND, fit_sizes
from tui_backprop.data import load_dataset
from tui_backprop.training import RunConfig, Trainer

# -- threads, failures --------------------------------------------------------------------


async def test_quitting_mid_run_leaves_no_trainer_thread(app_xor_config: RunConfig) -> None:
    """`q` while training: the app ends and the training thread is gone within a second."""
    app = BackpropApp(config=app_xor_config.replace(max_steps_per_second=1e6))  # max
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
    """A huge η diverges: the status says so, the bar above it explains (no toast over the
    panels), space starts again."""
    config = app_xor_config.replace(
        eta=1e6, activation="linear", output_activation="linear", cost="quadratic"
    )
    app = BackpropApp(config=config)
    async with app.run_test(notifications=True) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("space")
        await wait_until(pilot, lambda: "diverged" in app.main.status.text, "divergence")
        await wait_until(pilot, lambda: "u rolls back" in screen_text(app), "the bar")
        assert "✗ diverged at step" in screen_text(app)
        assert not any("diverged" in text for text in notifications(app))
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


async def test_the_app_asks_the_trainer_for_its_cadence(app_xor_config: RunConfig) -> None:
    """One throttle: the trainer reports at the app's rate (fewer at max pace, where drawing
    would take the trainer's time) and every report is posted.

    2,000 steps a second: far more steps than reports, while leaving the UI thread enough
    of the CPU on a loaded machine (at full speed Pilot's waits once timed out there)."""
    app = BackpropApp(config=app_xor_config.replace(max_steps_per_second=2000))
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        assert app.trainer is not None
        assert app.trainer.cadence == (pytest.approx(1 / MAX_SNAPSHOTS_PER_SECOND), 0)
        await pilot.press("greater_than_sign")  # max
        assert app.trainer.cadence == (pytest.approx(1 / MAX_PACE_SNAPSHOTS_PER_SECOND), 0)
        await pilot.press("less_than_sign")  # back to 2,000 a second
        assert app.trainer.cadence == (pytest.approx(1 / MAX_SNAPSHOTS_PER_SECOND), 0)
        posted = []
        listener = app.trainer.listener
        app.trainer.listener = lambda snapshot: (posted.append(snapshot), listener(snapshot))
        await pilot.press("space")
        await wait_until(pilot, lambda: len(posted) >= 3, "three reports")
        assert posted[-1].step - posted[0].step > len(posted)  # reports, not every step
        await pilot.press("space")  # paused: the last report stays the last
        await wait_until(pilot, lambda: "paused" in app.main.status.text, "the pause")
        await wait_until(pilot, lambda: shown_step(app) == posted[-1].step, "the last one shown")


def test_sizes_follow_the_dataset(app_xor_config: RunConfig) -> None:
    """The first and last layers are the dataset's inputs and outputs."""
    config = app_xor_config.replace(dataset="blobs", dataset_options={})
    fitted = fit_sizes(config, load_dataset("blobs"))
    assert fitted.sizes == [2, 5, 3, 3]


# -- slow datasets load in the background -------------------------------------------------


async def test_a_csv_dataset_loads_in_the_background(tmp_path, app_xor_config: RunConfig) -> None:
    """A CSV (like MNIST, maybe slow) loads off the UI thread; a bad path is shown at the form."""
    rows = [f"{x / 10:.1f},{(x % 7) / 7:.3f},{x % 2}" for x in range(100)]
    good = tmp_path / "points.csv"
    good.write_text("a,b,label\n" + "\n".join(rows) + "\n")
    config = app_xor_config.replace(dataset="csv", dataset_options={"path": str(good)})
    app = BackpropApp(config=config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the CSV network")
        assert app.config.sizes == [2, 5, 3, 1]

    missing = app_xor_config.replace(
        dataset="csv", dataset_options={"path": str(tmp_path / "missing.csv")}
    )
    app = BackpropApp(config=missing)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: "path" in app.main.form.errors, "the load error")
        assert "missing.csv" in app.main.form.errors["path"]
        assert app.trainer is None and "error" in app.main.status.text
        await pilot.press("space")
        assert app.trainer is None
