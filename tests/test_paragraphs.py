"""Topic paragraphs from the data: orderings, contrasts, the EU and the target, each backed by its figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.catalogue import load_catalogue
from pipeline.paragraphs import reason_in, topic_statements

CAT = load_catalogue()


def _table(values: dict[str, float | None], geo="BE", period=2025, flags=None, reasons=None):
    rows = []
    for indicator_id, value in values.items():
        spec = CAT.by_id[indicator_id]
        rows.append({"indicator_id": indicator_id, "geo": geo, "time_period": CAT.reporting_period(spec, 2026),
                     "value": np.nan if value is None else value, "obs_status": (flags or {}).get(indicator_id),
                     "eu_value": 20.0, "rank": 4, "n_ranked": 27, "missing_reason": (reasons or {}).get(indicator_id)})
    return pd.DataFrame(rows)


def _texts(table, topic, lang="en"):
    return [s.text for s in topic_statements(table, CAT, edition=2026, geo="BE", topic=topic, lang=lang)]


def test_the_most_used_technologies_in_order_with_the_figures_quoted():
    # the 2026 Belgian overview: text analysis, content generation, machine learning, workflow automation
    table = _table({"ai_tech_text_mining": 18.2, "ai_tech_language_generation": 15.86, "ai_tech_machine_learning": 9.1,
                    "ai_tech_workflow_automation": 8.4, "ai_tech_speech_recognition": 7.0, "ai_tech_autonomous_machines": 1.2})
    statements = topic_statements(table, CAT, edition=2026, geo="BE", topic="ai_technologies", lang="en")
    order = [s for s in statements if s.text.startswith("Most frequent first")][0]
    assert order.text == ("Most frequent first: text analysis (18.20%), written or spoken content generation (15.86%), "
                          "machine learning (9.10%) and workflow automation (8.40%).")
    assert [f["indicator_id"] for f in order.figures] == ["ai_tech_text_mining", "ai_tech_language_generation",
                                                          "ai_tech_machine_learning", "ai_tech_workflow_automation"]


def test_the_main_barrier_a_tie_said_as_a_tie_and_a_flag_kept():
    table = _table({"ai_barrier_expertise": 70.3, "ai_barrier_costs": 40.0, "ai_barrier_data_protection": 40.0,
                    "ai_barrier_ethics": 12.0}, flags={"ai_barrier_ethics": "u"})
    (order,) = [t for t in _texts(table, "ai_barriers") if t.startswith("Most frequent")]
    assert order.startswith("Most frequent first: the lack of relevant expertise (70.30%), the costs and data protection "
                            "and privacy concerns (each 40.00%)")
    assert "ethical considerations (12.00% (low reliability))" in order


def test_size_and_education_contrasts_are_said_with_both_figures():
    table = _table({"ai_any_all_enterprises": 34.54, "ai_any_small_enterprises": 28.82,
                    "ai_any_medium_enterprises": 48.3, "ai_any_large_enterprises": 76.41})
    assert "76.41% of large enterprises against 28.82% of small enterprises: a gap of 47.59 points." in _texts(table, "ai_enterprises")
    table = _table({"bought_online_12m": 80.0, "bought_online_12m_high_education": 89.6,
                    "bought_online_12m_low_education": 52.3, "bought_online_12m_aged_16_24": 90.0,
                    "bought_online_12m_aged_55_74": 61.0})
    fr = _texts(table, "online_purchases", "fr")
    assert "89,60\u00a0% des personnes très instruites contre 52,30\u00a0% des personnes peu instruites : un écart de 37,30 points." in fr
    assert any(t.startswith("90,00\u00a0% des 16-24 ans contre 61,00\u00a0% des 55-74 ans") for t in fr)


def test_an_item_without_a_value_is_named_with_its_reason_in_the_language():
    table = _table({"ai_purpose_marketing_sales": 26.39, "ai_purpose_administration": 39.6,
                    "ai_purpose_human_resources": None}, reasons={"ai_purpose_human_resources": "last surveyed in 2021"})
    assert "Geen cijfer voor 2025 voor personeelsbeheer (laatst bevraagd in 2021)." in _texts(table, "ai_purposes", "nl")
    assert reason_in("not available (flag u: low reliability)", "fr") == "non disponible"


def test_no_contrast_or_ordering_is_made_from_a_single_figure():
    table = _table({"ai_tech_text_mining": 18.2})
    assert not any(t.startswith("Most frequent") for t in _texts(table, "ai_technologies"))
    table = _table({"ai_any_all_enterprises": 34.54, "ai_any_large_enterprises": 76.41})
    assert not [t for t in _texts(table, "ai_enterprises") if "gap of" in t]
