"""The neuron maps view: `m` opens it, arrows choose a neuron, enter or a click inspects it.

The trainer's own step (taken in the test's thread, shown as a paused snapshot) is drawn,
so that the ∂C/∂b and weights on screen can be compared with the engine's arrays.
"""

from __future__ import annotations

import pytest

from tests.app.screen import screen_text, train_here, wait_until
from tui_backprop.app import BackpropApp
from tui_backprop.training import RunConfig
from tui_backprop.training.neuron_maps import NeuronMaps


def signed(value: float) -> str:
    """A number as the maps write it: three digits, the sign always shown."""
    text = f"{value:.3g}"
    return text if text.startswith("-") else f"+{text}"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_m_opens_the_maps_and_closes_them(app_xor_config: RunConfig, size) -> None:
    """`m` (named in the footer) shows the maps, focused, with the panels hidden (a tab at
    80×24); `m` again goes back to all panels."""
    app = BackpropApp(preset="xor", config=app_xor_config)
    async with app.run_test(size=size) as pilot:
        await train_here(pilot)
        footer = lambda: screen_text(app).splitlines()[-1]  # noqa: E731
        await wait_until(pilot, lambda: "m Maps" in footer(), "the footer to offer m")
        await pilot.press("m")
        assert app.main.view == "maps"
        assert not app.main.query_one("#panels").display
        assert app.focused is app.main.neuron_maps
        await wait_until(pilot, lambda: "layer 1 · hidden, tanh" in screen_text(app), "the maps")
        text = screen_text(app)
        assert "Neuron maps" in text
        if size[0] < 120:
            assert "Maps" in text.splitlines()[0]  # the tab
        await pilot.press("m")
        assert app.main.view == "all" and app.main.query_one("#panels").display


async def test_the_maps_name_weights_and_bias_gradients_of_the_step(
    app_xor_config: RunConfig,
) -> None:
    """Each neuron's ∂C/∂b is the engine's nabla_b of the step; its strongest weights in
    are named with their sign and size and where they come from."""
    app = BackpropApp(preset="xor", config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        snapshot = await train_here(pilot)
        await pilot.press("m")
        text = app.main.neuron_maps.text
        weights = app.trainer.net.weights
        for l in range(3):
            for nabla_b in snapshot.step_detail.gradients.nabla_b[l]:
                assert f"∂b {signed(nabla_b)}" in text
            for j in range(weights[l].shape[0]):
                k = int(abs(weights[l][j]).argmax())
                source = "xy"[k] if l == 0 else str(k + 1)
                assert f"{signed(weights[l][j, k])} ← {source}" in text
        assert "after step 1" in text


async def test_each_map_is_drawn_in_its_neurons_colours(app_xor_config: RunConfig) -> None:
    """Each first-layer map's top-left cell is red where a^1_j at the plane's top-left
    corner is clearly above 0 (tanh's middle) and blue where it is clearly below."""
    app = BackpropApp(preset="xor", config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        snapshot = await train_here(pilot, 30)
        await pilot.press("m")
        await wait_until(pilot, lambda: "▀" in screen_text(app), "the maps drawn")
        maps: NeuronMaps = snapshot.neuron_maps
        left = app.main.neuron_maps.content_region.x
        strips = app.screen._compositor.render_strips()
        line = next(strip for strip in strips if "▀" in strip.text)  # the maps' top row
        colours, x = {}, 0
        for segment in line:
            for offset in range(len(segment.text)):
                colours[x + offset] = segment.style.color if segment.style else None
            x += len(segment.text)
        checked = 0
        for j in range(maps.layers[0].n_neurons):
            value = maps.layers[0].activations[-1, 0, j]  # row 0 of the plane is its bottom
            if abs(value) > 0.1:
                red, _, blue = colours[left + j * 14].get_truecolor()
                assert (red > blue) == (value > 0), j
                checked += 1
        assert checked >= 2


async def test_arrows_choose_a_neuron_and_enter_inspects_it(app_xor_config: RunConfig) -> None:
    """↓ the next layer, → the next neuron; enter opens the inspector on that neuron."""
    app = BackpropApp(preset="xor", config=app_xor_config)
    async with app.run_test(size=(80, 24)) as pilot:
        await train_here(pilot)
        await pilot.press("m", "down", "right", "right", "enter")
        assert app.main.view == "inspect"
        assert "layer 2/3 (hidden, tanh) · neuron j = 3/3" in app.main.inspector.page_text
        await pilot.press("m", "down", "enter")  # layer 3, the output's one neuron
        assert "layer 3/3 (output, sigmoid) · neuron j = 1/1" in app.main.inspector.page_text
        await pilot.press("m", "down", "left", "enter")  # wraps to layer 1, its last neuron
        assert "layer 1/3 (hidden, tanh) · neuron j = 5/5" in app.main.inspector.page_text


async def test_a_click_on_a_map_inspects_its_neuron(app_xor_config: RunConfig) -> None:
    """Clicking inside the second neuron's column of the first layer opens the inspector."""
    app = BackpropApp(preset="xor", config=app_xor_config)
    async with app.run_test(size=(120, 40)) as pilot:
        await train_here(pilot)
        await pilot.press("m")
        lines = app.main.neuron_maps.text.splitlines()
        row = next(i for i, line in enumerate(lines) if line.startswith("j 1")) + 2
        column = lines[row - 2].index("j 2") + 3
        await pilot.click(app.main.neuron_maps, offset=(column, row))
        assert app.main.view == "inspect"
        assert "layer 1/3 (hidden, tanh) · neuron j = 2/5" in app.main.inspector.page_text


async def test_a_wide_layer_shows_what_fits_and_counts_the_rest() -> None:
    """The spiral's 16-neuron layers at 80 columns: five maps and "+11 more"; moving past
    the fifth neuron slides the window along."""
    app = BackpropApp(preset="spiral")
    async with app.run_test(size=(80, 24)) as pilot:
        await train_here(pilot)
        await pilot.press("m")
        text = app.main.neuron_maps.text
        assert "neurons 1–5 of 16 (+11 more, ← →)" in text
        await pilot.press(*["right"] * 9)
        first_layer = app.main.neuron_maps.text.split("layer 2")[0]
        assert "neurons 8–12 of 16 (+11 more, ← →)" in first_layer
        assert "j 10" in first_layer and "j 1 " not in first_layer


async def test_data_that_is_not_a_plane_says_why_there_are_no_maps() -> None:
    """Digits have 64 inputs: the maps view says so and names the 2-D datasets."""
    app = BackpropApp(preset="digits")
    async with app.run_test(size=(80, 24)) as pilot:
        await train_here(pilot)
        await pilot.press("m")

        def words() -> str:
            return " ".join(screen_text(app).replace("│", " ").split())  # wrapped lines joined

        await wait_until(pilot, lambda: "this network has 64 inputs" in words(), "the reason")
        assert "xor" in words()
