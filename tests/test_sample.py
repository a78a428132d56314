"""The synthetic offline mirror: Eurostat's exact formats, full coverage, consistent figures."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from pipeline.catalogue import load_catalogue
from pipeline.datasets import DATASETS
from pipeline.eurostat import parse_toc, read_observations
from pipeline.geo import EU27
from pipeline.labels import codes_in_use
from pipeline.sample import EA20, SYNTHETIC_NOTICE, TIES, main, write_sample_mirror
from schemas.observations import validate_observations

LAST, FIRST = 2025, 2019
GEOS = EU27 | {"EU27_2020", "EA20", "NO", "IS", "RS", "TR", "MK", "BA", "AL", "ME"}
TOC_HEADER = ["title", "code", "type", "last update of data", "last table structure change",
              "data start", "data end", "values"]
VALUE = re.compile(r"^\d{1,3}\.\d\d$")
CATALOGUE = load_catalogue()


@pytest.fixture(scope="module")
def mirror(tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("mirror")
    return root, write_sample_mirror(root, last_year=LAST)


def sdmx_lines(root: Path, code: str) -> list[str]:
    text = gzip.decompress((root / "data" / f"{code}.sdmx.csv.gz").read_bytes()).decode("utf-8")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    return text.split("\r\n")[:-1]


@pytest.fixture(scope="module")
def rows(mirror) -> dict[str, list[dict]]:
    """Every dataset's SDMX-CSV rows, read with the csv module."""
    root, _ = mirror
    return {code: list(csv.DictReader(sdmx_lines(root, code))) for code in DATASETS}


def series_key(row: dict, code: str, *, geo: bool = False) -> tuple[str, ...]:
    dims = DATASETS[code].dimensions
    return tuple(row[d] for d in dims if geo or d != "geo")


def test_the_mirror_has_every_dataset_the_toc_and_says_it_is_synthetic(mirror):
    root, summary = mirror
    assert summary["source"] == "sample" and summary["synthetic"] is True
    assert set(summary["datasets"]) == set(DATASETS)
    for code, info in summary["datasets"].items():
        assert Path(info["path"]) == root / "data" / f"{code}.sdmx.csv.gz"
        assert Path(info["tsv_path"]).read_bytes()[:2] == b"\x1f\x8b"
    assert (root / "toc_en.txt").is_file()
    assert SYNTHETIC_NOTICE == "SYNTHETIC SAMPLE - not Eurostat data"
    assert SYNTHETIC_NOTICE in (root / "SAMPLE.md").read_text(encoding="utf-8")
    assert summary["last_update"] == "2026-02-27T11:00:00"


def test_sdmx_csv_files_have_eurostats_header_rows_and_order(mirror, rows):
    root, summary = mirror
    for code, spec in DATASETS.items():
        lines = sdmx_lines(root, code)
        assert lines[0] == ",".join(["DATAFLOW", "LAST UPDATE", *spec.dimensions, "TIME_PERIOD",
                                     "OBS_VALUE", "OBS_FLAG", "CONF_STATUS"])
        assert len(lines) - 1 == summary["datasets"][code]["rows"]
        table = rows[code]
        assert {r["DATAFLOW"] for r in table} == {f"ESTAT:{code.upper()}(1.0)"}
        assert {r["LAST UPDATE"] for r in table} == {"27/02/26 11:00:00"}
        assert all(r["OBS_VALUE"] == "" or VALUE.match(r["OBS_VALUE"]) for r in table)
        order = [(series_key(r, code, geo=True), int(r["TIME_PERIOD"])) for r in table]
        assert order == sorted(order) and len(set(order)) == len(order)
        assert "sample" not in "\n".join(lines).lower()


def test_last_update_can_be_given_and_a_second_call_is_byte_identical(tmp_path):
    options = {"last_year": 2024, "first_year": 2022, "last_update": "2025-12-16T23:00:00"}
    first = write_sample_mirror(tmp_path / "a", **options, seed=7)
    write_sample_mirror(tmp_path / "b", **options, seed=7)
    write_sample_mirror(tmp_path / "c", **options, seed=8)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    codelists = [f for f in files if f.parts[0] == "codelist"]
    assert len(files) - len(codelists) == 2 * len(DATASETS) + 2
    assert sorted(f.stem for f in codelists) == sorted(codes_in_use(load_catalogue()))
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    assert (tmp_path / "a" / "data" / "isoc_eb_ai.sdmx.csv.gz").read_bytes() != (
        tmp_path / "c" / "data" / "isoc_eb_ai.sdmx.csv.gz").read_bytes()
    assert first["last_update"] == "2025-12-16T23:00:00"
    line = sdmx_lines(tmp_path / "a", "isoc_e_dii")[1]
    assert line.startswith("ESTAT:ISOC_E_DII(1.0),16/12/25 23:00:00,A,")


def catalogue_series(code: str) -> dict[tuple[str, ...], set[int]]:
    """Every non-geo series the catalogue pins in a dataset, with the mirror years its rules cover."""
    out: dict[tuple[str, ...], set[int]] = defaultdict(set)
    for spec in CATALOGUE.indicators:
        for variant in spec.variants if spec.dataset == code else ():
            key = tuple(variant.series[d] for d in DATASETS[code].dimensions if d != "geo")
            out[key] |= {y for y in range(FIRST, LAST + 1) if spec.periods.covers(y) and variant.periods.covers(y)}
    return out


@pytest.mark.parametrize("code", DATASETS)
def test_every_catalogue_series_is_there_exactly_in_the_years_eurostat_surveys_it(rows, code):
    table = rows[code]
    years_of: dict[tuple, set[int]] = defaultdict(set)
    geos_of: dict[tuple, set[str]] = defaultdict(set)
    for r in table:
        years_of[series_key(r, code)].add(int(r["TIME_PERIOD"]))
        geos_of[(series_key(r, code), int(r["TIME_PERIOD"]))].add(r["geo"])
    expected = catalogue_series(code)
    assert expected, code
    for key, years in expected.items():
        assert years_of[key] == years, (code, key)  # e.g. E_DI4_GELO in even years only, E_AI_PHR in 2021
        for year in years:  # earlier years leave a few observations out, as Eurostat does
            geos = geos_of[(key, year)]
            assert geos <= GEOS and {"EU27_2020", "EA20"} <= geos and len(geos) >= len(GEOS) - 4, (key, year)
        assert EU27 | {"EU27_2020", "EA20"} <= geos_of[(key, max(years))], (code, key)
    assert {r["geo"] for r in table} == GEOS


def test_the_sample_follows_eurostats_survey_rhythm():
    # Spelled out from the real files (../shared/eurostat-samples), not read off the catalogue.
    ai, dii = catalogue_series("isoc_eb_ai"), catalogue_series("isoc_e_dii")
    ent = ("A", "GE10", "C10-S951_X_K")
    assert ai[(*ent, "E_AI_TANY", "PC_ENT")] == {2021, 2023, 2024, 2025}
    assert ai[(*ent, "E_AI_PHR", "PC_ENT_AI_TANY")] == {2021}
    assert ai[(*ent, "E_AI_TPVSG", "PC_ENT")] == {2025}
    assert dii[(*ent, "E_DI4_GELO", "PC_ENT")] == {2022, 2024}
    assert dii[(*ent, "E_DI3_GELO", "PC_ENT")] == {2021, 2023, 2025}
    assert catalogue_series("isoc_ai_iaiu")[("A", "IND_TOTAL", "I_IUAI", "PC_IND")] == {2025}


def _last_years(table: list[dict], code: str) -> dict[tuple, int]:
    last: dict[tuple, int] = {}
    for r in table:
        key = series_key(r, code)
        last[key] = max(last.get(key, 0), int(r["TIME_PERIOD"]))
    return last


def test_every_eu_member_has_a_non_confidential_value_in_each_series_last_year(rows):
    for code, table in rows.items():
        last = _last_years(table, code)
        published = {(series_key(r, code), r["geo"]) for r in table
                     if int(r["TIME_PERIOD"]) == last[series_key(r, code)] and r["OBS_VALUE"] and not r["CONF_STATUS"]}
        for key, year in last.items():
            missing = sorted(g for g in EU27 if (key, g) not in published)
            assert not missing, f"{code} {'.'.join(key)}: no {year} value for {missing}"


def by_cell(table: list[dict], code: str) -> dict[tuple, dict[str, float]]:
    cells: dict[tuple, dict[str, float]] = defaultdict(dict)
    for r in table:
        if r["OBS_VALUE"]:
            cells[(series_key(r, code), int(r["TIME_PERIOD"]))][r["geo"]] = float(r["OBS_VALUE"])
    return cells


def test_eu_and_euro_area_values_are_the_means_of_their_members(rows):
    for code, table in rows.items():
        checked_last_year = set()
        last = _last_years(table, code)
        for (key, year), values in by_cell(table, code).items():
            for aggregate, members in (("EU27_2020", EU27), ("EA20", EA20)):
                if members <= values.keys():  # earlier years may hide a member's value
                    mean = sum(values[g] for g in members) / len(members)
                    assert abs(values[aggregate] - mean) <= 0.0051, (code, key, year, aggregate)
                    if year == last[key]:
                        checked_last_year.add((key, aggregate))
        assert len(checked_last_year) == 2 * len({series_key(r, code) for r in table})


def test_figures_are_plausible_shares_growing_and_ordered(rows):
    cells = by_cell(rows["isoc_eb_ai"], "isoc_eb_ai")
    for values in cells.values():
        assert all(0 <= v <= 100 for v in values.values())

    def ai(size, indic, unit, year, geo="EU27_2020"):
        return cells[(("A", size, "C10-S951_X_K", indic, unit), year)][geo]

    for year in (2021, 2023, 2024, 2025):  # the AI module's survey years
        assert ai("GE250", "E_AI_TANY", "PC_ENT", year) > ai("50-249", "E_AI_TANY", "PC_ENT", year) \
            > ai("10-49", "E_AI_TANY", "PC_ENT", year)
    assert ai("GE10", "E_AI_TANY", "PC_ENT", LAST) > ai("GE10", "E_AI_TANY", "PC_ENT", 2021) + 5
    # a technology is a sub-share of any AI technology, for every country and year
    for (key, year), values in cells.items():
        if key[3].startswith("E_AI_T") and key[3] != "E_AI_TANY" and key[4] == "PC_ENT":
            whole = cells[((*key[:3], "E_AI_TANY", "PC_ENT"), year)]
            assert all(v <= whole[g] for g, v in values.items() if g in whole), (key, year)
    # shares are spread out enough for a ranking to mean something
    last = cells[(("A", "GE10", "C10-S951_X_K", "E_AI_TANY", "PC_ENT"), LAST)]
    assert max(last[g] for g in EU27) - min(last[g] for g in EU27) > 15


def test_digital_intensity_classes_add_up_to_all_enterprises(rows):
    cells = by_cell(rows["isoc_e_dii"], "isoc_e_dii")
    key = ("A", "GE10", "C10-S951_X_K")
    total = [cells[((*key, c, "PC_ENT"), LAST)]["BE"] for c in ("E_DI3_VLO", "E_DI3_LO", "E_DI3_HI", "E_DI3_VHI")]
    assert abs(sum(total) - 100) < 0.03


def test_the_documented_ties_hold_in_the_last_year(rows):
    assert TIES
    for code, key, geos in TIES:
        values = {r["geo"]: r["OBS_VALUE"] for r in rows[code]
                  if series_key(r, code) == key and r["TIME_PERIOD"] == str(LAST)}
        assert len({values[g] for g in geos}) == 1 and values[geos[0]], (key, geos)


def test_flags_confidential_cells_and_gaps_sit_off_the_members_last_year(rows):
    flags, confidential, empty_flagged, gaps = set(), 0, 0, 0
    for code, table in rows.items():
        years = 1 if code == "isoc_ai_iaiu" else LAST - FIRST + 1
        per_series = defaultdict(int)
        for r in table:
            per_series[series_key(r, code, geo=True)] += 1
            flags.add(r["OBS_FLAG"])
            if r["CONF_STATUS"]:
                assert r["CONF_STATUS"] == "C" and r["OBS_VALUE"] == "" and r["OBS_FLAG"] == ""
                confidential += 1
            if not r["OBS_VALUE"] and r["OBS_FLAG"]:
                empty_flagged += 1
            if r["geo"] in EU27 and r["TIME_PERIOD"] == str(LAST):
                assert r["OBS_VALUE"] and not r["CONF_STATUS"]
        gaps += sum(years - n for n in per_series.values())
    assert {"b", "p", "e", "u", "bu"} <= flags
    assert confidential > 100 and empty_flagged > 50 and gaps > 100


def toc_problems(data: bytes) -> list[str]:
    """Where a TOC txt breaks the format of Eurostat's own (checked on the real one below)."""
    problems = []
    text = data.decode("utf-8")
    if "\r" in text or not text.endswith("\n"):
        problems.append("line ends must be LF, with one after the last line")
    lines = text.split("\n")[:-1]
    if lines[0].split("\t") != [f'"{h}"' for h in TOC_HEADER]:
        problems.append(f"header {lines[0]!r}")
    depth = 0
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        parsed = next(csv.reader([line], delimiter="\t", quotechar='"'))
        if len(fields) != 8 or not all(f.startswith('"') and f.endswith('"') for f in fields[:7]):
            problems.append(f"line {number}: seven quoted fields then the values")
            continue
        title, code, kind, updated, changed, start, end, values = parsed
        level = (len(title) - len(title.lstrip(" "))) / 4
        if level != int(level) or level > depth + 1:
            problems.append(f"line {number}: indentation {level}")
        depth = int(level)
        if kind == "folder":
            if [updated, changed, start, end, values] != [" ", " ", " ", " ", ""]:
                problems.append(f"line {number}: folder fields")
        elif not (re.fullmatch(r"\d\d\.\d\d\.\d{4}", updated) and re.fullmatch(r"\d\d\.\d\d\.\d{4}", changed)
                  and values.isdigit() and not fields[7].startswith('"')):
            problems.append(f"line {number}: dates dd.mm.yyyy and an unquoted count")
    return problems


def test_the_format_rules_hold_on_the_real_toc(samples_dir):
    real = (samples_dir / "_catalogue" / "table_of_contents_en.txt").read_bytes()
    assert toc_problems(real) == []


def test_the_toc_has_eurostats_format_and_lists_each_dataset(mirror):
    root, summary = mirror
    data = (root / "toc_en.txt").read_bytes()
    assert toc_problems(data) == []
    lines = list(csv.reader(io.StringIO(data.decode("utf-8")), delimiter="\t"))
    codes = [line[1] for line in lines[1:]]
    assert any(codes.count(code) > 1 for code in DATASETS), "Eurostat lists a dataset once per folder"
    assert len(set(codes) - set(DATASETS)) >= 10, "unrelated folders and datasets too"
    entries = parse_toc(data)
    for code, info in summary["datasets"].items():
        entry = entries[code]
        assert entry.type == "dataset" and entry.title == DATASETS[code].title
        assert entry.last_update.isoformat() == "2026-02-27"
        assert (entry.data_start, entry.data_end) == (str(info["first_year"]), str(info["last_year"]))
        assert entry.values == info["rows"]


def test_tsv_files_hold_the_same_observations_in_eurostats_wide_layout(mirror):
    root, _ = mirror
    for code, spec in DATASETS.items():
        text = gzip.decompress((root / "data" / f"{code}.tsv.gz").read_bytes()).decode("utf-8")
        lines = text.split("\r\n")
        assert lines[-1] == "" and "\n" not in "".join(lines)
        years = sorted(set().union(*catalogue_series(code).values()))
        assert lines[0] == ",".join(spec.dimensions) + "\\TIME_PERIOD\t" + "\t".join(f"{y} " for y in years)
        for line in lines[1:-1]:
            assert all(re.fullmatch(r"(\d{1,3}\.\d\d|:) [a-z]*", c) for c in line.split("\t")[1:]), line
        wide = read_observations(root / "data" / f"{code}.tsv.gz").dropna(subset=["value"])
        tidy = read_observations(root / "data" / f"{code}.sdmx.csv.gz").dropna(subset=["value"])
        assert wide.drop(columns="dataset").astype(str).values.tolist() == \
            tidy.drop(columns="dataset").astype(str).values.tolist()
    sample = gzip.decompress((root / "data" / "isoc_eb_ai.tsv.gz").read_bytes()).decode()
    assert ": c" in sample and ": u" in sample and " bu" in sample


@pytest.mark.parametrize("code", DATASETS)
def test_each_dataset_reads_back_and_passes_its_schema(mirror, code):
    root, summary = mirror
    df = read_observations(root / "data" / f"{code}.sdmx.csv.gz")
    assert df.attrs["dataset"] == code and df.attrs["format"] == "sdmx-csv-1.0"
    assert df.attrs["eurostat_last_update"].startswith("2026-02-27T11:00")
    assert len(df) == summary["datasets"][code]["rows"]
    validate_observations(df, code)


def test_the_cli_writes_the_mirror(tmp_path, capsys):
    assert main([str(tmp_path / "demo"), "--last-year", "2024", "--first-year", "2022"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["source"] == "sample" and summary["last_year"] == 2024
    assert summary["datasets"]["isoc_eb_ai"]["first_year"] == 2023  # the AI module did not run in 2022
    assert summary["datasets"]["isoc_ec_ib20"]["first_year"] == 2022
    assert (tmp_path / "demo" / "data" / "isoc_ec_ib20.sdmx.csv.gz").is_file()


def test_a_first_year_after_the_last_is_refused(tmp_path):
    with pytest.raises(ValueError, match="first_year 2026"):
        write_sample_mirror(tmp_path, last_year=2025, first_year=2026)


def test_every_indicator_of_the_catalogue_resolves_with_a_value_for_every_member(mirror):
    from pipeline.catalogue import load_catalogue
    from pipeline.series import resolve_catalogue

    root, _ = mirror
    catalogue = load_catalogue()
    observations = {code: read_observations(root / "data" / f"{code}.sdmx.csv.gz") for code in DATASETS}
    resolve_catalogue(catalogue, observations)
    for spec in catalogue.indicators:
        df = observations[spec.dataset]
        last = max(y for y in range(FIRST, LAST + 1) if spec.surveyed(y))
        match = (df["time_period"] == last) & df["value"].notna() & df["geo"].isin(EU27)
        for dim, code in spec.variant_for(last).series.items():
            match &= df[dim] == code
        assert set(df.loc[match, "geo"]) == EU27, spec.id
