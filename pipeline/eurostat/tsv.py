"""Eurostat's wide TSV (one series a line, one column per period, cells 'value flags') into observation columns."""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from pipeline.errors import ParseError
from pipeline.eurostat.header import _CATEGORY, _DIMENSION_NAME, _RESERVED, _Header
from pipeline.eurostat.read_errors import _file_line, _read_csv

# A TSV cell: a number or ':' then optional flag letters, or nothing; trailing spaces allowed.
_TSV_CELL = r"^(?:(?P<value>:|[-+]?(?:\d+(?:\.\d*)?|\.\d+)) *(?P<flags>[A-Za-z]*) *| *)$"
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


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
    categories come out as reader.py's `_confidentiality_from_flags` would make them (first seen, used only).
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
