"""What the overview says about a topic, written from the data in nl, fr and en.

Per member and topic: the member against the EU27, the contrast between breakdowns (large and
small enterprises, the highly and the low educated), the items of the topic in order ("the most
used AI technologies are ..."), the member among its neighbours, and the distance to a 2030
target. Every statement carries the figures it quotes (`figures`); none is made when the data
does not support it: an item without a value is named as such, a tie is said as a tie, and a
low-reliability flag goes with the figure it marks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd

from pipeline.catalogue import Catalogue, IndicatorSpec
from pipeline.countries import country, country_name
from pipeline.key_figures import flag_words, format_number, format_value, ordinal

MAX_ITEMS = 4
BREAKDOWNS = ("size_emp", "ind_type")


@dataclass
class Statement:
    text: str
    figures: list[dict] = field(default_factory=list)  # {indicator_id, geo, time_period, value}


def _value(spec: IndicatorSpec, row, lang: str) -> str:
    text = format_value(float(row["value"]), spec.unit, lang)
    if lang == "fr":
        text = text.replace(" %", "\u00a0%")
    words = [w for w in flag_words(row["obs_status"], lang)]
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


def _family(spec: IndicatorSpec) -> str:
    """Which breakdowns are contrasted together: size classes, education levels, age groups."""
    code = spec.series.get("ind_type")
    if code is None:
        return "size"
    return "education" if code[:1] == "I" and code[1:2].isdigit() else "age" if code.startswith("Y") else code


_REASONS = (  # missing_reason (English, as the release stores it) -> nl, fr
    (r"last surveyed in (\d{4})", "laatst bevraagd in \\1", "dernière enquête en \\1"),
    (r"first surveyed in (\d{4})", "voor het eerst bevraagd in \\1", "première enquête en \\1"),
    (r"not surveyed in (\d{4}).*", "niet bevraagd in \\1", "pas d'enquête en \\1"),
    (r"confidential.*", "vertrouwelijk", "confidentiel"),
    (r"not published for \w+ in (\d{4})", "niet gepubliceerd voor \\1", "non publié pour \\1"),
    (r"not available.*", "niet beschikbaar", "non disponible"),
    (r"no value published for (\d{4}).*", "nog niet gepubliceerd voor \\1", "pas encore publié pour \\1"),
)


def reason_in(reason: str, lang: str) -> str:
    """A missing_reason in the language of the text (the release keeps the English)."""
    if lang == "en":
        return reason
    for pattern, nl, fr in _REASONS:
        if re.fullmatch(pattern, reason):
            return re.sub(pattern, nl if lang == "nl" else fr, reason)
    return reason


def _eu_sentence(spec, row, name, lang) -> Statement | None:
    if pd.isna(row["value"]) or pd.isna(row["eu_value"]):
        return None
    diff = float(row["value"]) - float(row["eu_value"])
    pts = format_number(abs(diff), lang)
    value, eu = _value(spec, row, lang), format_value(float(row["eu_value"]), spec.unit, lang)
    rank = "" if pd.isna(row["rank"]) else int(row["rank"])
    n = int(row["n_ranked"])
    better = (diff > 0) == spec.higher_is_better
    if lang == "en":
        where = "equal to" if diff == 0 else f"{pts} points {'above' if diff > 0 else 'below'}"
        text = f"{spec.title['en']}: {name} {value}, {where} the EU27 average ({eu})"
        text += f"; {ordinal(rank, 'en')} of {n} member states" if rank else ""
        text += "" if diff == 0 or spec.higher_is_better else (" (fewer is better)" if better else " (more than the EU27)")
    elif lang == "nl":
        where = "gelijk aan" if diff == 0 else f"{pts} procentpunt {'boven' if diff > 0 else 'onder'}"
        text = f"{spec.title['nl']}: {name} {value}, {where} het EU27-gemiddelde ({eu})"
        text += f"; {ordinal(rank, 'nl')} van {n} lidstaten" if rank else ""
        text += "" if diff == 0 or spec.higher_is_better else (" (minder is beter)" if better else " (meer dan de EU27)")
    else:
        c = country(row["geo"])
        where = "égal à" if diff == 0 else f"{pts} points {'au-dessus de' if diff > 0 else 'en dessous de'}"
        text = f"{spec.title['fr']} : {c.fr} {value}, {where} la moyenne de l'UE27 ({eu})"
        text += f" ; {ordinal(rank, 'fr', feminine=c.fr_feminine, plural=c.fr_plural)} sur {n} États membres" if rank else ""
        text += "" if diff == 0 or spec.higher_is_better else (" (moins, c'est mieux)" if better else " (plus que l'UE27)")
    return Statement(text + ".", [_fig(spec, row)])


def _contrast(group: list[tuple[IndicatorSpec, pd.Series]], lang: str) -> Statement | None:
    shown = [(s, r) for s, r in group if not pd.isna(r["value"]) and s.short]
    if len(shown) < 2:
        return None
    shown.sort(key=lambda sr: -float(sr[1]["value"]))
    (hs, hr), (ls, lr) = shown[0], shown[-1]
    if float(hr["value"]) == float(lr["value"]):
        return None  # no contrast to state
    gap = format_number(float(hr["value"]) - float(lr["value"]), lang)
    hi, lo = _value(hs, hr, lang), _value(ls, lr, lang)
    text = {
        "en": f"{hi} of {hs.short['en']} against {lo} of {ls.short['en']}: a gap of {gap} points.",
        "nl": f"{hi} van de {hs.short['nl']} tegenover {lo} van de {ls.short['nl']}: een verschil van {gap} procentpunt.",
        "fr": f"{hi} des {hs.short['fr'].removeprefix('les ')} contre {lo} des {ls.short['fr'].removeprefix('les ')} : "
              f"un écart de {gap} points.",
    }[lang]
    return Statement(text[0].upper() + text[1:], [_fig(hs, hr), _fig(ls, lr)])


def _ordering(items: list[tuple[IndicatorSpec, pd.Series]], lang: str, period: int) -> list[Statement]:
    shown = [(s, r) for s, r in items if not pd.isna(r["value"])]
    absent = [(s, r) for s, r in items if pd.isna(r["value"])]
    out = []
    if len(shown) >= 2:
        shown.sort(key=lambda sr: -float(sr[1]["value"]))
        top, parts, used = shown[:MAX_ITEMS], [], []
        i = 0
        while i < len(top):  # equal values are one entry: "A and B (both 12.3%)"
            same = [sr for sr in shown if float(sr[1]["value"]) == float(top[i][1]["value"])]
            names = _join([s.short[lang] for s, _ in same], lang)
            both = {"en": "each", "nl": "elk", "fr": "chacun"}[lang] if len(same) > 1 else ""
            parts.append(f"{names} ({(both + ' ') if both else ''}{_value(same[0][0], same[0][1], lang)})")
            used += same
            i += len([sr for sr in same if sr in top])
        lead = {"en": "Most frequent first: ", "nl": "Het vaakst eerst: ", "fr": "Par ordre de fréquence : "}[lang]
        out.append(Statement(lead + _join(parts, lang) + ".", [_fig(s, r) for s, r in used]))
    if absent:
        names = _join([s.short[lang] for s, _ in absent], lang)
        reasons = sorted({reason_in(r["missing_reason"], lang) for _, r in absent if isinstance(r["missing_reason"], str)})
        why = f" ({'; '.join(reasons)})" if reasons else ""
        text = {"en": f"No {period} figure for {names}{why}.", "nl": f"Geen cijfer voor {period} voor {names}{why}.",
                "fr": f"Pas de chiffre {period} pour {names}{why}."}[lang]
        out.append(Statement(text, [_fig(s, r) for s, r in absent]))
    return out


def _target_sentence(spec, row, lang) -> Statement | None:
    if spec.target is None or pd.isna(row.get("gap_to_target", float("nan"))):
        return None
    t = format_value(float(row["target_value"]), spec.unit, lang)
    gap, year = format_number(float(row["gap_to_target"]), lang), int(row["target_year"])
    if float(row["gap_to_target"]) == 0:
        text = {"en": f"The {year} target of {t} is reached.", "nl": f"De doelstelling van {t} voor {year} is bereikt.",
                "fr": f"L'objectif {year} de {t} est atteint."}[lang]
        return Statement(text, [_fig(spec, row)])
    what = spec.short[lang] if spec.short else spec.title[lang]
    text = {"en": f"{what}: the {year} target is {t}, {gap} points to go",
            "nl": f"{what}: de doelstelling voor {year} is {t}, nog {gap} procentpunt",
            "fr": f"{what} : l'objectif {year} est de {t}, encore {gap} points"}[lang]
    if not pd.isna(row["recent_yearly_change"]):
        need, recent = (format_number(float(row[c]), lang) for c in ("required_yearly_change", "recent_yearly_change"))
        on = bool(row["on_track"])
        text += {"en": f"; {need} points a year are needed, against {recent} a year recently ("
                       f"{'on track' if on else 'not on track'})",
                 "nl": f"; daarvoor is {need} procentpunt per jaar nodig, tegenover {recent} per jaar recent ("
                       f"{'op koers' if on else 'niet op koers'})",
                 "fr": f" ; il faut {need} points par an, contre {recent} par an récemment ("
                       f"{'en bonne voie' if on else 'pas en bonne voie'})"}[lang]
    return Statement(text + ".", [_fig(spec, row)])


def topic_statements(indicators: pd.DataFrame, catalogue: Catalogue, *, edition: int, geo: str,
                     topic: str, lang: str) -> list[Statement]:
    """The statements of one topic for one member, in one language, in reading order."""
    specs = [s for s in catalogue.indicators if s.topic == topic]
    if not specs:
        return []
    rows = {}
    member = indicators[indicators["geo"] == geo]
    for spec in specs:
        found = member[(member["indicator_id"] == spec.id)
                       & (member["time_period"] == catalogue.reporting_period(spec, edition))]
        if len(found):
            rows[spec.id] = found.iloc[0]
    lead = next((s for s in specs if s.headline), specs[0])
    out: list[Statement] = []
    name = country_name(geo, lang)
    if lead.id in rows:
        out += [s for s in (_eu_sentence(lead, rows[lead.id], name, lang),) if s]
    siblings = [s for s in specs if s.id in rows and s is not lead and _same_but(lead, s, BREAKDOWNS)]
    families: dict[str, list[IndicatorSpec]] = {}
    for sibling in siblings:
        families.setdefault(_family(sibling), []).append(sibling)
    for family in families.values():
        contrast = _contrast([(s, rows[s.id]) for s in family], lang)
        out += [contrast] if contrast else []
    groups: list[list[IndicatorSpec]] = []
    for spec in (s for s in specs if s.id in rows and s.short and s not in siblings):
        home = next((g for g in groups if _same_but(g[0], spec, ("indic_is",))), None)
        groups.append([spec]) if home is None else home.append(spec)
    items = max(groups, key=len, default=[])
    if len(items) >= 2:
        out += _ordering([(s, rows[s.id]) for s in items], lang, catalogue.reporting_period(items[0], edition))
    for spec in specs:
        if spec.id in rows:
            target = _target_sentence(spec, rows[spec.id], lang)
            out += [target] if target else []
    return out
