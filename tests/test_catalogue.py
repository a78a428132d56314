"""The indicator catalogue: the packaged file covers the overview, bad entries are refused clearly."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from pipeline.catalogue import DEFAULT_PATH, load_catalogue
from pipeline.series import resolve_catalogue
from pipeline.errors import CatalogueError
from pipeline.indicators import compute_indicators
from tests.helpers.frames import observation_table

ENT = {"freq": "A", "size_emp": "GE10", "nace_r2": "C10-S951_X_K"}
IND = {"freq": "A", "ind_type": "IND_TOTAL"}


def _overview_series():
    """Every series the overview must show, as (dataset, series) pairs (from the task brief)."""
    ai = "isoc_eb_ai"
    out = [(ai, {**ENT, "size_emp": s, "indic_is": "E_AI_TANY", "unit": "PC_ENT"})
           for s in ("GE10", "10-49", "50-249", "GE250")]
    out += [(ai, {**ENT, "indic_is": c, "unit": "PC_ENT"}) for c in
            ("E_AI_TTM", "E_AI_TNLG", "E_AI_TML", "E_AI_TPA", "E_AI_TSR", "E_AI_TIR", "E_AI_TAR", "E_AI_TPVSG")]
    out += [(ai, {**ENT, "indic_is": c, "unit": "PC_ENT_AI_TANY"}) for c in
            ("E_AI_PBAM", "E_AI_PFIN", "E_AI_PMS", "E_AI_PPP", "E_AI_PLOG", "E_AI_PITS", "E_AI_PHR", "E_AI_PRDI")]
    out += [(ai, {**ENT, "indic_is": c, "unit": "PC_ENT_AI_EC"}) for c in
            ("E_AI_BLE", "E_AI_BLEG", "E_AI_BCDP", "E_AI_BCST", "E_AI_BINC", "E_AI_BDDT", "E_AI_BEC", "E_AI_BNU")]
    out += [("isoc_ai_iaiu", {**IND, "indic_is": c, "unit": "PC_IND"})
            for c in ("I_IUAI", "I_IUAIPR", "I_IUAIWP", "I_IUAIFE")]
    out += [("isoc_ec_ib20", {**IND, "ind_type": t, "indic_is": "I_BLT12", "unit": "PC_IND"})
            for t in ("IND_TOTAL", "I0_2", "I5_8", "Y16_24", "Y25_54", "Y55_74")]
    out += [("isoc_ec_ibgs", {**IND, "indic_is": c, "unit": "PC_IND"})
            for c in ("I_BPHG", "I_BCS2", "I_BFLMS2", "I_BTICK2")]
    out += [("isoc_ec_iprb21", {**IND, "indic_is": c, "unit": "PC_IND_BUY3"})
            for c in ("I_BARR2Y", "I_BSPD1", "I_BTFW1")]
    out += [("isoc_ec_evals", {**ENT, "indic_is": "E_ETURN", "unit": "PC_TURN"}),
            ("isoc_ec_evals", {**ENT, "indic_is": "E_AXSVAL", "unit": "PC_ETURN"}),
            ("isoc_e_dii", {**ENT, "indic_is": "E_DI4_GELO", "unit": "PC_ENT"}),
            ("isoc_e_dii", {**ENT, "indic_is": "E_DI3_GELO", "unit": "PC_ENT"}),
            ("isoc_e_dii", {**ENT, "size_emp": "10-249", "indic_is": "E_DI4_GELO", "unit": "PC_ENT"}),
            ("isoc_e_dii", {**ENT, "size_emp": "10-249", "indic_is": "E_DI3_GELO", "unit": "PC_ENT"})]
    # the Digital Decade KPIs (Decision (EU) 2022/2481, Art. 4(1))
    out += [("isoc_cicce_use", {**ENT, "indic_is": "E_CC", "unit": "PC_ENT"}),
            ("isoc_eb_das", {**ENT, "indic_is": "E_DA", "unit": "PC_ENT"}),
            ("isoc_sk_dskl_i21", {**IND, "indic_is": "I_DSK2_BAB", "unit": "PC_IND"}),
            ("isoc_sks_itspt", {"freq": "A", "unit": "PC_EMP"})]
    return out


@pytest.fixture(scope="module")
def packaged():
    return load_catalogue()


def test_packaged_catalogue_covers_every_series_of_the_overview(packaged):
    have = [(s.dataset, tuple(sorted(v.series.items()))) for s in packaged.indicators for v in s.variants]
    missing = [(ds, series) for ds, series in _overview_series() if (ds, tuple(sorted(series.items()))) not in have]
    assert missing == []
    assert len(set(have)) == len(have), "two entries pin the same series"


def test_digital_intensity_follows_the_index_version_of_the_survey_year(packaged):
    for entry_id, size in (("basic_digital_intensity", "GE10"), ("basic_digital_intensity_smes", "10-249")):
        spec = packaged.by_id[entry_id]
        assert spec.headline and not spec.versions_comparable
        served = {p: spec.variant_for(p).series["indic_is"] for p in range(2021, 2028)}
        assert served == {2021: "E_DI3_GELO", 2022: "E_DI4_GELO", 2023: "E_DI3_GELO", 2024: "E_DI4_GELO",
                          2025: "E_DI3_GELO", 2026: "E_DI4_GELO", 2027: "E_DI3_GELO"}
        assert spec.series_key("BE", 2025) == f"A.{size}.C10-S951_X_K.E_DI3_GELO.PC_ENT.BE"
        assert spec.series_key("BE", 2024) == f"A.{size}.C10-S951_X_K.E_DI4_GELO.PC_ENT.BE"
        assert spec.why_not_surveyed(2020) == "first surveyed in 2021"


def test_codes_surveyed_in_some_years_only_say_so(packaged):
    assert packaged.by_id["ai_purpose_human_resources"].why_not_surveyed(2025) == "last surveyed in 2021"
    assert packaged.by_id["ai_tech_media_generation"].why_not_surveyed(2024) == "first surveyed in 2025"
    assert packaged.by_id["ai_purpose_administration"].why_not_surveyed(2021) == "first surveyed in 2023"
    assert packaged.by_id["ai_any_all_enterprises"].why_not_surveyed(2022).startswith("not surveyed in 2022")
    assert packaged.by_id["ai_any_all_enterprises"].surveyed(2026), "the AI module is expected to go on"


def test_packaged_headlines_are_the_press_release_figures(packaged):
    headline = {s.id for s in packaged.headline}
    assert 10 <= len(headline) <= 12
    by_series = {(s.dataset, s.indic_is, s.series.get("size_emp")): s for s in packaged.headline}
    for key in [("isoc_eb_ai", "E_AI_TANY", size) for size in ("GE10", "10-49", "50-249", "GE250")] + [
        ("isoc_ai_iaiu", "I_IUAI", None), ("isoc_ec_iprb21", "I_BARR2Y", None),
        ("isoc_ec_evals", "E_ETURN", "GE10"), ("isoc_e_dii", "E_DI4_GELO", "GE10"), ("isoc_e_dii", "E_DI4_GELO", "10-249"),
    ]:
        assert key in by_series, key
    assert any(s.series.get("ind_type") == "IND_TOTAL" and s.series["indic_is"] == "I_BLT12" for s in packaged.headline)


def test_packaged_titles_are_translated_and_directions_deliberate(packaged):
    for spec in packaged.indicators:
        assert len({spec.title["en"], spec.title["nl"], spec.title["fr"]}) == 3, spec.id
        if spec.indic_is.startswith(("E_AI_B", "I_BARR", "I_BSPD", "I_BTFW")):
            assert spec.higher_is_better is False, f"{spec.id}: barriers and problems rank fewer as better"
        else:
            assert spec.higher_is_better is True, spec.id
    assert packaged.by_id["ai_any_all_enterprises"].title["nl"].startswith(
        "Ondernemingen die minstens één AI-technologie gebruiken"
    )
    assert [t.id for t in packaged.topics][0] == "ai_enterprises"
    assert {s.topic for s in packaged.indicators} <= {t.id for t in packaged.topics}


def test_ecommerce_turnover_reports_the_survey_year_label(packaged):
    spec = packaged.by_id["ecommerce_turnover_share"]
    # Survey 2026 is not out for edition 2026: the edition shows Eurostat's 2025 label (sales of 2024).
    assert packaged.reporting_period(spec, 2026) == 2025
    assert spec.reference_offset == -1, "the 2025 figure is about sales in 2024"
    for lang, words in (("en", "year before the survey"), ("nl", "jaar vóór de enquête"), ("fr", "année précédant l'enquête")):
        assert words in spec.title[lang]
    assert packaged.datasets == frozenset(ds for ds, _ in _overview_series())
    assert len(packaged.sha256) == 64


# --- bad entries ---------------------------------------------------------------------------

GOOD_ENTRY = {
    "id": "ai_any",
    "topic": "ai",
    "headline": True,
    "dataset": "isoc_eb_ai",
    "series": {"freq": "A", "size_emp": "GE10", "nace_r2": "C10-S951_X_K", "indic_is": "E_AI_TANY", "unit": "PC_ENT"},
    "higher_is_better": True,
    "title": {"en": "AI", "nl": "AI (nl)", "fr": "IA"},
}
TOPICS = {"ai": {"en": "AI", "nl": "AI", "fr": "IA"}}


def _write(tmp_path, entries, topics=TOPICS, text=None):
    path = tmp_path / "catalogue.yaml"
    path.write_text(text if text is not None else yaml.safe_dump({"topics": topics, "indicators": entries},
                                                                  allow_unicode=True, sort_keys=False))
    return path


def _entry(**changes):
    entry = {**GOOD_ENTRY, "series": dict(GOOD_ENTRY["series"]), "title": dict(GOOD_ENTRY["title"])}
    for key, value in changes.items():
        if value is None:
            entry.pop(key)
        else:
            entry[key] = value
    return entry


def test_a_good_minimal_catalogue_loads(tmp_path):
    cat = load_catalogue(_write(tmp_path, [_entry()]))
    spec = cat.by_id["ai_any"]
    assert spec.period_offset == -1 and cat.reporting_period(spec, 2026) == 2025
    assert cat.headline == (spec,)


@pytest.mark.parametrize(
    "entry, field, words",
    [
        (_entry(colour="blue"), "colour", ["unknown field"]),
        (_entry(title={"en": "AI", "fr": "IA"}), "title", ["lacks language", "nl"]),
        (_entry(title={"en": "AI", "nl": "", "fr": "IA"}), "title.nl", ["non-empty"]),
        (_entry(id="AI-Any"), "id", ["[a-z0-9_]+"]),
        (_entry(topic="weather"), "topic", ["'weather'", "not a declared topic"]),
        (_entry(dataset="isoc_nope"), "dataset", ["'isoc_nope'", "not configured"]),
        (_entry(series={**GOOD_ENTRY["series"], "geo": "BE"}), "series", ["'geo'", "does not have"]),
        (_entry(series={k: v for k, v in GOOD_ENTRY["series"].items() if k != "unit"}), "series", ["lacks", "'unit'"]),
        (_entry(series={**GOOD_ENTRY["series"], "unit": True}), "series.unit", ["string"]),
        (_entry(higher_is_better="yes please"), "higher_is_better", ["true or false"]),
        (_entry(headline=1), "headline", ["true or false"]),
        (_entry(period_offset=1), "period_offset", ["between -10 and 0"]),
        (_entry(dataset=None), "dataset", ["missing field"]),
    ],
)
def test_each_kind_of_bad_entry_names_the_entry_and_field(tmp_path, entry, field, words):
    with pytest.raises(CatalogueError) as excinfo:
        load_catalogue(_write(tmp_path, [entry]))
    message = str(excinfo.value)
    assert f"indicator {entry.get('id')!r}" in message
    assert f"'{field}'" in message
    for word in words:
        assert word in message


def test_duplicate_ids_and_several_problems_are_reported_together(tmp_path):
    entries = [_entry(), _entry(), _entry(id="second", topic="weather"), _entry(id="third", dataset="isoc_nope")]
    with pytest.raises(CatalogueError) as excinfo:
        load_catalogue(_write(tmp_path, entries))
    message = str(excinfo.value)
    assert "3 problem(s)" in message
    assert "indicator 'ai_any' (#2): field 'id' duplicates" in message
    assert "indicator 'second'" in message and "indicator 'third'" in message


def test_bad_topics_and_duplicate_yaml_keys_are_refused(tmp_path):
    with pytest.raises(CatalogueError, match=r"topic 'ai': field 'title' lacks language\(s\) \['fr'\]"):
        load_catalogue(_write(tmp_path, [_entry()], topics={"ai": {"en": "AI", "nl": "AI"}}))
    text = "topics:\n  ai: {en: A, nl: A, fr: A}\n  ai: {en: B, nl: B, fr: B}\nindicators: []\n"
    with pytest.raises(CatalogueError, match=r"duplicate key 'ai' at line 3"):
        load_catalogue(_write(tmp_path, None, text=text))


# --- resolving against the data ----------------------------------------------------------------


PRB = {"freq": "A", "ind_type": "IND_TOTAL", "indic_is": "I_BARR2Y", "unit": "PC_IND"}


def _problems_catalogue(tmp_path, **series):
    entry = _entry(id="buyers_with_problems", dataset="isoc_ec_iprb21", series={**PRB, "unit": "PC_IND_BUY3", **series},
                   higher_is_better=False)
    return load_catalogue(_write(tmp_path, [entry]))


def test_resolve_names_entry_dimension_code_and_the_codes_the_data_has(tmp_path):
    cat = _problems_catalogue(tmp_path)
    data = {"isoc_ec_iprb21": observation_table("isoc_ec_iprb21", [(PRB, "BE", 2025, 31.0), (PRB, "FR", 2025, 28.0)])}
    with pytest.raises(CatalogueError) as excinfo:
        resolve_catalogue(cat, data)
    message = str(excinfo.value)
    assert "indicator 'buyers_with_problems'" in message
    assert "no unit=PC_IND_BUY3" in message
    assert "codes it has for unit: PC_IND" in message


def test_resolve_names_a_code_absent_for_this_combination(tmp_path):
    cat = _problems_catalogue(tmp_path, unit="PC_IND", ind_type="Y16_24")
    other = {**PRB, "indic_is": "I_BSPD1", "ind_type": "Y16_24"}
    data = {"isoc_ec_iprb21": observation_table("isoc_ec_iprb21", [(PRB, "BE", 2025, 31.0), (other, "BE", 2025, 9.0)])}
    # Every code exists somewhere, not together: pinned in DSD order, indic_is is the first that fails.
    with pytest.raises(CatalogueError, match=r"no indic_is=I_BARR2Y alongside freq=A, ind_type=Y16_24; "
                                             r"codes it has for indic_is: I_BSPD1$"):
        resolve_catalogue(cat, data)


def test_resolve_refuses_a_series_without_any_value_and_a_missing_dataset(tmp_path):
    cat = _problems_catalogue(tmp_path, unit="PC_IND")
    empty = {"isoc_ec_iprb21": observation_table("isoc_ec_iprb21", [(PRB, "BE", 2025, np.nan), (PRB, "LU", 2025, np.nan, None, "C")])}
    with pytest.raises(CatalogueError, match=r"'buyers_with_problems'.*no value in any period"):
        resolve_catalogue(cat, empty)
    with pytest.raises(CatalogueError, match=r"'buyers_with_problems': dataset isoc_ec_iprb21 was not loaded"):
        resolve_catalogue(cat, {})
    resolve_catalogue(cat, {"isoc_ec_iprb21": observation_table("isoc_ec_iprb21", [(PRB, "BE", 2025, 31.0)])})


def test_a_new_entry_in_a_copy_of_the_yaml_gives_a_new_indicator_row(tmp_path):
    text = DEFAULT_PATH.read_text(encoding="utf-8") + """
  - id: very_high_digital_intensity
    topic: digital_intensity
    headline: false
    dataset: isoc_e_dii
    series: {freq: A, size_emp: GE10, nace_r2: C10-S951_X_K, indic_is: E_DI3_VHI, unit: PC_ENT}
    higher_is_better: true
    title: {en: "Very high digital intensity (%)", nl: "Zeer hoge digitale intensiteit (%)", fr: "Intensité numérique très élevée (%)"}
"""
    cat = load_catalogue(_write(tmp_path, None, text=text))
    assert cat.sha256 != load_catalogue().sha256
    vhi = {**ENT, "indic_is": "E_DI3_VHI", "unit": "PC_ENT"}
    gelo = {**ENT, "indic_is": "E_DI3_GELO", "unit": "PC_ENT"}
    data = {"isoc_e_dii": observation_table("isoc_e_dii", [
        (vhi, "BE", 2025, 9.7), (vhi, "FR", 2025, 5.0), (vhi, "EU27_2020", 2025, 5.5),
        (gelo, "BE", 2025, 80.0), ({**gelo, "indic_is": "E_DI4_GELO"}, "BE", 2024, 79.0),
    ])}
    sub = cat.select(["very_high_digital_intensity", "basic_digital_intensity"])
    resolve_catalogue(sub, data)
    table = compute_indicators(sub, data, edition=2026, focus_geo="BE")
    row = table.loc[table["indicator_id"] == "very_high_digital_intensity"].iloc[0]
    assert (row["value"], row["eu_value"], row["rank"], row["n_ranked"]) == (9.7, 5.5, 1, 2)
    assert row["series_key"] == "A.GE10.C10-S951_X_K.E_DI3_VHI.PC_ENT.BE"
    assert row["title_nl"] == "Zeer hoge digitale intensiteit (%)"
    assert list(dict.fromkeys(table["indicator_id"])) == ["basic_digital_intensity", "very_high_digital_intensity"]


def test_a_new_entry_needs_no_code_change_to_appear_in_the_sample(tmp_path):
    # The catalogue is the only list of codes: the demo's mirror generates what a new entry pins.
    text = DEFAULT_PATH.read_text(encoding="utf-8") + """
  - id: ai_tech_other
    topic: ai_technologies
    headline: false
    dataset: isoc_eb_ai
    series: {freq: A, size_emp: GE10, nace_r2: C10-S951_X_K, indic_is: E_AI_TX, unit: PC_ENT_IUSE}
    periods: {from: 2024}
    higher_is_better: true
    title: {en: "Other AI (%)", nl: "Andere AI (%)", fr: "Autre IA (%)"}
"""
    from pipeline.eurostat import read_observations
    from pipeline.sample import write_sample_mirror

    cat = load_catalogue(_write(tmp_path, None, text=text))
    info = write_sample_mirror(tmp_path / "mirror", last_year=2025, catalogue=cat)
    obs = read_observations(info["datasets"]["isoc_eb_ai"]["path"])
    rows = obs[(obs["indic_is"] == "E_AI_TX") & (obs["unit"] == "PC_ENT_IUSE")]
    assert sorted(rows["time_period"].unique()) == [2024, 2025]
    resolve_catalogue(cat.select(["ai_tech_other"]), {"isoc_eb_ai": obs})
