"""tui-backprop: a terminal lab for watching backpropagation work."""

import logging

__version__ = "0.1.0"

# a library logs, the application decides where logs go: nothing reaches the terminal
# (where it would garble the app's screen) unless a handler is configured
logging.getLogger(__name__).addHandler(logging.NullHandler())
