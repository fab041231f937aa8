"""Screenshots of issue 10's comparison views, compared with the SVGs in __snapshots__/.

Each state is fixed: seeded networks stepped in the test's own thread (no worker), shown
paused. Update with `pytest tests/app/test_compare_snapshots.py --snapshot-update` and look
at the SVGs before committing them.
"""

from __future__ import annotations

from textual.pilot import Pilot

from tests.app.test_compare import quadratic_then_cross_entropy, slowdown_app


def test_overlay_of_the_quadratic_run_at_80x24(snap_compare) -> None:
    """80×24, Loss tab: the cross-entropy cost falls fast over the faint quadratic run."""

    async def loss_view(pilot: Pilot) -> None:
        """Both runs, then the Loss tab."""
        await quadratic_then_cross_entropy(pilot)
        pilot.app.main.set_view("loss")
        await pilot.pause()

    assert snap_compare(slowdown_app(), terminal_size=(80, 24), run_before=loss_view)


def test_overlay_of_the_quadratic_run_at_120x40(snap_compare) -> None:
    """120×40: the overlay in the loss panel beside the others."""
    assert snap_compare(
        slowdown_app(), terminal_size=(120, 40), run_before=quadratic_then_cross_entropy
    )
