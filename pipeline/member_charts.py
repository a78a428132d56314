"""One member's charts in one language: per topic the ranking of the 27 and the member against the EU
over time, and per Digital Decade target the trajectory to 2030. SVG (editable text) and PNG."""

from __future__ import annotations

import re
from typing import Iterable, Mapping

import pandas as pd

from pipeline.catalogue import Catalogue, IndicatorSpec
from pipeline.countries import EU27_NAME, country_name
from pipeline.geo import EU27
from pipeline.key_figures import FLAG_WORDS, SAMPLE_LABELS
from pipeline.numbers import format_number, percent
from pipeline.svg_charts import flag_notes, ranking_svg, series_svg, to_png
from pipeline.units import is_percent

KINDS = ("ranking", "series", "trajectory")
UNIT_LABEL = {
    "PC_ENT": {"en": "% of enterprises", "nl": "% van de ondernemingen", "fr": "% des entreprises"},
    "PC_IND": {"en": "% of individuals", "nl": "% van de personen", "fr": "% des personnes"},
    "PC_TURN": {"en": "% of turnover", "nl": "% van de omzet", "fr": "% du chiffre d'affaires"},
}
NO_FIGURE = {"en": "No published figure", "nl": "Geen gepubliceerd cijfer", "fr": "Pas de chiffre publié"}
SOURCE = {"en": "Source: Eurostat", "nl": "Bron: Eurostat", "fr": "Source : Eurostat"}
RANKED = {"en": "EU member states, {period}", "nl": "EU-lidstaten, {period}", "fr": "États membres de l'UE, {period}"}
OVER_TIME = {"en": "{name} and the EU27 over time", "nl": "{name} en de EU27 door de tijd",
             "fr": "{name} et l'UE27 dans le temps"}
TRAJECTORY = {"en": "{name}: path to the {year} target", "nl": "{name}: traject naar de doelstelling voor {year}",
              "fr": "{name} : trajectoire vers l'objectif {year}"}
TARGET = {"en": "target {value}", "nl": "doel {value}", "fr": "objectif {value}"}
LOWER = {"en": "rank 1 = lowest share", "nl": "rang 1 = laagste aandeel", "fr": "rang 1 = part la plus faible"}
VERSION = {"en": "{a} and {b} are different versions of the index: the line is broken between them",
           "nl": "{a} en {b} zijn verschillende versies van de index: de lijn is tussen beide onderbroken",
           "fr": "{a} et {b} sont des versions différentes de l'indice : la ligne est interrompue entre elles"}


def _name(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", path)


def _unit_label(unit: str, lang: str) -> str:
    return UNIT_LABEL.get(unit, {}).get(lang) or (f"% ({unit})" if is_percent(unit) else unit)


def _fmt(unit: str, lang: str):
    """Axis and bar labels: one decimal (0 for round ticks), the language's separators, '%' as the language writes
    it (pipeline.numbers: the texts' rule). One decimal, not the publication rounding: a bar label is read beside
    its bar, and the figure to two decimals is in the document's table."""
    def fmt(v) -> str:
        text = format_number(float(v), lang, 0 if float(v).is_integer() else 1)
        return percent(text, lang) if is_percent(unit) else text
    return fmt


def lead_indicators(catalogue: Catalogue) -> dict[str, IndicatorSpec]:
    """Per topic, its first headline entry, else its first entry."""
    out: dict[str, IndicatorSpec] = {}
    for topic in catalogue.topics:
        specs = [s for s in catalogue.indicators if s.topic == topic.id]
        if specs:
            out[topic.id] = next((s for s in specs if s.headline), specs[0])
    return out


def _notes(spec: IndicatorSpec, lang: str, flags, missing, sources, is_sample, extra=()) -> list[str]:
    notes = list(extra)
    if missing:
        notes.append(f"{NO_FIGURE[lang]}: " + ", ".join(country_name(g, lang) for g in sorted(missing)))
    notes += flag_notes(flags, FLAG_WORDS, lang)
    updated = str((sources.get(spec.dataset) or {}).get("eurostat_last_update") or "")[:10]
    notes.append(f"{SOURCE[lang]}, {spec.dataset}" + (f" ({updated})" if updated else ""))
    if is_sample:
        notes.append(SAMPLE_LABELS[lang])
    return notes


def member_charts(indicators: pd.DataFrame, catalogue: Catalogue, *, edition: int, geo: str, lang: str,
                  neighbours: tuple[str, ...], sources: Mapping[str, Mapping], is_sample: bool,
                  dpi: float = 96, png: Iterable[str] = KINDS, by_id: Mapping | None = None) -> dict[str, bytes]:
    """`<lang>/<name>.svg` -> bytes for every topic (ranking, series) and target (trajectory), and `.png`
    for the kinds in `png`."""
    png = frozenset(png)
    out: dict[str, bytes] = {}
    if by_id is None:
        by_id = {i: rows for i, rows in indicators.groupby("indicator_id", sort=False)}
    name = country_name(geo, lang)
    for topic, spec in lead_indicators(catalogue).items():
        rows = by_id.get(spec.id)
        if rows is None:
            continue
        period = catalogue.reporting_period(spec, edition)
        fmt, unit = _fmt(spec.unit, lang), _unit_label(spec.unit, lang)
        now = rows[rows["time_period"] == period]
        shown = now[now["value"].notna()].copy()
        shown["order"] = shown["value"] * (-1 if spec.higher_is_better else 1)
        bars = [{"label": f"{int(r.rank)}. {country_name(r.geo, lang)}" if not pd.isna(r.rank) else country_name(r.geo, lang),
                 "value": float(r.value), "flag": r.obs_status or "",
                 "kind": "focus" if r.geo == geo else "peer" if r.geo in neighbours else "member",
                 "order": r.order} for r in shown.itertuples()]
        eu = now["eu_value"].dropna()
        if len(eu):
            value = float(eu.iloc[0])
            bars.append({"label": EU27_NAME[lang], "value": value, "flag": "", "kind": "eu",
                         "order": value * (-1 if spec.higher_is_better else 1)})
        bars.sort(key=lambda b: (b["order"], b["kind"] != "eu", b["label"]))
        missing = EU27 - set(shown["geo"])
        direction = [] if spec.higher_is_better else [LOWER[lang]]
        title = f"{spec.title[lang]} - {RANKED[lang].format(period=period)}"
        svg = ranking_svg(bars, title=title, unit_label=unit, percent=is_percent(spec.unit), lang=lang, fmt=fmt,
                          notes=_notes(spec, lang, shown["obs_status"], missing, sources, is_sample, direction))
        out.update(_both(f"{lang}/{_name(topic)}_ranking", svg, dpi, "ranking" in png))

        mine = rows[rows["geo"] == geo].sort_values("time_period")
        periods = [int(p) for p in mine["time_period"]]
        # A line never joins two versions of an index: one line per version.
        lines = []
        for version, part in mine.groupby(mine["series_version"].fillna(""), sort=False):
            points = {int(p): float(v) for p, v in zip(part["time_period"], part["value"]) if not pd.isna(v)}
            eu_points = {int(p): float(v) for p, v in zip(part["time_period"], part["eu_value"]) if not pd.isna(v)}
            label, domain = (f" ({version})" if version else ""), [int(p) for p in part["time_period"]]
            lines += [{"label": name + label, "points": points, "kind": "focus", "domain": domain},
                      {"label": EU27_NAME[lang] + label, "points": eu_points, "kind": "eu", "domain": domain}]
        versions = [v for v in dict.fromkeys(mine["series_version"].dropna())]
        extra = [VERSION[lang].format(a=versions[0], b=versions[1])] if len(versions) > 1 else []
        svg = series_svg(lines, periods, title=f"{spec.title[lang]} - {OVER_TIME[lang].format(name=name)}",
                         unit_label=unit, percent=is_percent(spec.unit), lang=lang, fmt=fmt,
                         notes=_notes(spec, lang, mine["obs_status"], [], sources, is_sample, extra))
        out.update(_both(f"{lang}/{_name(topic)}_series", svg, dpi, "series" in png))

    for spec in (s for s in catalogue.indicators if s.target is not None):
        rows = by_id.get(spec.id)
        if rows is None:
            continue
        mine = rows[rows["geo"] == geo].sort_values("time_period")
        goal, fmt = spec.target.for_member(geo), _fmt(spec.unit, lang)
        points = {int(p): float(v) for p, v in zip(mine["time_period"], mine["value"]) if not pd.isna(v)}
        eu_points = {int(p): float(v) for p, v in zip(mine["time_period"], mine["eu_value"]) if not pd.isna(v)}
        svg = series_svg([{"label": name, "points": points, "kind": "focus"},
                          {"label": EU27_NAME[lang], "points": eu_points, "kind": "eu"}],
                         [int(p) for p in mine["time_period"]],
                         title=f"{spec.title[lang]} - {TRAJECTORY[lang].format(name=name, year=spec.target.year)}",
                         unit_label=_unit_label(spec.unit, lang), percent=True, lang=lang, fmt=fmt,
                         target=(spec.target.year, goal, TARGET[lang].format(value=fmt(goal))),
                         notes=_notes(spec, lang, mine["obs_status"], [], sources, is_sample, [spec.target.source]))
        out.update(_both(f"{lang}/{_name(spec.id)}_trajectory", svg, dpi, "trajectory" in png))
    return out


def _both(stem: str, svg: str, dpi: float, png: bool) -> dict[str, bytes]:
    return {f"{stem}.svg": svg.encode("utf-8"), **({f"{stem}.png": to_png(svg, dpi)} if png else {})}
