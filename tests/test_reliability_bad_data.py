"""Bad data through the real path: bytes as served -> read_observations -> validate_observations.

Each case ends in the project's own error naming the dataset and what is wrong where (line and
column for the reader; column, rule and row for the schema). Single rules are unit-tested in
test_reader.py and test_observation_schemas.py; here the reader and the schema work together.
"""

from __future__ import annotations

import gzip

import pytest

from assets.ingest import build_observations_asset, build_raw_asset
from pipeline.datasets import DatasetSpec, dataset_spec, validate_dataset_code
from pipeline.errors import InvalidDatasetCode, ParseError, UnexpectedResponse, ValidationFailed
from pipeline.eurostat import read_observations
from pipeline.eurostat.client import EurostatClient
from pipeline.snapshots import RawStore
from schemas.observations import validate_observations
from tests.helpers.eurostat import CODE, GOOD_ROWS, HEADER, sdmx_csv
from tests.eurostat_server import EurostatTestServer, gzip_bomb


def through_the_real_path(body: bytes):
    return validate_observations(read_observations(body, dataset=CODE), CODE)


def test_the_good_body_passes():
    assert len(through_the_real_path(sdmx_csv(GOOD_ROWS))) == len(GOOD_ROWS)


# case -> (body, error type, words the message must hold)
CASES = {
    "row with a missing field": (sdmx_csv(GOOD_ROWS[:2] + ["DE,2025,20.1,"]), ParseError,
                                 ["malformed row", "line 4", CODE]),
    "row with an extra field": (sdmx_csv(GOOD_ROWS + ["DE,2025,20.1,,,x"]), ParseError,
                                ["malformed row", "line 7", CODE]),
    "unbalanced quote": (sdmx_csv(GOOD_ROWS + ['DE,2025,"20.1,,']), ParseError, [CODE]),
    "non-numeric value": (sdmx_csv(GOOD_ROWS + ["DE,2025,20,1,,"]).replace(b"20,1,,", b"2O.1,,"), ParseError,
                          ["'2O.1' is not a number", "line 7", "OBS_VALUE"]),
    "non-UTF-8 bytes in a row": (sdmx_csv(GOOD_ROWS).replace(b"FR,", b"F\xe9,"), ParseError,
                                 ["not UTF-8", "line 4", "geo"]),
    "lone carriage return in the header (found by fuzzing)": (b"\r" + sdmx_csv(GOOD_ROWS), ParseError,
                                                             ["header line is not CSV", "line 1"]),
    "non-UTF-8 after a lone carriage return": (sdmx_csv(GOOD_ROWS).replace(b"FR,", b"\rF\xe9,"), ParseError,
                                               ["line 4", CODE]),
    "blank first line (found by fuzzing)": (b"\n" + sdmx_csv(GOOD_ROWS), ParseError, ["not a Eurostat SDMX-CSV", "line 1"]),
    "empty file": (b"", ParseError, ["empty", CODE]),
    "HTML instead of data": (b"<!DOCTYPE html><html>Sorry</html>", ParseError, ["HTML or XML", CODE]),
    "gzip bomb (reader cap)": (gzip_bomb(3 * 1024 * 1024), ParseError, ["larger than max_bytes", CODE]),
    "missing column (a dimension dropped)": (
        sdmx_csv([r for r in GOOD_ROWS], header=HEADER.replace("nace_r2,", "")).replace(b",C10-S951_X_K", b""),
        ValidationFailed, ["missing column(s) 'nace_r2'", CODE]),
    "extra column (an unknown dimension added)": (
        sdmx_csv(GOOD_ROWS, header=HEADER.replace("unit,", "unit,sex,")).replace(b"PC_ENT,", b"PC_ENT,T,"),
        ValidationFailed, ["unexpected column(s) 'sex'", CODE]),
    "unknown dimension in place of a known one": (
        sdmx_csv(GOOD_ROWS, header=HEADER.replace("nace_r2", "nace_r3")), ValidationFailed,
        ["unexpected column(s) 'nace_r3'", "missing column(s) 'nace_r2'"]),
    "unknown flag letter": (sdmx_csv(GOOD_ROWS[:1] + ["BE,2025,34.54,x,"]), ValidationFailed,
                            ["obs_status", "known_flags", "unknown letter(s) 'x'", "A.GE10.C10-S951_X_K.E_AI_TANY.PC_ENT.BE 2025"]),
    "duplicate series key": (sdmx_csv(GOOD_ROWS + ["FR,2025,6.01,,"]), ValidationFailed,
                             ["multiple_fields_uniqueness", "A.GE10.C10-S951_X_K.E_AI_TANY.PC_ENT.FR 2025"]),
    "percentage above 100": (sdmx_csv(GOOD_ROWS + ["DE,2025,100.5,,"]), ValidationFailed,
                             ["percent_range", "value=100.5", "DE 2025"]),
    "confidential cell with a value": (sdmx_csv(GOOD_ROWS + ["DE,2025,20.1,,C"]), ValidationFailed,
                                       ["confidential_without_value", "DE 2025"]),
    "empty dataset (header only)": (sdmx_csv([]), ValidationFailed, ["has no observations", CODE]),
    "lower-case geo": (sdmx_csv(GOOD_ROWS + ["de,2025,20.1,,"]), ValidationFailed, ["geo_code", "de 2025"]),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_data_fails_naming_dataset_and_place(case):
    body, error, words = CASES[case]
    for served in (body, gzip.compress(body, mtime=0)) if body[:2] != b"\x1f\x8b" else (body,):
        with pytest.raises(error) as caught:
            validate_observations(read_observations(served, dataset=CODE, max_bytes=2 * 1024 * 1024), CODE)
        assert caught.value.dataset == CODE
        for word in words:
            assert word in str(caught.value), (word, str(caught.value))


@pytest.mark.parametrize("code", ["../isoc_eb_ai", "isoc_eb_ai/../../etc", "isoc?eb", "isoc#x", "isoc eb",
                                  "ISOC_EB_AI", "isoc%2Feb", ""])
def test_a_dataset_code_with_a_path_or_url_character_is_refused_everywhere(code, tmp_path):
    with pytest.raises(InvalidDatasetCode):
        validate_dataset_code(code)
    with pytest.raises(InvalidDatasetCode):
        DatasetSpec(code=code, title="t", dimensions=("geo",))
    with pytest.raises(InvalidDatasetCode):
        dataset_spec(code)
    with pytest.raises(InvalidDatasetCode):
        RawStore(tmp_path).dataset_dir(code)
    with pytest.raises(InvalidDatasetCode):
        EurostatClient("http://127.0.0.1:9").data_url(code)
    with pytest.raises(InvalidDatasetCode):
        read_observations(sdmx_csv(GOOD_ROWS), dataset=code)
    for build in (build_raw_asset, build_observations_asset):
        with pytest.raises(InvalidDatasetCode):
            build(code)
    assert not any(tmp_path.iterdir())


def test_a_body_of_another_dataset_served_under_the_url_is_refused():
    other = gzip.compress(sdmx_csv(GOOD_ROWS).replace(b"ISOC_EB_AI", b"ISOC_E_DII"), mtime=0)
    with EurostatTestServer(datasets={CODE: other}) as server:
        with pytest.raises(UnexpectedResponse, match=f"dataset {CODE}: .* answered with the data of dataset isoc_e_dii"):
            EurostatClient(server.base_url, retries=0).fetch_dataset(CODE)
    with pytest.raises(ParseError, match="mixes several datasets"):
        read_observations(sdmx_csv(GOOD_ROWS).replace(b"ISOC_EB_AI(1.0),27/02/26 11:00:00,A,GE10,C10-S951_X_K,E_AI_TANY,PC_ENT,MK",
                                                     b"ISOC_E_DII(1.0),27/02/26 11:00:00,A,GE10,C10-S951_X_K,E_AI_TANY,PC_ENT,MK"))
