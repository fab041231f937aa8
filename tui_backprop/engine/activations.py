"""Activation functions σ and their derivatives σ', each a small class.

Every activation computes a = σ(z) and σ'(z) in place into a caller's buffer, so
that the network's hot path allocates nothing. σ'(z) is computed from a where
that is cheaper and exact (sigmoid: a(1 − a), tanh: 1 − a²).

Rows are samples: z and a have shape (m, n) for a mini-batch of m samples.

Constants enter the arithmetic as 0-d arrays of the data's own dtype (see ``_constants``):
NumPy converts a Python float on every call, which costs as much as the arithmetic itself
on a playground-sized layer.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

#: 0-d arrays of one dtype: 0, 1, and the largest argument of exp that stays finite
_Constants = namedtuple("_Constants", "zero one exp_cap")

_CONSTANTS: dict[str, _Constants] = {}


def _constants(dtype: np.dtype) -> _Constants:
    """The constants for ``dtype``, made once per dtype."""
    found = _CONSTANTS.get(dtype.char)
    if found is None:
        cap = 80.0 if dtype == np.float32 else 700.0  # e^cap stays finite, with margin
        found = _CONSTANTS[dtype.char] = _Constants(
            np.zeros((), dtype), np.ones((), dtype), np.array(cap, dtype)
        )
    return found


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

    @classmethod
    def times_prime(
        cls, delta: np.ndarray, z: np.ndarray, a: np.ndarray, scratch: np.ndarray
    ) -> np.ndarray:
        """Multiply ``delta`` by σ'(z) in place (the ⊙ σ'(z) of BP1 and BP2) and return it.

        ``scratch`` is a buffer shaped like z that the activation may overwrite.
        """
        delta *= cls.prime(z, a, out=scratch)
        return delta


class Sigmoid(Activation):
    """σ(z) = 1 / (1 + e^(−z)), the book's neuron."""

    name = "sigmoid"

    @staticmethod
    def fn(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Return 1 / (1 + e^(−z)); −z is capped so exp never overflows (σ is 0 there anyway)."""
        if out is None:
            out = np.empty_like(z)
        k = _constants(out.dtype)
        np.negative(z, out=out)
        np.minimum(out, k.exp_cap, out=out)
        np.exp(out, out=out)
        np.add(out, k.one, out=out)
        np.reciprocal(out, out=out)
        return out

    @staticmethod
    def prime(z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Return σ'(z) = σ(z)(1 − σ(z)) = a(1 − a)."""
        if out is None:
            out = np.empty_like(a)
        np.subtract(_constants(a.dtype).one, a, out=out)
        np.multiply(out, a, out=out)
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
        np.subtract(_constants(a.dtype).one, out, out=out)
        return out


class ReLU(Activation):
    """max(0, z), the rectified linear unit."""

    name = "relu"

    @staticmethod
    def fn(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Return max(0, z)."""
        return np.maximum(z, _constants(z.dtype).zero, out=out)

    @staticmethod
    def prime(z: np.ndarray, a: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """Return 1 where z > 0 and 0 elsewhere (the subgradient 0 is taken at z = 0)."""
        if out is None:
            out = np.empty_like(z)
        np.greater(z, _constants(z.dtype).zero, out=out)
        return out

    @staticmethod
    def times_prime(
        delta: np.ndarray, z: np.ndarray, a: np.ndarray, scratch: np.ndarray
    ) -> np.ndarray:
        """Multiply ``delta`` by the mask z > 0, kept as booleans in ``scratch``'s memory.

        A boolean mask is an eighth of a float64 one to write, and NumPy multiplies a
        float by a boolean without converting the mask first.
        """
        mask = scratch.view(np.bool_)[:, : z.shape[1]] if scratch.ndim == 2 else None
        mask = np.greater(z, _constants(z.dtype).zero, out=mask)
        np.multiply(delta, mask, out=delta)
        return delta


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

    @staticmethod
    def times_prime(
        delta: np.ndarray, z: np.ndarray, a: np.ndarray, scratch: np.ndarray
    ) -> np.ndarray:
        """σ' = 1: ``delta`` is left as it is."""
        return delta


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
