"""Read Eurostat data files (SDMX-CSV 1.0, SDMX-CSV 2.0, TSV) into the observation table.

This module is the entry point: the bytes in (gzip or not, capped), the format recognised from
the header line, the frame out. Each format has its own module (sdmx_csv.py, tsv.py);
read_errors.py points at the line and column of what pyarrow refused.
"""

from __future__ import annotations

import re
from os import PathLike
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from pipeline import compression
from pipeline.datasets import validate_dataset_code
from pipeline.errors import InvalidDatasetCode, ParseError
from pipeline.eurostat.header import _header, _not_eurostat
# parse_last_update stays importable from here, where callers found it before the reader was split.
from pipeline.eurostat.sdmx_csv import _read_sdmx_csv, parse_last_update  # noqa: F401
from pipeline.eurostat.tsv import _read_tsv

__all__ = ["read_observations", "DEFAULT_MAX_BYTES"]

DEFAULT_MAX_BYTES = 2 * 1024**3

_BOM = b"\xef\xbb\xbf"
_FILE_NAME = re.compile(r"^(?:estat_)?([a-z0-9_]+)\.(?:sdmx\.)?(?:tsv|csv)(?:\.gz)?$", re.IGNORECASE)


def read_observations(
    data: bytes | str | PathLike,
    dataset: str | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> pd.DataFrame:
    """Read one Eurostat data file into a tidy table, one row per observation.

    ``data`` is the file's bytes or a path to it, gzip-compressed or not (recognised by its
    magic bytes). The format is recognised from the header line, never from a file name:

    - SDMX-CSV 1.0, what the API serves for ``format=SDMX-CSV``
      (``DATAFLOW,LAST UPDATE,<dimensions>,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS``;
      ``OBS_STATUS`` instead of ``OBS_FLAG`` and a missing ``CONF_STATUS`` are accepted);
    - SDMX-CSV 2.0, with or without the label columns the data browser adds;
    - TSV, one series a line, both the current layout (``freq,...,geo\\TIME_PERIOD``) and the
      old bulk-download layout (``...,geo\\time``).

    The result has the columns ``dataset``, one per dimension in the file's order (lower-case,
    categorical), ``time_period`` (int64 when every period is a year, else str such as
    ``2024-Q1``), ``value`` (float64; NaN for ``:`` and empty cells, never 0),
    ``obs_status`` (every flag letter kept together and verbatim, e.g. ``b``, ``bu``, ``n`` of
    ``0 n``; NA when unflagged) and ``conf_status`` (``C``, ``N``, ``P`` or NA).

    Choices worth knowing:

    - Old vintages and TSV files write confidentiality as a lower-case ``c`` among the flags
      (``: c``). It becomes ``conf_status`` ``C`` and is removed from ``obs_status``.
    - TSV series whose cells are all ``:`` are kept (value NaN): Eurostat served them as
      "not available", which is a fact about the data, not an absence of data.
    - A file with a header and no rows gives an empty table with the right columns; the
      observation schema, not the reader, decides that an empty dataset is unacceptable.

    ``dataset`` (a lower-case Eurostat code) overrides the code found in the file; a TSV
    carries none, so it is then taken from a path's name (``estat_<code>.tsv``,
    ``<code>.tsv.gz``). ``df.attrs`` holds ``dataset``, ``format`` (``sdmx-csv-1.0``,
    ``sdmx-csv-2.0`` or ``tsv``) and ``eurostat_last_update`` (ISO 8601, Brussels time, from
    SDMX-CSV 1.0's ``LAST UPDATE`` column; the latest if several; None when absent).

    Anything else (HTML, JSON, a malformed row, a non-numeric value, non-UTF-8 bytes, an empty
    file, a truncated gzip, more than ``max_bytes`` once decompressed) raises
    ``pipeline.errors.ParseError`` naming the dataset, the file line and the column when known.

    Example::

        df = read_observations("estat_tin00074.tsv")
        df[(df.geo == "BE") & (df.nace_r2 == "ICT")][["time_period", "value", "obs_status"]]
    """
    if dataset is not None:
        validate_dataset_code(dataset)
    named = dataset or _code_from_file_name(data)
    body = _without_bom(_load(data, max_bytes, named))
    header = _header(body, named)
    if header.fields[0] == "DATAFLOW" or header.fields[:2] == ["STRUCTURE", "STRUCTURE_ID"]:
        table, fmt, found, last_update = _read_sdmx_csv(body, header, named)
    elif header.delimiter == "\t" and "\\" in header.fields[0]:
        table, fmt, found, last_update = _read_tsv(body, header, named)
    else:
        raise ParseError(_not_eurostat(header.text), dataset=named, line=1)
    code = dataset or found or named
    if code is None:
        raise ParseError(
            "the file does not say which dataset it holds; pass dataset='<code>' to read_observations",
            line=1,
        )
    return _to_frame(table, code, fmt, last_update)


# ---------------------------------------------------------------- bytes in


def _load(data, max_bytes: int, dataset: str | None) -> pa.Buffer:
    """Bytes of the file, decompressed when gzip, never more than max_bytes."""
    if isinstance(data, (str, PathLike)):
        path = Path(data)
        try:
            with path.open("rb") as stream:
                if compression.is_gzip(stream.read(2)):
                    stream.seek(0)
                    return _gunzip(stream, max_bytes, dataset)
                if path.stat().st_size > max_bytes:
                    raise _too_big(max_bytes, dataset)
                stream.seek(0)
                return pa.py_buffer(stream.read())
        except OSError as error:
            raise ParseError(f"cannot read {path}: {error.strerror or error}", dataset=dataset) from error
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be bytes or a path, not {type(data).__name__}")
    if compression.is_gzip(data):
        return _gunzip(data, max_bytes, dataset)
    if len(data) > max_bytes:
        raise _too_big(max_bytes, dataset)
    return pa.py_buffer(data)


def _gunzip(source, max_bytes: int, dataset: str | None) -> pa.Buffer:
    """Decompress chunk by chunk (the shared capped inflater), so that a gzip bomb stops at max_bytes."""
    try:
        return pa.py_buffer(compression.decompress(source, limit=max_bytes))
    except compression.DecompressionError as error:
        if error.kind == "too_big":
            raise _too_big(max_bytes, dataset) from None
        raise ParseError(
            f"gzip data is truncated or corrupt ({error}) after {error.produced} decompressed bytes",
            dataset=dataset,
        ) from error


def _too_big(max_bytes: int, dataset: str | None) -> ParseError:
    return ParseError(f"data is larger than max_bytes={max_bytes} once decompressed", dataset=dataset)


def _without_bom(raw: pa.Buffer) -> pa.Buffer:
    return raw.slice(3) if raw.size >= 3 and raw.slice(0, 3).to_pybytes() == _BOM else raw


def _code_from_file_name(data) -> str | None:
    if not isinstance(data, (str, PathLike)):
        return None
    match = _FILE_NAME.match(Path(data).name)
    if not match:
        return None
    try:
        return validate_dataset_code(match.group(1).lower())
    except InvalidDatasetCode:
        return None


def _confidentiality_from_flags(frame: pd.DataFrame) -> None:
    """Move the legacy lower-case 'c' (confidential) from obs_status to conf_status 'C'.

    Works on the categories (a handful of flag combinations) and numpy codes, not row by row.
    A 'c' is moved only where conf_status is empty: a stated CONF_STATUS wins.
    """
    obs, conf = frame["obs_status"].cat, frame["conf_status"].cat
    categories = list(obs.categories)
    if not any("c" in flag for flag in categories):
        return
    stripped = [flag.replace("c", "") for flag in categories]
    new_categories = list(dict.fromkeys(categories + [flag for flag in stripped if flag]))
    to_stripped = np.array([new_categories.index(flag) if flag else -1 for flag in stripped] + [-1])
    has_c = np.array(["c" in flag for flag in categories] + [False])
    codes = obs.codes.to_numpy()  # -1 for NA indexes the appended last entry
    moved = has_c[codes] & (conf.codes.to_numpy() == -1)
    frame["obs_status"] = _used_categories(np.where(moved, to_stripped[codes], codes), new_categories)
    conf_categories = list(conf.categories) + ([] if "C" in conf.categories else ["C"])
    frame["conf_status"] = _used_categories(
        np.where(moved, conf_categories.index("C"), conf.codes.to_numpy()), conf_categories
    )


def _used_categories(codes: np.ndarray, categories: list[str]) -> pd.Categorical:
    """A categorical keeping only the categories in use (bincount, cheaper than pandas' unique)."""
    used = np.bincount(codes[codes >= 0], minlength=len(categories)) > 0
    renumber = np.append(np.cumsum(used) - 1, -1)  # -1 (NA) indexes the appended last entry
    kept = pd.Index([category for category, keep in zip(categories, used) if keep], dtype=object)
    return pd.Categorical.from_codes(renumber[codes], categories=kept)


def _to_frame(table: pa.Table, code: str, fmt: str, last_update: str | None) -> pd.DataFrame:
    """The observation table: dataset first, categoricals for every code column."""
    dataset = pa.DictionaryArray.from_arrays(
        pa.array(np.zeros(table.num_rows, dtype=np.int32)), pa.array([code], pa.string())
    )
    frame = table.add_column(0, "dataset", dataset).to_pandas()
    _confidentiality_from_flags(frame)
    # Categories must be str even when a column holds no value at all.
    for name in ("obs_status", "conf_status"):
        if frame[name].cat.categories.dtype != object:
            frame[name] = frame[name].cat.set_categories(frame[name].cat.categories.astype(object))
    frame.attrs = {"dataset": code, "format": fmt, "eurostat_last_update": last_update}
    return frame
