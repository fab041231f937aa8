"""Screenshots of issue 10's views (overlays, confusion matrix, gallery, hint), compared
with the SVGs in __snapshots__/.

Each state is fixed: seeded networks stepped in the test's own thread (no worker), shown
paused. Update with `pytest tests/app/test_compare_snapshots.py --snapshot-update` and look
at the SVGs before committing them.
"""

from __future__ import annotations

from textual.pilot import Pilot

from tests.app.test_classes import DIGITS_STEPS, digits_app
from tests.app.test_compare import quadratic_then_cross_entropy, slowdown_app, train_here


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


async def show_confusion(pilot: Pilot) -> None:
    """One epoch and a bit of the digits preset, then the classification views (c)."""
    await train_here(pilot, DIGITS_STEPS)
    await pilot.press("c")
    await pilot.pause()


def test_confusion_matrix_and_gallery_at_80x24(snap_compare) -> None:
    """80×24: the 10 × 10 matrix with its row shares, the gallery below it (scrolled)."""
    assert snap_compare(digits_app(), terminal_size=(80, 24), run_before=show_confusion)


def test_confusion_matrix_and_gallery_at_120x40(snap_compare) -> None:
    """120×40: the matrix beside the worst images and the chosen one in detail."""
    assert snap_compare(digits_app(), terminal_size=(120, 40), run_before=show_confusion)


def test_slowdown_hint_at_80x24(snap_compare) -> None:
    """80×24: the hint line above the status bar, the fix key first."""

    async def hint(pilot: Pilot) -> None:
        """Twelve epochs of the saturated neuron with the quadratic cost."""
        await train_here(pilot, 12)

    assert snap_compare(slowdown_app(), terminal_size=(80, 24), run_before=hint)
