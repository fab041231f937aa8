"""Running many jobs at once through the standard ``concurrent.futures`` interface.

Local worker processes by default (one per core); ``dask://HOST:PORT`` sends the jobs to an
existing Dask cluster through ``distributed.Client(...).get_executor()``, its
``concurrent.futures``-compatible executor. We do not write a scheduler of our own.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from queue import Empty
from typing import Any

from tui_backprop.experiments.jobs import ERROR, RunResult
from tui_backprop.training import ConfigError

DASK_PREFIX = "dask://"
#: seconds to wait for a Dask scheduler before saying it cannot be reached
DASK_CONNECT_TIMEOUT = 10
INSTALL_DASK = "pip install 'tui-backprop[distributed]'"


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover (not Linux)
        return max(1, os.cpu_count() or 1)


def check_executor(spec: str | None) -> None:
    """Refuse an --executor value we cannot use, before any work starts."""
    if not spec:
        return
    if not spec.startswith(DASK_PREFIX) or len(spec) == len(DASK_PREFIX):
        raise ConfigError(
            f"--executor {spec!r}: expected dask://HOST:PORT (the scheduler of a running Dask "
            f"cluster); leave it out to use local worker processes"
        )
    try:
        import distributed  # noqa: F401
    except ImportError:
        raise ConfigError(
            f"--executor {spec}: Dask's `distributed` is not installed; install it with "
            f"{INSTALL_DASK}"
        ) from None


def dask_address(spec: str) -> str:
    """The scheduler address in dask://HOST:PORT (tcp:// unless it names its own scheme)."""
    address = spec[len(DASK_PREFIX) :]
    return address if "://" in address else f"tcp://{address}"


#: the environment variables that size the BLAS thread pools of the common NumPy builds
BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


@contextmanager
def _one_blas_thread_per_worker() -> Iterator[None]:
    """While workers are spawned, ask each for one BLAS thread: one process per core already
    fills the cores, and N processes × N BLAS threads would fight over them."""
    saved = {name: os.environ.get(name) for name in BLAS_THREADS}
    os.environ.update({name: "1" for name in BLAS_THREADS if saved[name] is None})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)


@contextmanager
def open_executor(spec: str | None, jobs: int) -> Iterator[Executor]:
    """A concurrent.futures executor: local processes, or a Dask cluster's executor."""
    check_executor(spec)
    if not spec:
        context = multiprocessing.get_context("spawn")  # no fork of a threaded parent
        with (
            _one_blas_thread_per_worker(),
            ProcessPoolExecutor(max_workers=jobs, mp_context=context) as executor,
        ):
            yield executor
        return
    from distributed import Client

    try:
        client = Client(dask_address(spec), timeout=DASK_CONNECT_TIMEOUT)
    except (OSError, TimeoutError) as error:
        raise ConfigError(f"--executor {spec}: cannot reach the Dask scheduler ({error})") from None
    try:
        with client.get_executor() as executor:
            yield executor
    finally:
        client.close()


EpochCallback = Callable[[int, int, int], None]
"""Called as on_epoch(call index, epoch, epochs) in the parent as runs progress."""


def run_all(
    executor: Executor,
    calls: Sequence[tuple[Callable[..., Any], tuple]],
    on_done: Callable[[int, RunResult], None],
    on_epoch: EpochCallback | None = None,
) -> list[RunResult]:
    """Submit every call, report each result as it completes, and return them in order.

    With on_epoch (local worker processes only: the queue lives on this machine), each job
    gets ``progress=(queue, index)`` and reports its epochs through it. A call that raises (a
    worker process killed, a cluster lost) gives an ``error`` result in its place. On Ctrl-C
    the calls not yet started are cancelled and KeyboardInterrupt propagates.
    """
    with _epoch_reports(on_epoch) as queue:
        futures: dict[Future, int] = {}
        try:
            for index, (function, args) in enumerate(calls):
                extra = {"progress": (queue, index)} if queue is not None else {}
                futures[executor.submit(function, *args, **extra)] = index
            results: list[Any] = [None] * len(calls)
            for future in as_completed(futures):
                index = futures[future]
                try:
                    results[index] = future.result()
                except Exception as error:  # the worker, not the job: report it in the row
                    results[index] = RunResult(ERROR, f"{type(error).__name__}: {error}")
                on_done(index, results[index])
            return results
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()
            raise


@contextmanager
def _epoch_reports(on_epoch: EpochCallback | None) -> Iterator[Any]:
    """A queue the workers put (index, epoch, epochs) on, drained into on_epoch by a thread."""
    if on_epoch is None:
        yield None
        return
    with multiprocessing.get_context("spawn").Manager() as manager:
        queue = manager.Queue()
        stop = threading.Event()

        def drain() -> None:
            # until stopped and empty: the last reports may still wait when the runs end
            while True:
                try:
                    on_epoch(*queue.get(timeout=0.1))
                except (Empty, EOFError, OSError):
                    if stop.is_set():
                        return

        thread = threading.Thread(target=drain, name="epoch-reports", daemon=True)
        thread.start()
        try:
            yield queue
        finally:
            stop.set()
            thread.join()
