"""A static Eurostat API mirror on loopback: serves a mirror directory the way Eurostat serves data.

Layout of the mirror directory (shared with the sample generator)::

    <root>/toc_en.txt                 -> /catalogue/toc/txt?lang=en
    <root>/data/<code>.sdmx.csv.gz    -> /sdmx/2.1/data/<code>?format=SDMX-CSV&compressed=true
    <root>/data/<code>.tsv.gz         -> /sdmx/2.1/data/<code>?format=TSV&compressed=true
    <root>/codelist/<ID>.xml          -> /sdmx/2.1/codelist/ESTAT/<ID>/latest (SDMX-ML 2.1 structure)

`compressed=false` serves the decompressed file. Filters (a series key, startPeriod, ...) are
refused with 400: the mirror only has whole datasets and must not pretend to filter.
Usage: ``with MirrorServer(root) as mirror: EurostatClient(mirror.base_url).fetch_dataset(...)``
or ``python -m pipeline.eurostat.mirror <root> [port]``. Stdlib only.
"""

from __future__ import annotations

import gzip
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from pipeline.datasets import validate_dataset_code
from pipeline.errors import InvalidDatasetCode

TOC_PATH = "/catalogue/toc/txt"
DATA_PREFIX = "/sdmx/2.1/data/"
GZIP_CONTENT_TYPE = "application/octet-stream"
SDMX_CSV_CONTENT_TYPE = "application/vnd.sdmx.data+csv;version=1.0.0"
TSV_CONTENT_TYPE = "text/tab-separated-values;charset=UTF-8"
TOC_CONTENT_TYPE = "text/plain;charset=UTF-8"
XML_CONTENT_TYPE = "application/xml;charset=UTF-8"
CODELIST_PREFIX = "/sdmx/2.1/codelist/ESTAT/"
STRUCTURE_CONTENT_TYPE = "application/vnd.sdmx.structure+xml;version=2.1"
_FORMATS = {"SDMX-CSV": ("sdmx.csv", "csv", SDMX_CSV_CONTENT_TYPE), "TSV": ("tsv", "tsv", TSV_CONTENT_TYPE)}
_DATA_PARAMETERS = {"format", "compressed"}


@dataclass(frozen=True)
class Reply:
    """A complete HTTP answer."""

    status: int
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ServedRequest:
    """One request as the server saw it: what was asked, what status and how many body bytes went out."""

    path: str  # as requested, query included
    status: int
    bytes: int
    user_agent: str | None = None

    @property
    def route(self) -> str:
        return urlsplit(self.path).path


def soap_fault(code: str, message: str) -> bytes:
    """A SOAP fault envelope as Eurostat sends with its errors."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><S:Fault>'
        f"<faultcode>{escape(code)}</faultcode><faultstring>{escape(message)}</faultstring>"
        "</S:Fault></S:Body></S:Envelope>"
    ).encode()


def _fault(status: int, code: str, message: str) -> Reply:
    return Reply(status, soap_fault(code, message), (("Content-Type", XML_CONTENT_TYPE),))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "EurostatMirror/1"
    timeout = 30  # an idle keep-alive connection must not hold a thread forever

    def do_GET(self):
        self.server.mirror.arrived(self)
        self.server.mirror.handle(self)

    def log_message(self, format, *args):  # quiet: the request log is kept as data instead
        pass


class MirrorServer:
    """Serves a Eurostat mirror directory on 127.0.0.1 in a daemon thread; counts what it serves."""

    def __init__(self, root: str | Path | None, *, host: str = "127.0.0.1", port: int = 0):
        self.root = Path(root) if root is not None else None
        # A condition, so `served` can wait for answers still being written when a client has
        # already read the whole body (the server records a request after sending it).
        self._lock = threading.Condition()
        self._served: list[ServedRequest] = []
        self._arrivals: list[str] = []
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer((host, port), _Handler)
        self._httpd.mirror = self
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"eurostat-mirror-{self.port}", daemon=True,
        )
        self._thread.start()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self._httpd.server_address[0]}:{self.port}"

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> MirrorServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- what was served ----------------------------------------------------------------------
    @property
    def served(self) -> tuple[ServedRequest, ...]:
        """Answered requests; waits up to 2 s for requests that arrived but are still being answered."""
        deadline = time.monotonic() + 2.0
        with self._lock:
            while len(self._served) < len(self._arrivals) and (left := deadline - time.monotonic()) > 0:
                self._lock.wait(left)
            return tuple(self._served)

    @property
    def arrivals(self) -> tuple[str, ...]:
        """The route of every request received (answered or not yet), in order."""
        with self._lock:
            return tuple(self._arrivals)

    def request_count(self, route_prefix: str = "") -> int:
        """Requests received on routes starting with `route_prefix` (counted on arrival)."""
        return sum(1 for route in self.arrivals if route.startswith(route_prefix))

    def bytes_served(self, route_prefix: str = "") -> int:
        return sum(r.bytes for r in self.served if r.route.startswith(route_prefix))

    def reset_counters(self) -> None:
        with self._lock:
            self._served.clear()
            self._arrivals.clear()

    def arrived(self, handler: BaseHTTPRequestHandler) -> None:
        with self._lock:
            self._arrivals.append(urlsplit(handler.path).path)

    def record(self, handler: BaseHTTPRequestHandler, status: int, sent: int) -> None:
        with self._lock:
            self._served.append(ServedRequest(handler.path, status, sent, handler.headers.get("User-Agent")))
            self._lock.notify_all()

    # -- the resources (overridable: a test server serves from memory) --------------------------
    def catalogue(self, lang: str) -> bytes | None:
        path = self.root / f"toc_{lang}.txt"
        return path.read_bytes() if path.is_file() else None

    def dataset_file(self, code: str, extension: str) -> bytes | None:
        """The gzip file `data/<code>.<extension>.gz`, or None."""
        path = self.root / "data" / f"{code}.{extension}.gz"
        return path.read_bytes() if path.is_file() else None

    def codelist_file(self, codelist: str) -> bytes | None:
        """The structure message `codelist/<ID>.xml`, or None."""
        path = self.root / "codelist" / f"{codelist}.xml"
        return path.read_bytes() if path.is_file() else None

    # -- HTTP -----------------------------------------------------------------------------------
    def handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        self.send(handler, self.answer(parts.path, parse_qs(parts.query)))

    def answer(self, path: str, query: dict[str, list[str]]) -> Reply:
        """The well-behaved answer to a GET."""
        if path == TOC_PATH:
            lang = query.get("lang", ["en"])[0]
            body = self.catalogue(lang) if lang in ("en", "fr", "de") else None
            if body is None:
                return _fault(404, "100", f"No results found: no catalogue for lang={lang}")
            return Reply(200, body, (("Content-Type", TOC_CONTENT_TYPE),))
        if path.startswith(DATA_PREFIX):
            return self._data(path[len(DATA_PREFIX):], query)
        if path.startswith(CODELIST_PREFIX):
            return self._codelist(path[len(CODELIST_PREFIX):], query)
        return _fault(404, "100", f"No results found: {path} is not a Eurostat API resource")

    def _data(self, rest: str, query: dict[str, list[str]]) -> Reply:
        code, _, key = rest.partition("/")
        try:
            code = validate_dataset_code(code.lower())
        except InvalidDatasetCode:
            return _fault(404, "100", f"No results found: invalid dataset code {code[:40]!r}")
        unsupported = sorted(set(query) - _DATA_PARAMETERS)
        if key.strip("/") or unsupported:
            return _fault(400, "140", f"Syntax error: this mirror serves whole datasets only "
                                      f"(no series key or {', '.join(unsupported) or 'filter'})")
        fmt = query.get("format", [""])[0].upper()
        if fmt not in _FORMATS:
            return _fault(400, "140", f"Syntax error: format must be SDMX-CSV or TSV, not {fmt!r}")
        extension, suffix, plain_type = _FORMATS[fmt]
        gz = self.dataset_file(code, extension)
        if gz is None:
            return _fault(404, "100", f"No results found: dataset {code} is not in this mirror")
        if query.get("compressed", ["false"])[0].lower() == "true":
            return Reply(200, gz, (
                ("Content-Type", GZIP_CONTENT_TYPE),
                ("Content-Disposition", f"attachment; filename={code}.{suffix}.gz"),
            ))
        return Reply(200, gzip.decompress(gz), (("Content-Type", plain_type),))

    def _codelist(self, rest: str, query: dict[str, list[str]]) -> Reply:
        codelist, _, version = rest.partition("/")
        if version.strip("/") not in ("", "latest") or not codelist.replace("_", "").isalnum():
            return _fault(404, "100", f"No results found: this mirror serves the latest codelists only, "
                                      f"not {rest[:60]!r}")
        body = self.codelist_file(codelist.upper())
        if body is None:
            return _fault(404, "100", f"No results found: codelist {codelist[:40]} is not in this mirror")
        if query.get("compressed", ["false"])[0].lower() == "true":
            return Reply(200, gzip.compress(body, mtime=0), (("Content-Type", GZIP_CONTENT_TYPE),))
        return Reply(200, body, (("Content-Type", STRUCTURE_CONTENT_TYPE),))

    @staticmethod
    def send_head(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        """Status line and headers, announcing the whole body's length."""
        handler.send_response(reply.status)
        for name, value in reply.headers:
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(reply.body)))
        handler.end_headers()

    def send(self, handler: BaseHTTPRequestHandler, reply: Reply) -> None:
        sent = 0
        try:
            self.send_head(handler, reply)
            handler.wfile.write(reply.body)
            sent = len(reply.body)
        except OSError:  # the client went away; nothing to answer to
            handler.close_connection = True
        finally:
            self.record(handler, reply.status, sent)


def main(argv: list[str] | None = None) -> None:
    """Serve a mirror directory until interrupted."""
    args = sys.argv[1:] if argv is None else argv
    if not args:
        raise SystemExit("usage: python -m pipeline.eurostat.mirror <mirror-dir> [port]")
    with MirrorServer(args[0], port=int(args[1]) if len(args) > 1 else 0) as mirror:
        print(f"serving {args[0]} as the Eurostat API at {mirror.base_url} (EUROSTAT_BASE_URL)", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
