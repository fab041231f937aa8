"""Training without the app: a progress bar on a terminal, epoch lines when piped.

The same ``Trainer`` as the app's, driven in the main thread.
"""

from __future__ import annotations

import json
import sys
import time
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from tui_backprop.atomic import AtomicFile, WriteError
from tui_backprop.data import Dataset
from tui_backprop.engine import Network
from tui_backprop.formatting import counted, fixed, percent
from tui_backprop.training import EpochRecord, RunConfig, Snapshot, Trainer
from tui_backprop.training.states import USABLE_END_STATES


class HeadlessRun:
    """One training run in the terminal, with optional JSONL metrics."""

    def __init__(
        self,
        config: RunConfig,
        network: Network | None = None,
        metrics: TextIO | AtomicFile | None = None,
        quiet: bool = False,
        console: Console | None = None,
        dataset: Dataset | None = None,
    ) -> None:
        """Build the trainer; draw a progress bar only when the output is a terminal."""
        self.config = config
        self.metrics = metrics
        #: the metrics file's write error, if one stopped the run
        self.write_error: WriteError | None = None
        self.quiet = quiet
        self.console = console or Console()
        self.trainer = Trainer(config, dataset, network=network, on_epoch=self._on_epoch)
        self.trainer.listener = self._on_snapshot
        self.trainer.request_output_map(False)  # nothing here draws it
        self._progress: Progress | None = None
        self._task = None
        self._started = time.perf_counter()

    def run(self) -> Snapshot:
        """Train to the end; print the summary; return the final snapshot."""
        self._started = time.perf_counter()
        use_bar = self.console.is_terminal and not self.quiet
        if use_bar:
            self._progress = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("steps"),
                TimeRemainingColumn(),
                console=self.console,
                transient=True,
            )
            total = self.config.epochs * self.trainer.steps_per_epoch
            with self._progress:
                self._task = self._progress.add_task("training", total=total)
                final = self.trainer.run()
        else:
            final = self.trainer.run()
        self._print_summary(final)
        return final

    def _on_snapshot(self, snapshot: Snapshot) -> None:
        """Advance the progress bar (called at the trainer's reporting cadence)."""
        if self._progress is None or self._task is None:
            return
        cost = snapshot.test_cost if snapshot.test_cost is not None else snapshot.batch_cost
        description = f"epoch {snapshot.epoch}/{snapshot.epochs}  cost {fixed(cost)}"
        if snapshot.test_accuracy is not None:
            description += f"  acc {percent(snapshot.test_accuracy, 2)}"
        self._progress.update(self._task, completed=snapshot.step, description=description)

    def _on_epoch(self, record: EpochRecord) -> None:
        """Write the epoch's JSON line, and a plain line when there is no progress bar."""
        if self.metrics is not None and self.write_error is None:
            row = record.json_row()
            row["dataset"] = self.config.dataset
            try:
                self.metrics.write(json.dumps(row) + "\n")
                self.metrics.flush()
            except WriteError as error:  # a full disk: stop, and let the caller report it
                self.write_error = error
                self.trainer.stop()
        if self._progress is None and not self.quiet:
            line = (
                f"epoch {record.epoch:>4}/{self.config.epochs}  "
                f"train cost {fixed(record.train_cost)}  test cost {fixed(record.test_cost)}"
            )
            if record.test_accuracy is not None:
                line += f"  test accuracy {percent(record.test_accuracy, 2)}"
            print(f"{line}  ({record.seconds:.1f} s)", flush=True)

    def _print_summary(self, final: Snapshot) -> None:
        """One line: how the run ended and what it reached."""
        seconds = time.perf_counter() - self._started
        done = f"{counted(final.epoch, 'epoch')}, {counted(final.step, 'step')}"
        parts = [f"{final.state}: {done} in {seconds:.1f} s"]
        if final.test_accuracy is not None:
            parts.append(f"test accuracy {percent(final.test_accuracy, 2)}")
        if final.test_cost is not None:
            parts.append(f"test cost {fixed(final.test_cost)}")
        out = sys.stdout if final.state in USABLE_END_STATES else sys.stderr
        print("; ".join(parts), file=out, flush=True)
