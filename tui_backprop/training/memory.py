"""How much memory a run needs, counted before anything is allocated, and the limit.

A network of sizes ``2-100000-100000-3`` has 10¹⁰ parameters: 80 GB in float64. Building it
fails with a MemoryError after minutes of swapping, or the kernel kills the process. So
the configuration's check (``config._check_combination``) counts first and refuses above
the limit, with the number of parameters and the bytes.

The estimate, in bytes, for parameters P (Σ (n_in + 1)·n_out), item size s, mini-batch m
N = Σ sizes neurons and W the widest layer::

    s · (5·P + 5·m·N + 3·EVAL_ROWS·W)

five copies of the parameters (the weights, the gradient, the engine's update scratch,
and the trainer's two checkpoints), five mini-batch buffers per neuron (z, a, δ, scaled δ,
σ′(z)) and, for one evaluation chunk, a layer's input, z and output. The dataset itself
is not counted.

The limit is half the memory available when the check runs (``MemAvailable`` on Linux,
the physical memory elsewhere); ``--max-memory SIZE`` or the environment variable
``TUI_BACKPROP_MAX_MEMORY`` (such as ``16G`` or ``500M``) sets it explicitly.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

#: rows of one evaluation pass (the evaluator's chunk)
EVAL_ROWS = 10_000
#: the share of the available memory a run may take by default
DEFAULT_SHARE = 0.5
#: used when the system does not say how much memory it has
FALLBACK_BYTES = 4 << 30
ENV_VAR = "TUI_BACKPROP_MAX_MEMORY"
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}

_explicit_limit: int | None = None


@dataclass(frozen=True)
class Need:
    """What a run needs: its parameter count and its estimated bytes."""

    parameters: int
    bytes: int


def parameter_count(sizes: list[int]) -> int:
    """Σ_l (n_in + 1)·n_out: every weight and bias."""
    return sum((n_in + 1) * n_out for n_in, n_out in zip(sizes[:-1], sizes[1:]))


def need(sizes: list[int], itemsize: int, batch_size: int) -> Need:
    """The estimate above for a network of ``sizes`` with ``itemsize``-byte numbers."""
    parameters = parameter_count(sizes)
    buffers = 5 * batch_size * sum(sizes) + 3 * EVAL_ROWS * max(sizes)
    return Need(parameters, itemsize * (5 * parameters + buffers))


def parse_size(text: str) -> int:
    """'16G', '500M', '1.5g', '123456' → bytes; ValueError when it is not a size."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?\s*", text, re.IGNORECASE)
    if not match:
        raise ValueError(f"{text!r} is not a size such as 16G, 500M or 1000000")
    value = float(match.group(1)) * _UNITS[match.group(2).upper()]
    if not 1 <= value < 1 << 60:
        raise ValueError(f"{text!r} is not a size between 1 byte and 1 EB")
    return int(value)


def set_limit(limit: int | None) -> None:
    """Set the limit explicitly (``--max-memory``); None returns to the default."""
    global _explicit_limit
    _explicit_limit = limit


def check_environment() -> None:
    """Raise ValueError naming ``TUI_BACKPROP_MAX_MEMORY`` when it is set but not a size."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        try:
            parse_size(env)
        except ValueError as error:
            raise ValueError(f"{ENV_VAR}: {error}") from None


def available_bytes() -> int:
    """The memory available now: MemAvailable on Linux, else the physical memory."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return FALLBACK_BYTES


def limit() -> tuple[int, str]:
    """The limit in bytes and where it comes from (for the message)."""
    if _explicit_limit is not None:
        return _explicit_limit, "--max-memory"
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        try:
            return parse_size(env), ENV_VAR
        except ValueError:
            pass  # reported by the command line when it starts; fall back to the default
    return int(available_bytes() * DEFAULT_SHARE), "half the available memory"


def human(n_bytes: float) -> str:
    """Bytes in binary units: 1.5 GiB, 80.0 GiB, 512 KiB."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n_bytes) < 1024 or unit == "PiB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def over_limit(sizes: list[int], itemsize: int, batch_size: int) -> str | None:
    """None when the run fits; otherwise a sentence with parameters, bytes and the limit."""
    needed = need(sizes, itemsize, batch_size)
    allowed, source = limit()
    if needed.bytes <= allowed:
        return None
    return (
        f"needs {needed.parameters:,} parameters and about {human(needed.bytes)} of memory, "
        f"above the limit of {human(allowed)} ({source}; raise it with --max-memory SIZE "
        f"or {ENV_VAR}=SIZE)"
    )
