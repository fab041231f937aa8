"""The NumPy backpropagation engine: networks, activations, costs, gradient checking.

Pure NumPy: no threads, no files, no user interface.
"""

from tui_backprop.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from tui_backprop.engine.costs import COSTS
from tui_backprop.engine.gradcheck import (
    Cancelled,
    GradCheckReport,
    chapter2_pass_count,
    check_gradients,
    numerical_gradient,
    time_backprop,
)
from tui_backprop.engine.network import Gradients, Network
from tui_backprop.engine.parameters import param_count
from tui_backprop.engine.rules import (
    CHOICES,
    DTYPES,
    INITS,
    NETWORK_ARGUMENTS,
    check_choice,
    check_dtype,
    check_pairing,
    check_sizes,
)

__all__ = [
    "CHOICES",
    "COSTS",
    "DTYPES",
    "HIDDEN_ACTIVATIONS",
    "INITS",
    "NETWORK_ARGUMENTS",
    "OUTPUT_ACTIVATIONS",
    "Cancelled",
    "GradCheckReport",
    "Gradients",
    "Network",
    "chapter2_pass_count",
    "check_choice",
    "check_dtype",
    "check_gradients",
    "check_pairing",
    "check_sizes",
    "numerical_gradient",
    "param_count",
    "time_backprop",
]
