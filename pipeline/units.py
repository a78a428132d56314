"""What a Eurostat unit code means for the checks: the one rule for "this is a percentage"."""

from __future__ import annotations

import pandas as pd

PERCENT_PREFIX = "PC_"


def is_percent(unit) -> bool:
    """Eurostat's percentage units all start with PC_ (PC_ENT, PC_IND_BUY3, PC_TURN, PC_EMP, ...)."""
    return isinstance(unit, str) and unit.startswith(PERCENT_PREFIX)


def percent_mask(units: pd.Series) -> pd.Series:
    """Row-wise is_percent for a column of unit codes (categorical or text)."""
    return units.astype(str).str.startswith(PERCENT_PREFIX)
