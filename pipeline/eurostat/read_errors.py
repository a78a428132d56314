"""pyarrow's CSV reader, with what it refuses turned into a ParseError naming the file line and column."""

from __future__ import annotations

import csv

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipeline.errors import ParseError
from pipeline.eurostat.header import _Header

# What pyarrow's float parser accepts, to point at the cell it refused.
_FLOAT = r"^ *[-+]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|nan|NaN|inf|Inf|infinity|Infinity) *$"


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
