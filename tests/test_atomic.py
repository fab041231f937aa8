"""Atomic writes: the whole new file or the whole previous one, never a truncated mix."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from tui_backprop.atomic import AtomicFile, WriteError, atomic_write, check_writable, write_text


def _leftovers(folder: Path) -> list[str]:
    """Temporary files left in a folder."""
    return [p.name for p in folder.iterdir() if p.name.startswith(".")]


def test_a_failed_write_keeps_the_previous_file(tmp_path):
    """An exception while writing leaves the old contents and no temporary file."""
    path = tmp_path / "model.txt"
    path.write_text("the good model")
    with pytest.raises(RuntimeError), atomic_write(path) as file:
        file.write("half of a new")
        raise RuntimeError("the disk is full")
    assert path.read_text() == "the good model"
    assert _leftovers(tmp_path) == []


def test_an_interrupt_while_writing_keeps_the_previous_file(tmp_path):
    """KeyboardInterrupt (Ctrl-C) in the middle of a write discards it too."""
    path = tmp_path / "m.jsonl"
    path.write_text("old\n")
    with pytest.raises(KeyboardInterrupt), atomic_write(path) as file:
        file.write("new\n")
        raise KeyboardInterrupt
    assert path.read_text() == "old\n" and _leftovers(tmp_path) == []


def test_a_write_replaces_the_file_and_keeps_its_permissions(tmp_path):
    """The new contents replace the file; a file's mode survives the rename."""
    path = tmp_path / "preset.toml"
    path.write_text("old")
    path.chmod(0o640)
    write_text(path, "eta = 0.5\n")
    assert path.read_text() == "eta = 0.5\n"
    assert path.stat().st_mode & 0o777 == 0o640


def test_a_symbolic_link_is_followed(tmp_path):
    """Writing through a link replaces the file it points to and keeps the link."""
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_full_device_is_named_and_dev_null_is_not_replaced(tmp_path):
    """/dev/full fails with WriteError naming it; /dev/null is written, not renamed over."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full on this system")
    with pytest.raises(WriteError, match=r"^/dev/full: cannot be written \(No space left"):
        write_text("/dev/full", "x" * 100_000)
    write_text("/dev/null", "nothing")
    assert Path("/dev/null").is_char_device()


def test_an_unwritable_place_is_named_before_any_work(tmp_path):
    """A missing folder, a folder given as the file, an empty path: one-line WriteErrors."""
    with pytest.raises(WriteError, match=r"no/m.npz: cannot be written \(no such folder"):
        check_writable(tmp_path / "no" / "m.npz", "--save")
    with pytest.raises(WriteError, match="is a folder"):
        check_writable(tmp_path, "--save")
    with pytest.raises(WriteError, match="empty path"):
        check_writable("", "--save")
    with pytest.raises(WriteError, match="No such file or directory"):
        AtomicFile(tmp_path / "no" / "m.jsonl")
    assert check_writable(tmp_path / "fine.npz") == tmp_path / "fine.npz"
    assert _leftovers(tmp_path) == []


def test_a_file_size_limit_part_way_keeps_the_previous_model(tmp_path):
    """`ulimit -f` stops a save part-way: WriteError names the file, the old model is whole."""
    path = tmp_path / "model.npz"
    np.savez(path, w=np.arange(10.0))
    before = path.read_bytes()
    script = (
        "import resource, signal, sys, numpy as np\n"
        "from tui_backprop.atomic import atomic_write, WriteError\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))\n"
        "try:\n"
        "    with atomic_write(sys.argv[1], 'wb') as f:\n"
        "        np.savez(f, w=np.zeros(100_000))\n"
        "except WriteError as e:\n"
        "    print(e); sys.exit(2)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(path)], capture_output=True, text=True
    )
    assert result.returncode == 2, result.stderr
    assert f"{path}: cannot be written (File too large)" in result.stdout
    assert path.read_bytes() == before and _leftovers(tmp_path) == []


def test_racing_writers_leave_one_whole_file(tmp_path):
    """Two threads saving to one path over and over: every read finds a complete file."""
    path = tmp_path / "model.npz"
    arrays = {name: np.full(50_000, value) for name, value in (("a", 1.0), ("b", 2.0))}

    def save(name: str) -> None:
        for _ in range(20):
            with atomic_write(path, "wb") as file:
                np.savez(file, w=arrays[name])

    threads = [threading.Thread(target=save, args=(name,)) for name in arrays]
    for thread in threads:
        thread.start()
    seen = set()
    while any(t.is_alive() for t in threads):
        if path.exists():
            with np.load(path) as data:  # a bad CRC or a truncated zip would raise here
                seen.add(float(data["w"][-1]))
    for thread in threads:
        thread.join()
    with np.load(path) as data:
        assert float(data["w"][0]) in (1.0, 2.0)
    assert seen <= {1.0, 2.0}
    assert _leftovers(tmp_path) == []


def test_os_errors_in_the_callers_writes_become_write_errors(tmp_path):
    """An OSError raised by the code writing into the file is reported with the path."""
    path = tmp_path / "out.txt"
    quota = r"out.txt: cannot be written \(Disk quota exceeded\)"
    with pytest.raises(WriteError, match=quota), atomic_write(path):
        raise OSError(122, os.strerror(122))
    assert not path.exists()
