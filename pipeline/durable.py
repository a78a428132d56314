"""Writes that survive a crash (fsync the file, then the folder that names it), and the lock that orders them."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout


def write_synced(path: Path, data: bytes, *, exclusive: bool = False) -> None:
    """Write `data` and fsync it; `exclusive` refuses to overwrite an existing file."""
    with open(path, "xb" if exclusive else "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def fsync_dir(path: Path) -> None:
    """Make a rename or a new entry in `path` durable."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def exclusive_lock(path: Path, timeout: float) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if needed); TimeoutError after `timeout` seconds of waiting.

    filelock's flock-based lock: the kernel releases it when its holder exits or is killed, so a
    crashed run never leaves a stale lock behind. No fallback to a soft (file-exists) lock, which
    a killed run would leave behind; the lock file itself stays, so no one races on deleting it.
    """
    lock = FileLock(path, timeout=timeout, mode=0o644, thread_local=False, fallback_to_soft=False,
                    preserve_lock_file=True)
    try:
        lock.acquire()
    except Timeout:
        raise TimeoutError(f"{path} has been held by another process for over {timeout:g} s") from None
    try:
        yield
    finally:
        lock.release()
