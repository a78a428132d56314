"""Releases: contract layout, checksummed manifest, idempotency, revisions, atomicity under kill -9, concurrency."""

from __future__ import annotations

import fcntl
import json
from dataclasses import replace
import os
import signal
import stat
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.geo import EU27

import pipeline
from pipeline.errors import ReleaseError
from pipeline.release import (
    INDICATOR_COLUMNS, RANKING_COLUMNS, REVISION_COLUMNS, list_versions, publish_release, read_latest,
)
from tests.helpers.files import check_complete
from tests.helpers.frames import release_inputs
from tests.helpers.publish_child import fork

EDITION = 2026
T0 = datetime(2026, 11, 30, 23, 15, tzinfo=timezone.utc)
T1 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def latest_pointer(data_dir: Path, edition: int = EDITION) -> dict:
    return json.loads((data_dir / "releases" / str(edition) / "latest.json").read_text())


@pytest.fixture(scope="module")
def first_release(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("data")
    result = publish_release(data_dir, EDITION, now=T0, **release_inputs(EDITION, products=True))
    return data_dir, result


def test_first_release_follows_the_contract_layout(first_release):
    data_dir, result = first_release
    assert result.published and result.version.startswith("20261130T231500Z-")
    assert latest_pointer(data_dir) == {"edition": EDITION, "version": result.version, "path": result.version}
    assert read_latest(data_dir, EDITION) == result.path == data_dir / "releases" / "2026" / result.version
    assert list(pq.read_schema(result.path / "indicators.parquet").names) == list(INDICATOR_COLUMNS)
    assert list(pq.read_schema(result.path / "rankings.parquet").names) == list(RANKING_COLUMNS)
    assert sorted(p.name for p in (result.path / "observations").iterdir()) == ["isoc_e_dii.parquet", "isoc_eb_ai.parquet"]
    indicators = pd.read_parquet(result.path / "indicators.parquet")
    assert indicators["time_period"].dtype == "int64" and str(indicators["rank"].dtype) == "Int64"
    assert sorted(indicators["geo"].unique()) == sorted(EU27)  # every member, report builds filter on geo
    assert len(pd.read_parquet(result.path / "rankings.parquet")) == 3 * 3 * 27
    observations = pd.read_parquet(result.path / "observations" / "isoc_eb_ai.parquet")
    assert observations.attrs["eurostat_last_update"] == "2026-02-27T11:00:00+01:00"
    # every member's products at a fixed place, whatever FOCUS_GEO says
    assert sorted(p.name for p in (result.path / "members").iterdir()) == sorted(EU27)
    for geo in ("BE", "NL", "EL"):
        member = result.path / "members" / geo
        names = {p.name for p in member.iterdir()}
        assert {"key_figures.nl.md", "key_figures.fr.md", "key_figures.en.md", "key_figures.json",
                "overview.nl.html", "overview.fr.html", "overview.en.html", "charts"} <= names
        key_figures = json.loads((member / "key_figures.json").read_text())
        assert key_figures["geo"] == geo
        assert [f["indicator_id"] for f in key_figures["key_figures"]] == ["ai_any_all_enterprises", "dii_basic"]
        assert "SYNTHETISCHE VOORBEELDGEGEVENS" in (member / "key_figures.nl.md").read_text()
        assert {p.name for p in (member / "charts" / "fr").iterdir()} >= {"ai_enterprises_ranking.svg",
                                                                          "digital_intensity_series.svg"}
        # print PNG (every chart, every language) for the focus member only: PIPELINE_CHART_PNG=focus
        png = member / "charts" / "en" / "ai_enterprises_ranking.png"
        assert png.read_bytes()[:4] == b"\x89PNG" if geo == "BE" else not png.exists()
    assert not (result.path / "key_figures.json").exists() and not (result.path / "charts").exists()


def test_manifest_checksums_match_the_files_on_disk(first_release):
    _, result = first_release
    manifest = check_complete(result.path)
    assert manifest == result.manifest
    assert list(manifest)[:6] == ["edition", "version", "created_at", "pipeline_version", "focus_geo", "source"]
    assert manifest["created_at"] == "2026-11-30T23:15:00Z"
    assert manifest["source"] == "sample"
    assert manifest["source_statement"] == "synthetic sample data, not Eurostat figures"
    assert manifest["pipeline_version"] == pipeline.__version__
    assert set(manifest["inputs"]) == {"isoc_eb_ai", "isoc_e_dii"}
    assert set(manifest["inputs"]["isoc_eb_ai"]) >= {"url", "retrieved_at", "eurostat_last_update", "sha256", "bytes", "rows"}
    assert manifest["inputs"]["isoc_eb_ai"]["rows"] == 2 * 3 * 29  # two series, 29 geos, 3 years


def test_parquet_files_say_what_they_are(first_release):
    _, result = first_release
    for path in result.path.rglob("*.parquet"):
        meta = pq.read_schema(path).metadata
        assert meta[b"edition"] == b"2026" and meta[b"version"] == result.version.encode(), path
        assert meta[b"pipeline_version"] == pipeline.__version__.encode()
        assert meta[b"catalogue_hash"] == b"c" * 64 and b"focus_geo" not in meta and meta[b"source"] == b"sample"
        row_group = pq.ParquetFile(path).metadata.row_group(0) if pq.ParquetFile(path).metadata.num_row_groups else None
        if row_group is not None:
            assert {row_group.column(i).compression for i in range(row_group.num_columns)} == {"ZSTD"}, path
    rankings = pq.ParquetFile(result.path / "rankings.parquet").metadata.row_group(0)
    geo = next(rankings.column(i) for i in range(rankings.num_columns) if rankings.column(i).path_in_schema == "geo")
    assert geo.has_dictionary_page


def test_first_release_has_an_empty_revisions_table(first_release):
    _, result = first_release
    revisions = pd.read_parquet(result.path / "revisions.parquet")
    assert list(revisions.columns) == list(REVISION_COLUMNS) and revisions.empty
    assert result.revisions == {"count": 0, "by_indicator": {}, "compared_with": []}


def test_published_version_is_read_only(first_release):
    _, result = first_release
    for path in [result.path, *result.path.rglob("*")]:
        assert stat.S_IMODE(path.stat().st_mode) & 0o222 == 0, path


def test_identical_figures_publish_nothing(tmp_path):
    first = publish_release(tmp_path, EDITION, now=T0, **release_inputs(EDITION))
    again = release_inputs(EDITION)
    # Same data in another row order, with other category orders and a later download of the same bytes.
    again["rankings"] = again["rankings"].sample(frac=1, random_state=3)
    again["indicators"] = again["indicators"].iloc[::-1]
    again["observations"]["isoc_eb_ai"]["geo"] = again["observations"]["isoc_eb_ai"]["geo"].cat.reorder_categories(
        sorted(again["observations"]["isoc_eb_ai"]["geo"].cat.categories, reverse=True))
    again["inputs"]["isoc_eb_ai"] = replace(again["inputs"]["isoc_eb_ai"], retrieved_at="2026-12-01T08:00:00+00:00")
    second = publish_release(tmp_path, EDITION, now=T1, **again)
    assert not second.published
    assert second.message == f"unchanged: release {first.version} already has these figures"
    assert second.version == first.version and list_versions(tmp_path, EDITION) == [first.version]


def test_changed_figures_give_a_new_version_and_revision_rows(tmp_path):
    first = publish_release(tmp_path, EDITION, now=T0, **release_inputs(EDITION))
    changed = release_inputs(EDITION, overrides={
        ("ai_any_all_enterprises", "BE", 2025): (34.54, "bu", None),  # value and flags revised
        ("dii_basic", "BE", 2024): (np.nan, None, "C"),  # focus value became confidential
        ("dii_basic", "FR", 2023): (61.0, "p", None),  # another member, provisional
    })
    second = publish_release(tmp_path, EDITION, now=T1, **changed)
    assert second.published and second.version != first.version
    assert latest_pointer(tmp_path)["version"] == second.version
    assert list_versions(tmp_path, EDITION) == [first.version, second.version]
    check_complete(first.path)
    check_complete(second.path)

    revisions = pd.read_parquet(second.path / "revisions.parquet").set_index(["indicator_id", "geo", "time_period"])
    assert len(revisions) == 3
    assert set(revisions["compared_with"]) == {f"2026/{first.version}"}
    ai = revisions.loc[("ai_any_all_enterprises", "BE", 2025)]
    old = pd.read_parquet(first.path / "indicators.parquet").query("geo == 'BE'").set_index(["indicator_id", "time_period"])
    assert ai["old_value"] == old.loc[("ai_any_all_enterprises", 2025), "value"] and ai["new_value"] == 34.54
    assert pd.isna(ai["old_obs_status"]) and ai["new_obs_status"] == "bu"
    confidential = revisions.loc[("dii_basic", "BE", 2024)]
    assert confidential["old_value"] == old.loc[("dii_basic", 2024), "value"] and np.isnan(confidential["new_value"])
    assert pd.isna(confidential["old_conf_status"]) and confidential["new_conf_status"] == "C"
    assert revisions.loc[("dii_basic", "FR", 2023), "new_obs_status"] == "p"
    assert second.revisions["count"] == 3
    assert second.revisions["by_indicator"] == {"ai_any_all_enterprises": 1, "dii_basic": 2}
    assert json.loads((second.path / "manifest.json").read_text())["revisions"] == second.revisions


def test_revisions_against_the_previous_edition_cover_shared_periods(tmp_path):
    # Edition 2025 reports 2022-2024, edition 2026 reports 2023-2025: 2023 and 2024 are compared.
    previous = publish_release(tmp_path, 2025, now=T0, **release_inputs(2025))
    current = publish_release(tmp_path, 2026, now=T1, **release_inputs(2026, overrides={
        ("ai_any_small_enterprises", "DE", 2024): (12.5, "e", None),
    }))
    revisions = pd.read_parquet(current.path / "revisions.parquet")
    assert revisions[["indicator_id", "geo", "time_period", "new_value", "new_obs_status"]].values.tolist() == [
        ["ai_any_small_enterprises", "DE", 2024, 12.5, "e"]]
    assert revisions["compared_with"].tolist() == [f"2025/{previous.version}"]


def test_killed_publish_leaves_the_previous_release_untouched(tmp_path):
    first = publish_release(tmp_path, EDITION, now=T0, **release_inputs(EDITION))
    edition_dir = tmp_path / "releases" / str(EDITION)
    pointer_before = (edition_dir / "latest.json").read_bytes()
    marker = tmp_path / "paused"
    proc = fork(tmp_path, EDITION, 77.7, pause_after=4, marker=marker)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.is_alive(), f"child ended early with exit code {proc.exitcode}"
            assert time.monotonic() < deadline, "child never reached the pause"
            time.sleep(0.02)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(10)
    assert proc.exitcode == -signal.SIGKILL
    work_dir = Path(marker.read_text())
    assert work_dir.parent == edition_dir and work_dir.name.startswith(".tmp-") and work_dir.is_dir()

    assert (edition_dir / "latest.json").read_bytes() == pointer_before
    visible = sorted(p.name for p in edition_dir.iterdir() if not p.name.startswith("."))
    assert visible == sorted([first.version, "latest.json"])  # no partial version under a real name
    assert list_versions(tmp_path, EDITION) == [first.version]
    assert read_latest(tmp_path, EDITION) == first.path
    check_complete(first.path)

    nxt = publish_release(tmp_path, EDITION, now=T1, **release_inputs(
        EDITION, overrides={("ai_any_all_enterprises", "BE", 2025): (77.7, None, None)}))
    assert nxt.published and not work_dir.exists()
    assert not [p for p in edition_dir.iterdir() if p.name.startswith(".tmp-")]
    assert list_versions(tmp_path, EDITION) == [first.version, nxt.version]
    check_complete(nxt.path)


def test_concurrent_publishes_end_with_two_complete_versions(tmp_path):
    results = [tmp_path / f"result-{value}.json" for value in (55.5, 66.6)]
    procs = [fork(tmp_path, EDITION, value, result_file=out, slow=0.05) for value, out in zip((55.5, 66.6), results)]
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0
    outcomes = [json.loads(out.read_text()) for out in results]
    assert all(o.get("published") for o in outcomes), outcomes
    versions = list_versions(tmp_path, EDITION)
    assert sorted(versions) == sorted(o["version"] for o in outcomes)
    manifests = [check_complete(tmp_path / "releases" / str(EDITION) / v) for v in versions]
    pointer = latest_pointer(tmp_path)
    assert pointer["version"] in versions and read_latest(tmp_path, EDITION).name == pointer["path"]
    # The second one to take the lock compared itself with the first.
    later = next(m for m in manifests if m["revisions"]["compared_with"])
    earlier = next(m for m in manifests if m is not later)
    assert later["revisions"]["compared_with"] == [f"2026/{earlier['version']}"]
    assert later["revisions"]["count"] == 1 and pointer["version"] == later["version"]


def test_concurrent_publishes_of_the_same_figures_publish_once(tmp_path):
    results = [tmp_path / f"result-{n}.json" for n in (1, 2)]
    procs = [fork(tmp_path, EDITION, 44.4, result_file=out, slow=0.05) for out in results]
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0
    outcomes = sorted((json.loads(out.read_text()) for out in results), key=lambda o: o["published"])
    assert [o["published"] for o in outcomes] == [False, True]
    assert outcomes[0]["message"] == f"unchanged: release {outcomes[1]['version']} already has these figures"
    assert list_versions(tmp_path, EDITION) == [outcomes[1]["version"]]
    check_complete(read_latest(tmp_path, EDITION))


def test_publish_is_refused_while_another_holds_the_lock(tmp_path):
    first = publish_release(tmp_path, EDITION, now=T0, **release_inputs(EDITION))
    lock = os.open(tmp_path / "releases" / str(EDITION) / ".lock", os.O_RDWR)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        changed = release_inputs(EDITION, overrides={("dii_basic", "BE", 2025): (1.0, None, None)})
        with pytest.raises(ReleaseError, match="another publish"):
            publish_release(tmp_path, EDITION, now=T1, lock_timeout=0.3, **changed)
    finally:
        os.close(lock)
    assert list_versions(tmp_path, EDITION) == [first.version] and read_latest(tmp_path, EDITION) == first.path


def test_missing_contract_column_is_refused_by_name(tmp_path):
    inputs = release_inputs(EDITION)
    inputs["rankings"] = inputs["rankings"].drop(columns=["n_ranked"])
    with pytest.raises(ReleaseError, match="rankings: missing column.*n_ranked"):
        publish_release(tmp_path, EDITION, **inputs)
    with pytest.raises(ReleaseError, match="edition 2026: no release published yet"):
        read_latest(tmp_path, EDITION)


def test_a_product_is_handed_to_the_release_and_a_failing_one_names_itself(tmp_path):
    def notes(inputs):
        return {f"members/{inputs.focus_geo}/notes.txt": f"{len(inputs.indicators)} rows\n".encode()}

    result = publish_release(tmp_path, EDITION, now=T0, **{**release_inputs(EDITION), "products": {"notes": notes}})
    manifest = check_complete(result.path)
    assert (result.path / "members" / "BE" / "notes.txt").read_text() == f"{len(release_inputs()['indicators'])} rows\n"
    assert "members/BE/notes.txt" in {f["path"] for f in manifest["files"]}

    def broken(inputs):
        raise ValueError("no fonts")

    changed = release_inputs(EDITION, overrides={("ai_any_all_enterprises", "BE", EDITION - 1): (66.6, None, None)})
    with pytest.raises(ReleaseError, match="product 'broken' failed: no fonts"):
        publish_release(tmp_path, EDITION, now=T1, **{**changed, "products": {"notes": notes, "broken": broken}})
    assert read_latest(tmp_path, EDITION) == result.path and list_versions(tmp_path, EDITION) == [result.version]
