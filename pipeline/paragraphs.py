"""What the overview says about a topic, written from the data in nl, fr and en.

Per member and topic: the member against the EU27, the contrast between breakdowns (large and
small enterprises, the highly and the low educated), the items of the topic in order ("the most
used AI technologies are ..."), the member among its neighbours, and the distance to a 2030
target. Every statement carries the figures it quotes (`figures`); none is made when the data
does not support it: an item without a value is named as such, a tie is said as a tie, and a
low-reliability flag goes with the figure it marks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

import pandas as pd

from pipeline.data_texts import reason_in
from pipeline.catalogue import Catalogue, IndicatorSpec
from pipeline.config import DEFAULT_DECIMALS
from pipeline.countries import country, country_name
from pipeline.key_figures import LOWER_FIRST, change_words, flag_words, ordinal
from pipeline.numbers import colon, difference, format_value, points, typeset

MAX_ITEMS = 4
BREAKDOWNS = ("size_emp", "ind_type")
# How a topic's items in order open ("the most used AI technologies are ..."); a topic not named
# here gets ORDER_ANY. MAIN_FIRST topics say their first item apart ("the main obstacle is ...").
ORDER = {
    "ai_technologies": {"en": "The most used AI technologies are {items}.",
                        "nl": "De meest gebruikte AI-technologieën zijn {items}.",
                        "fr": "Les technologies d'IA les plus utilisées sont {items}."},
    "ai_purposes": {"en": "AI is used most for {items}.", "nl": "AI wordt het vaakst gebruikt voor {items}.",
                    "fr": "L'IA est surtout utilisée pour {items}."},
    "genai_individuals": {"en": "Generative AI is used most for {items}.",
                          "nl": "Generatieve AI wordt het vaakst gebruikt voor {items}.",
                          "fr": "L'IA générative est surtout utilisée pour {items}."},
    "online_goods_services": {"en": "What is bought online most often: {items}.",
                              "nl": "Wat het vaakst online gekocht wordt: {items}.",
                              "fr": "Ce qui s'achète le plus souvent en ligne : {items}."},
    "online_problems": {"en": "The most frequent problems are {items}.",
                        "nl": "De vaakst gemelde problemen zijn {items}.",
                        "fr": "Les problèmes les plus fréquents sont {items}."},
}
ORDER_ANY = {"en": "In order of frequency: {items}.", "nl": "In volgorde van frequentie: {items}.",
             "fr": "Par ordre de fréquence : {items}."}
MAIN_FIRST = {  # (one, several tied, the same one as in the previous survey, the others)
    "ai_barriers": {"en": ("The main obstacle is {first}", "The main obstacles are {first}",
                           "The main obstacle remains {first}", ", followed by {rest}."),
                    "nl": ("Het belangrijkste obstakel is {first}", "De belangrijkste obstakels zijn {first}",
                           "Het belangrijkste obstakel blijft {first}", ", gevolgd door {rest}."),
                    "fr": ("Le principal obstacle est {first}", "Les principaux obstacles sont {first}",
                           "Le principal obstacle reste {first}", ", suivi par {rest}.")},
}


@dataclass
class Statement:
    text: str
    figures: list[dict] = field(default_factory=list)  # {indicator_id, geo, time_period, value}


def _value(spec: IndicatorSpec, row, lang: str, decimals: int) -> str:
    text = format_value(float(row["value"]), spec.unit, lang, decimals)
    words = flag_words(row["obs_status"], lang)
    return f"{text} ({', '.join(words)})" if words else text


def _join(parts: list[str], lang: str) -> str:
    word = {"en": "and", "nl": "en", "fr": "et"}[lang]
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} {word} {parts[-1]}"


def _fig(spec, row) -> dict:
    return {"indicator_id": spec.id, "geo": row["geo"], "time_period": int(row["time_period"]),
            "value": None if pd.isna(row["value"]) else float(row["value"])}


def _same_but(a: IndicatorSpec, b: IndicatorSpec, dims: tuple[str, ...]) -> bool:
    if a.dataset != b.dataset or a.unit != b.unit or a.versions or b.versions:
        return False
    keys = set(a.series) | set(b.series)
    return all(a.series.get(k) == b.series.get(k) for k in keys if k not in dims)


def breakdown_family(spec: IndicatorSpec) -> str:
    """Which breakdowns are contrasted together: size classes, education levels, age groups."""
    code = spec.series.get("ind_type")
    if code is None:
        return "size"
    return "education" if code[:1] == "I" and code[1:2].isdigit() else "age" if code.startswith("Y") else code


def _is_withheld(row) -> bool:
    return isinstance(row.get("conf_status"), str) and bool(row.get("conf_status"))


def _eu_sentence(spec, row, geo, lang, decimals) -> Statement | None:
    """The lead figure, its change from the previous comparable period and its distance to the EU27 average."""
    if pd.isna(row["value"]):
        return _no_lead_value(spec, row, geo, lang)
    c, value = country(geo), _value(spec, row, lang, decimals)
    subject = {"en": c.en_subject, "nl": c.nl, "fr": c.fr_subject}[lang]
    text = f"{spec.title[lang]}{colon(lang)}{country_name(geo, lang)} {value}"
    prev, prev_period = row.get("prev_value"), row.get("prev_time_period")
    if prev is not None and not pd.isna(prev) and prev_period is not None and not pd.isna(prev_period):
        shift = int(row["reference_period"]) - int(row["time_period"]) if not pd.isna(row.get("reference_period")) else 0
        text += change_words(float(row["value"]), float(prev), int(prev_period) + shift, spec.unit, lang, decimals)
    text += "."
    if not pd.isna(row["eu_value"]):
        diff = difference(float(row["value"]), float(row["eu_value"]), decimals)
        eu = format_value(float(row["eu_value"]), spec.unit, lang, decimals)
        if diff == 0:
            where = {"en": f"level with the EU27 average ({eu})", "nl": f"gelijk aan het EU27-gemiddelde ({eu})",
                     "fr": f"au niveau de la moyenne de l'UE27 ({eu})"}[lang]
        else:
            pts, up = points(diff, spec.unit, lang, decimals), diff > 0
            where = {"en": f"{pts} {'above' if up else 'below'} the EU27 average ({eu})",
                     "nl": f"{pts} {'boven' if up else 'onder'} het EU27-gemiddelde ({eu})",
                     "fr": f"{pts} {'au-dessus' if up else 'en dessous'} de la moyenne de l'UE27 ({eu})"}[lang]
        verb = {"en": "is", "nl": "zit", "fr": "se situent" if c.fr_plural else "se situe"}[lang]
        text += f" {subject[:1].upper() + subject[1:]} {verb} {where}"
        if not pd.isna(row["rank"]):
            rank, n = int(row["rank"]), int(row["n_ranked"])
            text += {"en": f", {ordinal(rank, 'en')} of {n} member states",
                     "nl": f", {ordinal(rank, 'nl')} van {n} lidstaten",
                     "fr": f", {ordinal(rank, 'fr', feminine=c.fr_feminine, plural=c.fr_plural)} sur {n} États "
                           f"membres"}[lang]
            text += "" if spec.higher_is_better else LOWER_FIRST[lang]
        text += "."
    return Statement(typeset(text, lang), [_fig(spec, row)])


def _no_lead_value(spec, row, geo, lang) -> Statement:
    """The lead figure is missing: confidential, or not available and why; nothing else is said of it."""
    c, period = country(geo), int(row["time_period"])
    if _is_withheld(row):
        text = {"en": f"the {period} figure for {c.en_subject} is confidential",
                "nl": f"het cijfer voor {period} van {c.nl} is vertrouwelijk",
                "fr": f"le chiffre {period} pour {c.fr_subject} est confidentiel"}[lang]
    else:
        reason = row.get("missing_reason")
        why = f" ({reason_in(reason, lang)})" if isinstance(reason, str) and reason else ""
        text = {"en": f"no {period} figure for {c.en_subject}{why}", "nl": f"geen cijfer voor {period} van {c.nl}{why}",
                "fr": f"pas de chiffre {period} pour {c.fr_subject}{why}"}[lang]
    return Statement(typeset(f"{spec.title[lang]}{colon(lang)}{text}.", lang), [_fig(spec, row)])


def _neighbours(spec, row, geo, neighbours, values, lang, decimals) -> Statement | None:
    """The member among its neighbours: above, level with, below each, at the publication rounding."""
    if pd.isna(row["value"]) or not neighbours:
        return None
    mine, period = float(row["value"]), row["time_period"]
    known = [(g, values.get((spec.id, period, g))) for g in neighbours]
    shown = sorted(((g, float(v)) for g, v in known if v is not None and not pd.isna(v)), key=lambda gv: -gv[1])
    if not shown:
        return None
    fmt = lambda v: format_value(v, spec.unit, lang, decimals)  # noqa: E731
    groups = {"above": [], "level": [], "below": []}
    for g, v in shown:
        diff = difference(v, mine, decimals)
        groups["above" if diff > 0 else "below" if diff < 0 else "level"].append((g, v))
    c = country(geo)
    def named(g: str, v: float, key: str) -> str:
        if lang == "fr":  # au-dessus de l'Allemagne, au même niveau que les Pays-Bas
            return f"{country(g).fr_subject if key == 'level' else _de(g)} ({fmt(v)})"
        return f"{country(g).en_subject if lang == 'en' else country_name(g, lang)} ({fmt(v)})"

    words = {"en": ("below", "level with", "above"), "nl": ("lager dan", "gelijk met", "hoger dan"),
             "fr": ("en dessous", "au même niveau que", "au-dessus")}[lang]
    said = [(f"{word} {_join([named(g, v, key) for g, v in groups[key]], lang)}", len(groups[key]))
            for key, word in zip(("above", "level", "below"), words) if groups[key]]
    parts = [text for text, _ in said]
    several = any(count > 1 for _, count in said[:-1])
    value = _value(spec, row, lang, decimals)
    lead = {"en": f"Among its neighbours, {c.en_subject} ({value}) is ",
            "nl": f"Onder de buurlanden ligt {c.nl} ({value}) ",
            "fr": f"Parmi ses voisins, {c.fr_subject} ({value}) se situe{'nt' if c.fr_plural else ''} "}[lang]
    missing = [g for g, v in known if v is None or pd.isna(v)]
    tail = ""
    if missing:
        tail = {"en": "; no figure for ", "nl": "; geen cijfer voor ", "fr": "; pas de chiffre pour "}[lang] + \
            _join([{"en": country(g).en_subject, "fr": country(g).fr_subject}.get(lang) or country_name(g, lang)
                   for g in missing], lang)
    figures = [_fig(spec, row)] + [{"indicator_id": spec.id, "geo": g, "time_period": int(period), "value": v}
                                   for g, v in shown]
    # "below A and B, and above C": the comma keeps the groups apart when a group lists several
    text = _join(parts, lang) if not several else f"{', '.join(parts[:-1])}, {_join(['', parts[-1]], lang).lstrip(', ')}"
    return Statement(typeset(lead + text + tail + ".", lang), figures)


def _de(geo: str) -> str:
    """French "de" + the country's article: du Luxembourg, des Pays-Bas, de la France, de l'Allemagne, de Chypre."""
    name = country(geo).fr_subject
    for article, contracted in (("le ", "du "), ("les ", "des ")):
        if name.startswith(article):
            return contracted + name[len(article):]
    return "de " + name


def _contrast(group: list[tuple[IndicatorSpec, pd.Series]], lang: str, decimals: int) -> Statement | None:
    shown = [(s, r) for s, r in group if not pd.isna(r["value"]) and s.short]
    if len(shown) < 2:
        return None
    shown.sort(key=lambda sr: -float(sr[1]["value"]))
    (hs, hr), (ls, lr) = shown[0], shown[-1]
    diff = difference(float(hr["value"]), float(lr["value"]), decimals)
    if diff == 0:
        return None  # a tie at the publication rounding: no contrast to state
    gap = points(diff, hs.unit, lang, decimals)
    hi, lo = _value(hs, hr, lang, decimals), _value(ls, lr, lang, decimals)
    text = {
        "en": f"{hi} of {hs.short['en']} against {lo} of {ls.short['en']}, a gap of {gap}.",
        "nl": f"{hi} van de {hs.short['nl']} tegenover {lo} van de {ls.short['nl']}, een verschil van {gap}.",
        "fr": f"{hi} des {hs.short['fr'].removeprefix('les ')} contre {lo} des {ls.short['fr'].removeprefix('les ')}, "
              f"soit un écart de {gap}.",
    }[lang]
    return Statement(typeset(text[0].upper() + text[1:], lang), [_fig(hs, hr), _fig(ls, lr)])


def _entries(shown, lang, decimals) -> list[tuple[str, list]]:
    """The items from the largest, those equal at the publication rounding as one entry ("A and B (each 12%)");
    the first MAX_ITEMS items, the entry of the last one whole."""
    entries, i = [], 0
    while i < min(len(shown), MAX_ITEMS):
        spec, row = shown[i]
        same = [sr for sr in shown[i:] if difference(float(sr[1]["value"]), float(row["value"]), decimals) == 0]
        each = {"en": "each ", "nl": "elk ", "fr": "chacun "}[lang] if len(same) > 1 else ""
        names = _join([s.short[lang] for s, _ in same], lang)
        entries.append((f"{names} ({each}{_value(spec, row, lang, decimals)})", same))
        i += len(same)
    return entries


def _previous_first(shown, member: pd.DataFrame, decimals: int) -> tuple[IndicatorSpec | None, list[dict]]:
    """The item that came first alone in the previous survey of every item shown (None when one lacks that
    survey's value, or two tied first at the rounding), and the figures that say so."""
    periods = {r.get("prev_time_period") for _, r in shown}
    if len(periods) != 1 or any(p is None or pd.isna(p) for p in periods):
        return None, []
    period = int(periods.pop())
    before = []
    for spec, _ in shown:
        found = member[(member["indicator_id"] == spec.id) & (member["time_period"] == period)]
        if found.empty or pd.isna(found["value"].iloc[0]):
            return None, []
        before.append((spec, found.iloc[0]))
    before.sort(key=lambda sr: -float(sr[1]["value"]))
    if difference(float(before[0][1]["value"]), float(before[1][1]["value"]), decimals) == 0:
        return None, []
    return before[0][0], [_fig(s, r) for s, r in before]


def _ordering(items: list[tuple[IndicatorSpec, pd.Series]], topic: str, lang: str, period: int,
              decimals: int, member: pd.DataFrame | None = None) -> list[Statement]:
    shown = [(s, r) for s, r in items if not pd.isna(r["value"])]
    absent = [(s, r) for s, r in items if pd.isna(r["value"])]
    out = []
    if len(shown) >= 2:
        shown.sort(key=lambda sr: -float(sr[1]["value"]))
        entries = _entries(shown, lang, decimals)
        used = [sr for _, same in entries for sr in same]
        backing = [_fig(s, r) for s, r in used]
        if topic in MAIN_FIRST and len(entries) >= 2:
            one, many, same_again, follow = MAIN_FIRST[topic][lang]
            first, rest = entries[0], [text for text, _ in entries[1:]]
            lead = many if len(first[1]) > 1 else one
            if len(first[1]) == 1 and member is not None:
                before, figures = _previous_first(shown, member, decimals)
                if before is first[1][0][0]:
                    lead, backing = same_again, backing + figures
            text = lead.format(first=first[0]) + follow.format(rest=_join(rest, lang))
        else:
            text = ORDER.get(topic, ORDER_ANY)[lang].format(items=_join([t for t, _ in entries], lang))
        out.append(Statement(typeset(text[0].upper() + text[1:], lang), backing))
    if absent:
        withheld = [(s, r) for s, r in absent if _is_withheld(r)]
        other = [(s, r) for s, r in absent if not _is_withheld(r)]
        if withheld:
            names = _join([s.short[lang] for s, _ in withheld], lang)
            text = {"en": f"The {period} figure for {names} is confidential.",
                    "nl": f"Het cijfer voor {period} voor {names} is vertrouwelijk.",
                    "fr": f"Le chiffre {period} pour {names} est confidentiel."}[lang]
            out.append(Statement(typeset(text, lang), [_fig(s, r) for s, r in withheld]))
        if other:
            names = _join([s.short[lang] for s, _ in other], lang)
            reasons = sorted({reason_in(r["missing_reason"], lang) for _, r in other
                              if isinstance(r["missing_reason"], str)})
            why = f" ({'; '.join(reasons)})" if reasons else ""
            text = {"en": f"No {period} figure for {names}{why}.", "nl": f"Geen cijfer voor {period} voor {names}{why}.",
                    "fr": f"Pas de chiffre {period} pour {names}{why}."}[lang]
            out.append(Statement(typeset(text, lang), [_fig(s, r) for s, r in other]))
    return out


def _target_sentence(spec, row, geo, lang, decimals) -> Statement | None:
    if spec.target is None or pd.isna(row.get("gap_to_target", float("nan"))):
        return None
    t = format_value(float(row["target_value"]), spec.unit, lang, decimals)
    year, gap = int(row["target_year"]), float(row["gap_to_target"])
    what = spec.short[lang] if spec.short else spec.title[lang]
    c = country(geo)
    if round(gap, decimals) <= 0:
        text = {"en": f"{what}: the Digital Decade target of {t} by {year} is reached.",
                "nl": f"{what}: de doelstelling van het Digitaal Decennium, {t} tegen {year}, is bereikt.",
                "fr": f"{what} : l'objectif de la Décennie numérique, {t} d'ici {year}, est atteint."}[lang]
        return Statement(typeset(text, lang), [_fig(spec, row)])
    pts = points(gap, spec.unit, lang, decimals)
    text = {"en": f"{what}: against the Digital Decade target of {t} by {year}, {c.en_subject} is {pts} short",
            "nl": f"{what}: {c.nl} zit {pts} onder de doelstelling van het Digitaal Decennium, {t} tegen {year}",
            "fr": f"{what} : {c.fr_subject} se situe{'nt' if c.fr_plural else ''} à {pts} de l'objectif de la "
                  f"Décennie numérique, {t} d'ici {year}"}[lang]
    if not pd.isna(row["recent_yearly_change"]):
        need = points(float(row["required_yearly_change"]), spec.unit, lang, decimals)
        recent = points(float(row["recent_yearly_change"]), spec.unit, lang, decimals)
        falling = float(row["recent_yearly_change"]) < 0
        on = bool(row["on_track"])
        text += {"en": f"; that takes {need} a year, against {'a fall of ' if falling else ''}{recent} a year "
                       f"recently: {'on track' if on else 'not on track'}",
                 "nl": f"; daarvoor is {need} per jaar nodig, tegenover {'een daling van ' if falling else ''}"
                       f"{recent} per jaar recent: {'op koers' if on else 'niet op koers'}",
                 "fr": f" ; il faut {need} par an, contre {'une baisse de ' if falling else ''}{recent} par an "
                       f"récemment : {'en bonne voie' if on else 'pas en bonne voie'}"}[lang]
    return Statement(typeset(text + ".", lang), [_fig(spec, row)])


def topic_statements(indicators: pd.DataFrame, catalogue: Catalogue, *, edition: int, geo: str, topic: str,
                     lang: str, decimals: int = DEFAULT_DECIMALS, neighbours: tuple[str, ...] = (),
                     values: Mapping | None = None) -> list[Statement]:
    """The statements of one topic for one member, in one language, in reading order. `values`
    ((indicator, period, geo) -> value) gives the neighbours' figures."""
    specs = [s for s in catalogue.indicators if s.topic == topic]
    if not specs:
        return []
    member = indicators[indicators["geo"] == geo]
    # Each entry's row of its reporting period (the first, as the table orders them): one pass, not one
    # selection per entry (the documents ask this for 12 topics x 27 members x 3 languages).
    wanted = {spec.id: catalogue.reporting_period(spec, edition) for spec in specs}
    candidates = member[member["indicator_id"].isin(list(wanted))]
    rows = {}
    for position, (indicator, period) in enumerate(zip(candidates["indicator_id"], candidates["time_period"])):
        if period == wanted[indicator] and indicator not in rows:
            rows[indicator] = candidates.iloc[position]
    rows = {spec.id: rows[spec.id] for spec in specs if spec.id in rows}
    lead = next((s for s in specs if s.headline), specs[0])
    out: list[Statement] = []
    if lead.id in rows:
        out += [s for s in (_eu_sentence(lead, rows[lead.id], geo, lang, decimals),) if s]
        if values is not None:
            out += [s for s in (_neighbours(lead, rows[lead.id], geo, neighbours, values, lang, decimals),) if s]
    siblings = [s for s in specs if s.id in rows and s is not lead and _same_but(lead, s, BREAKDOWNS)]
    families: dict[str, list[IndicatorSpec]] = {}
    for sibling in siblings:
        families.setdefault(breakdown_family(sibling), []).append(sibling)
    for family in families.values():
        contrast = _contrast([(s, rows[s.id]) for s in family], lang, decimals)
        out += [contrast] if contrast else []
    groups: list[list[IndicatorSpec]] = []
    for spec in (s for s in specs if s.id in rows and s.short and s not in siblings):
        home = next((g for g in groups if _same_but(g[0], spec, ("indic_is",))), None)
        groups.append([spec]) if home is None else home.append(spec)
    items = max(groups, key=len, default=[])
    if len(items) >= 2:
        out += _ordering([(s, rows[s.id]) for s in items], topic, lang,
                         catalogue.reporting_period(items[0], edition), decimals, member)
    for spec in specs:
        if spec.id in rows:
            target = _target_sentence(spec, rows[spec.id], geo, lang, decimals)
            out += [target] if target else []
    return out
