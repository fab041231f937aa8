"""Cost functions C, each a small class with ``fn`` and ``delta`` as in network2.py.

``fn`` returns C_x for every sample of the mini-batch (the network averages them:
C = (1/m) Σ_x C_x); ``delta`` returns BP1's δ^L = ∇_a C_x ⊙ σ'(z^L) for every sample, and
``nabla_a`` the ∇_a C_x in it (None where σ' cancels and δ^L = a − y is computed directly).

Unlike network2.py, ``fn`` also receives z^L: the cross-entropy and log-likelihood
are computed from z (via softplus and log-sum-exp), which is exact where a^L has
rounded to 0 or 1 and so needs neither the book's ``nan_to_num`` nor clipping.
"""

from __future__ import annotations

import numpy as np

from tui_backprop.engine.activations import Activation


def _softplus(z: np.ndarray) -> np.ndarray:
    """Return ln(1 + e^z) without overflow: max(z, 0) + ln(1 + e^(−|z|))."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


class Cost:
    """A cost C_x(a^L, y) and its output error δ^L (BP1)."""

    name: str = ""
    #: the output activations this cost may be paired with
    outputs: tuple[str, ...] = ()

    @staticmethod
    def fn(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Return C_x for each row: shape (m,)."""
        raise NotImplementedError

    @staticmethod
    def delta(
        z: np.ndarray,
        a: np.ndarray,
        y: np.ndarray,
        activation: type[Activation],
        out: np.ndarray,
        scratch: np.ndarray,
    ) -> np.ndarray:
        """BP1: write δ^L = ∇_a C_x ⊙ σ'(z^L) for each row into ``out`` and return it.

        ``scratch`` is a buffer shaped like z that may be overwritten (for σ').
        """
        raise NotImplementedError

    @staticmethod
    def nabla_a(a: np.ndarray, y: np.ndarray) -> np.ndarray | None:
        """∇_a C_x per row, freshly allocated; None where σ' cancels from δ^L = a − y."""
        return None


class QuadraticCost(Cost):
    """C_x = ½‖y − a^L‖², chapter 2's cost (any output activation but softmax)."""

    name = "quadratic"
    outputs = ("sigmoid", "tanh", "linear")

    @staticmethod
    def fn(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Return ½‖y − a‖² per row."""
        diff = a - y
        return 0.5 * np.einsum("ij,ij->i", diff, diff)

    @staticmethod
    def delta(
        z: np.ndarray,
        a: np.ndarray,
        y: np.ndarray,
        activation: type[Activation],
        out: np.ndarray,
        scratch: np.ndarray,
    ) -> np.ndarray:
        """BP1 with ∇_a C_x = a − y: δ^L = (a − y) ⊙ σ'(z^L). The σ' factor slows learning."""
        np.subtract(a, y, out=out)
        return activation.times_prime(out, z, a, scratch)

    @staticmethod
    def nabla_a(a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """∇_a C_x = a − y."""
        return a - y


class CrossEntropyCost(Cost):
    """C_x = −Σ_j [y_j ln a_j + (1 − y_j) ln(1 − a_j)], for sigmoid outputs (chapter 3).

    With a = σ(z) this equals Σ_j [softplus(z_j) − y_j z_j], which is how it is computed.
    """

    name = "cross_entropy"
    outputs = ("sigmoid",)

    @staticmethod
    def fn(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Return the cross-entropy per row, exactly, from z (no log of 0 is ever taken)."""
        return (_softplus(z) - y * z).sum(axis=1)

    @staticmethod
    def delta(
        z: np.ndarray,
        a: np.ndarray,
        y: np.ndarray,
        activation: type[Activation],
        out: np.ndarray,
        scratch: np.ndarray,
    ) -> np.ndarray:
        """BP1 for sigmoid outputs: σ'(z) cancels and δ^L = a − y, so learning never slows."""
        return np.subtract(a, y, out=out)


class LogLikelihoodCost(Cost):
    """C_x = −Σ_j y_j ln a_j, for a softmax output layer (chapter 3).

    With a = softmax(z), ln a_j = z_j − logsumexp(z), which is how it is computed.
    """

    name = "log_likelihood"
    outputs = ("softmax",)

    @staticmethod
    def fn(z: np.ndarray, a: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Return −Σ_j y_j ln a_j per row, from z via a shifted log-sum-exp."""
        z_max = z.max(axis=1, keepdims=True)
        log_sum_exp = z_max[:, 0] + np.log(np.exp(z - z_max).sum(axis=1))
        return log_sum_exp * y.sum(axis=1) - np.einsum("ij,ij->i", y, z)

    @staticmethod
    def delta(
        z: np.ndarray,
        a: np.ndarray,
        y: np.ndarray,
        activation: type[Activation],
        out: np.ndarray,
        scratch: np.ndarray,
    ) -> np.ndarray:
        """BP1 for softmax outputs: δ^L = a·Σ_j y_j − y, which is a − y for a one-hot y."""
        np.multiply(a, y.sum(axis=1, keepdims=True), out=out)
        out -= y
        return out


COSTS: dict[str, type[Cost]] = {
    cls.name: cls for cls in (QuadraticCost, CrossEntropyCost, LogLikelihoodCost)
}
