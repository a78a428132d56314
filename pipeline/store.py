"""The version store: folders written completely under a temporary name, made visible by one rename, sealed.

Used by the release (`releases/<edition>/<version>/` + `latest.json`) and by the raw snapshot
store (`raw/eurostat/<dataset>/<update>/`) alike. Names starting with "." (locks, `.tmp-*` work
folders of killed runs) are never versions. Only a lock holder creates or removes work folders.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pipeline.durable import exclusive_lock, fsync_dir, write_synced

TMP_PREFIX = ".tmp-"


def save(root: Path, relative: str, data: bytes, rows: int | None = None) -> dict:
    """Write and fsync one new file under `root`; returns its manifest entry (path, sha256, bytes[, rows])."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    write_synced(path, data, exclusive=True)
    entry = {"path": relative, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    if rows is not None:
        entry["rows"] = rows
    return entry


@contextmanager
def locked(lock_file: Path, timeout: float, refuse) -> Iterator[None]:
    """Hold the exclusive lock `lock_file`; after `timeout` seconds of waiting raise `refuse(timeout_error)`."""
    try:
        with exclusive_lock(lock_file, timeout):
            yield
    except TimeoutError as err:
        raise refuse(err) from None


def make_writable(path: Path) -> None:
    for root, dirs, _files in os.walk(path):
        os.chmod(root, 0o755)
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o755)


def remove_leftovers(folder: Path) -> list[str]:
    """Delete `.tmp-*` work folders and files of killed runs; call with the folder's lock held."""
    removed = []
    for path in folder.glob(f"{TMP_PREFIX}*"):
        if path.is_dir() and not path.is_symlink():
            make_writable(path)
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed


def stored(folder: Path, *, source: str | None = None) -> list[tuple[Path, dict]]:
    """Each complete snapshot under `folder` with its provenance.json (from `source` only, if given); the
    dot-named work folders of a killed run, and folders without provenance, are not snapshots."""
    found = []
    for child in sorted(folder.iterdir()) if folder.is_dir() else ():
        provenance = child / "provenance.json"
        if child.name.startswith(".") or not provenance.is_file():
            continue
        record = json.loads(provenance.read_text(encoding="utf-8"))
        if source is None or record.get("source") == source:
            found.append((child, record))
    return found


def seal(root: Path, *, folders: bool = True) -> None:
    """Read-only files (and folders): a stored version is never modified; everything fsynced."""
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o444)
        for name in dirnames:
            fsync_dir(Path(dirpath, name))
            if folders:
                os.chmod(os.path.join(dirpath, name), 0o555)
    fsync_dir(root)
    if folders:
        os.chmod(root, 0o555)


@contextmanager
def staged(folder: Path) -> Iterator[Path]:
    """A fresh work folder in `folder`; removed if the block fails. `publish` makes it a version."""
    tmp = folder / f"{TMP_PREFIX}{uuid.uuid4().hex}"
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        if tmp.exists():
            make_writable(tmp)
            shutil.rmtree(tmp, ignore_errors=True)
        raise


def publish(tmp: Path, target: Path, *, seal_folders: bool = True) -> Path:
    """Seal the work folder `tmp` and rename it to `target` in one step; the parent is fsynced."""
    seal(tmp, folders=seal_folders)
    os.rename(tmp, target)
    fsync_dir(target.parent)
    return target


def json_bytes(obj: Any, default=None) -> bytes:
    # allow_nan=False: a NaN would make the file invalid JSON; figures that are not available are null.
    return (json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False, default=default) + "\n").encode("utf-8")


def replace_pointer(folder: Path, name: str, content: Mapping[str, Any]) -> None:
    """Replace `folder/name` (e.g. latest.json) atomically: a reader sees the old one or the new one, never half."""
    tmp = folder / f"{TMP_PREFIX}{Path(name).stem}-{uuid.uuid4().hex}.json"
    save(folder, tmp.name, json_bytes(dict(content)))
    os.replace(tmp, folder / name)
    fsync_dir(folder)


def read_pointer(folder: Path, name: str) -> dict | None:
    """The pointer's content, None when there is none; ValueError/OSError when it cannot be read."""
    try:
        return json.loads((folder / name).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
