"""Distance to a policy target (the Digital Decade's 2030 targets) for every member and target entry.

For each row of an entry with a target and a value:
- `gap_to_target`: target - value in percentage points, 0 once reached;
- `required_yearly_change`: the straight line from this value to the target by the target year,
  gap / (target_year - time_period), in points a year (0 once reached);
- `recent_yearly_change`: the average yearly change over the last comparable periods: from the
  earliest to this one of at most `window` observations of the same code version (any version
  when the entry says versions compare), (value - earlier value) / (years between); None with
  fewer than two;
- `on_track`: recent pace >= required pace (True once reached, None without a recent pace);
- `projected_value`: the value at the target year at the recent pace, within 0-100.
Nothing is computed on a row without a value: a target is never measured against a figure
Eurostat did not publish.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pipeline.catalogue import Catalogue

TARGET_COLUMNS = ("target_value", "target_year", "gap_to_target", "required_yearly_change",
                  "recent_yearly_change", "on_track", "projected_value")
WINDOW = 3


def distance_to_target(indicators: pd.DataFrame, catalogue: Catalogue, window: int = WINDOW) -> pd.DataFrame:
    """The indicators table with the target columns added (null for entries without a target)."""
    out = indicators.copy()
    out["target_value"] = np.nan
    out["target_year"] = pd.array([pd.NA] * len(out), dtype="Int64")
    for column in ("gap_to_target", "required_yearly_change", "recent_yearly_change", "projected_value"):
        out[column] = np.nan
    out["on_track"] = pd.array([pd.NA] * len(out), dtype="boolean")
    specs = catalogue.by_id
    for (indicator_id, geo), rows in out.groupby(["indicator_id", "geo"], sort=False):
        target = specs[indicator_id].target if indicator_id in specs else None
        if target is None:
            continue
        comparable = specs[indicator_id].versions_comparable
        rows = rows.sort_values("time_period")
        goal = target.for_member(geo)
        out.loc[rows.index, "target_value"] = goal
        out.loc[rows.index, "target_year"] = target.year
        seen: list[tuple[int, float, object]] = []
        for index, period, value, version in zip(rows.index, rows["time_period"], rows["value"],
                                                 rows["series_version"]):
            if pd.isna(value):
                continue
            seen.append((int(period), float(value), version))
            same = [s for s in seen if comparable or s[2] == version][-window:]
            years_left = target.year - int(period)
            gap = max(goal - float(value), 0.0)
            required = gap / years_left if gap > 0 and years_left > 0 else (0.0 if gap == 0 else np.nan)
            recent = ((same[-1][1] - same[0][1]) / (same[-1][0] - same[0][0])) if len(same) >= 2 else np.nan
            out.loc[index, "gap_to_target"] = gap
            out.loc[index, "required_yearly_change"] = required
            out.loc[index, "recent_yearly_change"] = recent
            out.loc[index, "on_track"] = True if gap == 0 else (pd.NA if np.isnan(recent) or np.isnan(required)
                                                                else bool(recent >= required))
            out.loc[index, "projected_value"] = (np.nan if np.isnan(recent)
                                                 else float(np.clip(value + recent * years_left, 0, 100)))
    return out
