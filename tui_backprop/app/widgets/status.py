"""The status bar: the run's state, epoch, step, speed, η, pace, and the last cost and
accuracy."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

from tui_backprop.formatting import compact, number, percent
from tui_backprop.training import RunState, Snapshot

#: a glyph per state, so the state reads at a glance even without colour; all one cell
#: wide in every terminal (no emoji-presentation symbols such as ⏸ or ✔)
#: the run's states (RunState) and the app's own: "loading" and "error"
GLYPHS = {
    RunState.IDLE: "■",
    "loading": "…",
    RunState.RUNNING: "▶",
    RunState.PAUSED: "‖",
    RunState.FINISHED: "✓",
    RunState.STOPPED: "■",
    RunState.DIVERGED: "✗",
    RunState.FAILED: "✗",
    "error": "✗",
}
STATES = tuple(GLYPHS)


class StatusBar(Widget):
    """One line: state, epoch, step, samples/s, η, the last cost and accuracy.

    A plain widget that renders its line: redrawing it never asks for a new layout,
    which a Static's update would, up to 15 times a second.
    """

    def __init__(self, **kwargs: object) -> None:
        """An idle status bar."""
        super().__init__(**kwargs)
        self.state: str = RunState.IDLE
        self.note = "press space to start"
        self.snapshot: Snapshot | None = None
        self.eta: float | None = None
        self.pace = ""  # "pace 500/s", "pace max" (the app sets it)
        self.viewing: tuple[int, int] | None = None  # (step shown, live step) when rewound

    def on_mount(self) -> None:
        """Draw the idle line."""
        self._render_line()

    def show(self, snapshot: Snapshot) -> None:
        """Show a snapshot of the run."""
        self.snapshot = snapshot
        self.state = snapshot.state
        self.eta = snapshot.eta
        self.note = {
            RunState.IDLE: "space starts · n steps · ? help",
            RunState.PAUSED: "space resumes · n steps",
            RunState.FINISHED: "space starts again",
            RunState.DIVERGED: "u rolls back · space starts again",
            RunState.FAILED: "see the notification",
        }.get(snapshot.state, "")
        self._render_line()

    def set_state(self, state: str, note: str = "", eta: float | None = None) -> None:
        """Show an app-level state (idle, loading, error) and clear the run's numbers."""
        self.state = state
        self.note = note
        self.snapshot = None
        if eta is not None:
            self.eta = eta
        self._render_line()

    def set_eta(self, eta: float) -> None:
        """Show a new η at once, before the trainer's next snapshot."""
        self.eta = eta
        self._render_line()

    def set_viewing(self, step: int | None, live: int = 0) -> None:
        """Mark the snapshot shown as the moment of ``step`` while the run is at ``live``
        (rewind), or (None) as the live run."""
        self.viewing = None if step is None else (step, live)
        self.set_class(step is not None, "-viewing")
        self._render_line()

    def set_pace(self, label: str) -> None:
        """Show the pace the app trains at."""
        self.pace = label
        self._render_line()

    @property
    def text(self) -> str:
        """The line as plain text (what a user reads)."""
        return self._line().plain

    def _parts(self, level: int) -> list[tuple[str, str]]:
        """The pieces of the line with their styles, shorter at each ``level``: 1 drops the
        hint and shortens samples/s, 2 (an 80-column bar) also drops the step and the speed
        and, beside an accuracy, the cost, so that the accuracies still fit; 3 keeps only
        the test accuracy, a 3-digit η and a short rewind mark, so that η always shows."""
        s = self.snapshot
        parts: list[tuple[str, str]] = [(f"{GLYPHS.get(self.state, '?')} {self.state}", "bold")]
        if self.viewing is not None:
            step, live = self.viewing
            viewing = f"◀ viewing step {step:,} — live is step {live:,}"
            if level > 2:
                viewing = f"◀ step {step:,} of {live:,}"
            parts = [(viewing, "bold reverse")]
        if self.pace:  # early in the line, so that a narrow bar still shows it
            parts.append((self.pace, ""))
        if s is not None:
            parts.append((f"epoch {s.epoch}/{s.epochs}", ""))
            if level < 2:
                parts.append((f"step {s.step:,}", ""))
        if s is not None and s.step:
            # every number says which set it is measured on
            if s.train_cost is None:
                parts.append((f"batch cost {number(s.batch_cost, 4)}", ""))
            elif level < 2 or s.train_accuracy is None:
                parts.append((f"train cost {number(s.train_cost, 4)}", ""))
            if s.train_accuracy is not None:
                accuracy = f"acc train {percent(s.train_accuracy)}"
                if s.test_accuracy is not None:
                    test = f"test {percent(s.test_accuracy)}"
                    accuracy = f"acc {test}" if level > 2 else f"{accuracy} {test}"
                parts.append((accuracy, ""))
        if self.eta is not None:
            parts.append((f"η {number(self.eta, 3 if level > 2 else 4)}", ""))
        if s is not None and s.state == RunState.RUNNING and level < 2:
            unit = "/s" if level else " samples/s"
            parts.append((f"{compact(s.samples_per_second)}{unit}", "dim"))
        if self.viewing is not None and not level:
            parts.append((", earlier · . later · b branch from here · space back to live", "dim"))
        elif self.note and not level:
            parts.append((self.note, "dim"))
        return parts

    def _line(self, level: int | None = None) -> Text:
        """The status line, at the first level of shortening that fits."""
        if level is None:
            width = self.size.width - 2 if self.size.width else 10_000
            level = next((lv for lv in (0, 1, 2) if self._line(lv).cell_len <= width), 3)
        line = Text(no_wrap=True, overflow="ellipsis")
        for i, (chunk, style) in enumerate(self._parts(level)):
            if i:
                line.append(" │ ", "dim")
            line.append(chunk, style)
        return line

    def render(self) -> Text:
        """The line for the current width."""
        return self._line()

    def _render_line(self) -> None:
        """Redraw, with a CSS class per state for its colour."""
        for state in STATES:
            self.set_class(state == self.state, f"-{state}")
        self.refresh()
