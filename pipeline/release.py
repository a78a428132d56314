"""Versioned, immutable releases of an edition: written completely, then made visible by one atomic rename.

Layout (DESIGN.md, contract)::

    <data_dir>/releases/<edition>/<version>/   indicators.parquet, rankings.parquet, revisions.parquet,
                                               observations/<dataset>.parquet, manifest.json,
                                               key_figures.md, key_figures.json, charts/<topic>.png
    <data_dir>/releases/<edition>/latest.json  {"edition", "version", "path"}

Names starting with "." (the lock, `.tmp-*` work folders of killed runs) are never versions.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import pipeline
from pipeline.datasets import validate_dataset_code
from pipeline.durable import exclusive_lock, fsync_dir, write_synced
from pipeline.errors import ReleaseError
from pipeline.indicators import INDICATOR_COLUMNS, RANKING_COLUMNS

REVISION_COLUMNS = (
    "indicator_id", "geo", "time_period", "old_value", "old_obs_status", "old_conf_status", "new_value",
    "new_obs_status", "new_conf_status", "compared_with",
)
INPUT_FIELDS = ("url", "retrieved_at", "eurostat_last_update", "sha256", "bytes", "rows")
SOURCES = {"eurostat": "Eurostat figures", "sample": "synthetic sample data, not Eurostat figures"}

LATEST = "latest.json"
LOCK = ".lock"
TMP_PREFIX = ".tmp-"
VERSION_PATTERN = re.compile(r"\d{8}T\d{6}Z-[0-9a-f]{8}")
_CODE_COLUMNS = ("indicator_id", "topic", "dataset", "geo", "obs_status", "conf_status", "unit")
_INT_COLUMNS = {"time_period": "int64", "prev_time_period": "Int64", "reference_period": "Int64", "rank": "Int64", "n_ranked": "Int64"}
_FLOAT_COLUMNS = ("value", "eu_value", "diff_eu", "prev_value", "change")
# Float noise below this is not a revision (Eurostat publishes at most a few decimals).
_REVISION_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Presentation:
    """What the key figures and charts show: headline ids, each indicator's period, topic titles in order."""

    headline_ids: tuple[str, ...]
    reporting_periods: Mapping[str, int] = field(hash=False)
    topics: Mapping[str, Mapping[str, str]] = field(hash=False)


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
        pointer = json.loads((folder / LATEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (ValueError, OSError) as exc:
        raise ReleaseError(f"{folder / LATEST} cannot be read: {exc}") from None
    return pointer


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


def _typed(table: pd.DataFrame, columns: tuple[str, ...], name: str) -> pd.DataFrame:
    """The contract columns in contract order and dtypes; extra columns are not part of a release."""
    if not isinstance(table, pd.DataFrame):
        raise ReleaseError(f"{name}: expected a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ReleaseError(f"{name}: missing column(s) {missing}; the release contract needs {list(columns)}")
    out = table.loc[:, list(columns)].reset_index(drop=True).copy()
    for col in columns:
        try:
            if col in _INT_COLUMNS:
                out[col] = pd.to_numeric(out[col]).astype(_INT_COLUMNS[col])
            elif col in _FLOAT_COLUMNS:
                out[col] = pd.to_numeric(out[col]).astype("float64")
            elif col == "is_focus":
                out[col] = out[col].astype(bool)
            else:
                text = out[col].astype("object").where(out[col].notna(), None)
                text = text.map(lambda v: None if v is None or str(v) == "" else str(v))
                out[col] = text.astype("category") if col in _CODE_COLUMNS else text.astype("string")
        except (TypeError, ValueError) as exc:
            bad = out[col][pd.to_numeric(out[col], errors="coerce").isna() & out[col].notna()]
            where = f" (row {bad.index[0]}: {bad.iloc[0]!r})" if len(bad) else ""
            target = _INT_COLUMNS.get(col) or ("float64" if col in _FLOAT_COLUMNS else "bool" if col == "is_focus" else "text")
            raise ReleaseError(f"{name}: column {col!r} cannot be stored as {target}{where}: {exc}") from None
    return out


def _provenance(inputs: Any, observations: Mapping[str, pd.DataFrame]) -> dict[str, dict]:
    """Per input dataset {url, retrieved_at, eurostat_last_update, sha256, bytes, rows, source}, sorted."""
    if isinstance(inputs, pd.DataFrame):
        records = inputs.to_dict("records")
    elif isinstance(inputs, Mapping):
        records = [{"dataset": code, **dict(info)} for code, info in inputs.items()]
    else:
        records = [dict(r) for r in inputs]
    out = {}
    for record in records:
        code = validate_dataset_code(str(record.get("dataset")))
        if "rows" not in record and code in observations:
            record["rows"] = len(observations[code])  # snapshots know bytes, not rows
        missing = [f for f in INPUT_FIELDS if f not in record]
        if missing:
            raise ReleaseError(f"inputs: dataset {code}: missing field(s) {missing}")
        out[code] = {f: _plain(record[f]) for f in INPUT_FIELDS} | {"source": _plain(record.get("source"))}
    without = sorted(set(observations) - set(out))
    if without:
        raise ReleaseError(f"inputs: no provenance for dataset(s) {without} whose observations are released")
    return dict(sorted(out.items()))


def _presentation(presentation: Any) -> Presentation:
    if isinstance(presentation, Presentation):
        return presentation
    get = presentation.get if isinstance(presentation, Mapping) else lambda k, d=None: getattr(presentation, k, d)
    headline = get("headline_ids", None) or get("headline", None) or ()
    periods = get("reporting_periods", None) or get("reporting_period", None)
    topics = get("topics", None)
    if periods is None or topics is None:
        raise ReleaseError("presentation needs 'headline_ids', 'reporting_periods' and 'topics'")
    return Presentation(tuple(headline), {str(k): int(v) for k, v in periods.items()},
                        {str(k): dict(v) for k, v in topics.items()})


# ---------------------------------------------------------------------------------------- process


def _plain(x: Any) -> Any:
    """JSON-ready Python value (numpy scalars, timestamps, NA)."""
    if x is None or x is pd.NA or x is pd.NaT:
        return None
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (np.floating, float)):
        return None if np.isnan(x) else float(x)
    if isinstance(x, (datetime, date, pd.Timestamp)):
        return x.isoformat()
    if isinstance(x, Path):
        return str(x)
    return x


def _lexical_codes(s: pd.Series) -> tuple[list[str], np.ndarray]:
    """A categorical as (categories sorted as text, codes into them; -1 = NA): independent of category order."""
    categories = [str(c) for c in s.cat.categories]
    ordered = sorted(categories)
    position = {c: i for i, c in enumerate(ordered)}
    lookup = np.array([position[c] for c in categories] + [-1], dtype="int64")
    return ordered, lookup[s.cat.codes.to_numpy()]  # code -1 picks the trailing -1


def _sort_key(s: pd.Series) -> pd.Series:
    if isinstance(s.dtype, pd.CategoricalDtype):
        return pd.Series(_lexical_codes(s)[1], index=s.index)
    if pd.api.types.is_numeric_dtype(s.dtype) and not pd.api.types.is_bool_dtype(s.dtype):
        return s
    return s.astype("string").fillna("\0")


def _column_bytes(s: pd.Series) -> bytes:
    """A stable serialisation of one column's values (not of any file format)."""
    if pd.api.types.is_float_dtype(s.dtype):
        values = s.to_numpy(dtype="float64", na_value=np.nan) + 0.0  # -0.0 and 0.0 alike
        values[np.isnan(values)] = np.nan  # one NaN bit pattern
        return b"f" + values.astype("<f8").tobytes()
    if isinstance(s.dtype, pd.CategoricalDtype):
        ordered, codes = _lexical_codes(s)
        return b"c" + json.dumps(ordered).encode() + codes.astype("<i8").tobytes()
    if pd.api.types.is_integer_dtype(s.dtype):
        missing = s.isna().to_numpy()
        return b"i" + missing.tobytes() + s.fillna(0).to_numpy(dtype="int64").astype("<i8").tobytes()
    return b"s" + "\x1f".join("\x00" if pd.isna(v) else str(v) for v in s.tolist()).encode()


def _frame_digest(df: pd.DataFrame, sort_by: list[str]) -> str:
    """Hash of a table's data, independent of row order, category order and file bytes."""
    # The other columns break ties, so duplicate keys cannot make the order (and the hash) depend on input order.
    order = list(sort_by) + [c for c in df.columns if c not in sort_by]
    keyed = df.sort_values(order, key=_sort_key, kind="mergesort")
    h = hashlib.sha256(json.dumps(list(keyed.columns)).encode())
    for col in keyed.columns:
        h.update(col.encode() + b"=" + _column_bytes(keyed[col]))
    return h.hexdigest()


def content_hash(
    *, indicators: pd.DataFrame, rankings: pd.DataFrame, observations: Mapping[str, pd.DataFrame],
    provenance: Mapping[str, Mapping], focus_geo: str, catalogue_hash: str, presentation: Presentation,
    source: str, edition: int,
) -> str:
    """The identity of a release's figures: same data -> same hash, whenever and however it was computed."""
    parts = {
        "edition": edition,
        "pipeline_version": pipeline.__version__,
        "focus_geo": focus_geo,
        "catalogue_hash": catalogue_hash,
        "source": source,
        "inputs": {code: info["sha256"] for code, info in provenance.items()},
        "presentation": [list(presentation.headline_ids), dict(sorted(presentation.reporting_periods.items())),
                         {k: dict(sorted(v.items())) for k, v in presentation.topics.items()}],
        "indicators": _frame_digest(indicators, ["indicator_id", "time_period", "geo"]),
        "rankings": _frame_digest(rankings, ["indicator_id", "time_period", "geo"]),
        "observations": {
            code: _frame_digest(df, [c for c in df.columns if c not in ("value", "obs_status", "conf_status")])
            for code, df in sorted(observations.items())
        },
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def vintage_note(edition: int, provenance: Mapping[str, Mapping]) -> str | None:
    """A note when an edition is built from data retrieved after its publication year (a past edition)."""
    retrieved = sorted(str(info.get("retrieved_at") or "")[:10] for info in provenance.values())
    retrieved = [day for day in retrieved if day]
    if not retrieved or int(retrieved[-1][:4]) <= edition:
        return None
    updates = sorted(str(info.get("eurostat_last_update") or "")[:10] for info in provenance.values())
    updates = [day for day in updates if day]
    span = f"{updates[0]} to {updates[-1]}" if updates and updates[0] != updates[-1] else (updates or ["unknown"])[0]
    # Eurostat keeps no vintages: a past edition can only be rebuilt from the data it serves today.
    return (f"past edition: edition {edition} built from the data Eurostat served on {retrieved[-1]} "
            f"(last updates {span}), not the data of {edition}; figures include Eurostat's revisions since")


def _figures(indicators: pd.DataFrame, rankings: pd.DataFrame) -> pd.DataFrame:
    """Every member's figure (rankings) plus the focus rows (indicators: also values that are withheld)."""
    cols = ["indicator_id", "geo", "time_period", "value", "obs_status", "conf_status"]
    both = pd.concat([indicators[cols].astype("object"), rankings[cols].astype("object")], ignore_index=True)
    both = both.drop_duplicates(["indicator_id", "geo", "time_period"], keep="first")
    for col in ("indicator_id", "geo", "obs_status", "conf_status"):
        both[col] = both[col].map(lambda v: None if v is None or pd.isna(v) or str(v) == "" else str(v))
    both["time_period"] = both["time_period"].astype("int64")
    both["value"] = pd.to_numeric(both["value"]).astype("float64")
    return both


def _compare(old: pd.DataFrame, new: pd.DataFrame, compared_with: str) -> pd.DataFrame:
    """Rows whose value or flags changed, for the indicator periods both releases cover."""
    keys = ["indicator_id", "geo", "time_period"]
    covered = old[["indicator_id", "time_period"]].drop_duplicates().merge(
        new[["indicator_id", "time_period"]].drop_duplicates())
    both = old.merge(covered).merge(new.merge(covered), on=keys, how="outer", suffixes=("_old", "_new"))
    same_value = (both["value_old"].isna() & both["value_new"].isna()) | (
        (both["value_old"] - both["value_new"]).abs() <= _REVISION_TOLERANCE)
    same_flags = [
        both[f"{c}_old"].fillna("\0") == both[f"{c}_new"].fillna("\0") for c in ("obs_status", "conf_status")
    ]
    changed = both[~(same_value & same_flags[0] & same_flags[1])]
    return pd.DataFrame({
        "indicator_id": changed["indicator_id"], "geo": changed["geo"], "time_period": changed["time_period"],
        "old_value": changed["value_old"], "old_obs_status": changed["obs_status_old"],
        "old_conf_status": changed["conf_status_old"], "new_value": changed["value_new"],
        "new_obs_status": changed["obs_status_new"], "new_conf_status": changed["conf_status_new"],
        "compared_with": compared_with,
    })


def _revisions(folder: Path, edition: int, figures: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Against the edition's latest version, and the previous edition's latest for the periods both cover."""
    compared, found = [], []
    for ed in (edition, edition - 1):
        ed_folder = folder.parent / str(ed)
        pointer = _read_pointer(ed_folder) if ed_folder.is_dir() else None
        if pointer is None:
            continue
        path = _version_path(ed_folder, pointer)
        old = _figures(pd.read_parquet(path / "indicators.parquet"), pd.read_parquet(path / "rankings.parquet"))
        compared.append(f"{ed}/{path.name}")
        found.append(_compare(old, figures, compared[-1]))
    table = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=list(REVISION_COLUMNS))
    table = table.sort_values(["compared_with", "indicator_id", "time_period", "geo"], kind="mergesort")
    table = table.reset_index(drop=True).astype({
        "indicator_id": "string", "geo": "string", "time_period": "int64", "old_value": "float64",
        "old_obs_status": "string", "old_conf_status": "string", "new_value": "float64",
        "new_obs_status": "string", "new_conf_status": "string", "compared_with": "string",
    })
    summary = {
        "count": len(table),
        "by_indicator": {str(k): int(v) for k, v in table.groupby("indicator_id").size().sort_index().items()},
        "compared_with": compared,
    }
    return table, summary


# ------------------------------------------------------------------------------------------- save


def _save(root: Path, relative: str, data: bytes, rows: int | None = None) -> dict:
    """Write and fsync one file of a version; returns its manifest entry."""
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    write_synced(path, data, exclusive=True)
    entry = {"path": relative, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    if rows is not None:
        entry["rows"] = rows
    return entry


def _parquet(df: pd.DataFrame, metadata: Mapping[str, str]) -> bytes:
    """zstd, dictionary-encoded code columns, and key-value metadata so the file alone says what it is."""
    table = pa.Table.from_pandas(df, preserve_index=False)
    kv = dict(table.schema.metadata or {})
    kv.update({k.encode(): str(v).encode() for k, v in metadata.items() if v is not None})
    table = table.replace_schema_metadata(kv)
    codes = [f.name for f in table.schema if pa.types.is_dictionary(f.type) or pa.types.is_string(f.type)
             or pa.types.is_large_string(f.type)]
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd", use_dictionary=codes)
    return sink.getvalue()


def _records(table: pd.DataFrame | None) -> list[dict]:
    if table is None:
        return []
    return [{k: _plain(v) for k, v in row.items()} for row in table.to_dict("records")]


def _json_bytes(obj: Any) -> bytes:
    # allow_nan=False: a NaN would make the file invalid JSON; figures that are not available are null.
    return (json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False, default=_plain) + "\n").encode("utf-8")


def _make_writable(path: Path) -> None:
    for root, dirs, files in os.walk(path):
        os.chmod(root, 0o755)
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o755)


def _remove_leftovers(folder: Path) -> list[str]:
    """Delete `.tmp-*` work folders and files of killed runs (only a lock holder ever creates them)."""
    removed = []
    for path in folder.glob(f"{TMP_PREFIX}*"):
        if path.is_dir() and not path.is_symlink():
            _make_writable(path)
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
        removed.append(path.name)
    return removed


def _seal(root: Path) -> None:
    """Read-only files and folders: a published version is never modified."""
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        for name in filenames:
            os.chmod(os.path.join(dirpath, name), 0o444)
        for name in dirnames:
            fsync_dir(Path(dirpath, name))
            os.chmod(os.path.join(dirpath, name), 0o555)
    fsync_dir(root)
    os.chmod(root, 0o555)


def _point_latest(folder: Path, edition: int, version: str) -> None:
    """Replace latest.json atomically: a reader sees the old pointer or the new one, never half of one."""
    tmp = folder / f"{TMP_PREFIX}latest-{uuid.uuid4().hex}.json"
    _save(folder, tmp.name, _json_bytes({"edition": edition, "version": version, "path": version}))
    os.replace(tmp, folder / LATEST)
    fsync_dir(folder)


@contextmanager
def _edition_lock(folder: Path, timeout: float) -> Iterator[None]:
    """Exclusive flock on `<edition>/.lock`; waits up to `timeout` seconds, then refuses."""
    try:
        with exclusive_lock(folder / LOCK, timeout):
            yield
    except TimeoutError:
        raise ReleaseError(
            f"edition {folder.name}: another publish has held {folder / LOCK} for over {timeout:g} s; "
            "nothing was published, the previous release is untouched"
        ) from None


def _version_id(folder: Path, created: datetime, digest: str) -> str:
    """`20261130T231500Z-3f9a1c2b`: sorts by time; a clash within one second moves to the next free second."""
    stamp = created.astimezone(timezone.utc)
    while True:
        version = f"{stamp:%Y%m%dT%H%M%SZ}-{digest[:8]}"
        if not (folder / version).exists():
            return version
        stamp += timedelta(seconds=1)


def _write_version(tmp: Path, meta: dict, tables: dict, observations: dict, revisions: pd.DataFrame,
                   key_figures: tuple[str, dict], charts: dict[str, bytes]) -> list[dict]:
    """Every file of a version into the work folder; returns the manifest's file list."""
    files = [
        _save(tmp, "indicators.parquet", _parquet(tables["indicators"], meta | {"table": "indicators"}),
              rows=len(tables["indicators"])),
        _save(tmp, "rankings.parquet", _parquet(tables["rankings"], meta | {"table": "rankings"}),
              rows=len(tables["rankings"])),
        _save(tmp, "revisions.parquet", _parquet(revisions, meta | {"table": "revisions"}), rows=len(revisions)),
    ]
    for code, df in sorted(observations.items()):
        attrs = {k: _plain(v) for k, v in df.attrs.items()}
        extra = {"table": "observations", "dataset": code, "format": attrs.get("format"),
                 "eurostat_last_update": attrs.get("eurostat_last_update"),
                 # pandas.read_parquet restores df.attrs from this key
                 "PANDAS_ATTRS": json.dumps(attrs, default=str)}
        files.append(_save(tmp, f"observations/{code}.parquet", _parquet(df, meta | extra), rows=len(df)))
    markdown, data = key_figures
    files.append(_save(tmp, "key_figures.md", markdown.encode("utf-8")))
    files.append(_save(tmp, "key_figures.json", _json_bytes(data)))
    for name, png in sorted(charts.items()):
        files.append(_save(tmp, f"charts/{name}", png))
    return sorted(files, key=lambda f: f["path"])


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
    presentation: Presentation | Mapping[str, Any],
    source: str,
    coverage: pd.DataFrame | None = None,
    missing: pd.DataFrame | None = None,
    now: datetime | None = None,
    lock_timeout: float = 60.0,
) -> PublishResult:
    """Publish an edition's figures as a new immutable version, unless the latest version has the same data."""
    # Imported here: report builds that only call read_latest should not pay for matplotlib.
    from pipeline.charts import render_topic_charts
    from pipeline.key_figures import render_key_figures

    # load
    edition = _edition(edition)
    if source not in SOURCES:
        raise ReleaseError(f"source must be one of {sorted(SOURCES)}, not {source!r}")
    tables = {
        "indicators": _typed(indicators, INDICATOR_COLUMNS, "indicators"),
        "rankings": _typed(rankings, RANKING_COLUMNS, "rankings"),
    }
    observations = {validate_dataset_code(code): df for code, df in observations.items()}
    provenance = _provenance(inputs, observations)
    shown = _presentation(presentation)
    digest = content_hash(
        indicators=tables["indicators"], rankings=tables["rankings"], observations=observations,
        provenance=provenance, focus_geo=focus_geo, catalogue_hash=catalogue_hash, presentation=shown,
        source=source, edition=edition,
    )
    folder = edition_dir(data_dir, edition)
    folder.mkdir(parents=True, exist_ok=True)

    with _edition_lock(folder, lock_timeout):
        _remove_leftovers(folder)
        latest = _latest_manifest(folder)
        if latest is not None and latest[1].get("content_hash") == digest:
            version, manifest = latest
            return PublishResult(edition, version, folder / version, False,
                                 f"unchanged: release {version} already has these figures",
                                 manifest.get("revisions", {}), manifest)
        unpointed = _unpointed_newest(folder, latest)
        if unpointed is not None and unpointed[1].get("content_hash") == digest:
            # A run stopped between the rename and latest.json: finish its publish, add no duplicate.
            version, manifest = unpointed
            _point_latest(folder, edition, version)
            return PublishResult(edition, version, folder / version, True,
                                 f"published release {edition}/{version} (completed: latest.json now points to it)",
                                 manifest.get("revisions", {}), manifest)

        # process
        created = now or datetime.now(timezone.utc)
        created = (created.replace(tzinfo=timezone.utc) if created.tzinfo is None else created).astimezone(timezone.utc)
        version = _version_id(folder, created, digest)
        revisions, summary = _revisions(folder, edition, _figures(tables["indicators"], tables["rankings"]))
        sources = {code: info | ({"source": "sample"} if source == "sample" else {})
                   for code, info in provenance.items()}
        key_figures = render_key_figures(
            tables["indicators"], edition=edition, focus_geo=focus_geo, headline_ids=shown.headline_ids,
            reporting_periods=shown.reporting_periods, is_sample=source == "sample",
        )
        charts = render_topic_charts(
            tables["indicators"], tables["rankings"], topics=shown.topics, headline_ids=shown.headline_ids,
            focus_geo=focus_geo, edition=edition, sources=sources, reporting_periods=shown.reporting_periods,
        )
        meta = {"edition": edition, "version": version, "pipeline_version": pipeline.__version__,
                "catalogue_hash": catalogue_hash, "focus_geo": focus_geo, "source": source}

        # save: everything into a work folder, then one rename makes the version visible
        tmp = folder / f"{TMP_PREFIX}{uuid.uuid4().hex}"
        tmp.mkdir()
        try:
            files = _write_version(tmp, meta, tables, observations, revisions, key_figures, charts)
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
                "files": files,
                "revisions": summary,
                "note": vintage_note(edition, provenance),
                # Per catalogue entry and code version: the periods Eurostat served (contract addition).
                "coverage": _records(coverage),
                # Figures of the edition without a value, with the reason (not blocking ones).
                "missing_figures": _records(missing),
            }
            _save(tmp, "manifest.json", _json_bytes(manifest))
            _seal(tmp)
            os.rename(tmp, folder / version)
        except BaseException as err:
            _make_writable(tmp)
            shutil.rmtree(tmp, ignore_errors=True)
            if isinstance(err, OSError):
                raise ReleaseError(f"edition {edition}: could not write release {version} ({err}); "
                                   "nothing was published, the previous release is untouched") from err
            raise
        try:
            fsync_dir(folder)
            _point_latest(folder, edition, version)
        except OSError as err:
            raise ReleaseError(f"edition {edition}: release {version} is complete but latest.json could not be "
                               f"updated ({err}); latest.json still names the previous release, and a re-run "
                               "points it to this one") from err

    message = f"published release {edition}/{version} ({summary['count']} revision(s))"
    return PublishResult(edition, version, folder / version, True, message, summary, manifest)
