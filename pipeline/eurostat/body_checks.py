"""What a body must look like to be what was asked for: no HTML, SDMX-CSV of the dataset asked, a TOC, safe XML."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from pipeline.errors import EurostatUnavailable, UnexpectedResponse
from pipeline.eurostat.failures import _what


def _check_not_html(head: bytes, *, dataset: str | None, url: str) -> None:
    start = _strip_bom(head).lstrip()[:200].lower()
    if start.startswith((b"<!doctype html", b"<html")) or b"sorry.ec.europa.eu" in start:
        raise EurostatUnavailable(
            f"Eurostat unavailable: an HTML page came back instead of {_what(dataset)} from {url}",
            dataset=dataset, url=url,
        )


def _check_sdmx_csv(head: bytes, *, dataset: str, url: str) -> None:
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
