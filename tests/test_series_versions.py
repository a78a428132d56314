"""A statistic whose Eurostat code changes over time, coverage, and missing figures with their reasons."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from pipeline.catalogue import load_catalogue
from pipeline.coverage import compute_coverage
from pipeline.eurostat import read_observations
from pipeline.indicators import compute_indicators, missing_figures, missing_headline_values
from pipeline.series import resolve_catalogue

HEADER = "DATAFLOW,LAST UPDATE,freq,size_emp,nace_r2,indic_is,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS"
TITLE = {"en": "x", "nl": "x (nl)", "fr": "x (fr)"}
DII = {"freq": "A", "size_emp": "GE10", "nace_r2": "C10-S951_X_K", "unit": "PC_ENT"}
VERSIONS = [{"label": "DII v4", "codes": {"indic_is": "E_DI4_GELO"}, "periods": {"from": 2022, "step": 2}},
            {"label": "DII v3", "codes": {"indic_is": "E_DI3_GELO"}, "periods": {"from": 2021, "step": 2}}]


def sdmx(rows: list[tuple]) -> bytes:
    """Eurostat SDMX-CSV 1.0 of isoc_e_dii rows (indic_is, geo, period, value[, flag, conf])."""
    lines = [HEADER]
    for indic, geo, period, value, *rest in rows:
        flag, conf = (list(rest) + ["", ""])[:2]
        lines.append(f"ESTAT:ISOC_E_DII(1.0),27/02/26 11:00:00,A,GE10,C10-S951_X_K,{indic},PC_ENT,{geo},{period},"
                     f"{value},{flag},{conf}")
    return ("\r\n".join(lines) + "\r\n").encode()


def catalogue(tmp_path, *entries):
    doc = {"topics": {"t": TITLE}, "indicators": [
        {"topic": "t", "dataset": "isoc_e_dii", "higher_is_better": True, "title": TITLE, **e} for e in entries]}
    path = tmp_path / "catalogue.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return load_catalogue(path)


REAL_LIKE = [  # BE figures of the real isoc_e_dii (GE10), FR and the EU made up around them
    ("E_DI3_GELO", "BE", 2021, "81.20"), ("E_DI3_GELO", "BE", 2023, "83.10"), ("E_DI3_GELO", "BE", 2025, "84.90", "b"),
    ("E_DI4_GELO", "BE", 2022, "80.00"), ("E_DI4_GELO", "BE", 2024, "84.30"),
    ("E_DI3_GELO", "FR", 2025, "70.00"), ("E_DI4_GELO", "FR", 2024, "69.00"),
    ("E_DI3_GELO", "EU27_2020", 2025, "72.50"), ("E_DI4_GELO", "EU27_2020", 2024, "71.00"),
    ("E_DI3_VHI", "BE", 2025, "9.70"),
]


@pytest.fixture
def dii(tmp_path):
    cat = catalogue(tmp_path, {"id": "basic_di", "headline": True, "series": DII, "versions": VERSIONS})
    return cat, {"isoc_e_dii": read_observations(sdmx(REAL_LIKE))}


def _row(table, period):
    (row,) = table[table["time_period"] == period].itertuples()
    return row


def test_each_period_is_reported_from_the_code_of_its_survey_year(dii):
    cat, obs = dii
    resolve_catalogue(cat, obs)
    table = compute_indicators(cat, obs, 2026, "BE")
    r25, r24 = _row(table, 2025), _row(table, 2024)
    assert (r25.value, r25.series_key, r25.series_version) == (84.90, "A.GE10.C10-S951_X_K.E_DI3_GELO.PC_ENT.BE", "DII v3")
    assert (r24.value, r24.series_key, r24.series_version) == (84.30, "A.GE10.C10-S951_X_K.E_DI4_GELO.PC_ENT.BE", "DII v4")
    assert (r25.eu_value, r25.rank, r25.n_ranked) == (72.50, 1, 2)


def test_a_change_is_computed_only_against_the_same_version_and_the_skip_is_said(dii):
    cat, obs = dii
    table = compute_indicators(cat, obs, 2026, "BE")
    r25, r24, r22 = _row(table, 2025), _row(table, 2024), _row(table, 2022)
    assert (r25.prev_time_period, r25.prev_value, round(r25.change, 2)) == (2023, 83.10, 1.80)
    assert "2024 was measured with DII v4, not comparable with DII v3; change against 2023" in r25.comparability_note
    assert "break in series in 2025 (Eurostat flag b)" in r25.comparability_note
    assert (r24.prev_time_period, round(r24.change, 2)) == (2022, 4.30)
    assert pd.isna(r22.prev_time_period) and "no earlier comparable period" in r22.comparability_note


def test_versions_declared_comparable_compare_with_the_previous_year(tmp_path, dii):
    _, obs = dii
    cat = catalogue(tmp_path, {"id": "basic_di", "headline": True, "series": DII, "versions": VERSIONS,
                               "versions_comparable": True})
    r25 = _row(compute_indicators(cat, obs, 2026, "BE"), 2025)
    assert (r25.prev_time_period, round(r25.change, 2)) == (2024, 0.60)


def test_coverage_lists_each_version_and_a_new_one_the_catalogue_does_not_know(dii):
    cat, _ = dii
    obs = {"isoc_e_dii": read_observations(sdmx(REAL_LIKE + [("E_DI5_GELO", "BE", 2026, "86.00"),
                                                              ("E_DI4_GELO", "FR", 2025, "1.00")]))}
    cov = compute_coverage(cat, obs).set_index("version")
    assert cov.loc["DII v3", "periods"] == "2021, 2023, 2025" and cov.loc["DII v3", "status"] == "ok"
    assert cov.loc["DII v4", "periods"] == "2022, 2024, 2025" and cov.loc["DII v4", "undeclared_periods"] == "2025"
    assert cov.loc["DII v4", "status"] == "values in periods the catalogue does not assign to this code"
    new = cov.loc["unknown: E_DI5_GELO"]
    assert (new["series"], new["periods"]) == ("A.GE10.C10-S951_X_K.E_DI5_GELO.PC_ENT", "2026")
    assert new["status"] == "new version of the series, not in the catalogue"
    # the stray E_DI4_GELO 2025 value never stands in for the 2025 figure
    assert _row(compute_indicators(cat, obs, 2026, "BE"), 2025).value == 84.90


def test_a_headline_pinned_to_the_wrong_version_blocks_naming_the_code_that_has_the_period(tmp_path, dii):
    _, obs = dii
    old = {**DII, "indic_is": "E_DI4_GELO"}  # the catalogue as it was: v4 in every year
    cat = catalogue(tmp_path, {"id": "basic_di", "headline": True, "series": old})
    table = compute_indicators(cat, obs, 2026, "BE")
    (problem,) = missing_headline_values(table, cat, 2026).itertuples()
    assert problem.time_period == 2025
    assert "no value published for 2025 (series A.GE10.C10-S951_X_K.E_DI4_GELO.PC_ENT" in problem.problem
    assert "newest period with a value: 2024" in problem.problem
    assert "indic_is E_DI3_GELO, E_DI3_VHI have 2025" in problem.problem


def test_figures_missing_by_design_or_by_flag_say_why_and_block_nothing(tmp_path):
    rows = [("E_DI3_HI", "BE", 2021, "2.30"), ("E_DI3_HI", "FR", 2021, "4.00"),
            ("E_DI3_LO", "FR", 2025, "30.00"), ("E_DI3_LO", "BE", 2025, "", "", "C"),
            ("E_DI3_VLO", "BE", 2025, "", "u"), ("E_DI3_VLO", "FR", 2025, "12.00"),
            ("E_DI3_VHI", "FR", 2025, "9.00")]
    cat = catalogue(
        tmp_path,
        {"id": "hi_2021", "headline": True, "series": {**DII, "indic_is": "E_DI3_HI"}, "periods": {"from": 2021, "to": 2021}},
        {"id": "lo", "headline": False, "series": {**DII, "indic_is": "E_DI3_LO"}},
        {"id": "vlo", "headline": False, "series": {**DII, "indic_is": "E_DI3_VLO"}},
        {"id": "vhi", "headline": False, "series": {**DII, "indic_is": "E_DI3_VHI"}},
    )
    obs = {"isoc_e_dii": read_observations(sdmx(rows))}
    table = compute_indicators(cat, obs, 2026, "BE")
    assert missing_headline_values(table, cat, 2026).empty  # a headline Eurostat stopped asking blocks nothing
    reasons = dict(zip(*missing_figures(table, cat, 2026)[["indicator_id", "problem"]].T.values))
    assert reasons == {"hi_2021": "last surveyed in 2021", "lo": "confidential (C)",
                       "vlo": "not available (flag u: low reliability)", "vhi": "not published for BE in 2025"}
    row = table[(table["indicator_id"] == "hi_2021") & (table["time_period"] == 2025)].iloc[0]
    assert pd.isna(row["value"]) and row["missing_reason"] == "last surveyed in 2021"


def test_a_version_eurostat_does_not_serve_at_all_stops_the_run(tmp_path, dii):
    _, obs = dii
    typo = [{**VERSIONS[0], "codes": {"indic_is": "E_DI4_GEL0"}}, VERSIONS[1]]
    cat = catalogue(tmp_path, {"id": "basic_di", "headline": True, "series": DII, "versions": typo})
    with pytest.raises(Exception, match=r"'basic_di' \(version DII v4\): dataset isoc_e_dii has no "
                                        r"indic_is=E_DI4_GEL0 .*codes it has for indic_is: E_DI3_GELO, E_DI3_VHI, E_DI4_GELO"):
        resolve_catalogue(cat, obs)


def test_overlapping_versions_are_refused_at_load(tmp_path):
    both = [{**VERSIONS[0], "periods": {"from": 2021}}, VERSIONS[1]]
    with pytest.raises(Exception, match=r"indicator 'basic_di' \(#1\): field 'versions': 2021 is served by more "
                                        r"than one version \(DII v4, DII v3\)"):
        catalogue(tmp_path, {"id": "basic_di", "headline": True, "series": DII, "versions": both})
