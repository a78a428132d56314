"""Raw snapshots: bytes as served, one folder per Eurostat update, provenance, change detection."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import date, datetime, timezone

import pytest

from pipeline.errors import InvalidDatasetCode, PipelineError
from pipeline.eurostat.client import Download
from pipeline.eurostat.toc import TocEntry
from pipeline.snapshots import RawStore, payload_last_update, sync_dataset

BODY = gzip.compress(
    b"DATAFLOW,LAST UPDATE,freq,size_emp,nace_r2,indic_is,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS\r\n"
    b"ESTAT:ISOC_EB_AI(1.0),27/02/26 11:00:00,A,GE10,C10-S951_X_K,E_AI_TANY,PC_ENT,BE,2025,24.71,,\r\n",
    mtime=0,
)


def _download(body: bytes = BODY, dataset: str = "isoc_eb_ai") -> Download:
    return Download(
        dataset=dataset,
        url=f"http://127.0.0.1:1/sdmx/2.1/data/{dataset}?format=SDMX-CSV&compressed=true",
        body=body,
        content_type="application/octet-stream",
        retrieved_at=datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc),
    )


def _toc(last_update: date | None, code: str = "isoc_eb_ai") -> TocEntry:
    return TocEntry(
        code=code, title="Artificial intelligence by size class of enterprise", type="dataset",
        last_update=last_update, last_structure_change=None, data_start="2021", data_end="2025", values=1,
    )


class FakeClient:
    """Counts downloads; the HTTP path itself is tested against the loopback server elsewhere."""

    def __init__(self, body: bytes = BODY):
        self.body = body
        self.calls = 0

    def fetch_dataset(self, dataset: str) -> Download:
        self.calls += 1
        return _download(self.body, dataset)


def test_write_keeps_bytes_as_served_with_provenance(tmp_path):
    store = RawStore(tmp_path)
    snap = store.write(_download(), eurostat_last_update="2026-02-27", source="eurostat")

    assert snap.folder == tmp_path / "raw" / "eurostat" / "isoc_eb_ai" / "2026-02-27"
    assert snap.data_path.name == "data.csv.gz"
    assert snap.data_path.read_bytes() == BODY
    prov = json.loads((snap.folder / "provenance.json").read_text())
    assert prov["sha256"] == hashlib.sha256(BODY).hexdigest()
    assert prov["bytes"] == len(BODY)
    assert prov["eurostat_last_update"] == "2026-02-27"
    assert prov["retrieved_at"] == "2026-03-01T10:00:00+00:00"
    assert prov["url"].endswith("isoc_eb_ai?format=SDMX-CSV&compressed=true")
    assert prov["content_type"] == "application/octet-stream"
    assert prov["source"] == "eurostat"
    assert prov["pipeline_version"]
    # never edited afterwards
    assert not (snap.data_path.stat().st_mode & 0o222)


def test_identical_bytes_are_stored_once_and_other_bytes_same_day_get_their_own_folder(tmp_path):
    store = RawStore(tmp_path)
    first = store.write(_download(), eurostat_last_update="2026-02-27", source="eurostat")
    again = store.write(_download(), eurostat_last_update="2026-02-27", source="eurostat")
    assert again.folder == first.folder
    other = store.write(_download(BODY + b""), eurostat_last_update="2026-02-27", source="eurostat")
    assert other.folder == first.folder  # same bytes: same snapshot
    changed = gzip.compress(b"DATAFLOW,LAST UPDATE\r\n", mtime=0)
    second = store.write(_download(changed), eurostat_last_update="2026-02-27", source="eurostat")
    assert second.folder.name == "2026-02-27.1"
    assert first.data_path.read_bytes() == BODY
    assert [s.folder.name for s in store.snapshots("isoc_eb_ai")] == ["2026-02-27", "2026-02-27.1"]


def test_latest_ignores_leftovers_of_a_killed_write_and_other_sources(tmp_path):
    store = RawStore(tmp_path)
    store.write(_download(), eurostat_last_update="2026-02-27", source="sample")
    (store.dataset_dir("isoc_eb_ai") / ".tmp-deadbeef").mkdir()
    (store.dataset_dir("isoc_eb_ai") / ".tmp-deadbeef" / "data.csv.gz").write_bytes(b"\x1f\x8b half")
    assert store.latest("isoc_eb_ai", source="eurostat") is None
    assert store.latest("isoc_eb_ai").source == "sample"
    assert store.clean_temporary("isoc_eb_ai") == 1


@pytest.mark.parametrize("code", ["../etc", "a/b", "ISOC", "x?y", ""])
def test_codes_that_could_escape_the_folder_are_refused(tmp_path, code):
    with pytest.raises(InvalidDatasetCode):
        RawStore(tmp_path).dataset_dir(code)


def test_sync_downloads_only_when_the_catalogue_date_changes(tmp_path):
    store, client = RawStore(tmp_path), FakeClient()

    first = sync_dataset(client, store, "isoc_eb_ai", _toc(date(2026, 2, 27)))
    assert first.downloaded and client.calls == 1

    same = sync_dataset(client, store, "isoc_eb_ai", _toc(date(2026, 2, 27)))
    assert not same.downloaded and client.calls == 1
    assert same.message == "isoc_eb_ai unchanged since 2026-02-27"
    assert same.snapshot.folder == first.snapshot.folder

    forced = sync_dataset(client, store, "isoc_eb_ai", _toc(date(2026, 2, 27)), force=True)
    assert forced.downloaded and client.calls == 2
    assert forced.snapshot.folder == first.snapshot.folder  # identical bytes are not stored twice

    newer = sync_dataset(FakeClient(gzip.compress(b"x", mtime=0)), store, "isoc_eb_ai", _toc(date(2026, 6, 15)))
    assert newer.downloaded and newer.snapshot.folder.name == "2026-06-15"
    assert store.latest("isoc_eb_ai").folder.name == "2026-06-15"


def test_sync_does_not_treat_a_sample_snapshot_as_live_data(tmp_path):
    store, client = RawStore(tmp_path), FakeClient()
    sync_dataset(client, store, "isoc_eb_ai", _toc(date(2026, 2, 27)), source="sample")
    live = sync_dataset(client, store, "isoc_eb_ai", _toc(date(2026, 2, 27)), source="eurostat")
    assert live.downloaded and client.calls == 2
    assert live.snapshot.source == "eurostat"


def test_sync_refuses_a_catalogue_older_than_the_stored_snapshot(tmp_path):
    store, client = RawStore(tmp_path), FakeClient()
    sync_dataset(client, store, "isoc_eb_ai", _toc(date(2026, 2, 27)))
    with pytest.raises(PipelineError, match="isoc_eb_ai.*older than the stored snapshot"):
        sync_dataset(client, store, "isoc_eb_ai", _toc(date(2025, 4, 8)))
    assert client.calls == 1


def test_dataset_missing_from_the_catalogue_is_dated_by_its_payload(tmp_path):
    snap = sync_dataset(FakeClient(), RawStore(tmp_path), "isoc_ai_iaiu", None).snapshot
    assert snap.eurostat_last_update == "2026-02-27"
    assert payload_last_update(gzip.decompress(BODY)) == "2026-02-27"
    assert payload_last_update(b"freq,geo\\TIME_PERIOD\t2025 \r\n") is None
