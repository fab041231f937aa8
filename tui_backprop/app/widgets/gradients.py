"""The gradient panel: how fast each layer learns, ‖∇b^l‖ = ‖δ^l‖ (BP3) over the steps, and
‖∇w^l‖ (BP4) in the table and, on request (``show_weights``, the app's `w`), in the plot."""

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
    LineStatic,
    fit_text,
    sparkline,
    title_width,
    waiting_text,
)
from tui_backprop.formatting import scientific, times
from tui_backprop.training import RunState, Snapshot

#: below this content size the plot gives way to per-layer sparklines
COMPACT_WIDTH, COMPACT_HEIGHT = 30, 10
#: below this width the table of current values moves under the plot (when the panel is
#: tall enough for both, see ``MIN_PLOT_HEIGHT``; else a one-line legend replaces it)
NARROW_WIDTH = 60
#: the fewest rows the plot keeps when the table sits under it
MIN_PLOT_HEIGHT = 8
#: below this height the x axis label is dropped
LABEL_HEIGHT = 14
#: the width of the table of current values (see ``_table``)
TABLE_WIDTH = 29


def speed_words(ratio: float, other: str = "") -> str:
    """How layer 1 learns beside ``other`` ("layer 2") for a ratio ‖∇b^last‖ / ‖∇b^1‖:
    "132× slower than layer 2", "as fast as layer 2 (1.01×)"; without ``other``, the
    words alone ("132× slower")."""
    if 0.95 <= ratio <= 1.05:
        return f"as fast as {other} ({ratio:.2f}×)" if other else f"as fast ({ratio:.2f}×)"
    amount, word = (ratio, "slower") if ratio > 1 else (1 / ratio, "faster")
    return f"{times(amount)}× {word}" + (f" than {other}" if other else "")


def first_ratio(snapshot: Snapshot) -> tuple[int, float] | None:
    """The step of the run's first kept report and the ratio then, or None without one."""
    first, last = snapshot.compared_layers
    steps = snapshot.steps_history
    norms = steps.grad_norm_b
    if first == last or norms.ndim != 2 or norms.shape[1] < last or len(steps) == 0:
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        ratios = norms[:, last - 1] / norms[:, first - 1]
    usable = np.flatnonzero(np.isfinite(ratios) & (ratios > 0))
    if usable.size == 0:
        return None
    return int(steps.step[usable[0]]), float(ratios[usable[0]])


def ratio_words(snapshot: Snapshot) -> list[str]:
    """How many times slower layer 1 learns than the layer it is compared with, in words,
    longest first (a panel shows the first that fits): at the run's first report and now,
    each with its step, since the ratio moves as the run goes (on two lines if need be).

    The layers are the snapshot's ``compared_layers`` (the book's chapter 5: the first
    hidden layer against the last hidden one, or the output layer when there is one hidden
    layer) and the ratio its ``first_to_last_ratio``; otherwise, why there is no ratio.
    """
    norms = snapshot.grad_norm_b
    if len(norms) < 2:
        return ["one layer only: nothing to compare"]
    first, last = snapshot.compared_layers
    slow, fast = norms[first - 1], norms[last - 1]
    if snapshot.step == 0 or (math.isnan(slow) and math.isnan(fast)):
        return ["no gradients yet: take a step"]
    if not (math.isfinite(slow) and math.isfinite(fast)):
        return ["the gradients are not finite (the run diverged)", "gradients not finite"]
    ratio = snapshot.first_to_last_ratio
    if ratio is None or ratio == 0:
        if slow == 0 and fast == 0:
            return [
                f"layers {first} and {last} both have zero gradient: neither learns",
                f"layers {first} and {last}: zero gradient",
            ]
        zero = first if slow == 0 else last
        return [
            f"layer {zero} has zero gradient: it does not learn",
            f"layer {zero}: zero gradient",
        ]
    step, other = f"{snapshot.step:,}", f"layer {last}"
    start = first_ratio(snapshot)
    if start is None or start[0] >= snapshot.step:
        return [
            f"layer {first} learns {speed_words(ratio, other)} at step {step}",
            f"layer {first} learns {speed_words(ratio, other)}",
            f"layer {first}: {speed_words(ratio, str(last))}",
            f"{first} vs {last}: {speed_words(ratio)}",
        ]
    then, then_step, now = speed_words(start[1], other), f"{start[0]:,}", speed_words(ratio)
    short, pair = speed_words(start[1], str(last)), f"{first} vs {last}: {speed_words(start[1])}"
    return [
        f"layer {first} learns {then} at step {then_step} → {now} at step {step}",
        f"layer {first} learns {then} at step {then_step} → {now} now",
        f"layer {first} learns {then} at step {then_step}\n→ {now} now, at step {step}",
        f"layer {first}: {then} at step {then_step}\n→ {now} now (step {step})",
        f"layer {first}: {short} at step {then_step}\n→ {now} now",
        f"{pair} at step {then_step}\n→ {now} now (step {step})",
        f"{pair} at step {then_step}\n→ {now} now",
        f"layer {first}: {short}\n→ {now} now",
        f"layer {first}: {short} → {now} now",  # one line, the moments kept
        f"{pair} → {now} now",
    ]


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
        self._ratio = LineStatic("", classes="grad-ratio")
        self._legend = LineStatic("", classes="grad-legend")
        self._plot = TimedPlot(classes="grad-plot")
        self._pacer = Pacer(self, self._draw, lambda: self._plot.render_seconds, min_interval=1.0)
        self._table = LineStatic("", classes="grad-table")
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

    def toggle_weights(self) -> bool:
        """Plot ‖∇w^l‖ or stop plotting it; True when it is plotted now."""
        self.show_weights = not self.show_weights
        return self.show_weights

    def current_values(self) -> tuple[float, ...]:
        """‖∇b^l‖ per layer at the latest step (NaN before the first), () before any run."""
        return self._snapshot.grad_norm_b if self._snapshot is not None else ()

    def ratio_text(self) -> str:
        """How many times slower layer 1 learns than the last hidden layer, in words."""
        return "" if self._snapshot is None else ratio_words(self._snapshot)[0]

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
        table_rows = len(snapshot.grad_norm_b) + 2  # the header and the padding above it
        narrow = self.has_class("-narrow")
        fits_under = self.size.height - 2 - table_rows >= MIN_PLOT_HEIGHT
        self.set_class(narrow and fits_under, "-stacked")
        ratio = fit_text(ratio_words(snapshot), self.size.width - 2)
        self._ratio.show(Text(ratio, style=Style(bold=True), no_wrap=True))
        self._draw_plot(snapshot)
        self._table.show(self._table_text(snapshot))
        self._legend.show(self._legend_text(snapshot))
        if self.has_class("-compact"):  # its height is the panel's (1fr): no layout
            self._summary.update(self._summary_text(snapshot), layout=False)

    def _draw_plot(self, snapshot: Snapshot) -> None:
        """One line per layer on a log scale: ‖∇b^l‖, and ‖∇w^l‖ dotted when asked."""
        fig = Figure()
        steps = snapshot.steps_history
        count = len(snapshot.grad_norm_b)
        narrow = self.has_class("-narrow")
        width = self.size.width - (0 if narrow else TABLE_WIDTH)
        height = self.size.height - (len(snapshot.grad_norm_b) + 2) * self.has_class("-stacked")
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
        # steps are whole, and the first ones should not stretch across the axis
        round_axes(fig, all_x, all_y, (width, height), log=True, x_span=9.0, x_whole=True)
        if self.show_weights:
            titles = ["‖∇b^l‖ lines, ‖∇w^l‖ dots, per layer (log)", "‖∇b‖ lines, ‖∇w‖ dots (log)"]
        else:
            titles = ["‖∇b^l‖ = ‖δ^l‖ per layer (log)", "‖∇b^l‖ (log)"]
        fig.title(fit_text(titles, title_width(width)))
        if height >= LABEL_HEIGHT:
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
        """The ratio and one sparkline per layer (of ‖∇w^l‖ when ``show_weights``, else of
        ‖∇b^l‖), for a panel too small for the plot."""
        width = max(self.size.width, 1)
        count = len(snapshot.grad_norm_b)
        # two lines for the ratio when a row is left under the layers: start and now
        two_lines = self.size.height - 1 - count >= 1
        candidates = [words for words in ratio_words(snapshot) if two_lines or "\n" not in words]
        ratio = fit_text(candidates, width)
        lines = [Text(ratio, style=Style(bold=True), no_wrap=True, overflow="ellipsis")]
        kind = "∇w" if self.show_weights else "∇b"
        norms = getattr(snapshot.steps_history, f"grad_norm_{kind[1]}")
        current = getattr(snapshot, f"grad_norm_{kind[1]}")
        for layer in range(min(count, max(self.size.height - 1 - ratio.count("\n"), 0))):
            name, value = f"{layer + 1} {kind} ", scientific(current[layer])
            column = norms[:, layer] if norms.ndim == 2 and norms.shape[1] > layer else []
            spark_width = max(width - len(name) - len(value) - 1, 0)
            spark = sparkline(np.asarray(column), spark_width, log=True)
            line = Text(name, style=Style(color=rgb(layer_color(layer))), no_wrap=True)
            line.append(f"{spark.ljust(spark_width)} {value}")
            lines.append(line)
        return Group(*lines)
