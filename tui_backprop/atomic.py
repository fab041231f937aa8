"""Writing files so that a failed or interrupted write never costs the previous file.

Every file tui-backprop produces (saved models, JSONL metrics, presets, benchmark and
sweep outputs, downloads) is written through ``AtomicFile``: the bytes go to a temporary
file in the same folder, which is flushed, synced and then renamed over the target in one
step (``os.replace``). Until that rename the previous file is untouched; a write that fails
(a full disk, a size limit, an interrupt) removes the temporary file and raises
``WriteError`` naming the target. Two writers racing for one path each rename a complete
file, so the last one wins whole.

A target that exists and is not a regular file (``/dev/null``, ``/dev/stdout``, a FIFO)
is written directly: there is nothing to replace, and renaming over a device is wrong.
Symbolic links are followed, so the file they point to is the one replaced.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


class WriteError(ValueError):
    """A file that could not be written; the message names the path and the reason."""


def _reason(error: OSError) -> str:
    """The short reason of an OSError ("No space left on device")."""
    return error.strerror or type(error).__name__


def _is_special(path: Path) -> bool:
    """True when ``path`` exists and is not a regular file (a device, a FIFO, a socket)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def check_writable(path: str | Path, what: str = "") -> Path:
    """Check, before any work, that ``path`` can be written as an ``AtomicFile`` would.

    The folder must exist and accept a new file (probed by creating and removing a
    temporary one), and the path must not be a folder. Returns the path; raises
    ``WriteError`` naming it (prefixed with ``what``, such as "--save") otherwise.
    """
    if str(path).strip() == "":
        raise WriteError(f"{what or 'output'}: an empty path cannot be written")
    path = Path(path)
    label = f"{what} {path}" if what else str(path)
    if path.is_dir():
        raise WriteError(f"{label}: is a folder; give a file name")
    if _is_special(path):
        if not os.access(path, os.W_OK):
            raise WriteError(f"{label}: cannot be written (permission denied)")
        return path
    target = Path(os.path.realpath(path))
    folder = target.parent
    if not folder.is_dir():
        raise WriteError(f"{label}: cannot be written (no such folder {folder})")
    probe = folder / f".{target.name}.{secrets.token_hex(4)}.probe"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except OSError as error:
        raise WriteError(f"{label}: cannot be written ({_reason(error)})") from None
    probe.unlink(missing_ok=True)
    return path


class AtomicFile:
    """A file written under a temporary name and renamed over its target by ``commit``.

    Use as a context manager (committed on a normal exit, discarded on an exception), or
    call ``commit``/``discard`` yourself, as a run that writes progressively does::

        with AtomicFile("model.npz", "wb") as file:
            np.savez(file, ...)

    Opening it creates the temporary file at once, so an unwritable folder is reported
    before any work; every OSError becomes a ``WriteError`` naming the target.
    """

    def __init__(self, path: str | Path, mode: str = "w", encoding: str | None = "utf-8") -> None:
        """Create the temporary file beside ``path`` (text mode "w" or binary "wb")."""
        if mode not in ("w", "wb"):
            raise ValueError(f"mode must be 'w' or 'wb', not {mode!r}")
        self.path = Path(path)
        self._direct = _is_special(self.path)
        target = self.path if self._direct else Path(os.path.realpath(self.path))
        self._target = target
        self._temp: Path | None = None
        if self.path.is_dir():
            raise WriteError(f"{self.path}: is a folder; give a file name")
        kwargs: dict[str, Any] = {} if "b" in mode else {"encoding": encoding, "newline": ""}
        try:
            if self._direct:
                self.file: IO[Any] = open(target, mode, **kwargs)  # noqa: SIM115
            else:
                self._temp = target.parent / f".{target.name}.{secrets.token_hex(4)}.tmp"
                # 0o666 and the umask, as a plain open() would give the new file
                fd = os.open(self._temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
                self.file = os.fdopen(fd, mode, **kwargs)
        except OSError as error:
            raise WriteError(f"{self.path}: cannot be written ({_reason(error)})") from None
        self.closed = False

    def write(self, data: Any) -> int:
        """Write to the temporary file; an OSError becomes a WriteError naming the target."""
        try:
            return self.file.write(data)
        except OSError as error:
            self.discard()
            raise WriteError(f"{self.path}: cannot be written ({_reason(error)})") from None

    def flush(self) -> None:
        """Flush Python's buffer (the data is still under the temporary name)."""
        try:
            self.file.flush()
        except OSError as error:
            self.discard()
            raise WriteError(f"{self.path}: cannot be written ({_reason(error)})") from None

    def commit(self) -> None:
        """Flush, sync and rename the temporary file over the target (once)."""
        if self.closed:
            return
        try:
            self.file.flush()
            if not self._direct:
                os.fsync(self.file.fileno())
            self.file.close()
            if self._temp is not None:
                if self._target.exists():  # keep the replaced file's permissions
                    os.chmod(self._temp, stat.S_IMODE(os.stat(self._target).st_mode))
                os.replace(self._temp, self._target)
                self._temp = None
        except OSError as error:
            self.discard()
            raise WriteError(f"{self.path}: cannot be written ({_reason(error)})") from None
        self.closed = True

    def discard(self) -> None:
        """Close and remove the temporary file; the target keeps its previous contents."""
        if self.closed:
            return
        self.closed = True
        with contextlib.suppress(OSError):  # the write failed already; the temporary file goes
            self.file.close()
        if self._temp is not None:
            self._temp.unlink(missing_ok=True)
            self._temp = None

    def __enter__(self) -> IO[Any]:
        """The open temporary file, to write to."""
        return self.file

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        """Commit on a normal exit; discard on any exception (an interrupt too)."""
        if kind is None:
            self.commit()
        else:
            self.discard()


@contextmanager
def atomic_write(path: str | Path, mode: str = "w") -> Iterator[IO[Any]]:
    """``with atomic_write(path, "wb") as file:`` — the whole file or the previous one."""
    handle = AtomicFile(path, mode)
    try:
        with handle as file:
            yield file
    except OSError as error:  # raised by the caller's writes into ``file``
        raise WriteError(f"{handle.path}: cannot be written ({_reason(error)})") from None


def write_text(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) atomically."""
    with atomic_write(path, "w") as file:
        file.write(text)


def write_bytes(path: str | Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically."""
    with atomic_write(path, "wb") as file:
        file.write(data)
