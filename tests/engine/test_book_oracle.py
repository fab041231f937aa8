"""The book's own code as the oracle: k training steps through both, the same parameters.

``tests/book.py`` is network.py / network2.py written out (a Python loop over samples,
column vectors); the engine is vectorised over the mini-batch with one flat parameter
vector. On every valid activation × output × cost, with L2, they must agree in float64 to
rounding (~1e-12 relative).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.book import BookNetwork
from tests.engine.conftest import ALL_COMBINATIONS, make_batch
from tui_backprop.engine import Network

STEPS = 5


@pytest.mark.parametrize("lmbda", [0.0, 2.0])
@pytest.mark.parametrize(("hidden", "output", "cost"), ALL_COMBINATIONS)
def test_sgd_steps_equal_the_books_update_mini_batch(hidden, output, cost, lmbda):
    """STEPS mini-batches through sgd_step and through update_mini_batch(_l2): same θ."""
    net = Network([3, 5, 4, 2], hidden, output, cost, init="scaled", seed=7)
    book = BookNetwork(list(net.weights), list(net.biases), hidden, output, cost)
    rng = np.random.default_rng(8)
    eta, n = 0.3, 60
    for _ in range(STEPS):
        X, Y = make_batch(rng, net.sizes, 6, output)
        net.sgd_step(X, Y, eta, lmbda, n)
        pairs = [(x[:, None], y[:, None]) for x, y in zip(X, Y)]
        if lmbda:
            book.update_mini_batch_l2(pairs, eta, lmbda, n)
        else:
            book.update_mini_batch(pairs, eta)
    for l in range(3):
        for mine, theirs in ((net.weights[l], book.weights[l]), (net.biases[l], book.biases[l])):
            theirs = theirs.reshape(mine.shape)
            scale = np.abs(theirs).max()
            assert np.abs(mine - theirs).max() <= 1e-12 * scale, (l, mine, theirs)
    assert not np.array_equal(net.weights[0], Network(**net.config()).weights[0])  # it moved
