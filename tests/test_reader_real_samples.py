"""read_observations on every real Eurostat file in ../shared/eurostat-samples (see its SOURCES.md).

Expected figures come from SOURCES.md and from a plain Python reading of the raw text in this
file (csv module, str.split), never from the code under test.
"""

from __future__ import annotations

import csv
import gzip
import math
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeline.eurostat import read_observations

ENTERPRISE = ("freq", "size_emp", "nace_r2", "indic_is", "unit", "geo")

# file -> (format, dataset, dimensions, rows as SOURCES.md states them, eurostat_last_update)
SAMPLES = {
    "isoc_eb_ai/isoc_eb_ai.csv": ("sdmx-csv-2.0", "isoc_eb_ai", ENTERPRISE, 81, None),
    "isoc_eb_ai/EXCERPT_isoc_eb_ai_sdmx_E_AI_TANY_PC_ENT.csv": (
        "sdmx-csv-1.0", "isoc_eb_ai", ENTERPRISE, 175, "2026-02-27T11:00:00",
    ),
    "isoc_ec_evals/EXCERPT_isoc_ec_evals_sdmx_E_ETURN_PC_TURN_GE10.csv": (
        "sdmx-csv-1.0", "isoc_ec_evals", ENTERPRISE, 48, "2026-02-27T11:00:00",
    ),
    "isoc_e_dii/isoc_e_dii.csv": ("sdmx-csv-2.0", "isoc_e_dii", ENTERPRISE, 2860, None),
    # TSV: series x periods (3,266 series x 2015..2023; 102 x 2009..2020; 168 x 2010..2021)
    "isoc_e_dii/estat_isoc_e_dii.tsv": ("tsv", "isoc_e_dii", ENTERPRISE, 3266 * 9, None),
    "tin00074/estat_tin00074.tsv": ("tsv", "tin00074", ("freq", "nace_r2", "geo"), 102 * 12, None),
    "tin00028/tin00028.tsv": ("tsv", "tin00028", ("ind_type", "unit", "indic_is", "geo"), 168 * 12, None),
}
NOT_READ = {"isoc_eb_ai/isoc_eb_ai_E_AI_TTM_2024_2025.json"}  # JSON-stat: not a read_observations format


@pytest.fixture(scope="module")
def frames(samples_dir) -> dict[str, pd.DataFrame]:
    return {name: read_observations(samples_dir / name) for name in SAMPLES}


def _cell(df: pd.DataFrame, **where) -> tuple:
    mask = np.ones(len(df), dtype=bool)
    for column, value in where.items():
        mask &= (df[column] == value).to_numpy()
    rows = df[mask]
    assert len(rows) == 1, f"{where}: {len(rows)} rows"
    row = rows.iloc[0]
    return (
        None if math.isnan(row.value) else row.value,
        None if pd.isna(row.obs_status) else row.obs_status,
        None if pd.isna(row.conf_status) else row.conf_status,
    )


def _raw_observations(path: Path, dimensions) -> dict[tuple, tuple]:
    """The file read with the csv module and str.split: (dims..., period) -> (value, obs, conf)."""
    text = path.read_text(encoding="utf-8")
    out = {}
    if path.suffix == ".tsv":
        lines = text.splitlines()
        periods = [int(cell.strip()) for cell in lines[0].split("\t")[1:]]
        for line in lines[1:]:
            key, *cells = line.split("\t")
            for period, cell in zip(periods, cells):
                value, _, flags = cell.strip().partition(" ")
                conf = "C" if "c" in flags else None
                flags = flags.replace("c", "")
                out[(*key.split(","), period)] = (None if value == ":" else float(value), flags or None, conf)
        return out
    for row in csv.DictReader(text.splitlines()):
        flag = row.get("OBS_FLAG", row.get("OBS_STATUS")) or None
        out[(*(row[d] for d in dimensions), int(row["TIME_PERIOD"]))] = (
            float(row["OBS_VALUE"]) if row["OBS_VALUE"] else None,
            flag,
            row.get("CONF_STATUS") or None,
        )
    return out


def test_every_data_file_of_the_samples_is_covered(samples_dir):
    files = {
        str(path.relative_to(samples_dir))
        for path in samples_dir.rglob("*")
        if path.suffix in (".csv", ".tsv", ".json", ".gz") and not path.parent.name.startswith("_")
    }
    assert files == set(SAMPLES) | NOT_READ


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_shape_dtypes_and_attrs(frames, samples_dir, name):
    fmt, dataset, dimensions, rows, last_update = SAMPLES[name]
    df = frames[name]
    raw_lines = (samples_dir / name).read_text(encoding="utf-8").splitlines()
    if fmt == "tsv":
        assert len(df) == (len(raw_lines) - 1) * (len(raw_lines[0].split("\t")) - 1)
    else:
        assert len(df) == len(raw_lines) - 1
    assert len(df) == rows
    assert list(df.columns) == ["dataset", *dimensions, "time_period", "value", "obs_status", "conf_status"]
    assert df.attrs == {"dataset": dataset, "format": fmt, "eurostat_last_update": last_update}
    for column in ("dataset", *dimensions, "obs_status", "conf_status"):
        assert isinstance(df[column].dtype, pd.CategoricalDtype), column
        assert all(isinstance(category, str) for category in df[column].cat.categories), column
    assert df.time_period.dtype == np.int64 and df.value.dtype == np.float64
    assert set(df.conf_status.dropna()) <= {"C", "N", "P"}
    assert not df.obs_status.dropna().str.contains("c").any()


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_observation_matches_the_raw_text(frames, samples_dir, name):
    _, _, dimensions, _, _ = SAMPLES[name]
    df = frames[name]
    got = {
        row[:-3]: (None if math.isnan(row[-3]) else row[-3], None if pd.isna(row[-2]) else row[-2],
                   None if pd.isna(row[-1]) else row[-1])
        for row in df[[*dimensions, "time_period", "value", "obs_status", "conf_status"]].itertuples(index=False)
    }
    assert got == _raw_observations(samples_dir / name, dimensions)


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_same_table_from_path_bytes_and_gzip(frames, samples_dir, name, tmp_path):
    raw = (samples_dir / name).read_bytes()
    dataset = SAMPLES[name][1]
    compressed = tmp_path / "download.bin"  # a name that tells nothing
    compressed.write_bytes(gzip.compress(raw))
    for other in (
        read_observations(raw, dataset=dataset),
        read_observations(gzip.compress(raw), dataset=dataset),
        read_observations(compressed, dataset=dataset),
    ):
        # DataFrame.equals: same dtypes (category order included) and values, NaN equal to NaN;
        # assert_frame_equal gives the same verdict 100 times slower on categoricals.
        assert other.equals(frames[name]) and list(other.columns) == list(frames[name].columns)
        assert other.attrs == frames[name].attrs


def test_isoc_e_dii_tsv_values_and_flag_counts(frames, samples_dir):
    df = frames["isoc_e_dii/estat_isoc_e_dii.tsv"]
    enterprise = dict(size_emp="GE10", indic_is="E_DI3_VHI")
    assert _cell(df, geo="BE", time_period=2021, **enterprise) == (2.3, None, None)
    assert _cell(df, geo="BE", time_period=2023, **enterprise) == (9.7, None, None)
    assert _cell(df, geo="EU27_2020", time_period=2021, **enterprise) == (3.2, None, None)
    assert _cell(df, geo="EU27_2020", time_period=2023, **enterprise) == (5.0, None, None)
    raw = _tsv_cell_kinds(samples_dir / "isoc_e_dii/estat_isoc_e_dii.tsv")
    stated = {": ": 21891, "number": 4593, "number b": 2833, ": u": 59, ": bu": 15, ": c": 12}
    # SOURCES.md's 4,593 unflagged numbers include the 9 year cells of the header line.
    stated["number"] -= 9
    assert dict(raw) == stated
    assert _kinds(df) == stated


def test_tin00074_values_and_flag_counts(frames, samples_dir):
    df = frames["tin00074/estat_tin00074.tsv"]
    assert _cell(df, nace_r2="ICT", geo="BE", time_period=2020) == (4.32, "p", None)
    for year in (2019, 2020):
        assert _cell(df, nace_r2="C_ICT", geo="EU27_2020", time_period=year) == (None, None, "C")
    assert _cell(df, nace_r2="G-U_ICT", geo="EU27_2020", time_period=2019) == (4.05, "u", None)
    assert (df.value == -0.13).sum() == 1
    raw = _tsv_cell_kinds(samples_dir / "tin00074/estat_tin00074.tsv")
    stated = {": c": 246, ": ": 104, "number b": 66, "number p": 42, "number be": 6, "number u": 1}
    assert {kind: raw[kind] for kind in stated} == stated
    assert _kinds(df) == {**stated, "number": raw["number"]}


def test_tin00028_old_bulk_layout(frames):
    df = frames["tin00028/tin00028.tsv"]
    assert _cell(df, indic_is="I_ILT12", geo="BE", time_period=2021) == (94.0, None, None)
    assert _cell(df, indic_is="I_ILT12", geo="EU27_2020", time_period=2021) == (90.0, "e", None)
    zero = df[df.obs_status == "bn"]
    assert len(zero) == 1 and zero.value.iloc[0] == 0.0  # '0 bn': a real zero, flags kept together
    assert {"UK", "EU28", "EU27_2007", "EU27_2020"} <= set(df.geo.cat.categories)


def test_isoc_eb_ai_excerpt_flags_and_agreement_with_the_data_browser_file(frames):
    excerpt = frames["isoc_eb_ai/EXCERPT_isoc_eb_ai_sdmx_E_AI_TANY_PC_ENT.csv"]
    assert _cell(excerpt, size_emp="GE10", geo="FR", time_period=2023) == (5.88, "b", None)
    assert _cell(excerpt, size_emp="GE10", geo="MK", time_period=2021) == (None, None, "C")
    assert 2022 not in set(excerpt.time_period)
    browser = frames["isoc_eb_ai/isoc_eb_ai.csv"]
    pick = dict(size_emp="GE10", indic_is="E_AI_TANY", unit="PC_ENT")
    a = excerpt[(excerpt.time_period == 2025) & _where(excerpt, pick)].set_index("geo").value.sort_index()
    b = browser[(browser.time_period == 2025) & _where(browser, pick)].set_index("geo").value.sort_index()
    # The data-browser file holds 34 geos; the excerpt has the same 34 plus EA.
    assert len(b) == 34 and set(a.index) - set(b.index) == {"EA"}
    assert a.drop("EA").to_dict() == b.to_dict()


def test_isoc_eb_ai_data_browser_flags(frames):
    df = frames["isoc_eb_ai/isoc_eb_ai.csv"]
    assert _cell(df, indic_is="E_AI_ADOWN", geo="FR") == (None, "u", None)
    assert _cell(df, indic_is="E_AI_TANY", geo="NL") == (33.21, "b", None)
    assert dict(Counter(df.indic_is)) == {"E_AI_TANY": 34, "E_AI_EC": 25, "E_AI_ADOWN": 22}


def test_isoc_ec_evals_excerpt(frames):
    df = frames["isoc_ec_evals/EXCERPT_isoc_ec_evals_sdmx_E_ETURN_PC_TURN_GE10.csv"]
    for geo, value in (("BE", 29.51), ("EA", 19.06), ("EU27_2020", 19.49)):
        assert _cell(df, geo=geo, time_period=2025) == (value, None, None)
    for year in (2013, 2014):
        assert _cell(df, geo="BE", time_period=year) == (None, "u", None)
    assert sorted(set(df.time_period)) == list(range(2010, 2026))


def test_isoc_e_dii_data_browser_file(frames, samples_dir):
    df = frames["isoc_e_dii/isoc_e_dii.csv"]
    assert df.geo.nunique() == 35
    assert set(df.size_emp) == {"10-249", "10-49", "50-249", "GE10", "GE250"}
    with (samples_dir / "isoc_e_dii/isoc_e_dii.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert Counter(df.obs_status.dropna()) == Counter(row["OBS_FLAG"] for row in rows if row["OBS_FLAG"])
    assert (df.conf_status == "C").sum() == sum(row["CONF_STATUS"] == "C" for row in rows) == 9


# ---------------------------------------------------------------- helpers


def _where(df: pd.DataFrame, pick: dict) -> pd.Series:
    mask = pd.Series(True, index=df.index)
    for column, value in pick.items():
        mask &= df[column] == value
    return mask


def _kind(not_available: bool, flags: str) -> str:
    """': ', ': c', ': bu', 'number', 'number b', ... as SOURCES.md counts cells."""
    if not_available:
        return f": {flags}"
    return f"number {flags}" if flags else "number"


def _tsv_cell_kinds(path: Path) -> Counter:
    """Tally raw TSV cells straight from the text."""
    kinds = Counter()
    for line in path.read_text(encoding="utf-8").splitlines()[1:]:
        for cell in line.split("\t")[1:]:
            value, _, flags = cell.strip().partition(" ")
            kinds[_kind(value == ":", flags)] += 1
    return kinds


def _kinds(df: pd.DataFrame) -> dict:
    """The same tally from the observation table (a ': c' cell is conf_status C, no obs flag)."""
    kinds = Counter()
    for value, obs, conf in zip(df.value, df.obs_status, df.conf_status):
        flags = ("" if pd.isna(obs) else obs) + ("c" if conf == "C" else "")
        kinds[_kind(math.isnan(value), flags)] += 1
    return dict(kinds)
