"""What every live panel shares: it draws the latest snapshot, paced while a run runs."""

from __future__ import annotations

from textual.widget import Widget

from tui_backprop.app.widgets.pacing import Pacer
from tui_backprop.training import RunState, Snapshot


class SnapshotPanel(Widget):
    """A panel fed by snapshots; each subclass sets ``_pacer`` to pace its own drawing."""

    _pacer: Pacer
    #: draw every snapshot at once, not paced (slow motion: about one step a second)
    every_snapshot = False

    def __init__(self, *args, **kwargs) -> None:
        """No snapshot yet."""
        super().__init__(*args, **kwargs)
        self._snapshot: Snapshot | None = None

    def show(self, snapshot: Snapshot) -> None:
        """Draw a new snapshot: paced while the run runs, at once when paused or ended (or
        in slow motion)."""
        self._snapshot = snapshot
        self._pacer.request(urgent=self.every_snapshot or snapshot.state != RunState.RUNNING)

    def clear(self) -> None:
        """Forget the run and show the placeholder."""
        self._snapshot = None
        self._pacer.request(urgent=True)
