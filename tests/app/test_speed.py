"""The Speed view: the output error split on both learning-slowdown presets, and ‖δ^l‖
beside the book's on vanishing-gradients."""

from __future__ import annotations

import pytest
from textual.geometry import Region
from textual.widget import Widget

from tui_backprop.app import BackpropApp
from tui_backprop.formatting import number
from tui_backprop.training import load_preset

#: the cells a bar is drawn with
BARS = "█▏▎▍▌▋▊▉"


def drawn(widget: Widget) -> str:
    """The widget's lines as drawn on the screen."""
    region = Region(0, 0, widget.size.width, widget.size.height)
    return "\n".join(strip.text for strip in widget.render_lines(region))


async def speed_after_one_step(preset: str, size=(80, 24)) -> tuple[str, object]:
    """Open a preset, take one step with n, show the Speed view; its text and the step."""
    app = BackpropApp(preset=preset, config=load_preset(preset))
    async with app.run_test(size=size) as pilot:
        while app.trainer is None:
            await pilot.pause(0.01)
        app.main.set_view("speed")
        await pilot.press("n")
        while app.latest is None or app.latest.step_detail is None:
            await pilot.pause(0.02)
        await pilot.pause()
        assert app.main.speed.region.width > 0
        return drawn(app.main.speed), app.latest.step_detail


async def test_quadratic_cost_shows_delta_dying_through_sigma_prime() -> None:
    """learning-slowdown: ∇_aC ≈ 0.98, σ'(z^L) ≈ 0.018, δ^L ≈ 0.017, flagged as slow."""
    text, detail = await speed_after_one_step("learning-slowdown")
    a, delta = detail.gradients.activations[-1][0, 0], detail.gradients.delta[-1][0, 0]
    assert "∇_aC = a − y" in text and number(float(a), 3) in text
    assert number(float(abs(delta)), 3) in text
    assert "σ′ slows it" in text


async def test_cross_entropy_keeps_delta_as_a_minus_y() -> None:
    """learning-slowdown-cross-entropy: σ' cancels, δ^L = a − y stays large."""
    text, detail = await speed_after_one_step("learning-slowdown-cross-entropy")
    delta = detail.gradients.delta[-1][0, 0]
    assert "δ^L = a − y" in text and "(cancels)" in text
    assert number(float(abs(delta)), 3) in text
    assert "slows" not in text


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_vanishing_gradients_shows_the_books_bars_beside_ours(size) -> None:
    """Four hidden layers: on the screen (the Speed tab at 80×24, beside the inspector at
    120×40), a bar of ours then a bar of the book's for each, with 0.003 … 0.285."""
    from tests.app.screen import screen_text

    app = BackpropApp(preset="vanishing-gradients", config=load_preset("vanishing-gradients"))
    async with app.run_test(size=size) as pilot:
        while app.trainer is None:
            await pilot.pause(0.01)
        await pilot.press("n", "i", *(["v"] if size[0] < 120 else []))
        while app.latest is None or app.latest.step_detail is None:
            await pilot.pause(0.02)
        await pilot.pause()
        left = app.main.query_one("#speed-box").region.x  # the inspector is on its left
        lines = [line[left:] for line in screen_text(app).splitlines()]
        bars = set(BARS)
        ours = [line for line in lines if " ours " in line and bars & set(line)]
        books = [line for line in lines if " book " in line and bars & set(line)]
        assert len(ours) == 5 and len(books) == 4
        for layer, value in enumerate(("0.003", "0.017", "0.07 ", "0.285")):
            book_line = books[layer]
            assert value in book_line
            ours_line = lines[lines.index(book_line) - 1]  # ours just above the book's
            assert f" {layer + 1} " in ours_line and " ours " in ours_line
            norm = app.latest.grad_norm_b[layer]
            assert number(norm, 3) in ours_line
        assert any("the book 95×" in line for line in lines)
        assert "chapter 5" in drawn(app.main.speed)  # the source
        if size[0] < 120:  # the Speed tab has the keys: end scrolls to the saturation
            assert "Saturated / dead" not in screen_text(app)
            await pilot.press("end")
            await pilot.pause()
            assert "Saturated / dead" in screen_text(app)


async def test_the_heatmap_marks_dead_neurons_beside_delta() -> None:
    """ReLUs with biases of −100 are all dead after `n`: the δ heatmap marks them and
    says how many."""
    from tests.app.screen import screen_text
    from tui_backprop.training import from_dict

    config = from_dict(
        {
            "dataset": "xor",
            "dataset_options": {"n_samples": 100, "seed": 1},
            "sizes": [2, 6, 4, 1],
            "activation": "relu",
            "initial_bias": -100.0,
            "epochs": 5,
        }
    )
    app = BackpropApp(preset="dead", config=config)
    async with app.run_test(size=(120, 40)) as pilot:
        while app.trainer is None:
            await pilot.pause(0.01)
        await pilot.press("n")
        while app.latest is None or app.latest.step < 1:
            await pilot.pause(0.02)
        await pilot.pause()
        assert "▌ 6/6 dead" in screen_text(app)
