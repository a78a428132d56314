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
    # Second round (SOURCES.md, "Added in the second round").
    # SDMX-CSV 1.0 of 2023 without CONF_STATUS; lower-case 'c' in OBS_FLAG.
    "isoc_eb_ics/isoc_eb_ics.csv": ("sdmx-csv-1.0", "isoc_eb_ics", ENTERPRISE, 26763, "2023-12-08T11:00:00"),
    # Data-browser SDMX-CSV 2.0 without labels and without CONF_STATUS, CRLF, lower-case 'c' in OBS_FLAG.
    "isoc_e_dii/isoc_e_dii_2015_2023_by_size.csv": ("sdmx-csv-2.0", "isoc_e_dii", ENTERPRISE, 4308, None),
    "isoc_e_dii/isoc_e_dii_2021_2023_smes.csv": ("sdmx-csv-2.0", "isoc_e_dii", ENTERPRISE, 602, None),
    # SDMX-CSV 1.0 excerpts with CONF_STATUS (LF).
    "isoc_cicce_use/EXCERPT_isoc_cicce_use_sdmx_GE10_10-249_E_CC.csv": (
        "sdmx-csv-1.0", "isoc_cicce_use", ENTERPRISE, 2922, "2026-02-27T11:00:00",
    ),
    "isoc_eb_das/EXCERPT_isoc_eb_das_sdmx_GE10_10-249_E_DA.csv": (
        "sdmx-csv-1.0", "isoc_eb_das", ENTERPRISE, 327, "2026-02-27T11:00:00",
    ),
    "isoc_e_dii/EXCERPT_isoc_e_dii_sdmx_GE10_10-249_GELO.csv": (
        "sdmx-csv-1.0", "isoc_e_dii", ENTERPRISE, 850, "2026-02-27T11:00:00",
    ),
    "isoc_ec_evals/EXCERPT_isoc_ec_evals_sdmx_GE10_E_AXSVAL_PC_ETURN.csv": (
        "sdmx-csv-1.0", "isoc_ec_evals", ENTERPRISE, 20, "2026-02-27T11:00:00",
    ),
    "isoc_eb_ai/EXCERPT_isoc_eb_ai_sdmx_GE10_purposes_barriers_tech.csv": (
        "sdmx-csv-1.0", "isoc_eb_ai", ENTERPRISE, 110, "2026-02-27T11:00:00",
    ),
    # Current TSV, CRLF: 144 / 180 / 144 series x 2004..2022; 96 series x 2009..2020.
    "isoc_sks_itsp/estat_isoc_sks_itsp_age.tsv": (
        "tsv", "isoc_sks_itsp", ("freq", "unit", "age", "geo"), 144 * 19, None,
    ),
    "isoc_sks_itsp/estat_isoc_sks_itsp_ed.tsv": (
        "tsv", "isoc_sks_itsp", ("freq", "unit", "isced11", "geo"), 180 * 19, None,
    ),
    "isoc_sks_itsp/estat_isoc_sks_itsp_sex.tsv": (
        "tsv", "isoc_sks_itsp", ("freq", "unit", "sex", "geo"), 144 * 19, None,
    ),
    "tin00085/estat_tin00085.tsv": ("tsv", "tin00085", ("freq", "nace_r2", "geo"), 96 * 12, None),
}
# A TSV names no dataset, and these file names carry a suffix of the downloader's ('_age'): the
# reader would take 'isoc_sks_itsp_age' from the name, so the code is passed as a caller must.
DATASET_ARGUMENT = {name: "isoc_sks_itsp" for name in SAMPLES if name.startswith("isoc_sks_itsp/")}
NOT_READ = {"isoc_eb_ai/isoc_eb_ai_E_AI_TTM_2024_2025.json"}  # JSON-stat: not a read_observations format


@pytest.fixture(scope="module")
def frames(samples_dir) -> dict[str, pd.DataFrame]:
    return {name: read_observations(samples_dir / name, dataset=DATASET_ARGUMENT.get(name)) for name in SAMPLES}


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
        flag = row.get("OBS_FLAG", row.get("OBS_STATUS")) or ""
        conf = row.get("CONF_STATUS") or None
        if conf is None and "c" in flag:  # legacy confidential (2023 vintage without CONF_STATUS)
            conf, flag = "C", flag.replace("c", "")
        out[(*(row[d] for d in dimensions), int(row["TIME_PERIOD"]))] = (
            float(row["OBS_VALUE"]) if row["OBS_VALUE"] else None,
            flag or None,
            conf,
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


# ---------------------------------------------------------------- second round of samples


def test_isoc_eb_ics_legacy_confidential_c_without_conf_status(frames, samples_dir):
    path = samples_dir / "isoc_eb_ics/isoc_eb_ics.csv"
    header, rows = _csv_rows(path)
    assert header[-2:] == ["OBS_VALUE", "OBS_FLAG"] and "CONF_STATUS" not in header
    assert len(rows) == 26763
    df = frames["isoc_eb_ics/isoc_eb_ics.csv"]
    assert len(df) == len(rows)
    # The legacy lower-case 'c': always on an empty value in the raw text; C with a null value here.
    legacy = [row for row in rows if "c" in row["OBS_FLAG"]]
    assert len(legacy) == 10 and {row["OBS_FLAG"] for row in legacy} == {"c"}
    assert all(row["OBS_VALUE"] == "" for row in legacy)
    confidential = df[df.conf_status == "C"]
    assert _keys(confidential, ENTERPRISE) == {_raw_key(row, ENTERPRISE) for row in legacy}
    assert confidential.value.isna().all() and confidential.obs_status.isna().all()
    assert _cell(df, size_emp="50-249", indic_is="E_DI3_LO_SISC", unit="PC_ENT", geo="ME", time_period=2023) == (
        None, None, "C",
    )
    # Every other flag kept in obs_status, as the raw text has it.
    assert Counter(df.obs_status.dropna()) == Counter(
        row["OBS_FLAG"] for row in rows if row["OBS_FLAG"] and row["OBS_FLAG"] != "c"
    ) == {"u": 969, "b": 420}
    first = rows[0]
    assert (first["geo"], first["size_emp"], first["indic_is"], first["OBS_VALUE"]) == (
        "ES", "0-9", "E_DI3_HI_SISC", "2.0",
    )
    assert _cell(df, size_emp="0-9", indic_is="E_DI3_HI_SISC", unit="PC_ENT", geo="ES", time_period=2023) == (
        2.0, None, None,
    )
    zeros = [row for row in rows if row["OBS_VALUE"] and float(row["OBS_VALUE"]) == 0]
    assert len(zeros) == 38 and (df.value == 0).sum() == 38
    # SOURCES.md: 11 size classes, 30 indic_is, 5 units, 41 geos, 2010-2023.
    assert df.size_emp.nunique() == 11 and {"0_1", "1-4", "5-9"} <= set(df.size_emp)
    assert df.indic_is.nunique() == 30 and df.geo.nunique() == 41
    assert set(df.unit) == {"PC_ENT", "PC_ENT_ADE", "PC_ENT_CUSE", "PC_ENT_INV3SBG", "PC_ENT_IUSE"}
    assert (df.time_period.min(), df.time_period.max()) == (2010, 2023)


DATA_BROWSER_WITHOUT_LABELS = {
    # file -> (size classes, number of indic_is, periods, one row from the raw text, one legacy 'c' cell)
    "isoc_e_dii/isoc_e_dii_2015_2023_by_size.csv": (
        {"10-49", "50-249", "GE250"}, 17, set(range(2015, 2024)),
        dict(size_emp="10-49", indic_is="E_DI2_HI", geo="AT", time_period=2018, value=5.5),
        dict(size_emp="10-49", indic_is="E_DI2_HI", geo="MK", time_period=2020),
    ),
    "isoc_e_dii/isoc_e_dii_2021_2023_smes.csv": (
        {"10-249", "GE250"}, 5, {2021, 2023},
        dict(size_emp="10-249", indic_is="E_DI3_GELO", geo="AT", time_period=2023, value=57.9),
        dict(size_emp="GE250", indic_is="E_DI3_GELO", geo="ME", time_period=2023),
    ),
}


@pytest.mark.parametrize("name", sorted(DATA_BROWSER_WITHOUT_LABELS))
def test_isoc_e_dii_data_browser_without_labels_or_conf_status(frames, samples_dir, name):
    sizes, n_indicators, periods, known, legacy_cell = DATA_BROWSER_WITHOUT_LABELS[name]
    path = samples_dir / name
    raw = path.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n") == len(raw.splitlines())  # CRLF on every line
    header, rows = _csv_rows(path)
    assert header == ["STRUCTURE", "STRUCTURE_ID", *ENTERPRISE, "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG"]
    df = frames[name]
    assert set(df.size_emp) == sizes and df.indic_is.nunique() == n_indicators and set(df.time_period) == periods
    known = dict(known)
    value = known.pop("value")
    assert _cell(df, **known) == (value, None, None)
    assert _cell(df, **legacy_cell) == (None, None, "C")
    legacy = [row for row in rows if "c" in row["OBS_FLAG"]]
    assert legacy and all(row["OBS_FLAG"] == "c" and row["OBS_VALUE"] == "" for row in legacy)
    assert _keys(df[df.conf_status == "C"], ENTERPRISE) == {_raw_key(row, ENTERPRISE) for row in legacy}
    assert Counter(df.obs_status.dropna()) == Counter(
        row["OBS_FLAG"] for row in rows if row["OBS_FLAG"] not in ("", "c")
    )
    # No stray carriage return in the last column.
    assert not any("\r" in flag for flag in df.obs_status.cat.categories)


SKS_ITSP = {
    # file -> (breakdown dimension, first cells of its first series, as the raw text shows them)
    "isoc_sks_itsp/estat_isoc_sks_itsp_age.tsv": ("age", dict(unit="PC", age="Y15-34", geo="AT"), (48.4, "be")),
    "isoc_sks_itsp/estat_isoc_sks_itsp_ed.tsv": ("isced11", dict(unit="PC", isced11="ED0-4", geo="AT"), (63.2, "be")),
    "isoc_sks_itsp/estat_isoc_sks_itsp_sex.tsv": ("sex", dict(unit="PC", sex="F", geo="AT"), (22.1, "be")),
}


@pytest.mark.parametrize("name", sorted(SKS_ITSP))
def test_isoc_sks_itsp_tsv_flags(frames, samples_dir, name):
    _, series, (value, flag) = SKS_ITSP[name]
    path = samples_dir / name
    raw = path.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n")  # CRLF
    df = frames[name]
    assert _cell(df, time_period=2004, **series) == (value, flag, None)
    assert set(df.unit) == {"PC", "THS_PER"}
    assert sorted(set(df.time_period)) == list(range(2004, 2023))
    assert {"e", "be", "bu", "bd", "d"} <= set(df.obs_status.dropna())
    assert dict(_tsv_cell_kinds(path)) == _kinds(df)


def test_tin00085_tsv(frames, samples_dir):
    path = samples_dir / "tin00085/estat_tin00085.tsv"
    df = frames["tin00085/estat_tin00085.tsv"]
    raw = _tsv_cell_kinds(path)
    assert raw[": c"] == 219 and (df.conf_status == "C").sum() == 219
    assert df[df.conf_status == "C"].value.isna().all()
    assert set(df.obs_status.dropna()) == {"b", "p", "d", "be"}
    assert _kinds(df) == dict(raw)
    assert len(df[["nace_r2", "geo"]].drop_duplicates()) == 96
    assert _cell(df, nace_r2="C_ICT", geo="AT", time_period=2014) == (None, None, "C")
    assert _cell(df, nace_r2="C_ICT", geo="BE", time_period=2018) == (0.13, "b", None)
    assert _cell(df, nace_r2="C_ICT", geo="BE", time_period=2020) == (0.15, "p", None)


def test_isoc_cicce_use_excerpt_cloud(frames, samples_dir):
    name = "isoc_cicce_use/EXCERPT_isoc_cicce_use_sdmx_GE10_10-249_E_CC.csv"
    df = frames[name]
    cloud = dict(size_emp="GE10", indic_is="E_CC", unit="PC_ENT", time_period=2025)
    assert _cell(df, geo="BE", **cloud) == (61.62, None, None)
    assert _cell(df, geo="EU27_2020", **cloud) == (52.74, None, None)
    _, rows = _csv_rows(samples_dir / name)
    cc = [row for row in rows if row["indic_is"] == "E_CC"]
    assert set(df[df.indic_is == "E_CC"].time_period) == {int(row["TIME_PERIOD"]) for row in cc} == {
        2014, 2015, 2016, 2017, 2018, 2020, 2021, 2023, 2024, 2025,
    }
    # SOURCES.md says "not 2024"; the excerpt does hold 2024 E_CC rows, for four countries only.
    assert set(df[(df.indic_is == "E_CC") & (df.time_period == 2024)].geo) == {"ES", "HR", "HU", "NL"}
    assert (df.conf_status == "C").sum() == sum(row["CONF_STATUS"] == "C" for row in rows) == 1
    assert Counter(df.obs_status.dropna()) == Counter(row["OBS_FLAG"] for row in rows if row["OBS_FLAG"])


def test_isoc_eb_das_excerpt_data_analytics(frames):
    df = frames["isoc_eb_das/EXCERPT_isoc_eb_das_sdmx_GE10_10-249_E_DA.csv"]
    assert _cell(df, size_emp="GE10", indic_is="E_DA", unit="PC_ENT", geo="BE", time_period=2025) == (52.09, None, None)
    assert set(df.indic_is) == {"E_DA", "E_DAEXT"} and set(df.size_emp) == {"10-249", "GE10"}
    assert set(df.time_period) == {2023, 2024, 2025}
    flagged = df[df.obs_status == "d"]
    assert len(flagged) == 4 and flagged.value.notna().all()  # 'd' (definition differs) on real values


def test_isoc_e_dii_excerpt_empty_value_with_bu_and_zero(frames, samples_dir):
    name = "isoc_e_dii/EXCERPT_isoc_e_dii_sdmx_GE10_10-249_GELO.csv"
    df = frames[name]
    assert _cell(df, size_emp="GE10", indic_is="E_DI3_HI", geo="FR", time_period=2023) == (None, "bu", None)
    assert _raw_row(samples_dir / name, size_emp="GE10", indic_is="E_DI3_HI", geo="FR", TIME_PERIOD="2023")[
        "OBS_VALUE"
    ] == ""
    for geo, year in (("LV", 2018), ("ME", 2020)):
        assert _raw_row(samples_dir / name, size_emp="GE10", indic_is="E_DI2_VHI", geo=geo, TIME_PERIOD=str(year))[
            "OBS_VALUE"
        ] == "0"
        assert _cell(df, size_emp="GE10", indic_is="E_DI2_VHI", geo=geo, time_period=year) == (0.0, None, None)
    assert {"E_DI3_GELO", "E_DI4_GELO"} <= set(df.indic_is)
    assert set(df.obs_status.dropna()) == {"b", "d", "u", "bu"}


def test_isoc_ec_evals_excerpt_edi_sales(frames, samples_dir):
    name = "isoc_ec_evals/EXCERPT_isoc_ec_evals_sdmx_GE10_E_AXSVAL_PC_ETURN.csv"
    df = frames[name]
    edi = dict(indic_is="E_AXSVAL", unit="PC_ETURN")
    assert _cell(df, geo="BE", time_period=2025, **edi) == (65.99, None, None)
    assert _cell(df, geo="AT", time_period=2011, **edi) == (82.16, None, None)
    for year in (2013, 2014):
        assert _cell(df, geo="BE", time_period=year, **edi) == (None, "u", None)
    assert sorted(df[(df.geo == "BE") & _where(df, edi)].time_period) == list(range(2011, 2026))
    zero = dict(indic_is="E_AWSVAL_GT1_B2C_GT10WS", unit="PC_AWSVAL", geo="HU")
    assert _raw_row(samples_dir / name, TIME_PERIOD="2018", **zero)["OBS_VALUE"] == "0"
    assert _cell(df, time_period=2018, **zero) == (0.0, None, None)
    assert _cell(df, indic_is="E_AWSVAL_GT1_B2C_GT10WS", unit="PC_TURN", geo="ME", time_period=2022) == (
        None, None, "C",
    )


def test_isoc_eb_ai_excerpt_purposes_barriers_technologies(frames, samples_dir):
    name = "isoc_eb_ai/EXCERPT_isoc_eb_ai_sdmx_GE10_purposes_barriers_tech.csv"
    df = frames[name]
    assert _cell(df, indic_is="E_AI_PMS", unit="PC_ENT_AI_TANY", geo="BE", time_period=2025) == (26.39, None, None)
    assert _cell(df, indic_is="E_DI3_HI_AI_TANY", unit="PC_ENT", geo="EE", time_period=2025) == (11.68, "d", None)
    assert set(df[df.indic_is == "E_AI_PHR"].time_period) == {2021}
    assert set(df[df.indic_is == "E_AI_TPVSG"].time_period) == {2025}
    zeros = (("E_AI_PLOG", "PC_ENT_AI_TANY", "ME", 2021), ("E_AI_PRDI", "PC_ENT_IUSE", "AL", 2025))
    for indicator, unit, geo, year in zeros:
        where = dict(indic_is=indicator, unit=unit, geo=geo)
        assert _raw_row(samples_dir / name, TIME_PERIOD=str(year), **where)["OBS_VALUE"] == "0"
        assert _cell(df, time_period=year, **where) == (0.0, None, None)
    _, rows = _csv_rows(samples_dir / name)
    assert (df.conf_status == "C").sum() == sum(row["CONF_STATUS"] == "C" for row in rows) == 5
    assert df[df.conf_status == "C"].value.isna().all()
    assert set(df.obs_status.dropna()) == {"b", "u", "d"}
    assert set(df.unit) == {"PC_ENT", "PC_ENT_AI_EC", "PC_ENT_AI_TANY", "PC_ENT_AI_TX", "PC_ENT_IUSE"}


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


def _csv_rows(path: Path) -> tuple[list[str], list[dict]]:
    """Header and rows of an SDMX-CSV file, read with the csv module."""
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        rows = list(reader)
        return list(reader.fieldnames), rows


def _raw_row(path: Path, **where) -> dict:
    """The one raw CSV row whose columns (names as in the header) have the given texts."""
    _, rows = _csv_rows(path)
    found = [row for row in rows if all(row[column] == text for column, text in where.items())]
    assert len(found) == 1, f"{where}: {len(found)} raw rows"
    return found[0]


def _raw_key(row: dict, dimensions) -> tuple:
    return (*(row[d] for d in dimensions), int(row["TIME_PERIOD"]))


def _keys(df: pd.DataFrame, dimensions) -> set:
    return set(df[[*dimensions, "time_period"]].itertuples(index=False, name=None))
