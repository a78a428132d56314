"""Versioned, immutable releases of an edition: the tables, their content and the products, in the version store.

Layout (DESIGN.md, contract)::

    <data_dir>/releases/<edition>/<version>/   indicators.parquet, rankings.parquet, revisions.parquet,
                                               labels.parquet (when given), observations/<dataset>.parquet,
                                               manifest.json,
                                               and the products' files (key_figures.*, charts/...)
    <data_dir>/releases/<edition>/latest.json  {"edition", "version", "path"}

The folder mechanics are `pipeline.store`, the digests and bytes `pipeline.content`, the
revisions `pipeline.revisions`, what is shown beside the tables `pipeline.products`.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Mapping

import pandas as pd
from pandera import errors as pa_errors

import pipeline
from pipeline import store
from pipeline.content import content_hash, parquet_bytes, plain, records, vintage_note
from pipeline.datasets import validate_dataset_code
from pipeline.errors import ReleaseError
from pipeline.indicators import INDICATOR_COLUMNS, RANKING_COLUMNS
from pipeline.products import PRODUCTS, Presentation, ProductInputs, render_products
from pipeline.provenance import DatasetProvenance
from pipeline.revisions import REVISION_COLUMNS, figures, revisions
from schemas.tables import Indicators, Labels, Rankings, code_columns, dtypes

__all__ = [
    "INDICATOR_COLUMNS", "RANKING_COLUMNS", "REVISION_COLUMNS", "Presentation", "PublishResult", "edition_dir",
    "list_versions", "presentation_from_catalogue", "publish_release", "read_latest", "vintage_note",
]

SOURCES = {"eurostat": "Eurostat figures", "sample": "synthetic sample data, not Eurostat figures"}

LATEST = "latest.json"
LOCK = ".lock"
VERSION_PATTERN = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{8}")


@dataclass(frozen=True)
class PublishResult:
    """What a publish did: `published` False means an identical release already existed (or was kept)."""

    edition: int
    version: str
    path: Path
    published: bool
    message: str
    revisions: dict[str, Any]
    manifest: dict[str, Any]


# ----------------------------------------------------------------------------------------- readers


def edition_dir(data_dir: str | os.PathLike, edition: int | str) -> Path:
    """`<data_dir>/releases/<edition>`; the edition must be a publication year."""
    return Path(data_dir) / "releases" / str(_edition(edition))


def read_latest(data_dir: str | os.PathLike, edition: int | str) -> Path:
    """The version directory latest.json points to; ReleaseError when there is none or it is not complete."""
    folder = edition_dir(data_dir, edition)
    pointer = _read_pointer(folder)
    if pointer is None:
        raise ReleaseError(f"edition {edition}: no release published yet ({folder / LATEST} does not exist)")
    return _version_path(folder, pointer)


def list_versions(data_dir: str | os.PathLike, edition: int | str) -> list[str]:
    """Published versions of an edition, oldest first (work folders of killed runs are not versions)."""
    folder = edition_dir(data_dir, edition)
    if not folder.is_dir():
        return []
    return sorted(
        p.name for p in folder.iterdir()
        if VERSION_PATTERN.fullmatch(p.name) and (p / "manifest.json").is_file()
    )


def presentation_from_catalogue(catalogue, edition: int | str) -> Presentation:
    """Presentation of an edition from a `pipeline.catalogue.Catalogue` (headlines, periods, topic titles)."""
    return Presentation(
        # A past edition shows no headline for a series Eurostat had not surveyed yet.
        headline_ids=tuple(spec.id for spec in catalogue.headline
                           if spec.surveyed(catalogue.reporting_period(spec, edition))),
        reporting_periods={spec.id: catalogue.reporting_period(spec, int(edition)) for spec in catalogue.indicators},
        topics={topic.id: dict(topic.title) for topic in catalogue.topics},
    )


def _edition(edition: int | str) -> int:
    if isinstance(edition, bool) or not re.fullmatch(r"\d{4}", str(edition)):
        raise ReleaseError(f"edition must be a publication year like 2026, not {edition!r}")
    return int(edition)


def _read_pointer(folder: Path) -> dict | None:
    try:
        return store.read_pointer(folder, LATEST)
    except (ValueError, OSError) as exc:
        raise ReleaseError(f"{folder / LATEST} cannot be read: {exc}") from None


def _latest_path(folder: Path) -> Path | None:
    pointer = _read_pointer(folder)
    return None if pointer is None else _version_path(folder, pointer)


def _version_path(folder: Path, pointer: Mapping) -> Path:
    name = str(pointer.get("path", ""))
    if not VERSION_PATTERN.fullmatch(name):  # also refuses '..' and '/' from a hand-edited pointer
        raise ReleaseError(f"{folder / LATEST}: path {name!r} is not a version directory name")
    path = folder / name
    if not (path / "manifest.json").is_file():
        raise ReleaseError(f"{folder / LATEST} points to {name}, which is missing or incomplete")
    return path


def _latest_manifest(folder: Path) -> tuple[str, dict] | None:
    pointer = _read_pointer(folder)
    if pointer is None:
        return None
    path = _version_path(folder, pointer)
    return path.name, json.loads((path / "manifest.json").read_text(encoding="utf-8"))


def _unpointed_newest(folder: Path, latest: tuple[str, dict] | None) -> tuple[str, dict] | None:
    """The newest complete version when latest.json does not name it (a publish stopped before the pointer)."""
    versions = list_versions(folder.parent.parent, folder.name)
    if not versions or (latest is not None and latest[0] == versions[-1]):
        return None
    return versions[-1], json.loads((folder / versions[-1] / "manifest.json").read_text(encoding="utf-8"))


# ------------------------------------------------------------------------------------------- load


def _typed(table: pd.DataFrame, model, name: str) -> pd.DataFrame:
    """The contract's columns (schemas/tables.py) in its order and dtypes; code columns become Parquet
    dictionaries, other text `string`; extra columns are not part of a release."""
    if not isinstance(table, pd.DataFrame):
        raise ReleaseError(f"{name}: expected a pandas DataFrame, got {type(table).__name__}")
    types, codes = dtypes(model), code_columns(model)
    missing = [c for c in types if c not in table.columns]
    if missing:
        raise ReleaseError(f"{name}: missing column(s) {missing}; the release contract needs {list(types)}")
    out = table.loc[:, list(types)].reset_index(drop=True).copy()
    for col, target in types.items():
        try:
            if target in ("int64", "Int64", "float64"):
                out[col] = pd.to_numeric(out[col]).astype(target)
            elif target in ("bool", "boolean"):
                out[col] = out[col].astype(target)
            else:
                text = out[col].astype("object").where(out[col].notna(), None)
                text = text.map(lambda v: None if v is None or str(v) == "" else str(v))
                out[col] = text.astype("category") if col in codes else text.astype("string")
        except (TypeError, ValueError) as exc:
            bad = out[col][pd.to_numeric(out[col], errors="coerce").isna() & out[col].notna()]
            where = f" (row {bad.index[0]}: {bad.iloc[0]!r})" if len(bad) else ""
            raise ReleaseError(f"{name}: column {col!r} cannot be stored as {target}{where}: {exc}") from None
    return out


def _labels(labels: pd.DataFrame) -> pd.DataFrame:
    """The labels table as the contract types it, its checks (languages, sources, one label a code) held."""
    typed = _typed(labels, Labels, "labels")
    try:
        Labels.validate(typed.astype(object).where(typed.notna(), None), lazy=False)
    except pa_errors.SchemaError as err:
        raise ReleaseError(f"labels: {err}") from None
    return typed


def _provenance(inputs: Mapping[str, DatasetProvenance], observations: Mapping[str, pd.DataFrame]
                ) -> dict[str, DatasetProvenance]:
    """Each released dataset's provenance, sorted; every dataset whose observations are released needs one."""
    out = {}
    for code, record in inputs.items():
        if not isinstance(record, DatasetProvenance):
            raise ReleaseError(f"inputs: dataset {code}: expected a DatasetProvenance, not {type(record).__name__}")
        if record.dataset != code:
            raise ReleaseError(f"inputs: the provenance filed under {code} is that of {record.dataset}")
        out[validate_dataset_code(code)] = record
    without = sorted(set(observations) - set(out))
    if without:
        raise ReleaseError(f"inputs: no provenance for dataset(s) {without} whose observations are released")
    return dict(sorted(out.items()))


def _presentation(presentation: Presentation) -> Presentation:
    if not isinstance(presentation, Presentation):
        raise ReleaseError(f"presentation must be a pipeline.products.Presentation (see presentation_from_catalogue), "
                           f"not {type(presentation).__name__}")
    return presentation


# ------------------------------------------------------------------------------------------- save


def _version_id(folder: Path, created: datetime, digest: str) -> str:
    """`20261130T231500Z-3f9a1c2b`: sorts by time; a clash within one second moves to the next free second."""
    stamp = created.astimezone(timezone.utc)
    while True:
        version = f"{stamp:%Y%m%dT%H%M%SZ}-{digest[:8]}"
        if not (folder / version).exists():
            return version
        stamp += timedelta(seconds=1)


def _table_files(tmp: Path, meta: dict, tables: Mapping[str, pd.DataFrame],
                 observations: Mapping[str, pd.DataFrame], inputs: Mapping[str, DatasetProvenance]) -> list[dict]:
    """The release's tables as Parquet in the work folder; returns their manifest entries."""
    files = [store.save(tmp, f"{name}.parquet", parquet_bytes(df, meta | {"table": name}), rows=len(df))
             for name, df in tables.items()]
    for code, df in sorted(observations.items()):
        origin = asdict(inputs[code])
        extra = {"table": "observations", "dataset": code, "format": origin["format"],
                 "eurostat_last_update": origin["eurostat_last_update"],
                 # pandas.read_parquet gives report builds the dataset's provenance back as df.attrs
                 "PANDAS_ATTRS": json.dumps(origin, default=str)}
        files.append(store.save(tmp, f"observations/{code}.parquet", parquet_bytes(_bare(df), meta | extra),
                                rows=len(df)))
    return files


def _bare(df: pd.DataFrame) -> pd.DataFrame:
    """The frame without pandas attrs: the file's own attrs are its provenance, written above."""
    if not df.attrs:
        return df
    bare = df.copy(deep=False)
    bare.attrs = {}
    return bare


def _unchanged(folder: Path, edition: int, digest: str) -> PublishResult | None:
    """The existing version with these figures, if any (a run stopped before latest.json: its publish is finished)."""
    latest = _latest_manifest(folder)
    if latest is not None and latest[1].get("content_hash") == digest:
        version, manifest = latest
        return PublishResult(edition, version, folder / version, False,
                             f"unchanged: release {version} already has these figures",
                             manifest.get("revisions", {}), manifest)
    unpointed = _unpointed_newest(folder, latest)
    if unpointed is not None and unpointed[1].get("content_hash") == digest:
        version, manifest = unpointed
        _point_latest(folder, edition, version)
        return PublishResult(edition, version, folder / version, True,
                             f"published release {edition}/{version} (completed: latest.json now points to it)",
                             manifest.get("revisions", {}), manifest)
    return None


def _point_latest(folder: Path, edition: int, version: str) -> None:
    store.replace_pointer(folder, LATEST, {"edition": edition, "version": version, "path": version})


def publish_release(
    data_dir: str | os.PathLike,
    edition: int | str,
    *,
    indicators: pd.DataFrame,
    rankings: pd.DataFrame,
    observations: Mapping[str, pd.DataFrame],
    inputs: Any,
    focus_geo: str,
    catalogue_hash: str,
    presentation: Presentation,
    source: str,
    coverage: pd.DataFrame | None = None,
    missing: pd.DataFrame | None = None,
    labels: pd.DataFrame | None = None,
    renditions: Mapping[str, Any] | None = None,
    products: Mapping[str, Any] = PRODUCTS,
    catalogue: Any = None,
    now: datetime | None = None,
    lock_timeout: float = 60.0,
) -> PublishResult:
    """Publish an edition's figures as a new immutable version, unless the latest version has the same data.

    `renditions` are the settings the products are rendered with (publication rounding, whose charts get
    print PNG): part of what a version is, so changing one publishes a new version."""
    # load
    edition = _edition(edition)
    if source not in SOURCES:
        raise ReleaseError(f"source must be one of {sorted(SOURCES)}, not {source!r}")
    tables = {
        "indicators": _typed(indicators, Indicators, "indicators"),
        # Releases serve all 27 members: is_focus never depends on FOCUS_GEO (kept false, see the README).
        "rankings": _typed(rankings.assign(is_focus=False), Rankings, "rankings"),
    }
    if labels is not None:
        tables["labels"] = _labels(labels)
    observations = {validate_dataset_code(code): df for code, df in observations.items()}
    typed_inputs = _provenance(inputs, observations)
    provenance = {code: record.manifest_record() for code, record in typed_inputs.items()}
    shown = _presentation(presentation)
    digest = content_hash(
        indicators=tables["indicators"], rankings=tables["rankings"], labels=tables.get("labels"),
        observations=observations,
        provenance=provenance, catalogue_hash=catalogue_hash, presentation=shown, renditions=renditions,
        source=source, edition=edition,
    )
    folder = edition_dir(data_dir, edition)
    folder.mkdir(parents=True, exist_ok=True)

    def refuse(err: TimeoutError) -> ReleaseError:
        return ReleaseError(f"edition {folder.name}: another publish has held {folder / LOCK} for over "
                            f"{lock_timeout:g} s; nothing was published, the previous release is untouched")

    with store.locked(folder / LOCK, lock_timeout, refuse):
        store.remove_leftovers(folder)
        done = _unchanged(folder, edition, digest)
        if done is not None:
            return done

        # process
        created = now or datetime.now(timezone.utc)
        created = (created.replace(tzinfo=timezone.utc) if created.tzinfo is None else created).astimezone(timezone.utc)
        version = _version_id(folder, created, digest)
        changed, summary = revisions(folder, edition, figures(tables["indicators"], tables["rankings"]), _latest_path)
        sources = {code: info | ({"source": "sample"} if source == "sample" else {})
                   for code, info in provenance.items()}
        made = render_products(ProductInputs(edition, tables["indicators"], tables["rankings"], shown, focus_geo,
                                             source, sources, catalogue, tables.get("labels")), products)
        meta = {"edition": edition, "version": version, "pipeline_version": pipeline.__version__,
                "catalogue_hash": catalogue_hash, "source": source}

        # save: everything into a work folder, then one rename makes the version visible
        try:
            with store.staged(folder) as tmp:
                files = _table_files(tmp, meta, {**tables, "revisions": changed}, observations, typed_inputs)
                files += [store.save(tmp, path, data) for path, data in sorted(made.items())]
                manifest = {
                    "edition": edition,
                    "version": version,
                    "created_at": created.isoformat().replace("+00:00", "Z"),
                    "pipeline_version": pipeline.__version__,
                    "focus_geo": focus_geo,
                    "source": source,
                    "source_statement": SOURCES[source],
                    "catalogue_hash": catalogue_hash,
                    "content_hash": digest,
                    "inputs": provenance,
                    # How the products were rendered (contract addition): rounding, print PNG members.
                    "renditions": dict(renditions or {}),
                    "files": sorted(files, key=lambda f: f["path"]),
                    "revisions": summary,
                    "note": vintage_note(edition, provenance),
                    # Per catalogue entry and code version: the periods Eurostat served (contract addition).
                    "coverage": records(coverage),
                    # Figures of the edition without a value, with the reason (not blocking ones).
                    "missing_figures": records(missing),
                }
                store.save(tmp, "manifest.json", store.json_bytes(manifest, default=plain))
                store.publish(tmp, folder / version)
        except OSError as err:
            raise ReleaseError(f"edition {edition}: could not write release {version} ({err}); "
                               "nothing was published, the previous release is untouched") from err
        try:
            _point_latest(folder, edition, version)
        except OSError as err:
            raise ReleaseError(f"edition {edition}: release {version} is complete but latest.json could not be "
                               f"updated ({err}); latest.json still names the previous release, and a re-run "
                               "points it to this one") from err

    message = f"published release {edition}/{version} ({summary['count']} revision(s))"
    return PublishResult(edition, version, folder / version, True, message, summary, manifest)
