"""Writes that survive a crash: fsync the file, then the folder that names it."""

from __future__ import annotations

import os
from pathlib import Path


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
