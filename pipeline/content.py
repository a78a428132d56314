"""What a release holds, as content: stable digests of its tables, its Parquet and JSON bytes, its provenance note.

"No false revisions": the same figures hash the same, whatever the row order, category order or
file bytes, so a re-run on identical inputs is recognised and publishes nothing new.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import pipeline


def plain(x: Any) -> Any:
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
    labels: pd.DataFrame | None = None, renditions: Mapping | None = None,
    provenance: Mapping[str, Mapping], catalogue_hash: str, presentation, source: str, edition: int,
) -> str:
    """The identity of a release's figures: same data -> same hash, whenever and however it was computed,
    and whatever FOCUS_GEO says (a release serves all 27 members alike)."""
    parts = {
        "edition": edition,
        "pipeline_version": pipeline.__version__,
        "catalogue_hash": catalogue_hash,
        "source": source,
        "inputs": {code: info["sha256"] for code, info in provenance.items()},
        "presentation": [list(presentation.headline_ids), dict(sorted(presentation.reporting_periods.items())),
                         {k: dict(sorted(v.items())) for k, v in presentation.topics.items()}],
        "indicators": _frame_digest(indicators, ["indicator_id", "time_period", "geo"]),
        "rankings": _frame_digest(rankings, ["indicator_id", "time_period", "geo"]),
        # Only when labels are released: a release without them keeps the hash it always had.
        **({"labels": _frame_digest(labels, ["codelist", "code", "lang"])} if labels is not None else {}),
        **({"renditions": dict(renditions)} if renditions else {}),
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


def parquet_bytes(df: pd.DataFrame, metadata: Mapping[str, str]) -> bytes:
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


def records(table: pd.DataFrame | None) -> list[dict]:
    if table is None:
        return []
    return [{k: plain(v) for k, v in row.items()} for row in table.to_dict("records")]
