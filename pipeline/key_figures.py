"""Key-figure sentences of an edition, press-release style, in Dutch, French and English: the value,
its change from the previous comparable period and its distance to the EU27 average in percentage
points, and its rank (with the direction where rank 1 is the lowest share). One file per language is
laid out by `pipeline.member_figures`."""

from __future__ import annotations

import math
from typing import Any, Collection, Iterable, Mapping

import pandas as pd

from pipeline.config import DEFAULT_DECIMALS
from pipeline.countries import country
from pipeline.errors import CatalogueError
from pipeline.numbers import difference, format_value, points, typeset

LANGUAGES = ("nl", "fr", "en")

SAMPLE_LABELS = {
    "en": "SYNTHETIC SAMPLE DATA - not Eurostat figures",
    "nl": "SYNTHETISCHE VOORBEELDGEGEVENS - geen Eurostat-cijfers",
    "fr": "DONNÉES D'EXEMPLE SYNTHÉTIQUES - pas des chiffres d'Eurostat",
}

# Observation status (OBS_FLAG, since January 2025), then the letters older vintages still carry.
FLAG_WORDS: dict[str, dict[str, str]] = {
    "b": {"en": "break in series", "nl": "breuk in de reeks", "fr": "rupture de série"},
    "d": {"en": "definition differs", "nl": "afwijkende definitie", "fr": "définition différente"},
    "e": {"en": "estimated", "nl": "geschat", "fr": "estimé"},
    "f": {"en": "forecast", "nl": "prognose", "fr": "prévision"},
    "i": {"en": "imputed by Eurostat", "nl": "geïmputeerd door Eurostat", "fr": "imputé par Eurostat"},
    "m": {"en": "missing, cannot exist", "nl": "ontbreekt, kan niet bestaan", "fr": "manquant, ne peut exister"},
    "n": {"en": "not significant", "nl": "niet significant", "fr": "non significatif"},
    "p": {"en": "provisional", "nl": "voorlopig", "fr": "provisoire"},
    "u": {"en": "low reliability", "nl": "lage betrouwbaarheid", "fr": "faible fiabilité"},
    "c": {"en": "confidential", "nl": "vertrouwelijk", "fr": "confidentiel"},
    "r": {"en": "revised", "nl": "herzien", "fr": "révisé"},
    "s": {"en": "Eurostat estimate", "nl": "raming van Eurostat", "fr": "estimation d'Eurostat"},
    "z": {"en": "not applicable", "nl": "niet van toepassing", "fr": "sans objet"},
}
CONF_WORDS: dict[str, dict[str, str]] = {
    "C": {"en": "confidential", "nl": "vertrouwelijk", "fr": "confidentiel"},
    "N": {"en": "not for publication", "nl": "niet voor publicatie", "fr": "non publiable"},
    "P": {"en": "non-statistical secrecy", "nl": "niet-statistische geheimhouding", "fr": "secret non statistique"},
}
_AND = {"en": "and", "nl": "en", "fr": "et"}


def _missing(x: Any) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _text(x: Any) -> str | None:
    return None if _missing(x) or str(x).strip() == "" else str(x).strip()


def flag_words(obs_status: Any, lang: str) -> list[str]:
    """Each observation-status letter in words ("bu" -> break in series, low reliability); unknown letters kept."""
    letters = [ch for ch in (_text(obs_status) or "") if not ch.isspace()]
    unknown = {"en": "flag '{}'", "nl": "vlag '{}'", "fr": "indicateur '{}'"}[lang]
    return [FLAG_WORDS[ch][lang] if ch in FLAG_WORDS else unknown.format(ch) for ch in letters]


def _join(words: list[str], lang: str) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {_AND[lang]} {words[-1]}"


def ordinal(rank: int, lang: str, *, feminine: bool = False, plural: bool = False) -> str:
    """5th / 5de / 5e; 1st / 1ste / 1er (1re, 1ers) ; Dutch takes -ste for 1, 8 and from 20 on."""
    if lang == "en":
        suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
        return f"{rank}{suffix}"
    if lang == "nl":
        return f"{rank}ste" if rank in (1, 8) or rank % 100 >= 20 else f"{rank}de"
    if rank == 1:
        return "1" + ("re" if feminine else "er") + ("s" if plural else "")
    return f"{rank}e"


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


# Where rank 1 is the lowest share (problems when buying online): said beside every rank.
LOWER_FIRST = {"en": " (1 = the lowest share, the best here)", "nl": " (1 = het laagste aandeel, hier het best)",
               "fr": " (1 = la part la plus faible, ici la meilleure)"}


def change_words(value: float, prev: float, prev_period: int, unit, lang: str, decimals: int) -> str:
    """The change from the previous comparable period in (percentage) points, after the value it qualifies."""
    diff = difference(value, prev, decimals)
    was = format_value(prev, unit, lang, decimals)
    if diff == 0:
        return {"en": f", unchanged from {prev_period} ({was})", "nl": f", evenveel als in {prev_period} ({was})",
                "fr": f", comme en {prev_period} ({was})"}[lang]
    pts = points(diff, unit, lang, decimals)
    up = diff > 0
    return {"en": f", {'up' if up else 'down'} {pts} from {prev_period} ({was})",
            "nl": f", {pts} {'meer' if up else 'minder'} dan in {prev_period} ({was})",
            "fr": f", soit {pts} de {'plus' if up else 'moins'} qu'en {prev_period} ({was})"}[lang]


def eu_words(value: float, eu: float, unit, lang: str, decimals: int, *, subject: str, plural: bool) -> str:
    """The member against the EU27 average in (percentage) points, as a sentence."""
    diff = difference(value, eu, decimals)
    avg = format_value(eu, unit, lang, decimals)
    if diff == 0:
        verb = {"en": "equals", "nl": "evenaart", "fr": "égalent" if plural else "égale"}[lang]
        where = {"en": "the EU27 average", "nl": "het EU27-gemiddelde", "fr": "la moyenne de l'UE27"}[lang]
        return f"{_capitalise(subject)} {verb} {where} ({avg})."
    pts, up = points(diff, unit, lang, decimals), diff > 0
    if lang == "en":
        return f"{_capitalise(subject)} is {pts} {'above' if up else 'below'} the EU27 average ({avg})."
    if lang == "nl":
        return f"{subject} zit {pts} {'boven' if up else 'onder'} het EU27-gemiddelde ({avg})."
    verb = "se situent" if plural else "se situe"
    return f"{_capitalise(subject)} {verb} {pts} {'au-dessus' if up else 'en dessous'} de la moyenne de l'UE27 ({avg})."


def _sentence_available(lang, *, title, period, subject, plural, feminine, value, flags, change, eu, rank, n,
                        lower_first):
    """One indicator with a value: figure, change from the previous period, against the EU27 average, rank."""
    flag_part = f" ({_join(flags, lang)})" if flags else ""
    direction = LOWER_FIRST[lang] if lower_first else ""
    parts = []
    if lang == "en":
        parts.append(f"{title}: in {period}, {subject} recorded {value}{flag_part}{change}.")
        parts.append(eu or "The EU27 average is not available.")
        if rank:
            of = "of 27 EU member states" if n == 27 else f"of the {n} EU member states with a published figure"
            parts.append(f"{_capitalise(subject)} ranks {ordinal(rank, 'en')} {of}{direction}.")
    elif lang == "nl":
        parts.append(f"{title}: in {period} kwam {subject} uit op {value}{flag_part}{change}.")
        parts.append(eu or "Het EU27-gemiddelde is niet beschikbaar.")
        if rank:
            of = "van de 27 EU-lidstaten" if n == 27 else f"van de {n} EU-lidstaten met een gepubliceerd cijfer"
            parts.append(f"{subject} staat op de {ordinal(rank, 'nl')} plaats {of}{direction}.")
    else:
        verb_reach, verb_rank = ("atteignent", "se classent") if plural else ("atteint", "se classe")
        parts.append(f"{title} : en {period}, {subject} {verb_reach} {value}{flag_part}{change}.")
        parts.append(eu or "La moyenne de l'UE27 n'est pas disponible.")
        if rank:
            of = "sur 27 États membres de l'UE" if n == 27 else f"sur les {n} États membres de l'UE disposant d'un chiffre publié"
            place = ordinal(rank, "fr", feminine=feminine, plural=plural)
            parts.append(f"{_capitalise(subject)} {verb_rank} {place} {of}{direction}.")
    return typeset(" ".join(parts), lang)


def _sentence_missing(lang, *, title, period, subject, feminine, plural, conf, flags, eu):
    """No value: say whether it is withheld (confidential, ...) or simply not available."""
    flag_part = f" ({_join(flags, lang)})" if flags else ""
    if lang == "en":
        if conf == "C":
            what = "is confidential and not published"
        elif conf:
            what = f"is not published ({CONF_WORDS.get(conf, {'en': conf})['en']})"
        else:
            what = "is not available"
        text = f"{title}: the {period} figure for {subject} {what}{flag_part}."
        return text + (f" The EU27 average was {eu}." if eu else "")
    if lang == "nl":
        if conf == "C":
            what = "is vertrouwelijk en wordt niet gepubliceerd"
        elif conf:
            what = f"wordt niet gepubliceerd ({CONF_WORDS.get(conf, {'nl': conf})['nl']})"
        else:
            what = "is niet beschikbaar"
        text = f"{title}: het cijfer voor {period} van {subject} {what}{flag_part}."
        return typeset(text + (f" Het EU27-gemiddelde bedroeg {eu}." if eu else ""), lang)
    if conf == "C":
        what = "est confidentiel et n'est pas publié"
    elif conf:
        what = f"n'est pas publié ({CONF_WORDS.get(conf, {'fr': conf})['fr']})"
    else:
        what = "n'est pas disponible"
    text = f"{title} : le chiffre de {period} pour {subject} {what}{flag_part}."
    return typeset(text + (f" La moyenne de l'UE27 s'établit à {eu}." if eu else ""), lang)


def _figure(rows: pd.DataFrame, indicator_id: str, period: int, focus_geo: str) -> dict[str, Any]:
    """The focus country's row for one indicator and period, as plain Python values (None when absent)."""
    of_indicator = rows[rows["indicator_id"].astype(str) == indicator_id]
    if of_indicator.empty:
        raise CatalogueError(f"headline indicator {indicator_id!r} has no row in the indicators table")
    titles = {lang: str(of_indicator[f"title_{lang}"].iloc[0]) for lang in LANGUAGES}
    match = of_indicator[
        (of_indicator["geo"].astype(str) == focus_geo) & (of_indicator["time_period"].astype(int) == int(period))
    ]
    if len(match) > 1:
        raise CatalogueError(f"indicator {indicator_id!r}: {len(match)} rows for {focus_geo} {period}, expected one")
    row = match.iloc[0].to_dict() if len(match) else {}

    def num(key):
        x = row.get(key)
        return None if _missing(x) else float(x)

    def integer(key):
        x = row.get(key)
        return None if _missing(x) else int(x)

    return {
        "indicator_id": indicator_id,
        "titles": titles,
        "period": int(period),
        "value": num("value"),
        "unit": _text(row.get("unit")) or _text(of_indicator["unit"].iloc[0]),
        "obs_status": _text(row.get("obs_status")),
        "conf_status": _text(row.get("conf_status")),
        "eu_value": num("eu_value"),
        "prev_period": integer("prev_time_period"),
        "prev_value": num("prev_value"),
        "rank": integer("rank"),
        "n_ranked": integer("n_ranked"),
        # The year the figure is about (e-commerce sales asked in survey year N concern N-1).
        "reference_period": integer("reference_period"),
        "missing_reason": _text(row.get("missing_reason")),
    }


def _sentences(fig: dict[str, Any], focus_geo: str, decimals: int, lower_first: bool) -> dict[str, str]:
    names = country(focus_geo)
    out = {}
    for lang in LANGUAGES:
        subject = {"en": names.en_subject, "nl": names.nl, "fr": names.fr_subject}[lang]
        fmt = lambda v: format_value(v, fig["unit"], lang, decimals)  # noqa: E731
        flags = flag_words(fig["obs_status"], lang)
        shift = (fig.get("reference_period") or fig["period"]) - fig["period"]
        common = dict(title=fig["titles"][lang], period=fig["period"] + shift, subject=subject,
                      feminine=names.fr_feminine, plural=names.fr_plural, flags=flags)
        if fig["value"] is None:
            eu = fmt(fig["eu_value"]) if fig["eu_value"] is not None else None
            out[lang] = _sentence_missing(lang, conf=fig["conf_status"], eu=eu, **common)
            continue
        change = ""
        if fig["prev_value"] is not None and fig["prev_period"] is not None:
            change = change_words(fig["value"], fig["prev_value"], fig["prev_period"] + shift, fig["unit"], lang,
                                  decimals)
        eu = None if fig["eu_value"] is None else eu_words(fig["value"], fig["eu_value"], fig["unit"], lang, decimals,
                                                          subject=subject, plural=names.fr_plural)
        out[lang] = _sentence_available(lang, value=fmt(fig["value"]), change=change, eu=eu, rank=fig["rank"],
                                        n=fig["n_ranked"], lower_first=lower_first, **common)
    return out


def render_key_figures(
    indicators: pd.DataFrame,
    *,
    edition: int | str,
    focus_geo: str,
    headline_ids: Iterable[str],
    reporting_periods: Mapping[str, int],
    is_sample: bool,
    decimals: int = DEFAULT_DECIMALS,
    lower_first: Collection[str] = (),
) -> dict:
    """One sentence per headline indicator in nl/fr/en, figures at `decimals`: the key_figures.json data
    (its numbers unrounded). `lower_first`: the indicators ranked from the lowest share."""
    figures = []
    for indicator_id in headline_ids:
        if indicator_id not in reporting_periods:
            raise CatalogueError(f"headline indicator {indicator_id!r} has no reporting period for edition {edition}")
        fig = _figure(indicators, indicator_id, reporting_periods[indicator_id], focus_geo)
        fig["sentences"] = _sentences(fig, focus_geo, decimals, indicator_id in lower_first)
        figures.append(fig)
    return {
        "edition": int(edition),
        "focus_geo": focus_geo,
        "decimals": decimals,
        "source": "sample" if is_sample else "eurostat",
        "sample_label": dict(SAMPLE_LABELS) if is_sample else None,
        "key_figures": [
            {
                "indicator_id": fig["indicator_id"],
                "period": fig["period"],
                "reference_period": fig["reference_period"],
                "value": fig["value"],
                "missing_reason": fig["missing_reason"],
                "unit": fig["unit"],
                "eu_value": fig["eu_value"],
                "prev_period": fig["prev_period"],
                "prev_value": fig["prev_value"],
                "rank": fig["rank"],
                "n_ranked": fig["n_ranked"],
                "lower_is_better": fig["indicator_id"] in lower_first,
                "flags": {"obs_status": fig["obs_status"], "conf_status": fig["conf_status"]},
                "titles": fig["titles"],
                "sentences": fig["sentences"],
                # the figures as the sentences print them, for a layout that sets its own text
                "printed": {lang: {key: None if fig[key] is None else format_value(fig[key], fig["unit"], lang, decimals)
                                   for key in ("value", "eu_value", "prev_value")} for lang in LANGUAGES},
            }
            for fig in figures
        ],
    }
