"""Training: the run configuration and presets, the trainer, and its snapshots.

Knows the engine and the data; never imports the user interface.
"""

from tui_backprop.training.config import ConfigError, RunConfig, apply_overrides, from_dict
from tui_backprop.training.evaluator import EpochRecord, Evaluation
from tui_backprop.training.inspection import Checkpoint, Divergence, Parameters, StepDetail
from tui_backprop.training.presets import DEFAULT_PRESET, list_presets, load_preset, preset_names
from tui_backprop.training.snapshot import Snapshot
from tui_backprop.training.states import TERMINAL_STATES, RunState
from tui_backprop.training.trainer import Trainer

__all__ = [
    "DEFAULT_PRESET",
    "TERMINAL_STATES",
    "Checkpoint",
    "ConfigError",
    "Divergence",
    "EpochRecord",
    "Evaluation",
    "Parameters",
    "RunConfig",
    "RunState",
    "Snapshot",
    "StepDetail",
    "Trainer",
    "apply_overrides",
    "from_dict",
    "list_presets",
    "load_preset",
    "preset_names",
]
