"""Eurostat's SDMX 2.1 structure endpoint: one codelist, fetched through the data client and checked.

The request goes through `EurostatClient`'s one GET (its retry budget, size cap, 'sorry' page,
transport encodings and error types); what comes back must be the codelist asked for, read by
the hardened parser of `codelists.py`, or the fetch fails naming the codelist and the URL.
"""

from __future__ import annotations

import re

from pipeline.errors import EurostatError, UnexpectedResponse, UnknownDataset
from pipeline.eurostat.body_checks import _check_not_html
from pipeline.eurostat.client import EurostatClient
from pipeline.eurostat.codelists import Codelist, CodelistError, parse_codelist
from pipeline.eurostat.download import Download

_ID = re.compile(r"[A-Z][A-Z0-9_]*")
CODELIST_PREFIX = "/sdmx/2.1/codelist/ESTAT/"


class UnknownCodelist(UnknownDataset):
    """404: Eurostat does not know the codelist."""


def validate_codelist_id(codelist: str) -> str:
    """Refuse anything but an upper-case SDMX id (`GEO`, `INDIC_IS`) before it reaches a URL or a path."""
    if not isinstance(codelist, str) or not _ID.fullmatch(codelist):
        raise ValueError(f"invalid Eurostat codelist id {codelist!r}: upper-case letters, digits and '_' only")
    return codelist


def codelist_url(base_url: str, codelist: str) -> str:
    return f"{base_url.rstrip('/')}{CODELIST_PREFIX}{validate_codelist_id(codelist)}/latest"


def fetch_codelist(client: EurostatClient, codelist: str) -> tuple[Download, Codelist]:
    """The newest version of a codelist as served, and what it says; every failure names the codelist."""
    url = codelist_url(client.base_url, codelist)
    try:
        # The client names what it fetches "dataset <x>"; its messages are reworded below.
        body, content_type, at = client._get(url, dataset=codelist)
        head = client._head(body, dataset=codelist, url=url)
        _check_not_html(head, dataset=codelist, url=url)
    except EurostatError as err:
        raise _as_codelist_error(err, codelist) from err
    try:
        parsed = parse_codelist(body, codelist)
    except CodelistError as err:
        raise UnexpectedResponse(f"{err} (from {url})", url=url) from err
    return Download(None, url, body, content_type, at), parsed


def _as_codelist_error(err: EurostatError, codelist: str) -> EurostatError:
    message = str(err).replace(f"dataset {codelist}", f"codelist {codelist}")
    kind = UnknownCodelist if isinstance(err, UnknownDataset) else type(err)
    return kind(message, dataset=None, url=err.url)
