"""The race screen (`g`): it runs in a worker with progress, `c` stops it, escape closes it,
and the UI answers keys throughout, even on a 23,860-parameter MNIST-shaped network."""

from __future__ import annotations

import numpy as np
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import ProgressBar, Static

from tests.app.screen import screen_text as whole_screen_text
from tui_backprop.app import BackpropApp
from tui_backprop.app.screens.race import RaceScreen
from tui_backprop.engine import Network
from tui_backprop.training import RunConfig
from tui_backprop.training.race import CENTRED, ONE_SIDED


def screen_text(screen: RaceScreen) -> str:
    """The summary, the table and the note as they are drawn on the screen."""
    lines = []
    for widget in screen.query(Static):
        region = Region(0, 0, widget.size.width, widget.size.height)
        lines += [strip.text for strip in widget.render_lines(region)]
    return "\n".join(lines)


def footer(app: App) -> str:
    """The bottom line of the whole screen: the footer's keys."""
    return whole_screen_text(app).splitlines()[-1]


async def wait_for(pilot: Pilot, condition, seconds: float = 30.0) -> None:
    """Let the app run until ``condition()`` holds."""
    for _ in range(int(seconds / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("timed out")


async def test_g_races_on_the_apps_network(app_xor_config: RunConfig) -> None:
    """`g` on xor: the race finishes with P + 1, 2P and 2 passes shown; escape closes it."""
    app = BackpropApp(preset="xor", config=app_xor_config)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: app.trainer is not None)
        await pilot.press("g")
        screen = app.screen
        assert isinstance(screen, RaceScreen)
        await wait_for(pilot, lambda: screen.report is not None and screen.report.finished)
        P = app.trainer.net.num_params
        text = screen_text(screen)
        assert f"P + 1 = {P + 1:,} forward passes" in text
        assert f"{P + 1:,} / {P + 1:,}" in text and f"{2 * P:,} / {2 * P:,}" in text
        assert "1 + 1 back" in text and "took" in text
        assert screen.query_one(ProgressBar).percentage == 1.0
        await pilot.pause()
        assert "Stop the race" not in footer(app)  # nothing left to stop
        await pilot.press("escape")
        assert not isinstance(app.screen, RaceScreen)


class RaceApp(App[None]):
    """Only the race, on a given network."""

    CSS_PATH = "../../tui_backprop/app/app.tcss"

    def __init__(self, net: Network, X: np.ndarray, Y: np.ndarray) -> None:
        """Race on ``net`` with (X, Y)."""
        super().__init__()
        self.race = RaceScreen(lambda: net, X, Y, "a test batch")

    def on_mount(self) -> None:
        """Open the race at once."""
        self.push_screen(self.race)


async def test_c_stops_the_race_on_an_mnist_shaped_network() -> None:
    """784-30-10 (the book's network, 23,860 parameters): progress shows, keys are
    answered while the differences run, `c` stops them and the times so far stay."""
    net = Network([784, 30, 10], init="scaled", cost="cross_entropy", seed=0)
    assert net.num_params == 23_860
    rng = np.random.default_rng(0)
    X, Y = rng.random((10, 784)), np.eye(10)[rng.integers(0, 10, 10)]
    app = RaceApp(net, X, Y)
    async with app.run_test(size=(120, 40)) as pilot:
        race = app.race
        await wait_for(
            pilot, lambda: race.report is not None and race.report.leg(ONE_SIDED).passes > 0
        )
        bar = race.query_one(ProgressBar)
        assert 0 < bar.percentage < 1
        assert "Stop the race" in footer(app)
        await pilot.press("c")
        await wait_for(pilot, lambda: race.report.finished)
        one_sided = race.report.leg(ONE_SIDED)
        assert one_sided.cancelled and one_sided.passes < 23_861
        assert race.report.leg(CENTRED).cancelled
        assert "stopped during the one-sided differences" in screen_text(race)
        assert bar.percentage == one_sided.share_done < 1  # where it stopped, not 100 %
        await pilot.press("escape")
        assert app.screen is not race
