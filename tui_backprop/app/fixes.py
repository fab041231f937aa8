"""Applying a diagnosis's fix (`f`): η on the running network, anything else on new weights.

A base of ``BackpropApp``, beside ``CompareRuns``: a fix that needs new weights replaces the
run, which then stays on the loss plot as an overlay labelled by what the fix changed.
"""

from __future__ import annotations

from tui_backprop.training import ConfigError, RunConfig


class ApplyFix:
    """The app's `f` key (mixed into the app)."""

    config: RunConfig
    preset_name: str | None

    def action_fix(self) -> None:
        """Apply the hint's fix, or say that there is no hint."""
        hint = self.main.hint
        diagnosis = hint.diagnosis
        if diagnosis is None:
            self.notify("No hint to act on: the diagnoses run after each evaluation.", timeout=3)
            return
        changes = dict(diagnosis.changes)
        if not diagnosis.rebuild and set(changes) == {"eta"}:
            self._set_eta(changes["eta"])
            self.main.form.set_eta(changes["eta"])
            epoch = self.latest.epoch if self.latest is not None else 0
            hint.applied(epoch)
            self.notify(f"Fix applied: {diagnosis.fix_shown} on the running network.", timeout=4)
            return
        try:
            config = self.config.replace(**changes)
        except ConfigError as error:
            self.notify(str(error), title="Cannot apply the fix", severity="error", timeout=8)
            return
        if self.prepare(config, self.preset_name):
            self.notify(f"Fix applied: {diagnosis.fix_shown}, new weights: press space.", timeout=5)
