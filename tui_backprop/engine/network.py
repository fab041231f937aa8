"""A fully connected network trained by backpropagation (BP1–BP4), vectorised over mini-batches.

Notation follows chapter 2 of *Neural Networks and Deep Learning*:

    z^l = w^l a^(l−1) + b^l,   a^l = σ(z^l)
    (BP1) δ^L = ∇_a C ⊙ σ'(z^L)
    (BP2) δ^l = ((w^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^l)
    (BP3) ∂C/∂b^l_j = δ^l_j
    (BP4) ∂C/∂w^l_jk = a^(l−1)_k δ^l_j

Indices. ``weights[l]`` is the book's w^(l+2): code layer ``l`` maps ``activations[l]``
(its input; ``activations[0]`` is X) to ``zs[l]`` and ``activations[l + 1] = σ(zs[l])``,
and ``delta[l]``, ``nabla_w[l]``, ``nabla_b[l]`` belong to it. So ``activations`` has one
more entry than the others, as in network.py's ``backprop``. Rows are samples: a
mini-batch of m inputs is an (m, n_in) matrix X, so the book's column equation
z = w a + b becomes the row equation z = a wᵀ + b, one matrix product per layer.

Parameters live in one flat vector θ (every weight, then every bias), so that the update
θ −= η·∇C is one operation however many layers there are. ``weights`` and ``biases`` are
read-only views into it; ``load_parameters`` is the one way to set them from outside.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tui_backprop.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from tui_backprop.engine.costs import COSTS
from tui_backprop.engine.parameters import layer_views, param_count, read_only
from tui_backprop.engine.rules import (
    INITS,
    NETWORK_ARGUMENTS,
    check_choice,
    check_dtype,
    check_pairing,
    check_parameter_array,
    check_sizes,
)


@dataclass
class Gradients:
    """What one backward pass computed, per code layer l (see the module docstring).

    - ``nabla_w[l]``, ``nabla_b[l]``: ∂C/∂w and ∂C/∂b of the mean cost over the mini-batch,
      shaped like ``weights[l]`` (n_out, n_in) and ``biases[l]`` (n_out,).
    - ``delta[l]``: the per-sample errors δ = ∂C_x/∂z, shape (m, n_out); row x is sample x,
      so ``nabla_b[l] == delta[l].mean(axis=0)`` (BP3).
    - ``zs[l]``: the weighted inputs z, shape (m, n_out); ``activations[l]`` the layer's
      input (``activations[0]`` is X), ``activations[l + 1] = σ(zs[l])``.
    - Only from ``backprop`` (the explanatory path; ``sgd_step`` leaves them None):
      ``sigma_prime[l]`` = σ'(zs[l]), shape (m, n_out), None for a softmax output (its σ' is
      a Jacobian); ``nabla_a`` = ∇_a C_x at the output, shape (m, n_out), None where the
      cost's δ^L = a − y makes σ' cancel (cross-entropy with sigmoid, log-likelihood with
      softmax).
    """

    nabla_w: list[np.ndarray]
    nabla_b: list[np.ndarray]
    delta: list[np.ndarray]
    zs: list[np.ndarray]
    activations: list[np.ndarray]
    sigma_prime: list[np.ndarray | None] | None = None
    nabla_a: np.ndarray | None = None


class _Workspace:
    """Buffers for one mini-batch size m, reused across steps so the hot path allocates nothing.

    ∇w and ∇b of every layer are views into one flat vector ``grad`` laid out like θ.
    """

    def __init__(self, sizes: Sequence[int], m: int, dtype: type) -> None:
        """Allocate z, a, δ and scratch per layer for batches of m samples."""
        outs = sizes[1:]
        self.zs = [np.empty((m, n), dtype) for n in outs]
        self.activations = [np.empty((0, sizes[0]), dtype)]  # slot 0: X, set per batch
        self.activations += [np.empty((m, n), dtype) for n in outs]
        self.delta = [np.empty((m, n), dtype) for n in outs]
        self.delta_mean = [np.empty((m, n), dtype) for n in outs]  # δ/m, for BP3 and BP4
        self.scratch = [np.empty((m, n), dtype) for n in outs]  # σ' for ⊙ σ'(z)
        self.grad = np.empty(param_count(sizes), dtype)
        self.nabla_w, self.nabla_b = layer_views(self.grad, sizes)
        self.step = np.empty_like(self.grad)  # η·grad
        # BP3 as a product: Σ_x δ_x/m = 1ᵀ(δ/m), cheaper than a sum over axis 0
        self.ones = np.ones(m, dtype)
        self.inv_m = np.array(1.0 / m, dtype)  # 0-d: NumPy converts a float on every use
        self.gradients = Gradients(
            self.nabla_w, self.nabla_b, self.delta, self.zs, self.activations
        )


class Network:
    """A fully connected network: ``sizes`` neurons per layer, input layer first."""

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str = "sigmoid",
        output_activation: str = "sigmoid",
        cost: str = "quadratic",
        init: str = "standard",
        seed: int | None = 0,
        dtype: str | type | np.dtype = "float64",
    ) -> None:
        """Validate the architecture and initialise weights and biases.

        ``init="standard"`` draws every weight and bias from N(0, 1) (network.py);
        ``init="scaled"`` draws weights from N(0, 1/n_in) and biases from N(0, 1)
        (network2.py), which keeps hidden neurons out of saturation.
        """
        self.sizes = check_sizes(sizes)
        self.activation_name = check_choice("activation", activation, HIDDEN_ACTIVATIONS)
        self.output_activation_name = check_choice(
            "output_activation", output_activation, OUTPUT_ACTIVATIONS
        )
        self.cost_name = check_choice("cost", cost, COSTS)
        check_pairing(self.output_activation_name, self.cost_name, self.sizes[-1])
        self.init_name = check_choice("init", init, INITS)
        self.seed = seed
        self._hidden = HIDDEN_ACTIVATIONS[self.activation_name]
        self._output = OUTPUT_ACTIVATIONS[self.output_activation_name]
        self._cost = COSTS[self.cost_name]
        self.num_layers = len(self.sizes)
        self._allocate(check_dtype(dtype))
        self.initialise(seed)

    # -- parameters ---------------------------------------------------------------------

    def _allocate(self, dtype: type) -> None:
        """θ of this dtype, its read-only per-layer views, and no workspaces yet."""
        self.dtype = dtype
        self._theta = np.zeros(param_count(self.sizes), dtype)
        weights, biases = layer_views(self._theta, self.sizes)
        self._targets = weights + biases  # writeable: for load_parameters only
        self._weights = tuple(read_only(w) for w in weights)
        self._biases = tuple(read_only(b) for b in biases)
        self._theta_w = self._theta[: sum(w.size for w in weights)]
        self._parameters = read_only(self._theta)
        self._workspaces: dict[int, _Workspace] = {}

    @property
    def weights(self) -> tuple[np.ndarray, ...]:
        """w per layer, shape (sizes[l+1], sizes[l]): read-only views (see load_parameters)."""
        return self._weights

    @property
    def biases(self) -> tuple[np.ndarray, ...]:
        """b per layer, shape (sizes[l+1],): read-only views (see load_parameters)."""
        return self._biases

    @property
    def parameters(self) -> np.ndarray:
        """θ, every weight then every bias (``layer_views``' layout), as a read-only view."""
        return self._parameters

    def initialise(self, seed: int | None = None) -> None:
        """Draw fresh weights and biases from the network's ``init`` scheme."""
        rng = np.random.default_rng(seed)
        biases = [rng.standard_normal(b.size) for b in self.biases]
        weights = []
        for n_in, n_out in zip(self.sizes[:-1], self.sizes[1:]):
            draw = rng.standard_normal((n_out, n_in))
            weights.append(draw / np.sqrt(n_in) if self.init_name == "scaled" else draw)
        self.load_parameters(weights, biases)

    def load_parameters(self, weights: Sequence, biases: Sequence) -> None:
        """Copy these weights and biases into the network, after checking every layer.

        Each array must have the layer's shape, hold real numbers and be finite; otherwise
        ValueError names the layer (1 = the first hidden layer) and nothing is changed.
        """
        layers = self.num_layers - 1
        if len(weights) != layers or len(biases) != layers:
            raise ValueError(
                f"sizes {self.sizes} need {layers} weight and {layers} bias arrays, "
                f"got {len(weights)} and {len(biases)}"
            )
        checked = [
            check_parameter_array(value, target.shape, f"layer {l + 1}'s {kind}")
            for kind, given, targets in (
                ("weights", weights, self.weights),
                ("biases", biases, self.biases),
            )
            for l, (value, target) in enumerate(zip(given, targets))
        ]
        for target, value in zip(self._targets, checked):
            np.copyto(target, value, casting="unsafe")

    @property
    def num_params(self) -> int:
        """The number of weights and biases: Σ_l (n_in + 1)·n_out."""
        return self._theta.size

    def config(self) -> dict:
        """The constructor arguments (``NETWORK_ARGUMENTS``) that rebuild this architecture."""
        return dict(
            zip(
                NETWORK_ARGUMENTS,
                (
                    list(self.sizes),
                    self.activation_name,
                    self.output_activation_name,
                    self.cost_name,
                    self.init_name,
                    self.seed,
                    np.dtype(self.dtype).name,
                ),
            )
        )

    def copy(self, dtype: type | None = None) -> Network:
        """An independent network with the same architecture and parameters.

        ``dtype`` may also be ``np.longdouble``: gradcheck's long-double oracle (NumPy has
        no BLAS for it, so such a network is for small checks, not for training).
        """
        twin = Network(**self.config())
        if dtype is not None:
            twin._allocate(np.dtype(dtype).type)
        twin.load_parameters(self.weights, self.biases)
        return twin

    def weight_penalty(self, lmbda: float, n: int) -> float:
        """The L2 term (λ/2n) Σ_w w² that network2.py adds to the cost."""
        return 0.5 * (lmbda / n) * float(np.vdot(self._theta_w, self._theta_w)) if lmbda else 0.0

    # -- forward ------------------------------------------------------------------------

    def _forward(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """z^L and a^L for checked inputs X: z^l = w a^(l−1) + b, a^l = σ(z^l), layer by layer.

        The product is taken as the book writes it, a sample per column (w a^T, then seen
        as rows again without a copy): on the long, thin evaluation batches OpenBLAS runs
        it 30–40 % faster than a wᵀ (784-30-10 on 4,000 rows: 7.2 → 5.1 ms).
        """
        a = z = X
        last = self.num_layers - 2
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = (w @ a.T).T
            z += b
            a = (self._output if l == last else self._hidden).fn(z)
        return z, a

    def feedforward(self, X: np.ndarray) -> np.ndarray:
        """Return a^L for the inputs X of shape (m, sizes[0]): shape (m, sizes[-1])."""
        return self._forward(self._as_input(X))[1]

    def cost(self, X: np.ndarray, Y: np.ndarray) -> float:
        """Return C = (1/m) Σ_x C_x over the rows of X and Y (no regularisation term)."""
        return float(self.mean_cost(X, Y))

    def mean_cost(self, X: np.ndarray, Y: np.ndarray) -> np.floating:
        """C as a NumPy scalar of the network's dtype (long double keeps its extra digits)."""
        X, Y = self._as_input(X), self._as_target(Y, len(X))
        z, a = self._forward(X)
        return self._cost.fn(z, a, Y).mean()

    def mean_cost_nudged(self, X: np.ndarray, Y: np.ndarray, index: int, step: float):
        """C with parameter ``index`` of θ moved by ``step``, put back exactly afterwards.

        θ lists every weight (layer by layer, row by row), then every bias: the order of
        ``np.concatenate([w.ravel() for w in weights] + list(biases))``. For finite
        differences (gradcheck.py).
        """
        original = self._theta[index]
        self._theta[index] = original + step
        try:
            return self.mean_cost(X, Y)
        finally:
            self._theta[index] = original

    def evaluate(self, X: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
        """Return the mean cost C over the rows and the outputs a^L, from one forward pass."""
        costs, a = self.sample_costs(X, Y)
        return float(costs.mean()), a

    def sample_costs(self, X: np.ndarray, Y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return each row's cost C_x and the outputs a^L, from one forward pass."""
        X, Y = self._as_input(X), self._as_target(Y, len(X))
        z, a = self._forward(X)
        return self._cost.fn(z, a, Y), a

    def batch_cost(self, grads: Gradients, Y: np.ndarray) -> float:
        """C on the mini-batch that produced ``grads``, from its stored z^L and a^L (no pass)."""
        return float(self._cost.fn(grads.zs[-1], grads.activations[-1], Y).mean())

    # -- backward -----------------------------------------------------------------------

    def backprop(self, X: np.ndarray, Y: np.ndarray) -> Gradients:
        """Return the gradient of ``cost(X, Y)`` by one forward and one backward pass.

        The arrays are freshly allocated and belong to the caller; they equal bit for bit
        what ``sgd_step`` computes on the same batch. Also gives σ'(z^l) per layer and
        ∇_a C at the output (see ``Gradients``).
        """
        X = self._as_input(X)
        Y = self._as_target(Y, len(X))
        grads = self._backprop(X, Y, _Workspace(self.sizes, len(X), self.dtype))
        last = self.num_layers - 2
        grads.sigma_prime = [
            None
            if l == last and self._output.name == "softmax"
            else (self._output if l == last else self._hidden).prime(z, grads.activations[l + 1])
            for l, z in enumerate(grads.zs)
        ]
        grads.nabla_a = self._cost.nabla_a(grads.activations[-1], Y)
        return grads

    def sgd_step(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        eta: float,
        lmbda: float = 0.0,
        n: int | None = None,
    ) -> Gradients:
        """One step of gradient descent on the mini-batch (X, Y); return the gradients used.

        network2.py's update: w → (1 − ηλ/n)·w − η·nabla_w and b → b − η·nabla_b, where
        nabla is the mean gradient over the m samples (the book's (η/m) Σ_x ∂C_x/∂w). ``n``
        is the size of the whole training set for the L2 decay; it defaults to m.

        The returned ``Gradients`` are buffers that the next ``sgd_step`` with the same m
        overwrites: copy what you need to keep.
        """
        X = self._as_input(X)
        Y = self._as_target(Y, len(X))
        ws = self._workspace(len(X))
        grads = self._backprop(X, Y, ws)
        if lmbda:
            self._theta_w *= 1.0 - eta * lmbda / (n if n is not None else len(X))
        self._theta -= np.multiply(ws.grad, eta, out=ws.step)
        return grads

    def _workspace(self, m: int) -> _Workspace:
        """The buffers for batches of m samples (a full and a last partial batch, typically)."""
        ws = self._workspaces.get(m)
        if ws is None:
            if len(self._workspaces) >= 4:
                self._workspaces.clear()
            ws = self._workspaces[m] = _Workspace(self.sizes, m, self.dtype)
        return ws

    def _backprop(self, X: np.ndarray, Y: np.ndarray, ws: _Workspace) -> Gradients:
        """Forward pass storing z^l and a^l, then BP1, and BP3, BP4, BP2 layer by layer back."""
        dot, weights, hidden = np.dot, self.weights, self._hidden
        zs, activations, deltas = ws.zs, ws.activations, ws.delta
        last = self.num_layers - 2
        activations[0] = X
        for l in range(last + 1):  # z^l = a^(l−1) wᵀ + b, a^l = σ(z^l)
            z = dot(activations[l], weights[l].T, out=zs[l])
            z += self.biases[l]
            (self._output if l == last else hidden).fn(z, out=activations[l + 1])
        # BP1: δ^L = ∇_a C ⊙ σ'(z^L)
        self._cost.delta(zs[last], activations[-1], Y, self._output, deltas[last], ws.scratch[last])
        for l in range(last, -1, -1):
            mean = np.multiply(deltas[l], ws.inv_m, out=ws.delta_mean[l])
            dot(ws.ones, mean, out=ws.nabla_b[l])  # BP3, averaged: 1ᵀ(δ/m)
            dot(mean.T, activations[l], out=ws.nabla_w[l])  # BP4, averaged: (δ/m)ᵀ a^(l−1)
            if l:  # BP2: δ^(l−1) = (δ^l w^l) ⊙ σ'(z^(l−1))
                back = dot(deltas[l], weights[l], out=deltas[l - 1])
                hidden.times_prime(back, zs[l - 1], activations[l], ws.scratch[l - 1])
        return ws.gradients

    # -- input checks -------------------------------------------------------------------

    def _as_input(self, X: np.ndarray) -> np.ndarray:
        """Return X as a C-contiguous (m, sizes[0]) array of the network's dtype."""
        X = np.asarray(X)
        if X.ndim == 1 and X.shape[0] == self.sizes[0]:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(
                f"inputs X must have shape (m, {self.sizes[0]}) for this network, got {X.shape}"
            )
        return np.ascontiguousarray(X, dtype=self.dtype)

    def _as_target(self, Y: np.ndarray, m: int) -> np.ndarray:
        """Return Y as a C-contiguous (m, sizes[-1]) array of the network's dtype."""
        Y = np.asarray(Y)
        if Y.ndim == 1 and self.sizes[-1] == 1 and Y.shape[0] == m:
            Y = Y[:, None]
        if Y.shape != (m, self.sizes[-1]):
            raise ValueError(
                f"targets Y must have shape ({m}, {self.sizes[-1]}) to match X, got {Y.shape}"
            )
        return np.ascontiguousarray(Y, dtype=self.dtype)
