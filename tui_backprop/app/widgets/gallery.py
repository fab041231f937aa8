"""The worst misclassified test images in half-block pixels, and the chosen one in detail.

Each thumbnail is the image itself (MNIST's 28 × 28 halved to 14 × 14 to fit), captioned
"true→given"; the chosen one is shown with its output activations a^L per class and its
errors δ^l per layer, as the engine computes them for that image from the network of
that evaluation.
"""

from __future__ import annotations

import numpy as np
from rich.console import Group, RenderableType
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from tui_backprop.app.widgets.canvas import half_block_lines, lines_renderable
from tui_backprop.app.widgets.palette import Palette
from tui_backprop.formatting import number, scientific
from tui_backprop.training.confusion import TestClasses

#: grey levels of a drawn image (0 = black background, 1 = white ink)
GREY = Palette(np.repeat(np.linspace(0, 255, 16).round().astype(np.uint8)[:, None], 3, axis=1))
#: images wider than this are halved (MNIST) so that several fit side by side
THUMB_LIMIT = 16
CHOSEN = Style(reverse=True, bold=True)


def image_pixels(row: np.ndarray, shape: tuple[int, int], scale: int = 1) -> np.ndarray:
    """Palette indices of one image row (values 0..1), halved when large, or enlarged."""
    image = np.clip(np.asarray(row, dtype=float).reshape(shape), 0.0, 1.0)
    if shape[1] > THUMB_LIMIT:
        rows, cols = (shape[0] // 2) * 2, (shape[1] // 2) * 2
        image = image[:rows, :cols].reshape(rows // 2, 2, cols // 2, 2).mean(axis=(1, 3))
    if scale > 1:
        image = np.kron(image, np.ones((scale, scale)))
    return np.rint(image * (len(GREY) - 1)).astype(int)


def caption(classes: TestClasses, index: int, names: tuple[str, ...]) -> str:
    """ "true→given" of one of the worst."""
    return f"{names[int(classes.worst_true[index])]}→{names[int(classes.worst_predicted[index])]}"


def thumbnails(
    classes: TestClasses,
    X_test: np.ndarray,
    shape: tuple[int, int],
    names: tuple[str, ...],
    chosen: int,
    width: int,
) -> RenderableType:
    """As many of the worst images as fit in ``width`` columns, each over its caption."""
    pictures = [image_pixels(X_test[row], shape) for row in classes.worst]
    if not pictures:
        return Text("No misclassified test image.")
    cell = max(pictures[0].shape[1], 5) + 1
    count = max(1, min(len(pictures), width // cell))
    start = min(max(0, chosen - count + 1), len(pictures) - count)
    lines: list[list[Segment]] = []
    for index in range(start, start + count):
        drawn = half_block_lines(pictures[index], GREY)
        label = caption(classes, index, names).center(cell - 1)
        drawn.append([Segment(label, CHOSEN if index == chosen else None)])
        for number_, line in enumerate(drawn):
            if len(lines) <= number_:
                lines.append([])
            used = sum(len(s.text) for s in line)
            lines[number_] += [*line, Segment(" " * (cell - used))]
    return lines_renderable(lines)


def sample_noun(shape: tuple[int, int] | None) -> str:
    """What a test sample is called: an "image" when the dataset has an image shape."""
    return "image" if shape is not None else "sample"


def sample_detail(
    classes: TestClasses,
    index: int,
    X_test: np.ndarray,
    shape: tuple[int, int] | None,
    names: tuple[str, ...],
    deltas: tuple[np.ndarray, ...] | None,
) -> RenderableType:
    """One of the worst: its image (enlarged), a^L per class, and δ^l per layer (``deltas``
    of every one of the worst, or None when that evaluation's network is gone)."""
    true, given = int(classes.worst_true[index]), int(classes.worst_predicted[index])
    row = int(classes.worst[index])
    outputs = classes.worst_outputs[index]
    facts = Text.assemble(
        (f"test {sample_noun(shape)} {row}: ", "bold"),
        f"true {names[true]}, given {names[given]}, ",
        f"‖a − y‖² = {number(classes.worst_errors[index])}",
    )
    activations = Table(box=None, padding=(0, 1, 0, 0), show_header=False)
    for _ in range(3):
        activations.add_column(no_wrap=True)
    top = max(float(np.max(np.abs(outputs))), 1e-12)
    for k, value in enumerate(outputs):
        name = names[k] if len(outputs) == len(names) else f"a{k + 1}"
        mark = "true" if k == true else ("given" if k == given else "")
        bar = "█" * max(0, round(8 * abs(float(value)) / top))
        style = "green" if k == true else ("red" if k == given else "")
        activations.add_row(
            Text(f"{name:>3} {number(float(value))}", style=style), Text(bar, style=style), mark
        )
    errors = Text(f"δ^l of this {sample_noun(shape)} (BP1, BP2): ", style="bold")
    if deltas is None:
        errors.append("that evaluation's network is no longer kept", style="dim")
    else:
        norms = [float(np.linalg.norm(layer[index])) for layer in deltas]
        errors.append(" · ".join(f"‖δ^{l + 1}‖ {scientific(v)}" for l, v in enumerate(norms)))
        output = deltas[-1][index]
        errors.append("\nδ^L per output: " + " ".join(number(float(v), 2) for v in output))
    body = Table.grid(padding=(0, 2))
    if shape is not None:
        scale = 2 if shape[1] <= THUMB_LIMIT else 1
        picture = image_pixels(X_test[row], shape, scale)
        body.add_column(width=picture.shape[1], no_wrap=True)
        body.add_column()
        body.add_row(lines_renderable(half_block_lines(picture, GREY)), activations)
    else:
        body.add_row(activations)
    return Group(facts, body, errors)
