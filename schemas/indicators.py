"""Pandera schemas of the indicators and rankings tables (the release contract of DESIGN.md)."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from pipeline.errors import ValidationFailed
from pipeline.units import percent_mask
from pipeline.geo import EU27
from pipeline.indicators import INDICATOR_DTYPES, RANKING_DTYPES, units_of

_MEMBERS = sorted(EU27)
_CONF = ["C", "N", "P"]
_MAX_RANKED = len(EU27)


def _within_percent(column: str):
    def check(df: pd.DataFrame) -> pd.Series:
        values = df[column]
        return ~percent_mask(units_of(df)) | values.isna() | values.between(0, 100)

    return pa.Check(check, name=f"{column}_within_0_100_for_PC_units",
                    error=f"{column} must lie within 0-100 when the unit starts with PC_")


def _rank_within_n_ranked(df: pd.DataFrame) -> pd.Series:
    return (df["rank"].isna() | (df["rank"] <= df["n_ranked"])).fillna(False).astype(bool)


def _confidential_has_no_value(df: pd.DataFrame) -> pd.Series:
    return df["conf_status"].isna() | df["value"].isna()


def _previous_is_earlier(df: pd.DataFrame) -> pd.Series:
    prev = df["prev_time_period"]
    return (prev.isna() | (prev < df["time_period"])).fillna(False).astype(bool)


def _text(nullable: bool = False, *checks: pa.Check) -> pa.Column:
    return pa.Column(object, checks=list(checks), nullable=nullable)


_ID = pa.Check.str_matches(r"^[a-z0-9_]+$")

indicators_schema = pa.DataFrameSchema(
    {
        "indicator_id": _text(False, _ID),
        "title_en": _text(),
        "title_nl": _text(),
        "title_fr": _text(),
        "topic": _text(),
        "dataset": _text(),
        "series_key": _text(),
        "geo": _text(False, pa.Check.isin(_MEMBERS)),
        "time_period": pa.Column("int64", pa.Check.in_range(1990, 2100)),
        "value": pa.Column("float64", nullable=True),
        "obs_status": _text(True),
        "conf_status": _text(True, pa.Check.isin(_CONF)),
        "unit": _text(),
        "eu_value": pa.Column("float64", nullable=True),
        "diff_eu": pa.Column("float64", nullable=True),
        "prev_time_period": pa.Column("Int64", nullable=True),
        "prev_value": pa.Column("float64", nullable=True),
        "change": pa.Column("float64", nullable=True),
        "rank": pa.Column("Int64", pa.Check.ge(1), nullable=True),
        "n_ranked": pa.Column("Int64", pa.Check.in_range(0, _MAX_RANKED)),
        "eurostat_last_update": _text(True),
        "series_version": _text(True),
        "reference_period": pa.Column("Int64", pa.Check.in_range(1990, 2100), nullable=True),
        "missing_reason": _text(True),
        "comparability_note": _text(True),
    },
    checks=[
        pa.Check(_rank_within_n_ranked, name="rank_within_n_ranked", error="rank must be <= n_ranked"),
        pa.Check(_confidential_has_no_value, name="confidential_has_no_value",
                 error="a confidential observation must not carry a value"),
        pa.Check(_previous_is_earlier, name="previous_period_is_earlier",
                 error="prev_time_period must be earlier than time_period"),
        pa.Check(lambda df: df["value"].isna() | df["missing_reason"].isna(), name="missing_reason_only_when_missing",
                 error="missing_reason is set only on rows without a value"),
        _within_percent("value"),
        _within_percent("eu_value"),
    ],
    unique=["indicator_id", "time_period"],
    strict=True,
    ordered=True,
    name="indicators",
)

rankings_schema = pa.DataFrameSchema(
    {
        "indicator_id": _text(False, _ID),
        "dataset": _text(),
        "series_key": _text(),
        "time_period": pa.Column("int64", pa.Check.in_range(1990, 2100)),
        "geo": _text(False, pa.Check.isin(_MEMBERS)),
        "value": pa.Column("float64"),  # only members with a value are ranked
        "obs_status": _text(True),
        # confidential values are never ranked
        "conf_status": pa.Column(object, nullable=True, checks=pa.Check(lambda s: s.isna(), name="never_confidential")),
        "rank": pa.Column("Int64", pa.Check.ge(1)),
        "n_ranked": pa.Column("Int64", pa.Check.in_range(1, _MAX_RANKED)),
        "eu_value": pa.Column("float64", nullable=True),
        "is_focus": pa.Column(bool),
    },
    checks=[
        pa.Check(_rank_within_n_ranked, name="rank_within_n_ranked", error="rank must be <= n_ranked"),
        _within_percent("value"),
        _within_percent("eu_value"),
    ],
    unique=["indicator_id", "time_period", "geo"],
    strict=True,
    ordered=True,
    name="rankings",
)

assert list(indicators_schema.columns) == list(INDICATOR_DTYPES), "schema and computed columns diverge"
assert list(rankings_schema.columns) == list(RANKING_DTYPES), "schema and computed columns diverge"


def _describe(table: str, df: pd.DataFrame, failures: pd.DataFrame) -> str:
    """One line per (column, rule) naming the failing rows by position, indicator_id, time_period, geo."""
    keys = [c for c in ("indicator_id", "time_period", "geo") if c in df.columns]
    # Table-wide row checks report every column of a failing row: name such a rule once per row.
    row_rule = (failures["schema_context"] == "DataFrameSchema") & failures["index"].notna()
    failures = failures.assign(
        column=failures["column"].where(~row_rule, "<row>").fillna(table).astype(str),
        check=failures["check"].astype(str),
    )
    failures = failures.drop_duplicates(["column", "check", "index"]) if row_rule.any() else failures
    lines = []
    for (column, check), cases in failures.groupby(["column", "check"], sort=False):
        rows = []
        for index, case in zip(cases["index"].head(10), cases["failure_case"].head(10)):
            if pd.notna(index) and 0 <= int(index) < len(df):
                where = ", ".join(f"{k}={df[k].iat[int(index)]}" for k in keys)
                rows.append(f"row {int(index)} ({where})" + ("" if column == "<row>" else f": {case!r}"))
            else:
                rows.append(repr(case))
        more = f" (+{len(cases) - 10} more)" if len(cases) > 10 else ""
        what = f"rule {check}" if column == "<row>" else f"column {column!r}, rule {check}"
        lines.append(f"{what}: " + "; ".join(rows) + more)
    return f"{table} table failed validation:\n  - " + "\n  - ".join(lines)


def _validate(schema: pa.DataFrameSchema, df: pd.DataFrame) -> pd.DataFrame:
    # Positional index: row numbers in messages, and wide checks need unique labels.
    positional = df.reset_index(drop=True)
    try:
        schema.validate(positional, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases
        raise ValidationFailed(
            _describe(schema.name, positional, failures), dataset=schema.name, failures=failures
        ) from None
    return df


def validate_indicators(df: pd.DataFrame) -> pd.DataFrame:
    """Validate an indicators table; raise ValidationFailed naming table, column, rule and rows."""
    return _validate(indicators_schema, df)


def validate_rankings(df: pd.DataFrame) -> pd.DataFrame:
    """Validate a rankings table; raise ValidationFailed naming table, column, rule and rows."""
    return _validate(rankings_schema, df)
