"""Ranks, EU values, changes and flags on hand-made observation tables; the Pandera schemas of both tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.catalogue import Catalogue, IndicatorSpec, Topic
from pipeline.errors import ValidationFailed
from pipeline.geo import EU27
from pipeline.indicators import (
    INDICATOR_COLUMNS,
    RANKING_COLUMNS,
    compute_indicators,
    compute_rankings,
    implausible_jumps,
    missing_headline_values,
    percent_out_of_range,
    ranking_universe_problems,
    series_key,
)
from schemas.indicators import validate_indicators, validate_rankings
from tests.helpers.frames import observation_table

DS = "isoc_e_dii"
DI = {"freq": "A", "size_emp": "GE10", "nace_r2": "C10-S951_X_K", "indic_is": "E_DI4_GELO", "unit": "PC_ENT"}
BARRIER = {**DI, "indic_is": "E_DI3_VLO"}  # stands in for a "lower is better" series


def _spec(id, series, higher_is_better=True, headline=False, period_offset=-1):
    title = {"en": id, "nl": f"{id} (nl)", "fr": f"{id} (fr)"}
    return IndicatorSpec(id=id, topic="t", headline=headline, dataset=DS, series=series,
                         higher_is_better=higher_is_better, period_offset=period_offset, title=title)


def _catalogue(*specs):
    return Catalogue(topics=(Topic(id="t", title={"en": "T", "nl": "T", "fr": "T"}),), indicators=specs, sha256="0" * 64)


def _members_row(series, period, values):
    return [(series, geo, period, value) for geo, value in values.items()]


@pytest.fixture
def tables():
    """Digital intensity 2023-2025 with ties, gaps, flags, confidential cells, aggregates and non-members."""
    rows = [
        # 2025: AT and BE tie for 2nd; IT missing, LU confidential; EA, NO, EU27_2020 are not ranked.
        (DI, "FR", 2025, 80.0), (DI, "AT", 2025, 70.0), (DI, "BE", 2025, 70.0, "b"), (DI, "DE", 2025, 60.0, "p"),
        (DI, "IT", 2025, np.nan), (DI, "LU", 2025, np.nan, None, "C"),
        (DI, "EA", 2025, 99.0), (DI, "NO", 2025, 95.0), (DI, "EU27_2020", 2025, 65.0),
        # 2024: BE has no value (flag u kept); EU average confidential.
        (DI, "FR", 2024, 75.0), (DI, "BE", 2024, np.nan, "u"), (DI, "DE", 2024, 55.0),
        (DI, "EU27_2020", 2024, np.nan, None, "C"),
        # 2023
        (DI, "FR", 2023, 50.0), (DI, "BE", 2023, 52.0), (DI, "EU27_2020", 2023, 51.5, "e"),
        # 2026 is after edition 2026's reporting period 2025: never shown.
        (DI, "BE", 2026, 99.0), (DI, "FR", 2026, 10.0),
        # lower is better
        (BARRIER, "BE", 2025, 10.0), (BARRIER, "FR", 2025, 20.0), (BARRIER, "DE", 2025, 5.0),
        (BARRIER, "MK", 2025, 1.0),
    ]
    cat = _catalogue(_spec("basic_di", DI, headline=True), _spec("very_low_di", BARRIER, higher_is_better=False))
    obs = {DS: observation_table(DS, rows)}
    rankings = compute_rankings(cat, obs, edition=2026, focus_geo="BE")
    indicators = compute_indicators(cat, obs, edition=2026, focus_geo="BE")
    return cat, obs, rankings, indicators


def _at(table, indicator, period, geo=None):
    sel = (table["indicator_id"] == indicator) & (table["time_period"] == period)
    if geo is not None:
        sel &= table["geo"] == geo
    rows = table.loc[sel]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_tables_have_exactly_the_contract_columns_and_pass_their_schemas(tables):
    _, _, rankings, indicators = tables
    assert tuple(rankings.columns) == RANKING_COLUMNS
    assert tuple(indicators.columns) == INDICATOR_COLUMNS
    assert indicators["time_period"].dtype == "int64" and indicators["value"].dtype == "float64"
    assert str(indicators["rank"].dtype) == "Int64" and str(indicators["prev_time_period"].dtype) == "Int64"
    validate_rankings(rankings)
    validate_indicators(indicators)


def test_ties_share_the_lowest_rank_and_the_next_rank_is_skipped(tables):
    _, _, rankings, _ = tables
    ranks = rankings[(rankings["indicator_id"] == "basic_di") & (rankings["time_period"] == 2025)]
    assert dict(zip(ranks["geo"], ranks["rank"])) == {"FR": 1, "AT": 2, "BE": 2, "DE": 4}
    assert set(ranks["n_ranked"]) == {4}


def test_missing_confidential_aggregates_and_non_members_are_never_ranked(tables):
    _, _, rankings, _ = tables
    assert set(rankings["geo"]) <= EU27
    ranked_2025 = set(rankings.loc[(rankings["indicator_id"] == "basic_di") & (rankings["time_period"] == 2025), "geo"])
    assert ranked_2025.isdisjoint({"IT", "LU", "EA", "NO", "EU27_2020"})
    assert rankings["conf_status"].isna().all() and rankings["value"].notna().all()
    assert ranking_universe_problems(rankings) == []


def test_lower_is_better_ranks_ascending(tables):
    _, _, rankings, indicators = tables
    ranks = rankings[rankings["indicator_id"] == "very_low_di"]
    assert dict(zip(ranks["geo"], ranks["rank"])) == {"DE": 1, "BE": 2, "FR": 3}  # MK is not a member
    row = _at(indicators, "very_low_di", 2025)
    assert (row["rank"], row["n_ranked"]) == (2, 3)


def test_eu_value_is_eurostats_own_and_never_a_confidential_one(tables):
    _, _, rankings, indicators = tables
    assert _at(indicators, "basic_di", 2025)["eu_value"] == 65.0  # not the mean of the members (70)
    assert _at(rankings, "basic_di", 2025, "FR")["eu_value"] == 65.0
    row_2024 = _at(indicators, "basic_di", 2024)
    assert np.isnan(row_2024["eu_value"]) and np.isnan(row_2024["diff_eu"])
    assert np.isnan(_at(rankings, "basic_di", 2024, "FR")["eu_value"])
    assert np.isnan(_at(indicators, "very_low_di", 2025)["eu_value"])  # no EU27_2020 row at all


def test_focus_value_diff_eu_change_and_flags(tables):
    _, _, rankings, indicators = tables
    row = _at(indicators, "basic_di", 2025)
    assert row["value"] == 70.0 and row["obs_status"] == "b" and row["conf_status"] is None
    assert row["diff_eu"] == pytest.approx(5.0)
    assert (row["rank"], row["n_ranked"]) == (2, 4)
    assert row["series_key"] == "A.GE10.C10-S951_X_K.E_DI4_GELO.PC_ENT.BE" and row["geo"] == "BE"
    assert row["unit"] == "PC_ENT" and row["eurostat_last_update"] == "2026-02-27T11:00:00"
    assert (row["title_en"], row["title_nl"], row["topic"]) == ("basic_di", "basic_di (nl)", "t")
    # flags travel with values into the rankings too
    assert _at(rankings, "basic_di", 2025, "BE")["obs_status"] == "b"
    assert _at(rankings, "basic_di", 2025, "DE")["obs_status"] == "p"
    assert bool(_at(rankings, "basic_di", 2025, "BE")["is_focus"]) is True
    assert not rankings.loc[rankings["geo"] != "BE", "is_focus"].any()


def test_focus_without_value_keeps_its_row_and_flag_and_the_previous_period_skips_the_gap(tables):
    _, _, _, indicators = tables
    gap = _at(indicators, "basic_di", 2024)
    assert np.isnan(gap["value"]) and gap["obs_status"] == "u"
    assert pd.isna(gap["rank"]) and gap["n_ranked"] == 2  # FR and DE were ranked without BE
    assert gap["prev_time_period"] == 2023 and np.isnan(gap["change"])
    after = _at(indicators, "basic_di", 2025)
    assert after["prev_time_period"] == 2023 and after["prev_value"] == 52.0
    assert after["change"] == pytest.approx(18.0)  # percentage points, 2025 against 2023
    first = _at(indicators, "basic_di", 2023)
    assert pd.isna(first["prev_time_period"]) and np.isnan(first["change"])
    assert first["diff_eu"] == pytest.approx(0.5)


def test_periods_after_the_reporting_period_are_left_out(tables):
    cat, obs, rankings, indicators = tables
    assert indicators["time_period"].max() == 2025 and rankings["time_period"].max() == 2025
    assert list(indicators.loc[indicators["indicator_id"] == "basic_di", "time_period"]) == [2023, 2024, 2025]
    earlier = compute_indicators(cat, obs, edition=2025, focus_geo="BE")
    assert earlier["time_period"].max() == 2024
    later = compute_indicators(_catalogue(_spec("basic_di", DI, period_offset=0)), obs, edition=2026, focus_geo="BE")
    assert _at(later, "basic_di", 2026)["value"] == 99.0


def test_a_confidential_focus_value_is_not_shown_even_if_a_number_is_present():
    rows = [(DI, "BE", 2025, 42.0, None, "C"), (DI, "FR", 2025, 50.0), (DI, "EU27_2020", 2025, 48.0)]
    cat = _catalogue(_spec("basic_di", DI))
    obs = {DS: observation_table(DS, rows)}
    row = _at(compute_indicators(cat, obs, 2026, "BE"), "basic_di", 2025)
    assert np.isnan(row["value"]) and row["conf_status"] == "C" and pd.isna(row["rank"]) and row["n_ranked"] == 1
    assert set(compute_rankings(cat, obs, 2026, "BE")["geo"]) == {"FR"}


def test_a_focus_country_outside_the_eu_is_refused(tables):
    cat, obs, _, _ = tables
    with pytest.raises(ValueError, match="'NO' is not one of the 27 EU member states"):
        compute_indicators(cat, obs, 2026, "NO")
    with pytest.raises(ValueError, match="'EU27_2020'"):
        compute_rankings(cat, obs, 2026, "EU27_2020")


def test_series_key_follows_the_dsd_order_of_the_dataset():
    spec = IndicatorSpec(id="genai", topic="t", headline=False, dataset="isoc_ai_iaiu",
                         series={"unit": "PC_IND", "indic_is": "I_IUAI", "ind_type": "IND_TOTAL", "freq": "A"},
                         higher_is_better=True, period_offset=-1, title={"en": "g", "nl": "g", "fr": "g"})
    assert series_key(spec, "BE") == "A.IND_TOTAL.I_IUAI.PC_IND.BE"


# --- the helpers behind the asset checks ----------------------------------------------------


def test_missing_headline_values_names_the_indicator_period_and_flags(tables):
    cat, obs, _, indicators = tables
    assert missing_headline_values(indicators, cat, 2026).empty
    problems = missing_headline_values(indicators, cat, 2025)  # reports 2024, where BE has only ': u'
    assert problems.to_dict("records") == [
        {"indicator_id": "basic_di", "geo": "BE", "time_period": 2024,
         "problem": "value missing (obs_status=u, conf_status=None)"}
    ]
    assert list(missing_headline_values(indicators, cat, 2030)["time_period"]) == [2029]


def test_ranking_universe_problems_catch_a_doctored_table(tables):
    _, _, rankings, _ = tables
    bad = rankings.copy()
    bad.loc[0, "geo"] = "NO"
    bad.loc[1, "n_ranked"] = 28
    problems = ranking_universe_problems(bad)
    assert any("outside the EU27: ['NO']" in p for p in problems)
    assert any("n_ranked > 27" in p for p in problems)
    assert any("n_ranked differs from the rows ranked" in p for p in problems)


def test_percent_out_of_range_reads_the_unit_from_either_table(tables):
    _, _, rankings, indicators = tables
    assert percent_out_of_range(indicators).empty and percent_out_of_range(rankings).empty
    bad = rankings.copy()
    bad.loc[2, "value"] = 101.0
    assert list(percent_out_of_range(bad).index) == [2]
    bad_ind = indicators.copy()
    bad_ind.loc[0, "eu_value"] = -1.0
    assert list(percent_out_of_range(bad_ind).index) == [0]


def test_implausible_jumps_flag_large_changes_only(tables):
    _, _, _, indicators = tables
    jumps = implausible_jumps(indicators, threshold_pp=15.0)
    assert list(zip(jumps["indicator_id"], jumps["time_period"])) == [("basic_di", 2025)]  # +18 pp
    assert implausible_jumps(indicators, threshold_pp=20.0).empty


# --- the schemas -----------------------------------------------------------------------------


def test_rankings_schema_names_table_column_rule_and_rows(tables):
    _, _, rankings, _ = tables
    bad = rankings.copy()
    bad.loc[0, "geo"] = "EU27_2020"
    bad.loc[1, "rank"] = 9  # n_ranked is 4
    with pytest.raises(ValidationFailed) as excinfo:
        validate_rankings(bad)
    message = str(excinfo.value)
    assert message.startswith("rankings table failed validation")
    assert "column 'geo', rule isin" in message and "row 0 (indicator_id=basic_di" in message
    assert "rank must be <= n_ranked: row 1 (indicator_id=basic_di, time_period=2023" in message
    assert excinfo.value.failures is not None


def test_indicators_schema_refuses_percent_out_of_range_duplicates_and_extra_columns(tables):
    _, _, _, indicators = tables
    bad = pd.concat([indicators, indicators.iloc[[0]]], ignore_index=True)
    bad.loc[1, "value"] = 130.0
    with pytest.raises(ValidationFailed) as excinfo:
        validate_indicators(bad)
    message = str(excinfo.value)
    assert "value must lie within 0-100 when the unit starts with PC_: row 1 (indicator_id=basic_di, time_period=2024" in message
    assert "multiple_fields_uniqueness" in message
    with pytest.raises(ValidationFailed, match="column_in_schema: 'extra'"):
        validate_indicators(indicators.assign(extra=1))
    with pytest.raises(ValidationFailed, match="column 'n_ranked'"):
        validate_indicators(indicators.assign(n_ranked=pd.array([28] * len(indicators), dtype="Int64")))


def test_empty_input_gives_empty_tables_with_the_contract_dtypes():
    cat = _catalogue(_spec("basic_di", DI))
    obs = {DS: observation_table(DS, [(BARRIER, "BE", 2025, 1.0)])}
    rankings = compute_rankings(cat, obs, 2026, "BE")
    indicators = compute_indicators(cat, obs, 2026, "BE")
    assert rankings.empty
    # The edition's figure is still there, as missing with the reason: never silently absent.
    assert len(indicators) == 1 and np.isnan(indicators["value"].iloc[0])
    assert indicators["missing_reason"].iloc[0].startswith("no value published for 2025")
    validate_rankings(rankings)
    validate_indicators(indicators)
