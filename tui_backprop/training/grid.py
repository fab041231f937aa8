"""The fixed inputs over which the output map is drawn: a picture concern, kept NumPy-only.

The trainer computes the map (it owns the network and the thread that changes it); what
the map covers, at what resolution and with which training points on top is decided once,
here, when the run is built.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tui_backprop.data import Dataset
from tui_backprop.engine import Network
from tui_backprop.training.snapshot import OutputMap

#: columns × rows of the plane (2 inputs) or columns of the curve (1 input)
DEFAULT_RESOLUTION = (48, 24)
#: training points drawn on top of the map
DEFAULT_POINT_COUNT = 400


@dataclass(frozen=True)
class MapGrid:
    """Inputs covering the data's range, and a fixed subsample of training points.

    ``kind`` is "plane" for 2 inputs (``inputs`` is the rows × cols grid, row 0 at the
    bottom) or "curve" for 1 input (``inputs`` is ``xs`` as a column).
    """

    kind: str
    resolution: tuple[int, int]  # (cols, rows) asked for
    point_count: int  # training points asked for (fewer when the set is smaller)
    inputs: np.ndarray  # (k, n_inputs)
    shape: tuple[int, ...]  # (rows, cols) for a plane, (cols,) for a curve
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    xs: np.ndarray | None  # the curve's inputs, (cols,)
    points: np.ndarray
    targets: np.ndarray
    labels: np.ndarray | None  # classes of the points, None for regression

    @classmethod
    def build(
        cls,
        dataset: Dataset,
        seed: int,
        resolution: tuple[int, int] = DEFAULT_RESOLUTION,
        point_count: int = DEFAULT_POINT_COUNT,
    ) -> MapGrid | None:
        """The grid for data with 1 or 2 inputs; None for data that cannot be drawn."""
        info = dataset.info
        if info.n_inputs not in (1, 2):
            return None
        X, Y = dataset.X_train, dataset.Y_train
        lo, hi = info.input_range or (float(X.min()), float(X.max()))
        cols, rows = resolution
        pick = np.random.default_rng(seed).permutation(len(X))[: min(point_count, len(X))]
        points, targets = X[pick], Y[pick]
        labels = dataset.labels(targets) if dataset.is_classification else None
        if info.n_inputs == 2:
            gx, gy = np.meshgrid(np.linspace(lo, hi, cols), np.linspace(lo, hi, rows))
            inputs = np.column_stack([gx.ravel(), gy.ravel()])
            kind, shape, xs, y_range = "plane", (rows, cols), None, (lo, hi)
        else:
            xs = np.linspace(lo, hi, max(cols, 2))
            inputs = xs[:, None]
            kind, shape, y_range = "curve", (len(xs),), (float(Y.min()), float(Y.max()))
        return cls(
            kind=kind,
            resolution=(cols, rows),
            point_count=point_count,
            inputs=inputs,
            shape=shape,
            x_range=(lo, hi),
            y_range=y_range,
            xs=xs,
            points=points,
            targets=targets,
            labels=labels,
        )

    def output_map(self, net: Network) -> OutputMap:
        """The network's outputs over the grid (one forward pass), with the points on top."""
        outputs = net.feedforward(self.inputs)
        return OutputMap(
            kind=self.kind,
            x_range=self.x_range,
            y_range=self.y_range,
            outputs=outputs.reshape(*self.shape, outputs.shape[1]),
            xs=self.xs,
            points=self.points,
            point_targets=self.targets,
            point_labels=self.labels,
        )
