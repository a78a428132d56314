"""Small helpers that turn tables into metadata a user reads in the Dagster UI."""

from __future__ import annotations

import pandas as pd
from dagster import MetadataValue, TableColumn, TableSchema

from schemas.tables import columns


def markdown_table(df: pd.DataFrame, max_rows: int = 10) -> MetadataValue:
    """A Markdown table of the first rows (pandas' to_markdown needs tabulate, which we do not ship)."""
    shown = df.head(max_rows)
    cols = [str(c) for c in shown.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in shown.itertuples(index=False):
        cells = ["" if pd.isna(v) else str(v) for v in row]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    if len(df) > max_rows:
        lines.append(f"\n{len(df) - max_rows:,} more rows")
    return MetadataValue.md("\n".join(lines))


def column_schema(model) -> TableSchema:
    """The contract's columns (schemas/tables.py) as the table schema the Dagster UI shows."""
    return TableSchema(columns=[TableColumn(name, dtype, description=description)
                                for name, dtype, _, description in columns(model)])
