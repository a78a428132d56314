"""Dagster resources: the Eurostat client and the pipeline's data directory."""

from __future__ import annotations

from pathlib import Path

from dagster import ConfigurableResource
from pydantic import Field

from pipeline.eurostat.client import EurostatClient
from pipeline.snapshots import RawStore


class EurostatApi(ConfigurableResource):
    """The Eurostat dissemination API (live, or a mirror such as the bundled sample on loopback)."""

    base_url: str = Field(description="API base, EUROSTAT_BASE_URL")
    connect_timeout: float = 5.0
    read_timeout: float = 120.0
    retries: int = Field(default=5, description="urllib3 retries on 429/5xx and connection errors")
    backoff_factor: float = Field(default=1.0, description="urllib3 exponential backoff factor, seconds")
    async_deadline: float = Field(default=900.0, description="seconds to wait for an asynchronous extraction")

    def client(self) -> EurostatClient:
        return EurostatClient(
            self.base_url,
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            retries=self.retries,
            backoff_factor=self.backoff_factor,
            async_deadline=self.async_deadline,
        )


class PipelineStore(ConfigurableResource):
    """Where raw snapshots and releases live (PIPELINE_DATA_DIR), and what the data is."""

    data_dir: str = Field(description="PIPELINE_DATA_DIR, absolute")
    source: str = Field(default="eurostat", description="'eurostat', or 'sample' for the synthetic demo mirror")
    force_download: bool = Field(default=False, description="download even if the TOC date is unchanged")

    @property
    def path(self) -> Path:
        return Path(self.data_dir)

    def raw(self) -> RawStore:
        return RawStore(self.path)


class OverviewSettings(ConfigurableResource):
    """What the overview is about."""

    focus_geo: str = Field(default="BE", description="FOCUS_GEO: the EU member the overview is about")
