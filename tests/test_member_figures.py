"""Every member's key figures in nl, fr and en: peers, the Digital Decade table, the source line."""

from __future__ import annotations

import pytest

from pipeline.catalogue import load_catalogue
from pipeline.comparisons import peer_comparisons
from pipeline.geo import EU27
from pipeline.member_figures import member_key_figures
from pipeline.peers import load_peer_groups
from pipeline.release import presentation_from_catalogue
from tests.helpers.frames import sample_indicators

CAT = load_catalogue()


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    obs, table = sample_indicators(tmp_path_factory.mktemp("m"), CAT)
    sources = {c: {"eurostat_last_update": "2026-02-27T11:00:00+01:00", "retrieved_at": "2026-12-01T09:00:00Z"}
               for c in obs}
    return table, peer_comparisons(table, CAT, load_peer_groups(), 2026), sources


def _render(tables, geo, **changes):
    table, comparisons, sources = tables
    shown = presentation_from_catalogue(CAT, 2026)
    args = dict(edition=2026, geo=geo, headline_ids=shown.headline_ids, reporting_periods=shown.reporting_periods,
                sources=sources, is_sample=True) | changes
    return member_key_figures(table, comparisons, CAT, **args)


def test_every_member_gets_three_languages_with_its_own_figures(tables):
    table = tables[0]
    for geo in sorted(EU27):
        texts, data = _render(tables, geo)
        assert set(texts) == {"nl", "fr", "en"} and data["geo"] == geo
        value = table[(table.geo == geo) & (table.indicator_id == "ai_any_all_enterprises") & (table.time_period == 2025)]
        first = data["key_figures"][0]
        assert first["indicator_id"] == "ai_any_all_enterprises" and first["value"] == value["value"].iloc[0]


def test_belgium_is_placed_among_its_four_neighbours_and_the_digital_decade_gap_is_shown(tables):
    table, comparisons, _ = tables
    texts, data = _render(tables, "BE")
    (ai,) = [n for n in data["neighbours"] if n["indicator_id"] == "ai_any_all_enterprises"]
    assert ai["peers"] == ["NL", "FR", "DE", "LU"]
    values = {g: table[(table.geo == g) & (table.indicator_id == "ai_any_all_enterprises") & (table.time_period == 2025)]
              ["value"].iloc[0] for g in ("BE", "NL", "FR", "DE", "LU")}
    assert ai["place"] == 1 + sum(v > values["BE"] for g, v in values.items() if g != "BE")
    assert "## Vergelijking met de buurlanden" in texts["nl"] and "Nederland" in texts["nl"]
    assert "(1 = lowest share)" in texts["en"]  # problems when buying online: fewer is better
    dii = table[(table.geo == "BE") & (table.indicator_id == "basic_digital_intensity_smes") & (table.time_period == 2025)].iloc[0]
    gap = f"{dii['gap_to_target']:.2f}".replace(".", ",")
    assert f"| 90,00 % (2030) | {gap} |" in texts["fr"] and "## Décennie numérique" in texts["fr"]


def test_the_source_line_names_datasets_updates_and_extraction_and_the_sample(tables):
    texts, _ = _render(tables, "NL")
    assert "Bron: synthetische voorbeeldgegevens, geen Eurostat-cijfers: isoc_ai_iaiu (laatste bijwerking door " \
           "Eurostat 2026-02-27)" in texts["nl"]
    assert "gegevens opgehaald op 2026-12-01" in texts["nl"]
    live, _ = _render(tables, "NL", is_sample=False)
    assert "Source: Eurostat: isoc_" in live["en"] and "SYNTHETIC" not in live["en"]
