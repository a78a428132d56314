"""Every catalogue entry against Eurostat's real files: the periods each code exists in are Eurostat's, not ours."""

from __future__ import annotations

import pytest

from pipeline.catalogue import DEFAULT_PATH, load_catalogue
from pipeline.catalogue_check import check, main, read_dataset_files, summary

# Entries (and code versions) a real file holds completely enough to confirm the declared periods.
CONFIRMED = {
    ("ai_any_all_enterprises", ""), ("ai_any_small_enterprises", ""), ("ai_any_medium_enterprises", ""),
    ("ai_any_large_enterprises", ""), ("ai_tech_speech_recognition", ""), ("ai_tech_language_generation", ""),
    ("ai_tech_media_generation", ""), ("ai_purpose_marketing_sales", ""), ("ai_purpose_administration", ""),
    ("ai_purpose_logistics", ""), ("ai_purpose_human_resources", ""), ("ai_barrier_costs", ""),
    ("ai_barrier_data_protection", ""), ("ecommerce_turnover_share", ""),
    ("basic_digital_intensity", "DII v3"), ("basic_digital_intensity", "DII v4"),
    ("basic_digital_intensity_smes", "DII v3"), ("basic_digital_intensity_smes", "DII v4"),
    ("cloud_computing", ""), ("data_analytics", ""),
}


@pytest.fixture(scope="module")
def findings(samples_dir):
    catalogue = load_catalogue()
    return catalogue, check(catalogue, read_dataset_files(samples_dir, catalogue.datasets))


def test_no_real_file_has_a_value_in_a_period_the_catalogue_does_not_assign_to_that_code(findings):
    _, found = findings
    contradicted = [f for f in found if f.verdict == "contradicted"]
    assert contradicted == []
    assert {f.file for f in found} >= {"isoc_e_dii/isoc_e_dii.csv", "isoc_eb_ai/isoc_eb_ai.csv",
                                       "isoc_ec_evals/EXCERPT_isoc_ec_evals_sdmx_E_ETURN_PC_TURN_GE10.csv"}


def test_the_entries_real_files_hold_are_confirmed(findings):
    catalogue, found = findings
    table = summary(catalogue, found)
    confirmed = {(r.indicator_id, r.version) for r in table.itertuples() if r.verdict == "confirmed"}
    assert confirmed == CONFIRMED
    # the whole real isoc_e_dii: E_DI3_GELO in odd years, E_DI4_GELO in even years, for both populations
    dii = [f for f in found if f.file == "isoc_e_dii/isoc_e_dii.csv"]
    assert {(f.indicator_id, f.version, f.present) for f in dii} == {
        (i, "DII v3", (2021, 2023, 2025)) for i in ("basic_digital_intensity", "basic_digital_intensity_smes")
    } | {(i, "DII v4", (2022, 2024)) for i in ("basic_digital_intensity", "basic_digital_intensity_smes")}
    assert all(f.verdict == "confirmed" for f in dii)


def test_a_catalogue_that_contradicts_the_real_data_is_named(samples_dir, tmp_path, capsys):
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace(
        "periods: {from: 2021, to: 2021}   # E_AI_PHR", "periods: {from: 2023}   # E_AI_PHR", 1)
    path = tmp_path / "catalogue.yaml"
    path.write_text(text, encoding="utf-8")
    assert main([str(samples_dir), "--catalogue", str(path)]) == 1
    err = capsys.readouterr().err
    assert "contradicted: ai_purpose_human_resources" in err and "values in (2021,)" in err
