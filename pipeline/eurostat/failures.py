"""How Eurostat's failures become the project's errors (`pipeline.errors`), with `dataset` and `url`.

Eurostat's 'sorry' page. When overloaded Eurostat redirects to https://sorry.ec.europa.eu/.
A response whose redirect chain (or failed redirect target) has a host whose first label is
`sorry`, or whose path starts with `/sorry`, is taken as that page (the path form lets a
loopback test server play it). Any HTML body is also taken as "unavailable".
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import urllib3

from pipeline.compression import DecompressionError
from pipeline.errors import (
    AsyncExtractionFailed,
    EurostatError,
    EurostatUnavailable,
    ExtractionTooBig,
    UnexpectedResponse,
    UnknownDataset,
)
from pipeline.eurostat.retry import Attempts

_ERROR_BODY_CAP = 1 << 16


def _status_error(resp, dataset, url, async_key, attempts: Attempts | None = None) -> EurostatError:
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
