"""The first line of a Eurostat data file, and the column vocabulary both formats share."""

from __future__ import annotations

import csv
import re
from typing import NamedTuple

import pyarrow as pa

from pipeline.errors import ParseError

_MAX_HEADER = 1 << 16
# Code columns hold a few distinct codes over many rows: dictionary-encoded, read and kept as such.
_CATEGORY = pa.dictionary(pa.int32(), pa.string())
# The observation table's own columns: no dimension may take one of these names.
_RESERVED = frozenset({"dataset", "time_period", "value", "obs_status", "conf_status"})
_DIMENSION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


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
