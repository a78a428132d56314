"""Eurostat's catalogue (table of contents, TXT form): when each dataset was last updated."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipeline.errors import ParseError

__all__ = ["TocEntry", "parse_toc"]

_COLUMNS = (
    "title",
    "code",
    "type",
    "last update of data",
    "last table structure change",
    "data start",
    "data end",
    "values",
)
_NAMES = ("title", "code", "type", "last_update", "last_structure_change", "data_start", "data_end", "values")


@dataclass(frozen=True)
class TocEntry:
    """One catalogue line: a dataset, table or folder and the dates Eurostat gives for it."""

    code: str
    title: str
    type: str
    last_update: date | None
    last_structure_change: date | None
    data_start: str | None
    data_end: str | None
    values: int | None


def parse_toc(data: bytes) -> dict[str, TocEntry]:
    """Parse the TOC txt (``/catalogue/toc/txt?lang=en``) into entries by dataset code.

    A dataset sits in one folder line per folder it belongs to; the first line of each code is
    kept (a dataset or table wins over a folder that happens to share its code). Titles lose
    the indentation that draws the folder tree. Dates are dd.mm.yyyy; blanks become None.
    """
    body = bytes(data)
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    first = body[: body.find(b"\n")] if b"\n" in body else body
    fields = tuple(field.strip().strip('"') for field in first.decode("utf-8", "replace").rstrip("\r").split("\t"))
    if fields != _COLUMNS:
        raise ParseError(
            f"not a Eurostat table of contents: the first line should be the TOC header {'/'.join(_COLUMNS)}, "
            f"it starts with {first[:80]!r}",
            line=1,
        )
    try:
        table = pacsv.read_csv(
            pa.BufferReader(pa.py_buffer(body)),
            read_options=pacsv.ReadOptions(column_names=list(_NAMES), skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter="\t", quote_char='"'),
            convert_options=pacsv.ConvertOptions(
                column_types={**{name: pa.string() for name in _NAMES[:-1]}, "values": pa.int64()},
                null_values=["", " "],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except pa.ArrowInvalid as error:
        raise ParseError(f"table of contents cannot be read: {error}") from None
    if table.column("code").null_count:
        line = pc.index(pc.is_null(table.column("code")), True).as_py() + 2
        raise ParseError("table of contents line without a code", line=line, column="code")

    columns = {
        "code": table.column("code").to_pylist(),
        "title": pc.utf8_trim_whitespace(table.column("title")).to_pylist(),
        "type": table.column("type").to_pylist(),
        "last_update": _dates(table.column("last_update"), "last update of data"),
        "last_structure_change": _dates(table.column("last_structure_change"), "last table structure change"),
        "data_start": pc.utf8_trim_whitespace(table.column("data_start")).to_pylist(),
        "data_end": pc.utf8_trim_whitespace(table.column("data_end")).to_pylist(),
        "values": table.column("values").to_pylist(),
    }
    entries: dict[str, TocEntry] = {}
    for row in zip(*columns.values()):
        entry = TocEntry(**dict(zip(columns, row)))
        kept = entries.get(entry.code)
        if kept is None or (kept.type == "folder" and entry.type != "folder"):
            entries[entry.code] = entry
    return entries


def _dates(column: pa.ChunkedArray, name: str) -> list[date | None]:
    """dd.mm.yyyy strings as dates, computed by pyarrow (thousands of lines)."""
    text = pc.utf8_trim_whitespace(column)
    try:
        parsed = pc.strptime(text, format="%d.%m.%Y", unit="s")
    except pa.ArrowInvalid:
        wrong = pc.invert(pc.fill_null(pc.match_substring_regex(text, r"^\d{2}\.\d{2}\.\d{4}$"), True))
        row = pc.index(wrong, True).as_py()
        raise ParseError(
            f"date {text[row].as_py()!r} is not dd.mm.yyyy" if row >= 0 else "a date is not dd.mm.yyyy",
            line=row + 2 if row >= 0 else None,  # +1 for the header, +1 to count from 1
            column=name,
        ) from None
    return pc.cast(parsed, pa.date32()).to_pylist()
