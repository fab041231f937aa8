"""Messages that carry news from the trainer's thread up to the app."""

from __future__ import annotations

from textual.message import Message

from tui_backprop.data import DatasetError
from tui_backprop.training import RunConfig, Snapshot


class SnapshotReady(Message):
    """A new snapshot of run ``run_id``; a queued one is replaced by a newer one."""

    def __init__(self, snapshot: Snapshot, run_id: int) -> None:
        """Wrap a snapshot with the id of the run that produced it."""
        super().__init__()
        self.snapshot = snapshot
        self.run_id = run_id

    def can_replace(self, message: Message) -> bool:
        """Coalesce: only the newest snapshot of a run is worth drawing."""
        return isinstance(message, SnapshotReady) and message.run_id == self.run_id


class DatasetLoaded(Message):
    """A slow dataset finished loading in the background (``error`` is None on success)."""

    def __init__(self, config: RunConfig, preset: str | None, error: DatasetError | None) -> None:
        """Carry the configuration whose dataset was loaded, and any problem."""
        super().__init__()
        self.config = config
        self.preset = preset
        self.error = error
