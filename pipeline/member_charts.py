"""One member's charts in one language, as SVG with editable text: per topic the ranking of the 27,
the member against the EU27 across the topic's items and per breakdown group, and over time; per
Digital Decade target the trajectory to 2030. (Print PNG: pipeline/chart_png.py.)"""

from __future__ import annotations

import re
from typing import Mapping

import pandas as pd

from pipeline import chart_groups
from pipeline.catalogue import Catalogue, IndicatorSpec
from pipeline.countries import EU27_NAME, country_name
from pipeline.geo import EU27
from pipeline.key_figures import FLAG_WORDS, SAMPLE_LABELS
from pipeline.numbers import format_number, percent
from pipeline.rows import rows as frame_rows
from pipeline.data_texts import reason_in
from pipeline.svg_charts import flag_notes, paired_svg, ranking_svg, series_svg
from pipeline.units import is_percent

# In the order a topic shows them (breakdown charts are `<topic>_by_<dimension>`).
TOPIC_KINDS = ("ranking", "items", "by", "series")
UNIT_LABEL = {
    "PC_ENT": {"en": "% of enterprises", "nl": "% van de ondernemingen", "fr": "% des entreprises"},
    "PC_IND": {"en": "% of individuals", "nl": "% van de personen", "fr": "% des personnes"},
    "PC_TURN": {"en": "% of turnover", "nl": "% van de omzet", "fr": "% du chiffre d'affaires"},
    # The denominators Eurostat's own unit codes state: never read as a share of all enterprises.
    "PC_ENT_AI_TANY": {"en": "% of the enterprises that use AI", "nl": "% van de ondernemingen die AI gebruiken",
                       "fr": "% des entreprises qui utilisent l'IA"},
    "PC_ENT_AI_EC": {"en": "% of the enterprises that considered AI but do not use it",
                     "nl": "% van de ondernemingen die AI overwogen maar niet gebruiken",
                     "fr": "% des entreprises ayant envisagé l'IA sans l'utiliser"},
    "PC_IND_BUY3": {"en": "% of the individuals who bought online in the last 3 months",
                    "nl": "% van de personen die de voorbije 3 maanden online kochten",
                    "fr": "% des personnes ayant acheté en ligne au cours des 3 derniers mois"},
    "PC_ETURN": {"en": "% of e-commerce turnover", "nl": "% van de e-commerceomzet",
                 "fr": "% du chiffre d'affaires du commerce électronique"},
    "PC_EMP": {"en": "% of total employment", "nl": "% van de totale werkgelegenheid", "fr": "% de l'emploi total"},
}
NO_FIGURE = {"en": "No published figure", "nl": "Geen gepubliceerd cijfer", "fr": "Pas de chiffre publié"}
SOURCE = {"en": "Source: Eurostat", "nl": "Bron: Eurostat", "fr": "Source : Eurostat"}
# The sample's charts name the dataset, never Eurostat as the source of their figures.
SAMPLE_SOURCE = {"en": "Synthetic sample data", "nl": "Synthetische voorbeeldgegevens",
                 "fr": "Données d'exemple synthétiques"}
RANKED = {"en": "EU member states, {period}", "nl": "EU-lidstaten, {period}", "fr": "États membres de l'UE, {period}"}
OVER_TIME = {"en": "{name} and the EU27 over time", "nl": "{name} en de EU27 door de tijd",
             "fr": "{name} et l'UE27 dans le temps"}
AGAINST = {"en": "{name} and the EU27, {period}", "nl": "{name} en de EU27, {period}", "fr": "{name} et l'UE27, {period}"}
ORDERED = {"en": "Ordered by the value of {name}, highest first", "nl": "Gerangschikt naar de waarde van {name}, "
           "hoogste eerst", "fr": "Classé par valeur décroissante ({name})"}
NOT_DRAWN = {"en": "Not drawn, no figure for {name}", "nl": "Niet getekend, geen cijfer voor {name}",
             "fr": "Non représenté, sans chiffre ({name})"}
NO_EU = {"en": "No EU27 figure", "nl": "Geen EU27-cijfer", "fr": "Pas de chiffre UE27"}
NEIGHBOURS = {"en": "neighbours", "nl": "buurlanden", "fr": "voisins"}
IN_ORANGE = {"en": "In orange: the neighbours of {name}", "nl": "In oranje: de buurlanden van {name}",
             "fr": "En orange : les pays voisins ({name})"}
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


def _fmt(unit: str, lang: str, *, tick: bool = False):
    """Value labels with one decimal, axis ticks (round numbers) without, the language's separators and '%' as the
    language writes it (pipeline.numbers: the texts' rule). One decimal, not the publication rounding: a bar label is
    read beside its bar, and the figure to two decimals is in the document's table."""
    def fmt(v) -> str:
        text = format_number(float(v), lang, 0 if tick and float(v).is_integer() else 1)
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


def _notes(spec: IndicatorSpec | list[IndicatorSpec], lang: str, flags, missing, sources, is_sample,
           extra=()) -> list[str]:
    notes = list(extra)
    if missing:
        notes.append(f"{NO_FIGURE[lang]}: " + ", ".join(country_name(g, lang) for g in sorted(missing)))
    notes += flag_notes(flags, FLAG_WORDS, lang)
    for dataset in dict.fromkeys(s.dataset for s in (spec if isinstance(spec, list) else [spec])):
        updated = str((sources.get(dataset) or {}).get("eurostat_last_update") or "")[:10]
        if is_sample:
            notes.append(f"{SAMPLE_SOURCE[lang]} shaped like {dataset}" if lang == "en" else
                         f"{SAMPLE_SOURCE[lang]} {'naar het model van' if lang == 'nl' else 'sur le modèle de'} "
                         f"{dataset}")
        else:
            notes.append(f"{SOURCE[lang]}, {dataset}" + (f" ({updated})" if updated else ""))
    if is_sample:
        notes.append(SAMPLE_LABELS[lang])
    return notes


def topic_chart_names(charts: Mapping[str, bytes], lang: str, topic: str) -> list[str]:
    """The topic's SVG charts among `charts`, in reading order: ranking, items, breakdowns, series."""
    names = []
    for kind in TOPIC_KINDS:
        if kind == "by":
            prefix = f"{lang}/{topic}_by_"
            names += sorted(n for n in charts if n.startswith(prefix) and n.endswith(".svg")
                            and re.fullmatch(r"[a-z0-9_]+\.svg", n[len(prefix):]))
        elif f"{lang}/{topic}_{kind}.svg" in charts:
            names.append(f"{lang}/{topic}_{kind}.svg")
    return names


_LOOKUPS: dict[int, tuple] = {}


def _lookup(by_id: Mapping) -> dict[tuple[str, int], dict[str, tuple]]:
    """(indicator, period) -> geo -> (value, obs_status, eu_value, missing_reason), made once per table
    (a worker draws a dozen members from the same one; `by_id` is kept so its id is not reused)."""
    if id(by_id) not in _LOOKUPS:
        table: dict[tuple[str, int], dict[str, tuple]] = {}
        for indicator, rows in by_id.items():
            for period, geo, *rest in zip(rows["time_period"], rows["geo"], rows["value"], rows["obs_status"],
                                          rows["eu_value"], rows["missing_reason"]):
                table.setdefault((indicator, int(period)), {})[geo] = tuple(rest)
        _LOOKUPS.clear()
        _LOOKUPS[id(by_id)] = (by_id, table)
    return _LOOKUPS[id(by_id)][1]


def _compare(specs: list[IndicatorSpec], labels: list[str], by_id: Mapping, catalogue: Catalogue, *, edition: int,
             geo: str, lang: str, neighbours: tuple[str, ...], heads: list[str | None] | None = None):
    """Rows for paired_svg, one per entry with a figure for the member, and the footnotes of the
    others (not drawn: no zero is invented) and of missing EU27 figures."""
    rows, absent, flags, lead_period = [], [], [], catalogue.reporting_period(specs[0], edition)
    heads, lookup, pending = heads or [None] * len(specs), _lookup(by_id), None
    for spec, label, head in zip(specs, labels, heads):
        head, pending = head or pending, None  # a family's heading goes to its first drawn group
        period = catalogue.reporting_period(spec, edition)
        label += f" ({period})" if period != lead_period else ""
        at = lookup.get((spec.id, period), {})
        value, flag, eu, reason = at.get(geo, (None, None, None, None))
        if value is None or pd.isna(value):
            reason = reason if isinstance(reason, str) else spec.why_not_surveyed(period) or NO_FIGURE[lang].lower()
            absent.append(f"{label} ({reason_in(reason, lang)})")
            pending = head
            continue
        flag = flag if isinstance(flag, str) else ""
        flags.append(flag)
        peers = [float(at[g][0]) for g in neighbours if g in at and not pd.isna(at[g][0])]
        rows.append({"label": label, "value": float(value), "flag": flag, "head": head, "peers": peers,
                     "eu": None if eu is None or pd.isna(eu) else float(eu)})
    return rows, absent, flags


def _paired(specs, rows, absent, flags, *, title, lang, name, neighbours, sources, is_sample, ordered):
    """The paired-bar chart of `rows` with its footnotes: order, entries not drawn, flags, sources."""
    extra = [ORDERED[lang].format(name=name)] if ordered else []
    if absent:
        extra.append(f"{NOT_DRAWN[lang].format(name=name)}: " + "; ".join(absent))
    no_eu = [r["label"] for r in rows if r["eu"] is None]
    if no_eu:
        extra.append(f"{NO_EU[lang]}: " + "; ".join(no_eu))
    peers = f"{NEIGHBOURS[lang]} ({', '.join(country_name(g, lang) for g in neighbours)})" if neighbours else None
    unit = specs[0].unit
    return paired_svg(rows, title=title, unit_label=_unit_label(unit, lang), percent=is_percent(unit), lang=lang,
                      fmt=_fmt(unit, lang), tick_fmt=_fmt(unit, lang, tick=True), legend=(name, EU27_NAME[lang], peers),
                      notes=_notes(list(specs), lang, flags, [], sources, is_sample, extra))


def _comparison_charts(topic, lead: IndicatorSpec, by_id, catalogue: Catalogue, *, edition: int, geo: str,
                       lang: str, neighbours, sources, is_sample) -> dict[str, str]:
    """`<topic>_items` (ordered by the member's value) and `<topic>_by_<dimension>` (in catalogue order)."""
    out, name = {}, country_name(geo, lang)
    period = catalogue.reporting_period(lead, edition)
    heading = f"{topic.title[lang]} - {AGAINST[lang].format(name=name, period=period)}"
    kw = dict(edition=edition, geo=geo, lang=lang, neighbours=neighbours)
    specs = chart_groups.items(catalogue, topic.id, lead)
    if specs:
        labels = [(s.short[lang] if s.short else s.title[lang]) for s in specs]
        rows, absent, flags = _compare(specs, [t[:1].upper() + t[1:] for t in labels], by_id, catalogue, **kw)
        rows.sort(key=lambda r: -r["value"])
        out[f"{_name(topic.id)}_items"] = _paired(specs, rows, absent, flags, title=heading, lang=lang, name=name,
                                                 neighbours=neighbours, sources=sources, is_sample=is_sample,
                                                 ordered=True)
    for dimension, group in chart_groups.breakdowns(catalogue, topic.id, lead).items():
        labels = [chart_groups.group_label(s, dimension, lead, lang) for s in group]
        families = [chart_groups.family(s, dimension) for s in group]
        heads = [chart_groups.FAMILY[f][lang] if f and f != (families[i - 1] if i else None) else None
                 for i, f in enumerate(families)]
        rows, absent, flags = _compare(group, labels, by_id, catalogue, heads=heads, **kw)
        for i, row in enumerate(rows):  # a space after the whole population and before each family
            row["gap"] = i > 0 and (rows[i - 1]["label"] == labels[0] or row["head"] is not None)
        title = f"{lead.title[lang]} - {AGAINST[lang].format(name=name, period=period)}"
        out[f"{_name(topic.id)}_by_{_name(dimension)}"] = _paired(
            group, rows, absent, flags, title=title, lang=lang, name=name, neighbours=neighbours, sources=sources,
            is_sample=is_sample, ordered=False)
    return out


def member_charts(indicators: pd.DataFrame, catalogue: Catalogue, *, edition: int, geo: str, lang: str,
                  neighbours: tuple[str, ...], sources: Mapping[str, Mapping], is_sample: bool,
                  by_id: Mapping | None = None) -> dict[str, bytes]:
    """`<lang>/<name>.svg` -> bytes for every topic (ranking, items, by_<dimension>, series) and target
    (trajectory)."""
    out: dict[str, bytes] = {}
    if by_id is None:
        by_id = {i: rows for i, rows in indicators.groupby("indicator_id", sort=False)}
    name = country_name(geo, lang)
    topics = {t.id: t for t in catalogue.topics}
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
                 "order": r.order} for r in frame_rows(shown)]
        eu = now["eu_value"].dropna()
        if len(eu):
            value = float(eu.iloc[0])
            bars.append({"label": EU27_NAME[lang], "value": value, "flag": "", "kind": "eu",
                         "order": value * (-1 if spec.higher_is_better else 1)})
        bars.sort(key=lambda b: (b["order"], b["kind"] != "eu", b["label"]))
        missing = EU27 - set(shown["geo"])
        direction = [IN_ORANGE[lang].format(name=name)] if neighbours else []
        direction += [] if spec.higher_is_better else [LOWER[lang]]
        title = f"{spec.title[lang]} - {RANKED[lang].format(period=period)}"
        svg = ranking_svg(bars, title=title, unit_label=unit, percent=is_percent(spec.unit), lang=lang, fmt=fmt,
                          tick_fmt=_fmt(spec.unit, lang, tick=True),
                          notes=_notes(spec, lang, shown["obs_status"], missing, sources, is_sample, direction))
        out[f"{lang}/{_name(topic)}_ranking.svg"] = svg.encode("utf-8")
        for stem, svg in _comparison_charts(topics[topic], spec, by_id, catalogue, edition=edition, geo=geo,
                                            lang=lang, neighbours=neighbours, sources=sources,
                                            is_sample=is_sample).items():
            out[f"{lang}/{stem}.svg"] = svg.encode("utf-8")

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
                         tick_fmt=_fmt(spec.unit, lang, tick=True),
                         notes=_notes(spec, lang, mine["obs_status"], [], sources, is_sample, extra))
        out[f"{lang}/{_name(topic)}_series.svg"] = svg.encode("utf-8")

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
                         tick_fmt=_fmt(spec.unit, lang, tick=True),
                         target=(spec.target.year, goal, TARGET[lang].format(value=fmt(goal))),
                         notes=_notes(spec, lang, mine["obs_status"], [], sources, is_sample, [spec.target.source]))
        out[f"{lang}/{_name(spec.id)}_trajectory.svg"] = svg.encode("utf-8")
    return out
