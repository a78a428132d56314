"""Peer groups as data, and each member's place among its neighbours."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from pipeline.catalogue import Catalogue, IndicatorSpec, Topic
from pipeline.comparisons import peer_comparisons
from pipeline.errors import CatalogueError
from pipeline.geo import EU27
from pipeline.peers import DEFAULT_PATH, load_peer_groups

TITLE = {"en": "t", "nl": "t", "fr": "t"}


def test_every_member_has_neighbours_and_belgium_has_its_four():
    peers = load_peer_groups()
    assert set(peers.neighbours) == EU27
    assert peers.neighbours["BE"] == ("NL", "FR", "DE", "LU")
    assert [g for g, _, _ in peers.by_member["BE"]] == ["neighbours", "benelux"]
    assert peers.by_member["LU"][1] == ("benelux", peers.groups["benelux"].title, ("BE", "NL"))
    # land borders are mutual (Ireland's nearest member across the sea, France, is the one exception)
    for geo, others in peers.neighbours.items():
        for other in others:
            assert geo in peers.neighbours[other] or geo == "IE", (geo, other)


@pytest.mark.parametrize("change, words", [
    (lambda d: d["neighbours"].update(BE=["NL", "UK"]), "neighbours.BE: 'UK' is not an EU member code; the 27 are AT BE"),
    (lambda d: d["groups"].update(alps={"title": TITLE, "members": ["AT", "CH"]}), "'CH' is not an EU member code"),
    (lambda d: d["neighbours"].pop("SK"), "no entry for SK"),
    (lambda d: d["neighbours"].update(GR=["BG"]), "'GR' is not an EU member code"),
])
def test_an_unknown_member_anywhere_is_refused_with_the_27_codes(tmp_path, change, words):
    doc = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    change(doc)
    path = tmp_path / "peers.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    with pytest.raises(CatalogueError) as caught:
        load_peer_groups(path)
    assert words in str(caught.value)


def test_a_member_is_placed_among_its_neighbours_in_the_catalogues_direction():
    specs = tuple(IndicatorSpec(id=i, topic="t", headline=True, dataset="isoc_e_dii", higher_is_better=h,
                                series={"freq": "A", "size_emp": "GE10", "nace_r2": "C10-S951_X_K",
                                        "indic_is": "E_DI3_GELO", "unit": "PC_ENT"}, title=TITLE)
                  for i, h in (("up", True), ("down", False)))
    cat = Catalogue(topics=(Topic(id="t", title=TITLE),), indicators=specs, sha256="0" * 64)
    values = {"BE": 50.0, "NL": 60.0, "FR": 40.0, "DE": 50.0, "LU": np.nan}
    rows = [{"indicator_id": i, "geo": g, "time_period": 2025, "value": v} for i in ("up", "down")
            for g, v in values.items()]
    table = peer_comparisons(pd.DataFrame(rows), cat, load_peer_groups(), 2026)
    up = table[(table.geo == "BE") & (table.group == "neighbours") & (table.indicator_id == "up")].iloc[0]
    assert (up.place, up.n_placed) == (2, 4)  # NL 60 > BE 50 = DE 50 > FR 40; LU has no value
    assert up.peers == ["NL", "FR", "DE", "LU"] and up.peer_values == [60.0, 40.0, 50.0, None]
    down = table[(table.geo == "BE") & (table.group == "neighbours") & (table.indicator_id == "down")].iloc[0]
    assert down.place == 2  # lower is better: FR 40 first, BE and DE share 2nd
    lu = table[(table.geo == "LU") & (table.group == "benelux") & (table.indicator_id == "up")].iloc[0]
    assert pd.isna(lu.place) and lu.n_placed == 2 and np.isnan(lu.value)
