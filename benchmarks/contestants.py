"""The contestants: our engine, the book's per-sample loop, PyTorch autograd and by hand.

Each contestant is built for one workload and dtype from the same initial parameters and
the same mini-batches, and exposes ``reset()`` (restore the initial parameters, outside the
timing) and ``run(steps)`` (that many SGD steps, cycling through the mini-batches).
"""

from __future__ import annotations

import importlib.util

import numpy as np

from benchmarks.workloads import Workload
from tests.book import BookNetwork
from tui_backprop.engine import Network

ENGINE = "engine"
BOOK = "book loop"
TORCH_AUTOGRAD = "torch autograd"
TORCH_MANUAL = "torch by hand"
TORCH_NAMES = (TORCH_AUTOGRAD, TORCH_MANUAL)
TORCH_VERSION = "2.13.0"


def torch_available() -> bool:
    """True when PyTorch can be imported."""
    return importlib.util.find_spec("torch") is not None


class Contestant:
    """One implementation of the SGD step, primed for one workload and dtype."""

    name = ""

    def __init__(
        self, workload: Workload, dtype: str, X: np.ndarray, Y: np.ndarray, initial: Network
    ) -> None:
        """Keep the workload, the mini-batches and the shared initial parameters."""
        self.workload = workload
        self.dtype = dtype
        self.initial = initial
        self.batches = _batches(workload, X, Y)

    def reset(self) -> None:
        """Restore the initial parameters."""
        raise NotImplementedError

    def run(self, steps: int) -> None:
        """Take ``steps`` SGD steps over the mini-batches."""
        raise NotImplementedError


class EngineContestant(Contestant):
    """``tui_backprop.engine.Network.sgd_step`` on row-major mini-batches."""

    name = ENGINE

    def reset(self) -> None:
        """A fresh copy of the initial network (its buffers are rebuilt on the first step)."""
        self.net = self.initial.copy()

    def run(self, steps: int) -> None:
        """Call ``sgd_step`` once per mini-batch."""
        sgd_step, eta, batches = self.net.sgd_step, self.workload.eta, self.batches
        k = len(batches)
        for i in range(steps):
            X, Y = batches[i % k]
            sgd_step(X, Y, eta)


class BookContestant(Contestant):
    """The book's ``update_mini_batch`` on lists of (x, y) column vectors."""

    name = BOOK

    def __init__(
        self, workload: Workload, dtype: str, X: np.ndarray, Y: np.ndarray, initial: Network
    ) -> None:
        """Convert the mini-batches to the book's lists of column pairs (its data loader)."""
        super().__init__(workload, dtype, X, Y, initial)
        self.mini_batches = [
            [(x.reshape(-1, 1).copy(), y.reshape(-1, 1).copy()) for x, y in zip(Xb, Yb)]
            for Xb, Yb in self.batches
        ]

    def reset(self) -> None:
        """A fresh ``BookNetwork`` from the initial parameters."""
        w = self.workload
        self.net = BookNetwork(
            self.initial.weights, self.initial.biases, w.activation, w.output_activation, w.cost
        )

    def run(self, steps: int) -> None:
        """Call ``update_mini_batch`` once per mini-batch."""
        eta, batches = self.workload.eta, self.mini_batches
        k = len(batches)
        with np.errstate(all="ignore"):  # the book's exp(−z) overflows quietly in float32
            for i in range(steps):
                self.net.update_mini_batch(batches[i % k], eta)


class TorchContestant(Contestant):
    """Shared set-up of the PyTorch contestants: tensors, threads, grad mode."""

    def __init__(
        self,
        workload: Workload,
        dtype: str,
        X: np.ndarray,
        Y: np.ndarray,
        initial: Network,
        threads: int,
    ) -> None:
        """Wrap the mini-batches as tensors (no copy) and set the intra-op threads."""
        super().__init__(workload, dtype, X, Y, initial)
        import torch

        self.torch = torch
        torch.set_num_threads(threads)
        self.tensors = [
            (torch.from_numpy(Xb), torch.from_numpy(Yb), torch.from_numpy(Yb.argmax(axis=1)))
            for Xb, Yb in self.batches
        ]

    def _parameters(self, requires_grad: bool) -> tuple[list, list]:
        """Fresh weight and bias tensors from the initial parameters."""
        torch = self.torch
        weights = [torch.tensor(w, requires_grad=requires_grad) for w in self.initial.weights]
        biases = [torch.tensor(b, requires_grad=requires_grad) for b in self.initial.biases]
        return weights, biases


class TorchAutogradContestant(TorchContestant):
    """PyTorch's usual way: a forward pass, ``loss.backward()``, an update under no_grad."""

    name = TORCH_AUTOGRAD

    def reset(self) -> None:
        """Fresh leaf tensors."""
        self.weights, self.biases = self._parameters(requires_grad=True)

    def run(self, steps: int) -> None:
        """Forward with ``addmm``, the cost from z as the engine computes it, backward."""
        torch = self.torch
        F = torch.nn.functional
        w = self.workload
        hidden = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[w.activation]
        params = [*self.weights, *self.biases]
        layers = list(zip(self.weights, self.biases))
        last = len(layers) - 1
        eta, m, k = w.eta, w.m, len(self.tensors)
        for i in range(steps):
            X, Y, labels = self.tensors[i % k]
            a = X
            for l, (W, b) in enumerate(layers):
                z = torch.addmm(b, a, W.t())
                if l < last:
                    a = hidden(z)
            if w.cost == "quadratic":
                loss = 0.5 * (torch.sigmoid(z) - Y).pow(2).sum() / m
            elif w.cost == "cross_entropy":
                loss = F.binary_cross_entropy_with_logits(z, Y, reduction="sum") / m
            else:
                loss = F.cross_entropy(z, labels)
            for p in params:
                p.grad = None
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p.add_(p.grad, alpha=-eta)


class TorchManualContestant(TorchContestant):
    """BP1–BP4 written out in PyTorch with preallocated buffers and ``out=`` arithmetic.

    Gradients are materialised (as the engine must, for the screen), but the 1/m is folded
    into the update's ``alpha``, one pass fewer than the engine makes.
    """

    name = TORCH_MANUAL

    def reset(self) -> None:
        """Fresh parameters and buffers for every layer."""
        torch = self.torch
        self.weights, self.biases = self._parameters(requires_grad=False)
        m, outs = self.workload.m, self.workload.sizes[1:]
        dt = self.weights[0].dtype
        self.zs = [torch.empty(m, n, dtype=dt) for n in outs]
        self.acts = [torch.empty(m, n, dtype=dt) for n in outs]
        self.deltas = [torch.empty(m, n, dtype=dt) for n in outs]
        self.primes = [torch.empty(m, n, dtype=dt) for n in outs]
        self.nabla_w = [torch.empty_like(W) for W in self.weights]
        self.nabla_b = [torch.empty_like(b) for b in self.biases]

    def run(self, steps: int) -> None:
        """Forward into buffers, BP1, then BP2–BP4 per layer, then the update."""
        torch = self.torch
        w = self.workload
        eta_m, k = w.eta / w.m, len(self.tensors)
        last = len(self.weights) - 1
        weights, biases, zs, acts = self.weights, self.biases, self.zs, self.acts
        deltas, primes, nabla_w, nabla_b = self.deltas, self.primes, self.nabla_w, self.nabla_b
        with torch.no_grad():
            for i in range(steps):
                X, Y, _ = self.tensors[i % k]
                a = X
                for l in range(last + 1):
                    z = torch.addmm(biases[l], a, weights[l].t(), out=zs[l])
                    name = w.output_activation if l == last else w.activation
                    a = _torch_activation(torch, name, z, acts[l])
                # BP1
                torch.sub(a, Y, out=deltas[last])
                if w.cost == "quadratic":
                    _torch_prime(torch, "sigmoid", z, a, primes[last])
                    deltas[last].mul_(primes[last])
                for l in range(last, -1, -1):
                    delta = deltas[l]
                    a_prev = acts[l - 1] if l > 0 else X
                    torch.sum(delta, 0, out=nabla_b[l])  # BP3 (times m)
                    torch.mm(delta.t(), a_prev, out=nabla_w[l])  # BP4 (times m)
                    if l > 0:  # BP2
                        torch.mm(delta, weights[l], out=deltas[l - 1])
                        _torch_prime(torch, w.activation, zs[l - 1], a_prev, primes[l - 1])
                        deltas[l - 1].mul_(primes[l - 1])
                for W, b, nw, nb in zip(weights, biases, nabla_w, nabla_b):
                    W.add_(nw, alpha=-eta_m)
                    b.add_(nb, alpha=-eta_m)


def _torch_activation(torch, name: str, z, out):
    """σ(z) into ``out`` (softmax allocates: it has no ``out=``)."""
    if name == "sigmoid":
        return torch.sigmoid(z, out=out)
    if name == "tanh":
        return torch.tanh(z, out=out)
    if name == "relu":
        return torch.clamp_min(z, 0.0, out=out)
    return torch.softmax(z, dim=1)


def _torch_prime(torch, name: str, z, a, out) -> None:
    """σ'(z) into ``out``, from a where that is exact."""
    if name == "sigmoid":
        torch.mul(a, a, out=out).neg_().add_(a)  # a − a² = a(1 − a)
    elif name == "tanh":
        torch.mul(a, a, out=out).neg_().add_(1.0)
    else:
        torch.gt(z, 0.0, out=out)


def _batches(workload: Workload, X: np.ndarray, Y: np.ndarray) -> list[tuple]:
    """Consecutive mini-batches of m rows (views, no copies)."""
    m = workload.m
    return [(X[i : i + m], Y[i : i + m]) for i in range(0, len(X), m)]


def warmed_up(workload: Workload, dtype: str, X: np.ndarray, Y: np.ndarray) -> Network:
    """A network trained for ``workload.warm_up`` steps: every trial starts from it.

    A fresh network can sit in an unusual regime (N(0, 1) weights saturate the book's
    sigmoids, and its first few hundred steps run slower); timing every contestant from
    the same trained parameters compares them in the regime where training spends its time.
    """
    net = Network(**workload.network_arguments(dtype))
    batches = _batches(workload, X, Y)
    with np.errstate(all="ignore"):
        for i in range(workload.warm_up):
            net.sgd_step(*batches[i % len(batches)], workload.eta)
    return net


def make_contestants(
    workload: Workload, dtype: str, X: np.ndarray, Y: np.ndarray, threads: int
) -> list[Contestant]:
    """Every contestant that can run here, in a fixed order, from the same parameters."""
    initial = warmed_up(workload, dtype, X, Y)
    found: list[Contestant] = [
        EngineContestant(workload, dtype, X, Y, initial),
        BookContestant(workload, dtype, X, Y, initial),
    ]
    if torch_available():
        found.append(TorchAutogradContestant(workload, dtype, X, Y, initial, threads))
        found.append(TorchManualContestant(workload, dtype, X, Y, initial, threads))
    return found


def parameters(contestant: Contestant) -> np.ndarray:
    """The contestant's current weights then biases, flattened into one float64 vector."""
    net = getattr(contestant, "net", contestant)
    arrays = [*net.weights, *net.biases]
    flat = [np.asarray(a.detach() if hasattr(a, "detach") else a, np.float64) for a in arrays]
    return np.concatenate([a.reshape(-1) for a in flat])
