"""What a Eurostat unit code means for the checks: the one rule for "this is a percentage", and each row's unit."""

from __future__ import annotations

import pandas as pd

from pipeline.datasets import DATASETS

PERCENT_PREFIX = "PC_"


def is_percent(unit) -> bool:
    """Eurostat's percentage units all start with PC_ (PC_ENT, PC_IND_BUY3, PC_TURN, PC_EMP, ...)."""
    return isinstance(unit, str) and unit.startswith(PERCENT_PREFIX)


def percent_mask(units: pd.Series) -> pd.Series:
    """Row-wise is_percent for a column of unit codes (categorical or text)."""
    return units.astype(str).str.startswith(PERCENT_PREFIX)


def units_of(table: pd.DataFrame) -> pd.Series:
    """The unit of each row: the `unit` column, or read from the series key (rankings carry no unit)."""
    if "unit" in table.columns:
        return table["unit"].astype(str)
    position = table["dataset"].map(lambda ds: DATASETS[ds].dimensions.index("unit"))
    return pd.Series([k.split(".")[p] for k, p in zip(table["series_key"], position)], index=table.index)
