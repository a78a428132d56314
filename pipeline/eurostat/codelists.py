"""Eurostat codelists (SDMX-ML structure messages) read with a hardened XML parser: code -> label per language.

The SDMX 2.1 endpoint (`/sdmx/2.1/codelist/ESTAT/<ID>/latest`) answers an SDMX-ML 2.1 structure
message; the real files in `../shared/eurostat-samples/_structure/` are SDMX-ML 3.0 ones. Both
have the same shape (`Structure/Structures/Codelists/Codelist/Code/Name[@xml:lang]`) under
different namespaces, and both are read here.

Untrusted XML: the parser is defusedxml's, with every DTD refused (Eurostat's structure messages
never carry one), so entity expansion ("billion laughs") and external entities cannot happen.
Whatever cannot be read is a `CodelistError` naming the codelist.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from xml.etree.ElementTree import Element, ParseError

import defusedxml
from defusedxml.ElementTree import fromstring

from pipeline import compression
from pipeline.errors import PipelineError

LANGS = ("en", "fr", "de")  # the languages Eurostat labels its codes in
_SDMX = "http://www.sdmx.org/resources/sdmxml/schemas/"
NAMESPACES = {  # SDMX-ML version -> (structure, common) namespaces
    "2.1": (_SDMX + "v2_1/structure", _SDMX + "v2_1/common"),
    "3.0": (_SDMX + "v3_0/structure", _SDMX + "v3_0/common"),
}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_BYTES = 64 << 20  # the biggest real codelist (GEO 26.0) is 2.8 MB uncompressed


class CodelistError(PipelineError):
    """A codelist that cannot be read: unsafe, malformed or truncated XML, or no codelist in it."""

    def __init__(self, message: str, *, codelist: str | None = None):
        super().__init__(message)
        self.codelist = codelist


@dataclass(frozen=True)
class Codelist:
    """One Eurostat codelist: its id, agency and version, its own name and every code's labels."""

    id: str
    agency: str
    version: str
    sdmx: str  # the SDMX-ML version of the message it came in: "2.1" or "3.0"
    names: Mapping[str, str]  # lang -> the codelist's name
    codes: Mapping[str, Mapping[str, str]] = field(repr=False)  # code -> lang -> label, in file order

    def label(self, code: str, lang: str) -> str | None:
        return self.codes.get(code, {}).get(lang)

    def problems(self, needed: set[str] | frozenset[str]) -> list[str]:
        """What a reader of `needed` codes should be told: a code missing, or a label missing in a language."""
        found = []
        for code in sorted(needed):
            labels = self.codes.get(code)
            if labels is None:
                found.append(f"codelist {self.id} {self.version}: code {code} is not in it")
                continue
            absent = [lang for lang in LANGS if not labels.get(lang)]
            if absent:
                found.append(f"codelist {self.id} {self.version}: code {code} has no label in {', '.join(absent)}")
        return found


def parse_codelist(body: bytes, codelist: str | None = None) -> Codelist:
    """The one codelist in an SDMX-ML 2.1 or 3.0 structure message (gzip or not).

    `codelist` (the id asked for) names the file in errors and must be the id found, if given.
    """
    what = f"codelist {codelist}" if codelist else "codelist"
    root = _root(body, what, codelist)
    found = [(version, node) for version, (structure, _) in NAMESPACES.items()
             for node in root.iter(f"{{{structure}}}Codelist")]
    if not found:
        raise CodelistError(f"{what}: the structure message holds no SDMX 2.1 or 3.0 Codelist "
                            f"(root element {root.tag!r})", codelist=codelist)
    if codelist is not None:
        found = [(v, n) for v, n in found if n.get("id", "").upper() == codelist.upper()]
        if not found:
            raise CodelistError(f"{what}: the structure message holds no codelist {codelist}", codelist=codelist)
    if len(found) > 1:
        ids = ", ".join(n.get("id", "?") for _, n in found)
        raise CodelistError(f"{what}: the structure message holds {len(found)} codelists ({ids}); expected one",
                            codelist=codelist)
    version, node = found[0]
    return _codelist(node, version, what, codelist)


def _root(body: bytes, what: str, codelist: str | None) -> Element:
    if compression.is_gzip(body):
        try:
            body = bytes(compression.decompress(body, limit=MAX_BYTES))
        except compression.DecompressionError as err:
            raise CodelistError(f"{what}: unreadable gzip ({err})", codelist=codelist) from err
    try:
        return fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except defusedxml.DefusedXmlException as err:
        raise CodelistError(f"{what}: refused unsafe XML ({type(err).__name__}: a DTD, entity or external "
                            f"reference; Eurostat's structure messages carry none)", codelist=codelist) from err
    except ParseError as err:
        raise CodelistError(f"{what}: malformed or truncated XML ({err})", codelist=codelist) from err


def _names(node: Element, common: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for name in node.findall(f"{{{common}}}Name"):
        lang = name.get(_XML_LANG, "en")  # SDMX: xml:lang defaults to English
        text = " ".join((name.text or "").split())
        if text and lang not in names:
            names[lang] = text
    return names


def _codelist(node: Element, version: str, what: str, asked: str | None) -> Codelist:
    structure, common = NAMESPACES[version]
    ident = node.get("id")
    if not ident or not node.get("version"):
        raise CodelistError(f"{what}: the Codelist element has no id or version", codelist=asked)
    codes: dict[str, Mapping[str, str]] = {}
    for code in node.findall(f"{{{structure}}}Code"):
        key = code.get("id")
        if not key:
            raise CodelistError(f"codelist {ident}: a Code without an id", codelist=ident)
        if key in codes:
            raise CodelistError(f"codelist {ident}: code {key} appears twice", codelist=ident)
        codes[key] = MappingProxyType(_names(code, common))
    if not codes:
        raise CodelistError(f"codelist {ident} {node.get('version')}: no codes in it", codelist=ident)
    return Codelist(id=ident, agency=node.get("agencyID", ""), version=node.get("version"), sdmx=version,
                    names=MappingProxyType(_names(node, common)), codes=MappingProxyType(codes))
