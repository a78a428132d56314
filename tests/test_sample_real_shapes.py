"""The demo's synthetic mirror has Eurostat's real shapes: which code exists in which survey year.

The generator follows the catalogue; these tests hold it against the real files, so the sample
cannot drift into a Eurostat of our own making (as it once did: E_DI4_GELO in every year).
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from pipeline.eurostat import read_observations
from pipeline.sample import write_sample_mirror

FIRST, LAST = 2019, 2025
# Real files that hold their series whole (every period Eurostat has), per SOURCES.md.
WHOLE = ["isoc_e_dii/isoc_e_dii.csv", "isoc_eb_ai/EXCERPT_isoc_eb_ai_sdmx_E_AI_TANY_PC_ENT.csv",
         "isoc_ec_evals/EXCERPT_isoc_ec_evals_sdmx_E_ETURN_PC_TURN_GE10.csv",
         "isoc_cicce_use/EXCERPT_isoc_cicce_use_sdmx_GE10_10-249_E_CC.csv",
         "isoc_eb_das/EXCERPT_isoc_eb_das_sdmx_GE10_10-249_E_DA.csv"]
# Excerpts: a row copied from the real file proves a (code, period) exists; a missing row proves nothing.
EXCERPTS = ["isoc_eb_ai/EXCERPT_isoc_eb_ai_sdmx_GE10_purposes_barriers_tech.csv",
            "isoc_e_dii/EXCERPT_isoc_e_dii_sdmx_GE10_10-249_GELO.csv",
            "isoc_ec_evals/EXCERPT_isoc_ec_evals_sdmx_GE10_E_AXSVAL_PC_ETURN.csv"]


def _pattern(df) -> dict[tuple, set[int]]:
    """Non-geo series key -> periods with at least one value, within the sample's years."""
    dims = [c for c in df.columns if c not in ("dataset", "geo", "time_period", "value", "obs_status", "conf_status")]
    out: dict[tuple, set[int]] = defaultdict(set)
    rows = df[df["value"].notna() & df["time_period"].between(FIRST, LAST)]
    for key, period in zip(zip(*(rows[d].astype(str) for d in dims)), rows["time_period"]):
        out[key].add(int(period))
    return out


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    root = tmp_path_factory.mktemp("sample")
    info = write_sample_mirror(root, last_year=LAST, first_year=FIRST)
    return {code: _pattern(read_observations(d["path"])) for code, d in info["datasets"].items()}


def _shared(samples_dir, sample, name):
    """(series key, real periods, sample periods) of every series both the real file and the sample hold."""
    dataset = name.split("/")[0]
    real = _pattern(read_observations(samples_dir / name, dataset=dataset))
    shared = sorted(set(real) & set(sample[dataset]))
    assert shared, f"the sample shares no series with {name}"
    return [(key, real[key], sample[dataset][key]) for key in shared]


@pytest.mark.parametrize("name", WHOLE)
def test_the_sample_has_each_shared_series_in_exactly_the_real_periods(samples_dir, sample, name):
    for key, real, generated in _shared(samples_dir, sample, name):
        assert generated == real, (name, key)


@pytest.mark.parametrize("name", EXCERPTS)
def test_every_real_code_and_period_the_sample_has_the_code_for_exists_in_the_sample(samples_dir, sample, name):
    for key, real, generated in _shared(samples_dir, sample, name):
        assert real <= generated, (name, key, real - generated)


def test_codes_that_start_stop_or_alternate_do_so_in_the_sample(sample):
    ai, dii = sample["isoc_eb_ai"], sample["isoc_e_dii"]
    ent = ("A", "GE10", "C10-S951_X_K")
    assert ai[(*ent, "E_AI_PHR", "PC_ENT_AI_TANY")] == {2021}
    assert ai[(*ent, "E_AI_TPVSG", "PC_ENT")] == {2025}
    assert ai[(*ent, "E_AI_PBAM", "PC_ENT_AI_TANY")] == {2023, 2024, 2025}
    assert 2022 not in ai[(*ent, "E_AI_TANY", "PC_ENT")]
    assert dii[(*ent, "E_DI4_GELO", "PC_ENT")] == {2022, 2024}
    assert dii[(*ent, "E_DI3_VHI", "PC_ENT")] == {2021, 2023, 2025}
