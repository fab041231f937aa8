"""A half-block canvas: two square pixels per terminal cell, as Rich segments."""

from __future__ import annotations

import numpy as np
from rich.segment import Segment, SegmentLines
from rich.style import Style

from tui_backprop.app.widgets.palette import Palette


def half_block_lines(
    pixels: np.ndarray,
    palette: Palette,
    glyphs: dict[tuple[int, int], tuple[str, Style]] | None = None,
) -> list[list[Segment]]:
    """Terminal lines for a (rows, cols) array of palette indices, two pixel rows a line.

    Each cell is "▀" with the upper pixel as foreground and the lower as background,
    so square pixels come out square. ``glyphs`` maps (line, col) to a character and a
    foreground style drawn over that cell (its background stays the cell's lower pixel).
    Runs of equal cells are merged into one segment to keep the output short.
    """
    if len(pixels) % 2:
        pixels = np.vstack([pixels, np.full((1, pixels.shape[1]), -1, dtype=pixels.dtype)])
    glyphs = glyphs or {}
    lines: list[list[Segment]] = []
    for line in range(len(pixels) // 2):
        top, bottom = pixels[2 * line].tolist(), pixels[2 * line + 1].tolist()
        cells = []
        for col, (upper, lower) in enumerate(zip(top, bottom)):
            glyph = glyphs.get((line, col))
            if glyph is not None:
                char, style = glyph
                cells.append((char, style + palette.style(-1, lower if lower >= 0 else upper)))
            elif upper < 0:
                cells.append((" ", palette.style(-1, -1)))
            else:
                cells.append(("▀", palette.style(upper, lower)))
        lines.append(merge_cells(cells))
    return lines


def merge_cells(cells: list[tuple[str, Style]]) -> list[Segment]:
    """Segments for a line of (text, style) cells, merging neighbours of the same style."""
    segments: list[Segment] = []
    text, style = "", None
    for char, cell_style in cells:
        if cell_style is style:
            text += char
            continue
        if text:
            segments.append(Segment(text, style))
        text, style = char, cell_style
    if text:
        segments.append(Segment(text, style))
    return segments


def lines_renderable(lines: list[list[Segment]]) -> SegmentLines:
    """A Rich renderable of prepared lines."""
    return SegmentLines(lines, new_lines=True)
