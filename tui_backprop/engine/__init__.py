"""The NumPy backpropagation engine: networks, activations, costs, gradient checking.

Pure NumPy: no threads, no files, no user interface.
"""

from tui_backprop.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from tui_backprop.engine.costs import COSTS
from tui_backprop.engine.gradcheck import (
    GradCheckReport,
    check_gradients,
    numerical_gradient,
    seed_forward_pass_count,
)
from tui_backprop.engine.network import Gradients, Network, param_count
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
    "GradCheckReport",
    "Gradients",
    "Network",
    "check_choice",
    "check_dtype",
    "check_gradients",
    "check_pairing",
    "check_sizes",
    "numerical_gradient",
    "param_count",
    "seed_forward_pass_count",
]
