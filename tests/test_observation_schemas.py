"""The observation schemas: what passes, and what each rule says when it fails."""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest

from pipeline.catalogue import load_catalogue
from pipeline.datasets import DATASETS
from pipeline.errors import ValidationFailed
from schemas.observations import expected_columns, observation_schema, validate_observations

AI = "isoc_eb_ai"
TANY = {"freq": "A", "size_emp": "GE10", "nace_r2": "C10-S951_X_K", "indic_is": "E_AI_TANY", "unit": "PC_ENT"}


def catalogue_codes(dataset: str) -> dict[str, list[str]]:
    """Per non-geo dimension, the codes the indicator catalogue pins in this dataset (in catalogue order)."""
    out: dict[str, list[str]] = {}
    for spec in load_catalogue().indicators:
        for variant in spec.variants if spec.dataset == dataset else ():
            for dim, code in variant.series.items():
                out.setdefault(dim, [])
                if code not in out[dim]:
                    out[dim].append(code)
    return out


def observations(dataset: str = AI, rows: list[dict] | None = None) -> pd.DataFrame:
    """A small observation table as the reader returns it (categorical codes, int years)."""
    spec = DATASETS[dataset]
    first = {d: codes[0] for d, codes in catalogue_codes(dataset).items()}
    if rows is None:
        rows = [
            {"geo": "BE", "time_period": 2024, "value": 24.71},
            {"geo": "BE", "time_period": 2025, "value": 34.54, "obs_status": "p"},
            {"geo": "EU27_2020", "time_period": 2025, "value": 19.95},
            {"geo": "MK", "time_period": 2021, "value": np.nan, "conf_status": "C"},
            {"geo": "FR", "time_period": 2023, "value": 5.88, "obs_status": "b"},
            {"geo": "FR", "time_period": 2024, "value": np.nan, "obs_status": "u"},
        ]
    records = [
        {"dataset": dataset, **first, **row} | {"obs_status": row.get("obs_status"), "conf_status": row.get("conf_status")}
        for row in rows
    ]
    df = pd.DataFrame(records)
    df = df[["dataset", *spec.dimensions, "time_period", "value", "obs_status", "conf_status"]]
    for column in ["dataset", *spec.dimensions, "obs_status", "conf_status"]:
        df[column] = df[column].astype("category")
    return df.astype({"time_period": "int64", "value": "float64"})


def failure(df: pd.DataFrame, dataset: str = AI) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        validate_observations(df, dataset)
    assert caught.value.dataset == dataset
    assert f"dataset {dataset}" in str(caught.value)
    return caught.value


def replaced(df: pd.DataFrame, row: int, column: str, value) -> pd.DataFrame:
    df = df.copy()
    if isinstance(df[column].dtype, pd.CategoricalDtype):
        df[column] = df[column].cat.add_categories([value]) if value not in df[column].cat.categories else df[column]
    df.loc[row, column] = value
    return df


@pytest.mark.parametrize("dataset", DATASETS)
def test_a_well_formed_table_passes_for_every_configured_dataset(dataset):
    df = observations(dataset)
    assert list(df.columns) == expected_columns(dataset)
    validated = validate_observations(df, dataset)
    pd.testing.assert_frame_equal(validated, df)


def test_old_and_combined_flags_and_every_conf_code_pass():
    rows = [
        {"geo": g, "time_period": 2025, "value": v, "obs_status": f, "conf_status": c}
        for g, v, f, c in [
            ("AT", 0.0, "n", None), ("BE", 3.0, "ep", None), ("BG", 3.0, "bu", None), ("CY", 3.0, "r", None),
            ("CZ", 3.0, "s", None), ("DE", np.nan, "z", None), ("DK", np.nan, None, "C"),
            ("EE", np.nan, None, "N"), ("EL", np.nan, None, "P"), ("ES", 100.0, "d", None),
        ]
    ]
    validate_observations(observations(rows=rows), AI)


def test_an_extra_dimension_is_named():
    df = observations()
    df.insert(6, "sex", pd.Categorical(["T"] * len(df)))
    error = failure(df)
    assert "'sex'" in str(error) and "columns" in str(error)
    assert error.failures.to_dict("records") == [{"column": "sex", "check": "extra column"}]


def test_a_missing_dimension_is_named():
    error = failure(observations().drop(columns="unit"))
    assert "missing column(s) 'unit'" in str(error)
    assert "rule 'columns'" in str(error)


def test_columns_out_of_order_fail():
    df = observations()
    columns = list(df.columns)
    columns[2], columns[3] = columns[3], columns[2]
    assert "columns out of order" in str(failure(df[columns]))


def test_a_lower_case_geo_fails_naming_column_rule_and_row():
    message = str(failure(replaced(observations(), 2, "geo", "be")))
    assert "column 'geo', rule 'geo_code'" in message
    assert "1 failing row" in message
    assert "row 2: A.GE10.C10-S951_X_K.E_AI_TANY.PC_ENT.be 2025 value=19.95" in message


def test_a_year_before_1990_fails():
    message = str(failure(replaced(observations(), 0, "time_period", 1890)))
    assert "column 'time_period', rule 'year_range'" in message
    assert ".BE 1890 value=24.71" in message


def test_a_year_after_next_year_fails():
    message = str(failure(replaced(observations(), 0, "time_period", pd.Timestamp.today().year + 2)))
    assert "rule 'year_range'" in message


def test_a_percentage_above_100_fails_but_other_units_may_be_negative():
    message = str(failure(replaced(observations(), 0, "value", 100.5)))
    assert "column 'value', rule 'percent_range'" in message
    assert "value=100.5" in message
    assert "PC_ENT" in message
    below_zero = replaced(observations(), 0, "value", -0.13)
    assert "rule 'percent_range'" in str(failure(below_zero))
    not_a_percentage = replaced(below_zero, 0, "unit", "NR")
    validate_observations(not_a_percentage, AI)


def test_an_unknown_flag_letter_is_named():
    message = str(failure(replaced(observations(), 1, "obs_status", "bx")))
    assert "column 'obs_status', rule 'known_flags'" in message
    assert "unknown letter(s) 'x'" in message
    assert "obs_status='bx'" in message


def test_an_unknown_conf_code_fails():
    message = str(failure(replaced(observations(), 3, "conf_status", "c")))
    assert "column 'conf_status', rule 'conf_code'" in message


def test_a_confidential_cell_with_a_value_fails():
    message = str(failure(replaced(observations(), 0, "conf_status", "C")))
    assert "column 'value', rule 'confidential_without_value'" in message
    assert "row 0: A.GE10.C10-S951_X_K.E_AI_TANY.PC_ENT.BE 2024 value=24.71 obs_status=NA conf_status='C'" in message


def test_a_duplicate_observation_fails_showing_both_rows():
    df = observations()
    df = pd.concat([df, df.iloc[[4]]], ignore_index=True)
    error = failure(df)
    assert "rule 'multiple_fields_uniqueness' (one observation per series key and time_period)" in str(error)
    assert "2 failing row(s)" in str(error)
    assert "row 4: A.GE10.C10-S951_X_K.E_AI_TANY.PC_ENT.FR 2023" in str(error)
    assert "row 6: A.GE10.C10-S951_X_K.E_AI_TANY.PC_ENT.FR 2023" in str(error)


def test_an_empty_table_fails():
    assert "dataset isoc_eb_ai has no observations" in str(failure(observations().iloc[0:0]))


def test_a_row_of_another_dataset_and_a_null_dimension_fail():
    df = replaced(observations(), 0, "dataset", "isoc_e_dii")
    df.loc[5, "indic_is"] = None
    message = str(failure(df))
    assert "column 'dataset', rule 'dataset_code'" in message
    assert "column 'indic_is', rule 'not_nullable'" in message


def test_a_wrong_dtype_is_reported():
    df = observations().astype({"geo": "object", "value": "object"})
    message = str(failure(df))
    assert "column 'geo'" in message and "category" in message
    assert "column 'value'" in message and "float64" in message


def test_many_failures_are_counted_and_ten_rows_shown():
    rows = [{"geo": "BE", "time_period": year, "value": 150.0} for year in range(2000, 2025)]
    error = failure(observations(rows=rows))
    message = str(error)
    assert "25 failing row(s)" in message
    assert message.count("    row ") == 10
    assert "... and 15 more" in message
    assert set(error.failures["index"].dropna()) == set(range(25))


def test_the_schema_is_generated_from_the_dataset_list():
    for code, spec in DATASETS.items():
        schema = observation_schema(code)
        assert list(schema.columns) == ["dataset", *spec.dimensions, "time_period", "value", "obs_status", "conf_status"]


def test_a_hundred_thousand_rows_validate_in_well_under_a_second_or_two():
    codes = catalogue_codes(AI)
    keys = pd.MultiIndex.from_product(
        [codes["size_emp"], codes["indic_is"], codes["unit"],
         [f"{a}{b}" for a in "ABCDEFGHIJKLMN" for b in "ABCDEFGHIJKLMN"][:160], range(2019, 2024)],
        names=["size_emp", "indic_is", "unit", "geo", "time_period"],
    ).to_frame(index=False)
    df = observations(rows=[{"geo": "BE", "time_period": 2025, "value": 1.0}])
    big = pd.DataFrame({
        "dataset": AI, "freq": "A", "size_emp": keys["size_emp"], "nace_r2": "C10-S951_X_K",
        "indic_is": keys["indic_is"], "unit": keys["unit"], "geo": keys["geo"],
        "time_period": keys["time_period"].astype("int64"),
        "value": np.random.default_rng(1).uniform(0, 100, len(keys)),
        "obs_status": None, "conf_status": None,
    }).astype({c: "category" for c in df.columns if isinstance(df[c].dtype, pd.CategoricalDtype)})
    assert len(big) >= 100_000
    # Its speed is measured in benchmarks/ (scale: validate), not asserted here.
    assert validate_observations(big, AI).equals(big)


def test_the_real_sdmx_csv_excerpt_passes_once_read(samples_dir):
    from pipeline.eurostat import read_observations

    df = read_observations(samples_dir / "isoc_eb_ai" / "EXCERPT_isoc_eb_ai_sdmx_E_AI_TANY_PC_ENT.csv")
    validated = validate_observations(df, AI)
    assert len(validated) == 175
    assert validated.loc[(validated.geo == "MK") & (validated.time_period == 2021), "conf_status"].tolist() == ["C"]


def test_real_data_browser_and_tsv_files_pass_once_read(samples_dir):
    from pipeline.eurostat import read_observations

    for path, dataset in [
        (samples_dir / "isoc_eb_ai" / "isoc_eb_ai.csv", AI),
        (samples_dir / "isoc_e_dii" / "isoc_e_dii.csv", "isoc_e_dii"),
        (samples_dir / "isoc_e_dii" / "estat_isoc_e_dii.tsv", "isoc_e_dii"),
        (samples_dir / "isoc_ec_evals" / "EXCERPT_isoc_ec_evals_sdmx_E_ETURN_PC_TURN_GE10.csv", "isoc_ec_evals"),
    ]:
        validate_observations(read_observations(path, dataset), dataset)
