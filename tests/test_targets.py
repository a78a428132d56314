"""Digital Decade targets: declared as data, refused when wrong, and each member's distance to them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeline.catalogue import DEFAULT_PATH, load_catalogue
from pipeline.errors import CatalogueError
from pipeline.targets import distance_to_target


def _rows(geo, values, version_of=lambda p: "DII v3" if p % 2 else "DII v4"):
    return [{"indicator_id": "basic_digital_intensity_smes", "geo": geo, "time_period": p, "value": v,
             "series_version": version_of(p)} for p, v in values.items()]


def test_the_packaged_targets_are_the_digital_decade_ones():
    cat = load_catalogue()
    dii, ai = cat.by_id["basic_digital_intensity_smes"].target, cat.by_id["ai_any_all_enterprises"].target
    assert (dii.value, dii.year, dii.unit) == (90, 2030, "PC_ENT") and "2022/2481" in dii.source
    assert (ai.value, ai.year) == (75, 2030) and "(3)(a)" in ai.source


def test_distance_to_target_on_comparable_periods_only():
    # BE SMEs: E_DI3_GELO in odd years (v3), E_DI4_GELO in even years (v4)
    table = pd.DataFrame(_rows("BE", {2021: 78.35, 2022: 80.0, 2023: 81.35, 2024: 83.70, 2025: 84.35})
                         + _rows("NL", {2023: 88.0, 2025: 93.0}) + _rows("FR", {2025: np.nan}))
    out = distance_to_target(table, load_catalogue()).set_index(["geo", "time_period"])
    be = out.loc[("BE", 2025)]
    assert (be.target_value, be.target_year) == (90.0, 2030)
    assert be.gap_to_target == pytest.approx(5.65)
    assert be.required_yearly_change == pytest.approx(5.65 / 5)
    assert be.recent_yearly_change == pytest.approx((84.35 - 78.35) / 4)  # 2021 -> 2025, v3 only
    assert bool(be.on_track) is True and be.projected_value == pytest.approx(min(84.35 + 1.5 * 5, 100))
    be24 = out.loc[("BE", 2024)]
    assert be24.recent_yearly_change == pytest.approx((83.70 - 80.0) / 2)  # v4: 2022 -> 2024
    nl = out.loc[("NL", 2025)]
    assert nl.gap_to_target == 0 and nl.required_yearly_change == 0 and bool(nl.on_track) is True
    assert nl.projected_value == 100  # 93 + 2.5 a year for 5 years, capped at 100 %
    first = out.loc[("BE", 2021)]
    assert np.isnan(first.recent_yearly_change) and pd.isna(first.on_track) and np.isnan(first.projected_value)
    fr = out.loc[("FR", 2025)]  # no value: nothing measured against the target, the target still shown
    assert fr.target_value == 90 and np.isnan(fr.gap_to_target) and pd.isna(fr.on_track)


def test_a_national_target_replaces_the_eu_one_for_that_member(tmp_path):
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace(
        "target: {value: 90, year: 2030, unit: PC_ENT,", "target: {value: 90, year: 2030, unit: PC_ENT, national: {BE: 95},", 1)
    (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
    cat = load_catalogue(tmp_path / "c.yaml")
    out = distance_to_target(pd.DataFrame(_rows("BE", {2025: 84.35}) + _rows("NL", {2025: 84.35})), cat)
    assert list(out["target_value"]) == [95.0, 90.0]
    assert out["gap_to_target"].round(2).tolist() == [10.65, 5.65]


@pytest.mark.parametrize("change, words", [
    ("unit: PC_ENT, national: {XX: 95},", "field 'target.national' names 'XX', not EU member code(s); the 27 are AT BE"),
    ("unit: PC_ENT_IUSE,", "field 'target.unit' 'PC_ENT_IUSE': a target must be a percentage of the same population"),
    ("unit: THS_PER,", "field 'target.unit' 'THS_PER'"),
])
def test_a_wrong_target_is_refused_at_load_with_the_entry(tmp_path, change, words):
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace("target: {value: 90, year: 2030, unit: PC_ENT,",
                                                          f"target: {{value: 90, year: 2030, {change}", 1)
    (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match="indicator 'basic_digital_intensity_smes'") as caught:
        load_catalogue(tmp_path / "c.yaml")
    assert words in str(caught.value)


def test_a_target_year_in_the_past_is_refused(tmp_path):
    text = DEFAULT_PATH.read_text(encoding="utf-8").replace("target: {value: 90, year: 2030,", "target: {value: 90, year: 2020,", 1)
    (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match=r"basic_digital_intensity_smes.*field 'target.year' 2020 is in the past"):
        load_catalogue(tmp_path / "c.yaml")
