"""read_observations on small hand-written files: every format, every flag rule, every error."""

from __future__ import annotations

import gzip
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.errors import InvalidDatasetCode, ParseError
from pipeline.eurostat import read_observations

SDMX1 = (
    "DATAFLOW,LAST UPDATE,freq,size_emp,nace_r2,indic_is,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS\r\n"
    "ESTAT:ISOC_EB_AI(1.0),27/02/26 11:00:00,A,10-49,C10-S951_X_K,E_AI_TANY,PC_ENT,BE,2025,28.82,,\r\n"
    "ESTAT:ISOC_EB_AI(1.0),27/02/26 11:00:00,A,GE10,C10-S951_X_K,E_AI_TANY,PC_ENT,FR,2023,5.88,b,\r\n"
    "ESTAT:ISOC_EB_AI(1.0),27/02/26 11:00:00,A,GE10,C10-S951_X_K,E_AI_TANY,PC_ENT,MK,2021,,,C\r\n"
    "ESTAT:ISOC_EB_AI(1.0),27/02/26 11:00:00,A,GE10,C10-S951_X_K,E_AI_TANY,PC_ENT,LU,2021,0,n,\r\n"
    "ESTAT:ISOC_EB_AI(1.0),27/02/26 11:00:00,A,GE10,C10-S951_X_K,E_AI_TANY,PC_ENT,IS,2021,:,bu,\r\n"
).encode()

SDMX2_LABELLED = (
    "STRUCTURE,STRUCTURE_ID,STRUCTURE_NAME,freq,Time frequency,geo,Geopolitical entity (reporting),"
    "TIME_PERIOD,Time,OBS_VALUE,Observation value,OBS_FLAG,Observation status (Flag) V2 structure,"
    "CONF_STATUS,Confidentiality status (flag)\r\n"
    'dataflow,ESTAT:ISOC_E_DII$DEFAULTVIEW(1.0),"Digital Intensity, by size",A,Annual,BE,Belgium,2025,,9.7,,,,,\r\n'
    "dataflow,ESTAT:ISOC_E_DII$DEFAULTVIEW(1.0),Digital Intensity,A,Annual,FR,France,2025,,,,u,low reliability,,\r\n"
    "dataflow,ESTAT:ISOC_E_DII$DEFAULTVIEW(1.0),Digital Intensity,A,Annual,LU,Luxembourg,2025,,,,,,C,confidential\r\n"
).encode()

TSV = (
    "freq,size_emp,nace_r2,indic_is,unit,geo\\TIME_PERIOD\t2023 \t2024 \t2025 \r\n"
    "A,GE10,C10-S951_X_K,E_AI_TANY,PC_ENT,BE\t13.81 \t24.71 \t34.54 \r\n"
    "A,GE10,C10-S951_X_K,E_AI_TANY,PC_ENT,MK\t: c\t: \t12.50 u\r\n"
    "A,GE10,C10-S951_X_K,E_AI_TANY,PC_ENT,LU\t0 n\t-0.13 \t: bu\r\n"
    "A,GE10,C10-S951_X_K,E_AI_TANY,PC_ENT,XK\t: \t: \t: \r\n"
).encode()

OLD_TSV = (
    "ind_type,unit,indic_is,geo\\time\t2020 \t2021 \n"
    "IND_TOTAL,PC_IND,I_ILT12,BE\t92 b\t94 \n"
    "IND_TOTAL,PC_IND,I_ILT12,EU27_2020\t89 e\t0 bn\n"
).encode()


def _row(df: pd.DataFrame, **where) -> pd.Series:
    mask = np.ones(len(df), dtype=bool)
    for column, value in where.items():
        mask &= (df[column] == value).to_numpy()
    rows = df[mask]
    assert len(rows) == 1, f"{where}: {len(rows)} rows"
    return rows.iloc[0]


def _flags(row: pd.Series) -> tuple:
    obs = None if pd.isna(row.obs_status) else row.obs_status
    conf = None if pd.isna(row.conf_status) else row.conf_status
    return (None if math.isnan(row.value) else row.value, obs, conf)


# ---------------------------------------------------------------- SDMX-CSV 1.0


def test_sdmx_csv_1_columns_dtypes_and_attrs():
    df = read_observations(SDMX1)
    assert list(df.columns) == [
        "dataset", "freq", "size_emp", "nace_r2", "indic_is", "unit", "geo",
        "time_period", "value", "obs_status", "conf_status",
    ]
    for column in ("dataset", "freq", "size_emp", "nace_r2", "indic_is", "unit", "geo", "obs_status", "conf_status"):
        assert isinstance(df[column].dtype, pd.CategoricalDtype), column
        assert all(isinstance(c, str) for c in df[column].cat.categories), column
    assert df.time_period.dtype == np.int64
    assert df.value.dtype == np.float64
    assert df.attrs == {"dataset": "isoc_eb_ai", "format": "sdmx-csv-1.0", "eurostat_last_update": "2026-02-27T11:00:00"}
    assert list(df.dataset.unique()) == ["isoc_eb_ai"]


def test_sdmx_csv_1_values_and_flags():
    df = read_observations(SDMX1)
    assert _flags(_row(df, geo="BE")) == (28.82, None, None)
    assert _flags(_row(df, geo="FR")) == (5.88, "b", None)
    assert _flags(_row(df, geo="MK")) == (None, None, "C")
    # A real zero stays 0.0, its flag kept; ':' is not available, never 0.
    assert _flags(_row(df, geo="LU")) == (0.0, "n", None)
    assert _flags(_row(df, geo="IS")) == (None, "bu", None)


def test_sdmx_csv_1_obs_status_column_without_conf_status_and_legacy_c():
    data = (
        "DATAFLOW,LAST UPDATE,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_STATUS\n"
        "ESTAT:TIN00074(1.0),01/02/24 23:00:00,PC_GDP,BE,2019,4.1,p\n"
        "ESTAT:TIN00074(1.0),01/02/24 23:00:00,PC_GDP,LU,2019,,c\n"
        "ESTAT:TIN00074(1.0),01/02/24 23:00:00,PC_GDP,MT,2019,,cu\n"
    ).encode()
    df = read_observations(data)
    assert df.attrs["dataset"] == "tin00074"
    assert _flags(_row(df, geo="BE")) == (4.1, "p", None)
    assert _flags(_row(df, geo="LU")) == (None, None, "C")
    assert _flags(_row(df, geo="MT")) == (None, "u", "C")
    assert "c" not in set(df.obs_status.cat.categories)


def test_dimension_columns_come_from_the_header_in_its_order():
    data = (
        "DATAFLOW,LAST UPDATE,geo,indic_is,freq,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS\n"
        "ESTAT:ISOC_AI_IAIU(1.0),16/12/25 11:00:00,BE,I_IUAI,A,2025,41.2,,\n"
    ).encode()
    df = read_observations(data)
    assert list(df.columns[1:4]) == ["geo", "indic_is", "freq"]
    assert _row(df, geo="BE").value == 41.2


def test_latest_of_several_last_update_values_is_kept():
    data = (
        "DATAFLOW,LAST UPDATE,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS\n"
        "ESTAT:ISOC_EB_AI(1.0),27/02/26 11:00:00,BE,2025,1,,\n"
        "ESTAT:ISOC_EB_AI(1.0),03/03/26 23:00:00,FR,2025,2,,\n"
        "ESTAT:ISOC_EB_AI(1.0),15/12/25 11:00:00,DE,2025,3,,\n"
    ).encode()
    assert read_observations(data).attrs["eurostat_last_update"] == "2026-03-03T23:00:00"


def test_non_annual_periods_are_strings():
    data = (
        "DATAFLOW,LAST UPDATE,freq,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS\n"
        "ESTAT:EI_BPM6CA_Q(1.0),03/07/25 23:00:00,Q,BE,2024-Q4,1.5,,\n"
        "ESTAT:EI_BPM6CA_Q(1.0),03/07/25 23:00:00,Q,BE,2025-Q1,1.7,p,\n"
    ).encode()
    df = read_observations(data)
    assert list(df.time_period) == ["2024-Q4", "2025-Q1"]
    assert all(isinstance(period, str) for period in df.time_period)


def test_header_only_sdmx_csv_gives_an_empty_table_with_the_columns():
    header_only = SDMX1.split(b"\r\n")[0] + b"\r\n"
    with pytest.raises(ParseError, match="dataset="):  # no DATAFLOW value says which dataset
        read_observations(header_only)
    df = read_observations(header_only, dataset="isoc_eb_ai")
    assert len(df) == 0
    assert list(df.columns) == list(read_observations(SDMX1).columns)
    assert df.value.dtype == np.float64 and df.time_period.dtype == np.int64
    assert isinstance(df.geo.dtype, pd.CategoricalDtype)


def test_utf8_bom_is_ignored():
    assert len(read_observations(b"\xef\xbb\xbf" + SDMX1)) == 5


# ---------------------------------------------------------------- SDMX-CSV 2.0


def test_sdmx_csv_2_with_labels_keeps_codes_and_drops_labels():
    df = read_observations(SDMX2_LABELLED)
    assert list(df.columns) == ["dataset", "freq", "geo", "time_period", "value", "obs_status", "conf_status"]
    assert df.attrs == {"dataset": "isoc_e_dii", "format": "sdmx-csv-2.0", "eurostat_last_update": None}
    assert _flags(_row(df, geo="BE")) == (9.7, None, None)
    assert _flags(_row(df, geo="FR")) == (None, "u", None)
    assert _flags(_row(df, geo="LU")) == (None, None, "C")


def test_sdmx_csv_2_without_labels():
    data = (
        "STRUCTURE,STRUCTURE_ID,ACTION,freq,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS\n"
        "dataflow,ESTAT:ISOC_EB_AI(1.0),I,A,BE,2025,34.54,,\n"
        "dataflow,ESTAT:ISOC_EB_AI(1.0),I,A,NL,2025,33.21,b,\n"
    ).encode()
    df = read_observations(data)
    assert list(df.columns) == ["dataset", "freq", "geo", "time_period", "value", "obs_status", "conf_status"]
    assert df.attrs["format"] == "sdmx-csv-2.0"
    assert _flags(_row(df, geo="NL")) == (33.21, "b", None)


# ---------------------------------------------------------------- TSV


def test_tsv_current_layout_unpivots_series_by_series():
    df = read_observations(TSV, dataset="isoc_eb_ai")
    assert df.attrs == {"dataset": "isoc_eb_ai", "format": "tsv", "eurostat_last_update": None}
    assert list(df.columns) == [
        "dataset", "freq", "size_emp", "nace_r2", "indic_is", "unit", "geo",
        "time_period", "value", "obs_status", "conf_status",
    ]
    assert list(df.geo) == ["BE"] * 3 + ["MK"] * 3 + ["LU"] * 3 + ["XK"] * 3
    assert list(df.time_period) == [2023, 2024, 2025] * 4
    assert df.time_period.dtype == np.int64
    assert list(df[df.geo == "BE"].value) == [13.81, 24.71, 34.54]


def test_tsv_cells_flags_and_confidentiality():
    df = read_observations(TSV, dataset="isoc_eb_ai")
    assert _flags(_row(df, geo="MK", time_period=2023)) == (None, None, "C")
    assert _flags(_row(df, geo="MK", time_period=2024)) == (None, None, None)
    assert _flags(_row(df, geo="MK", time_period=2025)) == (12.5, "u", None)
    assert _flags(_row(df, geo="LU", time_period=2023)) == (0.0, "n", None)
    assert _flags(_row(df, geo="LU", time_period=2024)) == (-0.13, None, None)
    assert _flags(_row(df, geo="LU", time_period=2025)) == (None, "bu", None)


def test_tsv_series_with_only_not_available_cells_is_kept():
    df = read_observations(TSV, dataset="isoc_eb_ai")
    xk = df[df.geo == "XK"]
    assert len(xk) == 3 and xk.value.isna().all()


def test_tsv_old_bulk_layout_without_freq():
    df = read_observations(OLD_TSV, dataset="tin00028")
    assert list(df.columns[1:5]) == ["ind_type", "unit", "indic_is", "geo"]
    assert _flags(_row(df, geo="BE", time_period=2020)) == (92.0, "b", None)
    assert _flags(_row(df, geo="EU27_2020", time_period=2021)) == (0.0, "bn", None)


def test_tsv_quarterly_periods_are_strings():
    data = b"freq,geo\\TIME_PERIOD\t2024-Q4 \t2025-Q1 \nQ,BE\t1 \t2 p\n"
    df = read_observations(data, dataset="ei_bpm6ca_q")
    assert list(df.time_period) == ["2024-Q4", "2025-Q1"]


def test_header_only_tsv_gives_an_empty_table():
    df = read_observations(TSV.split(b"\r\n")[0] + b"\r\n", dataset="isoc_eb_ai")
    assert len(df) == 0 and "geo" in df.columns and df.value.dtype == np.float64


# ---------------------------------------------------------------- which dataset, which bytes


def test_dataset_argument_overrides_the_file(tmp_path):
    assert read_observations(SDMX1, dataset="isoc_other").attrs["dataset"] == "isoc_other"
    assert list(read_observations(SDMX1, dataset="isoc_other").dataset.unique()) == ["isoc_other"]


@pytest.mark.parametrize("name", ["estat_isoc_eb_ai.tsv", "isoc_eb_ai.tsv", "isoc_eb_ai.tsv.gz"])
def test_tsv_dataset_from_the_file_name(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(gzip.compress(TSV) if name.endswith(".gz") else TSV)
    assert read_observations(path).attrs["dataset"] == "isoc_eb_ai"
    assert read_observations(str(path)).attrs["dataset"] == "isoc_eb_ai"


def test_tsv_bytes_without_dataset_asks_for_it():
    with pytest.raises(ParseError, match="dataset="):
        read_observations(TSV)


def test_invalid_dataset_argument_is_refused():
    with pytest.raises(InvalidDatasetCode):
        read_observations(SDMX1, dataset="../etc")


def test_gzip_is_recognised_by_its_bytes_not_its_name(tmp_path):
    expected = read_observations(SDMX1)
    compressed = tmp_path / "isoc_eb_ai.csv"  # gzip under a plain name
    compressed.write_bytes(gzip.compress(SDMX1))
    plain = tmp_path / "isoc_eb_ai.csv.gz"  # plain text under a gzip name
    plain.write_bytes(SDMX1)
    for data in (gzip.compress(SDMX1), compressed, plain):
        pd.testing.assert_frame_equal(read_observations(data), expected)


def test_multi_member_gzip_is_read_whole():
    half = SDMX1.index(b"\r\nESTAT", 200) + 2
    data = gzip.compress(SDMX1[:half]) + gzip.compress(SDMX1[half:])
    assert len(read_observations(data)) == 5


# ---------------------------------------------------------------- errors


def _error(data, **kwargs) -> ParseError:
    with pytest.raises(ParseError) as caught:
        read_observations(data, **kwargs)
    return caught.value


def test_row_with_a_missing_field_names_dataset_and_line():
    data = SDMX1.replace(b"PC_ENT,FR,2023,5.88,b,\r\n", b"PC_ENT,FR,2023,5.88\r\n")
    error = _error(data, dataset="isoc_eb_ai")
    assert error.line == 3 and "dataset isoc_eb_ai" in str(error) and "line 3" in str(error)


def test_row_with_an_extra_field_names_the_line_after_a_blank_line():
    lines = SDMX1.split(b"\r\n")
    lines[3] += b",extra"
    data = b"\r\n".join(lines[:2] + [b""] + lines[2:])  # a blank line 3 shifts the bad row to line 5
    error = _error(data)
    assert error.line == 5 and error.dataset == "isoc_eb_ai"
    assert "extra" in str(error)


def test_non_numeric_value_names_line_and_column():
    error = _error(SDMX1.replace(b",5.88,", b",5.88x,"))
    assert (error.dataset, error.line, error.column) == ("isoc_eb_ai", 3, "OBS_VALUE")
    assert "5.88x" in str(error)
    # A decimal comma splits the value into two fields: a malformed row, on its own line.
    error = _error(SDMX1.replace(b",5.88,", b",5,88,"))
    assert error.line == 3 and "13 fields" in str(error)


def test_non_numeric_tsv_cell_names_line_and_period():
    for cell in (b"12.x0 u", b"abc", b"1 2", b"u", b"1e5"):
        data = TSV.replace(b"12.50 u", cell)
        error = _error(data, dataset="isoc_eb_ai")
        assert (error.dataset, error.line, error.column) == ("isoc_eb_ai", 3, "2025"), cell
        assert repr(cell.decode()) in str(error)


def test_tsv_series_key_with_too_few_parts():
    error = _error(TSV.replace(b"A,GE10,C10-S951_X_K,E_AI_TANY,PC_ENT,LU", b"A,GE10,E_AI_TANY,PC_ENT,LU"), dataset="x1")
    assert (error.line, error.dataset) == (4, "x1") and "geo" in error.column


def test_tsv_row_with_a_missing_cell():
    error = _error(TSV.replace(b"\t-0.13 ", b""), dataset="isoc_eb_ai")
    assert error.line == 4 and "dataset isoc_eb_ai" in str(error)


def test_non_utf8_bytes_name_line_and_column():
    error = _error(SDMX1.replace(b"PC_ENT,FR", b"PC_ENT,F\xe9"))
    assert (error.dataset, error.line, error.column) == ("isoc_eb_ai", 3, "geo")
    error = _error(TSV.replace(b"PC_ENT,MK", b"PC_ENT,M\xff"), dataset="isoc_eb_ai")
    assert error.line == 3 and "UTF-8" in str(error)


def test_non_utf8_byte_in_a_value_is_a_utf8_error_not_a_number_error():
    # Found by hypothesis: pyarrow's double parser refuses the byte before its UTF-8 check does.
    error = _error(SDMX1.replace(b",5.88,b,", b",\x80,b,"))
    assert (error.dataset, error.line, error.column) == ("isoc_eb_ai", 3, "OBS_VALUE")
    assert "not UTF-8" in str(error)


def test_non_utf8_header():
    error = _error(b"DATAFLOW,LAST UPDATE,g\xe9o,TIME_PERIOD\n", dataset="isoc_eb_ai")
    assert error.line == 1 and "UTF-8" in str(error)


def test_truncated_gzip():
    data = gzip.compress(SDMX1 * 50)
    error = _error(data[: len(data) // 2], dataset="isoc_eb_ai")
    assert "truncated" in str(error) and "dataset isoc_eb_ai" in str(error)


def test_corrupt_gzip():
    data = bytearray(gzip.compress(SDMX1))
    data[20:30] = b"\x00" * 10
    assert "gzip" in str(_error(bytes(data), dataset="isoc_eb_ai"))


@pytest.mark.parametrize(
    "body, says",
    [
        (b"<!DOCTYPE html><html><body>Sorry, the service is unavailable</body></html>", "HTML"),
        (
            b'<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body><queued>',
            "asynchronous",
        ),
        (b'{"error": {"status": 400, "label": "bad"}}', "JSON"),
        (b"a,b,c\n1,2,3\n", "not SDMX-CSV or TSV"),
    ],
)
def test_a_body_that_is_not_eurostat_data(body, says):
    error = _error(body, dataset="isoc_eb_ai")
    assert says in str(error) and error.line == 1 and error.dataset == "isoc_eb_ai"


@pytest.mark.parametrize("body", [b"", b"\n\r\n  \n", gzip.compress(b"")])
def test_empty_file(body):
    error = _error(body, dataset="isoc_eb_ai")
    assert "empty" in str(error) and error.dataset == "isoc_eb_ai"


def test_gzip_bomb_stops_at_max_bytes():
    bomb = gzip.compress(SDMX1 + b"0" * 5_000_000)
    assert len(bomb) < 20_000
    error = _error(bomb, dataset="isoc_eb_ai", max_bytes=1_000_000)
    assert "max_bytes=1000000" in str(error)


def test_plain_file_over_max_bytes(tmp_path):
    path = tmp_path / "isoc_eb_ai.csv"
    path.write_bytes(SDMX1)
    assert "max_bytes" in str(_error(path, max_bytes=100))
    assert "max_bytes" in str(_error(SDMX1, max_bytes=100))


def test_missing_file_is_a_parse_error(tmp_path):
    assert "cannot read" in str(_error(tmp_path / "isoc_eb_ai.csv"))


def test_file_mixing_two_datasets():
    data = SDMX1 + SDMX1.split(b"\r\n")[1].replace(b"ISOC_EB_AI", b"ISOC_E_DII") + b"\r\n"
    error = _error(data)
    assert "isoc_e_dii" in str(error) and error.column == "DATAFLOW"


def test_bad_last_update():
    error = _error(SDMX1.replace(b"27/02/26 11:00:00", b"2026-02-27"))
    assert error.column == "LAST UPDATE" and error.dataset == "isoc_eb_ai"


def test_header_without_obs_value():
    error = _error(b"DATAFLOW,LAST UPDATE,geo,TIME_PERIOD\nESTAT:ISOC_EB_AI(1.0),27/02/26 11:00:00,BE,2025\n")
    assert error.column == "OBS_VALUE" and error.line == 1


# ---------------------------------------------------------------- one table, three formats


_geos = st.sampled_from(["BE", "FR", "DE", "EU27_2020", "MK"])
_cell = st.one_of(
    st.tuples(st.none(), st.sampled_from([None, "c", "bu", "u"])),
    st.tuples(
        st.decimals(min_value=-1000, max_value=1000, places=2, allow_nan=False).map(float),
        st.sampled_from([None, "b", "p", "e", "bu", "ep", "n"]),
    ),
)


@settings(max_examples=25, deadline=None)
@given(
    series=st.dictionaries(
        st.tuples(st.sampled_from(["GE10", "10-49"]), _geos),
        st.lists(_cell, min_size=3, max_size=3),
        min_size=1,
        max_size=6,
    )
)
def test_same_observations_read_alike_from_sdmx_csv_1_2_and_tsv(series):
    """What a statistician reads does not depend on the format Eurostat served."""
    years = [2023, 2024, 2025]
    v1 = ["DATAFLOW,LAST UPDATE,freq,size_emp,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS"]
    v2 = [
        "STRUCTURE,STRUCTURE_ID,STRUCTURE_NAME,freq,F,size_emp,S,geo,G,"
        "TIME_PERIOD,T,OBS_VALUE,V,OBS_FLAG,O,CONF_STATUS,C"
    ]
    tsv = ["freq,size_emp,geo\\TIME_PERIOD\t" + "\t".join(f"{y} " for y in years)]
    for (size, geo), cells in sorted(series.items()):
        row = []
        for year, (value, flag) in zip(years, cells):
            shown = "" if value is None else f"{value:.2f}"
            obs, conf = ("", "C") if flag == "c" else (flag or "", "")
            v1.append(f"ESTAT:ISOC_EB_AI(1.0),27/02/26 11:00:00,A,{size},{geo},{year},{shown},{obs},{conf}")
            v2.append(f"dataflow,ESTAT:ISOC_EB_AI(1.0),AI,A,a,{size},s,{geo},g,{year},,{shown},,{obs},o,{conf},c")
            row.append(f"{shown or ':'} {flag or ''}")
        tsv.append(f"A,{size},{geo}\t" + "\t".join(row))
    frames = [
        read_observations(("\n".join(v1) + "\n").encode()),
        read_observations(("\r\n".join(v2) + "\r\n").encode()),
        read_observations(("\r\n".join(tsv) + "\r\n").encode(), dataset="isoc_eb_ai"),
    ]
    expected = [
        (size, geo, year, value, None if flag == "c" else flag, "C" if flag == "c" else None)
        for (size, geo), cells in sorted(series.items())
        for year, (value, flag) in zip(years, cells)
    ]
    for frame in frames:
        got = [
            (r.size_emp, r.geo, r.time_period, None if math.isnan(r.value) else r.value,
             None if pd.isna(r.obs_status) else r.obs_status, None if pd.isna(r.conf_status) else r.conf_status)
            for r in frame.itertuples()
        ]
        assert got == expected, frame.attrs["format"]


def test_observation_without_time_period():
    error = _error(SDMX1.replace(b"PC_ENT,FR,2023,", b"PC_ENT,FR,,"))
    assert (error.line, error.column, error.dataset) == (3, "TIME_PERIOD", "isoc_eb_ai")


def test_unknown_column_after_time_period_is_refused():
    data = b"DATAFLOW,LAST UPDATE,geo,TIME_PERIOD,OBS_VALUE,OBS_COMMENT\n"
    error = _error(data, dataset="isoc_eb_ai")
    assert (error.line, error.column) == (1, "OBS_COMMENT")
