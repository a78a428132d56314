"""The focus country's indicators and the EU27 rankings, derived from the series table via the catalogue."""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from pipeline.catalogue import Catalogue, IndicatorSpec
from pipeline.coverage import figure_gaps
from pipeline.geo import EU27, EU27_AGGREGATE
from pipeline.series import series_observations
from pipeline.targets import distance_to_target
from pipeline.units import percent_mask, units_of
from schemas.tables import Indicators, Rankings, dtypes

# The contract is schemas/tables.py: column order and dtypes come from there.
RANKING_DTYPES = dtypes(Rankings)
INDICATOR_DTYPES = dtypes(Indicators)
RANKING_COLUMNS = tuple(RANKING_DTYPES)
INDICATOR_COLUMNS = tuple(INDICATOR_DTYPES)


def series_key(spec: IndicatorSpec, geo: str, period: int | None = None) -> str:
    """Eurostat series key in DSD order, geo included, of the code serving `period`."""
    return spec.series_key(geo, period)


def _check_focus(focus_geo: str) -> None:
    if focus_geo not in EU27:
        raise ValueError(
            f"focus country {focus_geo!r} is not one of the 27 EU member states; "
            "the overview ranks a member among the 27"
        )


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
    ranked["series_key"] = [series_key(specs[i], g, p) for i, g, p in
                            zip(ranked["indicator_id"], ranked["geo"], ranked["time_period"])]
    ranked["is_focus"] = ranked["geo"] == focus_geo
    ranked = ranked.assign(_order=_order(catalogue, ranked["indicator_id"]))
    ranked = ranked.sort_values(["_order", "time_period", "rank", "geo"], kind="stable")
    return _typed(ranked, RANKING_DTYPES)


def compute_rankings(
    catalogue: Catalogue, observations: Mapping[str, pd.DataFrame], edition: int, focus_geo: str,
    long: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per indicator, period (<= reporting period) and EU member with a usable value, ranked (1 = best)."""
    _check_focus(focus_geo)
    if long is None:
        long = series_observations(catalogue, observations, edition)
    return _rank(catalogue, long, focus_geo)


def _comparable_changes(spec: IndicatorSpec, rows: pd.DataFrame) -> pd.DataFrame:
    """Previous comparable period, its value, the change and a note, per period of one entry.

    Comparable = the same code version (or any version when the entry says versions compare); a
    version change in between is said, not bridged, and Eurostat's break flag `b` is repeated.
    """
    prev_period, prev_value, notes = [], [], []
    seen: list[tuple[int, float, str | None]] = []  # earlier periods with a value
    for period, value, version, status in zip(rows["time_period"], rows["value"], rows["series_version"],
                                              rows["obs_status"]):
        same = [s for s in seen if spec.versions_comparable or s[2] == version]
        previous = same[-1] if same else None
        note = []
        skipped = [s for s in seen if previous is None or s[0] > previous[0]]
        if skipped and not pd.isna(value):
            other = skipped[-1]
            note.append(f"{other[0]} was measured with {other[2] or 'another code'}, not comparable with "
                        f"{version}; " + (f"change against {previous[0]}" if previous else "no earlier comparable period"))
        if isinstance(status, str) and "b" in status and not pd.isna(value):
            note.append(f"break in series in {period} (Eurostat flag b): compare with earlier years with care")
        prev_period.append(previous[0] if previous else None)
        prev_value.append(previous[1] if previous else np.nan)
        notes.append("; ".join(note) or None)
        if not pd.isna(value):
            seen.append((int(period), float(value), version))
    return pd.DataFrame({"prev_time_period": pd.array(prev_period, dtype="Int64"), "prev_value": prev_value,
                         "comparability_note": notes}, index=rows.index)


def compute_indicators(
    catalogue: Catalogue,
    observations: Mapping[str, pd.DataFrame],
    edition: int,
    focus_geo: str,
    rankings: pd.DataFrame | None = None,
    long: pd.DataFrame | None = None,
    members: Iterable[str] | None = None,
    last_updates: Mapping[str, str | None] | None = None,
) -> pd.DataFrame:
    """One row per indicator, period and member: value, flags, EU value, change, rank.

    `last_updates` (dataset -> Eurostat's last update) comes from the datasets' provenance; without
    it, the date the reader found in each file.

    `members` defaults to the focus country alone; the release passes all 27. The edition's
    reporting period always has a row for every member: without a value, `missing_reason` says why.
    """
    _check_focus(focus_geo)
    members = list(members) if members is not None else [focus_geo]
    for geo in members:
        _check_focus(geo)
    if long is None:
        long = series_observations(catalogue, observations, edition)
    if rankings is None:
        rankings = _rank(catalogue, long, focus_geo)
    keys = ["indicator_id", "time_period"]

    periods = long[keys].drop_duplicates()
    reporting = pd.DataFrame({"indicator_id": [s.id for s in catalogue.indicators],
                              "time_period": [catalogue.reporting_period(s, edition) for s in catalogue.indicators]})
    periods = pd.concat([periods, reporting], ignore_index=True).drop_duplicates()
    table = periods.merge(pd.DataFrame({"geo": members}), how="cross")
    values = long.loc[long["geo"].isin(members), keys + ["geo", "value", "obs_status", "conf_status"]]
    table = table.merge(values.drop_duplicates(keys + ["geo"]), on=keys + ["geo"], how="left")
    table = table.merge(_eu_values(long), on=keys, how="left")
    counts = rankings.groupby(keys, observed=True).size().rename("n_ranked").reset_index()
    table = table.merge(counts, on=keys, how="left")
    table = table.merge(rankings[keys + ["geo", "rank"]], on=keys + ["geo"], how="left")
    table["n_ranked"] = table["n_ranked"].fillna(0)

    specs = catalogue.by_id
    table = table.assign(_order=_order(catalogue, table["indicator_id"]), _geo=table["geo"].map(members.index))
    table = table.sort_values(["_order", "_geo", "time_period"], kind="stable").reset_index(drop=True)
    table["series_version"] = [getattr(specs[i].variant_for(p), "label", None)
                               for i, p in zip(table["indicator_id"], table["time_period"])]
    changes = [_comparable_changes(specs[i], rows) for (i, _), rows in table.groupby(["indicator_id", "geo"], sort=False)]
    table = table.join(pd.concat(changes)) if changes else table.assign(
        prev_time_period=pd.array([], dtype="Int64"), prev_value=np.nan, comparability_note=None)
    table["change"] = table["value"] - table["prev_value"]
    table["diff_eu"] = table["value"] - table["eu_value"]

    spec_of = table["indicator_id"].map(specs)
    for lang in ("en", "nl", "fr"):
        table[f"title_{lang}"] = spec_of.map(lambda s: s.title[lang])
    table["topic"] = spec_of.map(lambda s: s.topic)
    table["dataset"] = spec_of.map(lambda s: s.dataset)
    table["unit"] = spec_of.map(lambda s: s.unit)
    table["series_key"] = [series_key(s, g, p) for s, g, p in zip(spec_of, table["geo"], table["time_period"])]
    table["reference_period"] = table["time_period"] + spec_of.map(lambda s: s.reference_offset)
    updates = {ds: (last_updates[ds] if last_updates is not None else observations[ds].attrs.get("eurostat_last_update"))
               for ds in catalogue.datasets}
    table["eurostat_last_update"] = table["dataset"].map(updates)
    table["obs_status"] = table["obs_status"].where(table["obs_status"].notna(), None)
    table["conf_status"] = table["conf_status"].where(table["conf_status"].notna(), None)
    gaps = figure_gaps(catalogue, long, observations, edition, members)
    reasons = {(g.indicator_id, g.geo, int(g.time_period)): g.reason for g in gaps.itertuples()}
    table["missing_reason"] = [reasons.get((i, g, int(p))) for i, g, p in
                               zip(table["indicator_id"], table["geo"], table["time_period"])]
    return _typed(distance_to_target(table, catalogue), INDICATOR_DTYPES)


# --- Pure checks for the Dagster asset checks: an empty result means OK. ---


GAP_COLUMNS = ["indicator_id", "geo", "time_period", "problem"]


def _gaps(indicators: pd.DataFrame, catalogue: Catalogue, edition: int) -> pd.DataFrame:
    """Rows of the edition's reporting periods without a value, with the problem in words."""
    periods = {s.id: catalogue.reporting_period(s, edition) for s in catalogue.indicators}
    rows = indicators.loc[indicators["indicator_id"].map(periods) == indicators["time_period"]]
    rows = rows.loc[rows["value"].isna()]
    reason = rows["missing_reason"] if "missing_reason" in rows else pd.Series(None, index=rows.index, dtype=object)
    flags = "value missing (obs_status=" + rows["obs_status"].astype(str) + ", conf_status=" + \
        rows["conf_status"].astype(str) + ")"
    out = rows[["indicator_id", "geo", "time_period"]].assign(problem=reason.where(reason.notna(), flags))
    have = set(zip(indicators["indicator_id"], indicators["time_period"]))
    absent = [(s.id, periods[s.id]) for s in catalogue.indicators if (s.id, periods[s.id]) not in have]
    extra = pd.DataFrame([(i, None, p, "no observation for this period") for i, p in absent], columns=GAP_COLUMNS)
    return pd.concat([out, extra], ignore_index=True) if len(extra) else out.reset_index(drop=True)


def _blocking(gaps: pd.DataFrame, catalogue: Catalogue, edition: int, focus_geo: str | None) -> pd.Series:
    """A headline Eurostat surveys that year, missing for the focus member: the release would be wrong
    without it. By design not surveyed (the catalogue's periods) blocks nothing: nothing was published."""
    specs = catalogue.by_id
    surveyed_headline = gaps["indicator_id"].map(
        lambda i: specs[i].headline and specs[i].surveyed(catalogue.reporting_period(specs[i], edition)))
    mine = gaps["geo"].isna() | (gaps["geo"] == focus_geo) if focus_geo else pd.Series(True, index=gaps.index)
    return (surveyed_headline & mine).astype(bool)


def missing_headline_values(indicators: pd.DataFrame, catalogue: Catalogue, edition: int,
                            focus_geo: str | None = None) -> pd.DataFrame:
    """Headline figures of the edition missing for the focus member (every member when None): blocking."""
    gaps = _gaps(indicators, catalogue, edition)
    return gaps.loc[_blocking(gaps, catalogue, edition, focus_geo), GAP_COLUMNS].reset_index(drop=True)


def missing_figures(indicators: pd.DataFrame, catalogue: Catalogue, edition: int,
                    focus_geo: str | None = None) -> pd.DataFrame:
    """Every other figure of the edition without a value, per member, with the reason (not blocking)."""
    gaps = _gaps(indicators, catalogue, edition)
    return gaps.loc[~_blocking(gaps, catalogue, edition, focus_geo), GAP_COLUMNS].reset_index(drop=True)


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


def percent_out_of_range(table: pd.DataFrame) -> pd.DataFrame:
    """Rows of an indicators or rankings table whose percentage (unit PC_*) lies outside 0-100."""
    is_pc = percent_mask(units_of(table))
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
