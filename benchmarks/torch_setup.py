"""Install PyTorch's CPU build for the benchmarks, but only from a wheel already on disk.

``pip install torch`` from the index would fetch a multi-gigabyte CUDA build, so the
benchmarks never ask for it: this looks for ``torch-2.13.0+cpu-*.whl`` in pip's
find-links folders and installs that file (its small dependencies come from the index).
Without such a wheel it says so, and the benchmarks skip the PyTorch contestants.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from benchmarks.contestants import TORCH_VERSION


def find_links() -> list[Path]:
    """The folders pip is configured to search for wheels (environment or pip config)."""
    raw = os.environ.get("PIP_FIND_LINKS", "")
    try:
        configured = subprocess.run(
            [sys.executable, "-m", "pip", "config", "get", "global.find-links"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    except OSError:
        configured = ""
    folders = []
    for entry in (raw + " " + configured).split():
        path = Path(entry.removeprefix("file://"))
        if path.is_dir() and path not in folders:
            folders.append(path)
    return folders


def local_wheel() -> Path | None:
    """A CPU wheel of the pinned torch version for this Python, if one lies on disk."""
    tag = f"cp{sys.version_info.major}{sys.version_info.minor}"
    for folder in find_links():
        for wheel in sorted(folder.glob(f"torch-{TORCH_VERSION}+cpu-{tag}-*.whl")):
            return wheel
    return None


def main() -> int:
    """Install the local wheel unless torch is importable already; never fail the bench."""
    if importlib.util.find_spec("torch") is not None:
        return 0
    wheel = local_wheel()
    if wheel is None:
        print(
            f"note: no torch-{TORCH_VERSION}+cpu wheel on disk; the PyTorch contestants "
            "will be skipped (install the CPU build by hand to include them)"
        )
        return 0
    print(f"installing {wheel.name} for the PyTorch contestants ...")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", str(wheel)])
    if done.returncode != 0:
        print("note: installing torch failed; the PyTorch contestants will be skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
