"""One run at a time per workbook, journal or job folder: an OS lock held for the run.

Two imports of the same workbook (or two runs writing one journal) would write one journal
and one report between them, and the second would "resume" a run that is still going. So
a run takes an exclusive, non-blocking ``flock`` on a small lock file for each thing it
must have to itself, and holds it until it ends. The kernel drops the lock when the
process dies, however it dies (``kill -9`` included), so a stale lock can never block a
later run; the pid and start time written into the file are only there to say what is
running.

The lock files: ``.<name>.lock`` next to a journal or inside a folder (the web app's job
folders use :func:`hold` on the folder itself), and, for a workbook, a file in the user's
lock folder named by a hash of the workbook's real path (the workbook itself is never
written, and its folder may be read-only).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from importer.errors import ImporterError


class Busy(ImporterError):
    """Another process holds the lock: ``another import of FILE is running (pid N, since T)``."""


def lock_file_for(target: Path) -> Path:
    """Where the lock of ``target`` lives: inside it when it is a folder, next to it
    (``.<name>.lock``) when it is a journal, in the user's lock folder for a workbook."""
    if target.is_dir():
        return target / ".lock"
    return target.with_name(f".{target.name}.lock")


def workbook_lock_file(workbook: Path) -> Path:
    """A lock file for ``workbook`` that does not touch the workbook's folder."""
    real = os.path.realpath(workbook)
    digest = hashlib.sha256(real.encode("utf-8", "surrogatepass")).hexdigest()[:24]
    base = Path(os.environ.get("XDG_RUNTIME_DIR") or tempfile.gettempdir())
    return base / f"bcdc-import-{os.getuid()}" / f"{digest}.lock"


def _holder(path: Path, what: str) -> str:
    """``WHAT is running (pid N, since T)`` from the lock file the holder wrote."""
    try:
        pid, since, *theirs = path.read_text(encoding="utf-8").rstrip("\n").split(" ", 2)
    except (OSError, ValueError):
        return f"{what} is running (pid unknown)"
    return f"{theirs[0] if theirs else what} is running (pid {pid}, since {since})"


@contextlib.contextmanager
def hold(lock_path: Path, what: str,
         clock: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on ``lock_path`` for the ``with`` block, or raise
    :class:`Busy` at once (never wait) naming what the holder runs (``import of FILE``,
    as it wrote it in the lock file), its pid and its start time. The file is removed on
    release (no litter next to the user's files)."""
    lock_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = _acquire(lock_path, what)
    try:
        started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(clock))
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {started} {what}\n".encode(), 0)
        yield
    finally:
        # unlink while still holding the lock: a run that opened this file meanwhile
        # finds, once it has the lock, that the path is no longer its file, and retries
        with contextlib.suppress(OSError):
            os.unlink(lock_path)
        os.close(fd)


def _acquire(lock_path: Path, what: str) -> int:
    """The locked descriptor of ``lock_path`` (the file at that path now, not one a
    releasing holder has just unlinked)."""
    while True:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            os.close(fd)
            if err.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                raise
            raise Busy(f"another {_holder(lock_path, what)}") from None
        try:
            same = os.stat(lock_path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


@contextlib.contextmanager
def hold_import(workbook: Path, journal: Path | None) -> Iterator[None]:
    """The locks of one import: its workbook and (when it has one) its journal."""
    what = f"import of {workbook}"
    with contextlib.ExitStack() as stack:
        stack.enter_context(hold(workbook_lock_file(workbook), what))
        if journal is not None:
            stack.enter_context(hold(lock_file_for(journal), what))
        yield
