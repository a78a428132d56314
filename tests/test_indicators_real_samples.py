"""Indicators and ranks on real Eurostat files, checked against figures worked out by hand with `csv`."""

from __future__ import annotations

import csv

import pytest

from pipeline.catalogue import load_catalogue
from pipeline.series import resolve_catalogue
from pipeline.eurostat import read_observations
from pipeline.geo import EU27
from pipeline.indicators import compute_indicators, compute_rankings
from schemas.indicators import validate_indicators, validate_rankings

EXCERPT = "isoc_eb_ai/EXCERPT_isoc_eb_ai_sdmx_E_AI_TANY_PC_ENT.csv"
BROWSER = "isoc_eb_ai/isoc_eb_ai.csv"
EVALS = "isoc_ec_evals/EXCERPT_isoc_ec_evals_sdmx_E_ETURN_PC_TURN_GE10.csv"


def by_hand(path, size_emp, period, focus="BE"):
    """Value, EU value, rank and n_ranked of E_AI_TANY PC_ENT, straight from the SDMX-CSV rows."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh)
                if (r["freq"], r["size_emp"], r["nace_r2"], r["indic_is"], r["unit"], r["TIME_PERIOD"])
                == ("A", size_emp, "C10-S951_X_K", "E_AI_TANY", "PC_ENT", str(period))]
    members = {r["geo"]: float(r["OBS_VALUE"]) for r in rows
               if r["geo"] in EU27 and r["OBS_VALUE"] != "" and r["CONF_STATUS"] == ""}
    eu = [float(r["OBS_VALUE"]) for r in rows if r["geo"] == "EU27_2020" and r["CONF_STATUS"] == ""]
    value = members[focus]
    rank = 1 + sum(1 for v in members.values() if v > value)  # higher is better
    return {"value": value, "eu_value": eu[0], "rank": rank, "n_ranked": len(members), "members": members}


@pytest.fixture(scope="module")
def excerpt(samples_dir):
    return read_observations(samples_dir / EXCERPT)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue().select(["ai_any_all_enterprises", "ai_any_small_enterprises"])


@pytest.fixture(scope="module")
def computed(catalogue, excerpt):
    observations = {"isoc_eb_ai": excerpt}
    resolve_catalogue(catalogue, observations)
    rankings = compute_rankings(catalogue, observations, edition=2026, focus_geo="BE")
    indicators = compute_indicators(catalogue, observations, edition=2026, focus_geo="BE", rankings=rankings)
    return validate_indicators(indicators), validate_rankings(rankings)


@pytest.mark.parametrize("period", [2025, 2024, 2023])
def test_belgium_any_ai_matches_the_hand_count(samples_dir, computed, period):
    indicators, rankings = computed
    expected = by_hand(samples_dir / EXCERPT, "GE10", period)
    row = indicators[(indicators["indicator_id"] == "ai_any_all_enterprises") & (indicators["time_period"] == period)]
    assert len(row) == 1
    row = row.iloc[0]
    assert (row["value"], row["eu_value"], row["rank"], row["n_ranked"]) == (
        expected["value"], expected["eu_value"], expected["rank"], expected["n_ranked"])
    # every member's rank, not only Belgium's
    ranked = rankings[(rankings["indicator_id"] == "ai_any_all_enterprises") & (rankings["time_period"] == period)]
    hand = {g: 1 + sum(1 for w in expected["members"].values() if w > v) for g, v in expected["members"].items()}
    assert dict(zip(ranked["geo"], ranked["rank"])) == hand


def test_2025_figures_and_provenance(computed):
    indicators, _ = computed
    row = indicators[(indicators["indicator_id"] == "ai_any_all_enterprises") & (indicators["time_period"] == 2025)].iloc[0]
    # BE's 13.81, 24.71, 34.54 are also quoted in EUROSTAT.md's TSV example
    assert row["value"] == 34.54 and row["eu_value"] == 19.95
    assert row["prev_time_period"] == 2024 and row["change"] == pytest.approx(34.54 - 24.71)
    assert row["eurostat_last_update"] == "2026-02-27T11:00:00"
    assert row["series_key"] == "A.GE10.C10-S951_X_K.E_AI_TANY.PC_ENT.BE"
    assert list(indicators.loc[indicators["indicator_id"] == "ai_any_all_enterprises", "time_period"]) == [
        2021, 2023, 2024, 2025]  # no 2022 survey question on AI


def test_flagged_members_keep_their_flags_in_the_rankings(computed):
    _, rankings = computed
    fr = rankings[(rankings["indicator_id"] == "ai_any_all_enterprises") & (rankings["geo"] == "FR")
                  & (rankings["time_period"] == 2023)]
    assert fr["obs_status"].tolist() == ["b"] and fr["value"].tolist() == [5.88]


def test_small_enterprises_the_excerpt_only_ranks_belgium(samples_dir, computed):
    # The excerpt carries BE, EA and EU27_2020 for size classes: BE is the only member to rank.
    indicators, _ = computed
    for period in (2025, 2024, 2023, 2021):
        expected = by_hand(samples_dir / EXCERPT, "10-49", period)
        row = indicators[(indicators["indicator_id"] == "ai_any_small_enterprises")
                         & (indicators["time_period"] == period)].iloc[0]
        assert expected["n_ranked"] == 1
        assert (row["value"], row["eu_value"], row["rank"], row["n_ranked"]) == (
            expected["value"], expected["eu_value"], 1, 1)


def test_the_data_browser_file_ranks_2025_the_same(samples_dir, catalogue, computed):
    _, from_api = computed
    browser = read_observations(samples_dir / BROWSER)
    only_ge10 = catalogue.select(["ai_any_all_enterprises"])
    from_browser = compute_rankings(only_ge10, {"isoc_eb_ai": browser}, edition=2026, focus_geo="BE")
    api_2025 = from_api[(from_api["indicator_id"] == "ai_any_all_enterprises") & (from_api["time_period"] == 2025)]
    columns = ["geo", "value", "rank", "n_ranked", "eu_value"]
    assert from_browser[columns].reset_index(drop=True).equals(api_2025[columns].reset_index(drop=True))


def test_ecommerce_share_skips_belgiums_unreliable_gap_years(samples_dir):
    catalogue = load_catalogue().select(["ecommerce_turnover_share"])
    observations = {"isoc_ec_evals": read_observations(samples_dir / EVALS)}
    indicators = validate_indicators(compute_indicators(catalogue, observations, edition=2026, focus_geo="BE"))
    rows = indicators.set_index("time_period")
    assert (rows.at[2025, "value"], rows.at[2025, "eu_value"]) == (29.51, 19.49)
    assert rows.loc[[2013, 2014], "obs_status"].tolist() == ["u", "u"]
    assert rows.loc[[2013, 2014], "value"].isna().all()
    assert rows.at[2015, "prev_time_period"] == 2012
    assert rows.at[2015, "change"] == pytest.approx(25.41 - 13.99)
