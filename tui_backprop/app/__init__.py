"""The Textual face of tui-backprop: ``BackpropApp`` and its screens and widgets."""

from tui_backprop.app.app import BackpropApp

__all__ = ["BackpropApp"]
