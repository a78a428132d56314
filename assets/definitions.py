"""The code location: every asset, resource and IO manager of the overview pipeline, and its automation.

Nothing here reads the environment at import. `defs` is the graph with the documented defaults
(what tests and notebooks import); `code_location` is what `dagster dev`, the webserver and the
daemon load (workspace.yaml): the same graph, each setting that is set in the environment fed to
its resource as an `EnvVar` (resolved when a run starts), the documented default otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from dagster import Definitions, EnvVar, definitions

from assets.automation import (
    DEFAULT_SCHEDULE_CRON,
    DEFAULT_SENSOR_INTERVAL,
    automation_running,
    eurostat_updates_sensor,
    overview_edition_job,
    yearly_edition_schedule,
)
from assets.ingest import eurostat_catalogue, observation_assets, raw_assets
from assets.io import ParquetIOManager
from assets.labels import eurostat_labels
from assets.overview import indicators, rankings, release, series
from assets.resources import EurostatApi, OverviewSettings, PipelineStore
from pipeline.config import (DEFAULT_BASE_URL, DEFAULT_CHART_PNG, DEFAULT_DATA_DIR, DEFAULT_DECIMALS, DEFAULT_FOCUS_GEO,
                             check_decimals)

ASSETS = [eurostat_catalogue, eurostat_labels, *raw_assets, *observation_assets, series, rankings, indicators, release]


def resources(*, base_url=DEFAULT_BASE_URL, data_dir=DEFAULT_DATA_DIR, source="eurostat", focus_geo=DEFAULT_FOCUS_GEO,
              force_download: bool = False, catalogue_path="", chart_png=DEFAULT_CHART_PNG,
              decimals: int = DEFAULT_DECIMALS) -> dict:
    """The four resources of a run; each value may be an `EnvVar`."""
    return {
        "eurostat": EurostatApi(base_url=base_url),
        "store": PipelineStore(data_dir=data_dir, source=source, force_download=force_download),
        "overview": OverviewSettings(focus_geo=focus_geo, catalogue_path=catalogue_path, chart_png=chart_png,
                                   decimals=decimals),
        "io_manager": ParquetIOManager(data_dir=data_dir),
    }


def build_definitions(env: Mapping[str, str]) -> Definitions:
    """The code location for the environment `env` (read here, never at import)."""

    def setting(name: str, default: str):
        return EnvVar(name) if env.get(name) else default

    running = automation_running(env.get("PIPELINE_AUTOMATION"))
    return Definitions(
        assets=ASSETS,
        jobs=[overview_edition_job],
        schedules=[yearly_edition_schedule(env.get("EDITION_SCHEDULE_CRON") or DEFAULT_SCHEDULE_CRON,
                                           running=running)],
        sensors=[eurostat_updates_sensor(int(env.get("EUROSTAT_SENSOR_INTERVAL_SECONDS") or DEFAULT_SENSOR_INTERVAL),
                                         running=running)],
        resources=resources(
            base_url=setting("EUROSTAT_BASE_URL", DEFAULT_BASE_URL),
            # Relative paths are taken from where Dagster runs (the repository root for `make dev`).
            data_dir=setting("PIPELINE_DATA_DIR", str(Path(DEFAULT_DATA_DIR).resolve())),
            source=setting("PIPELINE_SOURCE", "eurostat"),
            focus_geo=setting("FOCUS_GEO", DEFAULT_FOCUS_GEO),
            force_download=env.get("PIPELINE_FORCE_DOWNLOAD", "") == "1",
            catalogue_path=setting("PIPELINE_CATALOGUE", ""),
            chart_png=setting("PIPELINE_CHART_PNG", DEFAULT_CHART_PNG),
            decimals=check_decimals(env.get("PIPELINE_DECIMALS", "")),
        ),
    )


defs = build_definitions({})


@definitions
def code_location() -> Definitions:
    """What Dagster loads (workspace.yaml): the definitions for this process's environment."""
    return build_definitions(os.environ)
