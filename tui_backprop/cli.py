"""The command line: ``tui-backprop`` opens the app; subcommands run without Textual.

    tui-backprop [--preset NAME] [--set KEY=VALUE ...]       the app
    tui-backprop --compare A.jsonl [B.jsonl ...]             the app, over earlier runs
    tui-backprop train --preset NAME [--epochs N] [--metrics F.jsonl] [--save M.npz] ...
    tui-backprop presets                                     list the presets
    tui-backprop reproduce [NAME ...] [--all]                the book's experiments, checked
    tui-backprop sweep --preset NAME --set eta=0.1,1 ...     a grid of runs in parallel
    tui-backprop gradcheck --preset NAME                     backprop against finite differences

Exit codes (``tui_backprop.exit_status``): 0 success, 1 an unexpected failure, 2 bad input
(one line saying what is wrong), 3 training diverged, 130 interrupted (Ctrl-C), 143 SIGTERM.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from tui_backprop import __version__, exit_status, gradcheck_cli
from tui_backprop.atomic import WriteError
from tui_backprop.data import DatasetError
from tui_backprop.training import (
    DEFAULT_PRESET,
    ConfigError,
    RunConfig,
    apply_overrides,
    list_presets,
    load_preset,
    memory,
)
from tui_backprop.training.model_io import ModelFileError
from tui_backprop.training.runs import RunFileError

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = exit_status.OK, exit_status.FAILED, exit_status.BAD_INPUT
EXIT_DIVERGED, EXIT_INTERRUPTED = exit_status.DIVERGED, exit_status.INTERRUPTED
#: the errors that mean "bad input": reported in one line, exit 2
INPUT_ERRORS = (ConfigError, DatasetError, ModelFileError, WriteError, RunFileError)


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
    _add_experiment_options(parser, default_preset=DEFAULT_PRESET, prefix=_TOP)
    parser.add_argument(
        "--compare",
        action="extend",
        nargs="+",
        default=[],
        metavar="FILE.jsonl",
        help="draw these train --metrics files under the app's runs (the app only)",
    )
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


#: the top-level parser's dests for the shared options (merged by ``parse_args``), so that
#: a subcommand's defaults do not silently drop ``tui-backprop --preset digits train``
_TOP = "top_"
_SHARED = {"preset": None, "overrides": [], "max_memory": None}


def _add_experiment_options(
    parser: argparse.ArgumentParser, default_preset: str, prefix: str = ""
) -> None:
    """--preset, --set and --max-memory, shared by the app and the subcommands."""
    parser.add_argument(
        "--preset",
        dest=f"{prefix}preset",
        default=None,
        metavar="NAME",
        help=f"a preset name or a .toml file (default: {default_preset})",
    )
    parser.add_argument(
        "--set",
        dest=f"{prefix}overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a field, e.g. --set eta=0.5 --set dataset_options.noise=0.1",
    )
    parser.add_argument(
        "--max-memory",
        dest=f"{prefix}max_memory",
        type=_memory_size,
        default=None,
        metavar="SIZE",
        help="refuse networks that need more memory than this, e.g. 16G "
        f"(default: half the available memory, or ${memory.ENV_VAR})",
    )


def _memory_size(text: str) -> int:
    """--max-memory's value in bytes (argparse reports a ValueError in one line)."""
    try:
        return memory.parse_size(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parse the command line; the shared options may come before or after the command
    (``--set`` from both places apply, the command's last; two different presets are refused)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    for name, default in _SHARED.items():
        top = getattr(args, _TOP + name)
        delattr(args, _TOP + name)
        mine = getattr(args, name, default)
        if name == "overrides":
            setattr(args, name, [*top, *mine])
        elif top is not None and mine is not None and top != mine:
            parser.error(f"--{name.replace('_', '-')} is given twice: {top!r} and {mine!r}")
        else:
            setattr(args, name, mine if mine is not None else top)
    return args


def _set_memory_limit(option: int | None) -> None:
    """Apply --max-memory; a bad TUI_BACKPROP_MAX_MEMORY is bad input too."""
    try:
        memory.check_environment()
    except ValueError as error:
        raise ConfigError(str(error)) from None
    memory.set_limit(option)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = parse_args(argv)
    try:
        _set_memory_limit(args.max_memory)
        if args.compare and args.command is not None:
            raise ConfigError(f"--compare belongs to the app, not to {args.command}")
        if args.command == "presets":
            return _list_presets()
        if args.command in ("reproduce", "sweep"):
            from tui_backprop.experiments import reproduce, sweep

            return {"reproduce": reproduce, "sweep": sweep}[args.command].run(args)
        if args.command == "train":
            from tui_backprop import train_command

            return train_command.run(args)
        config = _load_config(args.preset, args.overrides)
        if args.command == "gradcheck":
            return gradcheck_cli.run(args, config)
        return _open_app(args.preset, config, args.compare)
    except INPUT_ERRORS as error:
        print(f"tui-backprop: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("tui-backprop: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        memory.set_limit(None)  # main() is also called in-process (tests, scripts)


def _load_config(preset: str | None, overrides: list[str]) -> RunConfig:
    """The preset (default when None) with the --set overrides applied."""
    config = load_preset(DEFAULT_PRESET if preset is None else preset)
    return apply_overrides(config, overrides) if overrides else config


def _open_app(preset: str | None, config: RunConfig, compare: Sequence[str] = ()) -> int:
    """Open the Textual app (imported here so that the other commands never load Textual),
    with the ``compare`` metrics files read first (a bad one is reported before)."""
    from pathlib import Path

    from tui_backprop.app import BackpropApp
    from tui_backprop.training.runs import read_run_file

    files = tuple((Path(path).name, read_run_file(path)) for path in compare)
    name = DEFAULT_PRESET if preset is None else preset
    app = BackpropApp(preset=name, config=config).compare_with(files)
    app.run()
    if not app.return_code:
        return EXIT_OK
    # Textual has printed the error's traceback on stderr; a script sees the status too
    print(
        f"tui-backprop: error: the app stopped on an unexpected error (above); "
        f"exit status {app.return_code}",
        file=sys.stderr,
    )
    return app.return_code


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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
