"""Neuron maps: every hidden and output neuron's activation a^l_j over the input plane.

TensorFlow Playground's network view, for our 2-D data: one forward pass of the network
over a small grid of the plane (z^l = a^(l−1) wᵀ + b, a^l = σ(z^l), layer by layer, with
the engine's own σ) gives, for each neuron, what it responds to. Beside each map: the
neuron's strongest incoming weights (sign and size, and which neuron of the layer below
they come from) and, after a step, its ∂C/∂b^l_j = mean δ^l_j (BP3) — the engine's
``nabla_b`` of that step, copied, never recomputed. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tui_backprop.data import Dataset
from tui_backprop.engine import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, Gradients, Network
from tui_backprop.training.grid import MapGrid

#: pixels (columns × rows) of each neuron's map: small enough for many on one screen
NEURON_MAP_RESOLUTION = (12, 12)
#: how many incoming weights are named per neuron (the largest by |w|)
STRONGEST = 2


@dataclass(frozen=True)
class IncomingWeight:
    """One weight w^l_jk into neuron j, from neuron k of the layer below (0-based)."""

    k: int
    w: float


@dataclass(frozen=True)
class LayerMaps:
    """One layer's maps. ``activations`` is (rows, cols, n_neurons), row 0 at the bottom."""

    activation: str  # σ of the layer, which decides the colour scale
    activations: np.ndarray
    strongest: tuple[tuple[IncomingWeight, ...], ...]  # per neuron, largest |w| first
    nabla_b: np.ndarray | None  # ∂C/∂b^l (BP3) of the latest step, None before one

    @property
    def n_neurons(self) -> int:
        """The number of neurons in the layer."""
        return self.activations.shape[-1]

    def value_range(self) -> tuple[float, float]:
        """The colour scale's ends: σ's own range where it has one, else the data's."""
        if self.activation in ("sigmoid", "softmax"):
            return 0.0, 1.0
        if self.activation == "tanh":
            return -1.0, 1.0
        finite = self.activations[np.isfinite(self.activations)]
        top = float(np.abs(finite).max()) if finite.size else 1.0
        top = top if top > 0 else 1.0
        return (0.0, top) if self.activation == "relu" else (-top, top)


@dataclass(frozen=True)
class NeuronMaps:
    """Every layer's maps (code index: 0 is the first hidden layer) over one plane."""

    step: int  # the step whose ∂C/∂b is shown (0: none yet)
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    layers: tuple[LayerMaps, ...]


def layer_activations(net: Network, X: np.ndarray) -> list[np.ndarray]:
    """a^l for every layer (code index) of the inputs X: the engine's forward pass, kept."""
    a = np.ascontiguousarray(X, dtype=net.dtype)
    last = len(net.weights) - 1
    outputs = []
    for l, (w, b) in enumerate(zip(net.weights, net.biases)):
        sigma = OUTPUT_ACTIVATIONS[net.output_activation_name] if l == last else None
        sigma = sigma or HIDDEN_ACTIVATIONS[net.activation_name]
        z = a @ w.T
        z += b
        a = sigma.fn(z)
        outputs.append(a)
    return outputs


def strongest_weights(w: np.ndarray, count: int = STRONGEST) -> tuple[tuple[IncomingWeight, ...]]:
    """For each row j of w (n_out, n_in): the ``count`` largest |w_jk| (ties: lower k)."""
    order = np.argsort(-np.abs(w), axis=1, kind="stable")[:, :count]
    return tuple(
        tuple(IncomingWeight(int(k), float(w[j, k])) for k in row) for j, row in enumerate(order)
    )


@dataclass(frozen=True)
class NeuronMapper:
    """The plane's grid for the maps of one run (2-D data only)."""

    grid: MapGrid

    @classmethod
    def build(
        cls, dataset: Dataset, seed: int, resolution: tuple[int, int] = NEURON_MAP_RESOLUTION
    ) -> NeuronMapper | None:
        """The mapper for data with two inputs; None for any other (no plane to map)."""
        if dataset.info.n_inputs != 2:
            return None
        grid = MapGrid.build(dataset, seed, resolution, point_count=0)
        return None if grid is None else cls(grid)

    def maps(self, net: Network, last: Gradients | None, step: int) -> NeuronMaps:
        """Every neuron's map for the network as it is now, with the last step's ∂C/∂b."""
        rows, cols = self.grid.shape
        names = [net.activation_name] * (len(net.weights) - 1) + [net.output_activation_name]
        layers = tuple(
            LayerMaps(
                activation=names[l],
                activations=a.reshape(rows, cols, a.shape[1]).astype(float),
                strongest=strongest_weights(np.asarray(net.weights[l], float)),
                nabla_b=None if last is None else np.array(last.nabla_b[l], dtype=float),
            )
            for l, a in enumerate(layer_activations(net, self.grid.inputs))
        )
        return NeuronMaps(
            step=step if last is not None else 0,
            x_range=self.grid.x_range,
            y_range=self.grid.y_range,
            layers=layers,
        )
