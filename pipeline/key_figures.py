"""Key-figure sentences of an edition, press-release style, in Dutch, French and English."""

from __future__ import annotations

import math
from typing import Any, Iterable, Mapping

import pandas as pd

from pipeline.countries import country
from pipeline.errors import CatalogueError

LANGUAGES = ("nl", "fr", "en")
LANGUAGE_NAMES = {"nl": "Nederlands", "fr": "Français", "en": "English"}

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


def format_number(value: float, lang: str, decimals: int = 2) -> str:
    """Two decimals in the language's convention: 1,234.56 (en), 1.234,56 (nl), 1 234,56 (fr)."""
    # The sign of the rounded number: -0.001 prints as 0.00, not -0.00.
    sign = "-" if round(value, decimals) < 0 else ""
    text = f"{abs(value):,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    elif lang == "fr":
        text = text.replace(",", "\u202f").replace(".", ",")
    return sign + text


def format_value(value: float, unit: Any, lang: str) -> str:
    """A figure with its unit: 34.54% (en), 34,54% (nl), 34,54 % (fr); non-percent units keep their code."""
    number = format_number(value, lang)
    unit = _text(unit) or ""
    if unit.upper().startswith("PC"):
        return f"{number} %" if lang == "fr" else f"{number}%"
    return f"{number} {unit}".rstrip()


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


def _sentence_available(lang, *, title, period, subject, plural, feminine, value, flags, prev, eu, rank, n):
    """One indicator with a value: figure, previous period, EU27 average, rank."""
    flag_part = f" ({_join(flags, lang)})" if flags else ""
    parts = []
    if lang == "en":
        head = f"{title}: in {period}, {subject} recorded {value}{flag_part}"
        if prev:
            head += f", compared with {prev[1]} in {prev[0]}"
        parts.append(head + ".")
        parts.append(f"The EU27 average was {eu}." if eu else "The EU27 average is not available.")
        if rank:
            of = "of 27 EU member states" if n == 27 else f"of the {n} EU member states with a published figure"
            parts.append(f"{_capitalise(subject)} ranks {ordinal(rank, 'en')} {of}.")
    elif lang == "nl":
        head = f"{title}: in {period} kwam {subject} uit op {value}{flag_part}"
        if prev:
            head += f", tegenover {prev[1]} in {prev[0]}"
        parts.append(head + ".")
        parts.append(f"Het EU27-gemiddelde bedroeg {eu}." if eu else "Het EU27-gemiddelde is niet beschikbaar.")
        if rank:
            of = "van de 27 EU-lidstaten" if n == 27 else f"van de {n} EU-lidstaten met een gepubliceerd cijfer"
            parts.append(f"{subject} staat op de {ordinal(rank, 'nl')} plaats {of}.")
    else:
        verb_reach, verb_rank = ("atteignent", "se classent") if plural else ("atteint", "se classe")
        head = f"{title} : en {period}, {subject} {verb_reach} {value}{flag_part}"
        if prev:
            head += f", contre {prev[1]} en {prev[0]}"
        parts.append(head + ".")
        parts.append(f"La moyenne de l'UE27 s'établit à {eu}." if eu else "La moyenne de l'UE27 n'est pas disponible.")
        if rank:
            of = "sur 27 États membres de l'UE" if n == 27 else f"sur les {n} États membres de l'UE disposant d'un chiffre publié"
            place = ordinal(rank, "fr", feminine=feminine, plural=plural)
            parts.append(f"{_capitalise(subject)} {verb_rank} {place} {of}.")
    return " ".join(parts)


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
        return text + (f" Het EU27-gemiddelde bedroeg {eu}." if eu else "")
    if conf == "C":
        what = "est confidentiel et n'est pas publié"
    elif conf:
        what = f"n'est pas publié ({CONF_WORDS.get(conf, {'fr': conf})['fr']})"
    else:
        what = "n'est pas disponible"
    text = f"{title} : le chiffre de {period} pour {subject} {what}{flag_part}."
    return text + (f" La moyenne de l'UE27 s'établit à {eu}." if eu else "")


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


def _sentences(fig: dict[str, Any], focus_geo: str) -> dict[str, str]:
    names = country(focus_geo)
    out = {}
    for lang in LANGUAGES:
        subject = {"en": names.en_subject, "nl": names.nl, "fr": names.fr_subject}[lang]
        fmt = lambda v: format_value(v, fig["unit"], lang)  # noqa: E731
        eu = fmt(fig["eu_value"]) if fig["eu_value"] is not None else None
        flags = flag_words(fig["obs_status"], lang)
        shift = (fig.get("reference_period") or fig["period"]) - fig["period"]
        common = dict(title=fig["titles"][lang], period=fig["period"] + shift, subject=subject,
                      feminine=names.fr_feminine, plural=names.fr_plural, flags=flags, eu=eu)
        if fig["value"] is None:
            out[lang] = _sentence_missing(lang, conf=fig["conf_status"], **common)
        else:
            prev = None
            if fig["prev_value"] is not None and fig["prev_period"] is not None:
                prev = (fig["prev_period"] + shift, fmt(fig["prev_value"]))
            out[lang] = _sentence_available(
                lang, value=fmt(fig["value"]), prev=prev, rank=fig["rank"], n=fig["n_ranked"], **common
            )
    return out


def _markdown(figures: list[dict], *, edition, focus_geo, is_sample, datasets: Iterable[str]) -> str:
    names = country(focus_geo)
    heading = {"nl": f"Kerncijfers {edition} - {names.nl}", "fr": f"Chiffres clés {edition} - {names.fr}",
               "en": f"Key figures {edition} - {names.en}"}
    source = {"nl": "Bron", "fr": "Source", "en": "Source"}
    sep = {"nl": ": ", "fr": " : ", "en": ": "}
    lines = [f"# {heading['en']}", ""]
    for lang in LANGUAGES:
        lines += [f"## {LANGUAGE_NAMES[lang]}: {heading[lang]}", ""]
        if is_sample:
            lines += [f"**{SAMPLE_LABELS[lang]}**", ""]
        lines += [f"- {fig['sentences'][lang]}" for fig in figures]
        lines += ["", f"{source[lang]}{sep[lang]}Eurostat ({', '.join(sorted(datasets))})", ""]
    return "\n".join(lines)


def render_key_figures(
    indicators: pd.DataFrame,
    *,
    edition: int | str,
    focus_geo: str,
    headline_ids: Iterable[str],
    reporting_periods: Mapping[str, int],
    is_sample: bool,
) -> tuple[str, dict]:
    """One sentence per headline indicator in nl/fr/en: returns (key_figures.md text, key_figures.json data)."""
    figures = []
    for indicator_id in headline_ids:
        if indicator_id not in reporting_periods:
            raise CatalogueError(f"headline indicator {indicator_id!r} has no reporting period for edition {edition}")
        fig = _figure(indicators, indicator_id, reporting_periods[indicator_id], focus_geo)
        fig["sentences"] = _sentences(fig, focus_geo)
        figures.append(fig)
    datasets = {str(d) for d in indicators["dataset"].dropna().unique()} if "dataset" in indicators else set()
    markdown = _markdown(figures, edition=edition, focus_geo=focus_geo, is_sample=is_sample, datasets=datasets)
    data = {
        "edition": int(edition),
        "focus_geo": focus_geo,
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
                "flags": {"obs_status": fig["obs_status"], "conf_status": fig["conf_status"]},
                "titles": fig["titles"],
                "sentences": fig["sentences"],
            }
            for fig in figures
        ],
    }
    return markdown, data
