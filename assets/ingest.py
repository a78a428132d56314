"""Ingestion assets: the Eurostat catalogue, then per dataset a raw snapshot and its observations.

Generated from the one list of datasets in `pipeline.datasets`; the work is done by `pipeline/`.
"""


import dataclasses

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    AssetsDefinition,
    DagsterType,
    DataVersion,
    Failure,
    MaterializeResult,
    MetadataValue,
    TypeCheck,
    asset,
)

from assets.metadata import markdown_table
from assets.resources import EurostatApi, PipelineStore
from pipeline.datasets import DATASETS, dataset_spec
from pipeline.errors import PipelineError, ValidationFailed
from pipeline.eurostat import read_observations
from pipeline.eurostat.toc import TocEntry, parse_toc
from pipeline.provenance import DatasetProvenance, ObservedDataset
from pipeline.snapshots import sync_dataset
from schemas.observations import validate_observations

OWNERS = ["team:digital-economy-overview"]
# Opens every progress message (bytes received, waiting for an extraction): the CLI prints these
# as they come, and the UI's log reads them as "still going".
PROGRESS_PREFIX = "… "
# No Dagster retry policy: the client is the one retry layer (pipeline/eurostat/retry.py), so a dead
# Eurostat ends a run within the client's bound instead of that bound times Dagster's retries.


def raw_key(dataset: str) -> AssetKey:
    return AssetKey(["raw", dataset])


def observations_key(dataset: str) -> AssetKey:
    return AssetKey(["observations", dataset])


def _client(context: AssetExecutionContext, eurostat: EurostatApi):
    """A Eurostat client for one step, reporting a long download or an asynchronous extraction in the run log."""
    return eurostat.open(progress=lambda progress: context.log.info(PROGRESS_PREFIX + progress.describe()))


def _download_failure(err: PipelineError) -> Failure:
    return Failure(description=str(err), metadata={"error": type(err).__name__, "url": getattr(err, "url", None) or ""},
                   allow_retries=False)


@asset(
    group_name="catalogue",
    owners=OWNERS,
    description="Eurostat's table of contents: the `last update of data` of every dataset.",
)
def eurostat_catalogue(context: AssetExecutionContext, eurostat: EurostatApi) -> pd.DataFrame:
    try:
        with _client(context, eurostat) as client:
            download = client.fetch_catalogue()
        entries = parse_toc(download.body)
    except PipelineError as err:
        raise _download_failure(err) from err
    toc = pd.DataFrame([dataclasses.asdict(e) for e in entries.values()])
    configured = toc[toc["code"].isin(list(DATASETS))][["code", "last_update", "data_start", "data_end", "values"]]
    missing = sorted(set(DATASETS) - set(configured["code"]))
    if missing:
        context.log.warning(f"not in the Eurostat catalogue: {', '.join(missing)} (downloaded anyway)")
    context.add_output_metadata(
        {
            "url": download.url,
            "retrieved_at": download.retrieved_at.isoformat(),
            "sha256": download.sha256,
            "datasets listed": len(toc),
            "configured datasets": markdown_table(configured.sort_values("code"), max_rows=len(DATASETS)),
            "not in catalogue": ", ".join(missing) or "none",
        }
    )
    return toc


def _toc_entry(catalogue: pd.DataFrame, dataset: str) -> TocEntry | None:
    rows = catalogue[catalogue["code"] == dataset]
    if rows.empty:
        return None
    row = rows.iloc[0].to_dict()
    return TocEntry(**{k: (None if pd.isna(v) else v) for k, v in row.items()})


def build_raw_asset(dataset: str) -> AssetsDefinition:
    spec = dataset_spec(dataset)  # refuses a code that could reach a path or URL

    @asset(
        key=raw_key(dataset),
        group_name="raw",
        owners=OWNERS,
        ins={"eurostat_catalogue": AssetIn()},
        description=f"`{dataset}` ({spec.title}): the bytes Eurostat served, one snapshot per Eurostat update.",
    )
    def _raw(
        context: AssetExecutionContext,
        eurostat_catalogue: pd.DataFrame,
        eurostat: EurostatApi,
        store: PipelineStore,
    ) -> MaterializeResult:
        entry = _toc_entry(eurostat_catalogue, dataset)
        try:
            with _client(context, eurostat) as client:
                result = sync_dataset(client, store.raw(), dataset, entry, source=store.source,
                                      force=store.force_download)
        except PipelineError as err:
            raise _download_failure(err) from err
        context.log.info(result.message)
        prov = result.snapshot.provenance
        return MaterializeResult(
            metadata={
                "downloaded": result.downloaded,
                "message": result.message,
                "eurostat_last_update": prov["eurostat_last_update"],
                "sha256": prov["sha256"],
                "bytes": prov["bytes"],
                "url": prov["url"],
                "retrieved_at": prov["retrieved_at"],
                "source": prov["source"],
                "path": MetadataValue.path(str(result.snapshot.data_path)),
            },
            data_version=DataVersion(prov["sha256"]),
        )

    return _raw


def _observations_type(dataset: str) -> DagsterType:
    def check(_context, observed) -> TypeCheck:
        if not isinstance(observed, ObservedDataset):
            return TypeCheck(False, description=f"{dataset}: expected observations with their provenance "
                                                f"(ObservedDataset), got {type(observed).__name__}")
        df = observed.frame
        try:
            validate_observations(df, dataset)
        except ValidationFailed as err:
            metadata = {"dataset": dataset}
            if err.failures is not None:
                metadata["failing rows"] = markdown_table(err.failures, max_rows=20)
            return TypeCheck(False, description=str(err), metadata=metadata)
        return TypeCheck(True, metadata={"rows": len(df)})

    return DagsterType(
        type_check_fn=check,
        name=f"observations_{dataset}",
        description=f"Tidy `{dataset}` observations validated by schemas.observations (Pandera).",
    )


def build_observations_asset(dataset: str) -> AssetsDefinition:
    spec = dataset_spec(dataset)  # refuses a code that could reach a path or URL

    @asset(
        key=observations_key(dataset),
        group_name="observations",
        owners=OWNERS,
        deps=[raw_key(dataset)],
        dagster_type=_observations_type(dataset),
        description=(
            f"`{dataset}` ({spec.title}): one row per observation with every dimension, value and flags, "
            "validated with Pandera; a failed validation blocks everything downstream."
        ),
    )
    def _observations(context: AssetExecutionContext, store: PipelineStore) -> ObservedDataset:
        snap = store.raw().latest(dataset, source=store.source)
        if snap is None:
            raise Failure(f"no raw snapshot of {dataset} in {store.raw().root}: materialise raw/{dataset} first")
        try:
            obs = read_observations(snap.data_path, dataset=dataset)
        except PipelineError as err:
            raise Failure(description=str(err), metadata={"snapshot": str(snap.folder)}) from err
        origin = DatasetProvenance.of_snapshot(snap, obs)
        obs.attrs = {}  # the provenance travels beside the frame, typed, not in pandas attrs
        periods = sorted(obs["time_period"].unique().tolist())
        context.add_output_metadata(
            {
                "rows": len(obs),
                "geos": int(obs["geo"].nunique()),
                "periods": f"{periods[0]}–{periods[-1]} ({len(periods)})" if periods else "none",
                "eurostat_last_update": str(origin.eurostat_last_update),
                "sha256": snap.sha256,
                "source": snap.source,
                "preview": markdown_table(obs, max_rows=10),
            }
        )
        return ObservedDataset(obs, origin)

    return _observations


raw_assets = [build_raw_asset(code) for code in DATASETS]
observation_assets = [build_observations_asset(code) for code in DATASETS]
