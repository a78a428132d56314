"""Which catalogue entries a topic's comparison charts show, read off the entries' series codes.

Items: entries of a topic that measure different things for the same population (they differ
from the topic's lead entry in `indic_is` only, and share its unit): technologies, purposes,
barriers, problems, goods and services, cloud and data analytics. Breakdowns: entries that
measure the lead's thing for a part of its population (they differ from it in one other dimension
only: the size class `size_emp`, the education level or age group in `ind_type`), one chart per
dimension with the lead (the whole population) first. Codes are compared for the newest version
of a versioned entry (the digital intensity index: both of its entries change version together).
"""

from __future__ import annotations

import re

from pipeline.catalogue import Catalogue, IndicatorSpec
from pipeline.paragraphs import breakdown_family

MEASURE = "indic_is"
NOT_A_BREAKDOWN = frozenset({MEASURE, "unit", "freq"})
# Headings inside a breakdown chart, for the families paragraphs.py contrasts (size has none: one family).
FAMILY = {"education": {"en": "By level of education", "nl": "Naar opleidingsniveau", "fr": "Selon le niveau d'éducation"},
          "age": {"en": "By age", "nl": "Naar leeftijd", "fr": "Selon l'âge"}}
WHOLE = {"PC_ENT": {"en": "All enterprises", "nl": "Alle ondernemingen", "fr": "Ensemble des entreprises"},
         "PC_IND": {"en": "All individuals (16-74)", "nl": "Alle personen (16-74 jaar)", "fr": "Ensemble des personnes (16-74 ans)"}}
ALL = {"en": "All", "nl": "Alle", "fr": "Ensemble"}
SIZE_RANGE = {"en": "{a}-{b} persons employed", "nl": "{a}-{b} werkzame personen", "fr": "{a} à {b} personnes occupées"}
SIZE_FROM = {"en": "{a} or more persons employed", "nl": "{a} of meer werkzame personen",
             "fr": "{a} personnes occupées ou plus"}


def codes(spec: IndicatorSpec) -> dict[str, str]:
    """Every non-geo code of the entry (the newest version's, for a versioned entry)."""
    return dict(spec.variants[0].series)


def _differing(a: IndicatorSpec, b: IndicatorSpec) -> set[str]:
    ca, cb = codes(a), codes(b)
    return {k for k in set(ca) | set(cb) if ca.get(k) != cb.get(k)}


def topic_specs(catalogue: Catalogue, topic: str) -> list[IndicatorSpec]:
    return [s for s in catalogue.indicators if s.topic == topic]


def items(catalogue: Catalogue, topic: str, lead: IndicatorSpec) -> list[IndicatorSpec]:
    """The topic's items in catalogue order, or [] when it has fewer than two. Entries with a short
    name when at least two have one (a total such as 'any generative AI use' has none: it is the
    topic's ranking already), else every entry measured like the lead (cloud and data analytics)."""
    same = [s for s in topic_specs(catalogue, topic) if _differing(s, lead) <= {MEASURE}]
    if len({codes(s).get(MEASURE) for s in same}) < 2:
        return []
    named = [s for s in same if s.short]
    return named if len(named) >= 2 else same


def breakdowns(catalogue: Catalogue, topic: str, lead: IndicatorSpec) -> dict[str, list[IndicatorSpec]]:
    """Per breakdown dimension (e.g. size_emp, ind_type): the lead, then the entries that differ from
    it in that dimension only, in catalogue order."""
    out: dict[str, list[IndicatorSpec]] = {}
    for spec in topic_specs(catalogue, topic):
        diff = _differing(spec, lead)
        if len(diff) == 1 and not diff & NOT_A_BREAKDOWN:
            out.setdefault(diff.pop(), [lead]).append(spec)
    return out


def family(spec: IndicatorSpec, dimension: str) -> str | None:
    """The heading a group stands under (education, age), None for the size classes and the whole."""
    if dimension != "ind_type":
        return None
    name = breakdown_family(spec)
    return name if name in FAMILY else None


def group_label(spec: IndicatorSpec, dimension: str, lead: IndicatorSpec, lang: str) -> str:
    """'Small enterprises (10-49 persons employed)', 'The low educated', 'All individuals (16-74)'."""
    code = codes(spec)[dimension]
    size = _size_words(code, lang) if dimension == "size_emp" else None
    if spec is lead:
        words = WHOLE.get(spec.unit, ALL)[lang]
    else:
        words = spec.short[lang] if spec.short else None
    if words and size:
        text = f"{words} ({size})"
    else:
        text = words or size or spec.title[lang]
    return text[:1].upper() + text[1:]


def _size_words(code: str, lang: str) -> str | None:
    found = re.fullmatch(r"(\d+)-(\d+)", code)
    if found:
        return SIZE_RANGE[lang].format(a=found[1], b=found[2])
    found = re.fullmatch(r"GE(\d+)", code)
    return SIZE_FROM[lang].format(a=found[1]) if found else None
