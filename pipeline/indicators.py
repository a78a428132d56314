"""The focus country's indicators and the EU27 rankings, derived from observation tables via the catalogue."""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from pipeline.catalogue import Catalogue, IndicatorSpec
from pipeline.datasets import DATASETS
from pipeline.errors import CatalogueError
from pipeline.geo import EU27, EU27_AGGREGATE

RANKING_COLUMNS = (
    "indicator_id", "dataset", "series_key", "time_period", "geo", "value", "obs_status",
    "conf_status", "rank", "n_ranked", "eu_value", "is_focus",
)
INDICATOR_COLUMNS = (
    "indicator_id", "title_en", "title_nl", "title_fr", "topic", "dataset", "series_key", "geo",
    "time_period", "value", "obs_status", "conf_status", "unit", "eu_value", "diff_eu",
    "prev_time_period", "prev_value", "change", "rank", "n_ranked", "eurostat_last_update",
)
_TEXT = "object"
RANKING_DTYPES = {
    "indicator_id": _TEXT, "dataset": _TEXT, "series_key": _TEXT, "time_period": "int64",
    "geo": _TEXT, "value": "float64", "obs_status": _TEXT, "conf_status": _TEXT, "rank": "Int64",
    "n_ranked": "Int64", "eu_value": "float64", "is_focus": "bool",
}
INDICATOR_DTYPES = {
    "indicator_id": _TEXT, "title_en": _TEXT, "title_nl": _TEXT, "title_fr": _TEXT, "topic": _TEXT,
    "dataset": _TEXT, "series_key": _TEXT, "geo": _TEXT, "time_period": "int64", "value": "float64",
    "obs_status": _TEXT, "conf_status": _TEXT, "unit": _TEXT, "eu_value": "float64",
    "diff_eu": "float64", "prev_time_period": "Int64", "prev_value": "float64", "change": "float64",
    "rank": "Int64", "n_ranked": "Int64", "eurostat_last_update": _TEXT,
}
_LONG = ["indicator_id", "geo", "time_period", "value", "obs_status", "conf_status"]


def series_key(spec: IndicatorSpec, geo: str) -> str:
    """Eurostat series key in DSD order, geo included, e.g. `A.GE10.C10-S951_X_K.E_AI_TANY.PC_ENT.BE`."""
    return ".".join(geo if dim == "geo" else spec.series[dim] for dim in DATASETS[spec.dataset].dimensions)


def _check_focus(focus_geo: str) -> None:
    if focus_geo not in EU27:
        raise ValueError(
            f"focus country {focus_geo!r} is not one of the 27 EU member states; "
            "the overview ranks a member among the 27"
        )


def _text(column: pd.Series) -> pd.Series:
    """Categorical/str column -> object column of str, missing as None (what Parquet stores as null)."""
    out = column.astype(object)
    return out.where(out.notna(), None)


def _years(periods: pd.Series, spec: IndicatorSpec) -> pd.Series:
    if pd.api.types.is_integer_dtype(periods):
        return periods.astype("int64")
    years = pd.to_numeric(periods.astype(str), errors="coerce")
    if years.isna().any():
        odd = sorted(periods[years.isna()].astype(str).unique())[:5]
        raise CatalogueError(
            f"indicator {spec.id!r}: dataset {spec.dataset} has non-annual time periods {odd} for this series"
        )
    return years.astype("int64")


def _series_observations(
    catalogue: Catalogue, observations: Mapping[str, pd.DataFrame], edition: int
) -> pd.DataFrame:
    """Every catalogue series in one long table (periods up to each entry's reporting period)."""
    pieces = []
    for dataset in sorted(catalogue.datasets):
        specs = [s for s in catalogue.indicators if s.dataset == dataset]
        df = observations.get(dataset)
        if df is None:
            raise CatalogueError(f"dataset {dataset} is used by indicator {specs[0].id!r} but was not loaded")
        dims = [d for d in DATASETS[dataset].dimensions if d != "geo"]
        absent = [c for c in dims + ["geo", "time_period", "value"] if c not in df.columns]
        if absent:
            raise CatalogueError(f"dataset {dataset}: observation table lacks column(s) {absent}")
        # Narrow the whole table once (isin on categoricals is cheap), then mask per entry.
        keep = np.ones(len(df), dtype=bool)
        for dim in dims:
            keep &= df[dim].isin({s.series[dim] for s in specs}).to_numpy()
        narrow = df.loc[keep]
        for spec in specs:
            hit = np.ones(len(narrow), dtype=bool)
            for dim in dims:
                hit &= (narrow[dim] == spec.series[dim]).to_numpy()
            rows = narrow.loc[hit]
            piece = pd.DataFrame(
                {
                    "indicator_id": spec.id,
                    "geo": _text(rows["geo"]),
                    "time_period": _years(rows["time_period"], spec),
                    "value": rows["value"].astype("float64"),
                    "obs_status": _text(rows["obs_status"]) if "obs_status" in rows else None,
                    "conf_status": _text(rows["conf_status"]) if "conf_status" in rows else None,
                }
            )
            pieces.append(piece[piece["time_period"] <= catalogue.reporting_period(spec, edition)])
    if not pieces:
        return pd.DataFrame({c: pd.Series(dtype=RANKING_DTYPES[c]) for c in _LONG})
    long = pd.concat(pieces, ignore_index=True)
    # A confidential cell never carries a usable number, whatever a mirror may have put there.
    long.loc[long["conf_status"].notna(), "value"] = np.nan
    return long


def _order(catalogue: Catalogue, ids: pd.Series) -> pd.Series:
    return ids.map({spec.id: i for i, spec in enumerate(catalogue.indicators)})


def _typed(df: pd.DataFrame, dtypes: dict[str, str]) -> pd.DataFrame:
    out = pd.DataFrame({c: df[c].astype(t) if len(df) else pd.Series(dtype=t) for c, t in dtypes.items()})
    return out.reset_index(drop=True)


def _eu_values(long: pd.DataFrame) -> pd.DataFrame:
    """Eurostat's own EU27_2020 value per indicator and period (never recomputed)."""
    eu = long.loc[long["geo"] == EU27_AGGREGATE, ["indicator_id", "time_period", "value"]]
    return eu.drop_duplicates(["indicator_id", "time_period"]).rename(columns={"value": "eu_value"})


def _rank(catalogue: Catalogue, long: pd.DataFrame, focus_geo: str) -> pd.DataFrame:
    ranked = long.loc[long["geo"].isin(EU27) & long["value"].notna() & long["conf_status"].isna()].copy()
    # Flipping the sign makes "higher is better" an ascending rank too; ties stay exact ties.
    sign = ranked["indicator_id"].map({s.id: -1.0 if s.higher_is_better else 1.0 for s in catalogue.indicators})
    groups = [ranked["indicator_id"], ranked["time_period"]]
    ranked["rank"] = (ranked["value"] * sign).groupby(groups).rank(method="min")
    ranked["n_ranked"] = ranked.groupby(groups)["value"].transform("size")
    ranked = ranked.merge(_eu_values(long), on=["indicator_id", "time_period"], how="left")
    specs = catalogue.by_id
    ranked["dataset"] = ranked["indicator_id"].map({i: s.dataset for i, s in specs.items()})
    ranked["series_key"] = [series_key(specs[i], g) for i, g in zip(ranked["indicator_id"], ranked["geo"])]
    ranked["is_focus"] = ranked["geo"] == focus_geo
    ranked = ranked.assign(_order=_order(catalogue, ranked["indicator_id"]))
    ranked = ranked.sort_values(["_order", "time_period", "rank", "geo"], kind="stable")
    return _typed(ranked, RANKING_DTYPES)


def compute_rankings(
    catalogue: Catalogue, observations: Mapping[str, pd.DataFrame], edition: int, focus_geo: str
) -> pd.DataFrame:
    """One row per indicator, period (<= reporting period) and EU member with a usable value, ranked (1 = best)."""
    _check_focus(focus_geo)
    return _rank(catalogue, _series_observations(catalogue, observations, edition), focus_geo)


def compute_indicators(
    catalogue: Catalogue,
    observations: Mapping[str, pd.DataFrame],
    edition: int,
    focus_geo: str,
    rankings: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per indicator and period for the focus country: value, flags, EU value, change, rank."""
    _check_focus(focus_geo)
    long = _series_observations(catalogue, observations, edition)
    if rankings is None:
        rankings = _rank(catalogue, long, focus_geo)
    keys = ["indicator_id", "time_period"]

    table = long[keys].drop_duplicates()
    focus = long.loc[long["geo"] == focus_geo, keys + ["value", "obs_status", "conf_status"]]
    table = table.merge(focus.drop_duplicates(keys), on=keys, how="left")
    table = table.merge(_eu_values(long), on=keys, how="left")
    counts = rankings.groupby(keys, observed=True).size().rename("n_ranked").reset_index()
    table = table.merge(counts, on=keys, how="left")
    focus_ranks = rankings.loc[rankings["geo"] == focus_geo, keys + ["rank"]]
    table = table.merge(focus_ranks, on=keys, how="left")
    table["n_ranked"] = table["n_ranked"].fillna(0)

    table = table.assign(_order=_order(catalogue, table["indicator_id"]))
    table = table.sort_values(["_order", "time_period"], kind="stable").reset_index(drop=True)
    by_indicator = table["indicator_id"]
    # The previous period *with a value*: a gap year is skipped, not reported as "no change".
    valid_period = table["time_period"].where(table["value"].notna())
    table["prev_time_period"] = valid_period.groupby(by_indicator).shift().groupby(by_indicator).ffill()
    table["prev_value"] = table["value"].groupby(by_indicator).shift().groupby(by_indicator).ffill()
    table["change"] = table["value"] - table["prev_value"]
    table["diff_eu"] = table["value"] - table["eu_value"]

    specs = catalogue.by_id
    spec_of = table["indicator_id"].map(specs)
    for lang in ("en", "nl", "fr"):
        table[f"title_{lang}"] = spec_of.map(lambda s: s.title[lang])
    table["topic"] = spec_of.map(lambda s: s.topic)
    table["dataset"] = spec_of.map(lambda s: s.dataset)
    table["unit"] = spec_of.map(lambda s: s.unit)
    table["series_key"] = spec_of.map(lambda s: series_key(s, focus_geo))
    table["geo"] = focus_geo
    updates = {ds: observations[ds].attrs.get("eurostat_last_update") for ds in catalogue.datasets}
    table["eurostat_last_update"] = table["dataset"].map(updates)
    table["obs_status"] = table["obs_status"].where(table["obs_status"].notna(), None)
    table["conf_status"] = table["conf_status"].where(table["conf_status"].notna(), None)
    return _typed(table, INDICATOR_DTYPES)


# --- Pure checks for the Dagster asset checks: an empty result means OK. ---


def missing_headline_values(indicators: pd.DataFrame, catalogue: Catalogue, edition: int) -> pd.DataFrame:
    """Headline indicators without a focus value in the edition's reporting period."""
    rows = []
    for spec in catalogue.headline:
        period = catalogue.reporting_period(spec, edition)
        if not spec.surveyed(period):
            continue  # a past edition before the series existed: nothing was published to miss
        row = indicators.loc[(indicators["indicator_id"] == spec.id) & (indicators["time_period"] == period)]
        if row.empty:
            rows.append((spec.id, period, "no observation for this period"))
        elif row["value"].isna().all():
            flags = f"obs_status={row['obs_status'].iloc[0]}, conf_status={row['conf_status'].iloc[0]}"
            rows.append((spec.id, period, f"value missing ({flags})"))
    return pd.DataFrame(rows, columns=["indicator_id", "time_period", "problem"])


def ranking_universe_problems(rankings: pd.DataFrame) -> list[str]:
    """Rankings that leave the EU27 universe or whose ranks and counts do not add up."""
    problems = []
    outside = sorted(set(rankings["geo"]) - EU27)
    if outside:
        problems.append(f"rankings contain geo(s) outside the EU27: {outside}")
    keys = ["indicator_id", "time_period"]
    dup = rankings[rankings.duplicated(keys + ["geo"], keep=False)]
    if len(dup):
        problems.append(f"rankings have {len(dup)} rows duplicating (indicator_id, time_period, geo): "
                        f"{dup[keys + ['geo']].head(5).to_dict('records')}")
    for label, bad in (
        ("n_ranked > 27", rankings["n_ranked"] > len(EU27)),
        ("rank < 1", rankings["rank"] < 1),
        ("rank > n_ranked", rankings["rank"] > rankings["n_ranked"]),
        ("confidential value ranked", rankings["conf_status"].notna()),
        ("missing value ranked", rankings["value"].isna()),
    ):
        bad = bad.fillna(False).astype(bool)
        if bad.any():
            problems.append(f"rankings: {label} in {int(bad.sum())} row(s): "
                            f"{rankings.loc[bad, keys + ['geo']].head(5).to_dict('records')}")
    sizes = rankings.groupby(keys).agg(rows=("geo", "size"), n_ranked=("n_ranked", "max"), best=("rank", "min"))
    wrong = sizes[(sizes["rows"] != sizes["n_ranked"]) | (sizes["best"] != 1)]
    if len(wrong):
        problems.append(f"rankings: n_ranked differs from the rows ranked, or no rank 1, for "
                        f"{wrong.reset_index()[keys].head(5).to_dict('records')}")
    return problems


def units_of(table: pd.DataFrame) -> pd.Series:
    """The unit of each row: the `unit` column, or read from the series key (rankings)."""
    if "unit" in table.columns:
        return table["unit"].astype(str)
    # Rankings carry no unit column: the unit sits at the dataset's unit position in the key.
    position = table["dataset"].map(lambda ds: DATASETS[ds].dimensions.index("unit"))
    return pd.Series([k.split(".")[p] for k, p in zip(table["series_key"], position)], index=table.index)


def percent_out_of_range(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of an indicators or rankings table whose percentage (unit PC_*) lies outside 0-100."""
    is_pc = units_of(table).str.startswith("PC_")
    bad = pd.Series(False, index=table.index)
    for column in ("value", "eu_value", "prev_value"):
        if column in table.columns:
            bad |= is_pc & ~table[column].between(0, 100) & table[column].notna()
    return table.loc[bad]


def implausible_jumps(indicators: pd.DataFrame, threshold_pp: float = 15.0) -> pd.DataFrame:
    """Focus values that moved more than `threshold_pp` percentage points since the previous value."""
    jump = indicators["change"].abs() > threshold_pp
    columns = ["indicator_id", "prev_time_period", "prev_value", "time_period", "value", "change", "obs_status"]
    return indicators.loc[jump.fillna(False), columns]
