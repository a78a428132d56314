"""Names of the 27 EU member states in English, Dutch and French, as a sentence needs them."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.geo import EU27, EU27_AGGREGATE


@dataclass(frozen=True)
class CountryName:
    """A member state's names; `*_subject` is the form that opens a clause ("the Netherlands", "la Belgique")."""

    en: str
    nl: str
    fr: str
    en_subject: str
    fr_subject: str
    # French verbs and ordinals agree with the subject: "la Belgique se classe 1re", "les Pays-Bas se classent".
    fr_feminine: bool
    fr_plural: bool = False


def _c(en, nl, fr, fr_subject, feminine, *, en_subject=None, plural=False) -> CountryName:
    return CountryName(en, nl, fr, en_subject or en, fr_subject, feminine, plural)


COUNTRIES: dict[str, CountryName] = {
    "AT": _c("Austria", "Oostenrijk", "Autriche", "l'Autriche", True),
    "BE": _c("Belgium", "België", "Belgique", "la Belgique", True),
    "BG": _c("Bulgaria", "Bulgarije", "Bulgarie", "la Bulgarie", True),
    "CY": _c("Cyprus", "Cyprus", "Chypre", "Chypre", True),
    "CZ": _c("Czechia", "Tsjechië", "Tchéquie", "la Tchéquie", True),
    "DE": _c("Germany", "Duitsland", "Allemagne", "l'Allemagne", True),
    "DK": _c("Denmark", "Denemarken", "Danemark", "le Danemark", False),
    "EE": _c("Estonia", "Estland", "Estonie", "l'Estonie", True),
    "EL": _c("Greece", "Griekenland", "Grèce", "la Grèce", True),
    "ES": _c("Spain", "Spanje", "Espagne", "l'Espagne", True),
    "FI": _c("Finland", "Finland", "Finlande", "la Finlande", True),
    "FR": _c("France", "Frankrijk", "France", "la France", True),
    "HR": _c("Croatia", "Kroatië", "Croatie", "la Croatie", True),
    "HU": _c("Hungary", "Hongarije", "Hongrie", "la Hongrie", True),
    "IE": _c("Ireland", "Ierland", "Irlande", "l'Irlande", True),
    "IT": _c("Italy", "Italië", "Italie", "l'Italie", True),
    "LT": _c("Lithuania", "Litouwen", "Lituanie", "la Lituanie", True),
    "LU": _c("Luxembourg", "Luxemburg", "Luxembourg", "le Luxembourg", False),
    "LV": _c("Latvia", "Letland", "Lettonie", "la Lettonie", True),
    "MT": _c("Malta", "Malta", "Malte", "Malte", True),
    "NL": _c("Netherlands", "Nederland", "Pays-Bas", "les Pays-Bas", False,
             en_subject="the Netherlands", plural=True),
    "PL": _c("Poland", "Polen", "Pologne", "la Pologne", True),
    "PT": _c("Portugal", "Portugal", "Portugal", "le Portugal", False),
    "RO": _c("Romania", "Roemenië", "Roumanie", "la Roumanie", True),
    "SE": _c("Sweden", "Zweden", "Suède", "la Suède", True),
    "SI": _c("Slovenia", "Slovenië", "Slovénie", "la Slovénie", True),
    "SK": _c("Slovakia", "Slowakije", "Slovaquie", "la Slovaquie", True),
}
assert set(COUNTRIES) == EU27, "country names must cover exactly the 27 EU member states"

EU27_NAME = {"en": "EU27", "nl": "EU27", "fr": "UE27"}


def country(geo: str) -> CountryName:
    """The names of one member state; a KeyError names the code when it is not one of the 27."""
    try:
        return COUNTRIES[geo]
    except KeyError:
        raise KeyError(f"{geo!r} is not one of the 27 EU member states ({', '.join(sorted(EU27))})") from None


def country_name(geo: str, lang: str) -> str:
    """Plain name for labels and lists ("Belgium", "België", "Belgique"); EU27_2020 -> "EU27"."""
    if geo == EU27_AGGREGATE:
        return EU27_NAME[lang]
    return getattr(country(geo), lang)
