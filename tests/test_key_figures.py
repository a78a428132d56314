"""Key-figure sentences: numbers, ranks, flags and withheld values in Dutch, French and English."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from pipeline.errors import CatalogueError
from pipeline.key_figures import SAMPLE_LABELS, ordinal, render_key_figures
from pipeline.numbers import NBSP, format_number, typeset

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


def render(indicators, headline=("ai_any",), period=2025, is_sample=False, geo="BE", **kw):
    return render_key_figures(indicators, edition=2026, focus_geo=geo, headline_ids=list(headline),
                              reporting_periods={i: period for i in headline}, is_sample=is_sample, **kw)


def sentences(indicators, **kw) -> dict[str, str]:
    return render(indicators, **kw)["key_figures"][0]["sentences"]


def test_one_sentence_per_headline_in_each_language_with_value_previous_eu_and_rank():
    indicators = table(
        row("ai_any", 2024, 24.71, rank=9), row("ai_any", 2025, 34.54, prev=(2024, 24.71)),
        row("dii_basic", 2025, 71.0, eu=73.5, rank=12, prev=(2024, 68.25)),
    )
    data = render(indicators, headline=("ai_any", "dii_basic"))
    assert [f["indicator_id"] for f in data["key_figures"]] == ["ai_any", "dii_basic"]
    ai = data["key_figures"][0]
    assert (ai["period"], ai["value"], ai["eu_value"], ai["rank"], ai["n_ranked"]) == (2025, 34.54, 19.95, 5, 27)
    s = ai["sentences"]
    # changes and the distance to the EU in percentage points; a no-break space before "%" in nl and fr
    assert s["en"] == ("Enterprises using AI: in 2025, Belgium recorded 34.54%, up 9.83 percentage points from 2024 "
                       "(24.71%). Belgium is 14.59 percentage points above the EU27 average (19.95%). "
                       "Belgium ranks 5th of 27 EU member states.")
    assert s["nl"] == (f"Ondernemingen die AI gebruiken: in 2025 kwam België uit op 34,54{NBSP}%, 9,83 procentpunt meer "
                       f"dan in 2024 (24,71{NBSP}%). België zit 14,59 procentpunt boven het EU27-gemiddelde "
                       f"(19,95{NBSP}%). België staat op de 5de plaats van de 27 EU-lidstaten.")
    assert s["fr"] == (f"Entreprises utilisant l'IA{NBSP}: en 2025, la Belgique atteint 34,54{NBSP}%, soit 9,83 points "
                       f"de pourcentage de plus qu'en 2024 (24,71{NBSP}%). La Belgique se situe 14,59 points de "
                       f"pourcentage au-dessus de la moyenne de l'UE27 (19,95{NBSP}%). La Belgique se classe 5e sur "
                       f"27 États membres de l'UE.")
    dii = data["key_figures"][1]["sentences"]
    assert "71.00%, up 2.75 percentage points from 2024 (68.25%)" in dii["en"] and "ranks 12th" in dii["en"]
    assert "2.50 percentage points below the EU27 average (73.50%)" in dii["en"]
    assert f"71,00{NBSP}%" in dii["nl"] and f"73,50{NBSP}%" in dii["nl"] and "12de plaats" in dii["nl"]
    assert f"71,00{NBSP}%" in dii["fr"] and f"73,50{NBSP}%" in dii["fr"] and "se classe 12e" in dii["fr"]
    assert (ai["value"], ai["prev_value"]) == (34.54, 24.71)  # the JSON keeps the numbers as Eurostat gave them
    json.dumps(data)  # key_figures.json must serialise as is


def test_the_publication_rounding_is_a_setting_and_ties_at_it_are_said_as_ties():
    indicators = table(row("ai_any", 2025, 34.5449, prev=(2024, 34.5412), eu=19.9549, rank=4))
    data = render(indicators, decimals=1)
    s = data["key_figures"][0]["sentences"]
    assert s["en"] == ("Enterprises using AI: in 2025, Belgium recorded 34.5%, unchanged from 2024 (34.5%). "
                       "Belgium is 14.5 percentage points above the EU27 average (20.0%). "
                       "Belgium ranks 4th of 27 EU member states.")
    assert f"34,5{NBSP}%, evenveel als in 2024" in s["nl"] and f"comme en 2024 (34,5{NBSP}%)" in s["fr"]
    assert data["decimals"] == 1 and data["key_figures"][0]["value"] == 34.5449  # unrounded in the JSON
    assert data["key_figures"][0]["printed"]["fr"] == {"value": f"34,5{NBSP}%", "eu_value": f"20,0{NBSP}%",
                                                       "prev_value": f"34,5{NBSP}%"}
    none = render(indicators, decimals=0)["key_figures"][0]["sentences"]["en"]
    assert "recorded 35%" in none and "15 percentage points above the EU27 average (20%)" in none
    one = render(table(row("ai_any", 2025, 21.0, eu=20.0, rank=4)))["key_figures"][0]["sentences"]
    assert "1.00 percentage point above" in one["en"] and "1,00 point de pourcentage au-dessus" in one["fr"]


def test_where_rank_1_is_the_lowest_share_the_rank_says_so():
    indicators = table(row("ai_any", 2025, 37.55, rank=14))
    s = render(indicators, lower_first={"ai_any"})["key_figures"][0]
    assert s["lower_is_better"] is True
    assert "Belgium ranks 14th of 27 EU member states (1 = the lowest share, the best here)." in s["sentences"]["en"]
    assert "14de plaats van de 27 EU-lidstaten (1 = het laagste aandeel, hier het best)." in s["sentences"]["nl"]
    assert "14e sur 27 États membres de l'UE (1 = la part la plus faible, ici la meilleure)." in s["sentences"]["fr"]
    assert "the best here" not in sentences(indicators)["en"]


def test_french_spaces_follow_one_rule():
    # catalogue titles are typed with plain spaces; the published text has a no-break space before : ; % ? !
    assert typeset("Chiffre d'affaires (% du total ; ventes) : 20 % ?", "fr") == \
        f"Chiffre d'affaires (% du total{NBSP}; ventes){NBSP}: 20{NBSP}%{NBSP}?"
    assert typeset("compris; la France", "fr") == f"compris{NBSP}; la France"
    assert typeset("34,54 % (2026-02-27T11:00)", "nl") == f"34,54{NBSP}% (2026-02-27T11:00)"
    assert typeset("34.54% : x", "en") == "34.54% : x"


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
    figure = render(table(row("ai_any", 2025, 34.54, obs=flag)))["key_figures"][0]
    assert figure["flags"] == {"obs_status": flag, "conf_status": None}
    assert f"34.54% {words['en']}" in figure["sentences"]["en"]
    assert f"34,54{NBSP}% {words['nl']}" in figure["sentences"]["nl"]
    assert f"34,54{NBSP}% {words['fr']}" in figure["sentences"]["fr"]


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
    assert format_number(1234.5, "fr") == "1\u00a0234,50"  # the same no-break space as before "%"
    assert format_number(34.545, "en", 1) == "34.5" and format_number(1234.5, "nl", 0) == "1.234"
    assert format_number(-2.5, "nl") == "-2,50"
    assert format_number(-0.001, "en") == "0.00"


def test_sample_label_in_every_language_only_for_sample_data():
    indicators = table(row("ai_any", 2025, 34.54))
    data = render(indicators, is_sample=True)
    assert data["source"] == "sample" and data["sample_label"] == SAMPLE_LABELS
    assert SAMPLE_LABELS["en"] == "SYNTHETIC SAMPLE DATA - not Eurostat figures"
    data = render(indicators, is_sample=False)
    assert data["source"] == "eurostat" and data["sample_label"] is None


def test_headline_without_any_row_or_period_is_a_catalogue_error():
    indicators = table(row("ai_any", 2025, 34.54))
    with pytest.raises(CatalogueError, match="'dii_basic' has no row"):
        render(indicators, headline=("dii_basic",))
    with pytest.raises(CatalogueError, match="'ai_any' has no reporting period"):
        render_key_figures(indicators, edition=2026, focus_geo="BE", headline_ids=["ai_any"],
                           reporting_periods={}, is_sample=False)
