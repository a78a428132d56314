"""Catalogue entries resolved against the observations Eurostat served: the one long table of the overview's series.

Each entry's variants (one per code version) are looked up in their dataset; a variant only
serves the periods its rule gives, so an E_DI4_GELO figure never stands in for an odd year.
"""

from __future__ import annotations

from typing import Iterator, Mapping

import numpy as np
import pandas as pd

from pipeline.catalogue import Catalogue, IndicatorSpec, Variant
from pipeline.datasets import DATASETS
from pipeline.errors import CatalogueError

SERIES_COLUMNS = ("indicator_id", "version", "geo", "time_period", "value", "obs_status", "conf_status")


def _non_geo(dataset: str) -> list[str]:
    return [d for d in DATASETS[dataset].dimensions if d != "geo"]


def _text(column: pd.Series) -> pd.Series:
    """Categorical/str column -> object column of str, missing as None (what Parquet stores as null)."""
    out = column.astype(object)
    return out.where(out.notna(), None)


def periods_of(column: pd.Series, where: str) -> pd.Series:
    """TIME_PERIOD as int64 years; a non-annual period is refused by name (the overview is yearly)."""
    if pd.api.types.is_integer_dtype(column):
        return column.astype("int64")
    years = pd.to_numeric(column.astype(str), errors="coerce")
    if years.isna().any():
        odd = sorted(column[years.isna()].astype(str).unique())[:5]
        raise CatalogueError(f"{where}: non-annual time periods {odd}")
    return years.astype("int64")


def _match(df: pd.DataFrame, dims: list[str], series: Mapping[str, str]) -> np.ndarray:
    hit = np.ones(len(df), dtype=bool)
    for dim in dims:
        hit &= (df[dim] == series[dim]).to_numpy()
    return hit


def _frame(observations: Mapping[str, pd.DataFrame], dataset: str, specs: list[IndicatorSpec]) -> pd.DataFrame:
    df = observations.get(dataset)
    if df is None:
        raise CatalogueError(f"dataset {dataset} is used by indicator {specs[0].id!r} but was not loaded")
    absent = [c for c in _non_geo(dataset) + ["geo", "time_period", "value"] if c not in df.columns]
    if absent:
        raise CatalogueError(f"dataset {dataset}: observation table lacks column(s) {absent}")
    return df


def variant_rows(catalogue: Catalogue, observations: Mapping[str, pd.DataFrame]
                 ) -> Iterator[tuple[IndicatorSpec, Variant, pd.DataFrame]]:
    """Every (entry, variant) with the observations of its series, all periods (narrowed once per dataset)."""
    for dataset in sorted(catalogue.datasets):
        specs = [s for s in catalogue.indicators if s.dataset == dataset]
        df = _frame(observations, dataset, specs)
        dims = _non_geo(dataset)
        keep = np.ones(len(df), dtype=bool)
        for dim in dims:
            keep &= df[dim].isin({v.series[dim] for s in specs for v in s.variants}).to_numpy()
        narrow = df.loc[keep]
        for spec in specs:
            for variant in spec.variants:
                yield spec, variant, narrow.loc[_match(narrow, dims, variant.series)]


def series_observations(catalogue: Catalogue, observations: Mapping[str, pd.DataFrame],
                        edition: int) -> pd.DataFrame:
    """Every entry's observations in one long table: periods its variants serve, up to its reporting period."""
    pieces = []
    for spec, variant, rows in variant_rows(catalogue, observations):
        periods = periods_of(rows["time_period"], f"indicator {spec.id!r}: dataset {spec.dataset}")
        last = catalogue.reporting_period(spec, edition)
        served = periods.isin([p for p in periods.unique() if p <= last and spec.variant_for(p) == variant])
        rows, periods = rows.loc[served.to_numpy()], periods[served]
        pieces.append(pd.DataFrame({
            "indicator_id": spec.id,
            "version": variant.label,
            "geo": _text(rows["geo"]),
            "time_period": periods,
            "value": rows["value"].astype("float64"),
            "obs_status": _text(rows["obs_status"]) if "obs_status" in rows else None,
            "conf_status": _text(rows["conf_status"]) if "conf_status" in rows else None,
        }))
    if not pieces:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "time_period" else "float64" if c == "value"
                                          else object) for c in SERIES_COLUMNS})
    long = pd.concat(pieces, ignore_index=True)
    long["version"] = long["version"].astype(object).where(long["version"].notna(), None)
    # A confidential cell never carries a usable number, whatever a mirror may have put there.
    long.loc[long["conf_status"].notna(), "value"] = np.nan
    return long.reset_index(drop=True)


def resolve_catalogue(catalogue: Catalogue, observations: Mapping[str, pd.DataFrame]) -> None:
    """Refuse every entry whose series Eurostat does not serve at all, naming the codes that do exist."""
    problems: list[str] = []
    for dataset in sorted(catalogue.datasets):
        specs = [s for s in catalogue.indicators if s.dataset == dataset]
        df = observations.get(dataset)
        absent = [] if df is None else [d for d in _non_geo(dataset) + ["value"] if d not in df.columns]
        if df is None or absent:
            why = "was not loaded" if df is None else f"has no column(s) {absent}"
            problems += [f"indicator {s.id!r}: dataset {dataset} {why}" for s in specs]
    if not problems:
        for spec, variant, rows in variant_rows(catalogue, observations):
            problem = _unresolved(spec, variant, rows, observations[spec.dataset])
            if problem:
                problems.append(problem)
    if problems:
        one = len(problems) == 1
        raise CatalogueError(
            f"{len(problems)} catalogue entr{'y does' if one else 'ies do'} not resolve against the downloaded "
            "data:\n  - " + "\n  - ".join(problems)
        )


def _unresolved(spec: IndicatorSpec, variant: Variant, rows: pd.DataFrame, df: pd.DataFrame) -> str | None:
    dims = _non_geo(spec.dataset)
    version = f" (version {variant.label})" if variant.label else ""
    if len(rows):
        if rows["value"].notna().any():
            return None
        return (f"indicator {spec.id!r}{version}: series {variant.key(tuple(dims))} of dataset {spec.dataset} "
                "has observations but no value in any period or country")
    # Pin the dimensions one by one in DSD order and report the first code the data lacks, with
    # the codes that do exist alongside those already pinned: what the statistician chooses from.
    within = np.ones(len(df), dtype=bool)
    for position, dim in enumerate(dims):
        step = within & (df[dim] == variant.series[dim]).to_numpy()
        if not step.any():
            before = dims[:position]
            present = sorted(str(c) for c in df.loc[within, dim].dropna().unique())
            alongside = " alongside " + ", ".join(f"{d}={variant.series[d]}" for d in before) if before else ""
            return (f"indicator {spec.id!r}{version}: dataset {spec.dataset} has no {dim}={variant.series[dim]}"
                    f"{alongside}; codes it has for {dim}: {', '.join(present) or '(none)'}")
        within = step
    raise AssertionError("unreachable: every dimension matched but the series was not found")


def codes_with_period(spec: IndicatorSpec, df: pd.DataFrame, period: int) -> dict[str, list[str]]:
    """For each dimension a version changes (or indic_is), the codes of the dataset that have `period`
    alongside the entry's other codes: 'E_DI3_GELO has 2025' when E_DI4_GELO does not."""
    varying = sorted(set().union(*(v.codes for v in spec.versions))) if spec.versions else ["indic_is"]
    dims = _non_geo(spec.dataset)
    base = spec.variants[0].series
    mask = (periods_of(df["time_period"], spec.dataset) == int(period)).to_numpy() & df["value"].notna().to_numpy()
    out = {}
    for dim in varying:
        others = mask.copy()
        for d in dims:
            if d != dim:
                others &= (df[d] == base[d]).to_numpy()
        out[dim] = sorted(str(c) for c in df.loc[others, dim].dropna().unique())
    return out
