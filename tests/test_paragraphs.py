"""Topic paragraphs from the data: orderings, contrasts, the EU and the target, each backed by its figures."""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.catalogue import load_catalogue
from pipeline.data_texts import reason_in
from pipeline.paragraphs import topic_statements

CAT = load_catalogue()


NBSP = "\u00a0"


def _table(values: dict[str, float | None], geo="BE", period=2025, flags=None, reasons=None, conf=None):
    rows = []
    for indicator_id, value in values.items():
        spec = CAT.by_id[indicator_id]
        rows.append({"indicator_id": indicator_id, "geo": geo, "time_period": CAT.reporting_period(spec, 2026),
                     "reference_period": CAT.reporting_period(spec, 2026),
                     "value": np.nan if value is None else value, "obs_status": (flags or {}).get(indicator_id),
                     "conf_status": (conf or {}).get(indicator_id), "eu_value": 20.0, "rank": 4, "n_ranked": 27,
                     "prev_value": np.nan, "prev_time_period": None,
                     "missing_reason": (reasons or {}).get(indicator_id)})
    return pd.DataFrame(rows)


def _texts(table, topic, lang="en", **kw):
    return [s.text for s in topic_statements(table, CAT, edition=2026, geo="BE", topic=topic, lang=lang, **kw)]


def test_the_most_used_technologies_in_order_with_the_figures_quoted():
    # the 2026 Belgian overview: text analysis, content generation, machine learning, workflow automation
    table = _table({"ai_tech_text_mining": 18.2, "ai_tech_language_generation": 15.86, "ai_tech_machine_learning": 9.1,
                    "ai_tech_workflow_automation": 8.4, "ai_tech_speech_recognition": 7.0, "ai_tech_autonomous_machines": 1.2})
    statements = topic_statements(table, CAT, edition=2026, geo="BE", topic="ai_technologies", lang="en")
    order = [s for s in statements if s.text.startswith("The most used")][0]
    assert order.text == ("The most used AI technologies are text analysis (18.20%), written or spoken content "
                          "generation (15.86%), machine learning (9.10%) and workflow automation (8.40%).")
    assert [f["indicator_id"] for f in order.figures] == ["ai_tech_text_mining", "ai_tech_language_generation",
                                                          "ai_tech_machine_learning", "ai_tech_workflow_automation"]
    (fr,) = [t for t in _texts(table, "ai_technologies", "fr") if t.startswith("Les technologies")]
    assert fr.startswith(f"Les technologies d'IA les plus utilisées sont l'analyse de texte (18,20{NBSP}%), ")


def test_the_main_barrier_a_tie_said_as_a_tie_and_a_flag_kept():
    table = _table({"ai_barrier_expertise": 70.3, "ai_barrier_costs": 40.0, "ai_barrier_data_protection": 40.0,
                    "ai_barrier_ethics": 12.0}, flags={"ai_barrier_ethics": "u"})
    (order,) = [t for t in _texts(table, "ai_barriers") if t.startswith("The main")]
    assert order.startswith("The main obstacle is the lack of relevant expertise (70.30%), followed by the costs and "
                            "data protection and privacy concerns (each 40.00%)")
    assert "ethical considerations (12.00% (low reliability))" in order
    (nl,) = [t for t in _texts(table, "ai_barriers", "nl") if t.startswith("Het belangrijkste")]
    assert nl.startswith(f"Het belangrijkste obstakel is het gebrek aan relevante expertise (70,30{NBSP}%), gevolgd door")


def test_values_equal_at_the_publication_rounding_are_not_ordered():
    table = _table({"ai_barrier_expertise": 40.004, "ai_barrier_costs": 39.996, "ai_barrier_ethics": 12.0})
    (order,) = [t for t in _texts(table, "ai_barriers") if t.startswith("The main")]
    assert order.startswith("The main obstacles are the lack of relevant expertise and the costs (each 40.00%), "
                            "followed by ethical considerations (12.00%)")
    (apart,) = [t for t in _texts(table, "ai_barriers", decimals=3) if t.startswith("The main")]
    assert apart.startswith("The main obstacle is the lack of relevant expertise (40.004%), followed by the costs (39.996%)")
    tie = _table({"ai_any_all_enterprises": 34.54, "ai_any_small_enterprises": 30.001, "ai_any_large_enterprises": 29.999})
    assert not [t for t in _texts(tie, "ai_enterprises") if "gap of" in t]


def test_size_and_education_contrasts_are_said_with_both_figures():
    table = _table({"ai_any_all_enterprises": 34.54, "ai_any_small_enterprises": 28.82,
                    "ai_any_medium_enterprises": 48.3, "ai_any_large_enterprises": 76.41})
    assert ("76.41% of large enterprises against 28.82% of small enterprises, a gap of 47.59 percentage points."
            in _texts(table, "ai_enterprises"))
    table = _table({"bought_online_12m": 80.0, "bought_online_12m_high_education": 89.6,
                    "bought_online_12m_low_education": 52.3, "bought_online_12m_aged_16_24": 90.0,
                    "bought_online_12m_aged_55_74": 61.0})
    fr = _texts(table, "online_purchases", "fr")
    assert (f"89,60{NBSP}% des personnes très instruites contre 52,30{NBSP}% des personnes peu instruites, soit un "
            f"écart de 37,30 points de pourcentage.") in fr
    assert any(t.startswith(f"90,00{NBSP}% des 16-24 ans contre 61,00{NBSP}% des 55-74 ans") for t in fr)
    assert any("een verschil van 37,30 procentpunt." in t for t in _texts(table, "online_purchases", "nl"))


def test_the_member_against_the_eu_and_its_neighbours():
    table = _table({"ai_any_all_enterprises": 34.54})
    values = {("ai_any_all_enterprises", 2025, g): v for g, v in
              {"NL": 40.1, "FR": 18.0, "DE": 34.541, "LU": None}.items()}
    texts = _texts(table, "ai_enterprises", neighbours=("NL", "FR", "DE", "LU"), values=values)
    assert texts[0] == ("Enterprises using at least one AI technology (% of enterprises): Belgium 34.54%. "
                        "Belgium is 14.54 percentage points above the EU27 average (20.00%), 4th of 27 member states.")
    assert texts[1] == ("Among its neighbours, Belgium (34.54%) is below the Netherlands (40.10%), level with Germany "
                        "(34.54%) and above France (18.00%); no figure for Luxembourg.")
    fr = _texts(table, "ai_enterprises", "fr", neighbours=("NL", "FR", "DE", "LU"), values=values)[1]
    assert fr == (f"Parmi ses voisins, la Belgique (34,54{NBSP}%) se situe en dessous des Pays-Bas (40,10{NBSP}%), "
                  f"au même niveau que l'Allemagne (34,54{NBSP}%) et au-dessus de la France (18,00{NBSP}%){NBSP}; "
                  f"pas de chiffre pour le Luxembourg.")


def test_the_neighbours_sentence_joins_its_groups_whatever_their_sizes():
    table = _table({"ai_any_all_enterprises": 10.0})
    peers = ("NL", "FR", "DE", "LU")
    lowest = {("ai_any_all_enterprises", 2025, g): v for g, v in zip(peers, (40.0, 30.0, 20.0, 15.0))}
    assert _texts(table, "ai_enterprises", neighbours=peers, values=lowest)[1] == (
        "Among its neighbours, Belgium (10.00%) is below the Netherlands (40.00%), France (30.00%), Germany (20.00%) "
        "and Luxembourg (15.00%).")
    mixed = {("ai_any_all_enterprises", 2025, g): v for g, v in zip(peers, (40.0, 30.0, 5.0, 1.0))}
    assert _texts(table, "ai_enterprises", "nl", neighbours=peers, values=mixed)[1] == (
        f"Onder de buurlanden ligt België (10,00{NBSP}%) lager dan Nederland (40,00{NBSP}%) en Frankrijk "
        f"(30,00{NBSP}%), en hoger dan Duitsland (5,00{NBSP}%) en Luxemburg (1,00{NBSP}%).")


def test_an_item_without_a_value_is_named_with_its_reason_in_the_language():
    table = _table({"ai_purpose_marketing_sales": 26.39, "ai_purpose_administration": 39.6,
                    "ai_purpose_human_resources": None}, reasons={"ai_purpose_human_resources": "last surveyed in 2021"})
    assert "Geen cijfer voor 2025 voor personeelsbeheer (laatst bevraagd in 2021)." in _texts(table, "ai_purposes", "nl")
    assert reason_in("not available (flag u: low reliability)", "fr") == "non disponible"


def test_a_confidential_item_is_said_to_be_confidential_and_left_out_of_the_order():
    table = _table({"ai_purpose_marketing_sales": 26.39, "ai_purpose_administration": 39.6,
                    "ai_purpose_logistics": 12.0, "ai_purpose_finance": None}, conf={"ai_purpose_finance": "C"})
    texts = _texts(table, "ai_purposes")
    assert "The 2025 figure for accounting, controlling or finance is confidential." in texts
    assert not any("accounting" in t for t in texts if t.startswith("AI is used most"))


def test_no_contrast_or_ordering_is_made_from_a_single_figure():
    table = _table({"ai_tech_text_mining": 18.2})
    assert not any(t.startswith("The most used") for t in _texts(table, "ai_technologies"))
    table = _table({"ai_any_all_enterprises": 34.54, "ai_any_large_enterprises": 76.41})
    assert not [t for t in _texts(table, "ai_enterprises") if "gap of" in t]


def test_a_confidential_or_missing_lead_figure_is_said_as_such_and_nothing_is_compared():
    table = _table({"ai_any_all_enterprises": None, "ai_any_small_enterprises": 28.82},
                   conf={"ai_any_all_enterprises": "C"})
    texts = _texts(table, "ai_enterprises", neighbours=("NL",), values={("ai_any_all_enterprises", 2025, "NL"): 30.0})
    assert texts[0] == ("Enterprises using at least one AI technology (% of enterprises): the 2025 figure for Belgium "
                        "is confidential.")
    assert not any("EU27" in t or "neighbours" in t for t in texts)
    table = _table({"ai_any_all_enterprises": None}, reasons={"ai_any_all_enterprises": "last surveyed in 2021"})
    assert _texts(table, "ai_enterprises", "fr")[0].endswith(
        "\u00a0: pas de chiffre 2025 pour la Belgique (dernière enquête en 2021).")


def test_the_main_obstacle_remains_only_when_it_came_first_alone_in_the_previous_survey_too():
    now = {"ai_barrier_expertise": 70.5, "ai_barrier_costs": 35.52, "ai_barrier_ethics": 12.0}

    def with_previous(before):
        table = _table(now)
        table["prev_time_period"] = 2024
        earlier = _table(before).assign(time_period=2024)
        return pd.concat([table, earlier], ignore_index=True)

    statements = topic_statements(with_previous({"ai_barrier_expertise": 60.0, "ai_barrier_costs": 40.0,
                                                 "ai_barrier_ethics": 10.0}),
                                  CAT, edition=2026, geo="BE", topic="ai_barriers", lang="en")
    (order,) = [s for s in statements if s.text.startswith("The main")]
    assert order.text.startswith("The main obstacle remains the lack of relevant expertise (70.50%), followed by")
    assert {(f["indicator_id"], f["time_period"]) for f in order.figures} >= {("ai_barrier_expertise", 2024),
                                                                             ("ai_barrier_costs", 2024)}
    for before in ({"ai_barrier_expertise": 40.0, "ai_barrier_costs": 60.0, "ai_barrier_ethics": 10.0},  # another first
                   {"ai_barrier_expertise": 50.0, "ai_barrier_costs": 50.0, "ai_barrier_ethics": 10.0},  # a tie
                   {"ai_barrier_expertise": 60.0, "ai_barrier_costs": 40.0, "ai_barrier_ethics": None}):  # incomplete
        texts = _texts(with_previous(before), "ai_barriers")
        assert any(t.startswith("The main obstacle is the lack of relevant expertise") for t in texts), before
    fr = _texts(with_previous({"ai_barrier_expertise": 60.0, "ai_barrier_costs": 40.0, "ai_barrier_ethics": 10.0}),
                "ai_barriers", "fr")
    assert any(t.startswith("Le principal obstacle reste le manque d'expertise (70,50\u00a0%)") for t in fr)
