"""SDMX-CSV 1.0 and 2.0 (with or without the data browser's labels) into observation columns."""

from __future__ import annotations

import csv
import re
from datetime import datetime

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipeline.datasets import validate_dataset_code
from pipeline.errors import InvalidDatasetCode, ParseError
from pipeline.eurostat.header import _CATEGORY, _DIMENSION_NAME, _MAX_HEADER, _RESERVED, _Header
from pipeline.eurostat.read_errors import _file_line, _read_csv

# SDMX-CSV columns after the dimensions, by the name Eurostat gives them.
_MEASURES = {
    "TIME_PERIOD": "time_period",
    "OBS_VALUE": "value",
    "OBS_FLAG": "obs_status",
    "OBS_STATUS": "obs_status",
    "CONF_STATUS": "conf_status",
}
# ESTAT:ISOC_EB_AI(1.0) and ESTAT:ISOC_E_DII$DEFAULTVIEW(1.0)
_DATAFLOW = re.compile(r"^[A-Za-z0-9_.]+:([A-Za-z0-9_]+)(?:\$[A-Za-z0-9_]+)?\([^()]*\)$")
_LAST_UPDATE_FORMATS = ("%d/%m/%y %H:%M:%S", "%d/%m/%Y %H:%M:%S")
_YEAR = r"^\d{4}$"
_CODE = re.compile(r"[a-z0-9_]+")


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
