"""Dagster resources: the Eurostat API, the data directory, and what the overview is about (its catalogue)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from dagster import ConfigurableResource
from pydantic import Field

from pipeline.catalogue import DEFAULT_PATH, Catalogue, load_catalogue
from pipeline.config import DEFAULT_BASE_URL, DEFAULT_CHART_PNG, DEFAULT_DATA_DIR, DEFAULT_DECIMALS, DEFAULT_FOCUS_GEO
from pipeline.eurostat.client import EurostatClient, Progress
from pipeline.snapshots import RawStore


class EurostatApi(ConfigurableResource):
    """The Eurostat dissemination API (live, or a mirror such as the bundled sample on loopback)."""

    base_url: str = Field(default=DEFAULT_BASE_URL, description="API base, EUROSTAT_BASE_URL")
    connect_timeout: float = 5.0
    read_timeout: float = 120.0
    retries: int = Field(default=5, description="attempts after the first on 429/5xx, connection errors, cut bodies")
    backoff_factor: float = Field(default=1.0, description="the wait before retry n: backoff_factor * 2**(n-1) s")
    max_retry_wait: float = Field(default=120.0, description="seconds one request may wait between attempts, in all")
    async_deadline: float = Field(default=900.0, description="seconds to wait for an asynchronous extraction")

    @contextmanager
    def open(self, progress: Callable[[Progress], None] | None = None, **overrides) -> Iterator[EurostatClient]:
        """A client with these settings (`overrides` replace some), closed, with its connections, at the end."""
        options = dict(connect_timeout=self.connect_timeout, read_timeout=self.read_timeout, retries=self.retries,
                       backoff_factor=self.backoff_factor, max_retry_wait=self.max_retry_wait,
                       async_deadline=self.async_deadline, progress=progress)
        with EurostatClient(self.base_url, **(options | overrides)) as client:
            yield client


class PipelineStore(ConfigurableResource):
    """Where raw snapshots and releases live (PIPELINE_DATA_DIR), and what the data is."""

    data_dir: str = Field(default=DEFAULT_DATA_DIR, description="PIPELINE_DATA_DIR")
    source: str = Field(default="eurostat", description="'eurostat', or 'sample' for the synthetic demo mirror")
    force_download: bool = Field(default=False, description="download even if the TOC date is unchanged")

    @property
    def path(self) -> Path:
        return Path(self.data_dir).resolve()

    def raw(self) -> RawStore:
        return RawStore(self.path)


@lru_cache(maxsize=8)
def _catalogue(path: str) -> Catalogue:
    return load_catalogue(Path(path)) if path else load_catalogue()


class OverviewSettings(ConfigurableResource):
    """What the overview is about: the focus member and the indicator catalogue."""

    focus_geo: str = Field(default=DEFAULT_FOCUS_GEO, description="FOCUS_GEO: the EU member shown first")
    catalogue_path: str = Field(default="", description=f"PIPELINE_CATALOGUE: the indicator catalogue; "
                                                        f"empty = the packaged {DEFAULT_PATH.name}")
    chart_png: str = Field(default=DEFAULT_CHART_PNG, description="PIPELINE_CHART_PNG: whose charts get 300-dpi "
                           "PNG beside the SVG: focus (the FOCUS_GEO member), all, none (the PNG are what costs: "
                           "the tests of the asset graph switch them off)")
    decimals: int = Field(default=DEFAULT_DECIMALS, ge=0, le=4,
                          description="PIPELINE_DECIMALS: the publication rounding of the figures in the texts")

    def catalogue(self) -> Catalogue:
        """The indicator catalogue, validated on first use (a CatalogueError names the entry and field)."""
        return _catalogue(self.catalogue_path)
