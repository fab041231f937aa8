"""Messages that carry news from the trainer's thread up to the app."""

from __future__ import annotations

from textual.message import Message

from tui_backprop.app.session import Built
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


class NetworkBuilt(Message):
    """A network built in the background (a slow dataset or many parameters): its trainer
    and the configuration fitted to the data, or the error that stopped it."""

    def __init__(
        self,
        config: RunConfig,
        preset: str | None,
        built: Built | None,
        error: Exception | None = None,
    ) -> None:
        """Carry the requested configuration, and the trainer built for it or the error."""
        super().__init__()
        self.config = config
        self.preset = preset
        self.built = built
        self.error = error
