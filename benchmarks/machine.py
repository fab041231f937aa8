"""What machine the numbers come from, and its matrix-multiply bound."""

from __future__ import annotations

import os
import platform
import time

import numpy as np

BLAS_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")


def cpu_model() -> str:
    """The processor's model name from /proc/cpuinfo (or platform's guess)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def memory_gib() -> float | None:
    """Total memory in GiB from /proc/meminfo, if readable."""
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 2**20
    except OSError:
        pass
    return None


def blas_info() -> str:
    """NumPy's BLAS library, version, kernel and threads (threadpoolctl, when installed)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        config = getattr(np, "__config__", None)
        blas = getattr(config, "CONFIG", {}).get("Build Dependencies", {}).get("blas", {})
        return (
            f"{blas.get('name', '?')} {blas.get('version', '')} (kernel unknown: no threadpoolctl)"
        )
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return (
                f"{pool.get('internal_api')} {pool.get('version')}, kernel "
                f"{pool.get('architecture')}, {pool.get('num_threads')} threads"
            )
    return "no BLAS found by threadpoolctl"


def describe(torch_threads: int | None) -> list[str]:
    """Lines describing the machine and the software measured."""
    mem = memory_gib()
    env = ", ".join(f"{k}={os.environ[k]}" for k in BLAS_ENV if k in os.environ) or "none set"
    lines = [
        f"CPU: {cpu_model()}, {os.cpu_count()} logical cores" + (f", {mem:.0f} GiB" if mem else ""),
        f"OS: {platform.system()} {platform.release()}; Python {platform.python_version()}",
        f"NumPy {np.__version__}; BLAS: {blas_info()}",
        f"BLAS environment: {env}",
    ]
    try:
        import torch

        lines.append(f"PyTorch {torch.__version__}, {torch_threads} intra-op threads")
    except ImportError:
        lines.append("PyTorch: not installed (its contestants are skipped)")
    return lines


def gemm_flops(dtype: str, n: int = 1536, repeats: int = 3) -> float:
    """Measured FLOP/s of an n×n by n×n ``np.matmul`` (2n³ FLOPs), best of ``repeats``."""
    rng = np.random.default_rng(0)
    a = rng.random((n, n)).astype(dtype)
    b = rng.random((n, n)).astype(dtype)
    c = np.empty((n, n), dtype)
    np.matmul(a, b, out=c)
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        np.matmul(a, b, out=c)
        best = min(best, time.perf_counter() - started)
    return 2 * n**3 / best


def _cpu_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine from /proc/stat."""
    with open("/proc/stat", encoding="utf-8") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def _own_ticks() -> int:
    """Jiffies of CPU time used by this process (all its threads) so far."""
    with open("/proc/self/stat", encoding="utf-8") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


class LoadMeter:
    """Measures how many cores other processes kept busy between ``start`` and ``stop``."""

    def start(self) -> None:
        """Take the first reading of the machine's and this process's CPU time."""
        try:
            self._machine = _cpu_ticks()
            self._own = _own_ticks()
        except (OSError, ValueError, IndexError):
            self._machine = None

    def stop(self) -> float | None:
        """Cores busy with other work since ``start`` (None where /proc is unreadable)."""
        if self._machine is None:
            return None
        busy1, total1 = _cpu_ticks()
        own1 = _own_ticks()
        busy0, total0 = self._machine
        if total1 == total0:
            return 0.0
        cores = os.cpu_count() or 1
        return max(0.0, cores * ((busy1 - busy0) - (own1 - self._own)) / (total1 - total0))


def background_load(seconds: float = 0.3) -> float | None:
    """Cores kept busy by other processes over a short idle window."""
    meter = LoadMeter()
    meter.start()
    time.sleep(seconds)
    return meter.stop()


def wait_for_quiet(limit: float = 0.25, patience: float = 20.0) -> float | None:
    """Wait up to ``patience`` s for other processes to use under ``limit`` cores; return it.

    On a shared machine another process's work halves what two BLAS threads can do, and
    a thread descheduled in the middle of a product stalls its partner; waiting for a
    quiet moment keeps such rounds out of the medians (the report shows the load seen).
    """
    deadline = time.perf_counter() + patience
    load = background_load()
    while load is not None and load > limit and time.perf_counter() < deadline:
        load = background_load()
    return load


#: a measurement during which other processes kept more cores busy than this is "contended"
QUIET = 0.3


class QuietRetries:
    """Re-runs contended measurements after waiting for quiet, within a total time budget."""

    def __init__(self, budget: float = 180.0, attempts: int = 3) -> None:
        """Allow ``budget`` seconds of waiting and re-running, ``attempts`` tries each."""
        self.left = budget
        self.attempts = attempts

    def run(self, measure, *args):
        """``measure(*args)`` and the background load seen, re-run while contended."""
        for attempt in range(self.attempts):
            started = time.perf_counter()
            meter = LoadMeter()
            meter.start()
            value = measure(*args)
            load = meter.stop()
            if load is None or load <= QUIET or attempt == self.attempts - 1 or self.left <= 0:
                return value, load
            wait_for_quiet(QUIET, min(10.0, self.left))
            self.left -= time.perf_counter() - started
        return value, load
