"""The gradient panel: how fast each layer learns, ‖∇b^l‖ = ‖δ^l‖ over the steps."""

from __future__ import annotations

import math

import numpy as np
from rich.console import Group
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.reactive import reactive
from textual.widgets import Static

from tui_backprop.app.widgets.pacing import Pacer
from tui_backprop.app.widgets.palette import layer_color, rgb
from tui_backprop.app.widgets.panel import SnapshotPanel
from tui_backprop.app.widgets.plotting import Figure, TimedPlot, bin_mean_xy, round_axes
from tui_backprop.app.widgets.text import (
    PLACEHOLDER,
    fit_text,
    sparkline,
    title_width,
    waiting_text,
)
from tui_backprop.formatting import scientific
from tui_backprop.training import RunState, Snapshot

#: below this content size the plot gives way to per-layer sparklines
COMPACT_WIDTH, COMPACT_HEIGHT = 30, 8
#: below this width the table of current values hides and the plot gets a legend
NARROW_WIDTH = 60
#: below this height the x axis label is dropped
LABEL_HEIGHT = 14
#: the width of the table of current values (see ``_table``)
TABLE_WIDTH = 29


def ratio_words(snapshot: Snapshot, short: bool = False) -> str:
    """How many times slower layer 1 learns than the layer it is compared with, in words.

    The layers are the snapshot's ``compared_layers`` (the book's chapter 5: the first
    hidden layer against the last hidden one, or the output layer when there is one hidden
    layer) and the ratio its ``first_to_last_ratio``; otherwise, why there is no ratio.
    """
    norms = snapshot.grad_norm_b
    if len(norms) < 2:
        return "one layer only: nothing to compare"
    first, last = snapshot.compared_layers
    slow, fast = norms[first - 1], norms[last - 1]
    if snapshot.step == 0 or (math.isnan(slow) and math.isnan(fast)):
        return "no gradients yet: take a step"
    if not (math.isfinite(slow) and math.isfinite(fast)):
        return "the gradients are not finite (the run diverged)"
    ratio = snapshot.first_to_last_ratio
    if ratio is None or ratio == 0:
        if slow == 0 and fast == 0:
            return f"layers {first} and {last} both have zero gradient: neither learns"
        return f"layer {first if slow == 0 else last} has zero gradient: it does not learn"
    if 0.95 <= ratio <= 1.05:
        if short:
            return f"layer {first} ≈ layer {last} ({ratio:.2f}×)"
        return f"layer {first} learns about as fast as layer {last} ({ratio:.2f}×)"
    times, word = (ratio, "slower") if ratio > 1 else (1 / ratio, "faster")
    amount = f"{times:.0f}" if times >= 10 else f"{times:.1f}"
    if short:
        return f"layer {first}: {amount}× {word} than {last}"
    return f"layer {first} learns {amount}× {word} than layer {last}"


class GradientPanel(SnapshotPanel):
    """‖∇b^l‖ per layer against steps (log y), the current values, and the speed ratio."""

    can_focus = False
    show_weights: reactive[bool] = reactive(False, init=False)

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        """Start empty, showing the placeholder."""
        super().__init__(name=name, id=id, classes=classes)
        self._placeholder = Static(PLACEHOLDER, classes="panel-placeholder")
        self._ratio = Static("", classes="grad-ratio")
        self._legend = Static("", classes="grad-legend")
        self._plot = TimedPlot(classes="grad-plot")
        self._pacer = Pacer(self, self._draw, lambda: self._plot.render_seconds, min_interval=1.0)
        self._table = Static("", classes="grad-table")
        self._summary = Static("", classes="panel-summary")
        self.add_class("-empty")

    def compose(self) -> ComposeResult:
        """The placeholder; the ratio line over the plot and the table; the compact summary."""
        yield self._placeholder
        with Vertical(classes="panel-body"):
            yield self._ratio
            yield self._legend
            with Horizontal(classes="grad-main"):
                yield self._plot
                yield self._table
        yield self._summary

    # -- what the shell calls -------------------------------------------------------------

    def set_show_weights(self, on: bool) -> None:
        """Also plot ‖∇w^l‖ (dotted) beside ‖∇b^l‖."""
        self.show_weights = on

    def current_values(self) -> tuple[float, ...]:
        """‖∇b^l‖ per layer at the latest step (NaN before the first), () before any run."""
        return self._snapshot.grad_norm_b if self._snapshot is not None else ()

    def ratio_text(self) -> str:
        """How many times slower layer 1 learns than the last hidden layer, in words."""
        return "" if self._snapshot is None else ratio_words(self._snapshot)

    # -- reactive plumbing -------------------------------------------------------------

    def watch_show_weights(self) -> None:
        """Redraw with or without the weight gradients."""
        self._pacer.request(urgent=True)

    def on_resize(self, _: Resize) -> None:
        """Pick the layout for the new size and redraw."""
        width, height = self.size  # the content's size (the event's includes the border)
        self.set_class(width < COMPACT_WIDTH or height < COMPACT_HEIGHT, "-compact")
        self.set_class(width < NARROW_WIDTH, "-narrow")
        self._pacer.request(urgent=True)

    # -- drawing ----------------------------------------------------------------------

    def _draw(self) -> None:
        """Rebuild the ratio line, the plot, the table and the summary."""
        snapshot = self._snapshot
        empty = snapshot is None or len(snapshot.steps_history) == 0
        self.set_class(empty, "-empty")
        if snapshot is None or empty:
            running = snapshot is not None and snapshot.state == RunState.RUNNING
            self._placeholder.update(waiting_text(running))
            return
        ratio = fit_text([self.ratio_text(), ratio_words(snapshot, short=True)], self.size.width)
        self._ratio.update(Text(ratio, style=Style(bold=True), no_wrap=True))
        self._draw_plot(snapshot)
        self._table.update(self._table_text(snapshot))
        self._legend.update(self._legend_text(snapshot))
        if self.has_class("-compact"):
            self._summary.update(self._summary_text(snapshot))

    def _draw_plot(self, snapshot: Snapshot) -> None:
        """One line per layer on a log scale: ‖∇b^l‖, and ‖∇w^l‖ dotted when asked."""
        fig = Figure()
        steps = snapshot.steps_history
        count = len(snapshot.grad_norm_b)
        narrow = self.has_class("-narrow")
        width = self.size.width - (0 if narrow else TABLE_WIDTH)
        # a mean per two cells: decimates, calms the per-step noise, and keeps plotext's
        # drawing (which costs by the length of the lines) cheap
        bins = max(width // 2, 16)
        all_x: list[float] = []
        all_y: list[float] = []
        series = [(steps.grad_norm_b, "braille")]
        if self.show_weights:
            series.append((steps.grad_norm_w, "dot"))
        for norms, marker in series:
            for layer in range(min(count, norms.shape[1] if norms.ndim == 2 else 0)):
                xs, ys = bin_mean_xy(steps.step, norms[:, layer], bins, log=True)
                if not xs:
                    continue
                all_x += xs
                all_y += ys
                # no plotext legend: it would cover the lines; the table or a line says
                fig.plot(xs, ys, color=layer_color(layer), marker=marker)
        if all_y:  # plotext fails on a log axis without data
            fig.yscale("log")
        round_axes(fig, all_x, all_y, (width, self.size.height), log=True)
        title = "‖∇b^l‖ = ‖δ^l‖ per layer (log)"
        fig.title(fit_text([title, "‖∇b^l‖ (log)"], title_width(width)))
        if self.size.height >= LABEL_HEIGHT:
            fig.xlabel("step")
        self._plot.show_figure(fig)

    def _legend_text(self, snapshot: Snapshot) -> Text:
        """One line of layer colours, for a panel too narrow for the table."""
        count = len(snapshot.grad_norm_b)
        text = Text(no_wrap=True, overflow="crop", justify="center")
        for layer in range(count):
            text.append("━━", style=Style(color=rgb(layer_color(layer))))
            text.append(f" {layer + 1}{' out' if layer == count - 1 else ''}  ")
        if self.show_weights:
            text.append("dots: ‖∇w‖", style=Style(dim=True))
        return text

    def _table_text(self, snapshot: Snapshot) -> Text:
        """Each layer's colour, name and current ‖∇b‖ and ‖∇w‖ (also the plot's legend).

        The two layers the ratio line compares are bold.
        """
        count = len(snapshot.grad_norm_b)
        compared = {layer - 1 for layer in snapshot.compared_layers} if count > 1 else set()
        header = f"{'layer':<10}{'‖∇b‖':^8} {'‖∇w‖':^8}\n"
        text = Text(header, style=Style(dim=True), no_wrap=True)
        for layer in range(count):
            emphasis = Style(bold=layer in compared)
            text.append("━━ ", style=Style(color=rgb(layer_color(layer))))
            text.append(f"{layer + 1:<3}{'out' if layer == count - 1 else '':<3} ", emphasis)
            text.append(scientific(snapshot.grad_norm_b[layer]) + " ", emphasis)
            text.append(scientific(snapshot.grad_norm_w[layer]) + "\n", style=Style(dim=True))
        if self.show_weights:
            text.append("\nlines: ‖∇b‖ · dots: ‖∇w‖", style=Style(dim=True))
        return text

    def _summary_text(self, snapshot: Snapshot) -> Group:
        """The ratio and one sparkline per layer, for a panel too small for the plot."""
        width = max(self.size.width, 10)
        count = len(snapshot.grad_norm_b)
        short = ratio_words(snapshot, short=True)
        ratio = fit_text([self.ratio_text(), short], width)
        lines = [Text(ratio, style=Style(bold=True), no_wrap=True, overflow="ellipsis")]
        norms = snapshot.steps_history.grad_norm_b
        for layer in range(min(count, max(self.size.height - 1, 0))):
            name, value = f"{layer + 1} ", scientific(snapshot.grad_norm_b[layer])
            column = norms[:, layer] if norms.ndim == 2 and norms.shape[1] > layer else []
            spark = sparkline(np.asarray(column), width - len(name) - len(value) - 1, log=True)
            line = Text(name, style=Style(color=rgb(layer_color(layer))), no_wrap=True)
            line.append(f"{spark:<{width - len(name) - len(value) - 1}} {value}")
            lines.append(line)
        return Group(*lines)
