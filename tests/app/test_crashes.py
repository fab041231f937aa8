"""What used to crash the app (issue 13): each case must leave it running and drawing."""

from __future__ import annotations

import threading
from pathlib import Path

from textual.widgets import Input

from tests.app.panels import PanelApp, last_snapshot
from tests.app.screen import screen_text
from tests.app.test_app import notifications, wait_until
from tui_backprop.app import BackpropApp
from tui_backprop.app.widgets.gradients import GradientPanel


async def test_gradient_panel_draws_at_ten_columns_and_less() -> None:
    """A tiny panel (rapid resizes) once asked for a negative width: ValueError."""
    panel = GradientPanel()
    app = PanelApp(panel)
    async with app.run_test(size=(40, 12)) as pilot:
        panel.show(last_snapshot("spiral"))
        for width in (12, 11, 10, 8, 5, 3):
            await pilot.resize_terminal(width, 12)
            await pilot.pause()
            assert panel.has_class("-compact")
            assert screen_text(app).strip()


async def test_escape_then_q_typed_quickly_in_a_field_quits_instead_of_typing_q() -> None:
    """A terminal sends escape and a quick q as one alt+q: it must not type q into a field."""
    app = BackpropApp(preset="spiral")
    async with app.run_test(size=(120, 40)) as pilot:
        while app.trainer is None:
            await pilot.pause(0.05)
        await pilot.press("e")
        field = app.main.form.query_one("#field-sizes", Input)
        before = field.value
        await pilot.press("alt+q")
        await pilot.pause()
        assert field.value == before
        assert app.return_code == 0  # quit


def test_a_crash_in_the_app_exits_1_with_the_error_on_stderr(monkeypatch, capsys) -> None:
    """`tui-backprop` used to exit 0 after the app crashed, hiding it from scripts."""
    import tui_backprop.app
    from tui_backprop import cli
    from tui_backprop.app import app as app_module

    class CrashOnReset(BackpropApp):
        CSS_PATH = [Path(app_module.__file__).parent / name for name in BackpropApp.CSS_PATH]

        def action_reset(self) -> None:
            raise RuntimeError("a bug behind the r key")

        def run(self, **_: object) -> None:
            async def press_r(pilot) -> None:
                while self.trainer is None:
                    await pilot.pause(0.05)
                await pilot.press("r")

            return super().run(headless=True, size=(80, 24), auto_pilot=press_r)

    monkeypatch.setattr(tui_backprop.app, "BackpropApp", CrashOnReset)
    status = cli.main(["--preset", "xor"])
    err = capsys.readouterr().err
    assert status == 1
    assert "a bug behind the r key" in err
    assert err.strip().splitlines()[-1].startswith("tui-backprop: error: the app stopped")


async def test_a_big_network_is_built_off_the_ui_thread_while_the_keys_still_act(
    monkeypatch, app_xor_config
) -> None:
    """2-12000-12000-3 in the layers field froze the screen while its weights were drawn.

    The build is held until the test lets it go: the keys must act meanwhile."""
    from tui_backprop.app import app as app_module
    from tui_backprop.app.screens.help import HelpScreen

    release, builders = threading.Event(), []
    real_build = app_module.build_trainer

    def held_build(config, datasets):
        builders.append(threading.current_thread())
        if config.sizes[1] == 1100:
            release.wait(timeout=30)
        return real_build(config, datasets)

    monkeypatch.setattr(app_module, "build_trainer", held_build, raising=False)
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        old = app.trainer
        await pilot.press("e")
        app.main.form.query_one("#field-sizes", Input).value = "2-1100-1000-1"
        await pilot.press("enter")
        await pilot.pause()
        assert "Building a network of 1,105,301 parameters…" in notifications(app)
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)  # the keys act while it builds
        await pilot.press("escape")
        assert app.trainer is old
        release.set()
        await wait_until(pilot, lambda: app.trainer is not old, "the big network")
        assert app.config.sizes == [2, 1100, 1000, 1]
        assert builders[-1] is not threading.main_thread()
        assert "2-1100-1000-1" in screen_text(app)


async def palette_keys_at_once(pilot, keys: list[str]) -> None:
    """Once the network is built: ctrl+p, wait for the palette (keys sent before it is up
    go to the main screen), then ``keys`` sent at once, as a terminal delivers a paste."""
    from textual import events
    from textual.command import CommandPalette
    from textual.keys import key_to_character

    app = pilot.app
    await wait_until(pilot, lambda: app.trainer is not None, "the network")
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
    for key in keys:
        app.post_message(events.Key(key, key_to_character(key)))


async def test_enter_twice_in_the_palette_opens_the_preset_without_a_crash() -> None:
    """`digits`, Enter twice as a terminal sends them (no pause): the second Enter popped
    the main screen (ScreenStackError)."""
    app = BackpropApp(preset="xor")
    async with app.run_test(size=(100, 30)) as pilot:
        await palette_keys_at_once(pilot, [*"digits", "enter", "enter"])
        await wait_until(pilot, lambda: "digits" in (app.preset_name or ""), "a digits preset")
        await pilot.pause()
        assert len(app.screen_stack) == 1
        assert "digits" in app.preset_name


async def test_one_enter_typed_before_the_hits_opens_the_top_hit() -> None:
    """`moons` and Enter at once (a paste, a fast typist): Textual dropped an Enter that
    came before the search's hits; the palette keeps it for them."""
    app = BackpropApp(preset="xor")
    async with app.run_test(size=(100, 30)) as pilot:
        await palette_keys_at_once(pilot, [*"moons", "enter"])
        await wait_until(pilot, lambda: app.preset_name == "moons", "the moons preset")
        await pilot.pause()
        assert len(app.screen_stack) == 1 and app.config.dataset == "moons"


async def test_an_early_enter_with_no_hit_leaves_the_palette_open() -> None:
    """A kept Enter with nothing found does nothing: the palette says so and stays."""
    app = BackpropApp(preset="xor")
    async with app.run_test(size=(100, 30)) as pilot:
        await palette_keys_at_once(pilot, [*"000", "enter"])
        await wait_until(pilot, lambda: "No matches found" in screen_text(app), "no match")
        assert len(app.screen_stack) == 2 and app.preset_name == "xor"


async def test_layers_too_big_for_the_memory_are_refused_under_the_layers_field(
    app_xor_config,
) -> None:
    """2-100000-100000-1 in the form ended in a MemoryError: it is refused where it was typed,
    with the parameters and the bytes, and the network already built stays."""
    app = BackpropApp(config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        old = app.trainer
        await pilot.press("e")
        app.main.form.query_one("#field-sizes", Input).value = "2-100000-100000-1"
        await pilot.press("enter")
        await pilot.pause()
        error_line = app.main.form.query_one("#sizes-error").render()
        assert "10,000,500,001 parameters" in str(error_line)
        assert "10,000,500,001" in screen_text(app)
        assert app.trainer is old and app.config.sizes == [2, 5, 3, 1]


def test_the_app_refuses_layers_too_big_before_opening(capsys) -> None:
    """`tui-backprop --set sizes=2-100000-100000-3`: one line and exit 2, no app, no
    MemoryError."""
    from tui_backprop import cli

    assert cli.main(["--preset", "xor", "--set", "sizes=2-100000-100000-1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "parameters" in err[0] and "--max-memory" in err[0]


async def test_keys_sent_while_the_palette_closes_start_no_search() -> None:
    """ctrl+p, a letter, ctrl+p (which closes the palette) and more letters as a terminal
    sends them: a search started by the later letters found the palette's list gone
    (NoMatches: 'CommandList', a crash). Each time the app must be back on its main screen
    and still answer a key."""
    from textual import events
    from textual.keys import key_to_character

    from tui_backprop.app.screens.help import HelpScreen

    app = BackpropApp(preset="xor")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        for _ in range(5):
            for key in ["ctrl+p", "v", "ctrl+p", "2", "e", "0"]:
                app.post_message(events.Key(key, key_to_character(key)))
            await pilot.pause(0.2)
            for _ in range(4):  # leave the palette or the field the keys reached
                if len(app.screen_stack) == 1 and app.focused is None:
                    break
                await pilot.press("escape")
                app.screen.set_focus(None)
            assert len(app.screen_stack) == 1 and app.return_code is None
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "esc closes" in screen_text(app)


async def test_a_search_still_running_when_the_palette_has_closed_is_no_crash() -> None:
    """Escape closes the palette while a search (started by the last letter typed) is
    still on its way: the search found the palette's list gone (NoMatches: 'CommandList',
    seen once in 136 random key sequences). It must end quietly; the app keeps answering."""
    from textual.command import CommandPalette

    from tui_backprop.app.screens.help import HelpScreen

    app = BackpropApp(preset="xor")
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: app.trainer is not None, "the network")
        await pilot.press("ctrl+p", *"preset")
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(app.screen_stack) == 1, "the palette to close")
        palette._gather_commands("presetq")  # the search that was on its way
        await pilot.pause(0.3)
        assert app.return_code is None
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        assert "esc closes" in screen_text(app)
