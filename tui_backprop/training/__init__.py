"""Training: the run configuration and presets, the trainer, and its snapshots.

Knows the engine and the data; never imports the user interface.
"""

from tui_backprop.training.config import ConfigError, RunConfig, apply_overrides, from_dict
from tui_backprop.training.presets import DEFAULT_PRESET, list_presets, load_preset, preset_names
from tui_backprop.training.snapshot import Snapshot
from tui_backprop.training.trainer import Trainer

__all__ = [
    "DEFAULT_PRESET",
    "ConfigError",
    "RunConfig",
    "Snapshot",
    "Trainer",
    "apply_overrides",
    "from_dict",
    "list_presets",
    "load_preset",
    "preset_names",
]
