"""The overview document's table annex "Series and codes": per indicator, the Eurostat series it reads, labelled.

For each indicator of the rows given: the dataset code, then every dimension's code with its
label in the document's language (Eurostat's in en/fr, ours in nl, see `pipeline.labels`), the
unit's included. A label Eurostat (or we) do not have in that language is the English one, or the
code, marked with an asterisk and explained under the table.
"""

from __future__ import annotations

from html import escape

import pandas as pd

from pipeline.catalogue import Catalogue
from pipeline.datasets import DATASETS
from pipeline.labels import LabelIndex

TITLE = {"en": "Series and codes", "nl": "Reeksen en codes", "fr": "Séries et codes"}
HEAD = {"en": ("Indicator", "Dataset", "Dimension", "Code", "Label"),
        "nl": ("Indicator", "Dataset", "Dimensie", "Code", "Omschrijving"),
        "fr": ("Indicateur", "Jeu de données", "Dimension", "Code", "Libellé")}
DIMENSIONS = {
    "freq": {"en": "frequency", "nl": "frequentie", "fr": "fréquence"},
    "size_emp": {"en": "size class", "nl": "grootteklasse", "fr": "classe de taille"},
    "nace_r2": {"en": "economic activity (NACE Rev. 2)", "nl": "economische activiteit (NACE Rev. 2)",
                "fr": "activité économique (NACE Rév. 2)"},
    "ind_type": {"en": "type of individual", "nl": "type persoon", "fr": "type de particulier"},
    "indic_is": {"en": "indicator", "nl": "indicator", "fr": "indicateur"},
    "unit": {"en": "unit", "nl": "eenheid", "fr": "unité"},
    "geo": {"en": "country", "nl": "land", "fr": "pays"},
}
NOTE = {
    "en": "Labels: Eurostat's codelists.",
    "nl": "Omschrijvingen: onze eigen Nederlandse vertaling van de omschrijvingen in Eurostats codelijsten "
          "(Eurostat publiceert geen Nederlandse).",
    "fr": "Libellés : listes de codes d'Eurostat.",
}
FALLBACK = {"en": "* no label in English: the code is shown.",
            "nl": "* geen Nederlandse omschrijving: de Engelse van Eurostat (of de code) staat er.",
            "fr": "* pas de libellé en français : le libellé anglais d'Eurostat (ou le code) est affiché."}


def annex_html(indicator_rows: pd.DataFrame, catalogue: Catalogue, labels: pd.DataFrame | LabelIndex,
               lang: str) -> str:
    """The annex as an HTML section: `indicator_rows` are rows of `indicators.parquet` (indicator_id,
    time_period, geo), e.g. one member's; each indicator's series is the one serving its newest period there."""
    if lang not in TITLE:
        raise ValueError(f"the annex exists in {', '.join(TITLE)}, not {lang!r}")
    unknown = sorted(set(indicator_rows["indicator_id"]) - set(catalogue.by_id))
    if unknown:
        raise ValueError(f"the annex's rows name indicators the catalogue does not have: {', '.join(unknown)}")
    index = labels if isinstance(labels, LabelIndex) else LabelIndex(labels)
    newest = (indicator_rows.sort_values("time_period").groupby("indicator_id", sort=False).tail(1)
              .set_index("indicator_id"))
    body: list[str] = []
    fallback = False
    for spec in catalogue.indicators:  # the catalogue's order, the document's order
        if spec.id not in newest.index:
            continue
        row = newest.loc[spec.id]
        variant = spec.variant_for(int(row["time_period"])) or spec.variants[0]
        codes = {**variant.series, "geo": row["geo"]}
        dimensions = [d for d in DATASETS[spec.dataset].dimensions if d in codes]
        for i, dim in enumerate(dimensions):
            code = codes[dim]
            mark = index.is_fallback(dim, code, lang)
            fallback |= mark
            first = (f'<td rowspan="{len(dimensions)}">{escape(spec.title[lang])}</td>'
                     f'<td rowspan="{len(dimensions)}">{escape(spec.dataset)}</td>') if i == 0 else ""
            body.append(f"<tr>{first}<td>{escape(DIMENSIONS.get(dim, {}).get(lang, dim))}</td>"
                        f"<td>{escape(code)}</td><td>{escape(index.label(dim, code, lang))}{'*' if mark else ''}</td></tr>")
    if not body:
        return ""
    head = "".join(f"<th>{escape(h)}</th>" for h in HEAD[lang])
    notes = NOTE[lang] + (" " + FALLBACK[lang] if fallback else "")
    return (f'<section id="annex_series"><h2>{escape(TITLE[lang])}</h2>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f'<p class="notes">{escape(notes)}</p></section>')
