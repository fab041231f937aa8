"""Issue 10's keys for time, pressed as a user would: pace (< > m), rewind (, . b) and the
rollback of a divergence (u). Assertions are on the characters on the screen."""

from __future__ import annotations

import re

from tests.app.screen import screen_text, scrolled_help
from tests.app.test_app import notifications, shown_step, wait_until
from tui_backprop.app import BackpropApp
from tui_backprop.formatting import number
from tui_backprop.training import RunConfig

VIEWING = re.compile(r"viewing step ([\d,]+) — live is step ([\d,]+)")


def _steps(app: BackpropApp) -> tuple[int, int] | None:
    """(viewed, live) from the rewind marker on the screen, or None without a marker."""
    found = VIEWING.search(screen_text(app))
    return None if found is None else tuple(int(g.replace(",", "")) for g in found.groups())


async def test_pace_keys_step_along_the_ladder_and_m_is_max(app_xor_config: RunConfig) -> None:
    """The fixture's 50 steps/s; > and < move along the ladder, into slow motion (every step
    reported); M jumps to max and back; the status bar says each."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        assert "pace 50/s" in screen_text(app)
        await pilot.press("greater_than_sign")
        assert "pace 100/s" in screen_text(app) and app.trainer.pace == 100
        await pilot.press("less_than_sign", "less_than_sign")
        assert "pace 5/s slow-mo" in screen_text(app)
        assert app.trainer.cadence == (0, 1)  # every step reported
        await pilot.press("M")
        assert "pace max" in screen_text(app) and app.trainer.pace is None
        await pilot.press("M")
        assert "pace 5/s slow-mo" in screen_text(app) and app.trainer.pace == 5
        await pilot.press("less_than_sign", "less_than_sign")  # the slowest stays
        assert "pace 1/s slow-mo" in screen_text(app)
        await pilot.press("r")  # a reset keeps the pace chosen
        await pilot.pause()
        assert "pace 1/s slow-mo" in screen_text(app) and app.trainer.pace == 1


async def test_the_default_pace_and_a_presets_own() -> None:
    """The default experiment opens at the default pace; learning-slowdown at its 30/s."""
    app = BackpropApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        assert "pace 500/s" in screen_text(app) and app.trainer.pace == 500
        app.open_preset("learning-slowdown")
        await pilot.pause()
        assert "pace 30/s" in screen_text(app) and app.trainer.pace == 30


async def test_rewind_moves_through_moments_and_b_branches(app_xor_config: RunConfig) -> None:
    """, pauses and shows an earlier moment with its marker; , and . move; . past the
    newest returns to live; b continues from the moment shown, dropping later ones."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("comma")
        assert any("Nothing to rewind yet" in text for text in notifications(app))
        await pilot.press("space")
        await wait_until(pilot, lambda: shown_step(app) > 40, "some training")
        await pilot.press("full_stop")  # nothing later than live: said, and still running
        await pilot.pause()
        assert any("This is the live run" in text for text in notifications(app))
        assert app.trainer.state == "running"
        await pilot.press("comma")
        await wait_until(pilot, lambda: _steps(app) is not None, "the rewind marker")
        first, live = _steps(app)
        assert first < live
        assert f"step {first:,}" in app.main.status.text  # the status shows that moment
        await pilot.press("comma")
        earlier, _ = _steps(app)
        assert earlier < first
        await pilot.press("full_stop")
        assert _steps(app)[0] == first
        for _ in range(len(app.history)):
            await pilot.press("full_stop")
        assert _steps(app) is None and "viewing" not in screen_text(app)
        await pilot.press("comma", "comma")
        viewed, _ = _steps(app)
        reported = []
        listener = app.trainer.listener
        app.trainer.listener = lambda snapshot: (reported.append(snapshot), listener(snapshot))
        await pilot.press("b")
        assert _steps(app) is None
        await wait_until(pilot, lambda: "running" in app.main.status.text, "training on")
        continued = [s for s in reported if s.message == f"continued from step {viewed}"]
        assert continued and continued[0].step == viewed
        assert app.history.steps[0] <= viewed
        await pilot.press("b")
        assert any("Nothing to branch from" in text for text in notifications(app))


def diverging(config: RunConfig) -> RunConfig:
    """η = 10⁶ on linear units with the quadratic cost: non-finite at step 4."""
    return config.replace(
        eta=1e6, activation="linear", output_activation="linear", cost="quadratic"
    )


async def test_a_divergence_names_where_and_u_rolls_back_with_a_smaller_eta(
    app_xor_config: RunConfig,
) -> None:
    """η = 10⁶ on a linear net: the bar names the step, layer and quantity and offers u;
    u restores the last finite state with η ÷ 10 and trains on."""
    app = BackpropApp(config=diverging(app_xor_config))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("u")
        assert any("Nothing to roll back" in text for text in notifications(app))
        await pilot.press("space")
        await wait_until(pilot, lambda: "u rolls back to it" in screen_text(app), "the offer")
        text = screen_text(app)
        assert "✗ diverged at step 4: first non-finite value: z = w·a + b in layer 2" in text
        assert "kept step 3 (last finite)" in text
        assert "u rolls back to it with η ÷ 10 (1e+06 → 1e+05)" in text
        reported = []
        listener = app.trainer.listener
        app.trainer.listener = lambda snapshot: (reported.append(snapshot), listener(snapshot))
        await pilot.press("u")
        await wait_until(pilot, lambda: reported, "the rolled-back run")
        assert reported[0].step == 3 and reported[0].message == "continued from step 3"
        assert reported[0].eta == 1e5
        await wait_until(pilot, lambda: "η 1e+05" in app.main.status.text, "the smaller η")
        assert app.config.eta == 1e5


async def test_the_help_lists_the_keys_for_time() -> None:
    """Scrolled through at 80×24, the help names <, >, m, ",", ".", b and u."""
    app = BackpropApp()
    async with app.run_test(size=(80, 24)) as pilot:
        seen = await scrolled_help(pilot)
    text = " ".join(" ".join(seen).split())
    for words in ("slower / faster", "max pace", "one moment back / forward", "branch: train on"):
        assert words in text, words
    assert "roll back to the last finite" in text and "η ÷ 10" in text


async def test_u_twice_on_the_same_state_goes_back_to_an_earlier_moment(
    app_xor_config: RunConfig,
) -> None:
    """η = 10⁶ on a linear net: the state kept at step 3 diverges again even with η ÷ 10, so
    the second u goes back to the moment kept before it, with η ÷ 10 once more."""
    app = BackpropApp(config=diverging(app_xor_config))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("space")
        await wait_until(pilot, lambda: "kept step 3 (last finite)" in screen_text(app), "3")
        await pilot.press("u")  # back to step 3 with η = 10⁵: diverges again at once
        await wait_until(pilot, lambda: "(1e+05 → 1e+04)" in screen_text(app), "again")
        assert "kept step 3 (last finite)" in screen_text(app)
        reported = []
        listener = app.trainer.listener
        app.trainer.listener = lambda snapshot: (reported.append(snapshot), listener(snapshot))
        await pilot.press("u")
        await wait_until(pilot, lambda: reported, "the rolled-back run")
        assert reported[0].step < 3 and reported[0].eta == 1e4
        news = " ".join(notifications(app))
        assert f"Step 3 diverged again: rolled back to step {reported[0].step}" in news


async def test_u_divides_an_eta_lowered_after_the_divergence(app_xor_config: RunConfig) -> None:
    """η lowered by hand after a divergence is the η that u divides, and the bar says so
    (before, u went back to the kept state's η ÷ 10 and undid the user's choice)."""
    app = BackpropApp(config=diverging(app_xor_config).replace(eta=1e3))  # + and -'s top
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("space")
        first = f"({number(1e3)} → {number(1e2)})"
        await wait_until(pilot, lambda: first in screen_text(app), "the offer")
        for _ in range(3):
            await pilot.press("minus")
        lowered = app.config.eta
        assert lowered < 1e3
        offer = f"({number(lowered)} → {number(lowered / 10)})"
        await wait_until(pilot, lambda: offer in screen_text(app), "the offer for the new η")
        reported = []
        listener = app.trainer.listener
        app.trainer.listener = lambda snapshot: (reported.append(snapshot), listener(snapshot))
        await pilot.press("u")
        await wait_until(pilot, lambda: reported, "the rolled-back run")
        assert reported[0].eta == lowered / 10
