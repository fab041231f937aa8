"""What a consumer may ask of a run beyond its summary: parameters, one step in full,
where a divergence began, and a point to continue from. All frozen, all copies.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tui_backprop.engine import Gradients, Network
from tui_backprop.engine.parameters import layer_views

if TYPE_CHECKING:
    from tui_backprop.training.evaluator import Evaluation


@dataclass(frozen=True)
class Parameters:
    """A read-only copy of every weight and bias as one flat vector.

    Laid out as w^2, …, w^L, then b^2, …, b^L (the book's layer numbers; code index l is
    layer l + 2); ``weights`` and ``biases`` are views of it shaped as the engine's.
    """

    sizes: tuple[int, ...]
    flat: np.ndarray

    @classmethod
    def of(cls, net: Network) -> Parameters:
        """Copy a network's parameters (θ has this layout already: one copy)."""
        flat = net.parameters.copy()
        flat.flags.writeable = False
        return cls(tuple(net.sizes), flat)

    @property
    def weights(self) -> tuple[np.ndarray, ...]:
        """w^l of shape (sizes[l + 1], sizes[l]) per code index l."""
        return tuple(layer_views(self.flat, self.sizes)[0])

    @property
    def biases(self) -> tuple[np.ndarray, ...]:
        """b^l of shape (sizes[l + 1],) per code index l."""
        return tuple(layer_views(self.flat, self.sizes)[1])

    @property
    def nbytes(self) -> int:
        """Memory held by the copy."""
        return self.flat.nbytes

    def is_finite(self) -> bool:
        """True when no weight or bias is NaN or infinite."""
        return bool(np.isfinite(self.flat).all())


def load_parameters(net: Network, parameters: Parameters) -> None:
    """Put copied parameters back into a network, through its one way in."""
    net.load_parameters(parameters.weights, parameters.biases)


def _copy(value: object) -> object:
    """A copy of an array, of a list of arrays (None entries kept), or None."""
    if value is None:
        return None
    if isinstance(value, np.ndarray):
        return value.copy()
    return [None if a is None else np.array(a) for a in value]


def copy_gradients(grads: Gradients) -> Gradients:
    """A copy of every array the engine's ``Gradients`` holds (whatever fields it has)."""
    return Gradients(
        **{f.name: _copy(getattr(grads, f.name)) for f in dataclasses.fields(Gradients)}
    )


@dataclass(frozen=True)
class StepDetail:
    """One mini-batch step in full, as the engine computed it (chapter 2's BP1–BP4).

    ``gradients`` is the engine's backward pass on (``X``, ``Y``) with the parameters
    ``before`` the step (z, a, δ per layer and the mean ∇w, ∇b that the update used);
    ``after`` = the update w → (1 − ηλ/n)·w − η·∇w, b → b − η·∇b applied to ``before``.
    """

    step: int  # the step's number (the snapshot's ``step`` after it)
    X: np.ndarray  # (m, n_inputs), the mini-batch
    Y: np.ndarray  # (m, n_outputs)
    before: Parameters
    gradients: Gradients
    after: Parameters
    eta: float
    lmbda: float
    n: int  # the training set's size, for the L2 decay


@dataclass(frozen=True)
class Checkpoint:
    """Parameters and counters to continue a run from (``Trainer.restore``)."""

    parameters: Parameters
    step: int
    epoch: int
    samples_seen: int
    eta: float
    evaluation: Evaluation | None  # the latest evaluation at that moment

    def check_fits(self, sizes: list[int]) -> None:
        """Raise ValueError unless the checkpoint is of a network with these sizes."""
        if self.parameters.sizes != tuple(sizes):
            raise ValueError(
                f"the checkpoint's sizes {list(self.parameters.sizes)} are not "
                f"this network's {list(sizes)}"
            )


#: the quantities in the order a step computes them: where a non-finite value can begin
QUANTITIES = ("z", "a", "δ (BP1)", "δ (BP2)", "∇ (BP3/BP4)", "update")


@dataclass(frozen=True)
class Divergence:
    """Where a run went wrong, and the last good state to roll back to.

    ``layer`` counts the first hidden layer as 1 (None for the cost rule); ``quantity``
    is one of ``QUANTITIES``, or "cost" when the cost grew beyond its stated bounds.
    ``last_finite`` is the state just before the failing step, or, for the cost rule, at
    the last evaluation within bounds (the start, if none was); the trainer's network
    holds it after the divergence.
    """

    step: int
    layer: int | None
    quantity: str
    reason: str  # one sentence, as shown in the message
    last_finite: Checkpoint


def one_sample_step(
    parameters: Parameters,
    network_arguments: dict,
    x: np.ndarray,
    y: np.ndarray,
    eta: float,
    lmbda: float,
    n: int,
    step: int,
) -> StepDetail:
    """What a step on one sample (x, y) alone would compute and do, from ``parameters``:
    the engine's forward and backward pass (BP1–BP4) on a mini-batch of 1, and the update
    it would make. The run is not touched: the step is taken on a network of its own."""
    net = network_of(parameters, network_arguments)
    X, Y = np.atleast_2d(x).astype(net.dtype), np.atleast_2d(y).astype(net.dtype)
    gradients = copy_gradients(net.backprop(X, Y))
    net.sgd_step(X, Y, eta, lmbda, n)
    return StepDetail(step, X, Y, parameters, gradients, Parameters.of(net), eta, lmbda, n)


def deltas_of(
    parameters: Parameters, network_arguments: dict, X: np.ndarray, Y: np.ndarray
) -> tuple[np.ndarray, ...]:
    """δ^l per layer (BP1, BP2) of each row of X, shape (len(X), n_l), from ``parameters``
    on a network of their own (the gallery's errors of the worst mistakes, computed when
    shown rather than at every evaluation)."""
    net = network_of(parameters, network_arguments)
    return tuple(delta.copy() for delta in net.backprop(X, Y).delta)


def network_of(parameters: Parameters, network_arguments: dict) -> Network:
    """A network of its own holding copied parameters: the run's is never touched."""
    net = Network(**network_arguments)
    load_parameters(net, parameters)
    return net
