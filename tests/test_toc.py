"""parse_toc on the real Eurostat catalogue and on small hand-written ones."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date

import pytest

from pipeline.errors import ParseError
from pipeline.eurostat import TocEntry, parse_toc

HEADER = '"title"\t"code"\t"type"\t"last update of data"\t"last table structure change"\t"data start"\t"data end"\t"values"\n'


def _toc(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


@pytest.fixture(scope="module")
def real_toc(samples_dir) -> tuple[bytes, dict[str, TocEntry]]:
    raw = (samples_dir / "_catalogue" / "table_of_contents_en.txt").read_bytes()
    return raw, parse_toc(raw)


def test_real_toc_dates_and_values(real_toc):
    _, toc = real_toc
    assert toc["isoc_ec_ib20"] == TocEntry(
        code="isoc_ec_ib20",
        title="Internet purchases by individuals (2020 onwards)",
        type="dataset",
        last_update=date(2025, 6, 24),
        last_structure_change=date(2025, 5, 27),
        data_start="2020",
        data_end="2024",
        values=423170,
    )
    eb_ai = toc["isoc_eb_ai"]
    assert (eb_ai.last_update, eb_ai.values, eb_ai.data_end) == (date(2025, 4, 8), 57175, "2024")
    for code in ("isoc_ec_eseln2", "isoc_eb_ain2"):
        assert toc[code].last_update == date(2025, 4, 8) and toc[code].data_end == "2024"
    assert "isoc_ai_iaiu" not in toc  # first published December 2025, after this catalogue


def test_real_toc_has_each_code_once(real_toc):
    raw, toc = real_toc
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8")), delimiter="\t"))[1:]
    assert sum(row[1] == "isoc_ec_ib20" for row in rows) == 2  # listed in two folders
    assert set(toc) == {row[1] for row in rows}
    assert all(code == entry.code for code, entry in toc.items())
    assert len(toc) < len(rows)


def test_real_toc_folders_and_titles(real_toc):
    raw, _ = real_toc
    toc = parse_toc(raw)
    folder = toc["data"]
    assert folder.type == "folder" and folder.title == "Database by themes"
    assert (folder.last_update, folder.data_start, folder.values) == (None, None, None)
    assert all(entry.title == entry.title.strip() for entry in toc.values())
    assert toc["ei_bpm6ca_q"].data_start == "1991-Q1"


def test_entries_are_frozen():
    entry = parse_toc(_toc('"  T"\t"x1"\t"dataset"\t"01.02.2025"\t" "\t"2020"\t"2024"\t12'))["x1"]
    assert entry.title == "T" and entry.last_structure_change is None and entry.values == 12
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.values = 13


def test_first_line_of_a_code_is_kept_and_a_dataset_beats_a_folder():
    toc = parse_toc(
        _toc(
            '"F"\t"isoc_x"\t"folder"\t" "\t" "\t" "\t" "\t',
            '"    X in folder A"\t"isoc_y"\t"dataset"\t"24.06.2025"\t"27.05.2025"\t"2020"\t"2024"\t5',
            '"    X"\t"isoc_x"\t"dataset"\t"24.06.2025"\t"27.05.2025"\t"2020"\t"2024"\t5',
            '"    X in folder B"\t"isoc_y"\t"dataset"\t"24.06.2025"\t"27.05.2025"\t"2020"\t"2024"\t5',
        )
    )
    assert toc["isoc_x"].type == "dataset"
    assert toc["isoc_y"].title == "X in folder A"
    assert len(toc) == 2


@pytest.mark.parametrize(
    "body",
    [
        b"<!DOCTYPE html><html><head><title>Sorry</title></head></html>",
        b"",
        b'{"error": {"status": 503}}',
        b"DATAFLOW,LAST UPDATE,freq\n",
    ],
)
def test_a_body_that_is_not_a_toc(body):
    with pytest.raises(ParseError, match="not a Eurostat table of contents"):
        parse_toc(body)


def test_bad_date_names_the_column():
    with pytest.raises(ParseError) as caught:
        parse_toc(_toc('"X"\t"isoc_x"\t"dataset"\t"2025-06-24"\t" "\t"2020"\t"2024"\t5'))
    assert caught.value.column == "last update of data" and caught.value.line == 2
    assert "2025-06-24" in str(caught.value)


def test_non_utf8_toc():
    with pytest.raises(ParseError):
        parse_toc(_toc('"X"\t"isoc_x"\t"dataset"\t" "\t" "\t"2020"\t"2024"\t5').replace(b'"X"', b'"\xe9"'))
