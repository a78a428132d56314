"""How a figure is printed in nl, fr and en: the publication rounding, separators, "%", percentage
points, and the French spaces before punctuation. Every text product (key figures, paragraphs,
document tables, chart labels) prints through these functions, so one rule holds everywhere.

The space is U+00A0 (no-break space) wherever one is wanted: before "%" in nl and fr, before ":",
";", "!" and "?" in fr, and as the French thousands separator. U+202F (narrow no-break space) is
the typographer's choice before ";" and in thousands, but many fonts and word processors still
show it as a box or a full space of another width; U+00A0 is in every font and is what Word's French
autocorrection inserts, so a text pasted from our products looks the same everywhere.
"""

from __future__ import annotations

import re

from pipeline.config import DEFAULT_DECIMALS
from pipeline.units import is_percent

NBSP = "\u00a0"
_POINTS = {  # (one, many): a difference between two percentages
    "en": ("percentage point", "percentage points"),
    "nl": ("procentpunt", "procentpunt"),
    "fr": ("point de pourcentage", "points de pourcentage"),
}
_UNIT_POINTS = {"en": ("point", "points"), "nl": ("punt", "punten"), "fr": ("point", "points")}


def format_number(value: float, lang: str, decimals: int = DEFAULT_DECIMALS) -> str:
    """`decimals` decimals in the language's convention: 1,234.56 (en), 1.234,56 (nl), 1 234,56 (fr)."""
    # The sign of the rounded number: -0.001 prints as 0.00, not -0.00.
    sign = "-" if round(value, decimals) < 0 else ""
    text = f"{abs(value):,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    elif lang == "fr":
        text = text.replace(",", NBSP).replace(".", ",")
    return sign + text


def percent(number: str, lang: str) -> str:
    """A printed number with "%": 34.54% (en), 34,54 % (nl, fr; a no-break space)."""
    return f"{number}%" if lang == "en" else f"{number}{NBSP}%"


def format_value(value: float, unit, lang: str, decimals: int = DEFAULT_DECIMALS) -> str:
    """A figure with its unit: 34.54% (en), 34,54 % (nl, fr); non-percent units keep their code."""
    number = format_number(value, lang, decimals)
    unit = "" if unit is None else str(unit).strip()
    if unit.upper().startswith("PC"):
        return percent(number, lang)
    return f"{number} {unit}".rstrip()


def difference(a: float, b: float, decimals: int = DEFAULT_DECIMALS) -> float:
    """a - b between the figures as printed: the reader can check it, and a tie at the rounding is 0."""
    return round(round(a, decimals) - round(b, decimals), decimals)


def points(diff: float, unit, lang: str, decimals: int = DEFAULT_DECIMALS) -> str:
    """|diff| in (percentage) points: "6.17 percentage points", "6,17 procentpunt", "6,17 points de pourcentage"."""
    size = abs(round(diff, decimals))
    one, many = (_POINTS if is_percent(str(unit or "")) else _UNIT_POINTS)[lang]
    # English: singular only for exactly 1; French: singular below 2 ("1,5 point").
    single = size == 1 if lang == "en" else size < 2 if lang == "fr" else False
    return f"{format_number(size, lang, decimals)} {one if single else many}"


def typeset(text: str, lang: str) -> str:
    """The language's spaces in a finished text: in French a no-break space before : ; ! ? % (catalogue titles
    included, whatever space they were typed with), in Dutch before %."""
    if lang == "fr":
        text = re.sub(r"[ \u202f\u00a0]([:;!?%])", NBSP + r"\1", text)
        return re.sub(r"(?<=[\w)])([;!?])(?=\s)", NBSP + r"\1", text)
    if lang == "nl":
        return re.sub(r"(?<=\d)[ \u202f]%", NBSP + "%", text)
    return text


def colon(lang: str) -> str:
    """": " in en and nl, " : " (no-break space) in fr."""
    return f"{NBSP}: " if lang == "fr" else ": "


def semicolon(lang: str) -> str:
    return f"{NBSP}; " if lang == "fr" else "; "
