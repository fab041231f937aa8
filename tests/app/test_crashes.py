"""What used to crash the app (issue 13): each case must leave it running and drawing."""

from __future__ import annotations

from textual.widgets import Input

from tests.app.screen import screen_text
from tests.app.test_panels import PanelApp, last_snapshot
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
