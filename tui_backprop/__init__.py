"""tui-backprop: a terminal lab for watching backpropagation work."""

__version__ = "0.1.0"
