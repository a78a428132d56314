"""Read Eurostat data files (SDMX-CSV 1.0, SDMX-CSV 2.0, TSV) into the observation table."""

from __future__ import annotations

import csv
import re
from datetime import datetime
from os import PathLike
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipeline import compression
from pipeline.datasets import validate_dataset_code
from pipeline.errors import InvalidDatasetCode, ParseError

__all__ = ["read_observations", "DEFAULT_MAX_BYTES"]

DEFAULT_MAX_BYTES = 2 * 1024**3

_BOM = b"\xef\xbb\xbf"
_MAX_HEADER = 1 << 16
_CATEGORY = pa.dictionary(pa.int32(), pa.string())
_RESERVED = frozenset({"dataset", "time_period", "value", "obs_status", "conf_status"})
# SDMX-CSV columns after the dimensions, by the name Eurostat gives them.
_MEASURES = {
    "TIME_PERIOD": "time_period",
    "OBS_VALUE": "value",
    "OBS_FLAG": "obs_status",
    "OBS_STATUS": "obs_status",
    "CONF_STATUS": "conf_status",
}
_DIMENSION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# ESTAT:ISOC_EB_AI(1.0) and ESTAT:ISOC_E_DII$DEFAULTVIEW(1.0)
_DATAFLOW = re.compile(r"^[A-Za-z0-9_.]+:([A-Za-z0-9_]+)(?:\$[A-Za-z0-9_]+)?\([^()]*\)$")
_FILE_NAME = re.compile(r"^(?:estat_)?([a-z0-9_]+)\.(?:sdmx\.)?(?:tsv|csv)(?:\.gz)?$", re.IGNORECASE)
_LAST_UPDATE_FORMATS = ("%d/%m/%y %H:%M:%S", "%d/%m/%Y %H:%M:%S")
# A TSV cell: a number or ':' then optional flag letters, or nothing; trailing spaces allowed.
_TSV_CELL = r"^(?:(?P<value>:|[-+]?(?:\d+(?:\.\d*)?|\.\d+)) *(?P<flags>[A-Za-z]*) *| *)$"
# What pyarrow's float parser accepts, to point at the cell it refused.
_FLOAT = r"^ *[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|nan|NaN|inf|Inf|infinity|Infinity) *$"
_YEAR = r"^\d{4}$"
_CODE = re.compile(r"[a-z0-9_]+")
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


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


class _Header(NamedTuple):
    """The first line: its text, delimiter and fields (stripped for TSV)."""

    text: str
    delimiter: str
    fields: list[str]


def _header(body: pa.Buffer, dataset: str | None) -> _Header:
    head = memoryview(body)[:_MAX_HEADER].tobytes()
    if not head.strip() and not memoryview(body).tobytes().strip():
        raise ParseError("the file is empty", dataset=dataset, line=1)
    end = head.find(b"\n")
    line = head[: end if end >= 0 else len(head)]
    try:
        text = line.decode("utf-8").rstrip("\r")
    except UnicodeDecodeError as error:
        raise ParseError(
            f"header is not UTF-8 text (byte {error.start}): {_not_eurostat(line.decode('latin-1'))}",
            dataset=dataset,
            line=1,
        ) from None
    if "\t" in text:
        # TSV: no quoting, and header cells carry trailing spaces ("2015 ").
        return _Header(text, "\t", [field.strip() for field in text.split("\t")])
    try:
        # An empty first line parses to no field at all; keep one empty field so checks can name it.
        return _Header(text, ",", next(csv.reader([text]), None) or [""])
    except csv.Error as error:  # e.g. a lone carriage return: a file with old Mac line ends
        raise ParseError(f"header line is not CSV ({error}): {text[:80]!r}", dataset=dataset, line=1) from None


def _not_eurostat(header: str) -> str:
    kind = {"<": "HTML or XML (an error page or an asynchronous-delivery notice?)", "{": "JSON"}.get(
        header.lstrip()[:1], "not SDMX-CSV or TSV"
    )
    return f"not a Eurostat SDMX-CSV or TSV file: the content is {kind}; it starts with {header[:80]!r}"


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


# ---------------------------------------------------------------- SDMX-CSV


def _read_sdmx_csv(body: pa.Buffer, header: _Header, dataset: str | None):
    """SDMX-CSV 1.0 or 2.0 (with or without labels), one observation a row."""
    fmt, roles = _sdmx_roles(header.fields, dataset)
    dataset = dataset or _peek_dataset(body, roles.index("dataflow"))
    names = [role or f"_label{i}" for i, role in enumerate(roles)]
    kept = [role for role in roles if role]
    types = {name: _CATEGORY for name in kept}
    types["value"] = pa.float64()
    read = pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=_block_size(body))
    parse = pacsv.ParseOptions(delimiter=",")
    convert = pacsv.ConvertOptions(
        column_types=types,
        include_columns=kept,
        null_values=["", ":"],
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )
    table = _read_csv(body, read, parse, convert, header, dataset)
    found = _dataset_from_dataflow(table.column("dataflow"), header.fields[roles.index("dataflow")], dataset)
    dataset = dataset or found
    last_update = (
        _last_update(table.column("last_update"), dataset) if "last_update" in kept else None
    )
    dimensions = [role for role in kept if role not in ("dataflow", "last_update") and role not in _RESERVED]
    missing = pa.nulls(table.num_rows, _CATEGORY)
    columns = {name: table.column(name) for name in dimensions}
    columns["time_period"] = _periods(table.column("time_period"), body, dataset)
    columns["value"] = table.column("value")
    columns["obs_status"] = table.column("obs_status") if "obs_status" in kept else missing
    columns["conf_status"] = table.column("conf_status") if "conf_status" in kept else missing
    return pa.table(columns), fmt, found, last_update


def _block_size(body: pa.Buffer) -> int:
    # Each block gets its own dictionaries, which pandas must unify: a few large blocks (still one
    # per thread and more) beat pyarrow's 1 MiB default by ~20% on a 40 MB file.
    return min(max(1 << 20, body.size // 8), 1 << 26)


def _peek_dataset(body: pa.Buffer, position: int) -> str | None:
    """The dataset named on the first data row, so that errors met while reading can name it."""
    head = memoryview(body)[: 2 * _MAX_HEADER].tobytes().decode("utf-8", errors="replace")
    lines = head.splitlines()
    rows = [line for line in lines[1:3] if line.strip()]
    fields = next(csv.reader(rows[:1]), [])
    match = _DATAFLOW.match(fields[position]) if len(fields) > position else None
    code = match.group(1).lower() if match else None
    return code if code and _CODE.fullmatch(code) else None


def _sdmx_roles(fields: list[str], dataset: str | None) -> tuple[str, list[str | None]]:
    """What each header column is: 'dataflow', 'last_update', a dimension, a measure, or None (skipped)."""
    if fields[0] == "DATAFLOW":
        fmt, roles, labelled = "sdmx-csv-1.0", ["dataflow"], False
        if fields[1:2] == ["LAST UPDATE"]:
            roles.append("last_update")
    else:
        fmt, roles = "sdmx-csv-2.0", [None, "dataflow"]
        # Data-browser files: STRUCTURE_NAME, and every code column followed by its label column.
        labelled = fields[2:3] == ["STRUCTURE_NAME"]
        if labelled:
            roles.append(None)
            if len(fields) % 2 == 0:
                raise ParseError(
                    "SDMX-CSV 2.0 with labels must pair every code column with a label column",
                    dataset=dataset,
                    line=1,
                )
    dimensions_started = False
    for name in fields[len(roles) :: 2 if labelled else 1]:
        if name == "ACTION" and not dimensions_started:
            role = None  # SDMX-CSV 2.0 says what to do with the row; a download is always 'I'
        elif name in _MEASURES:
            role = _MEASURES[name]
        elif "time_period" not in roles and _DIMENSION_NAME.fullmatch(name) and name.lower() not in _RESERVED:
            role = name.lower()
            dimensions_started = True
        else:
            raise ParseError(f"unexpected SDMX-CSV header column {name!r}", dataset=dataset, line=1, column=name)
        if role is not None and role in roles:
            raise ParseError(f"header column {name!r} appears twice", dataset=dataset, line=1, column=name)
        roles.append(role)
        if labelled:
            roles.append(None)
    for role, name in (("time_period", "TIME_PERIOD"), ("value", "OBS_VALUE")):
        if role not in roles:
            raise ParseError(f"SDMX-CSV header has no {name} column", dataset=dataset, line=1, column=name)
    return fmt, roles


def _dataset_from_dataflow(column: pa.ChunkedArray, header_name: str, dataset: str | None) -> str | None:
    values = [value for value in column.unique().to_pylist() if value is not None]
    codes = set()
    for value in values:
        match = _DATAFLOW.match(value)
        if not match:
            raise ParseError(
                f"{header_name} {value!r} is not a Eurostat dataflow reference like 'ESTAT:ISOC_EB_AI(1.0)'",
                dataset=dataset,
                column=header_name,
            )
        codes.add(match.group(1).lower())
    if len(codes) > 1:
        raise ParseError(
            f"the file mixes several datasets ({', '.join(sorted(codes))}); one file must hold one dataset",
            dataset=dataset,
            column=header_name,
        )
    if not codes:
        return None
    code = codes.pop()
    try:
        return validate_dataset_code(code)
    except InvalidDatasetCode as error:
        raise ParseError(str(error), dataset=dataset, column=header_name) from None


def parse_last_update(text: str) -> datetime | None:
    """Eurostat's `LAST UPDATE` cell (dd/mm/yy HH:MM:SS, Brussels time) as a datetime; None if it is not one."""
    for layout in _LAST_UPDATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), layout)
        except ValueError:
            continue
    return None


def _last_update(column: pa.ChunkedArray, dataset: str | None) -> str | None:
    """Latest LAST UPDATE as ISO 8601, without a zone."""
    stamps = []
    for value in column.unique().to_pylist():
        if value is None:
            continue
        stamp = parse_last_update(value)
        if stamp is None:
            raise ParseError(
                f"LAST UPDATE {value!r} is not dd/mm/yy HH:MM:SS", dataset=dataset, column="LAST UPDATE"
            )
        stamps.append(stamp)
    return max(stamps).isoformat() if stamps else None


def _periods(column: pa.ChunkedArray, body: pa.Buffer, dataset: str | None) -> pa.ChunkedArray:
    """TIME_PERIOD as int64 when every period is a year, else as strings."""
    if column.null_count:
        row = pc.index(pc.is_null(column), True).as_py()
        raise ParseError(
            "observation without a time period", dataset=dataset, line=_file_line(body, row + 2), column="TIME_PERIOD"
        )
    # Work on the dictionaries (a few dozen periods) rather than on every row.
    if all(pc.all(pc.match_substring_regex(chunk.dictionary, _YEAR), min_count=0).as_py() for chunk in column.chunks):
        return pa.chunked_array(
            [pc.take(pc.cast(chunk.dictionary, pa.int64()), chunk.indices) for chunk in column.chunks], pa.int64()
        )
    return pc.cast(column, pa.string())


# ---------------------------------------------------------------- TSV


def _read_tsv(body: pa.Buffer, header: _Header, dataset: str | None):
    """Eurostat's wide TSV: one series a line, one column per period, cells 'value flags'."""
    key, *periods = header.fields
    dims_text, _, time_word = key.rpartition("\\")
    if time_word.lower() not in ("time_period", "time"):
        raise ParseError(
            f"TSV header {key!r} does not end in '\\TIME_PERIOD' or '\\time'", dataset=dataset, line=1, column=key
        )
    dimensions = [name.strip().lower() for name in dims_text.split(",")]
    for name in dimensions:
        if not _DIMENSION_NAME.fullmatch(name) or name in _RESERVED:
            raise ParseError(f"unexpected TSV dimension name {name!r}", dataset=dataset, line=1, column=key)
    if len(set(dimensions)) != len(dimensions):
        raise ParseError(f"TSV header {key!r} names a dimension twice", dataset=dataset, line=1, column=key)
    if not periods or "" in periods or len(set(periods)) != len(periods):
        raise ParseError(
            "TSV header must list distinct, non-empty time periods after the series key",
            dataset=dataset,
            line=1,
        )
    names = ["key", *(f"p{j}" for j in range(len(periods)))]
    read = pacsv.ReadOptions(column_names=names, skip_rows=1)
    parse = pacsv.ParseOptions(delimiter="\t", quote_char=False)
    convert = pacsv.ConvertOptions(column_types={name: pa.string() for name in names}, strings_can_be_null=False)
    table = _read_csv(body, read, parse, convert, header, dataset)
    n_series, n_periods = table.num_rows, len(periods)

    parts = pc.split_pattern(table.column("key").combine_chunks(), ",")
    wrong = pc.not_equal(pc.list_value_length(parts), len(dimensions))
    if pc.any(wrong).as_py():
        row = pc.index(wrong, True).as_py()
        raise ParseError(
            f"series key has {len(parts[row])} parts, the header names {len(dimensions)} dimensions",
            dataset=dataset,
            line=_file_line(body, row + 2),
            column=key,
        )
    # Cells are split period by period (column-major), then reordered series by series.
    cells = (
        pa.concat_arrays([table.column(name).combine_chunks() for name in names[1:]])
        if n_series
        else pa.array([], pa.string())
    )
    values, flag_codes, flags = _split_cells(cells, body, dataset, n_series, periods)
    # A dimension code is the same on every period of its series: repeat numpy codes, no take().
    columns = {
        name: _repeated(pc.dictionary_encode(pc.utf8_trim_whitespace(pc.list_element(parts, k))), n_periods)
        if n_series
        else pa.array([], _CATEGORY)
        for k, name in enumerate(dimensions)
    }
    if all(re.fullmatch(r"\d{4}", period) for period in periods):
        columns["time_period"] = pa.array(np.tile(np.array(periods, dtype=np.int64), n_series))
    else:
        columns["time_period"] = pa.array(np.tile(np.array(periods, dtype=object), n_series), pa.string())
    # Cells were split period by period: a transpose puts them series by series. NaN is ':'.
    columns["value"] = pa.array(_series_major(values.to_numpy(zero_copy_only=False), n_series, n_periods))
    columns["obs_status"], columns["conf_status"] = _tsv_flags(_series_major(flag_codes, n_series, n_periods), flags)
    return pa.table(columns), "tsv", None, None


# ---------------------------------------------------------------- shared


def _series_major(period_major: np.ndarray, n_series: int, n_periods: int) -> np.ndarray:
    return period_major.reshape(n_periods, n_series).T.ravel()


def _small_codes(codes: np.ndarray, n_categories: int) -> np.ndarray:
    """Codes in the integer width pandas would choose, so that to_pandas() need not copy them again."""
    width = np.int8 if n_categories < 127 else np.int16 if n_categories < 32767 else np.int32
    return codes.astype(width, copy=False)


def _categorical(codes: np.ndarray, categories: list[str]) -> pa.DictionaryArray:
    """A dictionary array from numpy codes (-1 = null)."""
    codes = _small_codes(codes, len(categories))
    return pa.DictionaryArray.from_arrays(
        pa.array(codes, mask=codes < 0), pa.array(categories, pa.string())
    )


def _repeated(encoded: pa.DictionaryArray, times: int) -> pa.DictionaryArray:
    """Each series' code repeated on its `times` periods."""
    codes = _small_codes(encoded.indices.to_numpy(zero_copy_only=False), len(encoded.dictionary))
    return pa.DictionaryArray.from_arrays(pa.array(np.repeat(codes, times)), encoded.dictionary)


def _tsv_flags(codes: np.ndarray, flags: list[str]) -> tuple[pa.DictionaryArray, pa.Array]:
    """obs_status and conf_status of TSV cells: the legacy 'c' among the flags becomes conf_status 'C'.

    Decided on the few distinct flag strings, then applied to the codes by table lookup; the
    categories come out as `_confidentiality_from_flags` would make them (first seen, used only).
    """
    if not any("c" in flag for flag in flags):
        return _categorical(codes, flags), pa.nulls(len(codes), _CATEGORY)
    targets = [flag.replace("c", "") for flag in flags]
    used = {target for target in targets if target}
    categories = [flag for flag in dict.fromkeys(flags + targets) if flag in used]
    # index -1 (no flag) reads the appended last entry
    to_obs = np.array([categories.index(t) if t else -1 for t in targets] + [-1])
    to_conf = np.array([0 if "c" in flag else -1 for flag in flags] + [-1])
    return _categorical(to_obs[codes], categories), _categorical(to_conf[codes], ["C"])



def _split_cells(cells: pa.Array, body, dataset, n_series: int, periods: list[str]):
    """TSV cells ('12.5 ', '0 n', ': c', ': ') into float values, flag codes (-1 = none) and the flags."""
    # Trimming is much faster than a regex per cell; the checks below refuse what it lets through.
    value_text = pc.utf8_rtrim(cells, characters=_LETTERS + " ")
    encoded = pc.dictionary_encode(pc.utf8_rtrim(pc.utf8_ltrim(cells, characters="0123456789.-+: "), characters=" "))
    # The distinct flag strings are few: check and renumber them, not the cells.
    found = encoded.dictionary.to_pylist()
    flags = [flag for flag in found if flag]
    renumber = np.array([flags.index(flag) if flag else -1 for flag in found] + [-1])
    codes = renumber[pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)]
    no_value = pc.equal(value_text, "")
    bad = any(not flag.isalpha() for flag in flags) or bool(
        np.any(no_value.to_numpy(zero_copy_only=False) & (codes >= 0))  # letters with no value or ':' before them
    )
    if not bad:
        not_available = pc.or_(no_value, pc.equal(value_text, ":"))
        try:
            values = pc.cast(pc.if_else(not_available, pa.scalar(None, pa.string()), value_text), pa.float64())
        except pa.ArrowInvalid:
            values = None
        if values is not None:
            return values, codes, flags
    # Error path: point at the first cell that is not 'number [flags]' or ': [flags]'.
    at = pc.index(pc.invert(pc.match_substring_regex(cells, _TSV_CELL)), True).as_py()
    if at < 0:
        raise ParseError("a TSV cell is not a number or ':' followed by flags", dataset=dataset)
    row, period = at % n_series, at // n_series
    raise ParseError(
        f"cell {cells[at].as_py()!r} is not a number or ':', optionally followed by flag letters",
        dataset=dataset,
        line=_file_line(body, row + 2),
        column=periods[period],
    )


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


def _read_csv(body, read, parse, convert, header: _Header, dataset: str | None) -> pa.Table:
    """pyarrow's CSV reader, with its errors turned into ParseError naming line and column."""
    try:
        return pacsv.read_csv(pa.BufferReader(body), read_options=read, parse_options=parse, convert_options=convert)
    except pa.ArrowInvalid as error:
        raise _explain(error, body, read, parse, convert, header, dataset) from None


def _explain(error, body, read, parse, convert, header: _Header, dataset: str | None) -> ParseError:
    message = str(error)
    if "invalid UTF8" in message:
        return _not_utf8(body, header, dataset)
    if "Expected" in message and "columns" in message:
        row = _first_invalid_row(body, read, parse)
        if row is not None:
            return ParseError(
                f"malformed row: {row.actual_columns} fields where the header has {row.expected_columns}: "
                f"{row.text[:120]!r}",
                dataset=dataset,
                line=_file_line(body, row.number) if row.number else None,
            )
    if "conversion error to double" in message:
        try:
            return _bad_number(body, read, parse, convert, header, dataset)
        except pa.ArrowInvalid as again:
            # The refused "number" holds bytes that are not UTF-8: pyarrow's double parser meets
            # them before its UTF-8 check does.
            if "invalid UTF8" in str(again):
                return _not_utf8(body, header, dataset)
            message = str(again)
    return ParseError(f"cannot read the file as {header.delimiter!r}-separated text: {message}", dataset=dataset)


def _not_utf8(body: pa.Buffer, header: _Header, dataset: str | None) -> ParseError:
    line, column = _utf8_error_at(body, header)
    return ParseError("the file is not UTF-8 text", dataset=dataset, line=line, column=column)


def _first_invalid_row(body, read, parse):
    """Read again on one thread: only then does pyarrow number the offending row."""
    seen = []

    def remember(row):
        seen.append(row)
        return "error"

    serial = pacsv.ReadOptions(column_names=read.column_names, skip_rows=read.skip_rows, use_threads=False)
    checking = pacsv.ParseOptions(
        delimiter=parse.delimiter, quote_char=parse.quote_char, invalid_row_handler=remember
    )
    try:
        pacsv.read_csv(
            pa.BufferReader(body),
            read_options=serial,
            parse_options=checking,
            convert_options=pacsv.ConvertOptions(include_columns=read.column_names[:1]),
        )
    except pa.ArrowInvalid:
        pass
    return seen[0] if seen else None


def _bad_number(body, read, parse, convert, header: _Header, dataset: str | None) -> ParseError:
    """Find the OBS_VALUE cell pyarrow refused to read as a number."""
    as_text = pacsv.ConvertOptions(
        column_types={"value": pa.string()}, include_columns=["value"], null_values=convert.null_values,
        strings_can_be_null=True,
    )
    values = pacsv.read_csv(pa.BufferReader(body), read_options=read, parse_options=parse, convert_options=as_text)
    values = values.column("value")
    refused = pc.invert(pc.fill_null(pc.match_substring_regex(values, _FLOAT), True))
    name = header.fields[read.column_names.index("value")]
    if not pc.any(refused).as_py():
        return ParseError("a value is not a number", dataset=dataset, column=name)
    row = pc.index(refused, True).as_py()
    return ParseError(
        f"value {values[row].as_py()!r} is not a number", dataset=dataset, line=_file_line(body, row + 2), column=name
    )


def _utf8_error_at(body: pa.Buffer, header: _Header) -> tuple[int | None, str | None]:
    raw = memoryview(body).tobytes()
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        line = raw.count(b"\n", 0, error.start) + 1
        before = raw[line_start : error.start].decode("utf-8", errors="replace")
        # A stray carriage return is not a line end for the CSV reader: count fields without it.
        before = before.replace("\r", " ")
        field = len(next(csv.reader([before], delimiter=header.delimiter), [""])) - 1 if before else 0
        column = header.fields[field] if field < len(header.fields) else None
        return line, column
    return None, None


def _file_line(body: pa.Buffer, record: int) -> int:
    """1-based file line of the record-th non-blank line (pyarrow skips blank lines)."""
    raw = memoryview(body).tobytes()
    start, line, seen = 0, 0, 0
    while start <= len(raw):
        end = raw.find(b"\n", start)
        end = len(raw) if end < 0 else end
        line += 1
        if raw[start:end].strip(b"\r"):
            seen += 1
            if seen == record:
                return line
        start = end + 1
    return line
