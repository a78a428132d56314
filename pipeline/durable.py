"""Writes that survive a crash: fsync the file, then the folder that names it."""

from __future__ import annotations

import errno
import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator


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
    """Hold an flock on `path` (created if needed); TimeoutError after `timeout` seconds of waiting.

    The kernel releases the lock when its holder exits or is killed, so a crashed run never
    leaves a stale lock behind.
    """
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"{path} has been held by another process for over {timeout:g} s") from None
                time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock
