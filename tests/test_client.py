"""The Eurostat client against a loopback Eurostat that misbehaves on demand (real sockets)."""

from __future__ import annotations

import gzip
import hashlib
import logging
import time
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pipeline
from pipeline.errors import (
    AsyncExtractionFailed,
    EurostatError,
    EurostatUnavailable,
    ExtractionTooBig,
    InvalidDatasetCode,
    UnexpectedResponse,
    UnknownDataset,
)
from pipeline.eurostat.client import EurostatClient, _is_sorry
from tests.eurostat_server import (
    EXTRACTION_TOO_BIG,
    HTML_ERROR_PAGE,
    UNKNOWN_REQUEST,
    EurostatTestServer,
    Respond,
    async_data_route,
    async_status_route,
    data_route,
    gzip_bomb,
    soap_async_status,
    soap_queued,
)
from tests.helpers.clock import FakeTime
from tests.helpers.eurostat import CODE, ROUTE, TOC, client_for, sdmx_csv
from tests.helpers.ports import free_port

pytestmark = pytest.mark.integration

CSV = sdmx_csv([("BE", "2025", "24.71", "", ""), ("FR", "2023", "5.88", "b", ""), ("MK", "2021", "", "", "C")])
GZ = gzip.compress(CSV, mtime=0)


@pytest.fixture
def server():
    with EurostatTestServer(datasets={CODE: GZ}, toc=TOC) as srv:
        yield srv


# -- success ------------------------------------------------------------------------------------
def test_dataset_comes_back_byte_identical_with_provenance(server):
    download = client_for(server).fetch_dataset(CODE)
    assert download.sha256 == hashlib.sha256(GZ).hexdigest()
    assert download.body == GZ and download.size == len(GZ) and download.is_gzip
    assert download.dataset == CODE and download.async_key is None
    assert download.url == f"{server.base_url}/sdmx/2.1/data/{CODE}?format=SDMX-CSV&compressed=true"
    assert download.content_type == "application/octet-stream"
    assert download.retrieved_at.tzinfo is not None and download.retrieved_at.utcoffset().total_seconds() == 0
    assert [r.path for r in server.served] == [f"{ROUTE}?format=SDMX-CSV&compressed=true"]
    user_agent = f"digital-economy-overview/{pipeline.__version__} (+Eurostat ICT ETL; requests)"
    assert server.served[0].user_agent == user_agent


def test_catalogue_comes_back_as_served(server):
    download = client_for(server).fetch_catalogue()
    assert download.dataset is None and download.body == TOC
    assert download.url == f"{server.base_url}/catalogue/toc/txt?lang=en"


def test_default_urls_point_at_eurostat():
    client = EurostatClient()
    assert client.data_url(CODE) == (
        "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/isoc_eb_ai?format=SDMX-CSV&compressed=true"
    )
    assert client.toc_url() == "https://ec.europa.eu/eurostat/api/dissemination/catalogue/toc/txt?lang=en"


@pytest.mark.parametrize("code", ["../etc", "a/b", "x?y", "ISOC_EB_AI", ""])
def test_bad_dataset_code_is_refused_before_any_request(server, code):
    with pytest.raises(InvalidDatasetCode):
        client_for(server).fetch_dataset(code)
    assert server.served == ()


def test_tls_verification_cannot_be_switched_off():
    import requests

    session = requests.Session()
    session.verify = False
    with pytest.raises(ValueError, match="TLS"):
        EurostatClient(session=session)


# -- retries ------------------------------------------------------------------------------------
def test_503_then_200_succeeds_after_one_retry_and_logs_it(server, caplog):
    server.script(ROUTE, [Respond(503)])
    with caplog.at_level(logging.INFO, logger="pipeline.eurostat"):
        download = client_for(server).fetch_dataset(CODE)
    assert download.body == GZ
    assert [r.status for r in server.served] == [503, 200]
    assert any("HTTP 503" in r.getMessage() and r.levelno == logging.INFO for r in caplog.records)


def test_503_forever_is_unavailable_after_bounded_retries(server):
    server.script(ROUTE, [], then=Respond(503))
    with pytest.raises(EurostatUnavailable, match=f"HTTP 503 for dataset {CODE}") as err:
        client_for(server, retries=3).fetch_dataset(CODE)
    assert server.request_count(ROUTE) == 4
    assert err.value.dataset == CODE and err.value.url.endswith("compressed=true")


def test_429_retry_after_is_honoured(server):
    server.script(ROUTE, [Respond(429, headers={"Retry-After": "1"})])
    started = time.monotonic()
    download = client_for(server, backoff_factor=0.0).fetch_dataset(CODE)
    elapsed = time.monotonic() - started
    assert download.body == GZ
    assert [r.status for r in server.served] == [429, 200]
    assert 1.0 <= elapsed < 5.0  # waited the announced second, not a backoff of its own


def test_connection_reset_mid_body_is_retried(server):
    server.script(ROUTE, [Respond(cut_after=20)])
    download = client_for(server).fetch_dataset(CODE)
    assert download.sha256 == hashlib.sha256(GZ).hexdigest()
    assert server.request_count(ROUTE) == 2
    assert server.served[0].bytes == 20


def test_connection_reset_every_time_is_unavailable(server):
    server.script(ROUTE, [], then=Respond(cut_after=20))
    with pytest.raises(EurostatUnavailable, match=f"connection dropped while reading dataset {CODE}"):
        client_for(server, retries=1).fetch_dataset(CODE)
    assert server.request_count(ROUTE) == 2


def test_stall_longer_than_read_timeout_is_unavailable_quickly(server):
    server.script(ROUTE, [], then=Respond(stall=5))
    started = time.monotonic()
    with pytest.raises(EurostatUnavailable, match="read timeout of 0.3s") as err:
        client_for(server, read_timeout=0.3, retries=1).fetch_dataset(CODE)
    assert time.monotonic() - started < 2.5
    assert CODE in str(err.value) and "make demo" in str(err.value)
    assert server.request_count(ROUTE) == 2


def test_stall_mid_body_is_retried_then_succeeds(server):
    server.script(ROUTE, [Respond(stall=5, stall_after=10)])
    download = client_for(server, read_timeout=0.3).fetch_dataset(CODE)
    assert download.body == GZ and server.request_count(ROUTE) == 2


def test_connection_refused_is_unavailable_within_seconds_and_suggests_demo():
    base = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(EurostatUnavailable) as err:
        EurostatClient(base, connect_timeout=1.0, retries=2, backoff_factor=0.05).fetch_dataset(CODE)
    assert time.monotonic() - started < 5
    message = str(err.value)
    assert f"cannot be reached at {base}" in message and "make demo" in message and CODE in message


# -- Eurostat's errors --------------------------------------------------------------------------
def test_413_is_too_big_and_not_retried(server):
    server.script(ROUTE, [Respond(413, EXTRACTION_TOO_BIG, {"Content-Type": "text/xml"})], then=Respond())
    with pytest.raises(ExtractionTooBig, match=f"dataset {CODE}: extraction too big .*filter more") as err:
        client_for(server).fetch_dataset(CODE)
    assert "max authorised is 5000000" in str(err.value)
    assert server.request_count(ROUTE) == 1


def test_404_is_unknown_dataset():
    with EurostatTestServer(datasets={}) as server:
        with pytest.raises(UnknownDataset, match="unknown dataset isoc_nope"):
            client_for(server).fetch_dataset("isoc_nope")
        assert [r.status for r in server.served] == [404]


def test_400_carries_eurostat_message(server):
    from pipeline.eurostat.mirror import soap_fault

    body = soap_fault("140", "Syntax error: Invalid key A.B.C")
    server.script(ROUTE, [Respond(400, body)])
    expected = f"dataset {CODE}: Eurostat answered HTTP 400: Syntax error: Invalid key A.B.C"
    with pytest.raises(EurostatError, match=expected):
        client_for(server).fetch_dataset(CODE)


def test_html_error_page_is_unavailable(server):
    server.script(ROUTE, [Respond(200, HTML_ERROR_PAGE, {"Content-Type": "text/html"})])
    with pytest.raises(EurostatUnavailable, match=f"HTML page came back instead of dataset {CODE}"):
        client_for(server).fetch_dataset(CODE)


def test_redirect_to_sorry_page_is_unavailable(server):
    server.script(ROUTE, [Respond(302, b"", {"Location": f"{server.base_url}/sorry"})])
    with pytest.raises(EurostatUnavailable, match="'sorry' page") as err:
        client_for(server).fetch_dataset(CODE)
    assert CODE in str(err.value)
    assert server.routes() == [ROUTE, "/sorry"]


@pytest.mark.parametrize(
    "url, sorry",
    [
        ("https://sorry.ec.europa.eu/", True),
        ("https://sorry.ec.europa.eu/index.html?x=1", True),
        ("http://127.0.0.1:8080/sorry", True),
        ("https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/isoc_eb_ai", False),
        ("https://sorrynot.example.org/", False),
    ],
)
def test_sorry_page_is_recognised_by_host_or_path(url, sorry):
    assert _is_sorry(url) is sorry


# -- what the body must be ----------------------------------------------------------------------
def test_truncated_gzip_is_unexpected(server):
    server.script(ROUTE, [Respond(200, GZ[: len(GZ) - 12], {"Content-Type": "application/octet-stream"})])
    with pytest.raises(UnexpectedResponse, match=f"dataset {CODE}: truncated compressed body"):
        client_for(server).fetch_dataset(CODE)


def test_body_that_is_not_sdmx_csv_is_unexpected(server):
    server.script(ROUTE, [Respond(200, gzip.compress(b"geo,value\r\nBE,1\r\n"))])
    with pytest.raises(UnexpectedResponse, match=f"dataset {CODE}: .* did not answer with SDMX-CSV .*'geo,value'"):
        client_for(server).fetch_dataset(CODE)


def test_gzip_bomb_is_stopped_at_the_size_cap(server):
    bomb = gzip_bomb(50_000_000)
    assert len(bomb) < 100_000
    server.script(ROUTE, [Respond(200, bomb)])
    started = time.monotonic()
    with pytest.raises(UnexpectedResponse, match=f"dataset {CODE}: .*over the size cap of 1,000,000 bytes"):
        client_for(server, max_decompressed_bytes=1_000_000).fetch_dataset(CODE)
    assert time.monotonic() - started < 2


def test_body_over_the_cap_is_refused_from_content_length(server):
    with pytest.raises(UnexpectedResponse, match="over the size cap"):
        client_for(server, max_decompressed_bytes=len(GZ) - 1).fetch_dataset(CODE)


def test_transport_gzip_over_the_gzip_file_is_removed_once(server):
    server.script(ROUTE, [Respond(200, gzip.compress(GZ), {"Content-Encoding": "gzip"})])
    assert client_for(server).fetch_dataset(CODE).body == GZ


def test_transport_gzip_over_plain_csv_is_decoded_to_the_csv(server):
    server.script(ROUTE, [Respond(200, gzip.compress(CSV), {"Content-Encoding": "gzip"})])
    download = client_for(server).fetch_dataset(CODE)
    assert download.body == CSV and not download.is_gzip


def test_transport_deflate_is_decoded(server):
    server.script(ROUTE, [Respond(200, zlib.compress(CSV), {"Content-Encoding": "deflate"})])
    assert client_for(server).fetch_dataset(CODE).body == CSV


def test_xml_with_a_dtd_is_refused(server):
    evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><S:Envelope xmlns:S="s">&a;</S:Envelope>'
    server.script(ROUTE, [Respond(200, evil)])
    with pytest.raises(UnexpectedResponse, match="refused XML with a DTD"):
        client_for(server).fetch_dataset(CODE)


def test_catalogue_must_be_a_toc(server):
    server.toc = b"title,code\nfoo,bar\n"
    with pytest.raises(UnexpectedResponse, match="catalogue .* is not a TOC txt file"):
        client_for(server).fetch_catalogue()


# -- asynchronous delivery ----------------------------------------------------------------------
def async_client(server, fake: FakeTime, **kw) -> EurostatClient:
    return client_for(
        server, async_poll_initial=2.0, async_poll_max=8.0, clock=fake.clock, sleep=fake.sleep, **kw
    )


def test_async_submitted_processing_available(server):
    key = "f0a1b2c3-async"
    server.script(ROUTE, [Respond(200, soap_queued(key), {"Content-Type": "text/xml"})])
    server.script(
        async_status_route(key),
        [Respond(200, soap_async_status(key, s)) for s in ("SUBMITTED", "PROCESSING", "PROCESSING", "AVAILABLE")],
    )
    server.script(async_data_route(key), [Respond(200, GZ, {"Content-Type": "application/octet-stream"})])
    fake = FakeTime()
    download = async_client(server, fake).fetch_dataset(CODE)
    assert download.body == GZ and download.async_key == key
    assert download.url.endswith(f"/data/{CODE}?format=SDMX-CSV&compressed=true")
    assert fake.sleeps == [2.0, 4.0, 8.0, 8.0]
    assert server.routes() == [ROUTE] + [async_status_route(key)] * 4 + [async_data_route(key)]


def test_async_expired_fails_naming_dataset_and_key(server):
    key = "k-expired"
    server.script(ROUTE, [Respond(200, soap_queued(key))])
    server.script(async_status_route(key), [Respond(200, soap_async_status(key, "EXPIRED"))])
    with pytest.raises(AsyncExtractionFailed, match=f"dataset {CODE}: asynchronous extraction {key} EXPIRED"):
        async_client(server, FakeTime()).fetch_dataset(CODE)


def test_async_never_finishing_stops_at_the_deadline(server):
    key = "k-slow"
    server.script(ROUTE, [Respond(200, soap_queued(key))])
    server.script(async_status_route(key), [], then=Respond(200, soap_async_status(key, "PROCESSING")))
    fake = FakeTime()
    expected = f"dataset {CODE}: asynchronous extraction {key} still PROCESSING after 30s"
    with pytest.raises(AsyncExtractionFailed, match=expected):
        async_client(server, fake, async_deadline=30).fetch_dataset(CODE)
    assert sum(fake.sleeps) == pytest.approx(30)
    assert max(fake.sleeps) <= 8.0
    assert server.request_count(async_status_route(key)) == len(fake.sleeps)


def test_async_unknown_request_fault_fails(server):
    key = "k-gone"
    server.script(ROUTE, [Respond(200, soap_queued(key))])
    server.script(async_status_route(key), [Respond(200, UNKNOWN_REQUEST)])
    expected = f"dataset {CODE}: asynchronous extraction {key} failed: UNKNOWN_REQUEST"
    with pytest.raises(AsyncExtractionFailed, match=expected):
        async_client(server, FakeTime()).fetch_dataset(CODE)


def test_async_unknown_request_with_error_status_fails(server):
    key = "k-gone-404"
    server.script(ROUTE, [Respond(200, soap_queued(key))])
    server.script(async_status_route(key), [Respond(404, UNKNOWN_REQUEST)])
    with pytest.raises(AsyncExtractionFailed, match=f"{key} \\(UNKNOWN_REQUEST, HTTP 404\\)"):
        async_client(server, FakeTime()).fetch_dataset(CODE)


# -- reachability probe -------------------------------------------------------------------------
def test_check_reachable_passes_against_a_live_catalogue(server):
    client_for(server).check_reachable()
    assert server.routes() == ["/catalogue/toc/txt"]


def test_check_reachable_fails_fast_without_retrying(server):
    server.script("/catalogue/toc/txt", [], then=Respond(503))
    started = time.monotonic()
    with pytest.raises(EurostatUnavailable, match="HTTP 503"):
        client_for(server, retries=5, backoff_factor=1.0).check_reachable()
    assert time.monotonic() - started < 1
    assert server.request_count("/catalogue") == 1


def test_check_reachable_fails_fast_when_nobody_listens():
    base = f"http://127.0.0.1:{free_port()}"
    started = time.monotonic()
    with pytest.raises(EurostatUnavailable, match="make demo"):
        EurostatClient(base).check_reachable()
    assert time.monotonic() - started < 3


# -- decompression ------------------------------------------------------------------------------
def test_trailing_garbage_after_gzip_is_unexpected(server):
    server.script(ROUTE, [Respond(200, GZ + b"<html>oops</html>")])
    with pytest.raises(UnexpectedResponse, match="unexpected bytes after the gzip data"):
        client_for(server).fetch_dataset(CODE)
