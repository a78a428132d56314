"""Eurostat's asynchronous delivery: a queued extraction polled until AVAILABLE, then fetched and checked."""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from pipeline.errors import AsyncExtractionFailed, EurostatError, ExtractionTooBig, UnexpectedResponse
from pipeline.eurostat.body_checks import _check_not_html, _check_sdmx_csv, _looks_like_xml, _text
from pipeline.eurostat.download import Download, Progress
from pipeline.eurostat.failures import _what

if TYPE_CHECKING:
    from pipeline.eurostat.client import EurostatClient

log = logging.getLogger("pipeline.eurostat")

_ASYNC_WAITING = ("SUBMITTED", "PROCESSING")


def _follow_async(client: EurostatClient, dataset: str, url: str, envelope: ET.Element) -> Download:
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
    queued_at = client.clock()
    deadline = queued_at + client.async_deadline

    def report() -> None:
        if client.progress is not None:
            client.progress(Progress(dataset, url, "waiting", client.clock() - queued_at, status=status, key=key))

    report()
    wait = client.async_poll_initial
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
        remaining = deadline - client.clock()
        if remaining <= 0:
            raise AsyncExtractionFailed(
                f"dataset {dataset}: asynchronous extraction {key} still {status} after "
                f"{client.async_deadline:g}s; try again later",
                dataset=dataset, url=url,
            )
        client.sleep(min(wait, remaining))
        wait = min(wait * 2, client.async_poll_max)
        status = _async_status(client, dataset, url, key)
        log.info("Eurostat: dataset %s asynchronous extraction %s is %s", dataset, key, status)
        report()
    data_url = client.async_data_url(key)
    body, content_type, at = client._get(data_url, dataset=dataset, async_key=key)
    head = client._head(body, dataset=dataset, url=data_url)
    _check_not_html(head, dataset=dataset, url=data_url)
    if _looks_like_xml(head):
        _raise_fault(client._xml(body, dataset=dataset, url=data_url), dataset, data_url, async_key=key)
    _check_sdmx_csv(head, dataset=dataset, url=data_url)
    return Download(dataset, url, body, content_type, at, async_key=key)


def _async_status(client: EurostatClient, dataset: str, url: str, key: str) -> str:
    status_url = client.async_status_url(key)
    body, _, _ = client._get(status_url, dataset=dataset, async_key=key)
    root = client._xml(body, dataset=dataset, url=status_url)
    _raise_fault(root, dataset, status_url, async_key=key)
    status = _text(root, ".//{*}asyncResponse/{*}status/{*}status")
    if not status:
        raise UnexpectedResponse(
            f"dataset {dataset}: no status in the asynchronous status answer for key {key}",
            dataset=dataset, url=status_url,
        )
    return status.strip().upper()


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
