"""Raw snapshots of Eurostat codelists: the structure message exactly as served, stored once per version.

Layout, beside the datasets' raw snapshots::

    $PIPELINE_DATA_DIR/raw/eurostat-codelists/<ID>/<codelist version>/codelist.xml[.gz]
                                                                    /provenance.json

Like a dataset snapshot, a folder is written under a temporary name, renamed into place and never
modified. Eurostat publishes no date for a codelist, so a stored one is reused until the catalogue
needs a code it lacks (Eurostat adds codes for new survey questions) or a forced download; a
download identical to a stored snapshot is not stored again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import PIPELINE_VERSION, store
from pipeline.durable import write_synced
from pipeline.errors import EurostatUnavailable, PipelineError
from pipeline.eurostat.client import EurostatClient
from pipeline.eurostat.codelists import Codelist, parse_codelist
from pipeline.eurostat.download import Download
from pipeline.eurostat.structure import fetch_codelist, validate_codelist_id
from pipeline.snapshots import LOCK_TIMEOUT, SOURCES


@dataclass(frozen=True)
class CodelistSnapshot:
    """One stored version of one codelist."""

    folder: Path
    provenance: dict[str, Any]

    @property
    def data_path(self) -> Path:
        return self.folder / self.provenance["file"]

    def read(self) -> Codelist:
        return parse_codelist(self.data_path.read_bytes(), self.provenance["codelist"])


@dataclass(frozen=True)
class CodelistSync:
    """What a sync did, and the codelist it leaves stored."""

    snapshot: CodelistSnapshot
    codelist: Codelist
    downloaded: bool
    message: str


class CodelistStore:
    """`$PIPELINE_DATA_DIR/raw/eurostat-codelists`: snapshots per codelist, oldest first."""

    def __init__(self, data_dir: Path | str):
        self.root = Path(data_dir) / "raw" / "eurostat-codelists"

    def folder(self, codelist: str) -> Path:
        return self.root / validate_codelist_id(codelist)

    def snapshots(self, codelist: str, *, source: str | None = None) -> list[CodelistSnapshot]:
        found = [CodelistSnapshot(child, prov) for child, prov in store.stored(self.folder(codelist), source=source)]
        return sorted(found, key=lambda s: s.provenance["retrieved_at"])

    def latest(self, codelist: str, *, source: str | None = None) -> CodelistSnapshot | None:
        snaps = self.snapshots(codelist, source=source)
        return snaps[-1] if snaps else None

    def write(self, download: Download, codelist: Codelist, *, source: str) -> CodelistSnapshot:
        """Store the bytes as served; an identical snapshot already stored is returned instead."""
        if source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, not {source!r}")
        base = self.folder(codelist.id)
        try:
            base.mkdir(parents=True, exist_ok=True)
            with store.locked(base.parent / f".{base.name}.lock", LOCK_TIMEOUT, lambda err: PipelineError(
                    f"codelist {codelist.id}: another sync is still running ({err})")):
                store.remove_leftovers(base)
                return self._write_locked(base, download, codelist, source)
        except OSError as exc:
            raise PipelineError(f"codelist {codelist.id}: could not store the snapshot under {base}: "
                                f"{exc.strerror or exc}; the snapshots already stored are untouched") from exc

    def _write_locked(self, base: Path, download: Download, codelist: Codelist, source: str) -> CodelistSnapshot:
        for snap in self.snapshots(codelist.id, source=source):
            if snap.provenance["sha256"] == download.sha256:
                return snap
        name, n = codelist.version, 1
        while (base / name).exists():  # the same version served with other bytes (a corrected label)
            name, n = f"{codelist.version}.{n}", n + 1
        file_name = "codelist.xml.gz" if download.is_gzip else "codelist.xml"
        provenance = {
            "codelist": codelist.id, "agency": codelist.agency, "version": codelist.version,
            "sdmx": codelist.sdmx, "codes": len(codelist.codes), "source": source, "url": download.url,
            "retrieved_at": download.retrieved_at.isoformat(), "sha256": download.sha256,
            "bytes": download.size, "content_type": download.content_type, "file": file_name,
            "pipeline_version": PIPELINE_VERSION,
        }
        with store.staged(base) as tmp:
            write_synced(tmp / file_name, download.body)
            write_synced(tmp / "provenance.json",
                         (json.dumps(provenance, indent=2, sort_keys=True) + "\n").encode("utf-8"))
            store.publish(tmp, base / name, seal_folders=False)
        return CodelistSnapshot(base / name, provenance)


def sync_codelist(client: EurostatClient, codelists: CodelistStore, codelist: str, needed: frozenset[str], *,
                  source: str = "eurostat", force: bool = False,
                  unavailable: EurostatUnavailable | None = None) -> CodelistSync:
    """The stored codelist if it has every `needed` code, else (or when forced) Eurostat's newest one.

    `unavailable`: Eurostat was found unavailable already; raised instead of asking it again."""
    latest = codelists.latest(codelist, source=source)
    why = "forced download" if force else "first download"
    if latest is not None and not force:
        stored = latest.read()
        lacking = sorted(needed - stored.codes.keys())
        if not lacking:
            return CodelistSync(latest, stored, False, f"codelist {codelist} {stored.version}: stored, "
                                                       f"has the {len(needed)} codes the catalogue uses")
        why = f"stored version {stored.version} lacks {', '.join(lacking[:5])}{' ...' if len(lacking) > 5 else ''}"
    if unavailable is not None:
        raise unavailable
    download, parsed = fetch_codelist(client, codelist)
    snapshot = codelists.write(download, parsed, source=source)
    return CodelistSync(snapshot, parsed, True, f"codelist {codelist} {parsed.version}: {why}, "
                                               f"{download.size:,} bytes, sha256 {download.sha256[:12]}")


def sync_codelists(client: EurostatClient, codelists: CodelistStore, needed: Mapping[str, frozenset[str]], *,
                   source: str = "eurostat", force: bool = False
                   ) -> tuple[dict[str, Codelist], list[CodelistSync], list[str]]:
    """Every codelist of `needed`, synced; a codelist that fails is a warning, never the end of the run.

    Labels are not figures: a codelist Eurostat cannot serve, or serves unreadable (or unsafe), is
    replaced by its newest stored snapshot, or else its codes stand for their labels. Once one
    codelist finds Eurostat unavailable (after the client's retries), the others are not asked.
    Returns the codelists read, what each sync did, and the warnings.
    """
    found: dict[str, Codelist] = {}
    synced: list[CodelistSync] = []
    warnings: list[str] = []
    down: EurostatUnavailable | None = None  # once Eurostat is down, one retry bound spent is enough
    for name in sorted(needed):
        try:
            result = sync_codelist(client, codelists, name, needed[name], source=source, force=force,
                                   unavailable=down)
        except PipelineError as err:
            if isinstance(err, EurostatUnavailable):
                down = err
            stored = codelists.latest(name, source=source)
            instead = f"the stored version {stored.provenance['version']} is used" if stored else \
                "its codes are labelled with the code itself"
            warnings.append(f"codelist {name}: {err}; {instead}")
            if stored is not None:
                found[name] = stored.read()
            continue
        synced.append(result)
        found[name] = result.codelist
    return found, synced, warnings
