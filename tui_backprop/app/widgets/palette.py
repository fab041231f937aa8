"""Colours: fixed palettes of RGB rows, with Rich styles cached per palette.

Colours are kept as small fixed palettes (arrays of RGB rows) and pixels as palette
indices, so that a frame of thousands of cells needs only a few hundred Rich styles,
cached per palette: building a ``Style`` per cell would cost ~0.1 s a frame.
"""

from __future__ import annotations

import numpy as np
from rich.color import Color
from rich.style import Style

RGB = tuple[int, int, int]

#: one colour per class (matplotlib's tab10: distinct, and readable on dark and light)
CLASS_COLORS: tuple[RGB, ...] = (
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
)
#: one line colour per layer in the gradient plot (bright, so lines show on a dark plot)
LAYER_COLORS: tuple[RGB, ...] = (
    (86, 180, 233),
    (230, 159, 0),
    (0, 158, 115),
    (240, 228, 66),
    (204, 121, 167),
    (213, 94, 0),
    (0, 114, 178),
    (200, 200, 200),
)
TRAIN_COLOR: RGB = (86, 180, 233)
TEST_COLOR: RGB = (230, 159, 0)
BATCH_COLOR: RGB = (150, 150, 150)
#: earlier runs drawn under the current one: muted, so that the live curves stand out
OVERLAY_COLORS: tuple[RGB, ...] = (
    (150, 120, 170),
    (120, 150, 120),
    (170, 130, 110),
    (110, 140, 170),
    (160, 160, 110),
    (160, 110, 130),
)
#: what a class region fades to where the network is unsure
UNSURE_COLOR: RGB = (40, 40, 46)
NAN_COLOR: RGB = (0, 0, 0)

#: blue (negative) - light grey (0) - red (positive), after Moreland's "cool to warm"
_DIVERGING_ANCHORS = ((59, 76, 192), (221, 221, 221), (180, 4, 38))
#: dark violet - teal - yellow, after viridis
_SEQUENTIAL_ANCHORS = ((68, 1, 84), (59, 82, 139), (33, 145, 140), (94, 201, 98), (253, 231, 37))


def layer_color(layer: int) -> RGB:
    """The line colour of a layer (engine index), cycling when there are many layers."""
    return LAYER_COLORS[layer % len(LAYER_COLORS)]


def class_color(label: int) -> RGB:
    """The colour of a class, cycling past ten classes."""
    return CLASS_COLORS[int(label) % len(CLASS_COLORS)]


def rgb(color: RGB) -> str:
    """A Rich colour string for an RGB triple."""
    return "rgb({},{},{})".format(*color)


def mix(a: RGB, b: RGB, t: float) -> RGB:
    """The colour a fraction ``t`` of the way from ``a`` to ``b``."""
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))  # type: ignore[return-value]


def _ramp(anchors: tuple[RGB, ...], count: int) -> np.ndarray:
    """``count`` colours interpolated evenly through the anchors, as a (count, 3) array."""
    stops = np.linspace(0.0, 1.0, len(anchors))
    where = np.linspace(0.0, 1.0, count)
    columns = [np.interp(where, stops, [c[i] for c in anchors]) for i in range(3)]
    return np.rint(np.column_stack(columns)).astype(np.uint8)


class Palette:
    """A fixed list of colours with cached Rich styles for half-block cells and glyphs."""

    def __init__(self, colors: np.ndarray) -> None:
        """Keep the (count, 3) RGB rows; styles are made on first use."""
        self.rgb = np.asarray(colors, dtype=np.uint8)
        self._colors = [Color.from_rgb(*map(int, row)) for row in self.rgb]
        self._styles: dict[tuple[int, int], Style] = {}

    def __len__(self) -> int:
        """The number of colours."""
        return len(self._colors)

    def style(self, fg: int, bg: int = -1) -> Style:
        """The style with colour ``fg`` on colour ``bg`` (-1: the terminal's own)."""
        key = (fg, bg)
        style = self._styles.get(key)
        if style is None:
            color = self._colors[fg] if fg >= 0 else None
            bgcolor = self._colors[bg] if bg >= 0 else None
            style = self._styles[key] = Style(color=color, bgcolor=bgcolor)
        return style


def diverging_palette(half: int) -> Palette:
    """``2 * half + 1`` colours from blue through grey (index ``half`` = 0) to red, then NaN."""
    colors = _ramp(_DIVERGING_ANCHORS, 2 * half + 1)
    return Palette(np.vstack([colors, np.array([NAN_COLOR], dtype=np.uint8)]))


def sequential_palette(count: int) -> Palette:
    """``count`` colours from dark violet (low) to yellow (high), then NaN."""
    colors = _ramp(_SEQUENTIAL_ANCHORS, count)
    return Palette(np.vstack([colors, np.array([NAN_COLOR], dtype=np.uint8)]))


def class_palette(classes: int, levels: int) -> Palette:
    """``levels`` shades per class, from unsure (dark) to sure (full colour), class-major."""
    rows = [
        mix(UNSURE_COLOR, class_color(c), 0.15 + 0.7 * level / max(levels - 1, 1))
        for c in range(classes)
        for level in range(levels)
    ]
    return Palette(np.array(rows + [NAN_COLOR], dtype=np.uint8))
