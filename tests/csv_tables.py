"""A CSV table for the tests of input standardisation (imports nothing of the package, so
that tests proving a fix against an older checkout can use it too)."""

from __future__ import annotations

from pathlib import Path

import numpy as np


def write_table(path: Path, shift: float, seed: int) -> Path:
    """Two features on very different scales (thousands and thousandths) and two classes."""
    rng = np.random.default_rng(seed)
    big, small = rng.normal(2000, 500, 300), rng.normal(0.002, 0.001, 300)
    kind = np.where((big - 2000) / 500 + (small - 0.002) / 0.001 > 0, "yes", "no")
    rows = ["area,ratio,kind"] + [f"{b + shift},{s},{k}" for b, s, k in zip(big, small, kind)]
    path.write_text("\n".join(rows) + "\n")
    return path
