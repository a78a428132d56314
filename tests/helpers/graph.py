"""The whole-graph harness: the synthetic sample as Eurostat serves it, the loopback server, one materialisation."""

from __future__ import annotations

import functools
from datetime import date, datetime
from pathlib import Path

from dagster import materialize

from assets.definitions import defs
from assets.io import ParquetIOManager
from assets.resources import EurostatApi, OverviewSettings, PipelineStore
from pipeline.datasets import DATASETS
from pipeline.catalogue import load_catalogue
from pipeline.sample import AGGREGATES, COUNTRIES, write_sample_mirror
from pipeline.sample_codelists import sample_codelists
from tests.eurostat_server import EurostatTestServer

EDITION = 2026
TOC_KEY = "__toc__"


def sample_files(root: Path, last_update: date, *, last_year: int = EDITION - 1) -> dict[str, bytes]:
    """The sample mirror written under `root`: {dataset: gzip body, "__toc__": the TOC}."""
    write_sample_mirror(root, last_year=last_year, last_update=last_update)
    files = {code: (root / "data" / f"{code}.sdmx.csv.gz").read_bytes() for code in DATASETS}
    return files | {TOC_KEY: (root / "toc_en.txt").read_bytes()}


def serve(files: dict[str, bytes], toc: bytes | None = None) -> EurostatTestServer:
    """A loopback Eurostat serving `files` (and their TOC, or `toc`), and the sample's codelists."""
    return EurostatTestServer(datasets={k: v for k, v in files.items() if k != TOC_KEY},
                              toc=toc or files[TOC_KEY], codelists=_codelists())


@functools.lru_cache(maxsize=1)
def _codelists() -> dict[str, bytes]:
    """The synthetic mirror's codelists (what `make demo` serves), for the labels asset."""
    return sample_codelists(load_catalogue(), COUNTRIES + AGGREGATES, datetime(2026, 2, 27, 11, 0))


def eurostat_api(server, *, retries: int = 2) -> EurostatApi:
    """The Eurostat resource for the loopback server: quick retries, a short read timeout."""
    return EurostatApi(base_url=server.base_url, retries=retries, backoff_factor=0.01, read_timeout=10)


def graph_resources(server, data_dir: Path, *, focus: str = "BE", retries: int = 2) -> dict:
    """Every resource of a run of the sample against `server`, writing under `data_dir`."""
    return {
        "eurostat": eurostat_api(server, retries=retries),
        "store": PipelineStore(data_dir=str(data_dir), source="sample"),
        # SVG charts only: the focus member's print PNG would cost every whole-graph test 20 s (they have tests of their own)
        "overview": OverviewSettings(focus_geo=focus, chart_png="none"),
        "io_manager": ParquetIOManager(base_path=str(data_dir / "assets")),
    }


def run_graph(server, data_dir: Path, *, focus: str = "BE", retries: int = 2, edition: int | None = EDITION,
              **kwargs):
    """Materialise every asset of `edition` (or `selection=`; edition None: unpartitioned assets only) in process.

    Failures are returned in the result, not raised.
    """
    partition = None if edition is None else str(edition)
    return materialize(list(defs.assets), partition_key=partition, raise_on_error=False,
                       resources=graph_resources(server, data_dir, focus=focus, retries=retries), **kwargs)
