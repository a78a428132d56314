"""Key-figure sentences: numbers, ranks, flags and withheld values in Dutch, French and English."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pipeline.errors import CatalogueError
from pipeline.key_figures import SAMPLE_LABELS, format_number, ordinal, render_key_figures

TITLES = {
    "ai_any": ("Enterprises using AI", "Ondernemingen die AI gebruiken", "Entreprises utilisant l'IA"),
    "dii_basic": ("Basic digital intensity", "Basale digitale intensiteit", "Intensité numérique de base"),
}


def row(indicator_id, period, value, *, obs=None, conf=None, prev=(None, np.nan), eu=19.95, rank=5, n=27, geo="BE"):
    en, nl, fr = TITLES[indicator_id]
    return {
        "indicator_id": indicator_id, "title_en": en, "title_nl": nl, "title_fr": fr, "topic": "t",
        "dataset": "isoc_eb_ai", "series_key": f"A.GE10.C10-S951_X_K.X.PC_ENT.{geo}", "geo": geo,
        "time_period": period, "value": value, "obs_status": obs, "conf_status": conf, "unit": "PC_ENT",
        "eu_value": eu, "diff_eu": value - eu, "prev_time_period": prev[0], "prev_value": prev[1],
        "change": value - prev[1], "rank": rank, "n_ranked": n, "eurostat_last_update": "2026-02-27T11:00:00+01:00",
    }


def table(*rows) -> pd.DataFrame:
    df = pd.DataFrame(list(rows))
    for col in ("prev_time_period", "rank", "n_ranked"):
        df[col] = df[col].astype("Int64")
    return df


def render(indicators, headline=("ai_any",), period=2025, is_sample=False, geo="BE"):
    return render_key_figures(indicators, edition=2026, focus_geo=geo, headline_ids=list(headline),
                              reporting_periods={i: period for i in headline}, is_sample=is_sample)


def sentences(indicators, **kw) -> dict[str, str]:
    return render(indicators, **kw)[1]["key_figures"][0]["sentences"]


def test_one_sentence_per_headline_in_each_language_with_value_previous_eu_and_rank():
    indicators = table(
        row("ai_any", 2024, 24.71, rank=9), row("ai_any", 2025, 34.54, prev=(2024, 24.71)),
        row("dii_basic", 2025, 71.0, eu=73.5, rank=12, prev=(2024, 68.25)),
    )
    markdown, data = render(indicators, headline=("ai_any", "dii_basic"))
    assert [f["indicator_id"] for f in data["key_figures"]] == ["ai_any", "dii_basic"]
    ai = data["key_figures"][0]
    assert (ai["period"], ai["value"], ai["eu_value"], ai["rank"], ai["n_ranked"]) == (2025, 34.54, 19.95, 5, 27)
    s = ai["sentences"]
    assert s["en"] == ("Enterprises using AI: in 2025, Belgium recorded 34.54%, compared with 24.71% in 2024. "
                       "The EU27 average was 19.95%. Belgium ranks 5th of 27 EU member states.")
    assert s["nl"] == ("Ondernemingen die AI gebruiken: in 2025 kwam België uit op 34,54%, tegenover 24,71% in 2024. "
                       "Het EU27-gemiddelde bedroeg 19,95%. België staat op de 5de plaats van de 27 EU-lidstaten.")
    assert s["fr"] == ("Entreprises utilisant l'IA : en 2025, la Belgique atteint 34,54 %, contre 24,71 % en 2024. "
                       "La moyenne de l'UE27 s'établit à 19,95 %. La Belgique se classe 5e sur 27 États membres de l'UE.")
    dii = data["key_figures"][1]["sentences"]
    assert "71.00%" in dii["en"] and "68.25%" in dii["en"] and "ranks 12th" in dii["en"]
    assert "71,00%" in dii["nl"] and "73,50%" in dii["nl"] and "12de plaats" in dii["nl"]
    assert "71,00 %" in dii["fr"] and "73,50 %" in dii["fr"] and "se classe 12e" in dii["fr"]
    for lang in ("en", "nl", "fr"):
        assert s[lang] in markdown and dii[lang] in markdown
    json.dumps(data)  # key_figures.json must serialise as is


@pytest.mark.parametrize(
    "flag, words",
    [
        ("b", {"en": "(break in series)", "nl": "(breuk in de reeks)", "fr": "(rupture de série)"}),
        ("p", {"en": "(provisional)", "nl": "(voorlopig)", "fr": "(provisoire)"}),
        ("u", {"en": "(low reliability)", "nl": "(lage betrouwbaarheid)", "fr": "(faible fiabilité)"}),
        ("bu", {"en": "(break in series and low reliability)", "nl": "(breuk in de reeks en lage betrouwbaarheid)",
                "fr": "(rupture de série et faible fiabilité)"}),
    ],
)
def test_flags_are_spelled_out_next_to_the_value(flag, words):
    figure = render(table(row("ai_any", 2025, 34.54, obs=flag)))[1]["key_figures"][0]
    assert figure["flags"] == {"obs_status": flag, "conf_status": None}
    assert f"34.54% {words['en']}" in figure["sentences"]["en"]
    assert f"34,54% {words['nl']}" in figure["sentences"]["nl"]
    assert f"34,54 % {words['fr']}" in figure["sentences"]["fr"]


def test_confidential_value_says_so_without_a_number():
    s = sentences(table(row("ai_any", 2025, np.nan, conf="C", rank=None, n=None)))
    assert s["en"] == ("Enterprises using AI: the 2025 figure for Belgium is confidential and not published. "
                       "The EU27 average was 19.95%.")
    assert "vertrouwelijk en wordt niet gepubliceerd" in s["nl"] and "België" in s["nl"]
    assert "est confidentiel et n'est pas publié" in s["fr"] and "pour la Belgique" in s["fr"]
    assert not any("plaats" in v or "ranks" in v or "classe" in v for v in s.values())


def test_missing_value_or_period_is_not_available():
    absent_period = sentences(table(row("ai_any", 2024, 20.0)))  # no 2025 row at all
    flagged_gap = sentences(table(row("ai_any", 2025, np.nan, obs="u", rank=None, n=None, eu=np.nan)))
    assert absent_period["en"] == "Enterprises using AI: the 2025 figure for Belgium is not available."
    assert flagged_gap["en"] == "Enterprises using AI: the 2025 figure for Belgium is not available (low reliability)."
    assert "is niet beschikbaar (lage betrouwbaarheid)" in flagged_gap["nl"]
    assert "n'est pas disponible (faible fiabilité)" in flagged_gap["fr"]


def test_rank_wording_follows_each_language():
    first = sentences(table(row("ai_any", 2025, 60.0, rank=1)))
    assert "Belgium ranks 1st of 27" in first["en"] and "1ste plaats" in first["nl"]
    assert "La Belgique se classe 1re sur 27" in first["fr"]  # feminine subject
    netherlands = sentences(table(row("ai_any", 2025, 60.0, rank=1, geo="NL")), geo="NL")
    assert "The Netherlands ranks 1st" in netherlands["en"] and "Nederland staat op de 1ste plaats" in netherlands["nl"]
    assert "les Pays-Bas atteignent" in netherlands["fr"] and "Les Pays-Bas se classent 1ers" in netherlands["fr"]
    partial = sentences(table(row("ai_any", 2025, 60.0, rank=3, n=25)))
    assert "ranks 3rd of the 25 EU member states with a published figure" in partial["en"]
    assert "3de plaats van de 25 EU-lidstaten" in partial["nl"] and "3e sur les 25" in partial["fr"]
    assert [ordinal(n, "en") for n in (2, 3, 4, 11, 12, 13, 21, 22, 23)] == [
        "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "23rd"]
    assert [ordinal(n, "nl") for n in (2, 7, 8, 9, 19, 20, 27)] == ["2de", "7de", "8ste", "9de", "19de", "20ste", "27ste"]
    assert [ordinal(1, "fr"), ordinal(1, "fr", feminine=True), ordinal(27, "fr")] == ["1er", "1re", "27e"]


def test_number_formats():
    assert format_number(1234.5, "en") == "1,234.50"
    assert format_number(1234.5, "nl") == "1.234,50"
    assert format_number(1234.5, "fr") == "1\u202f234,50"
    assert format_number(-2.5, "nl") == "-2,50"
    assert format_number(-0.001, "en") == "0.00"


def test_sample_label_in_every_language_only_for_sample_data():
    indicators = table(row("ai_any", 2025, 34.54))
    markdown, data = render(indicators, is_sample=True)
    sections = {part.split(":", 1)[0]: part for part in markdown.split("\n## ")[1:]}
    assert set(sections) == {"Nederlands", "Français", "English"}
    assert SAMPLE_LABELS["nl"] in sections["Nederlands"] and SAMPLE_LABELS["fr"] in sections["Français"]
    assert SAMPLE_LABELS["en"] in sections["English"]
    assert data["source"] == "sample" and data["sample_label"] == SAMPLE_LABELS
    assert SAMPLE_LABELS["en"] == "SYNTHETIC SAMPLE DATA - not Eurostat figures"

    markdown, data = render(indicators, is_sample=False)
    assert not any(label in markdown for label in SAMPLE_LABELS.values()) and "SYNTH" not in markdown
    assert data["source"] == "eurostat" and data["sample_label"] is None


def test_headline_without_any_row_or_period_is_a_catalogue_error():
    indicators = table(row("ai_any", 2025, 34.54))
    with pytest.raises(CatalogueError, match="'dii_basic' has no row"):
        render(indicators, headline=("dii_basic",))
    with pytest.raises(CatalogueError, match="'ai_any' has no reporting period"):
        render_key_figures(indicators, edition=2026, focus_geo="BE", headline_ids=["ai_any"],
                           reporting_periods={}, is_sample=False)
