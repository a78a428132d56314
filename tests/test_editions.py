"""Editions: a past edition's release says it was built from today's data; a failed blocking check keeps `latest`."""

from __future__ import annotations

import gzip
from datetime import date

import pandas as pd
import pytest

from pipeline.catalogue import DEFAULT_PATH, load_catalogue
from pipeline.errors import CatalogueError
from pipeline.indicators import missing_headline_values
from pipeline.release import presentation_from_catalogue, vintage_note
from tests.helpers.graph import EDITION, run_graph, sample_files, serve

CATALOGUE = load_catalogue()


def _inputs(retrieved: str, updated: str) -> dict[str, dict]:
    return {code: {"retrieved_at": retrieved, "eurostat_last_update": updated} for code in ("isoc_eb_ai", "isoc_e_dii")}


def test_a_past_edition_built_today_carries_a_note_and_the_current_one_none():
    note = vintage_note(2025, _inputs("2026-11-30T23:15:00+00:00", "2026-02-27"))
    assert note.startswith("past edition: edition 2025 built from the data Eurostat served on 2026-11-30")
    assert "last updates 2026-02-27" in note and "revisions" in note
    assert vintage_note(2026, _inputs("2026-11-30T23:15:00+00:00", "2026-02-27")) is None
    assert vintage_note(2025, _inputs("2025-12-01T10:00:00+00:00", "2025-11-28")) is None
    mixed = {"isoc_eb_ai": {"retrieved_at": "2027-01-02T00:00:00Z", "eurostat_last_update": "2026-12-15"},
             "isoc_e_dii": {"retrieved_at": "2026-12-30T00:00:00Z", "eurostat_last_update": "2026-02-27"}}
    assert "served on 2027-01-02 (last updates 2026-02-27 to 2026-12-15)" in vintage_note(2026, mixed)


def test_a_series_first_surveyed_in_2025_is_no_headline_of_edition_2025():
    genai = CATALOGUE.by_id["genai_any_purpose"]
    assert genai.periods.first == 2025 and genai.headline
    assert not genai.surveyed(2024) and genai.surveyed(2025)
    assert "genai_any_purpose" not in presentation_from_catalogue(CATALOGUE, 2025).headline_ids
    assert "genai_any_purpose" in presentation_from_catalogue(CATALOGUE, 2026).headline_ids
    empty = pd.DataFrame(columns=["indicator_id", "geo", "time_period", "value", "obs_status", "conf_status"])
    assert "genai_any_purpose" not in set(missing_headline_values(empty, CATALOGUE, 2025)["indicator_id"])
    assert "genai_any_purpose" in set(missing_headline_values(empty, CATALOGUE, 2026)["indicator_id"])


@pytest.mark.parametrize("rule, words", [
    ("{from: soon}", "periods.from"), ("{from: 2025, to: 2021}", "'from' 2025 is after 'to' 2021"),
    ("{step: 2}", "'step' needs 'from'"), ("{from: 1890}", "periods.from"), ("{since: 2025}", "periods.since"),
])
def test_a_bad_period_rule_is_refused_with_its_place(tmp_path, rule, words):
    text = DEFAULT_PATH.read_text(encoding="utf-8")
    broken = tmp_path / "catalogue.yaml"
    broken.write_text(text.replace("periods: {from: 2025}             # isoc_ai_iaiu", f"periods: {rule}  #", 1))
    with pytest.raises(CatalogueError, match="indicator 'genai_any_purpose'") as caught:
        load_catalogue(broken)
    assert words in str(caught.value)


# ------------------------------------------------------------------------- blocking asset check


def _run(files: dict[str, bytes], data_dir):
    with serve(files) as server:
        return run_graph(server, data_dir, retries=1)


@pytest.mark.integration
def test_a_missing_headline_value_fails_the_blocking_check_and_keeps_the_previous_release(tmp_path):
    assert _run(sample_files(tmp_path / "m1", date(2026, 2, 27)), tmp_path / "data").success
    latest = tmp_path / "data" / "releases" / str(EDITION) / "latest.json"
    before = latest.read_bytes()

    # Eurostat updates isoc_eb_ai without Belgium's 2025 headline figure (values are valid: the
    # observations schema passes; only the indicators' blocking check can catch it).
    later = sample_files(tmp_path / "m2", date(2026, 6, 15))
    text = gzip.decompress(later["isoc_eb_ai"]).decode()
    lines = text.split("\r\n")
    kept = [l for l in lines if not (",GE10,C10-S951_X_K,E_AI_TANY,PC_ENT,BE,2025," in l)]
    assert len(kept) == len(lines) - 1
    later["isoc_eb_ai"] = gzip.compress("\r\n".join(kept).encode(), mtime=0)
    result = _run(later, tmp_path / "data")

    assert not result.success
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert [e.step_key for e in failures] == ["indicators"]
    assert "headline_values_present" in failures[0].event_specific_data.error.message
    (check,) = [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"
                and e.event_specific_data.check_name == "headline_values_present"]
    assert not check.passed and check.blocking
    details = check.metadata["details"].value
    assert "| ai_any_all_enterprises | BE | 2025 | not published for BE in 2025 |" in details
    assert details.count("\n") == 2  # one row
    materialised = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
    assert {"raw/isoc_eb_ai", "observations/isoc_eb_ai", "indicators"} <= materialised
    assert "release" not in materialised
    assert latest.read_bytes() == before
