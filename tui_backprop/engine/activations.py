"""Activation functions σ and their derivatives σ', each a small class.

Every activation computes a = σ(z) and σ'(z) in place into a caller's buffer, so
that the network's hot path allocates nothing. σ'(z) is computed from a where
that is cheaper and exact (sigmoid: a(1 − a), tanh: 1 − a²).

Rows are samples: z and a have shape (m, n) for a mini-batch of m samples.
"""

from __future__ import annotations

import numpy as np


class Activation:
    """An elementwise (or, for softmax, row-wise) activation a = σ(z)."""

    name: str = ""

    @staticmethod
    def fn(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Return σ(z), written into ``out`` when given."""
        raise NotImplementedError

    @staticmethod
    def prime(z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Return σ'(z) given z and a = σ(z), written into ``out`` when given."""
        raise NotImplementedError


def _exp_cap(dtype: np.dtype) -> float:
    """The largest argument of exp that stays finite in ``dtype`` (with margin)."""
    return 80.0 if dtype == np.float32 else 700.0


class Sigmoid(Activation):
    """σ(z) = 1 / (1 + e^(−z)), the book's neuron."""

    name = "sigmoid"

    @staticmethod
    def fn(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Return 1 / (1 + e^(−z)); −z is capped so exp never overflows (σ is 0 there anyway)."""
        if out is None:
            out = np.empty_like(z)
        np.negative(z, out=out)
        np.minimum(out, _exp_cap(out.dtype), out=out)
        np.exp(out, out=out)
        out += 1.0
        np.reciprocal(out, out=out)
        return out

    @staticmethod
    def prime(z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Return σ'(z) = σ(z)(1 − σ(z)) = a(1 − a)."""
        if out is None:
            out = np.empty_like(a)
        np.subtract(1.0, a, out=out)
        out *= a
        return out


class Tanh(Activation):
    """tanh(z), a sigmoid rescaled to (−1, 1)."""

    name = "tanh"

    @staticmethod
    def fn(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Return tanh(z)."""
        return np.tanh(z, out=out)

    @staticmethod
    def prime(z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Return tanh'(z) = 1 − a²."""
        if out is None:
            out = np.empty_like(a)
        np.multiply(a, a, out=out)
        np.subtract(1.0, out, out=out)
        return out


class ReLU(Activation):
    """max(0, z), the rectified linear unit."""

    name = "relu"

    @staticmethod
    def fn(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Return max(0, z)."""
        return np.maximum(z, 0.0, out=out)

    @staticmethod
    def prime(z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Return 1 where z > 0 and 0 elsewhere (the subgradient 0 is taken at z = 0)."""
        if out is None:
            out = np.empty_like(z)
        np.greater(z, 0.0, out=out)
        return out


class Linear(Activation):
    """The identity a = z (for regression outputs and for teaching)."""

    name = "linear"

    @staticmethod
    def fn(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Return z itself (copied into ``out`` when given)."""
        if out is None:
            return z.copy()
        np.copyto(out, z)
        return out

    @staticmethod
    def prime(z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Return 1 everywhere."""
        if out is None:
            return np.ones_like(z)
        out.fill(1.0)
        return out


class Softmax(Activation):
    """a_j = e^(z_j) / Σ_k e^(z_k) over each row (chapter 3's softmax layer).

    Only used as an output layer with the log-likelihood cost, where BP1 reduces to
    δ^L = a^L − y, so the full Jacobian of softmax is never needed.
    """

    name = "softmax"

    @staticmethod
    def fn(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Return softmax(z) row-wise, shifted by the row maximum so exp never overflows."""
        if out is None:
            out = np.empty_like(z)
        np.subtract(z, z.max(axis=1, keepdims=True), out=out)
        np.exp(out, out=out)
        out /= out.sum(axis=1, keepdims=True)
        return out

    @staticmethod
    def prime(z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Softmax's derivative is a Jacobian, not elementwise; the engine never asks for it."""
        raise NotImplementedError("softmax is only used with the log-likelihood cost")


HIDDEN_ACTIVATIONS: dict[str, type[Activation]] = {
    cls.name: cls for cls in (Sigmoid, Tanh, ReLU, Linear)
}
OUTPUT_ACTIVATIONS: dict[str, type[Activation]] = {
    cls.name: cls for cls in (Sigmoid, Tanh, Linear, Softmax)
}
