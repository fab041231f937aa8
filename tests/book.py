"""A faithful port of the book's ``network.py`` training step: a Python loop over samples.

The structure is Nielsen's, line for line: column vectors, ``backprop(x, y)`` for one
sample at a time, gradients summed with list comprehensions, then
``w - (eta/len(mini_batch))*nw`` (network.py) or, with L2, network2.py's
``(1-eta*(lmbda/n))*w-(eta/len(mini_batch))*nw``. Only the activation functions and the
output error are chosen per network (network.py has the sigmoid and the quadratic cost;
network2.py adds the cross-entropy, whose δ^L is a − y, and chapter 3's softmax with the
log-likelihood has the same δ^L); the book's σ and σ' become ``self.act`` and
``self.act_prime``.

Two users: ``tests/engine/test_book_oracle.py`` holds the engine to it, and the
benchmarks (``benchmarks/contestants.py``) race against it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Fn = Callable[[np.ndarray], np.ndarray]


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The book's sigmoid function."""
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_prime(z: np.ndarray) -> np.ndarray:
    """The book's derivative of the sigmoid function."""
    return sigmoid(z) * (1 - sigmoid(z))


def tanh_prime(z: np.ndarray) -> np.ndarray:
    """Derivative of tanh, written the book's way (from z)."""
    return 1 - np.tanh(z) ** 2


def relu(z: np.ndarray) -> np.ndarray:
    """max(0, z)."""
    return np.maximum(z, 0)


def relu_prime(z: np.ndarray) -> np.ndarray:
    """1 where z > 0, else 0."""
    return (z > 0).astype(z.dtype)


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax of one column vector (network3.py's output layer, in NumPy)."""
    e = np.exp(z - z.max())
    return e / e.sum()


def identity(z: np.ndarray) -> np.ndarray:
    """The linear activation a = z."""
    return z


def identity_prime(z: np.ndarray) -> np.ndarray:
    """Its derivative, 1."""
    return np.ones_like(z)


ACTIVATIONS: dict[str, tuple[Fn, Fn | None]] = {
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (np.tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "linear": (identity, identity_prime),
    "softmax": (softmax, None),
}


class BookNetwork:
    """network.py's ``Network``, with the weights given rather than drawn."""

    def __init__(
        self,
        weights: list[np.ndarray],
        biases: list[np.ndarray],
        activation: str,
        output_activation: str,
        cost: str,
    ) -> None:
        """Copy the parameters in the book's shapes: biases are (n, 1) columns."""
        self.num_layers = len(weights) + 1
        self.weights = [w.copy() for w in weights]
        self.biases = [b.reshape(-1, 1).copy() for b in biases]
        self.act, self.act_prime = ACTIVATIONS[activation]
        self.out, self.out_prime = ACTIVATIONS[output_activation]
        self.quadratic = cost == "quadratic"

    def update_mini_batch(self, mini_batch: list[tuple[np.ndarray, np.ndarray]], eta: float):
        """network.py: one gradient-descent step on a list of (x, y) column pairs."""
        nabla_b = [np.zeros(b.shape, b.dtype) for b in self.biases]
        nabla_w = [np.zeros(w.shape, w.dtype) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        self.weights = [w - (eta / len(mini_batch)) * nw for w, nw in zip(self.weights, nabla_w)]
        self.biases = [b - (eta / len(mini_batch)) * nb for b, nb in zip(self.biases, nabla_b)]

    def update_mini_batch_l2(self, mini_batch: list, eta: float, lmbda: float, n: int):
        """network2.py: the same step with L2 regularisation over a training set of n."""
        nabla_b = [np.zeros(b.shape, b.dtype) for b in self.biases]
        nabla_w = [np.zeros(w.shape, w.dtype) for w in self.weights]
        for x, y in mini_batch:
            delta_nabla_b, delta_nabla_w = self.backprop(x, y)
            nabla_b = [nb + dnb for nb, dnb in zip(nabla_b, delta_nabla_b)]
            nabla_w = [nw + dnw for nw, dnw in zip(nabla_w, delta_nabla_w)]
        self.weights = [
            (1 - eta * (lmbda / n)) * w - (eta / len(mini_batch)) * nw
            for w, nw in zip(self.weights, nabla_w)
        ]
        self.biases = [b - (eta / len(mini_batch)) * nb for b, nb in zip(self.biases, nabla_b)]

    def backprop(self, x: np.ndarray, y: np.ndarray) -> tuple[list, list]:
        """network.py: the gradient for one sample, as (nabla_b, nabla_w)."""
        nabla_b = [np.zeros(b.shape, b.dtype) for b in self.biases]
        nabla_w = [np.zeros(w.shape, w.dtype) for w in self.weights]
        # feedforward
        activation = x
        activations = [x]  # list to store all the activations, layer by layer
        zs = []  # list to store all the z vectors, layer by layer
        last = len(self.weights) - 1
        for l, (b, w) in enumerate(zip(self.biases, self.weights)):
            z = np.dot(w, activation) + b
            zs.append(z)
            activation = self.out(z) if l == last else self.act(z)
            activations.append(activation)
        # backward pass
        delta = self.cost_derivative(activations[-1], y)
        if self.quadratic:
            delta = delta * self.out_prime(zs[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = np.dot(delta, activations[-2].transpose())
        for l in range(2, self.num_layers):
            z = zs[-l]
            sp = self.act_prime(z)
            delta = np.dot(self.weights[-l + 1].transpose(), delta) * sp
            nabla_b[-l] = delta
            nabla_w[-l] = np.dot(delta, activations[-l - 1].transpose())
        return (nabla_b, nabla_w)

    def cost_derivative(self, output_activations: np.ndarray, y: np.ndarray) -> np.ndarray:
        """network.py: ∂C_x/∂a for the quadratic cost; network2.py's δ^L is the same a − y."""
        return output_activations - y
