"""One member's overview document in one language: a self-contained HTML file that prints to A4.

Per topic: the paragraph written from the data, its charts (inline SVG: nothing to fetch), and a
table (value, EU27, rank, neighbours, change, flags); then the Digital Decade chapter, footnotes
for flags and breaks, the sources with their dates, and the sample warning where it applies.
"""

from __future__ import annotations

from html import escape
from typing import Any, Mapping

import pandas as pd

from pipeline.annex import annex_html
from pipeline.catalogue import Catalogue
from pipeline.data_texts import note_in
from pipeline.labels import LabelIndex
from pipeline.countries import country, country_name
from pipeline.config import DEFAULT_DECIMALS
from pipeline.key_figures import FLAG_WORDS, LOWER_FIRST, SAMPLE_LABELS
from pipeline.member_charts import topic_chart_names
from pipeline.member_figures import DECADE, DECADE_HEAD, decade_rows, source_line
from pipeline.numbers import colon, difference, format_number, format_value, semicolon, typeset
from pipeline.paragraphs import topic_statements
from pipeline.rows import rows as frame_rows

TITLE = {"en": "Digital economy overview {edition}: {name}", "nl": "Overzicht digitale economie {edition}: {name}",
         "fr": "Aperçu de l'économie numérique {edition} : {name}"}
HEAD = {"en": ("Indicator", "Year", "Value", "EU27", "Rank", "Neighbours", "Change (pp)", "Flags"),
        "nl": ("Indicator", "Jaar", "Waarde", "EU27", "Rang", "Buurlanden", "Verandering (pp)", "Vlaggen"),
        "fr": ("Indicateur", "Année", "Valeur", "UE27", "Rang", "Voisins", "Évolution (pp)", "Signes")}
NOTES = {"en": "Notes", "nl": "Opmerkingen", "fr": "Notes"}
RANK = {"en": "rank", "nl": "rang", "fr": "rang"}
SOURCES = {"en": "Sources", "nl": "Bronnen", "fr": "Sources"}
CSS = """
@page { size: A4; margin: 16mm 15mm 17mm;
  @bottom-right { content: counter(page) " / " counter(pages); font: 8pt "DejaVu Sans", Arial, sans-serif; color: #5d6d7e; } }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; line-height: 1.35; color: #1b2631;
  max-width: 180mm; margin: auto; }
h1 { font-size: 18pt; margin: 0 0 8pt; line-height: 1.2; }
h2 { font-size: 13pt; border-bottom: 1px solid #b8c2cc; margin: 16pt 0 6pt; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
h2 + p, h2 + ul { break-before: avoid; page-break-before: avoid; }
p, li { orphans: 3; widows: 3; }
.sample { border: 2px solid #b00020; color: #b00020; font-weight: bold; padding: 6pt; break-inside: avoid; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 6pt 0; }
thead { display: table-header-group; } tr { break-inside: avoid; page-break-inside: avoid; }
th { border-bottom: 1.5px solid #5d6d7e; }
th, td { border-bottom: 1px solid #dde3e8; padding: 2pt 4pt; text-align: left; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; }
figure { margin: 6pt 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { display: block; width: 100%; height: auto; max-height: 235mm; }
.notes { font-size: 8pt; color: #5d6d7e; }
@media print { body { max-width: none; margin: 0; } }
"""


def _num(x: Any, lang: str, decimals: int) -> str:
    return "" if x is None or pd.isna(x) else format_number(float(x), lang, decimals)


def _lower_first_notes(specs, topic_title: str, lang: str) -> list[str]:
    """The table's rank reads 1 = best; where best is the lowest share, say so once: for the topic when it
    holds for all its rows, else for each indicator."""
    lower = [s for s in specs if not s.higher_is_better]
    rule = f"{RANK[lang]} {LOWER_FIRST[lang].strip()[1:-1]}"
    if lower and len(lower) == len(specs):
        return [typeset(f"{topic_title}{colon(lang)}{rule}", lang)]
    return [typeset(f"{s.title[lang]}{colon(lang)}{rule}", lang) for s in lower]


def _change(r, lang: str, decimals: int) -> str:
    """The change between the two figures as printed (what the paragraph says), else the table's own."""
    if not any(x is None or pd.isna(x) for x in (r.value, r.prev_value)):
        return format_number(difference(float(r.value), float(r.prev_value), decimals), lang, decimals)
    return _num(r.change, lang, decimals)


def _table(rows: pd.DataFrame, catalogue: Catalogue, neighbours: tuple[str, ...], values: Mapping, lang: str,
           decimals: int) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in HEAD[lang])
    body = []
    for r in frame_rows(rows):
        spec = catalogue.by_id[r.indicator_id]
        peer_values = [values.get((r.indicator_id, r.time_period, g)) for g in neighbours]
        fmt = lambda v: "–" if v is None or pd.isna(v) else format_value(float(v), spec.unit, lang, decimals)  # noqa: E731
        peers = semicolon(lang).join(f"{country_name(g, lang)} {fmt(v)}" for g, v in zip(neighbours, peer_values))
        value, eu = fmt(r.value), fmt(r.eu_value)
        rank = "" if pd.isna(r.rank) else f"{int(r.rank)}/{int(r.n_ranked)}"
        flags = " ".join(x for x in (r.obs_status, r.conf_status) if isinstance(x, str))
        body.append(f"<tr><td>{escape(typeset(spec.title[lang], lang))}</td><td>{int(r.reference_period)}</td>"
                    f"<td class=num>{escape(value)}</td><td class=num>{escape(eu)}</td><td class=num>{rank}</td>"
                    f"<td>{escape(peers)}</td><td class=num>{_change(r, lang, decimals)}</td><td>{escape(flags)}</td></tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def overview_html(indicators: pd.DataFrame, catalogue: Catalogue, *, edition: int, geo: str, lang: str,
                  neighbours: tuple[str, ...], charts: Mapping[str, bytes], sources: Mapping[str, Mapping],
                  is_sample: bool, member: pd.DataFrame | None = None, values: Mapping | None = None,
                  decimals: int = DEFAULT_DECIMALS, labels: LabelIndex | None = None) -> str:
    """The document, every figure printed at `decimals` (with `labels`, an annex of the series and their
    codes in Eurostat's words); `charts` maps `<lang>/<name>.svg` to the chart, as
    `member_charts` returns it. `member` (the member's rows) and `values` ((indicator, period, geo) -> value)
    may be given ready."""
    name = getattr(country(geo), lang)
    member = indicators[indicators["geo"] == geo] if member is None else member
    if values is None:
        values = dict(zip(zip(indicators["indicator_id"], indicators["time_period"], indicators["geo"]),
                          indicators["value"]))
    title = typeset(TITLE[lang].format(edition=edition, name=name), lang)
    parts = [f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{escape(title)}</title>'
             f"<style>{CSS}</style></head><body><h1>{escape(title)}</h1>"]
    if is_sample:
        parts.append(f'<p class="sample">{escape(SAMPLE_LABELS[lang])}</p>')
    notes: list[str] = []
    for topic in catalogue.topics:
        specs = [s for s in catalogue.indicators if s.topic == topic.id]
        periods = {s.id: catalogue.reporting_period(s, edition) for s in specs}
        rows = member[member["indicator_id"].isin(periods) &
                      (member["time_period"] == member["indicator_id"].map(periods))]
        if rows.empty:
            continue
        text = " ".join(s.text for s in topic_statements(member, catalogue, edition=edition, geo=geo, topic=topic.id,
                                                         lang=lang, decimals=decimals, neighbours=neighbours,
                                                         values=values))
        parts.append(f'<section id="{topic.id}"><h2>{escape(typeset(topic.title[lang], lang))}</h2>'
                     f'<p>{escape(text)}</p>')
        for chart in topic_chart_names(charts, lang, topic.id):  # ranking, items, breakdowns, series
            parts.append(f"<figure>{charts[chart].decode('utf-8').split('?>')[-1]}</figure>")
        parts.append(_table(rows, catalogue, neighbours, values, lang, decimals) + "</section>")
        notes += [typeset(f"{catalogue.by_id[r.indicator_id].title[lang]} ({r.time_period}){colon(lang)}"
                          f"{note_in(r.comparability_note, lang)}", lang)
                  for r in frame_rows(rows) if isinstance(r.comparability_note, str)]
        notes += _lower_first_notes([catalogue.by_id[i] for i in dict.fromkeys(rows["indicator_id"])],
                                    topic.title[lang], lang)
    decade = decade_rows(member, catalogue, edition, lang, decimals)
    if decade:
        head = "".join(f"<th>{escape(h)}</th>" for h in DECADE_HEAD[lang])
        body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in decade)
        parts.append(f'<section id="digital_decade"><h2>{escape(typeset(DECADE[lang], lang))}</h2>'
                     f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
        for spec in (s for s in catalogue.indicators if s.target):
            svg = charts.get(f"{lang}/{spec.id}_trajectory.svg")
            if svg:
                parts.append(f"<figure>{svg.decode('utf-8').split('?>')[-1]}</figure>")
        parts.append("</section>")
    flags = sorted({ch for x in member["obs_status"].dropna() for ch in str(x)})
    notes += [f"{ch} = {FLAG_WORDS[ch][lang]}" for ch in flags if ch in FLAG_WORDS]
    if notes:
        parts.append(f'<section class="notes"><h2>{NOTES[lang]}</h2><ul>'
                     + "".join(f"<li>{escape(n)}</li>" for n in notes) + "</ul></section>")
    if labels is not None:
        parts.append(annex_html(member, catalogue, labels, lang))
    parts.append(f'<section class="notes"><h2>{SOURCES[lang]}</h2><p>{escape(source_line(sources, is_sample, lang))}</p>'
                 "</section></body></html>")
    return "\n".join(parts)
