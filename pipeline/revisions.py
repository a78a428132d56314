"""Revisions: the values Eurostat revised since the previous version of the edition (and the previous edition)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

REVISION_COLUMNS = (
    "indicator_id", "geo", "time_period", "old_value", "old_obs_status", "old_conf_status", "new_value",
    "new_obs_status", "new_conf_status", "compared_with",
)
# Float noise below this is not a revision (Eurostat publishes at most a few decimals).
_REVISION_TOLERANCE = 1e-9


def figures(indicators: pd.DataFrame, rankings: pd.DataFrame) -> pd.DataFrame:
    """Every member's figure (rankings) plus the focus rows (indicators: also values that are withheld)."""
    cols = ["indicator_id", "geo", "time_period", "value", "obs_status", "conf_status"]
    both = pd.concat([indicators[cols].astype("object"), rankings[cols].astype("object")], ignore_index=True)
    both = both.drop_duplicates(["indicator_id", "geo", "time_period"], keep="first")
    for col in ("indicator_id", "geo", "obs_status", "conf_status"):
        both[col] = both[col].map(lambda v: None if v is None or pd.isna(v) or str(v) == "" else str(v))
    both["time_period"] = both["time_period"].astype("int64")
    both["value"] = pd.to_numeric(both["value"]).astype("float64")
    return both


def _compare(old: pd.DataFrame, new: pd.DataFrame, compared_with: str) -> pd.DataFrame:
    """Rows whose value or flags changed, for the indicator periods both releases cover."""
    keys = ["indicator_id", "geo", "time_period"]
    covered = old[["indicator_id", "time_period"]].drop_duplicates().merge(
        new[["indicator_id", "time_period"]].drop_duplicates())
    both = old.merge(covered).merge(new.merge(covered), on=keys, how="outer", suffixes=("_old", "_new"))
    same_value = (both["value_old"].isna() & both["value_new"].isna()) | (
        (both["value_old"] - both["value_new"]).abs() <= _REVISION_TOLERANCE)
    same_flags = [
        both[f"{c}_old"].fillna("\0") == both[f"{c}_new"].fillna("\0") for c in ("obs_status", "conf_status")
    ]
    changed = both[~(same_value & same_flags[0] & same_flags[1])]
    return pd.DataFrame({
        "indicator_id": changed["indicator_id"], "geo": changed["geo"], "time_period": changed["time_period"],
        "old_value": changed["value_old"], "old_obs_status": changed["obs_status_old"],
        "old_conf_status": changed["conf_status_old"], "new_value": changed["value_new"],
        "new_obs_status": changed["obs_status_new"], "new_conf_status": changed["conf_status_new"],
        "compared_with": compared_with,
    })


def revisions(folder: Path, edition: int, figures_now: pd.DataFrame,
              latest_version: Callable[[Path], Path | None]) -> tuple[pd.DataFrame, dict]:
    """Against the edition's latest version, and the previous edition's latest for the periods both cover.

    `folder` is the edition's folder; `latest_version(edition_folder)` finds a latest version (or None).
    """
    compared, found = [], []
    for ed in (edition, edition - 1):
        ed_folder = folder.parent / str(ed)
        path = latest_version(ed_folder) if ed_folder.is_dir() else None
        if path is None:
            continue
        old = figures(pd.read_parquet(path / "indicators.parquet"), pd.read_parquet(path / "rankings.parquet"))
        compared.append(f"{ed}/{path.name}")
        found.append(_compare(old, figures_now, compared[-1]))
    table = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=list(REVISION_COLUMNS))
    table = table.sort_values(["compared_with", "indicator_id", "time_period", "geo"], kind="mergesort")
    table = table.reset_index(drop=True).astype({
        "indicator_id": "string", "geo": "string", "time_period": "int64", "old_value": "float64",
        "old_obs_status": "string", "old_conf_status": "string", "new_value": "float64",
        "new_obs_status": "string", "new_conf_status": "string", "compared_with": "string",
    })
    summary = {
        "count": len(table),
        "by_indicator": {str(k): int(v) for k, v in table.groupby("indicator_id").size().sort_index().items()},
        "compared_with": compared,
    }
    return table, summary
