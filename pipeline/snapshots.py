"""Raw snapshots: Eurostat's bytes exactly as served, stored once per Eurostat update, with provenance.

Layout (a contract, DESIGN.md)::

    $PIPELINE_DATA_DIR/raw/eurostat/<dataset>/<eurostat-last-update>/data.<ext>.gz
                                                                    /provenance.json

A snapshot folder is written under a temporary name and renamed into place, so a reader never
sees a half-written snapshot; it is never modified afterwards.
"""

from __future__ import annotations

import csv
import io
import json
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import PIPELINE_VERSION, compression, store
from pipeline.datasets import validate_dataset_code
from pipeline.durable import write_synced
from pipeline.errors import PipelineError
from pipeline.eurostat.reader import parse_last_update

if TYPE_CHECKING:  # the client module is only needed for type hints here
    from pipeline.eurostat.client import Download, EurostatClient
    from pipeline.eurostat.toc import TocEntry

log = logging.getLogger(__name__)

SOURCES = ("eurostat", "sample")


@dataclass(frozen=True)
class Snapshot:
    """One stored Eurostat update of one dataset."""

    dataset: str
    folder: Path
    provenance: dict[str, Any]

    @property
    def data_path(self) -> Path:
        return self.folder / self.provenance["file"]

    @property
    def eurostat_last_update(self) -> str:
        return self.provenance["eurostat_last_update"]

    @property
    def sha256(self) -> str:
        return self.provenance["sha256"]

    @property
    def source(self) -> str:
        return self.provenance["source"]

    def read_bytes(self) -> bytes:
        return self.data_path.read_bytes()


@dataclass(frozen=True)
class SyncResult:
    """What a sync did: downloaded a new snapshot, or found the stored one current."""

    dataset: str
    snapshot: Snapshot
    downloaded: bool
    message: str


# A sync holds its dataset's lock for one download at most: past this, something is stuck.
LOCK_TIMEOUT = 1800.0


def _locked(folder: Path):
    """Exclusive lock on `raw/eurostat/.<dataset>.lock`, so two syncs of a dataset never interleave."""
    # Beside the dataset's folder, not in it: that folder holds snapshots only.
    return store.locked(folder.parent / f".{folder.name}.lock", LOCK_TIMEOUT, lambda err: PipelineError(
        f"dataset {folder.name}: another sync is still running ({err})"))


def _chronological(snap: Snapshot) -> tuple:
    # Same Eurostat date and retrieval time: the folder suffix (`.1`, `.2`) says which came later.
    _, _, suffix = snap.folder.name.partition(".")
    return (snap.eurostat_last_update, snap.provenance["retrieved_at"], int(suffix or 0))


class RawStore:
    """The raw layer of `$PIPELINE_DATA_DIR`: snapshots per dataset, newest first by Eurostat's date."""

    def __init__(self, data_dir: Path | str):
        self.root = Path(data_dir) / "raw" / "eurostat"

    def dataset_dir(self, dataset: str) -> Path:
        return self.root / validate_dataset_code(dataset)

    def snapshots(self, dataset: str, *, source: str | None = None) -> list[Snapshot]:
        """Complete snapshots of a dataset, oldest first; temporary folders of a killed run are ignored."""
        stored = store.stored(self.dataset_dir(dataset), source=source)
        found = [Snapshot(dataset, child, prov) for child, prov in stored]
        return sorted(found, key=_chronological)

    def latest(self, dataset: str, *, source: str | None = None) -> Snapshot | None:
        snaps = self.snapshots(dataset, source=source)
        return snaps[-1] if snaps else None

    def write(
        self, download: "Download", *, eurostat_last_update: str, source: str
    ) -> Snapshot:
        """Store the bytes as served; an identical snapshot already stored is reused, not rewritten."""
        if source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, not {source!r}")
        dataset = validate_dataset_code(download.dataset)
        date.fromisoformat(eurostat_last_update[:10])  # refuse anything that is not a date
        base = self.dataset_dir(dataset)
        try:
            base.mkdir(parents=True, exist_ok=True)
            # Two runs may store the same update at once: the lock makes the second one find
            # the first one's snapshot, and keeps clean_temporary off a live work folder.
            with _locked(base):
                return self._write_locked(base, dataset, download, eurostat_last_update, source)
        except OSError as exc:  # a full disk, a read-only volume: say which dataset and where
            raise PipelineError(
                f"dataset {dataset}: could not store the snapshot under {base}: {exc.strerror or exc}; "
                "the snapshots already stored are untouched"
            ) from exc

    def _write_locked(self, base: Path, dataset: str, download: "Download", eurostat_last_update: str,
                      source: str) -> Snapshot:
        for snap in self.snapshots(dataset):
            if (snap.sha256, snap.eurostat_last_update, snap.source) == (
                download.sha256, eurostat_last_update, source
            ):
                return snap

        name = eurostat_last_update[:10]
        n = 1
        # A second snapshot with the same Eurostat date (Eurostat updates at 11:00 and 23:00, the
        # TOC only says the day; or a forced re-download that got other bytes) gets a suffix.
        while (base / name).exists():
            name = f"{eurostat_last_update[:10]}.{n}"
            n += 1
        file_name = "data.csv.gz" if download.is_gzip else "data.csv"
        provenance = {
            "dataset": dataset,
            "source": source,
            "url": download.url,
            "retrieved_at": download.retrieved_at.isoformat(),
            "eurostat_last_update": eurostat_last_update,
            "sha256": download.sha256,
            "bytes": download.size,
            "content_type": download.content_type,
            "file": file_name,
            "async_key": download.async_key,
            "pipeline_version": PIPELINE_VERSION,
        }
        with store.staged(base) as tmp:
            write_synced(tmp / file_name, download.body)
            write_synced(
                tmp / "provenance.json",
                (json.dumps(provenance, indent=2, sort_keys=True) + "\n").encode("utf-8"),
            )
            store.publish(tmp, base / name, seal_folders=False)  # read-only files; the folder stays removable
        return Snapshot(dataset, base / name, provenance)

    def clean_temporary(self, dataset: str) -> int:
        """Remove `.tmp-*` folders left by a killed run (never visible as snapshots)."""
        folder = self.dataset_dir(dataset)
        removed = 0
        if folder.is_dir():
            with _locked(folder):  # a folder being written now belongs to a live run: wait for it
                removed = len(store.remove_leftovers(folder))
        return removed


def payload_last_update(body: bytes) -> str | None:
    """The SDMX-CSV 1.0 `LAST UPDATE` of the first row (`27/02/26 11:00:00` -> `2026-02-27`), if any."""
    head = compression.head(body, 65536)
    rows = csv.reader(io.StringIO(head.decode("utf-8", errors="replace")))
    try:
        header = next(rows, [])
        first = next(rows, [])
    except csv.Error:  # a stray carriage return: no date to be read here; the reader will say more
        return None
    if "LAST UPDATE" not in header or len(first) != len(header):
        return None
    stamp = parse_last_update(first[header.index("LAST UPDATE")])
    return stamp.date().isoformat() if stamp else None


def sync_dataset(
    client: "EurostatClient",
    store: RawStore,
    dataset: str,
    toc_entry: "TocEntry | None",
    *,
    source: str = "eurostat",
    force: bool = False,
) -> SyncResult:
    """Download a dataset unless the TOC's `last update of data` equals the newest stored snapshot's."""
    validate_dataset_code(dataset)
    store.clean_temporary(dataset)
    latest = store.latest(dataset, source=source)
    toc_date = toc_entry.last_update.isoformat() if toc_entry and toc_entry.last_update else None
    if latest is not None and toc_date is not None and not force:
        if latest.eurostat_last_update[:10] == toc_date:
            return SyncResult(dataset, latest, False, f"{dataset} unchanged since {toc_date}")
        if latest.eurostat_last_update[:10] > toc_date:
            raise PipelineError(
                f"dataset {dataset}: the catalogue says last update {toc_date}, older than the stored "
                f"snapshot of {latest.eurostat_last_update}; refusing to go back in time (stale mirror?)"
            )
    download = client.fetch_dataset(dataset)
    if toc_date is None:
        # Not in the catalogue (yet): Eurostat's own date inside the payload is the next best fact.
        toc_date = payload_last_update(download.body) or download.retrieved_at.date().isoformat()
        log.warning("dataset %s is not in the catalogue; dating the snapshot %s", dataset, toc_date)
    snapshot = store.write(download, eurostat_last_update=toc_date, source=source)
    why = "forced download" if force else (
        f"new Eurostat update {toc_date}" if latest else "first download"
    )
    return SyncResult(
        dataset, snapshot, True, f"{dataset}: {why}, {download.size:,} bytes, sha256 {download.sha256[:12]}"
    )
