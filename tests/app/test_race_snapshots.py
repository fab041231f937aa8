"""Screenshots of the finished race (`g`) on the digits network, at 80×24 and 120×40.

The race is real — the app's own 64-30-10 network, its first ten training samples, every
pass counted and every error measured — but wall-clock times differ from run to run, so
once it has finished its report is shown again with each runner's time set to a fixed
value (the pass counts and errors stay the ones measured). Everything else on the screen
is the app's starting state: no step taken, no cursor blinking.
"""

from __future__ import annotations

import dataclasses

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from tests.app.test_race_screen import screen_text, wait_for
from tui_backprop.app import BackpropApp
from tui_backprop.app.screens.race import RaceScreen
from tui_backprop.training import RunConfig
from tui_backprop.training.race import BACKPROP, CENTRED, ONE_SIDED

#: the times shown in place of the measured ones: backprop 50 µs, the differences as if
#: each forward pass of the batch took 40 µs
FIXED_SECONDS = {BACKPROP: 50e-6, ONE_SIDED: 2_261 * 40e-6, CENTRED: 4_520 * 40e-6}


def race_running(app: BackpropApp, race: RaceScreen) -> bool:
    """True while the race's worker (not the training's) is still running."""
    return any(worker.node is race and worker.is_running for worker in app.workers)


async def finished_race(pilot: Pilot) -> None:
    """Press `g` on the digits preset, wait for the race to finish, fix its times."""
    app = pilot.app
    assert isinstance(app, BackpropApp)
    await wait_for(pilot, lambda: app.trainer is not None)
    for field in app.query(Input):
        field.cursor_blink = False
    await pilot.press("g")
    race = app.screen
    assert isinstance(race, RaceScreen)
    await wait_for(pilot, lambda: race.report is not None and race.report.finished)
    await wait_for(pilot, lambda: not race_running(app, race))
    legs = tuple(
        dataclasses.replace(leg, seconds=FIXED_SECONDS[leg.name]) for leg in race.report.legs
    )
    race.post_message(RaceScreen.Update(dataclasses.replace(race.report, legs=legs)))
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_the_finished_race_on_digits(snap_compare, size) -> None:
    """P = 2,260: one-sided 2,261 / 2,261 passes, centred 4,520 / 4,520, backprop 1 + 1;
    the ratio of the (fixed) times, and each layer's largest relative error."""
    app = BackpropApp(preset="digits")
    assert snap_compare(app, terminal_size=size, run_before=finished_race)


async def test_g_closes_the_race_and_a_running_network_waits_for_it(
    app_xor_config: RunConfig,
) -> None:
    """space runs the network, `g` pauses it and races its copy; `g` again closes the race
    (stopping it), and the run stays paused for the user to resume."""
    app = BackpropApp(preset="xor", config=app_xor_config)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.trainer is not None)
        await pilot.press("space")
        await wait_for(pilot, lambda: app.latest is not None and app.latest.step > 0)
        await pilot.press("g")
        race = app.screen
        assert isinstance(race, RaceScreen)
        await wait_for(pilot, lambda: "chapter 2's count" in screen_text(race))
        assert app.trainer.state == "paused"
        await pilot.press("g")
        assert not isinstance(app.screen, RaceScreen)
        await wait_for(pilot, lambda: not race_running(app, race))
        assert app.trainer.state == "paused"
