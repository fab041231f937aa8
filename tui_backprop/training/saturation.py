"""Saturated and dead neurons of a mini-batch, per layer, from the engine's z and σ'(z).

A sigmoid or tanh neuron is *saturated* on a batch when σ'(z) is below 1 % of σ's largest
slope for every sample: BP1 and BP2 multiply its δ by that σ', so it hardly learns (the
learning slowdown of chapter 3, the unstable gradients of chapter 5). A ReLU neuron is
*dead* when z ≤ 0 for every sample: σ'(z) = 0 and no gradient reaches its weights at all.
Linear and softmax neurons are neither. No Textual here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tui_backprop.engine import Gradients
from tui_backprop.training.inspector_rows import Architecture, sigma_prime_of

#: a slope below this share of σ's maximum counts as saturated
SATURATION_SHARE = 0.01
#: the largest slope of each saturating activation: σ'(0)
MAX_SLOPE = {"sigmoid": 0.25, "tanh": 1.0}
SATURATED, DEAD = "saturated", "dead"


@dataclass(frozen=True)
class LayerSaturation:
    """Which neurons of one layer were saturated (or dead) for every sample of a batch."""

    kind: str  # "saturated", "dead", or "" where the activation cannot saturate
    mask: np.ndarray  # (n_neurons,) bool, True for a saturated or dead neuron

    @property
    def count(self) -> int:
        """How many neurons are saturated or dead."""
        return int(self.mask.sum())

    @property
    def share(self) -> float | None:
        """The fraction of the layer's neurons saturated or dead (None when not measured)."""
        if not self.kind or self.mask.size == 0:
            return None
        return self.count / self.mask.size


def layer_saturation(
    activation: str, z: np.ndarray, sigma_prime: np.ndarray | None
) -> LayerSaturation:
    """The saturated (sigmoid, tanh) or dead (ReLU) neurons of one layer; z is (m, n)."""
    n = z.shape[1]
    if len(z) == 0:
        return LayerSaturation("", np.zeros(n, bool))
    if activation == "relu":
        return LayerSaturation(DEAD, np.all(z <= 0, axis=0))
    peak = MAX_SLOPE.get(activation)
    if peak is None or sigma_prime is None:
        return LayerSaturation("", np.zeros(n, bool))
    return LayerSaturation(SATURATED, np.all(sigma_prime < SATURATION_SHARE * peak, axis=0))


def network_saturation(
    zs: list[np.ndarray],
    sigma_primes: list[np.ndarray | None],
    activation: str,
    output_activation: str,
) -> tuple[LayerSaturation, ...]:
    """Every layer's saturation (code index: 0 is the first hidden layer)."""
    last = len(zs) - 1
    return tuple(
        layer_saturation(output_activation if l == last else activation, z, slope)
        for l, (z, slope) in enumerate(zip(zs, sigma_primes))
    )


def saturation_of(gradients: Gradients, architecture: Architecture) -> tuple[LayerSaturation, ...]:
    """Every layer's saturation on the mini-batch of ``gradients``, from the engine's z and
    σ'(z)."""
    slopes = [sigma_prime_of(gradients, architecture, l) for l in range(len(gradients.zs))]
    return network_saturation(
        gradients.zs, slopes, architecture.activation, architecture.output_activation
    )


def output_slow_share(
    gradients: Gradients, architecture: Architecture, slope_share: float
) -> float | None:
    """The share of output neurons whose σ'(z^L) stayed below ``slope_share`` of σ's peak
    on every sample of the batch (None where the output σ cannot saturate)."""
    peak = MAX_SLOPE.get(architecture.output_activation)
    if peak is None:  # softmax, linear or ReLU outputs: no slope to fall
        return None
    slope = sigma_prime_of(gradients, architecture, len(gradients.zs) - 1)
    if slope is None or len(slope) == 0:
        return None
    return float(np.mean(np.all(slope < slope_share * peak, axis=0)))


def dead_share(layers: tuple[LayerSaturation, ...]) -> float | None:
    """The share of dead neurons over the layers with ReLU (None without any)."""
    relu = [layer for layer in layers if layer.kind == DEAD]
    total = sum(layer.mask.size for layer in relu)
    return sum(layer.count for layer in relu) / total if total else None


def shares(layers: tuple[LayerSaturation, ...]) -> tuple[float | None, ...]:
    """The share of saturated or dead neurons per layer (None where not measured)."""
    return tuple(layer.share for layer in layers)
