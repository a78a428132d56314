"""Codelists from the structure endpoint (loopback server, real sockets), snapshotted once, and the labels they give."""

from __future__ import annotations

import gzip
import json
from datetime import datetime

import pandas as pd
import pytest

from pipeline.annex import annex_html
from pipeline.catalogue import load_catalogue
from pipeline.codelist_snapshots import CodelistStore, sync_codelist, sync_codelists
from pipeline.errors import EurostatUnavailable, UnexpectedResponse
from pipeline.eurostat.codelists import parse_codelist
from pipeline.eurostat.mirror import MirrorServer
from pipeline.eurostat.structure import UnknownCodelist, fetch_codelist
from pipeline.labels import LabelIndex, breakdown_name, codes_in_use, labels_table, load_dutch
from pipeline.sample import write_sample_mirror
from pipeline.sample_codelists import codelist_message
from schemas.tables import Labels
from tests.eurostat_server import EurostatTestServer, Respond, codelist_route
from tests.helpers.eurostat import client_for
from tests.helpers.xml_attacks import BILLION_LAUGHS

AT = datetime(2026, 2, 27, 11)
SIZE = {"GE10": {"en": "10 persons employed or more", "de": "10 Beschäftigte und mehr",
                 "fr": "10 personnes employées ou plus"},
        "GE250": {"en": "250 persons employed or more", "de": "250 Beschäftigte und mehr",
                  "fr": "250 personnes employées ou plus"}}
SIZE_EMP = codelist_message("SIZE_EMP", "7.0", {"en": "Size classes"}, SIZE, AT)


@pytest.fixture
def server():
    with EurostatTestServer(codelists={"SIZE_EMP": SIZE_EMP}) as srv:
        yield srv


def test_a_codelist_comes_through_the_client_and_is_stored_once_then_reused(server, tmp_path):
    codelists = CodelistStore(tmp_path)
    with client_for(server) as client:
        first = sync_codelist(client, codelists, "SIZE_EMP", frozenset({"GE10"}))
        again = sync_codelist(client, codelists, "SIZE_EMP", frozenset({"GE10", "GE250"}))
    assert first.downloaded and not again.downloaded
    assert server.request_count(codelist_route("SIZE_EMP")) == 1
    assert again.snapshot.folder == first.snapshot.folder == tmp_path / "raw" / "eurostat-codelists" / "SIZE_EMP" / "7.0"
    assert first.snapshot.data_path.read_bytes() == SIZE_EMP
    prov = json.loads((first.snapshot.folder / "provenance.json").read_text())
    assert (prov["codelist"], prov["version"], prov["sdmx"], prov["codes"], prov["source"]) == (
        "SIZE_EMP", "7.0", "2.1", 2, "eurostat")
    assert prov["url"] == f"{server.base_url}/sdmx/2.1/codelist/ESTAT/SIZE_EMP/latest"
    assert not first.snapshot.data_path.stat().st_mode & 0o222  # read-only: a snapshot is never modified


def test_a_code_the_stored_codelist_lacks_fetches_the_latest_and_identical_bytes_are_not_stored_twice(server, tmp_path):
    codelists = CodelistStore(tmp_path)
    with client_for(server) as client:
        sync_codelist(client, codelists, "SIZE_EMP", frozenset({"GE10"}))
        lacking = sync_codelist(client, codelists, "SIZE_EMP", frozenset({"GE10", "10-49"}))
        server.codelists["SIZE_EMP"] = codelist_message(
            "SIZE_EMP", "7.0", {"en": "Size classes"}, {**SIZE, "10-49": {"en": "From 10 to 49 persons employed"}}, AT)
        added = sync_codelist(client, codelists, "SIZE_EMP", frozenset({"GE10", "10-49"}))
    assert lacking.downloaded and "stored version 7.0 lacks 10-49" in lacking.message
    assert lacking.snapshot.folder.name == "7.0"  # the same bytes again: the stored snapshot
    assert added.snapshot.folder.name == "7.0.1"  # the same version with other bytes beside it
    assert added.codelist.label("10-49", "en") == "From 10 to 49 persons employed"
    assert [s.folder.name for s in codelists.snapshots("SIZE_EMP")] == ["7.0", "7.0.1"]


def test_gzip_and_transport_gzip_are_read_and_retries_cover_a_503(server):
    server.script(codelist_route("SIZE_EMP"), [
        Respond(503),
        Respond(body=gzip.compress(SIZE_EMP)),
        Respond(body=gzip.compress(SIZE_EMP), headers={"Content-Encoding": "gzip"}),
    ])
    with client_for(server) as client:
        for _ in range(2):
            download, parsed = fetch_codelist(client, "SIZE_EMP")
            assert parsed.label("GE250", "de") == "250 Beschäftigte und mehr"
    assert download.body == SIZE_EMP  # the transport layer is removed, the file kept


def test_failures_are_the_clients_error_types_and_name_the_codelist(server):
    server.script(codelist_route("UNIT"), [Respond(404, body=b"No results found")])
    server.script(codelist_route("GEO"), [Respond(body=BILLION_LAUGHS)])
    server.script(codelist_route("FREQ"), [], then=Respond(503))
    with client_for(server) as client:
        with pytest.raises(UnknownCodelist, match="unknown codelist UNIT: Eurostat answered 404"):
            fetch_codelist(client, "UNIT")
        with pytest.raises(UnexpectedResponse, match="codelist GEO: refused unsafe XML"):
            fetch_codelist(client, "GEO")
        with pytest.raises(EurostatUnavailable, match="HTTP 503 for codelist FREQ"):
            fetch_codelist(client, "FREQ")
        with pytest.raises(UnexpectedResponse, match="codelist SIZE_EMP: the body from .* is over the size cap of 100 bytes"):
            fetch_codelist(client_for(server, max_decompressed_bytes=100), "SIZE_EMP")


def test_a_failing_codelist_is_a_warning_and_the_stored_one_stands_in(server, tmp_path):
    codelists = CodelistStore(tmp_path)
    with client_for(server) as client:
        sync_codelist(client, codelists, "SIZE_EMP", frozenset({"GE10"}))
        server.script(codelist_route("SIZE_EMP"), [], then=Respond(body=b"<m:Structure"))  # truncated
        found, synced, warnings = sync_codelists(client, codelists, {"SIZE_EMP": frozenset({"GE250", "10-49"}),
                                                                     "UNIT": frozenset({"PC_ENT"})})
    assert found["SIZE_EMP"].version == "7.0" and "UNIT" not in found and synced == []
    assert warnings[0].startswith("codelist SIZE_EMP: codelist SIZE_EMP: malformed or truncated XML")
    assert warnings[0].endswith("the stored version 7.0 is used")
    assert warnings[1].startswith("codelist UNIT: unknown codelist UNIT") and "labelled with the code" in warnings[1]


def test_an_unavailable_eurostat_costs_one_retry_bound_not_one_per_codelist(server, tmp_path):
    for name in ("FREQ", "GEO", "SIZE_EMP"):
        server.script(codelist_route(name), [], then=Respond(503))
    needed = {name: frozenset({"X"}) for name in ("FREQ", "GEO", "SIZE_EMP")}
    with client_for(server, retries=2) as client:
        found, synced, warnings = sync_codelists(client, CodelistStore(tmp_path), needed)
    assert found == {} and synced == [] and len(warnings) == 3
    assert server.request_count("/sdmx/2.1/codelist/") == 3  # the first codelist: 1 try + 2 retries; then none
    assert all("HTTP 503 for codelist FREQ" in w and "labelled with the code itself" in w for w in warnings)


def test_labels_table_eurostat_labels_our_dutch_and_every_fallback_reported():
    size = parse_codelist(codelist_message("SIZE_EMP", "7.0", {"en": "Size"}, {
        "GE10": SIZE["GE10"], "GE250": {"en": "250 persons employed or more"}, "0-9": {"fr": "De 0 à 9"}}, AT))
    needed = {"SIZE_EMP": frozenset({"GE10", "GE250", "10-49", "0-9"}), "UNIT": frozenset({"PC_ENT"})}
    table, warnings = labels_table({"SIZE_EMP": size}, needed, {"SIZE_EMP": {"GE10": "10 of meer werkzame personen"}})
    Labels.validate(table)
    index = LabelIndex(table)
    assert index.label("size_emp", "GE10", "fr") == "10 personnes employées ou plus"
    assert index.label("size_emp", "GE10", "nl") == "10 of meer werkzame personen"
    assert index.label("size_emp", "GE250", "fr") == "250 persons employed or more"  # English stands in
    assert index.is_fallback("size_emp", "GE250", "fr") and not index.is_fallback("size_emp", "GE10", "nl")
    assert index.label("size_emp", "10-49", "en") == "10-49"  # not in the codelist: its code
    assert index.label("geo", "XX", "en") == "XX"
    assert (index.label("size_emp", "0-9", "en"), index.label("size_emp", "0-9", "fr")) == ("0-9", "De 0 à 9")
    assert index.is_fallback("size_emp", "0-9", "en") and not index.is_fallback("size_emp", "0-9", "fr")
    by = table.set_index(["codelist", "code", "lang"])
    assert by.loc[("SIZE_EMP", "GE10", "nl"), "source"] == "own"
    assert by.loc[("SIZE_EMP", "GE10", "de"), "source"] == "eurostat"
    assert by.loc[("UNIT", "PC_ENT", "en"), ["label", "source"]].tolist() == ["PC_ENT", "fallback"]
    assert pd.isna(by.loc[("UNIT", "PC_ENT", "en"), "codelist_version"])
    assert "codelist SIZE_EMP 7.0: code 10-49 is not in it: the English label, or the code, is shown instead" in warnings
    assert "codelist SIZE_EMP 7.0: code GE250 has no label in fr, de: the English label, or the code, is shown instead" \
        in warnings
    assert "codelist SIZE_EMP 7.0: code 0-9 has no label in en, de: the English label, or the code, is shown instead" \
        in warnings
    assert "codelist UNIT: not available; its codes are labelled with the code itself" in warnings
    assert any(w.startswith("codelist SIZE_EMP: code GE250 has no Dutch label of ours") for w in warnings)


def test_our_dutch_covers_every_code_the_catalogue_uses():
    dutch = load_dutch()
    needed = codes_in_use(load_catalogue())
    missing = [(name, code) for name, codes in needed.items() for code in codes if code not in dutch.get(name, {})]
    assert missing == []
    assert dutch["GEO"]["BE"] == "België" and dutch["SIZE_EMP"]["GE250"] == "250 of meer werkzame personen"


def test_a_malformed_dutch_file_is_refused_naming_the_entry(tmp_path):
    bad = tmp_path / "nl.yaml"
    bad.write_text("UNIT:\n  PC_ENT: ''\n", encoding="utf-8")
    with pytest.raises(Exception, match="UNIT PC_ENT: the label must be a non-empty text"):
        load_dutch(bad)


@pytest.fixture(scope="module")
def real_labels(samples_dir):
    """The labels table of the whole catalogue from Eurostat's real codelists and our Dutch."""
    catalogue = load_catalogue()
    needed = codes_in_use(catalogue)
    codelists = {}
    for path in (samples_dir / "_structure").glob("ESTAT_*.xml"):
        name = path.name[len("ESTAT_"):].rsplit("_", 1)[0]
        if name in needed:
            codelists[name] = parse_codelist(path.read_bytes(), name)
    table, warnings = labels_table(codelists, needed, load_dutch())
    return catalogue, table, warnings


def test_the_real_codelists_label_every_code_of_the_catalogue_without_a_fallback(real_labels):
    _, table, warnings = real_labels
    Labels.validate(table)
    assert warnings == [] and set(table["source"]) == {"eurostat", "own"}


def test_annex_per_language_with_eurostats_labels_and_ours_in_dutch(real_labels):
    catalogue, table, _ = real_labels
    rows = pd.DataFrame({"indicator_id": ["ai_any_large_enterprises", "ai_any_large_enterprises", "genai_any"],
                         "time_period": [2024, 2025, 2025], "geo": ["BE", "BE", "BE"]}).replace("genai_any", "genai_any_purpose")
    en, fr, nl = (annex_html(rows, catalogue, table, lang) for lang in ("en", "fr", "nl"))
    assert "<h2>Series and codes</h2>" in en and "<h2>Séries et codes</h2>" in fr and "<h2>Reeksen en codes</h2>" in nl
    assert "<td>GE250</td><td>250 persons employed or more</td>" in en
    assert "<td>GE250</td><td>250 personnes employées ou plus</td>" in fr
    assert "<td>GE250</td><td>250 of meer werkzame personen</td>" in nl
    assert "<td>PC_ENT</td><td>Pourcentage des entreprises</td>" in fr
    assert "<td>BE</td><td>België</td>" in nl and "isoc_eb_ai" in nl and "isoc_ai_iaiu" in nl
    assert "<td>IND_TOTAL</td><td>Alle personen</td>" in nl
    assert "onze eigen Nederlandse vertaling" in nl and "*" not in nl.split("</table>")[0]
    assert annex_html(rows.iloc[:0], catalogue, table, "en") == ""
    with pytest.raises(ValueError, match="indicators the catalogue does not have: genai_any"):
        annex_html(rows.replace("genai_any_purpose", "genai_any"), catalogue, table, "en")


def test_annex_marks_a_fallback_label_and_breakdown_names_come_from_the_labels(real_labels):
    catalogue, table, _ = real_labels
    thinned = table[~((table["code"] == "GE250") & (table["lang"] == "nl"))]
    rows = pd.DataFrame({"indicator_id": ["ai_any_large_enterprises"], "time_period": [2025], "geo": ["BE"]})
    assert "<td>GE250</td><td>GE250*</td>" in annex_html(rows, catalogue, thinned, "nl")
    series = catalogue.by_id["ai_any_large_enterprises"].series
    assert breakdown_name(series, table, "fr") == "250 personnes employées ou plus"
    assert breakdown_name(series, table, "nl") == "250 of meer werkzame personen"
    assert breakdown_name({"unit": "PC_EMP", "geo": "BE"}, table, "en") is None


def test_the_sample_mirror_serves_synthetic_sdmx_2_1_codelists_for_every_code_the_catalogue_uses(tmp_path):
    write_sample_mirror(tmp_path, last_year=2025, last_update="2026-02-27")
    needed = codes_in_use(load_catalogue())
    with MirrorServer(tmp_path) as mirror, client_for(mirror) as client:
        found, synced, warnings = sync_codelists(client, CodelistStore(tmp_path / "d"), needed, source="sample")
    assert warnings == [] and set(found) == set(needed)
    geo = found["GEO"]
    assert geo.sdmx == "2.1" and geo.label("BE", "fr") == "BE (libellé fictif)"
    assert "synthetic sample" in geo.names["en"]
    assert all(label.endswith(("(sample label)", "(libellé fictif)", "(Beispielbezeichnung)"))
               for cl in found.values() for labels in cl.codes.values() for label in labels.values())
    assert all(r.snapshot.provenance["source"] == "sample" for r in synced)


def test_the_labels_asset_materialises_from_the_sample_codelists_and_reuses_its_snapshots(tmp_path):
    from dagster import materialize

    from assets.labels import eurostat_labels
    from tests.helpers.graph import graph_resources

    write_sample_mirror(tmp_path / "mirror", last_year=2025, last_update="2026-02-27")
    codelists = {p.stem: p.read_bytes() for p in (tmp_path / "mirror" / "codelist").glob("*.xml")}
    data = tmp_path / "d"
    with EurostatTestServer(codelists=codelists) as server:
        first = materialize([eurostat_labels], resources=graph_resources(server, data))
        requests = server.request_count("/sdmx/2.1/codelist/")
        again = materialize([eurostat_labels], resources=graph_resources(server, data))
        assert server.request_count("/sdmx/2.1/codelist/") == requests == len(codelists)  # none the second time
    assert first.success and again.success
    (event,) = first.get_asset_materialization_events()
    meta = {k: v.value for k, v in event.materialization.metadata.items()}
    assert meta["warnings"] == "none" and meta["fallbacks"] == 0
    table = pd.read_parquet(data / "assets" / "eurostat_labels.parquet")
    Labels.validate(table)
    by = table.set_index(["codelist", "code", "lang"])["label"]
    assert by[("SIZE_EMP", "GE250", "fr")] == "GE250 (libellé fictif)"  # synthetic, and says so
    assert set(table["source"]) == {"sample", "own"}
    assert by[("SIZE_EMP", "GE250", "nl")] == "250 of meer werkzame personen"  # ours
    stored = (data / "raw" / "eurostat-codelists").iterdir()
    assert sorted(p.name for p in stored if not p.name.startswith(".")) == sorted(codelists)  # beside: locks
