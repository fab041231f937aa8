"""The inspector view: `i` opens it, arrows and [ ] move it, and it shows the step's numbers.

A fixed step (one real ``sgd_step`` on the app's own network, made in the test) is fed to
the inspector, so that what the screen shows can be compared with the engine's arrays.
"""

from __future__ import annotations

import dataclasses

import pytest
from textual.pilot import Pilot
from textual.widgets import Footer

from tests.step_records import Step, check_against_reference, take_step
from tui_backprop.app import BackpropApp
from tui_backprop.app.widgets.inspector import NO_STEP
from tui_backprop.formatting import number
from tui_backprop.training import RunConfig, load_preset
from tui_backprop.training.inspector_rows import Architecture


async def ready(pilot: Pilot) -> BackpropApp:
    """Wait for the app's first network."""
    app = pilot.app
    assert isinstance(app, BackpropApp)
    while app.trainer is None:
        await pilot.pause(0.01)
    return app


async def feed_step(pilot: Pilot) -> Step:
    """Take one step on the app's network here and give it to the inspector."""
    app = await ready(pilot)
    trainer = app.trainer
    config = app.config
    X, Y = trainer.dataset.X_train[:10], trainer.dataset.Y_train[:10]
    step = take_step(trainer.net, X, Y, config.eta, config.lmbda, len(trainer.dataset.X_train))
    app.main.inspector.show_step(step, 1)
    await pilot.pause()
    return step


async def step_then_inspect(pilot: Pilot, app: BackpropApp) -> None:
    """As a user: n takes a step, i opens the inspector on it once the trainer has it."""
    await ready(pilot)
    await pilot.press("n")
    while app.latest is None or app.latest.step_detail is None:
        await pilot.pause(0.02)
    await pilot.press("i")


def footer_text(app: BackpropApp) -> str:
    """The key descriptions the footer offers now."""
    footer = app.screen.query_one(Footer)
    return " ".join(
        f"{binding.key} {binding.description}"
        for (_, binding, enabled, _) in footer.screen.active_bindings.values()
        if enabled and binding.show
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_i_opens_the_inspector_and_closes_it(app_xor_config: RunConfig, size) -> None:
    """`i` shows the inspector (a tab at 80×24, the whole width when wide); `i` again leaves."""
    app = BackpropApp(preset="xor", config=app_xor_config)
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press("i")
        assert app.main.view == "inspect"
        inspector, speed = app.main.inspector.region, app.main.query_one("#speed-box").region
        if size[0] < 120:  # a tab of its own; the speeds are the next tab
            assert inspector.width >= size[0] - 2 and speed.area == 0
        else:  # the inspector beside the speeds, the form and panels hidden
            assert inspector.width >= 78 and speed.width >= 36
        assert not app.main.query_one("#panels").display
        assert NO_STEP in app.main.inspector.page_text
        assert app.focused is app.main.inspector
        await pilot.press("i")
        assert app.main.view == "all"
        assert app.main.query_one("#panels").display


async def test_the_footer_names_the_inspectors_keys(app_xor_config: RunConfig) -> None:
    """Arrows for neurons and samples, [ ] for layers: all in the footer while inspecting."""
    app = BackpropApp(preset="xor", config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await ready(pilot)
        assert "Inspect" in footer_text(app)
        await pilot.press("i")
        keys = footer_text(app)
        for key, words in [("up", "neuron"), ("left", "sample"), ("left_square_bracket", "layer")]:
            assert f"{key} {words}" in keys


async def test_arrows_and_brackets_move_among_neurons_samples_layers(
    app_xor_config: RunConfig,
) -> None:
    """↓ the next neuron, → the next sample, [ the previous layer; each wraps around."""
    app = BackpropApp(preset="xor", config=app_xor_config)
    async with app.run_test(size=(80, 24)) as pilot:
        await feed_step(pilot)
        await pilot.press("i")
        text = app.main.inspector.page_text
        assert "layer 3/3 (output, sigmoid)" in text and "j = 1/1" in text and "x = 1/10" in text
        await pilot.press("right", "right")
        assert "x = 3/10" in app.main.inspector.page_text
        await pilot.press("left", "left", "left")
        assert "x = 10/10" in app.main.inspector.page_text
        await pilot.press("left_square_bracket")
        text = app.main.inspector.page_text
        assert "layer 2/3 (hidden, tanh)" in text and "j = 1/3" in text
        await pilot.press("down", "down", "down")
        assert "j = 1/3" in app.main.inspector.page_text  # wrapped around
        await pilot.press("up")
        assert "j = 3/3" in app.main.inspector.page_text
        await pilot.press("right_square_bracket")
        assert "layer 3/3" in app.main.inspector.page_text
        assert "j = 1/1" in app.main.inspector.page_text  # clamped to the output's one neuron


async def test_the_page_shows_the_engines_numbers(app_xor_config: RunConfig) -> None:
    """At the output (BP1, σ' cancelled) and a hidden layer (BP2), the numbers on screen are
    the engine's z, a, δ, ∇b and the parameters after its update."""
    app = BackpropApp(preset="xor", config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        step = await feed_step(pilot)
        await pilot.press("i", "right")  # sample x = 2
        grads = step.gradients
        text = app.main.inspector.page_text
        assert "σ' cancels" in text
        for value in (
            grads.zs[2][1, 0],
            grads.activations[3][1, 0],
            grads.delta[2][1, 0],
            grads.nabla_b[2][0],
            step.after.biases[2][0],
        ):
            assert number(value, 4) in text
        await pilot.press("left_square_bracket", "down")  # layer 2, neuron 2
        text = app.main.inspector.page_text
        assert "BP2" in text and "back from layer 3" in text
        for value in (
            grads.zs[1][1, 1],
            grads.delta[1][1, 1],
            grads.nabla_b[1][1],
            step.before.biases[1][1],
            step.after.biases[1][1],
        ):
            assert number(value, 4) in text


async def test_n_then_i_on_xor_shows_the_trainers_step(app_xor_config: RunConfig) -> None:
    """As a user: `n` takes one step, `i` opens the inspector on it; the numbers shown are
    the trainer's record of that step, and that record agrees with an independent
    recomputation of the book's equations at the output and at a hidden layer."""
    app = BackpropApp(preset="xor", config=app_xor_config)
    async with app.run_test(size=(80, 24)) as pilot:
        await step_then_inspect(pilot, app)
        detail = app.latest.step_detail
        text = app.main.inspector.page_text
        assert "step 1 · layer 3/3" in text
        assert number(detail.gradients.delta[2][0, 0], 4) in text
        assert number(detail.after.biases[2][0], 4) in text
        arch = Architecture.of(app.config)
        check_against_reference(detail, arch, 2, 0, 0)
        check_against_reference(detail, arch, 0, 1, 4)
        await pilot.press("n")  # a second step, while the inspector is open
        while app.latest.step < 2 or app.latest.step_detail is None:
            await pilot.pause(0.02)
        await pilot.pause()
        assert "step 2 · layer 3/3" in app.main.inspector.page_text


async def test_the_help_names_the_inspector_the_race_and_the_maps() -> None:
    """Scrolled through at 80×24, the help names i, g and m with the keys inside each."""
    from textual.containers import VerticalScroll

    from tests.app.screen import screen_text
    from tui_backprop.app.screens.help import HelpScreen

    app = BackpropApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        while not isinstance(app.screen, HelpScreen):
            await pilot.pause(0.02)
        box = app.screen.query_one("#help-box", VerticalScroll)
        while box.max_scroll_y == 0:  # laid out: taller than its box at 80×24
            await pilot.pause(0.02)
        inside = box.scrollable_content_region  # not the border, the scroll bar, the app

        def page() -> list[str]:
            lines = screen_text(app).splitlines()[inside.y : inside.bottom]
            return [line[inside.x : inside.right] for line in lines]

        seen = page()
        while box.scroll_y < box.max_scroll_y:
            box.scroll_page_down(animate=False)
            await pilot.pause()
            seen += page()
    text = " ".join(" ".join(seen).replace("│", " ").split())
    for words in (
        "the inspector: BP1–BP4 of one neuron",
        "↑ / ↓ move among neurons, ← / → among samples, [ / ] among layers",
        "chapter 2's race",
        "passes P + 1, 2P and 2",
        "c stops it, esc or g closes it",
        "the neuron maps (2-D data)",
        "enter or a click opens the inspector",
    ):
        assert words in text, words


async def test_with_l2_the_update_table_fits_80_columns() -> None:
    """λ > 0 adds the decay column: at 80×24 (book-ch3-digits, 100 hidden neurons with 64
    inputs each) the first 25 neurons' tables are shown whole, values after the step included."""
    app = BackpropApp(preset="book-ch3-digits", config=load_preset("book-ch3-digits"))
    async with app.run_test(size=(80, 24)) as pilot:
        step = await feed_step(pilot)
        await pilot.press("i", "left_square_bracket")  # layer 1 (↓ is tested above)
        after = step.after.weights[0]
        for j in range(25):
            app.main.inspector.select(0, j)
            text = app.main.inspector.page_text
            assert f"neuron j = {j + 1}/100" in text
            assert "…" not in text and "× decay" in text and "1 − ηλ/n = " in text
            shown = [k for k in range(after.shape[1]) if f"w_j{k + 1} " in text]
            assert len(shown) == 3
            for k in shown:
                assert number(after[j, k], 4) in text


async def test_a_step_behind_the_run_says_what_to_press(app_xor_config: RunConfig) -> None:
    """The inspected step is behind the run: running, the page says to pause and press n;
    paused, only to press n."""
    app = BackpropApp(preset="xor", config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await step_then_inspect(pilot, app)
        later = dataclasses.replace(app.latest, step=9, step_detail=None)
        for state, keys in (("running", "pause and press n"), ("paused", "press n")):
            app.main.inspector.show(dataclasses.replace(later, state=state))
            await pilot.pause()
            expected = f"the run is at step 9: {keys} to inspect a new step"
            assert expected in app.main.inspector.page_text
