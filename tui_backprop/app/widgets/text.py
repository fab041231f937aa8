"""Text in a panel: the placeholder, centring, fitting a width, and sparklines."""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from tui_backprop.app.widgets.plotting import decimate

#: the message every panel shows before the first snapshot
PLACEHOLDER = "press space to train"


_SPARKS = "▁▂▃▄▅▆▇█"


def sparkline(values: np.ndarray, width: int, log: bool = False) -> str:
    """The last ``width`` finite values as block characters (higher = larger)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values) & ((values > 0) if log else True)]
    if width <= 0 or values.size == 0:
        return ""
    values = values[decimate(len(values), width)]
    if log:
        values = np.log10(values)
    low, high = float(values.min()), float(values.max())
    span = high - low or 1.0
    steps = np.rint((values - low) / span * (len(_SPARKS) - 1)).astype(int)
    return "".join(_SPARKS[i] for i in steps)


def title_width(plot_width: int) -> int:
    """The longest title plotext shows on a plot this wide (it drops longer ones)."""
    return plot_width - 4


def waiting_text(running: bool) -> str:
    """What a panel says before its first data: a hint, or patience while a run starts."""
    return "waiting for the first mini-batch…" if running else PLACEHOLDER


def note_in_middle(text: str, width: int, height: int) -> Text:
    """A dim note centred both ways in a ``width`` × ``height`` area."""
    return Text("\n" * max((height - 1) // 2, 0) + centred(text, width), style=Style(dim=True))


def centred(text: str, width: int) -> str:
    """``text`` with the spaces in front that centre it in ``width`` cells."""
    return " " * max((width - len(text)) // 2, 0) + text


def fit_text(candidates: list[str], width: int) -> str:
    """The first candidate whose every line fits ``width`` cells, else the last one cut short."""
    for text in candidates:
        if max(len(line) for line in text.split("\n")) <= width:
            return text
    return candidates[-1][: max(width, 0)]


class LineStatic(Static):
    """A Static whose text changes often but whose number of lines seldom does.

    ``Static.update`` lays the whole screen out again (a reflow of every widget) in case the
    size changed; at max pace that cost more than drawing. ``show`` asks for a layout only
    when the number of lines changes.
    """

    _lines: int | None = None

    def show(self, content: str | Text) -> None:
        """Show ``content``, with a layout only if its line count differs from the last."""
        plain = content.plain if isinstance(content, Text) else content
        lines = plain.count("\n") + 1 if plain else 0
        self.update(content, layout=lines != self._lines)
        self._lines = lines
