"""The synthetic mirror's codelists: SDMX-ML 2.1 structure messages, as Eurostat's 2.1 endpoint writes them.

SYNTHETIC LABELS - not Eurostat's. Every label here is made up from the code itself ("E_AI_TANY
(sample label)", "E_AI_TANY (libellé fictif)", ...), and each codelist's name says "synthetic
sample": the demo shows labels the way a live run does, without passing off invented text as
Eurostat's. The codes are the ones the catalogue uses (and every geo of the mirror), so the demo
exercises the whole path, from the structure endpoint to the labels table.

The message layout (namespace prefixes m/s/c, one line after the XML declaration, the header,
`urn` and `isFinal` attributes) follows Eurostat's SDMX 2.1 structure responses as public clients
record them; the real codelist files at hand are the SDMX 3.0 ones (same shape).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from pipeline.eurostat.codelists import NAMESPACES
from pipeline.labels import codes_in_use

_MESSAGE = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
SAMPLE_VERSION = "1.0"
_SAMPLE_WORDS = {"en": "sample label", "de": "Beispielbezeichnung", "fr": "libellé fictif"}
_SAMPLE_LIST = {"en": "synthetic sample codelist", "de": "synthetische Beispielcodeliste",
                "fr": "liste de codes fictive"}


def _names(labels: Mapping[str, str]) -> str:
    return "".join(f'<c:Name xml:lang="{lang}">{escape(text)}</c:Name>' for lang, text in labels.items())


def codelist_message(codelist: str, version: str, names: Mapping[str, str],
                     codes: Mapping[str, Mapping[str, str]], prepared: datetime) -> bytes:
    """One codelist as an SDMX-ML 2.1 structure message (what `/sdmx/2.1/codelist/ESTAT/<ID>/latest` serves)."""
    structure, common = NAMESPACES["2.1"]
    urn = f"urn:sdmx:org.sdmx.infomodel.codelist.Codelist=ESTAT:{codelist}({version})"
    items = "".join(
        f"<s:Code id={quoteattr(code)} urn={quoteattr(f'urn:sdmx:org.sdmx.infomodel.codelist.Code=ESTAT:{codelist}({version}).{code}')}>"
        f"{_names(labels)}</s:Code>"
        for code, labels in codes.items())
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<m:Structure xmlns:m="{_MESSAGE}" xmlns:s="{structure}" xmlns:c="{common}">'
        f"<m:Header><m:ID>CL_{codelist}</m:ID><m:Test>false</m:Test>"
        f"<m:Prepared>{prepared.strftime('%Y-%m-%dT%H:%M:%S')}</m:Prepared><m:Sender id=\"ESTAT\"/></m:Header>"
        f'<m:Structures><s:Codelists><s:Codelist id="{codelist}" urn="{urn}" agencyID="ESTAT" version="{version}" '
        f'isFinal="true">{_names(names)}{items}</s:Codelist></s:Codelists></m:Structures></m:Structure>'
    ).encode("utf-8")


def sample_codelists(catalogue, geos: Iterable[str], prepared: datetime) -> dict[str, bytes]:
    """Codelist id -> the synthetic structure message of every codelist the catalogue's series use."""
    needed = codes_in_use(catalogue)
    needed["GEO"] = needed.get("GEO", frozenset()) | frozenset(geos)
    return {
        name: codelist_message(
            name, SAMPLE_VERSION, {lang: f"{name} ({word})" for lang, word in _SAMPLE_LIST.items()},
            {code: {lang: f"{code} ({word})" for lang, word in _SAMPLE_WORDS.items()} for code in sorted(codes)},
            prepared)
        for name, codes in needed.items()
    }
