"""Every member's charts: SVG with real text in its language, PNG rendered from it, honest axes."""

from __future__ import annotations

import re
import struct
from xml.etree import ElementTree

import pytest

from pipeline.catalogue import load_catalogue
from pipeline.member_charts import member_charts
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
    for name, data in charts.items():
        if name.endswith(".png"):
            assert data[:8] == b"\x89PNG\r\n\x1a\n"
            width, height = struct.unpack(">II", data[16:24])
            assert width == 760 and height > 300


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
