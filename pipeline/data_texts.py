"""The pipeline's own English data texts (missing_reason, comparability_note) in Dutch and French.

The release stores them in English, one language for the table; the documents and paragraphs
say them in the reader's language. Each pattern is one sentence shape that pipeline/coverage.py
or pipeline/indicators.py writes; a text no pattern matches stays English rather than guessed.
"""

from __future__ import annotations

import re

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


_NOTES = (  # comparability_note parts (pipeline/indicators.py) -> nl, fr
    (r"(\d{4}) was measured with (.+), not comparable with (.+); change against (\d{4})",
     "\\1 werd gemeten met \\2, niet vergelijkbaar met \\3; verandering tegenover \\4",
     "\\1 a été mesuré avec \\2, non comparable avec \\3 ; évolution par rapport à \\4"),
    (r"(\d{4}) was measured with (.+), not comparable with (.+); no earlier comparable period",
     "\\1 werd gemeten met \\2, niet vergelijkbaar met \\3; geen eerdere vergelijkbare periode",
     "\\1 a été mesuré avec \\2, non comparable avec \\3 ; pas de période antérieure comparable"),
    (r"break in series in (\d{4}) \(Eurostat flag b\): compare with earlier years with care",
     "breuk in de reeks in \\1 (Eurostat-vlag b): vergelijk voorzichtig met eerdere jaren",
     "rupture de série en \\1 (indicateur b d'Eurostat) : comparer avec prudence aux années antérieures"),
)


def note_in(note: str, lang: str) -> str:
    """A comparability_note in the language of the text, part by part ("; " joins a version note and a break)."""
    if lang == "en":
        return note
    parts = re.split(r"; (?=break in series)", note)
    out = []
    for part in parts:
        for pattern, nl, fr in _NOTES:
            if re.fullmatch(pattern, part):
                part = re.sub(pattern, nl if lang == "nl" else fr, part)
                break
        out.append(part)
    return (" ; " if lang == "fr" else "; ").join(out)
