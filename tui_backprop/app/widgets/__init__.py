"""The app's widgets: the experiment form, the status bar and the live panels."""

from tui_backprop.app.widgets.form import ExperimentForm
from tui_backprop.app.widgets.status import StatusBar

__all__ = ["ExperimentForm", "StatusBar"]
