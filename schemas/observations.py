"""Pandera schemas of the observation table, one per dataset, generated from `pipeline.datasets`."""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors

from pipeline.datasets import dataset_spec
from pipeline.errors import ValidationFailed
from pipeline.units import PERCENT_PREFIX, percent_mask

GEO_PATTERN = r"^[A-Z]{2}$|^(EU|EA)[A-Z0-9_]*$"
# Observation status letters since January 2025, then the older vintages' c r s z.
OBS_STATUS_LETTERS = frozenset("bdefimnpu") | frozenset("crsz")
CONF_STATUS_CODES = ("C", "N", "P")
FIRST_YEAR = 1990
MAX_ROWS_SHOWN = 10

# rule name -> (column it is about, what the rule says); names are what Pandera reports.
RULES: dict[str, tuple[str | None, str]] = {
    "dataset_code": ("dataset", "every row carries the dataset's own code"),
    "string_codes": (None, "codes are strings"),
    "geo_code": ("geo", f"geo matches {GEO_PATTERN}"),
    "year_range": ("time_period", "time_period is a year in [{first}, {last}]"),
    "known_flags": ("obs_status", "observation status letters in b d e f i m n p u (old c r s z)"),
    "conf_code": ("conf_status", "conf_status is one of C, N, P"),
    "percent_range": ("value", "value in [0, 100] when the unit is a percentage ({units})"),
    "confidential_without_value": ("value", "no value where conf_status is set (confidential cell)"),
    "not_nullable": (None, "dimension codes are never null"),
    "multiple_fields_uniqueness": (None, "one observation per series key and time_period"),
}


def _per_category(series: pd.Series, is_ok) -> pd.Series | bool:
    """Apply a vectorised test to the distinct codes only, then map back (nulls pass)."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        ok = np.append(_as_bool(is_ok(series.cat.categories.to_series())), True)
        return pd.Series(ok[series.cat.codes.to_numpy()], index=series.index)  # code -1 = null
    distinct = pd.Series(series.dropna().unique())
    bad = distinct[~_as_bool(is_ok(distinct))]
    return ~series.isin(bad)


def _as_bool(result) -> np.ndarray:
    return pd.Series(result).eq(True).to_numpy()  # a null test result fails


def _all_strings(codes: pd.Series):
    return codes.map(lambda c: isinstance(c, str))  # runs on the distinct codes only


def _flag_letters_known(flags: pd.Series):
    return flags.map(lambda f: isinstance(f, str) and bool(f) and set(f) <= OBS_STATUS_LETTERS)


def _check(fn, name: str, **kwargs) -> pa.Check:
    return pa.Check(fn, name=name, **kwargs)


def _dimension(name: str) -> pa.Column:
    checks = [_check(lambda s: _per_category(s, _all_strings), "string_codes")]
    if name == "geo":
        checks.append(_check(lambda s: _per_category(s, lambda c: c.str.fullmatch(GEO_PATTERN)), "geo_code"))
    return pa.Column("category", checks=checks, nullable=False)


@lru_cache(maxsize=None)
def _schema(dataset: str, last_year: int) -> pa.DataFrameSchema:
    spec = dataset_spec(dataset)
    def percent_in_range(df: pd.DataFrame) -> pd.Series:
        value = df["value"]
        return ~(percent_mask(df["unit"]) & ((value < 0) | (value > 100)))

    columns = {
        "dataset": pa.Column(
            "category", nullable=False,
            checks=_check(lambda s: _per_category(s, lambda c: c == dataset), "dataset_code"),
        ),
        **{dim: _dimension(dim) for dim in spec.dimensions},
        "time_period": pa.Column("int64", checks=_check(lambda s: s.between(FIRST_YEAR, last_year), "year_range")),
        "value": pa.Column("float64", nullable=True),
        "obs_status": pa.Column(
            "category", nullable=True, checks=_check(lambda s: _per_category(s, _flag_letters_known), "known_flags")
        ),
        "conf_status": pa.Column(
            "category", nullable=True,
            checks=_check(lambda s: _per_category(s, lambda c: c.isin(CONF_STATUS_CODES)), "conf_code"),
        ),
    }
    return pa.DataFrameSchema(
        columns,
        checks=[
            _check(percent_in_range, "percent_range"),
            _check(lambda df: df["conf_status"].isna() | df["value"].isna(), "confidential_without_value"),
        ],
        strict=True,
        ordered=True,
        unique=[*spec.dimensions, "time_period"],
        report_duplicates="all",
        name=f"observations of {dataset}",
    )


def observation_schema(dataset: str) -> pa.DataFrameSchema:
    """The Pandera schema of one dataset's observation table."""
    return _schema(dataset, date.today().year + 1)


def expected_columns(dataset: str) -> list[str]:
    """Column names of the observation table, in order."""
    return ["dataset", *dataset_spec(dataset).dimensions, "time_period", "value", "obs_status", "conf_status"]


def _check_columns(df: pd.DataFrame, dataset: str) -> None:
    # Before Pandera's strict mode, so a dataset that grew or lost a dimension is named plainly.
    expected = expected_columns(dataset)
    actual = [str(c) for c in df.columns]
    extra = [c for c in actual if c not in expected]
    missing = [c for c in expected if c not in actual]
    problems = []
    if extra:
        problems.append(
            f"unexpected column(s) {', '.join(map(repr, extra))}: Eurostat added a dimension or the table "
            f"is not {dataset}'s (expected dimensions {', '.join(dataset_spec(dataset).dimensions)})"
        )
    if missing:
        problems.append(f"missing column(s) {', '.join(map(repr, missing))}")
    if not problems and actual != expected:
        problems.append(f"columns out of order: {', '.join(actual)} (expected {', '.join(expected)})")
    if problems:
        failures = pd.DataFrame(
            [{"column": c, "check": "extra column"} for c in extra]
            + [{"column": c, "check": "missing column"} for c in missing]
        )
        raise ValidationFailed(
            f"dataset {dataset}: rule 'columns', " + "; ".join(problems), dataset=dataset, failures=failures
        )
    if df.empty:
        raise ValidationFailed(f"dataset {dataset} has no observations (rule 'not empty')", dataset=dataset)


def _describe_row(df: pd.DataFrame, label, dimensions: tuple[str, ...]) -> str:
    row = df.loc[label]
    key = ".".join("?" if pd.isna(row[d]) else str(row[d]) for d in dimensions)

    def shown(v):
        return "NA" if pd.isna(v) else repr(v.item() if isinstance(v, np.generic) else v)

    return (
        f"    row {label}: {key} {row['time_period']} value={shown(row['value'])} "
        f"obs_status={shown(row['obs_status'])} conf_status={shown(row['conf_status'])}"
    )


def _describe(df: pd.DataFrame, dataset: str, failures: pd.DataFrame) -> str:
    spec = dataset_spec(dataset)
    last_year = date.today().year + 1
    parts = []
    for check, group in failures.groupby("check", sort=False, dropna=False):
        column, rule = RULES.get(str(check), (None, str(check)))
        for placeholder, text in (("{first}", FIRST_YEAR), ("{last}", last_year), ("{units}", f"{PERCENT_PREFIX}*")):
            rule = rule.replace(placeholder, str(text))  # not str.format: the geo pattern has braces
        columns = column or ", ".join(dict.fromkeys(group["column"].astype(str)))
        rows = pd.unique(group["index"].dropna())
        if len(rows) == 0:  # a column-wide failure such as a wrong dtype
            cases = ", ".join(map(str, group["failure_case"]))
            parts.append(f"- column {columns!r}, rule {check!r}: {cases}")
            continue
        line = f"- column {columns!r}, rule {check!r} ({rule}): {len(rows)} failing row(s)"
        if check == "known_flags":
            letters = sorted(set("".join(map(str, group["failure_case"]))) - OBS_STATUS_LETTERS)
            line += f"; unknown letter(s) {', '.join(map(repr, letters))}"
        shown = [_describe_row(df, label, spec.dimensions) for label in rows[:MAX_ROWS_SHOWN]]
        more = [f"    ... and {len(rows) - MAX_ROWS_SHOWN} more"] if len(rows) > MAX_ROWS_SHOWN else []
        parts.append("\n".join([line, *shown, *more]))
    return f"dataset {dataset} failed validation:\n" + "\n".join(parts)


def validate_observations(df: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """Validate one dataset's observations; raise ValidationFailed naming column, rule and rows."""
    schema = observation_schema(dataset)
    _check_columns(df, dataset)
    # failure reports point at rows by label: make labels unique if the caller's are not
    checked = df if df.index.is_unique else df.reset_index(drop=True)
    try:
        return schema.validate(checked, lazy=True)
    except SchemaErrors as error:
        failures = error.failure_cases
        raise ValidationFailed(_describe(checked, dataset, failures), dataset=dataset, failures=failures) from None
