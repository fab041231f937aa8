"""The finite-difference race (`g`): why backprop is fast, on the user's own network.

A thread worker runs ``training.race.run_race`` on a copy of the current network and
mini-batch; its reports come up as messages (a newer one replaces a queued one) and fill
the table and the progress bar. `c` stops the race, escape stops it and closes the screen;
the UI never waits for the worker.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, ProgressBar, Static
from textual.worker import get_current_worker

from tui_backprop.engine import Network
from tui_backprop.formatting import MISSING, number
from tui_backprop.training import RunState, Snapshot, Trainer
from tui_backprop.training.race import BACKPROP, ONE_SIDED, RaceReport, run_race

#: each runner's formula
FORMULAS = (
    "one-sided (C(w+εe_j) − C(w))/ε needs P + 1 passes; centred (C(w+εe_j) − C(w−εe_j))/2ε needs 2P"
)


def seconds_text(seconds: float) -> str:
    """A duration in the unit that reads best: µs, ms or s."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def race_table(report: RaceReport) -> Table:
    """One row per runner: passes made / needed, time, times backprop, largest error."""
    table = Table(box=None, padding=(0, 1), header_style="dim", expand=False)
    table.add_column("runner", no_wrap=True)
    table.add_column("passes", justify="right", no_wrap=True)
    table.add_column("time", justify="right", no_wrap=True)
    table.add_column("× backprop", justify="right", no_wrap=True)
    table.add_column("largest relative error, per layer", overflow="fold")
    for leg in report.legs:
        ratio = report.ratio(leg.name)
        if leg.name == BACKPROP:
            passes = "1 + 1 back" if leg.finished else MISSING
            errors = "(the reference)"
        else:
            passes = f"{leg.passes:,} / {leg.needed:,}"
            errors = "  ".join(  # "1:8.4e-05", no space: a narrow column wraps between layers
                f"{e.layer + 1}:{number(e.max_rel_error, 2)}" for e in leg.layers
            ) or ("stopped" if leg.cancelled else "…")
        table.add_row(
            leg.name,
            passes,
            seconds_text(leg.seconds) if leg.passes else MISSING,
            f"{ratio:,.0f}×" if ratio is not None else MISSING,
            errors,
        )
    return table


def race_summary(report: RaceReport) -> Text:
    """The network, chapter 2's count for it, and what the race showed."""
    P, m = report.num_params, report.m
    sizes = "-".join(map(str, report.sizes))
    lines = [
        f"network {sizes} · P = {P:,} weights and biases · mini-batch m = {m}",
        f"chapter 2's count: P + 1 = {report.chapter2_count:,} forward passes for each "
        f"training example ({report.chapter2_count * m:,} single-sample passes for these "
        f"m = {m}), one per parameter and one for C(w), against backprop's one forward and "
        "one backward pass",
        FORMULAS,
    ]
    ratio = report.ratio(ONE_SIDED)
    if ratio is not None:
        lines.append(f"measured: the one-sided differences took {ratio:,.0f}× backprop's time")
    return Text("\n".join(lines))


class RaceScreen(ModalScreen[None]):
    """Backprop against finite differences, timed, with progress and a way out."""

    BINDINGS = [
        Binding("c", "stop_race", "Stop the race"),
        Binding("escape,g", "close", "Close"),
    ]

    class Update(Message):
        """The race so far (a queued one is replaced by a newer one)."""

        def __init__(self, report: RaceReport) -> None:
            """Carry one report."""
            super().__init__()
            self.report = report

        def can_replace(self, message: Message) -> bool:
            """Only the newest report is worth drawing."""
            return isinstance(message, RaceScreen.Update)

    def __init__(
        self,
        network: Callable[[], Network],
        X: np.ndarray,
        Y: np.ndarray,
        where: str,
    ) -> None:
        """Race on the network ``network()`` returns (called in the worker) and (X, Y)."""
        super().__init__()
        self._network, self.X, self.Y, self.where = network, X, Y, where
        self._stop = False
        self._over = False  # finished or stopped: c has nothing left to stop
        self.report: RaceReport | None = None

    def compose(self) -> ComposeResult:
        """Summary, table, progress bar, footer."""
        with Vertical(id="race-box") as box:
            box.border_title = "Why backprop is fast: chapter 2's race"
            box.border_subtitle = "c stops · esc closes"
            yield Static(f"preparing the race on {self.where}…", id="race-summary")
            yield Static("", id="race-table")
            yield ProgressBar(total=1.0, show_eta=False, id="race-progress")
            yield Static("", id="race-note")
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        """Start the race in a thread worker."""
        self._race()

    @work(thread=True, exclusive=True, group="race", exit_on_error=False)
    def _race(self) -> None:
        """Run the race off the UI thread; stop between parameters when asked."""
        worker = get_current_worker()
        net = self._network()

        def stop() -> bool:
            return self._stop or worker.is_cancelled

        run_race(net, self.X, self.Y, lambda report: self.post_message(self.Update(report)), stop)

    def on_race_screen_update(self, message: RaceScreen.Update) -> None:
        """Show the race so far."""
        self.report = report = message.report
        self.query_one("#race-summary", Static).update(race_summary(report))
        self.query_one("#race-table", Static).update(race_table(report))
        running = next((leg for leg in report.legs if not leg.finished), None)
        bar = self.query_one("#race-progress", ProgressBar)
        note = self.query_one("#race-note", Static)
        stopped = next((leg for leg in report.legs if leg.cancelled), None)
        if stopped is not None:  # the bar stays where the stopped runner got to
            bar.update(progress=stopped.share_done)
            note.update(
                f"stopped during the {stopped.name} differences: the times so far are shown"
            )
        elif report.finished or running is None:
            bar.update(progress=1.0)
            note.update("done")
        else:
            bar.update(progress=running.share_done)
            note.update(f"running the {running.name} differences…")
        over = stopped is not None or report.finished or running is None
        if over != self._over:
            self._over = over
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer c (stop) only while the race runs."""
        return not (action == "stop_race" and self._over)

    def action_stop_race(self) -> None:
        """Stop the race; what it measured stays on screen."""
        self._stop = True

    def action_close(self) -> None:
        """Stop the race and close the screen."""
        self._stop = True
        self.workers.cancel_group(self, "race")
        self.dismiss()


def wait_until_still(is_running: Callable[[], bool], timeout: float = 2.0) -> None:
    """Sleep (in a worker thread) until a training step in progress has ended."""
    deadline = time.monotonic() + timeout
    while is_running() and time.monotonic() < deadline:
        time.sleep(0.005)


def race_on(trainer: Trainer, latest: Snapshot | None) -> RaceScreen:
    """The race on the trainer's network (paused first, if it runs) and mini-batch: the
    latest step's batch when the inspector has it, else the training set's first m rows."""
    if trainer.state == RunState.RUNNING:
        trainer.pause()
    detail = latest.step_detail if latest is not None else None
    if detail is not None:
        X, Y, where = detail.X, detail.Y, f"the mini-batch of step {detail.step}"
    else:
        m = min(trainer.config.batch_size, len(trainer.dataset.X_train))
        X, Y = trainer.dataset.X_train[:m], trainer.dataset.Y_train[:m]
        where = f"the first {m} training samples"

    def network() -> Network:
        """A copy of the network once no step is in progress (called in the worker)."""
        wait_until_still(lambda: trainer.state == RunState.RUNNING)
        return trainer.net.copy()

    return RaceScreen(network, X, Y, where)
