"""Trainer overhead: whole epochs through ``Trainer.run`` against bare ``sgd_step`` calls.

The trainer shuffles every epoch, evaluates on the training subset and the test split at
the end of each (or every ``eval_every``), checks for divergence every step, and builds a
snapshot at the headless mode's cadence (every 0.1 s, without the output map, which the
headless mode does not draw); the bare loop only calls ``sgd_step`` on the same number of
mini-batches. A third row trains as the app asks: snapshots 5 times a second, with the
output map. Both run interleaved over rounds; the overhead is the median of the paired
ratios, minus one.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import numpy as np

from benchmarks.machine import QuietRetries, wait_for_quiet

MNIST_SHAPE = (28, 28)


@dataclass(frozen=True)
class Case:
    """A configuration, how to get its dataset, and how many epochs make a timed run."""

    label: str
    preset: str
    epochs: int
    synthetic_mnist: bool = False
    as_the_app: bool = False  # the app's cadence and output map instead of the headless


CASES = (
    Case("default preset (spiral, 2-16-16-3, m=10)", "spiral", 60),
    Case("A: the book's 784-30-10, m=10, MNIST-sized data", "nielsen-ch1", 2, True),
    Case("spiral as the app asks (5 snapshots/s with the map)", "spiral", 60, as_the_app=True),
)
#: the app's cadence (tui_backprop.app.session.MAX_SNAPSHOTS_PER_SECOND, without Textual)
APP_SNAPSHOTS_PER_SECOND = 5


@dataclass
class OverheadRow:
    """Median seconds per epoch with and without the trainer, and the paired overhead."""

    label: str
    steps_per_epoch: int
    trainer_epoch: float
    bare_epoch: float
    overhead: float
    snapshots_per_epoch: float


def synthetic_mnist(n_train: int = 10_000, n_test: int = 2_000, seed: int = 0):
    """MNIST-shaped data made here (784 inputs in [0, 1), ten one-hot classes).

    The real set is a download; its shape, not its pixels, sets the cost of training.
    """
    from tui_backprop.data.base import Dataset, DatasetInfo

    rng = np.random.default_rng(seed)
    n = n_train + n_test
    X = rng.random((n, 784))
    labels = (X @ rng.standard_normal((784, 10))).argmax(axis=1)
    Y = np.eye(10)[labels]
    info = DatasetInfo(
        name="mnist",
        description="synthetic MNIST-sized data (benchmark)",
        n_inputs=784,
        n_outputs=10,
        task="classification",
        class_names=tuple(str(d) for d in range(10)),
        drawable_2d=False,
        image_shape=MNIST_SHAPE,
        input_range=None,
    )
    return Dataset(info, X[:n_train], Y[:n_train], X[n_train:], Y[n_train:])


def _trainer_run(config, dataset, as_the_app: bool = False) -> tuple[float, int, int]:
    """Seconds for ``Trainer.run`` over the configured epochs, its steps and its snapshots,
    set up as the headless mode does (or as the app does)."""
    from tui_backprop.training import Trainer

    count = [0]

    def listener(snapshot: object) -> None:
        """Count the snapshots, as a listener that does nothing else."""
        count[0] += 1

    if as_the_app:
        cadence = 1 / APP_SNAPSHOTS_PER_SECOND
        trainer = Trainer(config, dataset, listener=listener, report_every_seconds=cadence)
    else:
        trainer = Trainer(config, dataset, listener=listener)
        trainer.request_output_map(False)
    started = time.perf_counter()
    trainer.run()
    return time.perf_counter() - started, trainer.step_count, count[0]


def _bare_run(config, dataset, steps: int) -> float:
    """Seconds for ``steps`` bare ``sgd_step`` calls on consecutive mini-batches."""
    from tui_backprop.engine import Network

    net = Network(**config.network_arguments())
    X, Y, m = dataset.X_train, dataset.Y_train, config.batch_size
    n = len(X)
    starts = list(range(0, n, m))
    batches = [(X[s : s + m], Y[s : s + m]) for s in starts]
    k = len(batches)
    sgd_step, eta, lmbda = net.sgd_step, config.eta, config.lmbda
    started = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for i in range(steps):
            Xb, Yb = batches[i % k]
            sgd_step(Xb, Yb, eta, lmbda, n)
    return time.perf_counter() - started


def measure(rounds: int = 5, quick: bool = False) -> list[OverheadRow]:
    """Time each case with and without the trainer, interleaved over ``rounds``."""
    from tui_backprop.data import load_dataset
    from tui_backprop.training import load_preset

    rows = []
    for case in CASES:
        epochs = max(1, case.epochs // 4) if quick else case.epochs
        config = load_preset(case.preset).replace(epochs=epochs)
        if case.synthetic_mnist:
            dataset = synthetic_mnist()
        else:
            dataset = load_dataset(config.dataset, **config.dataset_options)
        _trainer_run(config.replace(epochs=1), dataset, case.as_the_app)  # warm-up
        ratios, trainer_times, bare_times, snapshots = [], [], [], []
        steps = 0
        retries = QuietRetries(budget=60.0)
        for _ in range(rounds):
            wait_for_quiet(patience=5.0)
            (seconds, steps, count), _ = retries.run(_trainer_run, config, dataset, case.as_the_app)
            bare, _ = retries.run(_bare_run, config, dataset, steps)
            ratios.append(seconds / bare)
            trainer_times.append(seconds)
            bare_times.append(bare)
            snapshots.append(count)
        rows.append(
            OverheadRow(
                label=case.label,
                steps_per_epoch=steps // epochs,
                trainer_epoch=statistics.median(trainer_times) / epochs,
                bare_epoch=statistics.median(bare_times) / epochs,
                overhead=statistics.median(ratios) - 1.0,
                snapshots_per_epoch=statistics.median(snapshots) / epochs,
            )
        )
    return rows


HEADERS = ("run", "steps/epoch", "trainer ms/epoch", "bare ms/epoch", "snapshots/epoch", "overhead")


def rows_for_table(rows: list[OverheadRow]) -> list[tuple]:
    """Cells for the report."""
    return [
        (
            r.label,
            r.steps_per_epoch,
            f"{r.trainer_epoch * 1e3:.1f}",
            f"{r.bare_epoch * 1e3:.1f}",
            f"{r.snapshots_per_epoch:.1f}",
            f"{100 * r.overhead:.1f} %",
        )
        for r in rows
    ]
