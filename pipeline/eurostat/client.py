"""HTTP client for Eurostat's dissemination API: whole datasets and the catalogue, as served.

What comes back is a `Download`: the bytes exactly as Eurostat sent them (a gzip file stays a
gzip file), checked to be what was asked for. Every failure is one of the project's errors
from `pipeline.errors`, carrying `dataset` and `url`.

Transport encoding. We ask for compression at the resource level (`compressed=true`) and
send `Accept-Encoding: identity`, so a conforming server sends the .gz file as is and the
bytes we hash are the file. A server (or proxy) may still wrap the body in a transport
layer (`Content-Encoding: gzip`/`deflate`); that layer is not part of the file and is
removed, exactly once. What is beneath is kept as served: the .gz file when the server
gzipped a gzip file, or the plain text when it compressed a plain body (`Download.is_gzip`
tells which).

Eurostat's 'sorry' page. When overloaded Eurostat redirects to https://sorry.ec.europa.eu/.
A response whose redirect chain (or failed redirect target) has a host whose first label is
`sorry`, or whose path starts with `/sorry`, is taken as that page (the path form lets a
loopback test server play it). Any HTML body is also taken as "unavailable".
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter

from pipeline import __version__, compression
from pipeline.config import DEFAULT_BASE_URL
from pipeline.datasets import validate_dataset_code
from pipeline.eurostat.retry import RETRY_AFTER_STATUSES, RETRY_STATUSES, Attempts, RetryBudget
from pipeline.errors import (
    AsyncExtractionFailed,
    EurostatError,
    EurostatUnavailable,
    ExtractionTooBig,
    UnexpectedResponse,
    UnknownDataset,
)

log = logging.getLogger("pipeline.eurostat")

USER_AGENT = f"digital-economy-overview/{__version__} (+Eurostat ICT ETL; requests)"

_CHUNK = 1 << 16
_HEAD = 1 << 16  # enough decompressed bytes to see the first line
_XML_CAP = 1 << 20  # SOAP envelopes are tiny; refuse anything bigger
_ERROR_BODY_CAP = 1 << 16
_ASYNC_WAITING = ("SUBMITTED", "PROCESSING")


@dataclass(frozen=True)
class Progress:
    """Where a long request stands: bytes received so far, or the wait for an asynchronous extraction."""

    dataset: str | None  # None for the catalogue
    url: str
    stage: str  # "receiving" (body bytes arriving) or "waiting" (Eurostat preparing an extraction)
    elapsed: float  # seconds since the request was sent, or since the extraction was queued
    received: int = 0  # body bytes received so far (receiving)
    total: int | None = None  # the declared Content-Length, when the server sent one
    status: str | None = None  # the extraction's status (waiting): SUBMITTED, PROCESSING, AVAILABLE
    key: str | None = None  # the extraction's key (waiting)

    def describe(self) -> str:
        what = _what(self.dataset)
        if self.stage == "waiting":
            return (f"{what}: waiting for Eurostat's asynchronous extraction {self.key} "
                    f"({self.status}, {_duration(self.elapsed)} elapsed)")
        of = f" of {_megabytes(self.total)}" if self.total else ""
        return f"{what}: {_megabytes(self.received)}{of} received ({_duration(self.elapsed)} elapsed)"


def _megabytes(n: int) -> str:
    return f"{n / 1e6:,.1f} MB"


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


@dataclass(frozen=True)
class Download:
    """One body exactly as Eurostat served it, with where and when it came from."""

    dataset: str | None  # None for the catalogue
    url: str  # the URL that was requested (for async delivery, the original data URL)
    body: bytes
    content_type: str | None
    retrieved_at: datetime  # UTC
    async_key: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @property
    def size(self) -> int:
        return len(self.body)

    @property
    def is_gzip(self) -> bool:
        return compression.is_gzip(self.body)


class EurostatClient:
    """Downloads whole Eurostat datasets (SDMX-CSV 1.0, gzip) and the catalogue, politely."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 120.0,
        retries: int = 5,
        backoff_factor: float = 1.0,
        max_retry_wait: float = 120.0,
        max_decompressed_bytes: int = 1 << 30,
        async_deadline: float = 900.0,
        async_poll_initial: float = 2.0,
        async_poll_max: float = 60.0,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        progress: Callable[[Progress], None] | None = None,
        progress_interval: float = 5.0,
    ):
        self.base_url = base_url.rstrip("/")
        self.timeout = (connect_timeout, read_timeout)
        self.retry_budget = RetryBudget(retries=retries, backoff_factor=backoff_factor, max_wait=max_retry_wait)
        self.max_decompressed_bytes = max_decompressed_bytes
        self.async_deadline = async_deadline
        self.async_poll_initial = async_poll_initial
        self.async_poll_max = async_poll_max
        self.clock = clock
        self.sleep = sleep
        # Called with a `Progress` at most every `progress_interval` seconds while a body arrives,
        # and at every status poll of an asynchronous extraction; None reports nothing.
        self.progress = progress
        self.progress_interval = progress_interval
        self.session = session or requests.Session()
        if self.session.verify is False:
            raise ValueError("TLS verification must stay on; use REQUESTS_CA_BUNDLE for a custom CA")
        # No retries below this client (urllib3 would multiply its own waits with ours): see retry.py.
        adapter = HTTPAdapter(max_retries=0)
        self.session.mount("https://", adapter)
        self.session.mount("http://", adapter)
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept-Encoding": "identity"})

    @property
    def retries(self) -> int:
        return self.retry_budget.retries

    # -- URLs -------------------------------------------------------------------------------
    def data_url(self, dataset: str) -> str:
        code = validate_dataset_code(dataset)
        return f"{self.base_url}/sdmx/2.1/data/{code}?format=SDMX-CSV&compressed=true"

    def toc_url(self, lang: str = "en") -> str:
        if lang not in ("en", "fr", "de"):
            raise ValueError(f"Eurostat's catalogue exists in en, fr and de, not {lang!r}")
        return f"{self.base_url}/catalogue/toc/txt?lang={lang}"

    def async_status_url(self, key: str) -> str:
        return f"{self.base_url}/1.0/async/status/{key}"

    def async_data_url(self, key: str) -> str:
        return f"{self.base_url}/1.0/async/data/{key}"

    # -- public API -------------------------------------------------------------------------
    def fetch_catalogue(self, lang: str = "en") -> Download:
        """The table of contents (TOC txt), as served."""
        url = self.toc_url(lang)
        body, content_type, at = self._get(url, dataset=None)
        head = self._head(body, dataset=None, url=url)
        self._check_not_html(head, dataset=None, url=url)
        if not _looks_like_toc(head):
            raise UnexpectedResponse(
                f"the Eurostat catalogue at {url} is not a TOC txt file: first line {_first_line(head)!r}",
                url=url,
            )
        return Download(None, url, body, content_type, at)

    def fetch_dataset(self, dataset: str) -> Download:
        """A whole dataset as SDMX-CSV 1.0 (gzip), following asynchronous delivery if needed."""
        url = self.data_url(dataset)
        code = dataset
        body, content_type, at = self._get(url, dataset=code)
        head = self._head(body, dataset=code, url=url)
        self._check_not_html(head, dataset=code, url=url)
        if _looks_like_xml(head):
            envelope = self._xml(body, dataset=code, url=url)
            return self._follow_async(code, url, envelope)
        self._check_sdmx_csv(head, dataset=code, url=url)
        return Download(code, url, body, content_type, at)

    def check_reachable(self, timeout: float = 5.0) -> None:
        """Probe the catalogue endpoint once, in seconds; raise EurostatUnavailable if it fails."""
        url = self.toc_url()
        try:
            resp = self.session.get(url, stream=True, allow_redirects=False,
                                    timeout=(min(self.timeout[0], timeout), timeout))
        except requests.RequestException as exc:
            raise self._unreachable(exc, None, url) from exc
        with resp:
            if resp.is_redirect and _is_sorry(resp.headers.get("Location", "")):
                raise _sorry(None, url)
            if resp.status_code >= 400:
                raise EurostatUnavailable(
                    f"Eurostat unavailable: the catalogue at {url} answered HTTP {resp.status_code}",
                    url=url,
                )
            if resp.is_redirect:
                return  # the server answered; a full fetch will follow the redirect
            try:
                head = resp.raw.read(_HEAD, decode_content=True) or b""
            except (urllib3.exceptions.HTTPError, OSError) as exc:
                raise self._unreachable(exc, None, url) from exc
        self._check_not_html(head, dataset=None, url=url)
        if not _looks_like_toc(head):
            raise EurostatUnavailable(
                f"Eurostat unavailable: {url} did not answer with a catalogue "
                f"(first line {_first_line(head)!r})",
                url=url,
            )

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> EurostatClient:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- HTTP -------------------------------------------------------------------------------
    def _get(self, url: str, *, dataset: str | None, async_key: str | None = None):
        """GET within the retry budget; return (body as served, content type, retrieval time) of a 200."""
        attempts = Attempts(self.retry_budget, url, self.sleep)
        while True:
            try:
                resp = self.session.get(url, stream=True, timeout=self.timeout)
            except requests.RequestException as exc:
                failed = getattr(getattr(exc, "request", None), "url", None) or url
                transient = isinstance(exc, (requests.ConnectionError, requests.Timeout)) and not _is_sorry(failed)
                if transient and attempts.retry(self._reason(exc)):
                    continue
                raise self._unreachable(exc, dataset, url, attempts=attempts) from exc
            with resp:
                if any(_is_sorry(r.url) for r in (*resp.history, resp)):
                    raise _sorry(dataset, url)
                if resp.status_code != 200:
                    if resp.status_code in RETRY_STATUSES and attempts.retry(
                            f"HTTP {resp.status_code}", resp.headers.get("Retry-After")
                            if resp.status_code in RETRY_AFTER_STATUSES else None):
                        continue
                    raise self._status_error(resp, dataset, url, async_key, attempts)
                at = datetime.now(timezone.utc)
                try:
                    wire = self._read_capped(resp, dataset, url)
                except (urllib3.exceptions.HTTPError, OSError) as exc:
                    # The headers arrived but the body was cut short: the whole request is tried again.
                    if attempts.retry(f"body cut short: {exc.__class__.__name__}"):
                        continue
                    raise EurostatUnavailable(
                        f"Eurostat unavailable: the connection dropped while reading "
                        f"{_what(dataset)} from {url} ({exc.__class__.__name__}), {attempts.describe()}",
                        dataset=dataset, url=url,
                    ) from exc
                encoding = resp.headers.get("Content-Encoding")
                content_type = resp.headers.get("Content-Type")
            return self._strip_transport_encoding(wire, encoding, dataset, url), content_type, at

    def _read_capped(self, resp: requests.Response, dataset: str | None, url: str) -> bytes:
        cap = self.max_decompressed_bytes
        declared = resp.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise _over_cap(dataset, url, cap)
        total = int(declared) if declared.isdigit() else None
        started = last_report = self.clock()
        buf = bytearray()
        for chunk in resp.raw.stream(_CHUNK, decode_content=False):
            buf += chunk
            if len(buf) > cap:
                raise _over_cap(dataset, url, cap)
            if self.progress is not None and self.clock() - last_report >= self.progress_interval:
                last_report = self.clock()
                self.progress(Progress(dataset, url, "receiving", last_report - started, len(buf), total))
        return bytes(buf)

    def _strip_transport_encoding(self, wire: bytes, encoding: str | None, dataset, url) -> bytes:
        layers = [e.strip().lower() for e in (encoding or "").split(",") if e.strip()]
        body = wire
        for layer in reversed(layers):  # the last encoding applied is listed last
            if layer == "identity":
                continue
            if layer in ("gzip", "x-gzip"):
                wbits = compression.GZIP
            elif layer == "deflate":
                # RFC 9110 deflate is zlib-wrapped, but some servers send raw deflate.
                wbits = compression.ZLIB if body[:1] == b"\x78" else compression.RAW_DEFLATE
            else:
                raise UnexpectedResponse(
                    f"{_what(dataset)}: unsupported Content-Encoding {layer!r} from {url}",
                    dataset=dataset, url=url,
                )
            body = bytes(self._decompress(body, dataset, url, wbits=wbits, members=layer != "deflate"))
        return body

    def _decompress(self, body: bytes, dataset: str | None, url: str, *, limit: int | None = None,
                    **options) -> bytearray:
        try:
            return compression.decompress(body, limit=limit or self.max_decompressed_bytes, **options)
        except compression.DecompressionError as err:
            raise _unreadable(err, dataset, url, len(body)) from err

    # -- checks -----------------------------------------------------------------------------
    def _head(self, body: bytes, *, dataset: str | None, url: str) -> bytes:
        """The first decompressed bytes; the whole body is decompressed to prove it is complete."""
        if not compression.is_gzip(body):
            return body[:_HEAD]
        head = bytearray()
        try:
            for chunk in compression.inflate(body, limit=self.max_decompressed_bytes):
                if len(head) < _HEAD:
                    head += chunk[: _HEAD - len(head)]
        except compression.DecompressionError as err:
            raise _unreadable(err, dataset, url, len(body)) from err
        return bytes(head)

    def _check_not_html(self, head: bytes, *, dataset: str | None, url: str) -> None:
        start = _strip_bom(head).lstrip()[:200].lower()
        if start.startswith((b"<!doctype html", b"<html")) or b"sorry.ec.europa.eu" in start:
            raise EurostatUnavailable(
                f"Eurostat unavailable: an HTML page came back instead of {_what(dataset)} from {url}",
                dataset=dataset, url=url,
            )

    def _check_sdmx_csv(self, head: bytes, *, dataset: str, url: str) -> None:
        if not _strip_bom(head).startswith((b"DATAFLOW,", b"STRUCTURE,")):
            raise UnexpectedResponse(
                f"dataset {dataset}: {url} did not answer with SDMX-CSV "
                f"(first line {_first_line(head)!r})",
                dataset=dataset, url=url,
            )
        # A misrouted mirror or proxy cache could serve another dataset under this URL.
        served = _served_dataset(head)
        if served is not None and served != dataset:
            raise UnexpectedResponse(
                f"dataset {dataset}: {url} answered with the data of dataset {served}",
                dataset=dataset, url=url,
            )

    def _xml(self, body: bytes, *, dataset: str | None, url: str) -> ET.Element:
        if compression.is_gzip(body):
            body = bytes(self._decompress(body, dataset, url, limit=_XML_CAP))
        return _parse_xml(body, dataset, url)

    # -- asynchronous delivery --------------------------------------------------------------
    def _follow_async(self, dataset: str, url: str, envelope: ET.Element) -> Download:
        _raise_fault(envelope, dataset, url, async_key=None)
        key = _text(envelope, ".//{*}syncResponse/{*}queued/{*}id")
        status = _text(envelope, ".//{*}syncResponse/{*}queued/{*}status")
        if not key or not re.fullmatch(r"[A-Za-z0-9_.:-]+", key):
            raise UnexpectedResponse(
                f"dataset {dataset}: {url} answered with XML that is neither data nor a queued "
                f"asynchronous extraction (key {key!r})",
                dataset=dataset, url=url,
            )
        log.info("Eurostat: dataset %s queued for asynchronous delivery, key %s (%s)", dataset, key, status)
        queued_at = self.clock()
        deadline = queued_at + self.async_deadline

        def report() -> None:
            if self.progress is not None:
                self.progress(Progress(dataset, url, "waiting", self.clock() - queued_at, status=status, key=key))

        report()
        wait = self.async_poll_initial
        while status != "AVAILABLE":
            if status == "EXPIRED":
                raise AsyncExtractionFailed(
                    f"dataset {dataset}: asynchronous extraction {key} EXPIRED before it was fetched",
                    dataset=dataset, url=url,
                )
            if status not in _ASYNC_WAITING:
                raise AsyncExtractionFailed(
                    f"dataset {dataset}: asynchronous extraction {key} has unknown status {status!r}",
                    dataset=dataset, url=url,
                )
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise AsyncExtractionFailed(
                    f"dataset {dataset}: asynchronous extraction {key} still {status} after "
                    f"{self.async_deadline:g}s; try again later",
                    dataset=dataset, url=url,
                )
            self.sleep(min(wait, remaining))
            wait = min(wait * 2, self.async_poll_max)
            status = self._async_status(dataset, url, key)
            log.info("Eurostat: dataset %s asynchronous extraction %s is %s", dataset, key, status)
            report()
        data_url = self.async_data_url(key)
        body, content_type, at = self._get(data_url, dataset=dataset, async_key=key)
        head = self._head(body, dataset=dataset, url=data_url)
        self._check_not_html(head, dataset=dataset, url=data_url)
        if _looks_like_xml(head):
            _raise_fault(self._xml(body, dataset=dataset, url=data_url), dataset, data_url, async_key=key)
        self._check_sdmx_csv(head, dataset=dataset, url=data_url)
        return Download(dataset, url, body, content_type, at, async_key=key)

    def _async_status(self, dataset: str, url: str, key: str) -> str:
        status_url = self.async_status_url(key)
        body, _, _ = self._get(status_url, dataset=dataset, async_key=key)
        root = self._xml(body, dataset=dataset, url=status_url)
        _raise_fault(root, dataset, status_url, async_key=key)
        status = _text(root, ".//{*}asyncResponse/{*}status/{*}status")
        if not status:
            raise UnexpectedResponse(
                f"dataset {dataset}: no status in the asynchronous status answer for key {key}",
                dataset=dataset, url=status_url,
            )
        return status.strip().upper()

    # -- errors -----------------------------------------------------------------------------
    def _status_error(self, resp, dataset, url, async_key, attempts: Attempts | None = None) -> EurostatError:
        status = resp.status_code
        try:
            raw = resp.raw.read(_ERROR_BODY_CAP, decode_content=True) or b""
        except (urllib3.exceptions.HTTPError, OSError):
            raw = b""
        message = _error_message(raw)
        what = _what(dataset)
        if async_key and "UNKNOWN_REQUEST" in message:
            return AsyncExtractionFailed(
                f"{what}: Eurostat no longer knows asynchronous extraction {async_key} "
                f"(UNKNOWN_REQUEST, HTTP {status})",
                dataset=dataset, url=url,
            )
        if status == 404 and dataset and not async_key:
            return UnknownDataset(
                f"unknown dataset {dataset}: Eurostat answered 404 for {url} ({message})",
                dataset=dataset, url=url,
            )
        if status == 413 or "EXTRACTION_TOO_BIG" in message:
            return ExtractionTooBig(
                f"{what}: extraction too big for Eurostat, filter more ({message})",
                dataset=dataset, url=url,
            )
        if status == 429 or status >= 500:
            return EurostatUnavailable(
                f"Eurostat unavailable: HTTP {status} for {what} at {url} after "
                f"{attempts.describe() if attempts else '1 attempt'} ({message}); try later, or run "
                "`make demo` for the offline sample",
                dataset=dataset, url=url,
            )
        return EurostatError(f"{what}: Eurostat answered HTTP {status}: {message}", dataset=dataset, url=url)

    def _unreachable(self, exc: Exception, dataset, url, *, attempts: Attempts | None = None) -> EurostatError:
        failed = getattr(getattr(exc, "request", None), "url", None) or url
        if _is_sorry(failed):
            return _sorry(dataset, url)
        if isinstance(exc, requests.TooManyRedirects):
            return UnexpectedResponse(f"{_what(dataset)}: too many redirects from {url}", dataset=dataset, url=url)
        tries = f" after {attempts.describe()}" if attempts and attempts.made > 1 else ""
        return EurostatUnavailable(
            f"Eurostat cannot be reached at {self.base_url} for {_what(dataset)}{tries} "
            f"({self._reason(exc)}). Check the network or proxy "
            f"(HTTPS_PROXY), or run `make demo` to build from the bundled offline sample.",
            dataset=dataset, url=url,
        )


    def _reason(self, exc: Exception) -> str:
        """What went wrong on the wire, in a few words (requests wraps urllib3's cause twice)."""
        cause = exc.args[0] if isinstance(exc, requests.RequestException) and exc.args else exc
        cause = getattr(cause, "reason", None) or cause
        errors = urllib3.exceptions
        if isinstance(cause, errors.NameResolutionError):
            return "host name not resolved"
        if isinstance(cause, errors.NewConnectionError):
            return "could not connect: " + str(cause).rsplit(": ", 1)[-1]
        if isinstance(cause, errors.ConnectTimeoutError) or isinstance(exc, requests.ConnectTimeout):
            return f"no connection within {self.timeout[0]:g}s"
        if isinstance(cause, errors.ReadTimeoutError) or isinstance(exc, requests.ReadTimeout):
            return f"no answer within the read timeout of {self.timeout[1]:g}s"
        return f"{cause.__class__.__name__}: {_short(cause)}"


# -- helpers ------------------------------------------------------------------------------------
def _what(dataset: str | None) -> str:
    return f"dataset {dataset}" if dataset else "the Eurostat catalogue (TOC)"


def _short(exc: Exception, limit: int = 200) -> str:
    text = str(exc)
    return text if len(text) <= limit else text[:limit] + "..."


def _sorry(dataset: str | None, url: str) -> EurostatUnavailable:
    return EurostatUnavailable(
        f"Eurostat unavailable: {url} redirected to Eurostat's 'sorry' page (overloaded) while "
        f"fetching {_what(dataset)}; try later, or run `make demo` for the offline sample",
        dataset=dataset, url=url,
    )


def _over_cap(dataset: str | None, url: str, cap: int) -> UnexpectedResponse:
    return UnexpectedResponse(
        f"{_what(dataset)}: the body from {url} is over the size cap of {cap:,} bytes",
        dataset=dataset, url=url,
    )


def _is_sorry(url: str) -> bool:
    """True for Eurostat's overload page: host sorry.* or a path starting with /sorry."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    first_segment = parts.path.lstrip("/").split("/", 1)[0].lower()
    return host.split(".", 1)[0] == "sorry" or first_segment == "sorry"


def _unreadable(err: DecompressionError, dataset: str | None, url: str, size: int) -> UnexpectedResponse:
    """The client's words for a compressed body that cannot be read whole."""
    if err.kind == "too_big":
        return _over_cap(dataset, url, err.limit)
    what = {
        "truncated": f"truncated compressed body from {url} ({size:,} bytes, stream ends early)",
        "trailing": f"{err.extra} unexpected bytes after the gzip data from {url}",
    }.get(err.kind, f"corrupt compressed body from {url} ({err})")
    return UnexpectedResponse(f"{_what(dataset)}: {what}", dataset=dataset, url=url)


def _strip_bom(head: bytes) -> bytes:
    return head[3:] if head.startswith(b"\xef\xbb\xbf") else head


def _first_line(head: bytes) -> str:
    return _strip_bom(head).split(b"\n", 1)[0][:120].decode("utf-8", "replace").rstrip("\r")


def _served_dataset(head: bytes) -> str | None:
    """The dataset the first data row's dataflow names (ESTAT:ISOC_EB_AI(1.0) -> isoc_eb_ai), if any."""
    lines = _strip_bom(head).decode("utf-8", "replace").splitlines()
    if len(lines) < 2:
        return None
    at = 0 if lines[0].startswith("DATAFLOW,") else 1  # SDMX-CSV 2.0: STRUCTURE,STRUCTURE_ID,...
    fields = lines[1].split(",")
    if len(fields) <= at:
        return None
    match = re.fullmatch(r"[A-Za-z0-9_.]+:([A-Za-z0-9_]+)(?:\$[A-Za-z0-9_]+)?\([^()]*\)", fields[at].strip('"'))
    return match.group(1).lower() if match else None


def _looks_like_xml(head: bytes) -> bool:
    return _strip_bom(head).lstrip().startswith(b"<")


def _looks_like_toc(head: bytes) -> bool:
    """The TOC txt header: 8 tab-separated quoted fields ("title", "code", ...)."""
    fields = _first_line(head).split("\t")
    return len(fields) >= 8 and all(len(f) >= 2 and f[0] == f[-1] == '"' for f in fields[:8])


def _parse_xml(body: bytes, dataset: str | None, url: str) -> ET.Element:
    # Eurostat's envelopes never carry a DTD; refusing one rules out entity expansion attacks.
    if re.search(rb"<!\s*(DOCTYPE|ENTITY)", body, re.IGNORECASE):
        raise UnexpectedResponse(
            f"{_what(dataset)}: refused XML with a DTD from {url}", dataset=dataset, url=url
        )
    try:
        return ET.fromstring(body)
    except ET.ParseError as exc:
        raise UnexpectedResponse(
            f"{_what(dataset)}: unreadable XML from {url} ({exc})", dataset=dataset, url=url
        ) from exc


def _text(root: ET.Element, path: str) -> str | None:
    node = root.find(path)
    return node.text.strip() if node is not None and node.text else None


def _raise_fault(root: ET.Element, dataset: str | None, url: str, *, async_key: str | None) -> None:
    fault = root.find(".//{*}Fault")
    if fault is None:
        return
    message = _text(fault, "{*}faultstring") or _text(fault, "{*}faultcode") or "SOAP fault"
    what = _what(dataset)
    if async_key or "UNKNOWN_REQUEST" in message:
        key = f" {async_key}" if async_key else ""
        raise AsyncExtractionFailed(
            f"{what}: asynchronous extraction{key} failed: {message}", dataset=dataset, url=url
        )
    if "EXTRACTION_TOO_BIG" in message:
        raise ExtractionTooBig(f"{what}: extraction too big for Eurostat, filter more ({message})",
                               dataset=dataset, url=url)
    raise EurostatError(f"{what}: Eurostat answered with a fault: {message}", dataset=dataset, url=url)


def _error_message(raw: bytes) -> str:
    """Eurostat's own words from an error body: the SOAP faultstring, else the text, shortened."""
    text = raw.decode("utf-8", "replace")
    match = re.search(r"<(?:\w+:)?faultstring>(.*?)</(?:\w+:)?faultstring>", text, re.S)
    if match:
        text = match.group(1)
    elif re.search(r"<(!doctype\s+)?html", text, re.I):
        text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return (text[:300] + "...") if len(text) > 300 else (text or "no message")
