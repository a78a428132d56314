"""The labels of the codes the catalogue uses, per language: Eurostat's (en, fr, de) from its codelists, ours (nl).

Eurostat labels its codes in English, French and German; the Dutch labels are our own
(`labels_nl.yaml`, the members' names from `countries.py`) and the table says so (`source`).
Nothing is left blank and nothing is hidden: a language without a label gets Eurostat's English
label, a code with no label at all its code, each as a row with source "fallback" and a warning.
A missing label never stops a run.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
import yaml

from pipeline.catalogue import Catalogue
from pipeline.countries import COUNTRIES
from pipeline.errors import PipelineError
from pipeline.eurostat.codelists import LANGS as EUROSTAT_LANGS
from pipeline.eurostat.codelists import Codelist
from pipeline.geo import EU27, EU27_AGGREGATE

LANGS = (*EUROSTAT_LANGS, "nl")
DUTCH_FILE = Path(__file__).with_name("labels_nl.yaml")
COLUMNS = ["codelist", "codelist_version", "code", "lang", "label", "source"]


def codelist_id(dimension: str) -> str:
    """Eurostat's codelist of a dimension: its id upper-cased (the DSDs' size_emp -> ESTAT:SIZE_EMP)."""
    return dimension.upper()


def codes_in_use(catalogue: Catalogue) -> dict[str, frozenset[str]]:
    """Codelist id -> every code the catalogue's series use, with the 27 members and EU27_2020 for GEO."""
    found: dict[str, set[str]] = defaultdict(set)
    for spec in catalogue.indicators:
        for variant in spec.variants:
            for dimension, code in variant.series.items():
                found[codelist_id(dimension)].add(code)
    found["GEO"] |= {*EU27, EU27_AGGREGATE}
    return {name: frozenset(codes) for name, codes in sorted(found.items())}


def load_dutch(path: str | Path | None = None) -> dict[str, dict[str, str]]:
    """Our Dutch labels, codelist -> code -> label; a malformed file is refused naming the entry."""
    path = Path(path or DUTCH_FILE)
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise PipelineError(f"Dutch labels {path}: cannot be read ({err})") from err
    if not isinstance(doc, dict):
        raise PipelineError(f"Dutch labels {path}: expected a mapping of codelist ids to codes")
    dutch: dict[str, dict[str, str]] = {"GEO": {geo: name.nl for geo, name in COUNTRIES.items()}}
    for codelist, codes in doc.items():
        if not isinstance(codes, dict):
            raise PipelineError(f"Dutch labels {path}: codelist {codelist} must map codes to labels")
        for code, label in codes.items():
            if not isinstance(label, str) or not label.strip():
                raise PipelineError(f"Dutch labels {path}: {codelist} {code}: the label must be a non-empty text")
            dutch.setdefault(str(codelist), {})[str(code)] = " ".join(label.split())
    return dutch


def labels_table(codelists: Mapping[str, Codelist], needed: Mapping[str, Iterable[str]],
                 dutch: Mapping[str, Mapping[str, str]], *, source: str = "eurostat") -> tuple[pd.DataFrame, list[str]]:
    """One row per codelist, code and language (en, fr, de, nl), and the warnings about every fallback.

    `source`: where the codelists came from, "eurostat" or "sample" (the demo's synthetic mirror),
    which is what the codelists' rows say they are."""
    if source not in ("eurostat", "sample"):
        raise ValueError(f"source must be 'eurostat' or 'sample', not {source!r}")
    rows: list[tuple] = []
    warnings: list[str] = []
    for name, codes in sorted(needed.items()):
        codelist = codelists.get(name)
        version = codelist.version if codelist else None
        if codelist is None:
            warnings.append(f"codelist {name}: not available; its codes are labelled with the code itself")
        else:
            warnings += [f"{problem}: the English label, or the code, is shown instead"
                         for problem in codelist.problems(frozenset(codes))]
        for code in sorted(codes):
            eurostat = codelist.codes.get(code, {}) if codelist else {}
            english = eurostat.get("en") or code
            for lang in EUROSTAT_LANGS:
                label = eurostat.get(lang)
                rows.append((name, version, code, lang, label or english, source if label else "fallback"))
            own = dutch.get(name, {}).get(code)
            if own is None:
                warnings.append(f"codelist {name}: code {code} has no Dutch label of ours (labels_nl.yaml): "
                                "the English label is shown instead")
            rows.append((name, version, code, "nl", own or english, "own" if own else "fallback"))
    return pd.DataFrame(rows, columns=COLUMNS), warnings


class LabelIndex:
    """Look-ups in a labels table: (codelist, code, lang) -> label, and whether it is a fallback."""

    def __init__(self, labels: pd.DataFrame):
        keys = zip(labels["codelist"], labels["code"], labels["lang"])
        self._labels = dict(zip(keys, zip(labels["label"], labels["source"])))

    def label(self, dimension: str, code: str, lang: str) -> str:
        """The label of `code` of a dimension in `lang`; the code itself when the table has none."""
        found = self._labels.get((codelist_id(dimension), code, lang))
        return found[0] if found else code

    def is_fallback(self, dimension: str, code: str, lang: str) -> bool:
        found = self._labels.get((codelist_id(dimension), code, lang))
        return found is None or found[1] == "fallback"


BREAKDOWNS = ("size_emp", "ind_type")  # the dimensions a series is broken down by


def breakdown_name(series: Mapping[str, str], labels: pd.DataFrame | LabelIndex, lang: str) -> str | None:
    """The name of a series' breakdown (size class, type of individual) in `lang`, from Eurostat's labels
    (ours in Dutch); None for a series without one. For places where the catalogue gives no title."""
    index = labels if isinstance(labels, LabelIndex) else LabelIndex(labels)
    names = [index.label(dim, series[dim], lang) for dim in BREAKDOWNS if dim in series]
    return "; ".join(names) or None
