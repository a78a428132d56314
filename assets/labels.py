"""The labels asset: Eurostat's codelists of the codes the catalogue uses, snapshotted, as one labels table.

The work is done by `pipeline/` (codelist_snapshots.py fetches and stores, labels.py builds the
table); a codelist problem is a warning here, never a failed run: labels are not figures.
"""

import pandas as pd
from dagster import AssetExecutionContext, Failure, MetadataValue, asset
from pandera.errors import SchemaError

from assets.ingest import OWNERS, _client, _download_failure
from assets.metadata import markdown_table
from assets.resources import EurostatApi, OverviewSettings, PipelineStore
from pipeline.codelist_snapshots import CodelistStore, sync_codelists
from pipeline.errors import PipelineError
from pipeline.labels import codes_in_use, labels_table, load_dutch
from schemas.tables import Labels


@asset(
    group_name="catalogue",
    owners=OWNERS,
    description="The label of every code the catalogue uses in en, fr, de (Eurostat's codelists, fetched from "
                "the SDMX structure endpoint and snapshotted under raw/eurostat-codelists/) and nl (ours); "
                "fallbacks are listed as warnings.",
)
def eurostat_labels(context: AssetExecutionContext, eurostat: EurostatApi, store: PipelineStore,
                    overview: OverviewSettings) -> pd.DataFrame:
    needed = codes_in_use(overview.catalogue())
    try:
        dutch = load_dutch()
        with _client(context, eurostat) as client:
            codelists, synced, warnings = sync_codelists(client, CodelistStore(store.path), needed,
                                                         source=store.source, force=store.force_download)
    except PipelineError as err:
        raise _download_failure(err) from err
    for result in synced:
        context.log.info(result.message)
    table, label_warnings = labels_table(codelists, needed, dutch, source=store.source)
    warnings += label_warnings
    for warning in warnings:
        context.log.warning(warning)
    try:
        Labels.validate(table)
    except SchemaError as err:  # a bug here, not Eurostat's
        raise Failure(description=f"the labels table breaks its contract (schemas/tables.py Labels): {err}") from err
    codelist_rows = pd.DataFrame([{
        "codelist": r.codelist.id, "version": r.codelist.version, "sdmx": r.codelist.sdmx,
        "codes": len(r.codelist.codes), "downloaded": r.downloaded,
        "sha256": r.snapshot.provenance["sha256"][:12], "source": r.snapshot.provenance["source"],
    } for r in synced])
    context.add_output_metadata({
        "rows": len(table),
        "codelists": markdown_table(codelist_rows, max_rows=len(needed)) if len(codelist_rows) else "none",
        "fallbacks": int((table["source"] == "fallback").sum()),
        "warnings": MetadataValue.md("\n".join(f"- {w}" for w in warnings) or "none"),
    })
    return table
