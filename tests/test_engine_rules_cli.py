"""The engine's rules as the command line meets them.

Issue 13: a subnormal learning rate trains (a tiny step), it does not "diverge" (the engine
used to divide by η to turn η·∇ back into ∇; now nothing divides by η). Issue 12: a softmax
over one output neuron is refused in one line, not trained at cost 0.
"""

from __future__ import annotations

import pytest

from tui_backprop.cli import EXIT_BAD_INPUT, EXIT_OK, main


@pytest.mark.parametrize(
    "settings", [["eta=1e-310"], ["eta=1e-39", "dtype=float32"]], ids=["float64", "float32"]
)
def test_train_with_a_subnormal_eta_finishes(settings, capsys):
    """`train --set eta=1e-310` (or float32 with 1e-39) finishes with exit 0."""
    args = ["train", "--preset", "xor", "--epochs", "2", "--quiet"]
    for setting in settings:
        args += ["--set", setting]
    assert main(args) == EXIT_OK
    captured = capsys.readouterr()
    assert "diverged" not in captured.out + captured.err
    assert captured.out.startswith("finished: 2 epochs")


def test_a_softmax_over_one_output_is_refused_in_one_line(capsys):
    """xor has one output: softmax · log-likelihood there is degenerate; exit 2, no traceback."""
    args = ["train", "--preset", "xor", "--set", "output_activation=softmax"]
    args += ["--set", "cost=log_likelihood", "--epochs", "1"]
    assert main(args) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "softmax' needs at least 2 output neurons" in err
