"""Comparing runs in the app: earlier runs as faint overlays on the loss plot (o shows or
hides them, O loads a metrics file), labelled by what differs from the current settings."""

from __future__ import annotations

import json
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from tests.app.screen import screen_text, train_here
from tui_backprop.app import BackpropApp
from tui_backprop.training import load_preset

#: epochs of the one-neuron presets trained in the test's own thread
EPOCHS = 40


async def quadratic_then_cross_entropy(pilot: Pilot) -> None:
    """Chapter 3's comparison: the saturated neuron with the quadratic cost, then with the
    cross-entropy (the preset switch keeps the first run), both trained EPOCHS epochs."""
    app = pilot.app
    assert isinstance(app, BackpropApp)
    await train_here(pilot, EPOCHS)
    app.open_preset("learning-slowdown-cross-entropy")
    await train_here(pilot, EPOCHS)


def slowdown_app() -> BackpropApp:
    """The app on the learning-slowdown preset (quadratic cost)."""
    return BackpropApp(preset="learning-slowdown", config=load_preset("learning-slowdown"))


async def test_a_replaced_run_stays_on_the_loss_plot_labelled_by_its_cost() -> None:
    """After quadratic then cross-entropy, the plot's legend names the earlier run by the
    setting that differs; o hides it and says so, o again brings it back."""
    app = slowdown_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await quadratic_then_cross_entropy(pilot)
        assert "cost=quadratic" in screen_text(app)
        await pilot.press("o")
        await pilot.pause()
        text = screen_text(app)
        assert "cost=quadratic" not in text
        assert "1 earlier run hidden" in text
        await pilot.press("o")
        await pilot.pause()
        assert "cost=quadratic" in screen_text(app)


async def test_o_without_earlier_runs_says_how_runs_get_there() -> None:
    """Nothing to show yet: o explains what puts a run on the plot."""
    app = slowdown_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await train_here(pilot, 2)
        await pilot.press("o")
        await pilot.pause()
        assert "No earlier runs yet" in screen_text(app)


async def test_a_reset_keeps_the_run_it_replaces() -> None:
    """r after training: the same settings, so the overlay is called 'run 1'."""
    app = slowdown_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await train_here(pilot, EPOCHS)
        await pilot.press("r")
        await train_here(pilot, 5)
        assert "run 1" in screen_text(app)


def write_metrics(path: Path, epochs: int = 5) -> None:
    """A small --metrics file with falling costs."""
    rows = [
        {"epoch": e, "train_cost": 1 / e, "test_cost": 1.2 / e, "test_accuracy": None}
        for e in range(1, epochs + 1)
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))


async def test_O_loads_a_metrics_file_as_an_overlay_and_names_a_bad_one(tmp_path: Path) -> None:
    """O asks for a path: a good file is drawn under its name; a bad one is named in the
    notification and nothing is lost."""
    good, bad = tmp_path / "headless.jsonl", tmp_path / "broken.jsonl"
    write_metrics(good)
    bad.write_text("{oops\n")
    app = slowdown_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await train_here(pilot, 3)
        await pilot.press("O")
        await pilot.pause()
        app.screen.query_one(Input).value = str(bad)
        await pilot.press("enter")
        await pilot.pause()
        assert "broken.jsonl, line 1: not JSON" in screen_text(app)
        await pilot.press("O")
        await pilot.pause()
        app.screen.query_one(Input).value = str(good)
        await pilot.press("enter")
        await pilot.pause()
        text = screen_text(app)
        assert "headless.jsonl" in text and "5 epochs drawn" in text


async def test_compare_files_given_at_start_are_drawn(tmp_path: Path) -> None:
    """compare_with (the CLI's --compare) draws the files before any training."""
    from tui_backprop.training.runs import read_run_file

    path = tmp_path / "quadratic.jsonl"
    write_metrics(path)
    config = load_preset("learning-slowdown-cross-entropy")
    files = (("quadratic.jsonl", read_run_file(path)),)
    app = BackpropApp(preset="x", config=config).compare_with(files)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await train_here(pilot, 2)
        assert "quadratic.jsonl" in screen_text(app)


async def test_a_finished_run_is_drawn_only_once_the_next_replaces_it() -> None:
    """A run that finishes is kept at once, but not drawn under itself; r brings it out."""
    from tests.app.screen import wait_until

    config = load_preset("learning-slowdown").replace(epochs=5)
    app = BackpropApp(preset="learning-slowdown", config=config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("space")
        await wait_until(pilot, lambda: "finished" in app.main.status.text, "the end")
        assert len(app.past_runs) == 1
        assert "run 1" not in screen_text(app)
        await pilot.press("r")
        await train_here(pilot, 2)
        assert "run 1" in screen_text(app)


async def test_a_runaway_earlier_run_leaves_the_current_curves_their_scale(
    tmp_path: Path,
) -> None:
    """A run whose cost ran away to 1e88 (the cost rule's divergence): the plot keeps the
    current run's scale, and draws the earlier run only where it is within 10× of it."""
    path = tmp_path / "runaway.jsonl"
    rows = [{"epoch": e, "train_cost": 10.0 ** (22 * e), "test_cost": None} for e in (0, 1, 2)]
    rows[0]["train_cost"] = 0.3
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    from tui_backprop.training.runs import read_run_file

    config = load_preset("learning-slowdown-cross-entropy")
    app = BackpropApp(preset="x", config=config)
    app.compare_with((("runaway.jsonl", read_run_file(path)),))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await train_here(pilot, 20)
        text = screen_text(app)
        assert "runaway.jsonl" in text  # drawn: its first point is in range
        assert "e+" not in text.split("Loss", 1)[1].split("╰", 1)[0]  # no 1e+44 ticks
