"""Validation of the indicators and rankings tables against their contract (schemas/tables.py), with
failures named by table, column, rule and row."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from pipeline.errors import ValidationFailed
from schemas.tables import Indicators, Rankings

indicators_schema = Indicators.to_schema()
rankings_schema = Rankings.to_schema()


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
