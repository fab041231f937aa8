"""``tui-backprop train``: everything checked before training, nothing lost after it.

In order: the configuration (with ``--load``'s network winning over the preset, and a
``--set`` that contradicts it refused), the output paths (their folders writable, none of
them one of the run's inputs), then training with SIGINT and SIGTERM handled, the metrics
committed with every completed epoch, and the model saved atomically.
"""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from tui_backprop import exit_status
from tui_backprop.atomic import AtomicFile, WriteError, check_writable
from tui_backprop.data import Dataset, load_dataset
from tui_backprop.engine import Network
from tui_backprop.formatting import counted
from tui_backprop.interrupts import stop_on_signals
from tui_backprop.training import DEFAULT_PRESET, RunConfig, apply_overrides
from tui_backprop.training.model_io import read_model, require_same_network, save_model
from tui_backprop.training.presets import load_preset, preset_file
from tui_backprop.training.states import USABLE_END_STATES, RunState


@dataclass
class TrainPlan:
    """A validated run: its configuration, the loaded network, and its files."""

    config: RunConfig
    network: Network | None
    dataset: Dataset | None  # given when a loaded model fixes how its inputs are scaled
    inputs: dict[str, Path]  # what each input is ("--load", "the preset", ...) → its path
    metrics: str | None
    save: str | None
    loaded: str = ""  # what --load read, in one line ('' without --load)


def plan(args: argparse.Namespace) -> TrainPlan:
    """Check the whole command line without writing anything; raise the first problem."""
    network = dataset = None
    loaded = ""
    inputs: dict[str, Path] = {}
    if args.preset is not None:
        path = preset_file(args.preset)
        if path is not None:
            inputs["--preset"] = path
    if args.load:
        model = read_model(args.load)
        network, saved = model.network, model.config
        inputs["--load"] = Path(args.load)
        base = load_preset(args.preset) if args.preset is not None else saved
        config = apply_overrides(base, args.overrides) if args.overrides else base
        require_same_network(config, saved, args.load, _origins(args))
        loaded = loaded_line(args.load, saved)
        if model.input_scaling is not None:  # the inputs scaled as when it was trained
            options = config.dataset_options
            dataset = load_dataset(config.dataset, scaling=model.input_scaling, **options)
            loaded += "; its inputs are standardised with the mean and spread saved with it"
    else:
        config = load_preset(DEFAULT_PRESET if args.preset is None else args.preset)
        config = apply_overrides(config, args.overrides) if args.overrides else config
    if args.epochs is not None:
        config = config.replace(epochs=args.epochs)
    data_path = config.dataset_options.get("path")
    if isinstance(data_path, str) and data_path:
        inputs["the dataset's path"] = Path(data_path).expanduser()
    outputs = {"--metrics": args.metrics, "--save": args.save}
    for option, path in outputs.items():
        if path is not None:
            check_writable(path, option)
            _refuse_overwriting_inputs(option, path, inputs)
    if args.metrics is not None and args.save is not None and _same(args.metrics, args.save):
        raise WriteError(f"--metrics and --save are the same file ({args.save}); give two names")
    return TrainPlan(config, network, dataset, inputs, args.metrics, args.save, loaded)


def loaded_line(path: str, saved: RunConfig) -> str:
    """'loaded model.npz: a 2-16-1 network (tanh; sigmoid · cross-entropy) trained on xor'."""
    sizes = "-".join(str(n) for n in saved.sizes)
    pair = f"{saved.output_activation} · {saved.cost.replace('_', '-')}"
    return (
        f"loaded {path}: a {sizes} network ({saved.activation}; {pair}) trained on {saved.dataset}"
    )


def _origins(args: argparse.Namespace) -> dict[str, str]:
    """For each field, where the command line set it: "--set" or the preset."""
    origins = {name: f"preset {args.preset}" for name in RunConfig.__dataclass_fields__}
    for item in args.overrides:
        key = item.partition("=")[0].strip()
        origins[key] = f"--set {item}"
    return origins


def _same(a: str | Path, b: str | Path) -> bool:
    """True when two paths name one file (the same inode, or the same resolved path)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _refuse_overwriting_inputs(option: str, path: str, inputs: dict[str, Path]) -> None:
    """Raise WriteError when an output would replace one of the run's input files."""
    for what, source in inputs.items():
        if source.is_file() and _same(path, source):
            raise WriteError(
                f"{option} {path}: is the file given to {what}, which this run reads; "
                "write to another file"
            )


def run(args: argparse.Namespace) -> int:
    """Train as ``args`` say; return the exit status (128 + the signal's number if one came)."""
    from tui_backprop.headless import HeadlessRun

    plan_ = plan(args)
    if plan_.loaded and not args.quiet:
        print(
            f"{plan_.loaded}; training it for {counted(plan_.config.epochs, 'epoch')}", flush=True
        )
    with stop_on_signals() as interrupts:
        metrics = AtomicFile(plan_.metrics) if plan_.metrics is not None else None
        try:
            headless = HeadlessRun(
                plan_.config,
                network=plan_.network,
                metrics=metrics,
                quiet=args.quiet,
                dataset=plan_.dataset,
            )
            interrupts.stop = headless.trainer.stop
            final = headless.run()
        except KeyboardInterrupt:
            # a second signal, or one before training began: the network may be half a
            # step old, so it is not saved; the completed epochs are kept
            _commit(metrics)
            print(f"tui-backprop: interrupted ({interrupts.name or 'SIGINT'})", file=sys.stderr)
            return interrupts.status or exit_status.INTERRUPTED
        except BaseException:
            if metrics is not None:
                metrics.discard()
            raise
        if headless.write_error is not None:
            raise headless.write_error
        _commit(metrics)
        # a signal now is recorded and answered once the save is complete
        if plan_.save and final.state in USABLE_END_STATES:
            scaling = headless.trainer.dataset.input_scaling
            save_model(plan_.save, headless.trainer.net, plan_.config, scaling)
            print(f"saved the network to {plan_.save}")
    if interrupts.received is not None:
        print(
            f"tui-backprop: interrupted by {interrupts.name} after {final.epoch} epochs",
            file=sys.stderr,
        )
        return interrupts.status or exit_status.INTERRUPTED
    if final.state == RunState.DIVERGED:
        print(f"tui-backprop: {final.message}", file=sys.stderr)
        return exit_status.DIVERGED
    if final.state == RunState.FAILED:
        print(f"tui-backprop: {final.message}", file=sys.stderr)
        return exit_status.FAILED
    return exit_status.OK


def _commit(metrics: AtomicFile | None) -> None:
    """Put the metrics in place (every completed epoch); a no-op without --metrics."""
    if metrics is not None:
        metrics.commit()
