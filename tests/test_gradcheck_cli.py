"""``tui-backprop gradcheck``: consistent numbers, a verdict, progress, limits and Ctrl-C."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import numpy as np

from tui_backprop.cli import EXIT_BAD_INPUT, EXIT_OK, main
from tui_backprop.engine import Network
from tui_backprop.gradcheck_cli import EXIT_FAILED, EXIT_INTERRUPTED

XOR_PARAMS = 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1  # 2-8-8-1


def _row(out: str, name: str) -> tuple[str, float, str]:
    """The passes, milliseconds and ratio printed on one runner's row."""
    found = re.search(rf"^{name}\s+(.+?)\s+([\d.]+) ms\s+([\d,]+)×$", out, re.MULTILINE)
    assert found, f"no row for {name} in:\n{out}"
    return found[1], float(found[2]), found[3]


def test_every_printed_number_agrees(capsys):
    """Passes P + 1 and 2P, ratios from the printed backprop time, chapter 2's count, PASS."""
    assert main(["gradcheck", "--preset", "xor", "--samples", "5"]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"(P = {XOR_PARAMS:,} parameters)" in out
    passes, backprop_ms, one = _row(out, "backprop")
    assert passes == "1 forward + 1 backward" and one == "1"
    for name, count in (("one-sided", XOR_PARAMS + 1), ("centred", 2 * XOR_PARAMS)):
        passes, ms, ratio = _row(out, f"{name} differences")
        assert passes == f"{count:,} forward"
        shown = int(ratio.replace(",", ""))
        assert abs(shown - ms / backprop_ms) <= 0.01 * shown + 1  # from the printed time
    assert f"P + 1 = {XOR_PARAMS + 1:,} passes for each of the m = 5" in out
    assert f"({(XOR_PARAMS + 1) * 5:,} single-sample passes)" in out
    assert "a million and one passes through the network" in out
    layer_rows = [line for line in out.splitlines() if re.match(r"^\d\s+\S+e", line)]
    assert len(layer_rows) == 3
    assert re.search(r"^PASS: .* 1e-06 \(float64\)\.$", out, re.MULTILINE)
    assert "seed" not in out


def test_an_error_above_the_tolerance_fails_with_status_1(capsys):
    """The verdict is against the stated tolerance: --tolerance 1e-30 cannot be met."""
    status = main(["gradcheck", "--preset", "xor", "--samples", "3", "--tolerance", "1e-30"])
    assert status == EXIT_FAILED
    assert re.search(r"^FAIL: .* above the tolerance 1e-30", capsys.readouterr().out, re.M)


def test_a_wrong_backprop_fails(monkeypatch, capsys):
    """A backprop whose first ∇w is 1 % off is caught at the default tolerance."""
    right = Network.backprop

    def wrong(self, X, Y):
        grads = right(self, X, Y)
        grads.nabla_w[0] *= 1.01
        return grads

    monkeypatch.setattr(Network, "backprop", wrong)
    assert main(["gradcheck", "--preset", "xor", "--samples", "3"]) == EXIT_FAILED
    out = capsys.readouterr().out
    first_layer = next(line for line in out.splitlines() if line.startswith("1 "))
    assert float(first_layer.split()[1]) > 1e-3


def test_a_big_network_is_refused_with_the_number_of_passes(capsys):
    """2-300-300-3 (92,103 parameters): one line, exit 2, and how to raise the limit."""
    args = ["gradcheck", "--preset", "spiral", "--set", "sizes=2-300-300-3"]
    assert main(args) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "92,103 parameters" in err and f"{3 * 92_103 + 1:,} forward passes" in err
    assert "--max-params 92103" in err


def test_a_large_network_is_warned_about_before_the_race(capsys):
    """Above WARN_PARAMS the number of passes comes first, on stderr."""
    args = ["gradcheck", "--preset", "spiral", "--set", "sizes=2-50-50-3", "--samples", "2"]
    assert main(args) == EXIT_OK
    params = 2 * 50 + 50 + 50 * 50 + 50 + 50 * 3 + 3
    err = capsys.readouterr().err
    assert f"{params:,} parameters: the finite differences need {3 * params + 1:,}" in err


def test_sizes_that_do_not_fit_the_dataset_get_one_line(capsys):
    """As train says it: what the dataset needs, exit 2, no traceback."""
    assert main(["gradcheck", "--preset", "xor", "--set", "sizes=3-8-1"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "must start with 2 and end with 1" in err


def test_progress_is_drawn_on_a_terminal(monkeypatch, capsys):
    """On a terminal, one stderr line redrawn in place with passes done of needed."""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    args = ["gradcheck", "--preset", "spiral", "--set", "sizes=2-30-30-3", "--samples", "20"]
    assert main(args) == EXIT_OK
    err = capsys.readouterr().err
    assert re.search(r"\rgradcheck: (one-sided|centred) [\d,]+/[\d,]+ passes \(\d+%", err)
    assert err.endswith("\r")  # the line is cleared before the report


def test_ctrl_c_stops_the_race_with_status_130():
    """SIGINT during the finite differences: exit 130, one line, no traceback."""
    command = [sys.executable, "-m", "tui_backprop", "gradcheck", "--preset", "spiral"]
    command += ["--set", "sizes=2-300-300-3", "--max-params", "100000"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert "92,103 parameters" in process.stderr.readline()  # the warning: the race starts
    time.sleep(1.0)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == EXIT_INTERRUPTED, err
    assert "gradcheck interrupted" in err and "Traceback" not in err
    assert "PASS" not in out and "FAIL" not in out


def test_the_race_leaves_the_network_alone():
    """The CLI's race runs on a copy: the same preset network is unchanged (sanity)."""
    net = Network([2, 3, 1], seed=0)
    before = [w.copy() for w in net.weights]
    from tui_backprop.training.race import run_race

    run_race(net, np.ones((2, 2)), np.ones((2, 1)), report=lambda race: None)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.weights))


def test_vanishing_gradients_are_checked_again_in_long_double(capsys):
    """Where the float64 difference errs by ~u·C/ε on tiny gradients, long double decides."""
    args = ["gradcheck", "--preset", "vanishing-gradients", "--samples", "3"]
    assert main(args) == EXIT_OK
    out = capsys.readouterr().out
    centred = [float(line.split()[1]) for line in out.splitlines() if re.match(r"^\d\s", line)]
    assert max(centred) > 1e-6  # the float64 centred difference alone could not pass it
    assert "checking again against a long-double one" in out
    assert re.search(r"^PASS: .* against the long-double centred difference is", out, re.M)
