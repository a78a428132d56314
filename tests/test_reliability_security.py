"""Security: TLS always verified (a custom CA only through REQUESTS_CA_BUNDLE), no credentials sent, no DTDs.

The loopback HTTPS server uses a certificate made for 127.0.0.1 by the openssl CLI in the test.
"""

from __future__ import annotations

import shutil
import ssl
import subprocess

import pytest

from assets.resources import EurostatApi
from pipeline.errors import EurostatUnavailable, UnexpectedResponse
from pipeline.eurostat.client import EurostatClient
from tests.eurostat_server import EurostatTestServer, Respond, async_status_route, data_route, soap_queued
from tests.helpers.eurostat import CODE, NEW, toc

pytestmark = pytest.mark.integration
TOC = toc({CODE: "15.06.2026"})


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for IP 127.0.0.1 (its own CA), and its key."""
    if shutil.which("openssl") is None:
        pytest.fail("the openssl command is needed to make a test certificate (apt-get install openssl)")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


class RecordingServer(EurostatTestServer):
    """Keeps every request's headers, to show what the client sends."""

    def __init__(self, *a, **kw):
        self.headers: list[dict[str, str]] = []
        super().__init__(*a, **kw)

    def handle(self, handler):
        self.headers.append({k.lower(): v for k, v in handler.headers.items()})
        super().handle(handler)


@pytest.fixture
def https_server(certificate):
    cert, key = certificate
    server = RecordingServer(datasets={CODE: NEW}, toc=TOC)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server._httpd.socket = context.wrap_socket(server._httpd.socket, server_side=True)
    with server:
        yield server, "https://" + server.base_url.removeprefix("http://")


def test_tls_is_verified_by_default_and_an_unknown_ca_is_a_clear_error(https_server, monkeypatch):
    server, base = https_server
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    client = EurostatClient(base, retries=0, connect_timeout=2, read_timeout=2)
    assert client.session.verify is True
    with EurostatApi(base_url=base).open() as resource_client:
        assert resource_client.session.verify is True
    with pytest.raises(EurostatUnavailable, match=f"dataset {CODE}.*CERTIFICATE_VERIFY_FAILED"):
        client.fetch_dataset(CODE)
    with pytest.raises(EurostatUnavailable, match="CERTIFICATE_VERIFY_FAILED"):
        client.check_reachable()
    assert server.request_count() == 0  # refused before any HTTP request was made


def test_a_custom_ca_is_honoured_through_requests_ca_bundle(https_server, certificate, monkeypatch):
    server, base = https_server
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate[0]))
    client = EurostatClient(base, retries=0, connect_timeout=2, read_timeout=2)
    client.check_reachable()
    assert client.fetch_dataset(CODE).body == NEW
    assert client.fetch_catalogue().body == TOC


def test_no_credentials_are_sent(https_server, certificate, monkeypatch):
    server, base = https_server
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate[0]))
    EurostatClient(base, retries=0).fetch_dataset(CODE)
    (sent,) = server.headers
    assert not {"authorization", "cookie", "proxy-authorization"} & set(sent)
    assert sent["accept-encoding"] == "identity" and sent["user-agent"].startswith("digital-economy-overview/")


def test_an_async_status_envelope_with_a_dtd_is_refused():
    key = "k-dtd"
    evil = (b'<?xml version="1.0"?><!DOCTYPE S [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body>&x;</S:Body></S:Envelope>')
    with EurostatTestServer(datasets={CODE: NEW}) as server:
        server.script(data_route(CODE), [Respond(200, soap_queued(key))])
        server.script(async_status_route(key), [Respond(200, evil)])
        client = EurostatClient(server.base_url, retries=0, async_poll_initial=0.01)
        with pytest.raises(UnexpectedResponse, match=f"dataset {CODE}: refused XML with a DTD"):
            client.fetch_dataset(CODE)
