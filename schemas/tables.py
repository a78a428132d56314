"""The published tables, each defined once: columns, dtypes, nullability, checks and what each column means.

Everything else reads these models: the computation's column order and dtypes
(`pipeline.indicators`), the release's typing (`pipeline.release`), the validation
(`schemas.indicators`), the column schema shown in the Dagster UI (`assets.metadata`) and the
README's column lists (`python -m schemas.tables`, held equal to the README by a test).
"""

from __future__ import annotations

import sys

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from pipeline.geo import EU27
from pipeline.units import percent_mask, units_of

MEMBERS = sorted(EU27)
CONF = ["C", "N", "P"]
CODE = {"code": True}  # stored as a Parquet dictionary (category): a Eurostat or catalogue code


def _text(description: str, *, nullable: bool = False, code: bool = False, **checks) -> object:
    return pa.Field(nullable=nullable, description=description, metadata=CODE if code else None, **checks)


def _percent_ok(df: pd.DataFrame, column: str) -> pd.Series:
    values = df[column]
    return ~percent_mask(units_of(df)) | values.isna() | values.between(0, 100)


class _Ranked(pa.DataFrameModel):
    """What rankings and indicators share: one row per indicator, period and member, in contract order;
    ranks within their count; percentages within 0-100."""

    class Config:
        strict = True
        ordered = True
        unique = ["indicator_id", "time_period", "geo"]

    @pa.dataframe_check(name="rank_within_n_ranked", error="rank must be <= n_ranked")
    def _rank_within(cls, df: pd.DataFrame) -> pd.Series:
        return (df["rank"].isna() | (df["rank"] <= df["n_ranked"])).fillna(False).astype(bool)

    @pa.dataframe_check(name="value_within_0_100_for_PC_units", error="value must lie within 0-100 when the unit starts with PC_")
    def _value_percent(cls, df: pd.DataFrame) -> pd.Series:
        return _percent_ok(df, "value")

    @pa.dataframe_check(name="eu_value_within_0_100_for_PC_units", error="eu_value must lie within 0-100 when the unit starts with PC_")
    def _eu_percent(cls, df: pd.DataFrame) -> pd.Series:
        return _percent_ok(df, "eu_value")


class Rankings(_Ranked):
    """rankings.parquet: one row per indicator, period and EU member with a value, ranked among the 27."""

    indicator_id: Series[object] = _text("catalogue entry id", code=True, str_matches=r"^[a-z0-9_]+$")
    dataset: Series[object] = _text("Eurostat dataset code", code=True)
    series_key: Series[object] = _text("Eurostat series key in DSD order, geo included, of the code serving the period")
    time_period: Series["int64"] = pa.Field(in_range={"min_value": 1990, "max_value": 2100},
                                            description="Eurostat's TIME_PERIOD (the survey year)")
    geo: Series[object] = _text("EU member code (Greece is EL)", code=True, isin=MEMBERS)
    value: Series["float64"] = pa.Field(description="the member's value (only members with a value are ranked)")
    obs_status: Series[object] = _text("Eurostat observation flags, every letter kept (b, p, u, bu, ...)",
                                       nullable=True, code=True)
    conf_status: Series[object] = pa.Field(nullable=True, description="always empty: confidential values are never ranked",
                                           metadata=CODE)
    rank: Series[pd.Int64Dtype] = pa.Field(ge=1, description="1 = best in the catalogue's direction; ties share the lowest rank")
    n_ranked: Series[pd.Int64Dtype] = pa.Field(in_range={"min_value": 1, "max_value": 27},
                                               description="how many members were ranked (missing and confidential left out)")
    eu_value: Series["float64"] = pa.Field(nullable=True, description="Eurostat's EU27_2020 value (never recomputed)")
    is_focus: Series[bool] = pa.Field(description="kept for earlier report builds; always false since releases serve "
                                                  "all 27 members: filter on geo")

    class Config:
        name = "rankings"

    @pa.dataframe_check(name="never_confidential", error="confidential values are never ranked")
    def _not_confidential(cls, df: pd.DataFrame) -> pd.Series:
        return df["conf_status"].isna()



class Indicators(_Ranked):
    """indicators.parquet: one row per indicator, period and EU member (all 27); the edition's period always has one."""

    indicator_id: Series[object] = _text("catalogue entry id", code=True, str_matches=r"^[a-z0-9_]+$")
    title_en: Series[object] = _text("the entry's title in English")
    title_nl: Series[object] = _text("the entry's title in Dutch")
    title_fr: Series[object] = _text("the entry's title in French")
    topic: Series[object] = _text("the overview's chapter (catalogue topic)", code=True)
    dataset: Series[object] = _text("Eurostat dataset code", code=True)
    series_key: Series[object] = _text("Eurostat series key of the observation the row reports (of the code version "
                                       "serving the period), geo included")
    geo: Series[object] = _text("EU member code (Greece is EL); report builds filter on it", code=True, isin=MEMBERS)
    time_period: Series["int64"] = pa.Field(in_range={"min_value": 1990, "max_value": 2100},
                                            description="Eurostat's TIME_PERIOD (the survey year)")
    value: Series["float64"] = pa.Field(nullable=True, description="the member's value; null when not published (see "
                                                                   "missing_reason), never 0 for ':'")
    obs_status: Series[object] = _text("Eurostat observation flags, every letter kept", nullable=True, code=True)
    conf_status: Series[object] = _text("Eurostat confidentiality (C, N, P)", nullable=True, code=True, isin=CONF)
    unit: Series[object] = _text("Eurostat unit, pinned by the catalogue", code=True)
    eu_value: Series["float64"] = pa.Field(nullable=True, description="Eurostat's EU27_2020 value")
    diff_eu: Series["float64"] = pa.Field(nullable=True, description="value - eu_value, in the unit (points for a %)")
    prev_time_period: Series[pd.Int64Dtype] = pa.Field(nullable=True, description="the previous comparable period with "
                                                                                  "a value (same code version)")
    prev_value: Series["float64"] = pa.Field(nullable=True, description="the value of prev_time_period")
    change: Series["float64"] = pa.Field(nullable=True, description="value - prev_value (percentage points for a %)")
    rank: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1, description="rank among the 27 (1 = best)")
    n_ranked: Series[pd.Int64Dtype] = pa.Field(in_range={"min_value": 0, "max_value": 27},
                                               description="how many members were ranked")
    eurostat_last_update: Series[object] = _text("the dataset's last update at Eurostat", nullable=True)
    series_version: Series[object] = _text("the catalogue's label of the code version serving the period "
                                           "(e.g. DII v3); empty for a single-code entry", nullable=True)
    reference_period: Series[pd.Int64Dtype] = pa.Field(nullable=True, in_range={"min_value": 1990, "max_value": 2100},
                                                       description="the year the figure is about (e-commerce sales: "
                                                                   "time_period - 1)")
    missing_reason: Series[object] = _text("why there is no value (not surveyed that year, last surveyed in ..., "
                                           "confidential, not published, ...)", nullable=True)
    comparability_note: Series[object] = _text("a skipped non-comparable period or a break in series, in words",
                                               nullable=True)
    target_value: Series["float64"] = pa.Field(nullable=True, in_range={"min_value": 0, "max_value": 100},
                                               description="the 2030 target (the member's own where its roadmap sets one)")
    target_year: Series[pd.Int64Dtype] = pa.Field(nullable=True, description="the year the target is to be reached by")
    gap_to_target: Series["float64"] = pa.Field(nullable=True, ge=0, description="target_value - value in points, 0 once "
                                                                                 "reached")
    required_yearly_change: Series["float64"] = pa.Field(nullable=True, ge=0,
                                                         description="gap_to_target / (target_year - time_period): the "
                                                                     "straight line to the target")
    recent_yearly_change: Series["float64"] = pa.Field(nullable=True, description="average yearly change over the last "
                                                       "(up to 3) comparable periods")
    on_track: Series[pd.BooleanDtype] = pa.Field(nullable=True, description="recent_yearly_change >= "
                                                 "required_yearly_change (true once reached)")
    projected_value: Series["float64"] = pa.Field(nullable=True, in_range={"min_value": 0, "max_value": 100},
                                                  description="value at target_year at the recent pace, within 0-100")

    class Config:
        name = "indicators"

    @pa.dataframe_check(name="confidential_has_no_value", error="a confidential observation must not carry a value")
    def _confidential(cls, df: pd.DataFrame) -> pd.Series:
        return df["conf_status"].isna() | df["value"].isna()

    @pa.dataframe_check(name="previous_period_is_earlier", error="prev_time_period must be earlier than time_period")
    def _previous(cls, df: pd.DataFrame) -> pd.Series:
        prev = df["prev_time_period"]
        return (prev.isna() | (prev < df["time_period"])).fillna(False).astype(bool)

    @pa.dataframe_check(name="missing_reason_only_when_missing", error="missing_reason is set only on rows without a value")
    def _reason(cls, df: pd.DataFrame) -> pd.Series:
        return df["value"].isna() | df["missing_reason"].isna()



class Revisions(pa.DataFrameModel):
    """revisions.parquet: the values Eurostat revised since the previous version (or edition) of the release."""

    indicator_id: Series[pd.StringDtype] = pa.Field(description="catalogue entry id")
    geo: Series[pd.StringDtype] = pa.Field(description="EU member code")
    time_period: Series["int64"] = pa.Field(description="Eurostat's TIME_PERIOD")
    old_value: Series["float64"] = pa.Field(nullable=True, description="the value in the release compared with")
    old_obs_status: Series[pd.StringDtype] = pa.Field(nullable=True, description="its flags")
    old_conf_status: Series[pd.StringDtype] = pa.Field(nullable=True, description="its confidentiality")
    new_value: Series["float64"] = pa.Field(nullable=True, description="the value now")
    new_obs_status: Series[pd.StringDtype] = pa.Field(nullable=True, description="its flags now")
    new_conf_status: Series[pd.StringDtype] = pa.Field(nullable=True, description="its confidentiality now")
    compared_with: Series[pd.StringDtype] = pa.Field(description="<edition>/<version> of the release compared with")

    class Config:
        strict = True
        ordered = True
        name = "revisions"


class Labels(pa.DataFrameModel):
    """labels.parquet: the label of every code the catalogue uses, per language (the `eurostat_labels` asset's table, released beside the figures)."""

    codelist: Series[object] = _text("Eurostat codelist id (the dimension upper-cased: SIZE_EMP, GEO, ...)", code=True,
                                     str_matches=r"^[A-Z][A-Z0-9_]*$")
    codelist_version: Series[object] = _text("the version of Eurostat's codelist the labels come from; empty when it "
                                             "could not be read", nullable=True, code=True)
    code: Series[object] = _text("the Eurostat code", code=True)
    lang: Series[object] = _text("language: en, fr, de (Eurostat's) or nl (ours)", code=True,
                                 isin=["en", "fr", "de", "nl"])
    label: Series[object] = _text("the label", str_length={"min_value": 1})
    source: Series[object] = _text("eurostat (Eurostat's codelist), own (our Dutch), fallback (no label in this "
                                   "language: Eurostat's English label, or the code), sample (the demo's synthetic "
                                   "codelists)", code=True, isin=["eurostat", "own", "fallback", "sample"])

    class Config:
        strict = True
        ordered = True
        unique = ["codelist", "code", "lang"]
        name = "labels"


TABLES = {"indicators": Indicators, "rankings": Rankings, "revisions": Revisions, "labels": Labels}


def columns(model: type[pa.DataFrameModel]) -> list[tuple[str, str, bool, str]]:
    """(name, dtype, nullable, description) per column, in contract order."""
    return [(name, str(col.dtype), col.nullable, col.description or "")
            for name, col in model.to_schema().columns.items()]


def dtypes(model: type[pa.DataFrameModel]) -> dict[str, str]:
    return {name: dtype for name, dtype, _, _ in columns(model)}


def code_columns(model: type[pa.DataFrameModel]) -> frozenset[str]:
    return frozenset(name for name, col in model.to_schema().columns.items() if (col.metadata or {}).get("code"))


def markdown(model: type[pa.DataFrameModel]) -> str:
    """The README's column table of one published table."""
    lines = ["| column | type | null | meaning |", "|---|---|---|---|"]
    lines += [f"| `{n}` | {t} | {'yes' if null else 'no'} | {d} |" for n, t, null, d in columns(model)]
    return "\n".join(lines)


if __name__ == "__main__":  # python -m schemas.tables > the README's column lists
    for name, model in TABLES.items():
        sys.stdout.write(f"\n`{name}.parquet`: {model.__doc__.split(': ', 1)[1]}\n\n{markdown(model)}\n")
