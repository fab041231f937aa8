"""The command line: ``tui-backprop`` opens the app; subcommands run without Textual.

    tui-backprop [--preset NAME] [--set KEY=VALUE ...]       the app
    tui-backprop train --preset NAME [--epochs N] [--metrics F.jsonl] [--save M.npz] ...
    tui-backprop presets                                     list the presets
    tui-backprop reproduce [NAME ...] [--all]                the book's experiments, checked
    tui-backprop sweep --preset NAME --set eta=0.1,1 ...     a grid of runs in parallel
    tui-backprop gradcheck --preset NAME                     backprop against finite differences

Exit codes: 0 success, 1 an unexpected failure, 2 bad input (one line saying what is
wrong), 3 training diverged, 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from tui_backprop import __version__, gradcheck_cli
from tui_backprop.data import DatasetError, load_dataset
from tui_backprop.training import (
    DEFAULT_PRESET,
    ConfigError,
    RunConfig,
    apply_overrides,
    list_presets,
    load_preset,
)
from tui_backprop.training.model_io import (
    ModelFileError,
    load_input_scaling,
    load_model,
    save_model,
)
from tui_backprop.training.states import USABLE_END_STATES, RunState

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_DIVERGED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
#: the errors that mean "bad input": reported in one line, exit 2
INPUT_ERRORS = (ConfigError, DatasetError, ModelFileError)


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        """Print one line naming the problem (no usage dump) and exit with status 2."""
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = _Parser(
        prog="tui-backprop",
        description="A terminal lab for watching backpropagation work.",
        epilog="Run 'tui-backprop COMMAND --help' for a command's options.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_experiment_options(parser, default_preset=DEFAULT_PRESET)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    train = commands.add_parser(
        "train", help="train without the app (progress bar, JSONL metrics, saved model)"
    )
    _add_experiment_options(train, default_preset=DEFAULT_PRESET)
    train.add_argument(
        "--headless", action="store_true", help="accepted for clarity: train never opens the app"
    )
    train.add_argument("--epochs", type=int, metavar="N", help="override the preset's epochs")
    train.add_argument("--metrics", metavar="FILE.jsonl", help="write one JSON line per epoch")
    train.add_argument("--save", metavar="MODEL.npz", help="save the trained network")
    train.add_argument("--load", metavar="MODEL.npz", help="start from a saved network")
    train.add_argument("--quiet", action="store_true", help="print only the final summary line")

    commands.add_parser("presets", help="list the presets with their descriptions")

    from tui_backprop.experiments import reproduce, sweep

    reproduce.add_arguments(
        commands.add_parser("reproduce", help="run the book's experiments; ours beside the book's")
    )
    sweep.add_arguments(
        commands.add_parser("sweep", help="a grid of runs (η, λ, seeds...) in parallel processes")
    )

    gradcheck_cli.add_parser(commands, lambda p: _add_experiment_options(p, DEFAULT_PRESET))
    return parser


def _add_experiment_options(parser: argparse.ArgumentParser, default_preset: str) -> None:
    """--preset and --set, shared by the app and the subcommands."""
    parser.add_argument(
        "--preset",
        default=None,
        metavar="NAME",
        help=f"a preset name or a .toml file (default: {default_preset})",
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a field, e.g. --set eta=0.5 --set dataset_options.noise=0.1",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "presets":
            return _list_presets()
        if args.command in ("reproduce", "sweep"):
            from tui_backprop.experiments import reproduce, sweep

            return {"reproduce": reproduce, "sweep": sweep}[args.command].run(args)
        config = _load_config(args.preset, args.overrides)
        if args.command == "train":
            return _train(args, config)
        if args.command == "gradcheck":
            return gradcheck_cli.run(args, config)
        return _open_app(args.preset, config)
    except INPUT_ERRORS as error:
        print(f"tui-backprop: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _load_config(preset: str | None, overrides: list[str]) -> RunConfig:
    """The preset (default when None) with the --set overrides applied."""
    config = load_preset(preset or DEFAULT_PRESET)
    return apply_overrides(config, overrides) if overrides else config


def _open_app(preset: str | None, config: RunConfig) -> int:
    """Open the Textual app (imported here so that the other commands never load Textual)."""
    from tui_backprop.app import BackpropApp

    BackpropApp(preset=preset or DEFAULT_PRESET, config=config).run()
    return EXIT_OK


def _list_presets() -> int:
    """Print every preset with its dataset and description."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Presets (tui-backprop --preset NAME)", title_justify="left")
    table.add_column("name", style="bold cyan", no_wrap=True)
    table.add_column("dataset", no_wrap=True)
    table.add_column("what it shows")
    for info in list_presets():
        table.add_row(info.name, info.dataset, info.description)
    Console().print(table)
    return EXIT_OK


def _train(args: argparse.Namespace, config: RunConfig) -> int:
    """Train headless: progress on a terminal, epoch lines when piped, a summary at the end."""
    from tui_backprop.headless import HeadlessRun

    if args.epochs is not None:
        config = config.replace(epochs=args.epochs)
    network = dataset = None
    if args.load:
        saved_config, network = load_model(args.load)
        scaling = load_input_scaling(args.load)  # the inputs scaled as when it was trained
        if scaling is not None:
            dataset = load_dataset(config.dataset, scaling=scaling, **config.dataset_options)
        if saved_config.sizes != config.sizes:
            raise ConfigError(
                f"--load {args.load}: the saved network has sizes {saved_config.sizes}, "
                f"the configuration asks for {config.sizes}"
            )
    metrics = _open_metrics(args.metrics)
    try:
        run = HeadlessRun(
            config, network=network, metrics=metrics, quiet=args.quiet, dataset=dataset
        )
        final = run.run()
    except KeyboardInterrupt:
        print("tui-backprop: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if metrics is not None:
            metrics.close()
    if args.save and final.state in USABLE_END_STATES:
        save_model(args.save, run.trainer.net, config, run.trainer.dataset.input_scaling)
        print(f"saved the network to {args.save}")
    if final.state == RunState.DIVERGED:
        print(f"tui-backprop: {final.message}", file=sys.stderr)
        return EXIT_DIVERGED
    if final.state == RunState.FAILED:
        print(f"tui-backprop: {final.message}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _open_metrics(path: str | None):
    """Open the JSONL metrics file for writing, or raise ConfigError naming it."""
    if path is None:
        return None
    try:
        return open(path, "w", encoding="utf-8")  # noqa: SIM115 (closed by the caller)
    except OSError as error:
        raise ConfigError(f"--metrics {path}: cannot be written ({error.strerror})") from None


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
