"""One member's key figures in one language: headline sentences, its place among its peers, the
Digital Decade table, and the source line. Written for every member and for nl, fr and en.

The headline sentences are `pipeline.key_figures`' own; this module adds what a ministry's
overview says beside them and lays out one file per language.
"""

from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from pipeline.catalogue import Catalogue
from pipeline.countries import country, country_name
from pipeline.config import DEFAULT_DECIMALS
from pipeline.key_figures import LANGUAGES, LOWER_FIRST, SAMPLE_LABELS, ordinal, render_key_figures
from pipeline.numbers import colon, format_number, format_value, typeset

HEADING = {"nl": "Kerncijfers {edition} - {name}", "fr": "Chiffres clés {edition} - {name}",
           "en": "Key figures {edition} - {name}"}
PEERS = {"nl": "Vergelijking met de buurlanden", "fr": "Comparaison avec les pays voisins",
         "en": "Compared with the neighbouring countries"}
DECADE = {"nl": "Digitaal Decennium: afstand tot de doelstellingen voor 2030",
          "fr": "Décennie numérique : distance aux objectifs 2030",
          "en": "Digital Decade: distance to the 2030 targets"}
DECADE_HEAD = {
    "nl": ("Indicator", "Waarde", "Doel", "Kloof (pp)", "Nodig per jaar (pp)", "Recent per jaar (pp)", "Op koers"),
    "fr": ("Indicateur", "Valeur", "Objectif", "Écart (pp)", "Requis par an (pp)", "Récent par an (pp)", "En bonne voie"),
    "en": ("Indicator", "Value", "Target", "Gap (pp)", "Needed a year (pp)", "Recent a year (pp)", "On track"),
}
YES_NO = {"nl": ("ja", "nee", "onbekend"), "fr": ("oui", "non", "inconnu"), "en": ("yes", "no", "unknown")}
SOURCE = {"nl": "Bron", "fr": "Source", "en": "Source"}
SAMPLE_SOURCE = {"nl": "synthetische voorbeeldgegevens, geen Eurostat-cijfers",
                 "fr": "données d'exemple synthétiques, pas des chiffres d'Eurostat",
                 "en": "synthetic sample data, not Eurostat figures"}
UPDATED = {"nl": "laatste bijwerking door Eurostat", "fr": "dernière mise à jour par Eurostat",
           "en": "Eurostat's last update"}
SAMPLE_UPDATED = {"nl": "voorbeeld gedateerd", "fr": "exemple daté du", "en": "sample dated"}
DATASETS = {"nl": "datasets", "fr": "jeux de données", "en": "datasets"}
EXTRACTED = {"nl": "gegevens opgehaald op", "fr": "données extraites le", "en": "data extracted on"}
NO_VALUE = {"nl": "geen cijfer", "fr": "pas de chiffre", "en": "no figure"}


def _peer_sentence(row: pd.Series, geo: str, title: str, unit: str, lang: str, lower_is_better: bool,
                   decimals: int) -> str:
    names = country(geo)
    fmt = lambda v: format_value(v, unit, lang, decimals)  # noqa: E731
    listed = ", ".join(f"{country_name(p, lang)} " + (fmt(v) if v is not None else NO_VALUE[lang])
                       for p, v in zip(row["peers"], row["peer_values"]))
    if pd.isna(row["place"]):
        what = {"nl": f"{names.nl} heeft geen cijfer", "fr": f"{names.fr_subject} n'a pas de chiffre",
                "en": f"{names.en_subject} has no figure"}[lang]
        return typeset(f"{title}{colon(lang)}{what}; {listed}.", lang)
    place, n = int(row["place"]), int(row["n_placed"])
    value = fmt(row["value"])
    text = {
        "en": f"{names.en_subject} ({value}) comes {ordinal(place, 'en')} of {n} countries with its neighbours",
        "nl": f"{names.nl} ({value}) komt op de {ordinal(place, 'nl')} plaats van {n} landen, buurlanden meegerekend",
        "fr": f"{names.fr_subject} ({value}) se classe {ordinal(place, 'fr', feminine=names.fr_feminine)} "
              f"sur {n} pays, voisins compris",
    }[lang] + (LOWER_FIRST[lang] if lower_is_better else "")
    return typeset(f"{title}{colon(lang)}{text}{colon(lang)}{listed}.", lang)


def decade_rows(member: pd.DataFrame, catalogue: Catalogue, edition: int, lang: str,
                 decimals: int = DEFAULT_DECIMALS) -> list[list[str]]:
    rows = []
    for spec in catalogue.indicators:
        if spec.target is None:
            continue
        period = catalogue.reporting_period(spec, edition)
        found = member[(member["indicator_id"] == spec.id) & (member["time_period"] == period)]
        if found.empty:
            continue
        r = found.iloc[0]
        num = lambda x: "" if pd.isna(x) else format_number(float(x), lang, decimals)  # noqa: E731
        track = YES_NO[lang][2] if pd.isna(r["on_track"]) else YES_NO[lang][0 if r["on_track"] else 1]
        value = format_value(r["value"], spec.unit, lang, decimals) if not pd.isna(r["value"]) else NO_VALUE[lang]
        target = f"{format_value(r['target_value'], spec.unit, lang, decimals)} ({int(r['target_year'])})"
        rows.append([typeset(f"{spec.title[lang]} ({period})", lang), value, target, num(r["gap_to_target"]),
                     num(r["required_yearly_change"]), num(r["recent_yearly_change"]), track])
    return rows


def source_line(sources: Mapping[str, Mapping[str, Any]], is_sample: bool, lang: str) -> str:
    """Who (Eurostat, or the sample label), the dataset codes grouped by their last update, our extraction date."""
    by_update: dict[str, list[str]] = {}
    for code, info in sorted(sources.items()):
        by_update.setdefault(str(info.get("eurostat_last_update") or "")[:10], []).append(code)
    updated = SAMPLE_UPDATED[lang] if is_sample else UPDATED[lang]
    parts = [", ".join(codes) + (f" ({updated} {day})" if day else "") for day, codes in sorted(by_update.items())]
    extracted = sorted(str(i.get("retrieved_at") or "")[:10] for i in sources.values() if i.get("retrieved_at"))
    who = SAMPLE_SOURCE[lang] if is_sample else "Eurostat"
    tail = f"; {EXTRACTED[lang]} {extracted[-1]}" if extracted else ""
    return typeset(f"{SOURCE[lang]}{colon(lang)}{who}, {DATASETS[lang]} {'; '.join(parts)}{tail}.", lang)


def member_key_figures(indicators: pd.DataFrame, comparisons: pd.DataFrame, catalogue: Catalogue, *,
                       edition: int, geo: str, headline_ids, reporting_periods: Mapping[str, int],
                       sources: Mapping[str, Mapping[str, Any]], is_sample: bool,
                       decimals: int = DEFAULT_DECIMALS) -> tuple[dict[str, str], dict]:
    """(markdown per language, JSON data) of one member's key figures, every figure printed at `decimals`."""
    member = indicators[indicators["geo"] == geo]
    lower_first = {s.id for s in catalogue.indicators if not s.higher_is_better}
    data = render_key_figures(member, edition=edition, focus_geo=geo, headline_ids=headline_ids,
                              reporting_periods=reporting_periods, is_sample=is_sample, decimals=decimals,
                              lower_first=lower_first)
    mine = comparisons[(comparisons["geo"] == geo) & (comparisons["group"] == "neighbours")]
    by_id = {r.indicator_id: r for _, r in mine.set_index("indicator_id", drop=False).iterrows()}
    texts = {}
    for lang in LANGUAGES:
        lines = [f"# {HEADING[lang].format(edition=edition, name=getattr(country(geo), lang))}", ""]
        if is_sample:
            lines += [f"**{SAMPLE_LABELS[lang]}**", ""]
        lines += [f"- {fig['sentences'][lang]}" for fig in data["key_figures"]]
        peer_lines = [_peer_sentence(by_id[fig["indicator_id"]], geo, fig["titles"][lang], fig["unit"], lang,
                                     fig["indicator_id"] in lower_first, decimals)
                      for fig in data["key_figures"] if fig["indicator_id"] in by_id]
        if peer_lines:
            lines += ["", f"## {PEERS[lang]}", ""] + [f"- {line}" for line in peer_lines]
        decade = decade_rows(member, catalogue, edition, lang, decimals) if "target_value" in member else []
        if decade:
            lines += ["", f"## {typeset(DECADE[lang], lang)}", "", "| " + " | ".join(DECADE_HEAD[lang]) + " |",
                      "|" + "---|" * len(DECADE_HEAD[lang])]
            lines += ["| " + " | ".join(row) + " |" for row in decade]
        lines += ["", source_line(sources, is_sample, lang), ""]
        texts[lang] = "\n".join(lines)
    data["geo"] = geo
    data["neighbours"] = [{"indicator_id": i, "place": None if pd.isna(r["place"]) else int(r["place"]),
                           "n_placed": int(r["n_placed"]), "peers": list(r["peers"]),
                           "peer_values": list(r["peer_values"])} for i, r in by_id.items()]
    return texts, data
