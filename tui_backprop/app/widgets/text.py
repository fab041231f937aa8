"""Text in a panel: the placeholder, centring, fitting a width, and sparklines."""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text

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
