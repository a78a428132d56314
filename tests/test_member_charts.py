"""Every member's charts: SVG with real text in its language, honest axes, the member against the EU27
per topic item and breakdown group (print PNG: test_chart_png.py)."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest

from pipeline import chart_groups
from pipeline.catalogue import load_catalogue
from pipeline.member_charts import lead_indicators, member_charts, topic_chart_names
from pipeline.peers import load_peer_groups
from pipeline.svg_charts import _axis
from tests.helpers.frames import sample_indicators

CAT = load_catalogue()
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    return sample_indicators(tmp_path_factory.mktemp("m"), CAT)[1]


def _charts(table, geo="BE", lang="nl", **kw):
    return member_charts(table, CAT, edition=2026, geo=geo, lang=lang, neighbours=load_peer_groups().neighbours[geo],
                         sources={"isoc_eb_ai": {"eurostat_last_update": "2026-02-27T11:00:00"}}, is_sample=True, **kw)


def _texts(svg: bytes) -> list[str]:
    return [t.text for t in ElementTree.fromstring(svg).iter(f"{SVG}text")]


def test_each_topic_has_a_ranking_and_a_series_and_each_target_a_trajectory(table):
    charts = _charts(table)
    topics = {t.id for t in CAT.topics}
    stems = {name.rsplit(".", 1)[0] for name in charts}
    assert {f"nl/{t}_ranking" for t in topics} <= stems and {f"nl/{t}_series" for t in topics} <= stems
    assert {f"nl/{s.id}_trajectory" for s in CAT.indicators if s.target} <= stems
    assert all(name.endswith(".svg") for name in charts)  # print PNG are made later, for some members only


def test_the_ranking_speaks_the_language_marks_the_member_and_the_eu_and_names_no_id(table):
    charts = _charts(table, geo="FR", lang="fr")
    svg = charts["fr/ai_enterprises_ranking.svg"]
    texts = _texts(svg)
    assert any(t.endswith(". France") for t in texts) and "UE27" in texts and "Allemagne" in " ".join(texts)
    assert not any("ai_any_all_enterprises" in t for t in texts), "titles come from the catalogue, not ids"
    assert "Entreprises utilisant au moins une technologie d'IA" in " ".join(texts)
    root = ElementTree.fromstring(svg)
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    assert fills.count("#c0392b") == 1 and fills.count("#1f3a93") == 1  # the member, the EU27
    assert fills.count("#e59866") == len(load_peer_groups().neighbours["FR"])  # its neighbours
    assert "DONNÉES D'EXEMPLE SYNTHÉTIQUES - pas des chiffres d'Eurostat" in texts
    assert any(t.endswith("\u00a0%") for t in texts)  # French writes a no-break space before % (pipeline.numbers)


def test_index_versions_are_never_joined_into_one_line(table):
    svg = _charts(table, lang="en")["en/digital_intensity_series.svg"]
    texts = " ".join(_texts(svg))
    assert "Belgium (DII v3)" in texts and "Belgium (DII v4)" in texts
    assert "DII v3 and DII v4 are different versions of the index" in texts
    lines = [p.get("points") for p in ElementTree.fromstring(svg).iter(f"{SVG}polyline")]
    assert len(lines) == 4  # BE v3, EU v3, BE v4, EU v4


def test_axes_start_at_zero_on_round_numbers():
    assert _axis(53.2, True) == (60.0, 20.0)
    assert _axis(90.0, True) == (100.0, 25.0)
    assert _axis(99.0, True) == (100.0, 25.0)
    assert _axis(4.3, True) == (6.0, 2.0)


def test_a_missing_member_is_footnoted(table):
    gone = table[~((table.geo == "LU") & (table.indicator_id == "ai_any_all_enterprises") & (table.time_period == 2025))]
    texts = _texts(_charts(gone, lang="en")["en/ai_enterprises_ranking.svg"])
    assert "No published figure: Luxembourg" in texts
    assert not any(re.fullmatch(r"\d+\. Luxembourg", t or "") for t in texts)


def _labels(svg: bytes) -> list[str]:
    """The row labels of a paired-bar chart (bold, at the left edge), top to bottom."""
    return [t.text for t in ElementTree.fromstring(svg).iter(f"{SVG}text")
            if t.get("font-weight") == "bold" and t.get("x") == "16.0" and t.get("font-size") == "10.5"]


def _value(table, indicator, geo="BE", period=2025):
    row = table[(table.indicator_id == indicator) & (table.geo == geo) & (table.time_period == period)]
    return float(row["value"].iloc[0])


def test_the_items_chart_orders_the_items_by_the_members_value_and_says_so(table):
    svg = _charts(table, lang="en")["en/ai_technologies_items.svg"]
    techs = [s for s in CAT.indicators if s.topic == "ai_technologies"]
    expected = sorted(techs, key=lambda s: -_value(table, s.id))
    assert _labels(svg) == [s.short["en"][:1].upper() + s.short["en"][1:] for s in expected]
    texts = _texts(svg)
    assert "Ordered by the value of Belgium, highest first" in texts
    assert "% of enterprises" in texts and "EU27" in texts and "Belgium" in texts


def test_an_item_without_a_figure_is_footnoted_with_its_reason_not_drawn_as_zero(table):
    charts = _charts(table, lang="nl")
    svg = charts["nl/ai_purposes_items.svg"]
    hr = CAT.by_id["ai_purpose_human_resources"]
    assert table[(table.indicator_id == hr.id) & (table.geo == "BE") & (table.time_period == 2025)
                 ]["missing_reason"].iloc[0] == "last surveyed in 2021"
    labels = _labels(svg)
    assert len(labels) == 7 and "Personeelsbeheer" not in labels
    assert any("Niet getekend, geen cijfer voor België: Personeelsbeheer (laatst bevraagd in 2021)" in t
               for t in _texts(svg))
    # the denominator of the purposes: enterprises that use AI, never all enterprises
    assert "% van de ondernemingen die AI gebruiken" in _texts(svg)
    bars = [r for r in ElementTree.fromstring(svg).iter(f"{SVG}rect") if r.get("height") == "10"]
    assert len(bars) == 2 + 2 * 7  # legend squares, then a member and an EU bar per drawn item


def test_a_missing_eu_figure_draws_no_eu_bar_and_is_footnoted(table):
    gone = table.copy()
    gone.loc[(gone.indicator_id == "ai_tech_speech_recognition") & (gone.time_period == 2025), "eu_value"] = None
    svg = _charts(gone, lang="fr")["fr/ai_technologies_items.svg"]
    eu_bars = [r for r in ElementTree.fromstring(svg).iter(f"{SVG}rect") if r.get("fill") == "#1f3a93"]
    assert len(eu_bars) == 1 + 7  # the legend's and seven of eight items
    assert any(t.startswith("Pas de chiffre UE27: La reconnaissance vocale") for t in _texts(svg))


def test_items_of_a_topic_share_one_unit_and_one_way_of_measuring():
    for topic, lead in lead_indicators(CAT).items():
        specs = chart_groups.items(CAT, topic, lead)
        assert len({s.unit for s in specs}) <= 1, topic
    assert [s.id for s in chart_groups.items(CAT, "genai_individuals", CAT.by_id["genai_any_purpose"])] == [
        "genai_private", "genai_work", "genai_formal_education"]  # the total is the ranking, not an item
    assert chart_groups.items(CAT, "ai_enterprises", CAT.by_id["ai_any_all_enterprises"]) == []
    assert chart_groups.items(CAT, "ecommerce_enterprises", CAT.by_id["ecommerce_turnover_share"]) == []


def test_breakdowns_are_the_size_classes_and_education_and_age_read_off_the_series_codes(table):
    size = chart_groups.breakdowns(CAT, "ai_enterprises", CAT.by_id["ai_any_all_enterprises"])
    assert list(size) == ["size_emp"]
    assert [chart_groups.codes(s)["size_emp"] for s in size["size_emp"]] == ["GE10", "10-49", "50-249", "GE250"]
    people = chart_groups.breakdowns(CAT, "online_purchases", CAT.by_id["bought_online_12m"])
    assert [chart_groups.codes(s)["ind_type"] for s in people["ind_type"]] == [
        "IND_TOTAL", "I0_2", "I5_8", "Y16_24", "Y25_54", "Y55_74"]
    charts = _charts(table, lang="en")
    assert _labels(charts["en/ai_enterprises_by_size_emp.svg"]) == [
        "All enterprises (10 or more persons employed)", "Small enterprises (10-49 persons employed)",
        "Medium-sized enterprises (50-249 persons employed)", "Large enterprises (250 or more persons employed)"]
    texts = _texts(charts["en/online_purchases_by_ind_type.svg"])
    assert texts.index("By level of education") < texts.index("The low educated") < texts.index(
        "The highly educated") < texts.index("By age") < texts.index("16-24 year olds")
    assert "Flags: p = provisional" in texts and "75.1% (p)" in texts  # BE 55-74: flagged in the sample


def test_every_chart_parses_has_real_text_and_shows_no_internal_code(table):
    codes = {s.id for s in CAT.indicators} | {s.unit for s in CAT.indicators}
    for lang in ("nl", "fr", "en"):
        charts = _charts(table, geo="PT", lang=lang)
        assert len(charts) >= 39
        for name, svg in charts.items():
            texts = [t for t in _texts(svg) if t]
            assert len(texts) > 5, name
            words = set(re.findall(r"[A-Za-z0-9_]+", " ".join(texts)))
            assert not words & codes, (name, words & codes)
            root = ElementTree.fromstring(svg)
            assert root.get("width") == "170mm" and root.get("height").endswith("mm")


def test_the_overview_embeds_each_topics_charts_in_reading_order(table):
    charts = _charts(table, lang="en")
    assert [n.split("/")[1] for n in topic_chart_names(charts, "en", "online_purchases")] == [
        "online_purchases_ranking.svg", "online_purchases_by_ind_type.svg", "online_purchases_series.svg"]
    assert [n.split("/")[1] for n in topic_chart_names(charts, "en", "ai_purposes")] == [
        "ai_purposes_ranking.svg", "ai_purposes_items.svg", "ai_purposes_series.svg"]


def test_line_labels_stand_clear_of_the_plot_and_of_each_other(table):
    svg = _charts(table, lang="en")["en/cloud_computing_trajectory.svg"]
    root = ElementTree.fromstring(svg)
    plot_right = max(float(x) for line in root.iter(f"{SVG}line") for x in (line.get("x1"), line.get("x2")))
    labels = [t for t in root.iter(f"{SVG}text") if t.get("font-weight") == "bold" and t.get("font-size") == "9.5"]
    assert {t.text.split()[0] for t in labels} == {"Belgium", "EU27", "target"}
    assert all(float(t.get("x")) > plot_right for t in labels)
    ys = sorted(float(t.get("y")) for t in labels)
    assert all(b - a >= 12 for a, b in zip(ys, ys[1:]))


def test_the_overview_document_carries_the_items_and_breakdown_charts_inline(table):
    from pipeline.overview_document import overview_html

    charts = _charts(table, lang="fr")
    html = overview_html(table, CAT, edition=2026, geo="BE", lang="fr", neighbours=("NL", "FR", "DE", "LU"),
                         charts=charts, sources={}, is_sample=True)
    section = html[html.index('<section id="online_purchases">'):]
    section = section[:section.index("</section>")]
    titles = re.findall(r"<svg [^>]*>\s*<title>([^<]*)</title>", section)
    assert len(titles) == 3 and "Belgique et l'UE27, 2025" in titles[1]  # ranking, by education and age, series
    assert "Selon le niveau d'éducation" in section and "<text " in section


@pytest.mark.parametrize("chart", ["ai_enterprises_ranking", "ai_barriers_items", "online_purchases_by_ind_type"])
def test_no_grid_line_runs_through_a_label(table, chart):
    root = ElementTree.fromstring(_charts(table, lang="fr")[f"fr/{chart}.svg"])
    grid = [(float(g.get("x1")), float(g.get("y1")), float(g.get("y2"))) for g in root.iter(f"{SVG}line")
            if g.get("x1") == g.get("x2")]
    assert len({x for x, _, _ in grid}) >= 4  # the ticks still have their lines
    labels = [t for t in root.iter(f"{SVG}text") if t.get("text-anchor") == "start" and t.text]
    for text in labels:
        x, y, size = float(text.get("x")), float(text.get("y")), float(text.get("font-size"))
        right = x + 0.55 * size * len(text.text)  # what the glyphs cover at least
        crossing = [g for g in grid if x <= g[0] <= right and g[1] < y - 2 and g[2] > y - 0.7 * size]
        assert not crossing, (text.text, crossing)


def test_a_breakdown_group_without_a_figure_keeps_its_familys_heading(table):
    gone = table.copy()
    low = (gone.indicator_id == "bought_online_12m_low_education") & (gone.geo == "BE") & (gone.time_period == 2025)
    gone.loc[low, ["value", "missing_reason"]] = [None, "confidential"]
    texts = _texts(_charts(gone, lang="fr")["fr/online_purchases_by_ind_type.svg"])
    assert "Les personnes peu instruites" not in texts
    assert texts.index("Selon le niveau d'éducation") == texts.index("Les personnes très instruites") - 1
    assert any("Les personnes peu instruites (confidentiel)" in t for t in texts)
