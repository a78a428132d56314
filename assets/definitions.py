"""The code location: every asset, resource and IO manager of the overview pipeline, and its automation."""

from __future__ import annotations

import os

from dagster import Definitions

from assets.automation import eurostat_updates, overview_edition_job, yearly_edition
from assets.ingest import eurostat_catalogue, observation_assets, raw_assets
from assets.io import ParquetIOManager
from assets.overview import indicators, rankings, release
from assets.resources import EurostatApi, OverviewSettings, PipelineStore
from pipeline.config import settings_from_env

settings = settings_from_env()
data_dir = settings.data_dir.resolve()

defs = Definitions(
    assets=[eurostat_catalogue, *raw_assets, *observation_assets, rankings, indicators, release],
    jobs=[overview_edition_job],
    schedules=[yearly_edition],
    sensors=[eurostat_updates],
    resources={
        "eurostat": EurostatApi(base_url=settings.base_url),
        "store": PipelineStore(
            data_dir=str(data_dir),
            source=os.environ.get("PIPELINE_SOURCE", "eurostat"),
            force_download=os.environ.get("PIPELINE_FORCE_DOWNLOAD", "") == "1",
        ),
        "overview": OverviewSettings(focus_geo=settings.focus_geo),
        "io_manager": ParquetIOManager(base_path=str(data_dir / "assets")),
    },
)
