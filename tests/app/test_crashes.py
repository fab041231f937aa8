"""What used to crash the app (issue 13): each case must leave it running and drawing."""

from __future__ import annotations

from tests.app.screen import screen_text
from tests.app.test_panels import PanelApp, last_snapshot
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
