"""What a data directory holds: a fingerprint to prove a tree untouched, and a release version's completeness."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow.parquet as pq


def fingerprint(root: Path) -> dict[str, str]:
    """Every path under root with the sha256 of its content ('dir' for folders): equal means untouched."""
    return {
        p.relative_to(root).as_posix(): ("dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(root.rglob("*"))
    }


def check_complete(version_dir: Path) -> dict:
    """Every file the manifest lists is on disk with its checksum, size and row count, and nothing else is."""
    manifest = json.loads((version_dir / "manifest.json").read_text())
    listed = {entry["path"]: entry for entry in manifest["files"]}
    on_disk = {p.relative_to(version_dir).as_posix() for p in version_dir.rglob("*") if p.is_file()}
    assert on_disk - {"manifest.json"} == set(listed)
    for path, entry in listed.items():
        data = (version_dir / path).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], path
        assert len(data) == entry["bytes"], path
        if path.endswith(".parquet"):
            assert pq.ParquetFile(version_dir / path).metadata.num_rows == entry["rows"], path
    return manifest
