"""Trainer overhead: whole epochs through ``Trainer.run`` against bare ``sgd_step`` calls.

The trainer shuffles every epoch, evaluates on the training subset and the test split at
the end of each (or every ``eval_every``), checks for divergence every step, and builds a
snapshot at the headless mode's cadence (every 0.1 s, without the output map, which the
headless mode does not draw); the bare loop only calls ``sgd_step`` on the same number of
consecutive mini-batches of the unshuffled data. A third row trains as the app asks:
snapshots 5 times a second, with the output map.

Two more loops split the overhead into the book's work and the trainer's own:

- "bare, shuffled" takes its batches from the trainer's ``BatchSchedule`` (a fresh shuffle
  every epoch, as the book's SGD does): how much of the overhead is the shuffle alone;
- "the book's loop" adds, at the trainer's evaluation epochs, what network2.py's ``SGD``
  computes when it monitors: cost and accuracy on the training rows the trainer evaluates
  and on the test split, a forward pass each. The trainer over this loop is the cost of
  the trainer's own work (divergence checks, marks, reports, diagnoses, the confusion
  tally, snapshots).

Each round runs the four loops back to back, in an order that turns from round to round,
on a few epochs; the overhead is the median of the rounds' paired ratios, minus one, with
the quartiles of those ratios beside it (one round's ratio moves by ±5–10 % on this VM: a
median of 3 long rounds moved A between 9 % and 40 % from one run to the next).
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
    Case("default preset (spiral, 2-16-16-3, m=10)", "spiral", 15),
    Case("A: the book's 784-30-10, m=10, MNIST-sized data", "nielsen-ch1", 1, True),
    Case("spiral as the app asks (5 snapshots/s with the map)", "spiral", 15, as_the_app=True),
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
    quartiles: tuple[float, float]  # of the paired overheads
    shuffle: float  # bare, shuffled over bare, minus one (median of the paired ratios)
    over_book: float  # the trainer over the book's loop, minus one (median, paired)


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

    def on_epoch(record: object) -> None:
        """Take the record of each evaluation, as the headless mode's metrics do."""

    if as_the_app:
        cadence = 1 / APP_SNAPSHOTS_PER_SECOND
        trainer = Trainer(config, dataset, listener=listener, report_every_seconds=cadence)
    else:
        trainer = Trainer(config, dataset, listener=listener, on_epoch=on_epoch)
        trainer.request_output_map(False)
    started = time.perf_counter()
    trainer.run()
    return time.perf_counter() - started, trainer.step_count, count[0]


def _bare_run(config, dataset, steps: int, shuffled: bool = False) -> float:
    """Seconds for ``steps`` bare ``sgd_step`` calls on consecutive mini-batches (or, when
    ``shuffled``, on the batches of the trainer's schedule, reshuffled every epoch)."""
    from tui_backprop.engine import Network
    from tui_backprop.training.schedule import BatchSchedule

    net = Network(**config.network_arguments())
    X, Y, m = dataset.X_train, dataset.Y_train, config.batch_size
    n = len(X)
    batches = [(X[s : s + m], Y[s : s + m]) for s in range(0, n, m)]
    k = len(batches)
    schedule = BatchSchedule(X, Y, m, np.random.default_rng(0))
    sgd_step, eta, lmbda = net.sgd_step, config.eta, config.lmbda
    started = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        if shuffled:
            for _ in range(steps):
                Xb, Yb = schedule.next()
                sgd_step(Xb, Yb, eta, lmbda, n)
        else:
            for i in range(steps):
                Xb, Yb = batches[i % k]
                sgd_step(Xb, Yb, eta, lmbda, n)
    return time.perf_counter() - started


def _book_loop_run(config, dataset) -> float:
    """Seconds for the book's SGD loop on the bare engine: the epochs of the trainer's
    schedule and, at the trainer's evaluation epochs, network2.py's monitoring of cost and
    accuracy on as many training rows as the trainer evaluates and on the test split."""
    from tui_backprop.engine import Network
    from tui_backprop.training.schedule import BatchSchedule

    net = Network(**config.network_arguments())
    X, Y = dataset.X_train, dataset.Y_train
    n, k = len(X), min(config.eval_max_samples, len(X))
    schedule = BatchSchedule(X, Y, config.batch_size, np.random.default_rng(0))
    monitored = ((X[:k], Y[:k]), (dataset.X_test, dataset.Y_test))
    sgd_step, eta, lmbda = net.sgd_step, config.eta, config.lmbda
    monitor: list[tuple[float, float]] = []  # network2.py's evaluation_cost and _accuracy
    started = time.perf_counter()
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for epoch in range(1, config.epochs + 1):
            for _ in range(schedule.batches_per_epoch):
                Xb, Yb = schedule.next()
                sgd_step(Xb, Yb, eta, lmbda, n)
            if epoch % config.eval_every == 0 or epoch == config.epochs:
                for Xs, Ys in monitored:  # total_cost and accuracy, as network2.py's SGD
                    costs, outputs = net.sample_costs(Xs, Ys)
                    cost = float(costs.mean()) + net.weight_penalty(lmbda, n)
                    accuracy = float(np.mean(outputs.argmax(axis=1) == Ys.argmax(axis=1)))
                    monitor.append((cost, accuracy))
    return time.perf_counter() - started


def measure(rounds: int = 15, quick: bool = False) -> list[OverheadRow]:
    """Time each case with the trainer, bare and bare shuffled, over ``rounds`` rounds."""
    return [_measure_case(case, 2 if quick else rounds) for case in CASES]


def _measure_case(case: Case, rounds: int) -> OverheadRow:
    """The four loops of one case, each first in turn, over ``rounds`` rounds."""
    from tui_backprop.data import load_dataset
    from tui_backprop.training import load_preset

    config = load_preset(case.preset).replace(epochs=case.epochs)
    if case.synthetic_mnist:
        dataset = synthetic_mnist()
    else:
        dataset = load_dataset(config.dataset, **config.dataset_options)
    _trainer_run(config, dataset, case.as_the_app)  # warm-up
    steps = _trainer_run(config, dataset, case.as_the_app)[1]
    loops = {
        "trainer": lambda: _trainer_run(config, dataset, case.as_the_app),
        "bare": lambda: (_bare_run(config, dataset, steps), steps, 0),
        "shuffled": lambda: (_bare_run(config, dataset, steps, shuffled=True), steps, 0),
        "book": lambda: (_book_loop_run(config, dataset), steps, 0),
    }
    times: dict[str, list[float]] = {name: [] for name in loops}
    snapshots = []
    retries = QuietRetries(budget=60.0)
    for round_ in range(rounds):
        wait_for_quiet(patience=5.0)
        names = list(loops)
        turn = round_ % len(names)
        for name in names[turn:] + names[:turn]:  # each goes first in turn
            (seconds, _, count), _ = retries.run(loops[name])
            times[name].append(seconds)
            if name == "trainer":
                snapshots.append(count)
    ratios = [t / b - 1 for t, b in zip(times["trainer"], times["bare"])]
    quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
    return OverheadRow(
        label=case.label,
        steps_per_epoch=steps // case.epochs,
        trainer_epoch=statistics.median(times["trainer"]) / case.epochs,
        bare_epoch=statistics.median(times["bare"]) / case.epochs,
        overhead=statistics.median(ratios),
        snapshots_per_epoch=statistics.median(snapshots) / case.epochs,
        quartiles=(quartiles[0], quartiles[-1]),
        shuffle=statistics.median(s / b - 1 for s, b in zip(times["shuffled"], times["bare"])),
        over_book=statistics.median(t / b - 1 for t, b in zip(times["trainer"], times["book"])),
    )


HEADERS = (
    "run",
    "steps/epoch",
    "trainer ms/epoch",
    "bare ms/epoch",
    "snapshots/epoch",
    "overhead (quartiles)",
    "of it, the shuffle",
    "over the book's loop",
)


def rows_for_table(rows: list[OverheadRow]) -> list[tuple]:
    """Cells for the report."""
    return [
        (
            r.label,
            r.steps_per_epoch,
            f"{r.trainer_epoch * 1e3:.1f}",
            f"{r.bare_epoch * 1e3:.1f}",
            f"{r.snapshots_per_epoch:.1f}",
            f"{100 * r.overhead:.1f} % ({100 * r.quartiles[0]:.0f}–{100 * r.quartiles[1]:.0f})",
            f"{100 * r.shuffle:.1f} %",
            f"{100 * r.over_book:.1f} %",
        )
        for r in rows
    ]
