"""The hint line: the first diagnosis of the latest evaluation, with the key that fixes it.

One line above the status bar, shown only while a rule fires: it never covers a panel or
takes the focus. A fix once applied hides its hint until a later evaluation finds it again.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tui_backprop.training import RunState, Snapshot
from tui_backprop.training.diagnoses import Diagnosis

#: the key that applies the hint's fix (bound on the main screen)
FIX_KEY = "f"


class HintLine(Static):
    """Shows ``snapshot.diagnoses[0]`` as "f: fix │ finding"; hidden when there is none."""

    def __init__(self, *, id: str | None = None) -> None:
        """Empty and hidden."""
        super().__init__("", id=id, markup=False)
        self.diagnosis: Diagnosis | None = None
        self._applied: tuple[str, int] | None = None  # (rule, epoch) of the fix applied
        self.display = False

    def show(self, snapshot: Snapshot) -> None:
        """The first diagnosis of this snapshot, unless its fix was applied at this epoch or
        the run diverged (its way on is the rollback bar's u: η on a run that has ended
        would change nothing)."""
        found = snapshot.diagnoses[0] if snapshot.diagnoses else None
        if found is not None and self._applied == (found.rule, snapshot.epoch):
            found = None
        if snapshot.state == RunState.DIVERGED:
            found = None
        if found == self.diagnosis:
            return
        self._set(found)
        if found is not None:
            # the key and the fix first: a narrow terminal cuts the end of the line
            text = Text(f"⚠ {FIX_KEY}: ", style="bold")
            text.append(found.fix_shown + (" (new weights)" if found.rebuild else ""), style="bold")
            text.append(f" │ {found.finding}")
            self.update(text, layout=False)  # one line high, whatever it says

    def applied(self, epoch: int) -> None:
        """The current hint's fix was applied: hide it until a later evaluation."""
        if self.diagnosis is not None:
            self._applied = (self.diagnosis.rule, epoch)
        self._set(None)

    def clear(self) -> None:
        """A new network: no hint."""
        self._applied = None
        self._set(None)

    def _set(self, diagnosis: Diagnosis | None) -> None:
        """Show the line for a diagnosis, or hide it."""
        self.diagnosis = diagnosis
        self.display = diagnosis is not None
