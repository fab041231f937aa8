"""The confusion matrix of the test set: counts in the cells, shares as their shading.

Rows are the true classes, columns the classes the network gave; a cell's background is
its share of the row (green on the diagonal, red off it), the last column is the share of
the row classified right, and a line below names the most confused pair.
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from tui_backprop.app.widgets.palette import RGB, mix, rgb
from tui_backprop.formatting import percent
from tui_backprop.training.confusion import MAX_CLASSES, TestClasses

#: a cell with no share fades to this; a full share reaches RIGHT (diagonal) or WRONG
EMPTY, RIGHT, WRONG = (40, 40, 46), (30, 130, 60), (190, 50, 40)


def _cell(count: int, share: float, diagonal: bool) -> Text:
    """A count on a background as strong as its share of the row."""
    background: RGB = mix(EMPTY, RIGHT if diagonal else WRONG, min(1.0, share))
    style = f"on {rgb(background)}" + (" bold" if diagonal else "")
    return Text(str(count) if count else "·", style=style, justify="right")


def confusion_renderable(classes: TestClasses | None, names: tuple[str, ...]) -> Group | Text:
    """The matrix with its row shares and the most confused pair, or why there is none."""
    if classes is None:
        if len(names) > MAX_CLASSES:
            return Text(f"The confusion matrix is drawn for 2 to {MAX_CLASSES} classes.")
        return Text("The confusion matrix appears after the first epoch's evaluation.")
    shares, matrix = classes.shares(), classes.matrix
    table = Table(box=None, padding=(0, 0, 0, 1), show_edge=False, header_style="dim")
    table.add_column("true╲given", style="dim", no_wrap=True)
    for name in names:
        # 6 characters: "arm 1" whole (4 made the spiral's arms all "arm ")
        table.add_column(name[:6], justify="right", no_wrap=True, min_width=4)
    table.add_column("right", justify="right", style="dim", no_wrap=True)
    for row, name in enumerate(names):
        cells = [
            _cell(int(matrix[row, col]), shares[row, col], row == col) for col in range(len(names))
        ]
        table.add_row(name[:9], *cells, percent(shares[row, row], 0))
    right = int(matrix.trace())
    accuracy = right / max(classes.total, 1)
    lines = [
        table,
        Text(f"{right:,} of {classes.total:,} test samples right ({percent(accuracy)})"),
    ]
    pair = classes.most_confused()
    if pair is None:
        lines.append(Text("No test sample is misclassified."))
    else:
        true, given, count = pair
        of_row = count / max(int(matrix[true].sum()), 1)
        lines.append(
            Text.assemble(
                ("most confused: ", "bold"),
                f"{names[true]} taken for {names[given]}: {count:,} times "
                f"({percent(of_row, 0)} of the {names[true]}s)",
            )
        )
    return Group(*lines)
