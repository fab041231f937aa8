"""Diagnoses in the app: a one-line hint above the status bar with the key (f) that
applies its fix; it never takes the focus or hides a panel."""

from __future__ import annotations

import dataclasses

from tests.app.screen import screen_text
from tests.app.test_compare import slowdown_app, train_here
from tui_backprop.training import RunState
from tui_backprop.training.diagnoses import Diagnosis


async def test_the_slowdown_hint_offers_the_cross_entropy_and_f_applies_it() -> None:
    """Chapter 3's saturated neuron with the quadratic cost: the hint names the slowdown and
    f: cost=cross_entropy; f builds that network, and the quadratic run stays as an overlay."""
    app = slowdown_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await train_here(pilot, 12)
        text = screen_text(app)
        assert "learning slowdown: 100% of the output neurons" in text
        assert "f: cost=cross_entropy (new weights) │ learning slowdown" in text
        footer = screen_text(app).splitlines()[-1]
        assert "< > pace" in footer and "f Fix" not in footer  # the hint names f instead
        await pilot.press("f")
        await pilot.pause()
        assert app.config.cost == "cross_entropy"
        text = screen_text(app)
        assert "Fix applied: cost=cross_entropy" in text
        assert "learning slowdown" not in text
        await train_here(pilot, 12)
        assert "cost=quadratic" in screen_text(app)  # the run the fix replaced


async def test_an_eta_fix_applies_to_the_running_network_and_the_hint_goes() -> None:
    """η too high: f halves η at once (status bar and form), same weights, hint hidden."""
    app = slowdown_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await train_here(pilot, 3)
        trainer = app.trainer
        finding = "η too high: the training cost rose 40% over the last 5 evaluations"
        diagnosis = Diagnosis("eta-too-high", finding, (("eta", 0.075),), rebuild=False)
        snapshot = dataclasses.replace(app.latest, diagnoses=(diagnosis,))
        app.latest = snapshot
        app.main.show(snapshot)
        await pilot.pause()
        assert "η too high" in screen_text(app) and "f: η=0.075 │ η too high" in screen_text(app)
        await pilot.press("f")
        await pilot.pause()
        assert app.trainer is trainer and trainer.eta == 0.075
        text = screen_text(app)
        assert "η 0.075" in text and "η too high" not in text


async def test_f_without_a_hint_says_so() -> None:
    """No diagnosis yet: f explains when hints come."""
    app = slowdown_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await train_here(pilot, 0)
        await pilot.press("f")
        await pilot.pause()
        assert "No hint to act on" in screen_text(app)


async def test_a_diverged_run_shows_no_hint_its_way_on_is_the_rollback() -> None:
    """The same η diagnosis on a diverged run: no hint (η on an ended run changes nothing;
    the bar's u rolls back with a smaller η), and f says there is none."""
    app = slowdown_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await train_here(pilot, 3)
        finding = "η too high: the training cost rose 40% over the last 5 evaluations"
        diagnosis = Diagnosis("eta-too-high", finding, (("eta", 0.075),), rebuild=False)
        running = dataclasses.replace(app.latest, diagnoses=(diagnosis,))
        app.main.show(running)
        await pilot.pause()
        assert "f: η=0.075 │ η too high" in screen_text(app)
        app.main.show(dataclasses.replace(running, state=RunState.DIVERGED))
        await pilot.pause()
        assert "η too high" not in screen_text(app)
        await pilot.press("f")
        await pilot.pause()
        assert "No hint to act on" in screen_text(app) and app.trainer.eta != 0.075
