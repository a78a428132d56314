"""A loopback Eurostat that misbehaves on demand: real sockets, real gzip, real status codes.

A scenario is data: a queue of `Respond` steps per route, played one per request::

    server.script("/sdmx/2.1/data/isoc_eb_ai", [Respond(503), Respond()])   # 503, then the data

`Respond()` with no body answers what the well-behaved mirror would. Once a route's queue is
empty the mirror answers again, unless `then=` gave a step to repeat forever. The server also
plays Eurostat's overload page at `/sorry`. Every request is logged (`server.served`).
"""

from __future__ import annotations

import gzip
import socket
import struct
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

from pipeline.eurostat.mirror import MirrorServer, Reply, soap_fault

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
SORRY_PAGE = (
    b"<!DOCTYPE html><html><head><title>Sorry</title></head><body><h1>We're sorry</h1>"
    b"<p>The service is temporarily unavailable due to high demand. Please try again later.</p>"
    b"<p>https://sorry.ec.europa.eu/</p></body></html>"
)
HTML_ERROR_PAGE = (
    b'<!DOCTYPE html>\n<html lang="en" class="no-js"><head><title>Eurostat - Error</title></head>'
    b"<body><h1>Technical problem</h1><p>Please try again later.</p></body></html>"
)
EXTRACTION_TOO_BIG = soap_fault(
    "413",
    "EXTRACTION_TOO_BIG: The requested extraction is too big, estimated 7644780 rows, max authorised "
    "is 5000000, please change your filters to reduce the extraction size",
)
UNKNOWN_REQUEST = soap_fault("100", "UNKNOWN_REQUEST: Unknown request.")


@dataclass(frozen=True)
class Respond:
    """One scripted answer to one request."""

    status: int = 200
    body: bytes | None = None  # None: the mirror's answer for a 200, the reason phrase otherwise
    headers: Mapping[str, str] = field(default_factory=dict)
    stall: float = 0.0  # seconds of silence before the status line (or at stall_after)
    stall_after: int | None = None  # stall after this many body bytes instead
    cut_after: int | None = None  # reset the connection after this many body bytes


def data_route(code: str) -> str:
    return f"/sdmx/2.1/data/{code}"


def codelist_route(codelist: str) -> str:
    return f"/sdmx/2.1/codelist/ESTAT/{codelist}/latest"


def async_status_route(key: str) -> str:
    return f"/1.0/async/status/{key}"


def async_data_route(key: str) -> str:
    return f"/1.0/async/data/{key}"


def soap_queued(key: str, status: str = "SUBMITTED") -> bytes:
    """The data endpoint's answer when it switches to asynchronous delivery."""
    return (
        f'<S:Envelope xmlns:S="{SOAP}"><S:Body>'
        '<ns0:syncResponse xmlns:ns0="http://estat.ec.europa.eu/disschain/soap/extraction">'
        f"<queued><id>{key}</id><status>{status}</status></queued>"
        "</ns0:syncResponse></S:Body></S:Envelope>"
    ).encode()


def soap_async_status(key: str, status: str) -> bytes:
    """The async status endpoint's answer."""
    return (
        f'<S:Envelope xmlns:S="{SOAP}"><S:Body>'
        '<ns0:asyncResponse xmlns:ns0="http://estat.ec.europa.eu/disschain/soap/asynchronous">'
        '<ns1:status xmlns:ns1="http://estat.ec.europa.eu/disschain/asynchronous">'
        f"<ns1:key>{key}</ns1:key><ns1:status>{status}</ns1:status></ns1:status>"
        "</ns0:asyncResponse></S:Body></S:Envelope>"
    ).encode()


def gzip_bomb(size: int, header: bytes = b"DATAFLOW,LAST UPDATE,freq,geo,TIME_PERIOD,OBS_VALUE\n") -> bytes:
    """A small gzip file that inflates to `size` bytes: a valid header, then zeros."""
    return gzip.compress(header + bytes(size), compresslevel=9, mtime=0)


class EurostatTestServer(MirrorServer):
    """MirrorServer serving in-memory files, with scripted misbehaviour per route."""

    def __init__(
        self,
        *,
        datasets: Mapping[str, bytes] | None = None,
        tsv: Mapping[str, bytes] | None = None,
        toc: bytes | None = None,
        codelists: Mapping[str, bytes] | None = None,
    ):
        self.datasets = dict(datasets or {})  # code -> .sdmx.csv.gz bytes
        self.codelists = dict(codelists or {})  # ID -> SDMX-ML structure message
        self.tsv = dict(tsv or {})  # code -> .tsv.gz bytes
        self.toc = toc
        self._steps: dict[str, deque[Respond]] = {}
        self._then: dict[str, Respond] = {}
        super().__init__(None)

    def script(self, route: str, steps: Iterable[Respond], *, then: Respond | None = None) -> None:
        """Answer the next requests to `route` with `steps`, then with `then` forever (or normally)."""
        with self._lock:
            self._steps[route] = deque(steps)
            if then is not None:
                self._then[route] = then

    def routes(self) -> list[str]:
        """The route of every request received, in order (query left out)."""
        return list(self.arrivals)

    def catalogue(self, lang: str) -> bytes | None:
        return self.toc if lang == "en" else None

    def dataset_file(self, code: str, extension: str) -> bytes | None:
        return (self.datasets if extension == "sdmx.csv" else self.tsv).get(code)

    def codelist_file(self, codelist: str) -> bytes | None:
        return self.codelists.get(codelist)

    def _next_step(self, route: str) -> Respond | None:
        with self._lock:
            queue = self._steps.get(route)
            if queue:
                return queue.popleft()
            return self._then.get(route)

    def handle(self, handler) -> None:
        parts = urlsplit(handler.path)
        step = self._next_step(parts.path)
        if step is None:
            if parts.path == "/sorry":
                return self.send(handler, Reply(200, SORRY_PAGE, (("Content-Type", "text/html"),)))
            return super().handle(handler)
        if step.status == 200 and step.body is None:
            normal = self.answer(parts.path, parse_qs(parts.query))
            reply = Reply(normal.status, normal.body, normal.headers + tuple(step.headers.items()))
        else:
            body = step.body if step.body is not None else HTTPStatus(step.status).phrase.encode()
            headers = {"Content-Type": "text/plain", **step.headers}
            reply = Reply(step.status, body, tuple(headers.items()))
        if step.stall and step.stall_after is None:
            self._stopping.wait(step.stall)
        if step.cut_after is None and step.stall_after is None:
            return self.send(handler, reply)
        self._send_badly(handler, reply, step)

    def _send_badly(self, handler, reply: Reply, step: Respond) -> None:
        """Announce the whole body, then stall or reset the connection part-way through it."""
        sent = 0
        try:
            self.send_head(handler, reply)
            if step.stall_after is not None:
                handler.wfile.write(reply.body[: step.stall_after])
                sent = min(step.stall_after, len(reply.body))
                self._stopping.wait(step.stall)
            if step.cut_after is not None:
                handler.wfile.write(reply.body[sent: step.cut_after])
                sent = max(sent, min(step.cut_after, len(reply.body)))
                # SO_LINGER 0: closing sends a TCP reset instead of an orderly end.
                handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                handler.connection.close()
            else:
                handler.wfile.write(reply.body[sent:])
                sent = len(reply.body)
        except OSError:
            pass
        finally:
            handler.close_connection = True
            self.record(handler, reply.status, sent)
