"""Edition-level assets: rankings, indicators and the release of one edition of the overview.

An edition is named by its publication year (edition 2026 reports survey year 2025); it is the
partition key. The maths is in `pipeline.indicators`, the publishing in `pipeline.release`.
"""

import base64
import functools

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetIn,
    Failure,
    MaterializeResult,
    MetadataValue,
    Output,
    TimeWindowPartitionsDefinition,
    asset,
)

from assets.ingest import OWNERS, observations_key
from assets.metadata import column_schema, markdown_table
from assets.resources import OverviewSettings, PipelineStore
from pipeline.datasets import DATASETS
from pipeline.catalogue import Catalogue
from pipeline.coverage import compute_coverage
from pipeline.errors import PipelineError
from pipeline.indicators import (
    compute_indicators,
    compute_rankings,
    implausible_jumps,
    missing_figures,
    missing_headline_values,
    percent_out_of_range,
    ranking_universe_problems,
)
from pipeline.series import resolve_catalogue, series_observations
from pipeline.comparisons import peer_comparisons
from pipeline.countries import country_name
from pipeline.geo import EU27
from pipeline.peers import load_peer_groups
from schemas.tables import Indicators, Rankings
from pipeline.chart_png import PRINT_DPI, png_members, print_png
from pipeline.products import members as members_product
from pipeline.provenance import DatasetProvenance, ObservedDataset, frames_and_provenance
from pipeline.release import presentation_from_catalogue, publish_release
from schemas.indicators import validate_indicators, validate_rankings

# Edition 2021 is the first with the AI module; `end_offset=1` makes the current year's edition
# available from 1 January (Eurostat publishes its survey year N-1 during year N).
editions = TimeWindowPartitionsDefinition(cron_schedule="0 0 1 1 *", fmt="%Y", start="2021", end_offset=1)

# Every configured dataset feeds the edition's figures; which series are read is the catalogue's
# business (the `overview` resource), loaded when a step runs, not when this module is imported.
OBSERVATION_INS = {f"obs_{code}": AssetIn(key=observations_key(code)) for code in sorted(DATASETS)}


def _observed(inputs: dict[str, ObservedDataset]) -> tuple[dict[str, pd.DataFrame], dict[str, DatasetProvenance]]:
    """The observations' frames and their provenance, keyed by dataset code."""
    return frames_and_provenance({name.removeprefix("obs_"): o for name, o in inputs.items()})


def _edition(context: AssetExecutionContext) -> int:
    return int(context.partition_key)


def _check(name: str, problems: pd.DataFrame | list, *, passed: str, blocking_severity=AssetCheckSeverity.ERROR):
    failed = len(problems) > 0
    metadata = {"problems": len(problems)}
    if failed:
        metadata["details"] = (
            markdown_table(problems, max_rows=20) if isinstance(problems, pd.DataFrame)
            else MetadataValue.md("\n".join(f"- {p}" for p in problems[:20]))
        )
    return AssetCheckResult(
        check_name=name, passed=not failed, severity=blocking_severity,
        description=passed if not failed else f"{len(problems)} problem(s)", metadata=metadata,
    )


@asset(
    group_name="indicators",
    owners=OWNERS,
    partitions_def=editions,
    ins=OBSERVATION_INS,
    description=(
        "The series table of the edition: every catalogue entry resolved against the observations, one row per "
        "entry, code version, geo and period it reports (built once, read by rankings and indicators). A code "
        "Eurostat does not serve at all stops here, naming the entry and the codes that exist."
    ),
)
def series(context: AssetExecutionContext, overview: OverviewSettings, **observation_inputs) -> Output:
    edition = _edition(context)
    observations, _ = _observed(observation_inputs)
    try:
        catalogue = overview.catalogue()
        resolve_catalogue(catalogue, observations)
        long = series_observations(catalogue, observations, edition)
    except PipelineError as err:
        raise Failure(description=str(err)) from err
    return Output(long, metadata={"rows": len(long), "entries": int(long["indicator_id"].nunique())})


@asset(
    group_name="indicators",
    owners=OWNERS,
    partitions_def=editions,
    ins={"series": AssetIn()},
    check_specs=[
        AssetCheckSpec("ranking_universe_is_eu27", asset="rankings", blocking=True,
                       description="Only the 27 member states are ranked; no aggregate or non-member slipped in."),
        AssetCheckSpec("percentages_within_0_100", asset="rankings", blocking=True,
                       description="Every percentage ranked lies within 0-100."),
    ],
    description=(
        "Every EU member with a value, per catalogue indicator and period, ranked (1 = best, ties share "
        "the lowest rank); confidential or missing members are left out and counted."
    ),
)
def rankings(context: AssetExecutionContext, overview: OverviewSettings, series: pd.DataFrame):
    edition = _edition(context)
    try:
        catalogue = overview.catalogue()
        table = validate_rankings(compute_rankings(catalogue, {}, edition, overview.focus_geo, long=series))
    except PipelineError as err:
        raise Failure(description=str(err)) from err
    yield Output(table, metadata={"rows": len(table), "indicators": int(table["indicator_id"].nunique()),
                                  "dagster/column_schema": column_schema(Rankings)})
    yield _check("ranking_universe_is_eu27", ranking_universe_problems(table),
                 passed="every ranked geo is one of the 27 members")
    yield _check("percentages_within_0_100", percent_out_of_range(table), passed="all percentages within 0-100")


def headline_figures(table: pd.DataFrame, catalogue: Catalogue, edition: int, geo: str,
                     comparisons: pd.DataFrame | None = None) -> pd.DataFrame:
    """One member's headline figures of an edition: value, EU27, rank, and its place among its neighbours."""
    periods = {spec.id: catalogue.reporting_period(spec, edition) for spec in catalogue.headline}
    rows = table[(table["geo"] == geo) & table["indicator_id"].isin(list(periods))]
    rows = rows[rows["time_period"] == rows["indicator_id"].map(periods)]
    if comparisons is None:
        comparisons = peer_comparisons(table, catalogue.select(list(periods)), load_peer_groups(), edition)
    place = comparisons[(comparisons["geo"] == geo) & (comparisons["group"] == "neighbours")].set_index("indicator_id")
    shown = rows[["indicator_id", "time_period", "value", "obs_status", "eu_value", "rank", "n_ranked",
                  "missing_reason"]].copy()
    shown["value"] = shown["value"].round(2)
    shown["eu_value"] = shown["eu_value"].round(2)
    shown["neighbours"] = [
        "" if i not in place.index else
        (f"{int(place.at[i, 'place'])} of {int(place.at[i, 'n_placed'])}: " if not pd.isna(place.at[i, "place"]) else "")
        + ", ".join(f"{g} {'' if v is None else round(v, 2)}" for g, v in zip(place.at[i, "peers"], place.at[i, "peer_values"]))
        for i in shown["indicator_id"]]
    return shown


@asset(
    group_name="indicators",
    owners=OWNERS,
    partitions_def=editions,
    ins={"series": AssetIn(), "rankings": AssetIn(), **OBSERVATION_INS},
    check_specs=[
        AssetCheckSpec("headline_values_present", asset="indicators", blocking=True,
                       description="The focus member (FOCUS_GEO) has a value for every headline indicator Eurostat "
                                   "surveys in the edition's period."),
        AssetCheckSpec("percentages_within_0_100", asset="indicators", blocking=True,
                       description="Focus values, EU values and changes stay within 0-100 where a percentage."),
        AssetCheckSpec("plausible_change", asset="indicators", blocking=False,
                       description="Warns when a value jumps by more than 15 percentage points from the previous period."),
        AssetCheckSpec("figures_missing", asset="indicators", blocking=False,
                       description="Lists the non-headline figures of the edition that have no value, with the reason "
                                   "(not surveyed that year, last surveyed in ..., confidential, not published)."),
        AssetCheckSpec("series_versions_known", asset="indicators", blocking=False,
                       description="Warns when Eurostat serves a code the catalogue does not know for a series whose "
                                   "code changes over time (e.g. a new index version), or values in periods the "
                                   "catalogue does not assign to a code."),
    ],
    description=(
        "Every member's figure per catalogue indicator and period (all 27): value and flags, EU27 value, "
        "difference from the EU, previous comparable period and change, rank among the 27, and the distance "
        "to the 2030 targets. Metadata: each member's headline table (FOCUS_GEO first), coverage, missing figures."
    ),
)
def indicators(context: AssetExecutionContext, overview: OverviewSettings, series: pd.DataFrame,
               rankings: pd.DataFrame, **observation_inputs):
    edition = _edition(context)
    observations, origins = _observed(observation_inputs)
    focus = overview.focus_geo
    try:
        catalogue = overview.catalogue()
        table = validate_indicators(compute_indicators(catalogue, observations, edition, focus, rankings=rankings,
                                                       long=series, members=sorted(EU27),
                                                       last_updates={c: o.eurostat_last_update
                                                                     for c, o in origins.items()}))
        coverage = compute_coverage(catalogue, observations)
    except PipelineError as err:
        raise Failure(description=str(err)) from err
    missing = missing_figures(table, catalogue, edition, focus)
    surprises = coverage[coverage["status"] != "ok"]
    # Every member's headline table, the focus member first: any ministry reads its own in the UI.
    members = [focus] + sorted(EU27 - {focus})
    headline = catalogue.select([s.id for s in catalogue.headline])
    comparisons = peer_comparisons(table, headline, load_peer_groups(), edition)
    yield Output(table, metadata={
        "rows": len(table),
        "focus_geo": focus,
        "dagster/column_schema": column_schema(Indicators),
        **{f"headline figures {geo} ({country_name(geo, 'en')})":
           markdown_table(headline_figures(table, catalogue, edition, geo, comparisons), max_rows=50)
           for geo in members},
        "coverage": markdown_table(coverage.drop(columns=["first", "last"]), max_rows=200),
        "missing figures": markdown_table(missing, max_rows=100),
    })
    yield _check("headline_values_present", missing_headline_values(table, catalogue, edition, focus),
                 passed=f"{focus} has a value for every headline indicator")
    yield _check("figures_missing", missing, passed="every figure of the edition has a value",
                 blocking_severity=AssetCheckSeverity.WARN)
    yield _check("series_versions_known", surprises[["indicator_id", "version", "series", "periods", "status"]],
                 passed="every code Eurostat serves for the catalogue's series is a known version",
                 blocking_severity=AssetCheckSeverity.WARN)
    yield _check("percentages_within_0_100", percent_out_of_range(table), passed="all percentages within 0-100")
    yield _check("plausible_change", implausible_jumps(table), passed="no jump above 15 percentage points",
                 blocking_severity=AssetCheckSeverity.WARN)


@asset(
    group_name="release",
    owners=OWNERS,
    partitions_def=editions,
    ins={"indicators": AssetIn(), "rankings": AssetIn(), "eurostat_labels": AssetIn(), **OBSERVATION_INS},
    description=(
        "The versioned, immutable release of the edition under `releases/{edition}/{version}/` with "
        "`latest.json`; a re-run on identical inputs publishes nothing new."
    ),
)
def release(context: AssetExecutionContext, store: PipelineStore, overview: OverviewSettings,
            indicators: pd.DataFrame, rankings: pd.DataFrame, eurostat_labels: pd.DataFrame,
            **observation_inputs) -> MaterializeResult:
    edition = _edition(context)
    observations, origins = _observed(observation_inputs)
    try:
        catalogue = overview.catalogue()
        coverage = compute_coverage(catalogue, observations)
        result = publish_release(
            store.path, edition,
            indicators=indicators, rankings=rankings, observations=observations,
            inputs=origins, focus_geo=overview.focus_geo,
            catalogue_hash=catalogue.sha256, presentation=presentation_from_catalogue(catalogue, edition),
            source=store.source, coverage=coverage, catalogue=catalogue,
            products={"members": functools.partial(members_product, png=overview.chart_png,
                                                    decimals=overview.decimals)},
            missing=missing_figures(indicators, catalogue, edition, overview.focus_geo),
            labels=eurostat_labels,
            renditions={"decimals": overview.decimals, "png_dpi": PRINT_DPI,
                        "png_members": sorted(png_members(overview.chart_png, overview.focus_geo))},
        )
    except PipelineError as err:
        raise Failure(description=str(err)) from err
    context.log.info(result.message)
    focus = overview.focus_geo
    charts = sorted((result.path / "members" / focus / "charts" / "en").glob("*_ranking.svg"))
    metadata = {
        "version": result.version,
        "published": result.published,
        "message": result.message,
        "path": MetadataValue.path(str(result.path)),
        "source": store.source,
        "revisions": int(result.revisions.get("count", 0)),
        f"key figures {focus}": markdown_table(headline_figures(indicators, catalogue, edition, focus), max_rows=50),
        "members": MetadataValue.path(str(result.path / "members")),
    }
    if charts:
        # A screen-size preview drawn from the SVG (about 50 KB in the event log, whatever PIPELINE_CHART_PNG
        # says), not the 170 KB print PNG.
        preview = print_png(charts[0].read_text(encoding="utf-8"), width_px=760, dpi=96)
        png = base64.b64encode(preview).decode("ascii")
        metadata["chart"] = MetadataValue.md(f"![{charts[0].stem}](data:image/png;base64,{png})")
    return MaterializeResult(metadata=metadata)
