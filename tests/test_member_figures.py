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
    # problems when buying online: fewer is better, said beside the rank and the place among the neighbours
    problems, peers = [line for line in texts["en"].splitlines() if line.startswith("- Online buyers who encountered")]
    assert "EU member states (1 = the lowest share, the best here)." in problems
    assert "with its neighbours (1 = the lowest share, the best here)" in peers
    assert "(1 = het laagste aandeel, hier het best)" in texts["nl"]
    dii = table[(table.geo == "BE") & (table.indicator_id == "basic_digital_intensity_smes") & (table.time_period == 2025)].iloc[0]
    gap = f"{dii['gap_to_target']:.2f}".replace(".", ",")
    assert f"| 90,00\u00a0% (2030) | {gap} |" in texts["fr"] and "## Décennie numérique\u00a0:" in texts["fr"]
    assert "voisins compris\u00a0: Pays-Bas" in texts["fr"]


def test_the_source_line_names_datasets_updates_and_extraction_and_the_sample(tables):
    texts, _ = _render(tables, "NL")
    codes = ", ".join(sorted(tables[2]))
    assert f"Bron: synthetische voorbeeldgegevens, geen Eurostat-cijfers, datasets {codes} (voorbeeld gedateerd " \
           "2026-02-27); gegevens opgehaald op 2026-12-01." in texts["nl"]
    assert "Eurostat" not in texts["fr"].replace("pas des chiffres d'Eurostat", "")  # the sample is not Eurostat's
    live, _ = _render(tables, "NL", is_sample=False)
    assert f"Source: Eurostat, datasets {codes} (Eurostat's last update 2026-02-27); data extracted on 2026-12-01." \
        in live["en"] and "SYNTHETIC" not in live["en"]
    assert f"Source\u00a0: Eurostat, jeux de données {codes} (dernière mise à jour par Eurostat 2026-02-27)\u00a0; " \
           "données extraites le 2026-12-01." in live["fr"]


def test_every_figure_follows_the_publication_rounding(tables):
    table = tables[0]
    texts, data = _render(tables, "BE", decimals=1)
    value = table[(table.geo == "BE") & (table.indicator_id == "ai_any_all_enterprises") & (table.time_period == 2025)]
    value = float(value["value"].iloc[0])
    assert data["key_figures"][0]["value"] == value  # the JSON's number is unrounded
    printed = f"{value:.1f}".replace(".", ",") + "\u00a0%"
    assert printed in data["key_figures"][0]["sentences"]["nl"] and printed in texts["nl"]
    # no figure anywhere in the text with more decimals than asked (dates and codes aside)
    import re
    assert not re.findall(r"\d,\d\d", texts["nl"]) and not re.findall(r"\d\.\d\d(?!\d*-)", texts["en"])


def test_the_document_prints_its_paragraphs_and_tables_at_the_publication_rounding(tables):
    import html
    import re

    from pipeline.overview_document import overview_html

    table, _, sources = tables
    peers = load_peer_groups().neighbours["BE"]

    def document(lang, decimals):
        page = overview_html(table, CAT, edition=2026, geo="BE", lang=lang, neighbours=peers, charts={},
                             sources=sources, is_sample=True, decimals=decimals)
        return html.unescape(re.sub(r"<style>.*?</style>|<[^>]+>", " ", page, flags=re.S))

    row = table[(table.geo == "BE") & (table.indicator_id == "ai_any_all_enterprises") & (table.time_period == 2025)]
    value, eu = float(row["value"].iloc[0]), float(row["eu_value"].iloc[0])
    fr = document("fr", 1)
    assert f"{value:.1f}".replace(".", ",") + "\u00a0%" in fr and f"{eu:.1f}".replace(".", ",") + "\u00a0%" in fr
    assert not re.findall(r"\d,\d\d", fr)  # no figure with two decimals anywhere, tables included
    assert "Parmi ses voisins, la Belgique" in fr and "points de pourcentage" in fr
    assert " :" not in fr.replace("\u00a0:", "") and " %" not in fr  # one rule for the French spaces
    en = document("en", 2)
    assert f"{value:.2f}%" in en and "percentage points above the EU27 average" in en
    assert "Source: synthetic sample data, not Eurostat figures, datasets" in en
    # every row of the topic ranks from the lowest share: one note for the topic, not one per row
    assert en.count("rank 1 = the lowest share, the best here") == 2  # reasons for not using AI, problems online
    assert "Problems when buying online: rank 1 = the lowest share, the best here" in en


def test_the_member_products_pass_the_publication_rounding_to_every_text(tables):
    from pipeline.member_products import MemberInputs, member_files

    table, comparisons, sources = tables
    shown = presentation_from_catalogue(CAT, 2026)
    inputs = MemberInputs(table, comparisons, CAT, load_peer_groups(), 2026, tuple(shown.headline_ids),
                          shown.reporting_periods, sources, True, chart_languages=("nl",),
                          decimals=0)
    files, _ = member_files(inputs, "BE")
    value = table[(table.geo == "BE") & (table.indicator_id == "ai_any_all_enterprises") & (table.time_period == 2025)]
    whole = f"{round(float(value['value'].iloc[0]))}\u00a0%"
    for name in ("key_figures.nl.md", "overview.nl.html"):
        text = files[f"members/BE/{name}"].decode("utf-8")
        assert whole in text and "procentpunt" in text, name
    import json
    assert json.loads(files["members/BE/key_figures.json"])["decimals"] == 0
