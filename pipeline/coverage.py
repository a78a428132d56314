"""What Eurostat actually served for each catalogue entry, and why a figure of an edition is missing.

Coverage: per entry and code version, the periods with a value in the downloaded data, set
beside the periods the catalogue declares; codes that look like a version the catalogue does
not know (E_DI5_GELO beside E_DI3_GELO and E_DI4_GELO) are listed, never ignored.
Gaps: every figure an edition should show and cannot, with the reason in words.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

import pandas as pd

from pipeline.catalogue import Catalogue, IndicatorSpec
from pipeline.datasets import DATASETS
from pipeline.geo import EU27, EU27_AGGREGATE
from pipeline.key_figures import FLAG_WORDS
from pipeline.series import codes_with_period, periods_of, variant_rows

COVERAGE_COLUMNS = ("indicator_id", "version", "series", "declared", "periods", "first", "last",
                    "undeclared_periods", "status")
GAP_COLUMNS = ("indicator_id", "geo", "time_period", "headline", "blocking", "reason")
_PUBLISHED = EU27 | {EU27_AGGREGATE}


def _years(rows: pd.DataFrame, where: str) -> list[int]:
    """Periods with a value for an EU member or the EU27 (what the overview can show)."""
    shown = rows.loc[rows["value"].notna() & rows["geo"].astype(str).isin(_PUBLISHED)]
    return sorted(int(p) for p in periods_of(shown["time_period"], where).unique())


def _version_pattern(spec: IndicatorSpec) -> dict[str, re.Pattern] | None:
    """Per changing dimension, a pattern the version codes share with digits free (E_DI\\d+_GELO)."""
    if not spec.versions:
        return None
    out = {}
    for dim in spec.versions[0].codes:
        shapes = {re.sub(r"\d+", r"\\d+", re.escape(v.codes[dim])) for v in spec.versions}
        if len(shapes) == 1:
            out[dim] = re.compile(shapes.pop())
    return out or None


def compute_coverage(catalogue: Catalogue, observations: Mapping[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per entry and code version (plus unknown versions): declared vs present periods."""
    rows = []
    for spec, variant, found in variant_rows(catalogue, observations):
        where = f"indicator {spec.id!r}: dataset {spec.dataset}"
        present = _years(found, where)
        undeclared = [p for p in present if spec.variant_for(p) != variant]
        declared = variant.periods.describe()
        if spec.periods != variant.periods and spec.periods.describe() != "every year":
            declared += f"; entry: {spec.periods.describe()}"
        rows.append({
            "indicator_id": spec.id, "version": variant.label,
            "series": variant.key(DATASETS[spec.dataset].dimensions),
            "declared": declared, "periods": ", ".join(map(str, present)),
            "first": present[0] if present else None, "last": present[-1] if present else None,
            "undeclared_periods": ", ".join(map(str, undeclared)),
            "status": ("no value in any period" if not present else
                       "values in periods the catalogue does not assign to this code" if undeclared else "ok"),
        })
        if variant is spec.variants[-1]:
            rows.extend(_unknown_versions(spec, observations[spec.dataset]))
    return pd.DataFrame(rows, columns=list(COVERAGE_COLUMNS))


def _unknown_versions(spec: IndicatorSpec, df: pd.DataFrame) -> list[dict]:
    patterns = _version_pattern(spec)
    if not patterns:
        return []
    dims = DATASETS[spec.dataset].dimensions
    known = {dim: {v.codes[dim] for v in spec.versions} for dim in patterns}
    out = []
    for dim, pattern in patterns.items():
        others = pd.Series(True, index=df.index)
        for d in dims:
            if d not in ("geo", dim):
                others &= df[d] == spec.series[d]
        codes = sorted(str(c) for c in df.loc[others, dim].dropna().unique()
                       if pattern.fullmatch(str(c)) and str(c) not in known[dim])
        for code in codes:
            rows = df.loc[others & (df[dim] == code)]
            present = _years(rows, f"indicator {spec.id!r}: dataset {spec.dataset}")
            series = {**spec.series, dim: code}
            out.append({
                "indicator_id": spec.id, "version": f"unknown: {code}",
                "series": ".".join(series[d] for d in dims if d != "geo"), "declared": "not in the catalogue",
                "periods": ", ".join(map(str, present)),
                "first": present[0] if present else None, "last": present[-1] if present else None,
                "undeclared_periods": ", ".join(map(str, present)),
                "status": "new version of the series, not in the catalogue",
            })
    return out


def _flag_text(obs_status) -> str:
    if obs_status is None or pd.isna(obs_status) or not str(obs_status):
        return "not available"
    words = [FLAG_WORDS[letter]["en"] if letter in FLAG_WORDS else f"flag {letter}" for letter in str(obs_status)]
    return f"not available (flag {obs_status}: {', '.join(words)})"


def figure_gaps(catalogue: Catalogue, long: pd.DataFrame, observations: Mapping[str, pd.DataFrame],
                edition: int, geos: Iterable[str], blocking_geos: Iterable[str] = ()) -> pd.DataFrame:
    """Every (entry, member) without a value in the edition's reporting period, with the reason.

    A headline gap blocks the release for the members in `blocking_geos` unless Eurostat did not
    survey the statistic that year by design (the catalogue's periods say so): then nothing was
    published to miss.
    """
    geos, blocking_geos = list(geos), set(blocking_geos)
    by_key = {k: g for k, g in long.groupby(["indicator_id", "time_period"], sort=False)}
    out = []
    for spec in catalogue.indicators:
        period = catalogue.reporting_period(spec, edition)
        designed = spec.why_not_surveyed(period)
        here = by_key.get((spec.id, period))
        for geo in geos:
            row = None if here is None else here.loc[here["geo"] == geo]
            if row is not None and len(row) and row["value"].notna().any():
                continue
            if designed:
                reason, blocking = designed, False
            else:
                reason = _reason(spec, period, geo, here, row, long, observations)
                blocking = spec.headline and geo in blocking_geos
            out.append({"indicator_id": spec.id, "geo": geo, "time_period": period,
                        "headline": spec.headline, "blocking": blocking, "reason": reason})
    return pd.DataFrame(out, columns=list(GAP_COLUMNS))


def _reason(spec, period, geo, here, row, long, observations) -> str:
    if row is not None and len(row):
        first = row.iloc[0]
        if first["conf_status"] is not None and not pd.isna(first["conf_status"]):
            return f"confidential ({first['conf_status']})"
        return _flag_text(first["obs_status"])
    if here is not None and here["value"].notna().any():
        return f"not published for {geo} in {period}"
    earlier = long.loc[(long["indicator_id"] == spec.id) & long["value"].notna(), "time_period"]
    # `long` stops at the edition's reporting period: a past edition knows nothing later.
    newest = (f"newest period with a value: {int(earlier.max())}" if len(earlier)
              else f"no value in any period up to {period}")
    key = spec.series_key("<geo>", period).rsplit(".", 1)[0]
    text = f"no value published for {period} (series {key}; {newest})"
    alternatives = codes_with_period(spec, observations[spec.dataset], period)
    hints = [f"{dim} {', '.join(codes)} {'has' if len(codes) == 1 else 'have'} {period}"
             for dim, codes in alternatives.items() if codes]
    if hints:
        text += f"; in {spec.dataset}, alongside the entry's other codes, " + "; ".join(hints)
    return text
