"""Speed of learning: the output error split (BP1), ‖δ^l‖ per layer beside the book's, and
which neurons are saturated or dead.

- **Split**: for each output neuron, ∇_aC, σ'(z^L) and their product δ^L (means over the
  mini-batch): with the quadratic cost a saturated σ'(z^L) makes δ^L small however wrong a
  is (chapter 3's learning slowdown); with the cross-entropy σ' cancels and δ^L = a − y.
- **Speeds**: ‖∇b^l‖ = ‖mean δ^l‖ per layer on a log scale, and the book's values when the
  preset carries them (its ``[book]`` table).
- **Saturation**: one cell per neuron, filled when saturated (σ' below 1 % of its maximum
  for every sample) or dead (ReLU, z ≤ 0 for every sample).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
from rich.console import Group, RenderableType
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from tui_backprop.formatting import number
from tui_backprop.training import Snapshot
from tui_backprop.training.book import BookReference
from tui_backprop.training.inspector_rows import Architecture, nabla_a_of, sigma_prime_of
from tui_backprop.training.saturation import MAX_SLOPE, network_saturation

HEADING = Style(bold=True)
DIM = Style(dim=True)
OURS = Style(color="rgb(86,180,233)")
BOOK = Style(color="rgb(230,159,0)")
WARN = Style(color="rgb(230,159,0)", bold=True)
#: the widest bar
BAR = 24
#: output neurons shown in the split (those with the largest error first)
SPLIT_ROWS = 4
#: how many times smaller than the largest speed the log scale reaches
LOG_SPAN = 1e3


def bar(fraction: float, width: int) -> str:
    """A horizontal bar of ``fraction`` (0–1) of ``width`` cells, in eighths."""
    if not math.isfinite(fraction) or fraction <= 0:
        return ""
    eighths = max(1, round(min(fraction, 1.0) * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + ("" if rest == 0 else " ▏▎▍▌▋▊▉"[rest])


def split_lines(snapshot: Snapshot, arch: Architecture, bar_width: int = BAR) -> list[Text]:
    """∇_aC, σ'(z^L) and δ^L per output neuron, from the latest step recorded in full."""
    detail = snapshot.step_detail
    formula = (
        "  σ' cancels: δ^L = a − y"
        if arch.sigma_cancels
        else "  δ^L = ∇_aC ⊙ σ'(z^L), ∇_aC = a − y"
    )
    title = Text.assemble(("Output error (BP1)", HEADING), (formula, DIM))
    if detail is None:
        return [title, Text("  take a step (n) to split δ^L", style=DIM)]
    grads = detail.gradients
    L = len(grads.delta) - 1
    delta = np.abs(grads.delta[L]).mean(axis=0)
    grad_a = nabla_a_of(grads, arch, detail.Y)
    slope = sigma_prime_of(grads, arch, L)
    error = np.abs(grad_a if grad_a is not None else grads.activations[-1] - detail.Y)
    error = error.mean(axis=0)
    peak = MAX_SLOPE.get(arch.output_activation, 1.0)
    scale = max(float(error.max()), float(delta.max()), 1e-12)
    m = len(detail.X)
    lines = [title, Text(f"  means over the mini-batch of {m} (step {detail.step})", style=DIM)]
    cancels = grad_a is None
    order = np.argsort(-error, kind="stable")[:SPLIT_ROWS]
    for j in order:
        name = "a − y" if cancels else "∇_aC"
        lines.append(
            Text.assemble(
                (f"  j {j + 1:<4}", DIM),
                (f"{name:<8}", ""),
                (f"{bar(error[j] / scale, bar_width):<{bar_width}} ", OURS),
                number(float(error[j]), 3),
            )
        )
        if slope is not None:
            s = float(np.asarray(slope)[:, j].mean())
            note = " (cancels)" if cancels else ""
            lines.append(
                Text.assemble(
                    (" " * 8, ""),
                    (f"{'σ′(z^L)':<8}", ""),
                    (f"{bar(s / peak, bar_width):<{bar_width}} ", OURS),
                    number(s, 3),
                    (note, DIM),
                )
            )
        product = "δ^L"
        slow = not cancels and delta[j] < 0.1 * error[j]
        lines.append(
            Text.assemble(
                (" " * 8, ""),
                (f"{product:<8}", ""),
                (f"{bar(delta[j] / scale, bar_width):<{bar_width}} ", OURS),
                number(float(delta[j]), 3),
                ("  ← σ′ slows it" if slow else "", WARN),
            )
        )
    if len(error) > SPLIT_ROWS:
        lines.append(Text(f"  … {len(error) - SPLIT_ROWS} more output neurons", style=DIM))
    return lines


def speed_lines(snapshot: Snapshot, book: BookReference | None, bar_width: int = BAR) -> list[Text]:
    """‖δ^l‖ = ‖∇b^l‖ per layer as log-scale bars, with the book's beside the hidden ones."""
    norms = list(snapshot.grad_norm_b)
    lines = [
        Text.assemble(("Speed of learning", HEADING), ("  ‖δ^l‖ = ‖∇b^l‖ per layer, log", DIM))
    ]
    values = [v for v in norms if math.isfinite(v) and v > 0]
    if book is not None:
        values += list(book.speeds)
    if snapshot.step == 0 or not values:
        return [*lines, Text("  take a step (n) to measure them", style=DIM)]
    top = max(values)
    low = top / LOG_SPAN

    def log_bar(v: float) -> str:
        if not (math.isfinite(v) and v > 0):
            return ""
        return bar(math.log(max(v, low) / low) / math.log(top / low), bar_width)

    hidden = len(norms) - 1
    for l, v in enumerate(norms):
        role = "out" if l == hidden else ""
        lines.append(
            Text.assemble(
                (f"  {l + 1:<2}{role:<4}", DIM),
                ("ours ", DIM),
                (f"{log_bar(v):<{bar_width}} ", OURS),
                number(v, 3),
            )
        )
        if book is not None and l < min(hidden, len(book.speeds)):
            lines.append(
                Text.assemble(
                    (" " * 8, ""),
                    ("book ", DIM),
                    (f"{log_bar(book.speeds[l]):<{bar_width}} ", BOOK),
                    number(book.speeds[l], 3),
                )
            )
    if book is not None:
        first, last = snapshot.compared_layers
        ratio = snapshot.first_to_last_ratio
        ours = f"ours {ratio:.1f}×" if ratio is not None else "ours –"
        theirs = book.speeds[-1] / book.speeds[0]
        lines.append(
            Text(
                f"  layer {last} / layer {first}: {ours}, the book {theirs:.0f}× "
                f"(step {snapshot.step})",
                style=DIM,
            )
        )
        lines.append(Text(f"  book: {book.source}", style=DIM, overflow="fold"))
    return lines


def saturation_lines(snapshot: Snapshot, arch: Architecture, width: int) -> list[Text]:
    """One cell per neuron and layer, filled when saturated or dead on the latest batch."""
    title = Text.assemble(
        ("Saturated / dead", HEADING), ("  ■ σ' < 1 % of its max (ReLU: z ≤ 0), all samples", DIM)
    )
    detail = snapshot.step_detail
    if detail is None:
        return [title, Text("  take a step (n) to see them", style=DIM)]
    grads = detail.gradients
    slopes = [sigma_prime_of(grads, arch, l) for l in range(len(grads.delta))]
    layers = network_saturation(grads.zs, slopes, arch.activation, arch.output_activation)
    lines = [title]
    room = max(width - 30, 8)
    for l, layer in enumerate(layers):
        if not layer.kind:
            lines.append(Text(f"  layer {l + 1:<3} (cannot saturate)", style=DIM))
            continue
        cells = "".join("■" if s else "□" for s in layer.mask[:room])
        more = f"+{layer.mask.size - room}" if layer.mask.size > room else ""
        lines.append(
            Text.assemble(
                (f"  layer {l + 1:<3}", DIM),
                (cells, WARN if layer.count else DIM),
                (more, DIM),
                f"  {layer.count}/{layer.mask.size} {layer.kind}",
            )
        )
    return lines


class SpeedPanel(Widget):
    """The output error split, the speeds of learning (with the book's) and saturation."""

    DEFAULT_CSS = "SpeedPanel { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        """Nothing to show yet."""
        super().__init__(id=id)
        self.snapshot: Snapshot | None = None
        self.architecture: Architecture | None = None
        self.book: BookReference | None = None
        self._shape: tuple[int, bool] | None = None  # what the height depends on

    def show(self, snapshot: Snapshot) -> None:
        """Draw a new snapshot; the split and saturation keep the last step recorded in full."""
        if snapshot.step_detail is None and self.snapshot is not None:
            previous = self.snapshot.step_detail
            if previous is not None:
                snapshot = replace(snapshot, step_detail=previous)
        self.snapshot = snapshot
        # a layout reflows the whole screen: only when the height may change (at max pace
        # most frames would otherwise carry one)
        shape = (len(snapshot.grad_norm_b), snapshot.step_detail is None)
        self.refresh(layout=shape != self._shape)
        self._shape = shape

    def clear(self) -> None:
        """A new network."""
        self.snapshot, self._shape = None, None
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        """The three sections, or what to do first."""
        if self.snapshot is None or self.architecture is None:
            return Text("take a step (n) to see how fast each layer learns", style=DIM)
        width = self.size.width
        # room for the label, the value and a note ("← σ′ slows it") beside the bar
        bar_width = min(max(width - 38, 6), BAR)
        return Group(
            *split_lines(self.snapshot, self.architecture, bar_width),
            Text(""),
            *speed_lines(self.snapshot, self.book, bar_width),
            Text(""),
            *saturation_lines(self.snapshot, self.architecture, width),
        )
