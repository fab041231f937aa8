"""Speed of learning: ‖δ^l‖ per layer beside the book's, the output error split (BP1), and
which neurons are saturated or dead. Each section fits a 36-column panel (beside the
inspector at 120 columns); the speeds come first, so the book's bars show at 80×24 too.

- **Speeds**: ‖∇b^l‖ = ‖mean δ^l‖ per layer on a log scale, and the book's values when the
  preset carries them (its ``[book]`` table).
- **Split**: for each output neuron, ∇_aC, σ'(z^L) and their product δ^L (means over the
  mini-batch): with the quadratic cost a saturated σ'(z^L) makes δ^L small however wrong a
  is (chapter 3's learning slowdown); with the cross-entropy σ' cancels and δ^L = a − y.
- **Saturation**: one cell per neuron, filled when saturated (σ' below 1 % of its maximum
  for every sample) or dead (ReLU, z ≤ 0 for every sample).
"""

from __future__ import annotations

import math
import textwrap
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
#: cells before a bar ("  j 1   σ′(z^L) ") and after it (a value such as 0.00201)
ROW_LABEL = 16
NUMBER = 7
#: output neurons shown in the split (those with the largest error first)
SPLIT_ROWS = 4
#: how many times smaller than the largest speed the log scale reaches
LOG_SPAN = 1e3


def wrapped(text: str, width: int, style: Style = DIM, indent: int = 2) -> list[Text]:
    """``text`` as lines of at most ``width`` cells, each indented (a narrow panel wraps)."""
    lines = textwrap.wrap(text, max(width - indent, 12), break_on_hyphens=False)
    return [Text(" " * indent + line, style=style) for line in lines]


def samples(m: int) -> str:
    """ "1 sample", "10 samples"."""
    return f"{m} sample" if m == 1 else f"{m} samples"


def bar(fraction: float, width: int) -> str:
    """A horizontal bar of ``fraction`` (0–1) of ``width`` cells, in eighths."""
    if not math.isfinite(fraction) or fraction <= 0:
        return ""
    eighths = max(1, round(min(fraction, 1.0) * width * 8))
    full, rest = divmod(eighths, 8)
    return "█" * full + ("" if rest == 0 else " ▏▎▍▌▋▊▉"[rest])


def row(
    label: str,
    fraction: float,
    value: float,
    width: int,
    colour: Style = OURS,
    note: str = "",
    note_optional: bool = False,
) -> list[Text]:
    """One labelled bar and its value; ``note`` beside it, or if there is no room under it
    (or nowhere, when ``note_optional``: a heading says it already)."""
    bar_width = min(max(width - ROW_LABEL - NUMBER - 1, 6), BAR)
    cells = Text.assemble(
        (f"{label:<{ROW_LABEL}}", DIM),
        (f"{bar(fraction, bar_width):<{bar_width}} ", colour),
        f"{number(value, 3):<{NUMBER}}",
    )
    note_style = WARN if note.startswith("←") else DIM
    if not note or (note_optional and cells.cell_len + 1 + len(note) > width):
        return [cells]
    if cells.cell_len + 1 + len(note) <= width:
        return [Text.assemble(cells, " ", (note, note_style))]
    return [cells, Text(" " * ROW_LABEL + note, style=note_style)]


def split_lines(snapshot: Snapshot, arch: Architecture, width: int) -> list[Text]:
    """∇_aC, σ'(z^L) and δ^L per output neuron, from the latest step recorded in full."""
    detail = snapshot.step_detail
    formula = (
        "σ' cancels: δ^L = a − y" if arch.sigma_cancels else "δ^L = ∇_aC ⊙ σ'(z^L), ∇_aC = a − y"
    )
    lines = [Text("Output error (BP1)", style=HEADING), *wrapped(formula, width)]
    if detail is None:
        return [*lines, Text("  take a step (n) to split δ^L", style=DIM)]
    grads = detail.gradients
    L = len(grads.delta) - 1
    delta = np.abs(grads.delta[L]).mean(axis=0)
    grad_a = nabla_a_of(grads, arch, detail.Y)
    slope = sigma_prime_of(grads, arch, L)
    error = np.abs(grad_a if grad_a is not None else grads.activations[-1] - detail.Y)
    error = error.mean(axis=0)
    peak = MAX_SLOPE.get(arch.output_activation, 1.0)
    scale = max(float(error.max()), float(delta.max()), 1e-12)
    scales = "" if slope is None else f"; σ′ drawn up to its peak {number(peak, 3)}"
    # |·| before the mean: signs would cancel, as they do in ∇b^L = mean δ^L (the speeds)
    lines += wrapped(
        f"means of |·| over {samples(len(detail.X))} (step {detail.step}){scales}", width
    )
    cancels = grad_a is None
    for j in np.argsort(-error, kind="stable")[:SPLIT_ROWS]:
        neuron = f"  j {j + 1:<4}"
        error_label = "|a−y|" if cancels else "|∇_aC|"
        lines += row(f"{neuron}{error_label}", error[j] / scale, error[j], width)
        if slope is not None:
            s = float(np.asarray(slope)[:, j].mean())
            note = "(cancels)" if cancels else ""
            lines += row(f"{'':8}σ′(z^L)", s / peak, s, width, note=note, note_optional=True)
        slow = not cancels and delta[j] < 0.1 * error[j]
        note = "← σ′ slows it" if slow else ""
        lines += row(f"{'':8}|δ^L|", delta[j] / scale, float(delta[j]), width, note=note)
    if len(error) > SPLIT_ROWS:
        lines.append(Text(f"  … {len(error) - SPLIT_ROWS} more output neurons", style=DIM))
    return lines


def speed_lines(snapshot: Snapshot, book: BookReference | None, width: int) -> list[Text]:
    """‖δ^l‖ = ‖∇b^l‖ per layer as log-scale bars, with the book's beside the hidden ones."""
    norms = list(snapshot.grad_norm_b)
    lines = [
        Text("How fast each layer learns", style=HEADING),
        *wrapped("‖δ^l‖ = ‖∇b^l‖, log scale", width),
    ]
    values = [v for v in norms if math.isfinite(v) and v > 0]
    if book is not None:
        values += list(book.speeds)
    if snapshot.step == 0 or not values:
        return [*lines, Text("  take a step (n) to measure them", style=DIM)]
    top = max(values)
    low = top / LOG_SPAN

    def on_log_scale(v: float) -> float:
        if not (math.isfinite(v) and v > 0):
            return 0.0
        return math.log(max(v, low) / low) / math.log(top / low)

    hidden = len(norms) - 1
    for l, v in enumerate(norms):
        role = "out" if l == hidden else ""
        mine = "ours" if book is not None else ""  # beside the book's row only
        lines += row(f"  {l + 1:<2}{role:<4}{mine}", on_log_scale(v), v, width)
        if book is not None and l < min(hidden, len(book.speeds)):
            speed = book.speeds[l]
            lines += row(f"{'':8}book", on_log_scale(speed), speed, width, colour=BOOK)
    if book is not None:
        first, last = snapshot.compared_layers
        ratio = snapshot.first_to_last_ratio
        ours = f"ours {ratio:.1f}×" if ratio is not None else "ours –"
        theirs = book.speeds[-1] / book.speeds[0]
        lines += wrapped(
            f"layer {last} / layer {first}: {ours} (step {snapshot.step}), the book {theirs:.0f}×",
            width,
        )
        lines += wrapped(f"book: {book.source}", width)
    return lines


def saturation_lines(snapshot: Snapshot, arch: Architecture, width: int) -> list[Text]:
    """One cell per neuron and layer, filled when saturated or dead on the latest batch."""
    lines = [
        Text("Saturated / dead", style=HEADING),
        *wrapped(
            "■ σ' < 1\u00a0% of its peak for every sample (ReLU: dead, z\u00a0≤\u00a00)", width
        ),
    ]
    detail = snapshot.step_detail
    if detail is None:
        return [*lines, Text("  take a step (n) to see them", style=DIM)]
    grads = detail.gradients
    slopes = [sigma_prime_of(grads, arch, l) for l in range(len(grads.delta))]
    layers = network_saturation(grads.zs, slopes, arch.activation, arch.output_activation)
    for l, layer in enumerate(layers):
        if not layer.kind:
            lines.append(Text(f"  layer {l + 1:<3} (cannot saturate)", style=DIM))
            continue
        count = f"  {layer.count}/{layer.mask.size} {layer.kind}"
        room = max(width - 11 - len(count) - 4, 8)  # the label, the count, "+NNN"
        cells = "".join("■" if s else "□" for s in layer.mask[:room])
        more = f"+{layer.mask.size - room}" if layer.mask.size > room else ""
        lines.append(
            Text.assemble(
                (f"  layer {l + 1:<3}", DIM),
                (cells, WARN if layer.count else DIM),
                (more, DIM),
                count,
            )
        )
    return lines


class SpeedPanel(Widget):
    """The speeds of learning (with the book's), the output error split and saturation."""

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
        return Group(
            *speed_lines(self.snapshot, self.book, width),
            Text(""),
            *split_lines(self.snapshot, self.architecture, width),
            Text(""),
            *saturation_lines(self.snapshot, self.architecture, width),
        )
