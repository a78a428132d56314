"""Every English data text the pipeline writes (missing reasons, comparability notes) is said in Dutch and French."""

from __future__ import annotations

import pytest

from pipeline.catalogue import load_catalogue
from pipeline.data_texts import note_in, reason_in
from tests.helpers.frames import sample_indicators

ENGLISH = ("measured with", "not comparable", "change against", "break in series", "surveyed", "published",
           "not available", "confidential", "compare with", "earlier")


@pytest.fixture(scope="module")
def texts(tmp_path_factory):
    _, table = sample_indicators(tmp_path_factory.mktemp("texts"), load_catalogue())
    notes = sorted(set(table["comparability_note"].dropna()))
    reasons = sorted(set(table["missing_reason"].dropna()))
    assert notes and reasons  # the sample has version changes, breaks and gaps to say
    return notes, reasons


@pytest.mark.parametrize("lang", ["nl", "fr"])
def test_every_comparability_note_and_missing_reason_is_translated(texts, lang):
    notes, reasons = texts
    for text in [note_in(n, lang) for n in notes] + [reason_in(r, lang) for r in reasons]:
        assert not any(word in text for word in ENGLISH), text


def test_a_version_change_and_a_break_keep_their_years_and_versions():
    note = ("2024 was measured with DII v4, not comparable with DII v3; change against 2023; "
            "break in series in 2025 (Eurostat flag b): compare with earlier years with care")
    assert note_in(note, "nl") == ("2024 werd gemeten met DII v4, niet vergelijkbaar met DII v3; verandering "
                                   "tegenover 2023; breuk in de reeks in 2025 (Eurostat-vlag b): vergelijk "
                                   "voorzichtig met eerdere jaren")
    assert note_in(note, "fr").startswith("2024 a été mesuré avec DII v4, non comparable avec DII v3 ; évolution "
                                          "par rapport à 2023 ; rupture de série en 2025")
    assert note_in(note, "en") == note
    assert note_in("a note no pattern knows", "fr") == "a note no pattern knows"  # English, never guessed
