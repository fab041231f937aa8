"""``tui-backprop gradcheck``: chapter 2's race between backprop and finite differences.

On the preset's network (freshly initialised) and its first m training samples: backprop
(one forward and one backward pass), one-sided differences (P + 1 forward passes) and
centred differences (2P), with backprop's largest relative error per layer against each,
the times and a verdict against a stated tolerance (checked again against a long-double
centred difference when the network's own precision is too coarse to tell). The race itself is
``tui_backprop.training.race`` (the app's race screen runs the same one).

Exit status: 0 backprop passes, 1 it does not, 2 bad input (one line), 130 interrupted.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable

from tui_backprop.data import load_dataset
from tui_backprop.engine.gradcheck import (
    TOLERANCE,
    chapter2_pass_count,
    layer_errors,
    numerical_gradient,
    within_tolerance,
)
from tui_backprop.engine.parameters import param_count
from tui_backprop.training.config import ConfigError, RunConfig, check_sizes_match

EXIT_PASSED, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130
#: above this many parameters the finite differences are refused unless --max-params says
#: otherwise (2-300-300-3 has 92,103: some 276,000 forward passes, minutes)
MAX_PARAMS = 20_000
#: above this many, a warning gives the number of passes before the race starts
WARN_PARAMS = 2_000


def add_parser(commands: argparse._SubParsersAction, add_experiment_options: Callable) -> None:
    """The ``gradcheck`` subcommand and its options."""
    check = commands.add_parser(
        "gradcheck", help="compare backprop's gradient with finite differences (chapter 2's claim)"
    )
    add_experiment_options(check)
    check.add_argument(
        "--samples", type=int, default=10, metavar="M", help="mini-batch size m (default 10)"
    )
    bounds = ", ".join(f"{value:g} in {name}" for name, value in TOLERANCE.items())
    check.add_argument(
        "--tolerance",
        type=float,
        metavar="T",
        help=f"largest relative error that passes (default {bounds})",
    )
    check.add_argument(
        "--max-params",
        type=int,
        default=MAX_PARAMS,
        metavar="N",
        help=f"refuse networks with more parameters than this (default {MAX_PARAMS:,})",
    )


def run(args: argparse.Namespace, config: RunConfig) -> int:
    """Check the options, race on the first m training samples, print, give the verdict."""
    from tui_backprop.engine import Network
    from tui_backprop.training.race import CENTRED, ONE_SIDED, run_race

    _check_options(args)
    dataset = load_dataset(config.dataset, **config.dataset_options)
    check_sizes_match(config, dataset.info.n_inputs, dataset.info.n_outputs)
    params = param_count(config.sizes)
    passes = chapter2_pass_count(params) + 2 * params
    sizes = "-".join(map(str, config.sizes))
    if params > args.max_params:
        raise ConfigError(
            f"gradcheck: sizes {sizes} have {params:,} parameters, so the finite differences "
            f"need {passes:,} forward passes; the limit is {args.max_params:,} parameters "
            f"(raise it with --max-params {params})"
        )
    if params > WARN_PARAMS:
        _say(
            f"gradcheck: {params:,} parameters: the finite differences need {passes:,} "
            "forward passes of the mini-batch (P + 1 one-sided, 2P centred); Ctrl-C stops"
        )
    net = Network(**config.network_arguments())
    X, Y = dataset.X_train[: args.samples], dataset.Y_train[: args.samples]
    tolerance = args.tolerance if args.tolerance is not None else TOLERANCE[net.dtype.__name__]
    progress = _Progress()
    try:
        race = run_race(net, X, Y, report=progress.show)
        progress.clear()
        _print_race(config, race, CENTRED, ONE_SIDED)
        error = max(layer.max_rel_error for layer in race.leg(CENTRED).layers)
        oracle = "centred difference"
        if not within_tolerance(error, net.dtype, tolerance):
            error, oracle = _recheck(net, X, Y, progress), "long-double centred difference"
    except KeyboardInterrupt:
        progress.clear()
        _say("tui-backprop: gradcheck interrupted")
        return EXIT_INTERRUPTED
    passed = within_tolerance(error, net.dtype, tolerance)
    print(
        f"\n{'PASS' if passed else 'FAIL'}: backprop's largest relative error against the "
        f"{oracle} is {error:.2e}, {'within' if passed else 'above'} the tolerance "
        f"{tolerance:g} ({net.dtype.__name__})."
    )
    return EXIT_PASSED if passed else EXIT_FAILED


def _recheck(net, X, Y, progress: _Progress) -> float:
    """Backprop's largest relative error against a long-double centred difference.

    A centred difference in the network's own precision errs by about u·C/ε, which in a
    layer whose gradient has (nearly) vanished can exceed the tolerance though backprop is
    right; evaluated in long double (u ≈ 1e-19) it does not.
    """
    print(
        "\nThe centred difference's own rounding error (about u·C/ε) can exceed the "
        "tolerance where gradients are tiny: checking again against a long-double one."
    )
    numeric = numerical_gradient(
        net, X, Y, method="centred", extended_precision=True, progress=progress.show_count
    )
    progress.clear()
    return max(layer.max_rel_error for layer in layer_errors(net.backprop(X, Y), numeric))


def _check_options(args: argparse.Namespace) -> None:
    """One-line ConfigErrors for options out of range."""
    if args.samples < 1:
        raise ConfigError(f"--samples {args.samples} must be a whole number ≥ 1")
    if args.tolerance is not None and not args.tolerance > 0:
        raise ConfigError(f"--tolerance {args.tolerance} must be a positive number")
    if args.max_params < 1:
        raise ConfigError(f"--max-params {args.max_params} must be a whole number ≥ 1")


def milliseconds(seconds: float) -> str:
    """A time in ms with four significant digits and no exponent (0.03264, 27.46, 1234), so
    that the ratios printed beside the times can be checked against them."""
    ms = seconds * 1e3
    decimals = max(0, 3 - math.floor(math.log10(ms))) if ms > 0 else 3
    return f"{ms:.{decimals}f}"


def _print_race(config: RunConfig, race, centred: str, one_sided: str) -> None:
    """The network, the errors per layer, and the passes and times of the three runners."""
    from tui_backprop.training.race import BACKPROP

    P, m = race.num_params, race.m
    print(
        f"network {'-'.join(map(str, config.sizes))} (P = {P:,} parameters), "
        f"{config.activation} hidden, {config.output_activation} output, {config.cost} cost; "
        f"mini-batch of m = {m} training samples"
    )
    print("\nbackprop's largest relative error against finite differences, per layer")
    print(f"{'layer':<8}{'centred':>12}{'one-sided':>12}")
    for c, o in zip(race.leg(centred).layers, race.leg(one_sided).layers, strict=True):
        print(f"{c.layer + 1:<8}{c.max_rel_error:>12.2e}{o.max_rel_error:>12.2e}")
    backprop = race.leg(BACKPROP)
    rows = [
        ("backprop", "1 forward + 1 backward", backprop.seconds, "1×"),
        ("one-sided differences", f"{P + 1:,} forward", race.leg(one_sided).seconds, one_sided),
        ("centred differences", f"{2 * P:,} forward", race.leg(centred).seconds, centred),
    ]
    print(f"\n{'method':<24}{'passes of the mini-batch':>26}{'time':>13}{'× backprop':>13}")
    for name, passes, seconds, runner in rows:
        ratio = runner if name == "backprop" else f"{race.ratio(runner):,.0f}×"
        print(f"{name:<24}{passes:>26}{milliseconds(seconds):>10} ms{ratio:>13}")
    print(
        f"\nChapter 2's count: for a million weights the finite differences need \"a million "
        f'and one passes through the network" per training example; here P + 1 = {P + 1:,} '
        f"passes for each of the m = {m} samples ({(P + 1) * m:,} single-sample passes), "
        "where backprop needs one forward and one backward pass."
    )


def _say(line: str) -> None:
    """A line on stderr."""
    print(line, file=sys.stderr, flush=True)


class _Progress:
    """The race's progress on one stderr line, redrawn in place (on a terminal only)."""

    def __init__(self) -> None:
        """Nothing drawn yet."""
        self.stream = sys.stderr
        self.live = self.stream.isatty()
        self.width = 0

    def show(self, race) -> None:
        """Redraw the line for the runner in progress."""
        if not self.live:
            return
        running = next((leg for leg in race.legs if not leg.finished), None)
        if running is None:
            return
        line = (
            f"gradcheck: {running.name} {running.passes:,}/{running.needed:,} passes "
            f"({running.share_done:.0%}, {running.seconds:.1f} s)"
        )
        self.stream.write("\r" + line.ljust(self.width))
        self.stream.flush()
        self.width = len(line)

    def show_count(self, done: int, total: int, passes: int) -> None:
        """Redraw the line for the long-double check: parameters done of total."""
        if self.live and (done % 64 == 0 or done == total):
            line = f"gradcheck: long double {done:,}/{total:,} parameters ({done / total:.0%})"
            self.stream.write("\r" + line.ljust(self.width))
            self.stream.flush()
            self.width = len(line)

    def clear(self) -> None:
        """Erase the line."""
        if self.live and self.width:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()
