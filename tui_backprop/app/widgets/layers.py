"""What is wrong with the form's layers field, said in the form's own notation (2-16-1).

The configuration's rules speak TOML (``sizes = [2, 0, 3] must be a list …``), which is
right for a preset file but not for someone typing ``2-0-3`` into the form.
"""

from __future__ import annotations

import numpy as np

from tui_backprop.formatting import counted
from tui_backprop.training import RunConfig
from tui_backprop.training.config import RULES
from tui_backprop.training.field_rules import MAX_LAYERS, MAX_WIDTH
from tui_backprop.training.memory import over_limit


def sizes_text(sizes: list[int]) -> str:
    """Layer sizes written as the user types them: 2-16-16-1."""
    return "-".join(str(n) for n in sizes)


def layers_problem(text: str, config: RunConfig, shape: tuple[int, int] | None) -> str:
    """Why ``text`` cannot be the layers of ``config`` (with the dataset's (inputs,
    outputs) ``shape`` when known), or '' when it can; in the form's notation."""
    n_in, n_out = shape if shape is not None else (config.sizes[0], config.sizes[-1])
    example = sizes_text([n_in, 16, n_out])
    sizes = RULES["sizes"].parse(text)
    if not isinstance(sizes, list):
        return f"write whole numbers joined by dashes, such as {example}"
    if len(sizes) < 2:
        return f"needs an input and an output layer at least, such as {example}"
    if len(sizes) > MAX_LAYERS:
        return f"at most {MAX_LAYERS} layers ({len(sizes)} given)"
    if min(sizes) < 1:
        return f"every layer needs at least 1 neuron ({sizes_text(sizes)} has a {min(sizes)})"
    if max(sizes) > MAX_WIDTH:
        return f"at most {MAX_WIDTH:,} neurons in a layer"
    if shape is not None and (sizes[0] != n_in or sizes[-1] != n_out):
        return (
            f"must start with {n_in} and end with {n_out}: {config.dataset} has "
            f"{counted(n_in, 'input')} and {counted(n_out, 'output')}, such as {example}"
        )
    too_big = over_limit(sizes, np.dtype(config.dtype).itemsize, config.batch_size)
    return f"{sizes_text(sizes)} {too_big}" if too_big else ""
