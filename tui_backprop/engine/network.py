"""A fully connected network trained by backpropagation (BP1–BP4), vectorised over mini-batches.

Notation follows chapter 2 of *Neural Networks and Deep Learning*:

    z^l = w^l a^(l−1) + b^l,   a^l = σ(z^l)
    (BP1) δ^L = ∇_a C ⊙ σ'(z^L)
    (BP2) δ^l = ((w^(l+1))ᵀ δ^(l+1)) ⊙ σ'(z^l)
    (BP3) ∂C/∂b^l_j = δ^l_j
    (BP4) ∂C/∂w^l_jk = a^(l−1)_k δ^l_j

Index convention, as in network.py: ``weights[0]`` is the book's w^2 (it maps the
input layer to the first hidden layer), so code index ``l`` is the book's layer
``l + 2``. Rows are samples: a mini-batch of m inputs is an (m, n_in) matrix X, so
the book's column equation z = w a + b becomes the row equation z = a wᵀ + b, and
each layer costs one matrix product per pass whatever m is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from tui_backprop.engine.activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS
from tui_backprop.engine.costs import COSTS

INITS = ("standard", "scaled")
DTYPES = {"float64": np.float64, "float32": np.float32}


@dataclass
class Gradients:
    """What one backward pass computed, per layer (code index l, see the module docstring).

    - ``nabla_w[l]``, ``nabla_b[l]``: ∂C/∂w and ∂C/∂b of the mean cost over the mini-batch,
      shaped like ``weights[l]`` (n_out, n_in) and ``biases[l]`` (n_out,).
    - ``delta[l]``: the per-sample errors δ = ∂C_x/∂z, shape (m, n_out); row x is sample x,
      so ``nabla_b[l] == delta[l].mean(axis=0)``.
    - ``zs[l]``: the weighted inputs z, shape (m, n_out).
    - ``activations``: one more entry than the others: ``activations[0]`` is the input X,
      ``activations[l + 1] = σ(zs[l])``.
    """

    nabla_w: list[np.ndarray]
    nabla_b: list[np.ndarray]
    delta: list[np.ndarray]
    zs: list[np.ndarray]
    activations: list[np.ndarray]


class _Workspace:
    """Buffers for one mini-batch size m, reused across steps so the hot path allocates nothing.

    ∇w and ∇b of every layer are views into one flat vector ``grad`` laid out like the
    network's parameter vector, so that the SGD update is one whole-vector operation
    however many layers there are.
    """

    def __init__(self, sizes: Sequence[int], m: int, dtype: np.dtype) -> None:
        """Allocate z, a, δ and scratch per layer for batches of m samples."""
        outs = sizes[1:]
        self.m = m
        self.zs = [np.empty((m, n), dtype) for n in outs]
        self.activations = [np.empty((m, n), dtype) for n in outs]
        self.delta = [np.empty((m, n), dtype) for n in outs]
        # δ·scale (scale = 1/m, or η/m in sgd_step), so that BP3 and BP4 yield the batch mean
        self.delta_scaled = [np.empty((m, n), dtype) for n in outs]
        self.sigma_prime = [np.empty((m, n), dtype) for n in outs]
        self.grad = np.empty(_param_count(sizes), dtype)
        self.nabla_w, self.nabla_b = _layer_views(self.grad, sizes)
        n_weights = sum(w.size for w in self.nabla_w)
        self.grad_w, self.grad_b = self.grad[:n_weights], self.grad[n_weights:]
        # BP3 as a product: Σ_x δ_x/m = 1ᵀ(δ/m), a matrix-vector product (cheaper than a sum
        # over axis 0 for small batches)
        self.ones = np.ones(m, dtype)
        # 0-d arrays: NumPy converts a Python float on every use
        self.inv_m = np.array(1.0 / m, dtype)
        self.gradients = _StepGradients(self)


class _StepGradients(Gradients):
    """The ``Gradients`` of one workspace; ∇w may still hold η·∇w (see ``sgd_step``).

    ``sgd_step`` lets BP4 write η·∇w, which the update subtracts in one pass; the division
    by η that turns it back into ∇w is left until someone reads ``nabla_w`` (the trainer
    does, at its reporting cadence, not at every step).
    """

    def __init__(self, ws: _Workspace) -> None:
        """Share the workspace's buffers; nothing is pending."""
        self._ws = ws
        self._pending: np.ndarray | None = None  # 1/η, when grad_w holds η·∇w
        self.nabla_b = ws.nabla_b
        self.delta = ws.delta
        self.zs = ws.zs
        self.activations = [None, *ws.activations]

    @property
    def nabla_w(self) -> list[np.ndarray]:
        """∂C/∂w per layer, the batch mean (scaled back from η·∇w on first read)."""
        if self._pending is not None:
            np.multiply(self._ws.grad_w, self._pending, out=self._ws.grad_w)
            self._pending = None
        return self._ws.nabla_w


def _param_count(sizes: Sequence[int]) -> int:
    """Σ_l (n_in + 1)·n_out: every weight, then every bias."""
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def _layer_views(flat: np.ndarray, sizes: Sequence[int]) -> tuple[list, list]:
    """Per-layer (n_out, n_in) weight and (n_out,) bias views into one flat vector.

    The layout is w^2, w^3, …, w^L, then b^2, b^3, …, b^L: every view is C-contiguous and
    all the weights form one slice (for the L2 decay).
    """
    weights, biases = [], []
    start = 0
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        weights.append(flat[start : start + n_in * n_out].reshape(n_out, n_in))
        start += n_in * n_out
    for n_out in sizes[1:]:
        biases.append(flat[start : start + n_out])
        start += n_out
    return weights, biases


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
        self.sizes = _check_sizes(sizes)
        self.activation_name = _check_choice("activation", activation, HIDDEN_ACTIVATIONS)
        self.output_activation_name = _check_choice(
            "output_activation", output_activation, OUTPUT_ACTIVATIONS
        )
        self.cost_name = _check_choice("cost", cost, COSTS)
        _check_pairing(self.output_activation_name, self.cost_name)
        self.init_name = _check_choice("init", init, INITS)
        self.dtype = _check_dtype(dtype)
        self.seed = seed
        self._hidden = HIDDEN_ACTIVATIONS[self.activation_name]
        self._output = OUTPUT_ACTIVATIONS[self.output_activation_name]
        self._cost = COSTS[self.cost_name]
        self.num_layers = len(self.sizes)
        self._workspaces: dict[int, _Workspace] = {}
        self.initialise(seed)

    # -- parameters ---------------------------------------------------------------------

    def initialise(self, seed: int | None = None) -> None:
        """Draw fresh weights and biases from the network's ``init`` scheme."""
        rng = np.random.default_rng(seed)
        self._allocate_parameters()
        for b in self.biases:
            b[...] = rng.standard_normal(b.size)
        for w in self.weights:
            n_out, n_in = w.shape
            draw = rng.standard_normal((n_out, n_in))
            if self.init_name == "scaled":
                draw /= np.sqrt(n_in)
            w[...] = draw

    def _allocate_parameters(self) -> None:
        """Make ``weights`` and ``biases`` views into one flat parameter vector (see _pack)."""
        self._theta = np.empty(_param_count(self.sizes), self.dtype)
        self._views = _layer_views(self._theta, self.sizes)
        n_weights = sum(w.size for w in self._views[0])
        self._theta_weights = self._theta[:n_weights]
        self.weights, self.biases = list(self._views[0]), list(self._views[1])
        self._view_ids = list(map(id, self.weights + self.biases))

    def _pack(self) -> None:
        """Copy parameters that were assigned from outside back into the flat vector.

        ``sgd_step`` updates the flat vector in one operation; an array put into
        ``weights`` or ``biases`` (by a loader, say) is copied into it and replaced there
        by its view.
        """
        weights, biases = list(self.weights), list(self.biases)
        self._allocate_parameters()
        for view, value in zip(self.weights + self.biases, weights + biases):
            np.copyto(view, value, casting="unsafe")

    @property
    def num_params(self) -> int:
        """The number of weights and biases: Σ_l (n_in + 1)·n_out."""
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases))

    def config(self) -> dict:
        """The constructor arguments that rebuild this architecture."""
        return {
            "sizes": list(self.sizes),
            "activation": self.activation_name,
            "output_activation": self.output_activation_name,
            "cost": self.cost_name,
            "init": self.init_name,
            "seed": self.seed,
            "dtype": np.dtype(self.dtype).name,
        }

    def copy(self) -> Network:
        """Return an independent network with the same architecture and parameters."""
        twin = Network(**self.config())
        for mine, theirs in zip(self.weights + self.biases, twin.weights + twin.biases):
            np.copyto(theirs, mine, casting="unsafe")
        return twin

    def weight_penalty(self, lmbda: float, n: int) -> float:
        """The L2 term (λ/2n) Σ_w w² that network2.py adds to the cost."""
        if lmbda == 0.0:
            return 0.0
        return 0.5 * (lmbda / n) * sum(float(np.vdot(w, w)) for w in self.weights)

    # -- forward ------------------------------------------------------------------------

    def _forward(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """z^L and a^L for checked inputs X: z^l = a^(l−1) wᵀ + b, a^l = σ(z^l), layer by layer."""
        a = z = X
        last = self.num_layers - 2
        for l, (w, b) in enumerate(zip(self.weights, self.biases)):
            z = a @ w.T
            z += b
            a = (self._output if l == last else self._hidden).fn(z)
        return z, a

    def feedforward(self, X: np.ndarray) -> np.ndarray:
        """Return a^L for the inputs X of shape (m, sizes[0]): shape (m, sizes[-1])."""
        return self._forward(self._as_input(X))[1]

    def cost(self, X: np.ndarray, Y: np.ndarray) -> float:
        """Return C = (1/m) Σ_x C_x over the rows of X and Y (no regularisation term)."""
        return float(self._mean_cost(X, Y))

    def _mean_cost(self, X: np.ndarray, Y: np.ndarray) -> np.floating:
        """C as a NumPy scalar of the network's dtype (long double keeps its extra digits)."""
        X, Y = self._as_input(X), self._as_target(Y, len(X))
        z, a = self._forward(X)
        return self._cost.fn(z, a, Y).mean()

    def evaluate(self, X: np.ndarray, Y: np.ndarray) -> tuple[float, np.ndarray]:
        """Return the mean cost C over the rows and the outputs a^L, from one forward pass."""
        X, Y = self._as_input(X), self._as_target(Y, len(X))
        z, a = self._forward(X)
        return float(self._cost.fn(z, a, Y).mean()), a

    def batch_cost(self, grads: Gradients, Y: np.ndarray) -> float:
        """C on the mini-batch that produced ``grads``, from its stored z^L and a^L (no pass)."""
        return float(self._cost.fn(grads.zs[-1], grads.activations[-1], Y).mean())

    # -- backward -----------------------------------------------------------------------

    def backprop(self, X: np.ndarray, Y: np.ndarray) -> Gradients:
        """Return the gradient of ``cost(X, Y)`` by one forward and one backward pass.

        The arrays are freshly allocated and belong to the caller.
        """
        X = self._as_input(X)
        Y = self._as_target(Y, len(X))
        ws = _Workspace(self.sizes, len(X), self.dtype)
        return self._backprop(X, Y, ws, ws.inv_m)

    def sgd_step(
        self,
        X: np.ndarray,
        Y: np.ndarray,
        eta: float,
        lmbda: float = 0.0,
        n: int | None = None,
    ) -> Gradients:
        """One step of gradient descent on the mini-batch (X, Y); return the gradients used.

        w → (1 − ηλ/n)·w − η·nabla_w and b → b − η·nabla_b, where nabla is the mean
        gradient over the m samples, i.e. the seed's w − (η/m) Σ_x ∂C_x/∂w. ``n`` is the
        size of the whole training set for the L2 decay (network2.py); it defaults to m.

        The returned ``Gradients`` and its arrays are buffers that the next ``sgd_step``
        with the same m overwrites: copy what you need to keep. Its ``nabla_w`` is
        divided back from η·∇w when first read (see ``_StepGradients``), to within a
        rounding of the directly computed mean.
        """
        X = self._as_input(X)
        Y = self._as_target(Y, len(X))
        m = len(X)
        ws = self._workspaces.get(m)
        if ws is None:
            if len(self._workspaces) >= 4:  # a full and a last partial batch, typically
                self._workspaces.clear()
            ws = self._workspaces[m] = _Workspace(self.sizes, m, self.dtype)
        if list(map(id, self.weights + self.biases)) != self._view_ids:
            self._pack()
        if not eta:  # no step; the gradients are still wanted
            grads = self._backprop(X, Y, ws, ws.inv_m)
        else:
            # BP3 and BP4 scaled by η/m yield η·∇ directly, so that w → w − η·nabla_w and
            # b → b − η·nabla_b is one subtraction for every layer at once
            grads = self._backprop(X, Y, ws, np.array(eta / m, self.dtype))
        if lmbda:
            decay = 1.0 - eta * lmbda / (n if n is not None else m)
            if decay != 1.0:
                self._theta_weights *= decay
        if not eta:
            return grads
        self._theta -= ws.grad
        inv_eta = np.array(1.0 / eta, self.dtype)
        np.multiply(ws.grad_b, inv_eta, out=ws.grad_b)  # ∇b at once: it is small
        grads._pending = inv_eta  # ∇w when first read
        return grads

    def _backprop(
        self, X: np.ndarray, Y: np.ndarray, ws: _Workspace, scale: np.ndarray
    ) -> _StepGradients:
        """Forward pass storing z^l and a^l, then BP1, BP2 backwards, BP3 and BP4 per layer.

        BP3 and BP4 come out multiplied by ``scale``·m: the batch mean for scale = 1/m.
        """
        dot = np.dot
        weights, biases = self.weights, self.biases
        zs, activations, deltas = ws.zs, ws.activations, ws.delta
        last = self.num_layers - 2
        hidden = self._hidden
        a = X
        # forward: z^l = a^(l−1) wᵀ + b, a^l = σ(z^l)
        for l in range(last + 1):
            z = dot(a, weights[l].T, out=zs[l])
            z += biases[l]
            a = (self._output if l == last else hidden).fn(z, out=activations[l])
        # BP1: δ^L = ∇_a C ⊙ σ'(z^L)
        self._cost.delta(zs[last], a, Y, self._output, out=deltas[last])
        ones = ws.ones
        for l in range(last, -1, -1):
            delta = deltas[l]
            scaled = np.multiply(delta, scale, out=ws.delta_scaled[l])
            # BP3: ∂C/∂b = δ, averaged over the batch: 1ᵀ(δ/m) for scale = 1/m
            dot(ones, scaled, out=ws.nabla_b[l])
            # BP4: ∂C/∂w_jk = a^(l−1)_k δ_j, averaged: (δ/m)ᵀ a^(l−1) for scale = 1/m
            dot(scaled.T, activations[l - 1] if l else X, out=ws.nabla_w[l])
            if l:
                # BP2: δ^(l−1) = (δ^l w^l) ⊙ σ'(z^(l−1)), using the weights before any update
                prev = dot(delta, weights[l], out=deltas[l - 1])
                hidden.times_prime(prev, zs[l - 1], activations[l - 1], ws.sigma_prime[l - 1])
        grads = ws.gradients
        grads._pending = None
        grads.activations[0] = X
        return grads

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


def _check_sizes(sizes: Sequence[int]) -> list[int]:
    """Return sizes as a list of ints, or raise ValueError saying what is allowed."""
    try:
        values = list(sizes)
    except TypeError:
        raise ValueError(
            f"sizes must be a list of layer sizes such as [2, 8, 1], got {sizes!r}"
        ) from None
    if len(values) < 2:
        raise ValueError(
            f"sizes needs at least two layers (input and output), such as [2, 8, 1]; got {values}"
        )
    for n in values:
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
            raise ValueError(f"every layer size must be a whole number ≥ 1, got {n!r} in {values}")
    return [int(n) for n in values]


def _check_choice(field: str, value: object, allowed: dict | tuple) -> str:
    """Return value if it is one of ``allowed``, else raise ValueError listing them."""
    names = list(allowed)
    if value not in names:
        raise ValueError(f"{field} must be one of {', '.join(names)}; got {value!r}")
    return str(value)


def _check_pairing(output_activation: str, cost: str) -> None:
    """Raise ValueError unless the cost accepts this output activation."""
    allowed = COSTS[cost].outputs
    if output_activation not in allowed:
        if output_activation == "softmax":
            hint = "softmax goes only with cost 'log_likelihood'"
        else:
            hint = f"cost {cost!r} needs output_activation {' or '.join(map(repr, allowed))}"
        raise ValueError(
            f"output_activation {output_activation!r} cannot be paired with cost {cost!r}: {hint}"
        )


def _check_dtype(dtype: str | type | np.dtype) -> type:
    """Return np.float64 or np.float32, or raise ValueError."""
    try:
        name = np.dtype(dtype).name
    except TypeError:
        name = str(dtype)
    if name not in DTYPES:
        raise ValueError(f"dtype must be float64 or float32, got {dtype!r}")
    return DTYPES[name]
