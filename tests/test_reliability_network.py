"""Nothing lost: every network fault during a sync leaves the stored snapshot (and everything else) untouched.

The client's own reaction to each fault is proven in test_client.py; here the whole sync path
(catalogue date -> download -> RawStore) meets the loopback server, with an earlier snapshot on
disk and a newer catalogue date, so that every case really tries to replace it.
"""

from __future__ import annotations

import gzip
import time

import pytest

from pipeline.errors import (
    AsyncExtractionFailed,
    EurostatUnavailable,
    ExtractionTooBig,
    UnexpectedResponse,
    UnknownDataset,
)
from pipeline.eurostat.client import EurostatClient
from pipeline.eurostat.toc import parse_toc
from pipeline.snapshots import RawStore, sync_dataset
from tests.eurostat_server import (
    EXTRACTION_TOO_BIG,
    HTML_ERROR_PAGE,
    EurostatTestServer,
    Respond,
    async_data_route,
    async_status_route,
    data_route,
    gzip_bomb,
    soap_async_status,
    soap_queued,
)
from tests.helpers.eurostat import CODE, EARLIER, LATER, NEW, OLD, toc, toc_entry
from tests.helpers.eurostat import fake_time_client as client_for
from tests.helpers.files import fingerprint

pytestmark = pytest.mark.integration

ROUTE = data_route(CODE)
DTD = b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><S:Envelope>&b;</S:Envelope>'


def queued(key: str, *statuses: str):
    """Script: the data route queues extraction `key`, whose status then goes through `statuses`."""
    def play(server):
        server.script(ROUTE, [Respond(200, soap_queued(key), {"Content-Type": "text/xml"})])
        *first, last = statuses
        server.script(async_status_route(key), [Respond(200, soap_async_status(key, s)) for s in first],
                      then=Respond(200, soap_async_status(key, last)))
        server.script(async_data_route(key), [Respond(200, NEW)])
    return play


def forever(step: Respond):
    return lambda server: server.script(ROUTE, [], then=step)


# case -> (script, error type, words the message must hold)
FAILURES = {
    "503 every time": (forever(Respond(503)), EurostatUnavailable, "HTTP 503"),
    "429 every time, Retry-After 1": (forever(Respond(429, headers={"Retry-After": "1"})), EurostatUnavailable, "HTTP 429"),
    "connection reset mid-body every time": (forever(Respond(cut_after=40)), EurostatUnavailable, "connection dropped"),
    "stall before the headers": (forever(Respond(stall=5)), EurostatUnavailable, "read timeout"),
    "stall mid-body every time": (forever(Respond(stall=5, stall_after=30)), EurostatUnavailable, "connection dropped"),
    "truncated gzip": (forever(Respond(200, NEW[:-20])), UnexpectedResponse, "truncated compressed body"),
    "200 with an HTML error page": (forever(Respond(200, HTML_ERROR_PAGE, {"Content-Type": "text/html"})),
                                    EurostatUnavailable, "HTML page came back"),
    "redirect to the sorry page": (lambda s: s.script(ROUTE, [], then=Respond(302, b"", {"Location": f"{s.base_url}/sorry"})),
                                   EurostatUnavailable, "'sorry' page"),
    "413 extraction too big": (forever(Respond(413, EXTRACTION_TOO_BIG, {"Content-Type": "text/xml"})),
                               ExtractionTooBig, "filter more"),
    "404 unknown dataset": (forever(Respond(404)), UnknownDataset, "unknown dataset"),
    "async EXPIRED": (queued("k-exp", "SUBMITTED", "EXPIRED"), AsyncExtractionFailed, "EXPIRED"),
    "async never finishes": (queued("k-slow", "PROCESSING"), AsyncExtractionFailed, "still PROCESSING after 60s"),
    "gzip bomb": (forever(Respond(200, gzip_bomb(20_000_000))), UnexpectedResponse, "over the size cap"),
    "XML with a DTD (entity expansion)": (forever(Respond(200, DTD)), UnexpectedResponse, "refused XML with a DTD"),
    "200 that is not SDMX-CSV": (forever(Respond(200, gzip.compress(b"geo,value\r\nBE,1\r\n"))),
                                 UnexpectedResponse, "did not answer with SDMX-CSV"),
}

RECOVERIES = {
    "503 then success": [Respond(503), Respond(200, NEW)],
    "429 with Retry-After then success": [Respond(429, headers={"Retry-After": "1"}), Respond(200, NEW)],
    "connection reset mid-body then success": [Respond(200, NEW, cut_after=40), Respond(200, NEW)],
    "stall mid-body then success": [Respond(200, NEW, stall=5, stall_after=30), Respond(200, NEW)],
}


@pytest.fixture
def server():
    with EurostatTestServer(datasets={CODE: NEW}) as srv:
        yield srv


@pytest.fixture
def store(tmp_path, server):
    """A data directory holding the snapshot of an earlier run (served then as OLD)."""
    with EurostatTestServer(datasets={CODE: OLD}) as earlier:
        sync_dataset(client_for(earlier), RawStore(tmp_path), CODE, toc_entry(EARLIER))
    return RawStore(tmp_path)


@pytest.mark.parametrize("case", FAILURES)
def test_a_failed_download_names_the_dataset_in_bounded_time_and_loses_nothing(case, server, store, tmp_path):
    play, error, words = FAILURES[case]
    play(server)
    before = fingerprint(tmp_path)
    started = time.monotonic()
    with pytest.raises(error) as caught:
        sync_dataset(client_for(server), store, CODE, toc_entry(LATER))
    elapsed = time.monotonic() - started
    assert elapsed < 5, f"{case} took {elapsed:.1f}s"
    assert caught.value.dataset == CODE and f"dataset {CODE}" in str(caught.value)
    assert words in str(caught.value)
    assert fingerprint(tmp_path) == before
    latest = store.latest(CODE)
    assert latest.eurostat_last_update == "2026-02-27" and latest.read_bytes() == OLD
    # the next run, with Eurostat back, stores the update beside the old snapshot
    server.script(ROUTE, [Respond(200, NEW)])
    for route in (async_status_route("k-exp"), async_status_route("k-slow")):
        server.script(route, [])
    again = sync_dataset(client_for(server), store, CODE, toc_entry(LATER))
    assert again.downloaded and again.snapshot.read_bytes() == NEW
    assert [s.eurostat_last_update for s in store.snapshots(CODE)] == ["2026-02-27", "2026-06-15"]


@pytest.mark.parametrize("case", RECOVERIES)
def test_a_transient_fault_ends_in_a_new_snapshot_beside_the_old_one(case, server, store):
    server.script(ROUTE, RECOVERIES[case])
    started = time.monotonic()
    result = sync_dataset(client_for(server, backoff_factor=0.0), store, CODE, toc_entry(LATER))
    assert time.monotonic() - started < 4
    assert result.downloaded and result.snapshot.read_bytes() == NEW
    assert server.request_count(ROUTE) == 2
    old, new = store.snapshots(CODE)
    assert old.read_bytes() == OLD and new.folder.name == "2026-06-15"


def test_async_submitted_processing_available_ends_in_a_snapshot(server, store):
    queued("k-ok", "SUBMITTED", "PROCESSING", "AVAILABLE")(server)
    result = sync_dataset(client_for(server), store, CODE, toc_entry(LATER))
    assert result.snapshot.read_bytes() == NEW and result.snapshot.provenance["async_key"] == "k-ok"
    assert store.snapshots(CODE)[0].read_bytes() == OLD


def test_a_catalogue_listing_a_dataset_the_data_endpoint_lacks_fails_naming_it(tmp_path):
    listed = toc({CODE: "15.06.2026", "isoc_ec_evals": "15.06.2026"})
    with EurostatTestServer(datasets={CODE: NEW}, toc=listed) as server:
        client = client_for(server)
        entries = parse_toc(client.fetch_catalogue().body)
        assert sync_dataset(client, RawStore(tmp_path), CODE, entries[CODE]).downloaded
        with pytest.raises(UnknownDataset, match="unknown dataset isoc_ec_evals: Eurostat answered 404") as caught:
            sync_dataset(client, RawStore(tmp_path), "isoc_ec_evals", entries["isoc_ec_evals"])
    assert caught.value.dataset == "isoc_ec_evals"
    assert not (tmp_path / "raw" / "eurostat" / "isoc_ec_evals").exists()
    assert RawStore(tmp_path).latest(CODE).read_bytes() == NEW
