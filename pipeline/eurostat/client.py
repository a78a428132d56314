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

Beside this module: download.py (what it hands back), body_checks.py (is a body what was asked
for), async_delivery.py (polling a queued extraction), failures.py (Eurostat's failures as the
project's errors), retry.py (the one retry layer).
"""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime, timezone

import requests
import urllib3
from requests.adapters import HTTPAdapter

from pipeline import __version__, compression
from pipeline.config import DEFAULT_BASE_URL
from pipeline.datasets import validate_dataset_code
from pipeline.errors import EurostatError, EurostatUnavailable, UnexpectedResponse
from pipeline.eurostat.async_delivery import _follow_async
from pipeline.eurostat.body_checks import (
    _check_not_html,
    _check_sdmx_csv,
    _first_line,
    _looks_like_toc,
    _looks_like_xml,
    _parse_xml,
)
# Download and Progress stay importable from here, where callers found them before the client was split.
from pipeline.eurostat.download import Download, Progress
from pipeline.eurostat.failures import (
    _is_sorry,
    _over_cap,
    _short,
    _sorry,
    _status_error,
    _unreadable,
    _what,
)
from pipeline.eurostat.retry import RETRY_AFTER_STATUSES, RETRY_STATUSES, Attempts, RetryBudget

USER_AGENT = f"digital-economy-overview/{__version__} (+Eurostat ICT ETL; requests)"

_CHUNK = 1 << 16
_HEAD = 1 << 16  # enough decompressed bytes to see the first line
_XML_CAP = 1 << 20  # SOAP envelopes are tiny; refuse anything bigger


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
        _check_not_html(head, dataset=None, url=url)
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
        _check_not_html(head, dataset=code, url=url)
        if _looks_like_xml(head):
            envelope = self._xml(body, dataset=code, url=url)
            return _follow_async(self, code, url, envelope)
        _check_sdmx_csv(head, dataset=code, url=url)
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
        _check_not_html(head, dataset=None, url=url)
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
                    raise _status_error(resp, dataset, url, async_key, attempts)
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

    def _xml(self, body: bytes, *, dataset: str | None, url: str) -> ET.Element:
        if compression.is_gzip(body):
            body = bytes(self._decompress(body, dataset, url, limit=_XML_CAP))
        return _parse_xml(body, dataset, url)

    # -- errors -----------------------------------------------------------------------------
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
