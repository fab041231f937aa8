"""What `reproduce` and `sweep` show while runs go on: a bar per run on a terminal.

Piped, or on a Dask cluster (whose workers cannot reach this machine's queue), only the
line printed as each run ends is shown.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from tui_backprop.experiments.pool import EpochCallback


@contextmanager
def run_bars(labels: list[str], console: Console, live: bool) -> Iterator[EpochCallback | None]:
    """A progress bar per run, advanced by the callback this yields (None when not live)."""
    if not live:
        yield None
        return
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("epochs"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    tasks = [bars.add_task(label, total=None, start=False) for label in labels]

    def on_epoch(index: int, epoch: int, epochs: int) -> None:
        bars.start_task(tasks[index])
        bars.update(tasks[index], completed=epoch, total=epochs)

    with bars:
        yield on_epoch
