"""The loss panel: training and test cost against epochs, accuracy beside it, and faint
overlays of earlier runs (their test cost and test accuracy) to compare with."""

from __future__ import annotations

import numpy as np
from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.events import Resize
from textual.reactive import reactive
from textual.widgets import Static

from tui_backprop.app.widgets.pacing import Pacer
from tui_backprop.app.widgets.palette import (
    BATCH_COLOR,
    OVERLAY_COLORS,
    TEST_COLOR,
    TRAIN_COLOR,
    rgb,
)
from tui_backprop.app.widgets.panel import SnapshotPanel
from tui_backprop.app.widgets.plotting import Figure, TimedPlot, finite_xy, round_axes
from tui_backprop.app.widgets.text import (
    PLACEHOLDER,
    fit_text,
    sparkline,
    title_width,
    waiting_text,
)
from tui_backprop.formatting import number, percent
from tui_backprop.training import RunState, Snapshot
from tui_backprop.training.snapshot import EpochHistory

#: below this content size the plots give way to a text summary with a sparkline
COMPACT_WIDTH, COMPACT_HEIGHT = 30, 8
#: below this width the accuracy plot leaves the cost plot's side: under it when the panel
#: is tall enough, else into the cost plot's title
NARROW_WIDTH = 80
#: a narrow panel at least this tall stacks the accuracy under the cost instead
STACK_HEIGHT = 20
#: below this height the x axis label is dropped to leave room for the curves
LABEL_HEIGHT = 12
#: below this height a plot draws at most SHORT_OVERLAYS earlier runs (the newest)
OVERLAY_HEIGHT, SHORT_OVERLAYS = 16, 2
#: an earlier run's costs above this many times the current run's highest are left out (a
#: diverged run's 1e88 would squash the current curves into the axis)
OVERLAY_CEILING = 10.0

#: an earlier run to draw faintly: its label and its evaluations
Overlay = tuple[str, EpochHistory]


def legend_markup(series: list[tuple[tuple[int, int, int], str]]) -> str:
    """The plotted series' colours and names, for the panel's bottom border (a legend
    inside the plot would be drawn over the curves)."""
    return "  ".join(f"[{rgb(color)}]━━[/] {name}" for color, name in series)


class LossPanel(SnapshotPanel):
    """Cost per epoch (train, test) over the per-step batch cost; accuracy in % beside it."""

    can_focus = False
    log_scale: reactive[bool] = reactive(False, init=False)
    overlays_shown: reactive[bool] = reactive(True, init=False)

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        """Start empty, showing the placeholder."""
        super().__init__(name=name, id=id, classes=classes)
        self._points = 0
        self._placeholder = Static(PLACEHOLDER, classes="panel-placeholder")
        self._cost_plot = TimedPlot(classes="cost-plot")
        self._accuracy_plot = TimedPlot(classes="accuracy-plot")
        self._pacer = Pacer(self, self._draw, self._drawing_seconds, min_interval=1.0)
        self._summary = Static("", classes="panel-summary")
        self._overlays: tuple[Overlay, ...] = ()
        self._title: str | None = None  # the border title, before any earlier run's legend
        self.add_class("-empty")

    def compose(self) -> ComposeResult:
        """The placeholder, the two plots (side by side or stacked), and the compact summary."""
        yield self._placeholder
        with Horizontal(classes="panel-body"):
            yield self._cost_plot
            yield self._accuracy_plot
        yield self._summary

    # -- what the shell calls -------------------------------------------------------------

    def set_log_scale(self, on: bool) -> None:
        """Show the cost on a logarithmic (True) or linear (False) y axis."""
        self.log_scale = on

    def set_overlays(self, overlays: tuple[Overlay, ...]) -> None:
        """Earlier runs to draw faintly under this one, oldest first."""
        self._overlays = overlays
        self._pacer.request(urgent=True)

    def toggle_overlays(self) -> str:
        """Show or hide the earlier runs; returns what the user should be told."""
        if not self._overlays:
            return "No earlier runs yet: a run that ends or is reset stays here (O loads a file)."
        self.overlays_shown = not self.overlays_shown
        count = len(self._overlays)
        runs = f"{count} earlier run{'s' if count > 1 else ''}"
        return f"Loss: {runs} drawn faintly." if self.overlays_shown else f"Loss: {runs} hidden."

    def _visible_overlays(self, height: int) -> tuple[Overlay, ...]:
        """The overlays to draw now (none when hidden; the newest on a short plot)."""
        if not self.overlays_shown:
            return ()
        return self._overlays[-SHORT_OVERLAYS:] if height < OVERLAY_HEIGHT else self._overlays

    def plotted_points(self) -> int:
        """How many data points the plots hold now."""
        return self._points

    # -- reactive plumbing -------------------------------------------------------------

    def watch_log_scale(self) -> None:
        """Redraw with the new y scale."""
        self._pacer.request(urgent=True)

    def watch_overlays_shown(self) -> None:
        """Redraw with or without the earlier runs."""
        self._pacer.request(urgent=True)

    def on_resize(self, _: Resize) -> None:
        """Pick the layout for the new size and redraw (decimation follows the width)."""
        width, height = self.size  # the content's size (the event's includes the border)
        self.set_class(width < COMPACT_WIDTH or height < COMPACT_HEIGHT, "-compact")
        self.set_class(width < NARROW_WIDTH and height >= STACK_HEIGHT, "-stacked")
        self.set_class(width < NARROW_WIDTH and height < STACK_HEIGHT, "-narrow")
        self._pacer.request(urgent=True)

    # -- drawing ----------------------------------------------------------------------

    def _drawing_seconds(self) -> float:
        """What the last drawing of both plots took."""
        return self._cost_plot.render_seconds + self._accuracy_plot.render_seconds

    def _draw(self) -> None:
        """Rebuild both plots and the summary from the current snapshot."""
        snapshot = self._snapshot
        has_data = snapshot is not None and (
            len(snapshot.steps_history) > 0
            or len(snapshot.epochs_history) > 0
            or bool(self._visible_overlays(OVERLAY_HEIGHT))
        )
        self.set_class(not has_data, "-empty")
        if snapshot is None or not has_data:
            running = snapshot is not None and snapshot.state == RunState.RUNNING
            self._placeholder.update(waiting_text(running))
            self._points = 0
            self.border_subtitle = ""
            return
        classification = snapshot.task == "classification"
        self.set_class(not classification, "-regression")
        self._points = self._draw_cost(snapshot)
        if classification:
            self._points += self._draw_accuracy(snapshot)
        self._summary.update(self._summary_text(snapshot), layout=False)  # 1fr high

    def _draw_cost(self, snapshot: Snapshot) -> int:
        """Batch cost (thin, per report) and train/test cost (per epoch); returns the points."""
        plot, fig = self._cost_plot, Figure()
        log = self.log_scale
        width, height = self._plot_sizes()[0]
        limit = max(2 * width, 64)  # braille gives two dots per cell
        steps, epochs = snapshot.steps_history, snapshot.epochs_history
        # once epochs are plotted, the noisy batch cost shows as dots: a line through it
        # would be mostly vertical strokes that hide the epoch curves and make plotext's
        # drawing several times slower; before that, a line makes the first steps visible
        batch_draw = fig.scatter if len(epochs) else fig.plot
        series = [
            (steps.epoch_progress, steps.batch_cost, BATCH_COLOR, "batch", batch_draw),
            (epochs.epoch, epochs.test_cost, TEST_COLOR, "test", fig.plot),
            (epochs.epoch, epochs.train_cost, TRAIN_COLOR, "train", fig.plot),  # on top
        ]
        all_x: list[float] = []
        all_y: list[float] = []
        shown, earlier = [], []
        current = [(*finite_xy(x, y, positive=log, limit=limit), *rest) for x, y, *rest in series]
        ceiling = OVERLAY_CEILING * max((max(ys) for _, ys, *_ in current if ys), default=np.inf)
        for index, (label, history) in enumerate(self._visible_overlays(height)):
            cost = history.test_cost
            if not np.isfinite(cost).any():  # a file without test costs: its training cost
                cost = history.train_cost
            cost = np.where(cost <= ceiling, cost, np.nan)
            xs, ys = finite_xy(history.epoch, cost, positive=log, limit=limit)
            if xs:
                color = OVERLAY_COLORS[index % len(OVERLAY_COLORS)]
                fig.plot(xs, ys, color=color, marker="braille")
                earlier.append((color, escape(label)))  # a file's name may hold [ ]
                all_x += xs
                all_y += ys
        for xs, ys, color, label, draw in current:
            if xs:
                # no plotext legend: it would be drawn over the curves; the border says it
                draw(xs, ys, color=color, marker="braille")
                shown.append((color, label))
                all_x += xs
                all_y += ys
        self.border_subtitle = legend_markup(shown[::-1])
        # the earlier runs' legend beside the panel's title: the bottom border is full
        if self._title is None:
            self._title = self.border_title or "Loss"
        self.border_title = "  ".join([self._title, legend_markup(earlier[::-1])]).strip()
        if log and all_y:  # plotext fails on a log axis without data
            fig.yscale("log")
        size = (width, height)
        round_axes(fig, [0.0, *all_x], all_y, size, log=log, y_from_zero=True, x_span=1.0)
        fig.title(self._cost_title(snapshot, title_width(width)))
        if height >= LABEL_HEIGHT:
            fig.xlabel("epoch")
        plot.show_figure(fig)
        return len(all_x)

    def _plot_sizes(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """The sizes of the cost and accuracy plots, from the panel's (plots lag a frame)."""
        width, height = self.size
        if self.has_class("-narrow") or self.has_class("-regression"):
            return (width, height), (0, 0)
        if self.has_class("-stacked"):
            return (width, height * 2 // 3), (width, height - height * 2 // 3)
        return (width * 2 // 3, height), (width - width * 2 // 3, height)

    def _cost_title(self, snapshot: Snapshot, width: int) -> str:
        """The cost plot's title with the latest values (and accuracy when it has no plot)."""
        name = "cost (log)" if self.log_scale else "cost"
        train, test = number(snapshot.train_cost), number(snapshot.test_cost)
        if snapshot.train_cost is None:
            return fit_text([f"{name} · batch {number(snapshot.batch_cost)}", name], width)
        # every number is labelled with the set it is measured on
        candidates = [
            f"{name} · train {train} · test {test}",
            f"{name} train {train} test {test}",
            f"test {name} {test}",
            name,
        ]
        if self.has_class("-narrow") and snapshot.train_accuracy is not None:
            train_acc, test_acc = percent(snapshot.train_accuracy), percent(snapshot.test_accuracy)
            whole = percent(snapshot.train_accuracy, 0), percent(snapshot.test_accuracy, 0)
            candidates[:0] = [
                f"{candidates[0]} · acc train {train_acc} · test {test_acc}",
                f"{candidates[1]} · acc train {whole[0]} test {whole[1]}",
                f"test {name} {test} · test acc {test_acc}",
            ]
        return fit_text(candidates, width)

    def _draw_accuracy(self, snapshot: Snapshot) -> int:
        """Train and test accuracy in % per epoch; returns the points."""
        plot, fig = self._accuracy_plot, Figure()
        width, height = self._plot_sizes()[1]
        epochs = snapshot.epochs_history
        points, lowest = 0, 100.0
        all_x: list[float] = []
        for index, (_, history) in enumerate(self._visible_overlays(height)):
            xs, ys = finite_xy(history.epoch, history.test_accuracy * 100, limit=2 * width)
            if xs:
                color = OVERLAY_COLORS[index % len(OVERLAY_COLORS)]
                fig.plot(xs, ys, color=color, marker="braille")  # the cost's legend holds
                points += len(xs)
                all_x += xs
                lowest = min(lowest, *ys)
        for y, color in ((epochs.test_accuracy, TEST_COLOR), (epochs.train_accuracy, TRAIN_COLOR)):
            xs, ys = finite_xy(epochs.epoch, np.asarray(y) * 100, limit=max(2 * width, 64))
            if xs:
                fig.plot(xs, ys, color=color, marker="braille")  # the cost's legend holds
                points += len(xs)
                all_x += xs
                lowest = min(lowest, *ys)
        # start the axis at a round number below the data, so that progress near 100% shows
        bottom = max(0.0, float(np.floor(lowest / 10 - 0.5) * 10))
        round_axes(fig, [0.0, *all_x], [bottom, 100.0], (width, height), x_span=1.0)
        fig.ylim(bottom, 101)  # 100% inside the frame, not on it
        if snapshot.train_accuracy is None:
            fig.title(fit_text(["accuracy % (after epoch 1)", "accuracy %"], title_width(width)))
        else:
            train, test = percent(snapshot.train_accuracy), percent(snapshot.test_accuracy)
            candidates = [
                f"accuracy · train {train} · test {test}",
                f"acc train {train} test {test}",
                f"test acc {test}",
                "accuracy %",
            ]
            fig.title(fit_text(candidates, title_width(width)))
        if height >= LABEL_HEIGHT:
            fig.xlabel("epoch")
        plot.show_figure(fig)
        return points

    def _summary_text(self, snapshot: Snapshot) -> str:
        """Two or three short lines for when the panel is too small for plots."""
        width = max(self.size.width, 10)
        name = "cost (log)" if self.log_scale else "cost"
        label = f"batch {name} {number(snapshot.batch_cost)} "  # the sparkline's series
        spark = sparkline(snapshot.steps_history.batch_cost, width - len(label), log=self.log_scale)
        lines = [label + spark]
        if snapshot.train_cost is not None:
            train, test = number(snapshot.train_cost), number(snapshot.test_cost)
            lines.append(f"{name} train {train} · test {test}")
        if snapshot.train_accuracy is not None:
            acc = percent(snapshot.train_accuracy)
            lines.append(f"acc train {acc} · test {percent(snapshot.test_accuracy)}")
        return "\n".join(line[:width] for line in lines)
