"""Every member's products of a release: key figures (one file per language + JSON) and charts.

Shared work (the all-member indicators, distance to target, peer comparisons) is done once by
the caller; only the per-member rendering runs here, spread over the machine's cores. Files are
keyed by their path inside the version folder: `members/<GEO>/key_figures.<lang>.md`,
`members/<GEO>/key_figures.json`, `members/<GEO>/charts/<lang>/<chart>.svg|png`.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

import pandas as pd

from pipeline.catalogue import Catalogue
from pipeline.key_figures import LANGUAGES
from pipeline.member_charts import member_charts
from pipeline.member_figures import member_key_figures
from pipeline.peers import PeerGroups


@dataclass(frozen=True)
class ProductInputs:
    """What every member's products are made from (picklable: sent once to each worker)."""

    indicators: pd.DataFrame
    comparisons: pd.DataFrame
    catalogue: Catalogue
    peers: PeerGroups
    edition: int
    headline_ids: tuple[str, ...]
    reporting_periods: Mapping[str, int]
    sources: Mapping[str, Mapping[str, Any]]
    is_sample: bool
    chart_languages: tuple[str, ...] = LANGUAGES
    png_languages: tuple[str, ...] = ("en",)


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n").encode("utf-8")


def member_files(inputs: ProductInputs, geo: str) -> tuple[dict[str, bytes], dict[str, float]]:
    """One member's files and the seconds each product took."""
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    texts, data = member_key_figures(
        inputs.indicators, inputs.comparisons, inputs.catalogue, edition=inputs.edition, geo=geo,
        headline_ids=inputs.headline_ids, reporting_periods=inputs.reporting_periods, sources=inputs.sources,
        is_sample=inputs.is_sample)
    files = {f"members/{geo}/key_figures.{lang}.md": text.encode("utf-8") for lang, text in texts.items()}
    files[f"members/{geo}/key_figures.json"] = _json(data)
    seconds["key_figures"] = time.perf_counter() - start
    start = time.perf_counter()
    for lang in inputs.chart_languages:
        charts = member_charts(inputs.indicators, inputs.catalogue, edition=inputs.edition, geo=geo, lang=lang,
                               neighbours=inputs.peers.neighbours[geo], sources=inputs.sources,
                               is_sample=inputs.is_sample, png=lang in inputs.png_languages)
        # SVG is the master in every language; PNG only where asked (its rasterising is the cost)
        files.update({f"members/{geo}/charts/{name}": blob for name, blob in charts.items()})
    seconds["charts"] = time.perf_counter() - start
    return files, seconds


_SHARED: ProductInputs | None = None


def _init(inputs: ProductInputs) -> None:
    global _SHARED
    _SHARED = inputs


def _one(geo: str):
    return geo, *member_files(_SHARED, geo)


def render_members(inputs: ProductInputs, geos: Iterable[str], workers: int | None = None
                   ) -> tuple[dict[str, bytes], pd.DataFrame]:
    """Every member's files, rendered on `workers` processes (default: the machine's cores), and the
    seconds per member and product."""
    geos = list(geos)
    workers = min(workers or os.cpu_count() or 1, len(geos)) or 1
    if workers == 1:
        results = [(g, *member_files(inputs, g)) for g in geos]
    else:
        # fork: the workers start with the tables already in memory, no import or pickling per task
        context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
        with ProcessPoolExecutor(workers, mp_context=context, initializer=_init, initargs=(inputs,)) as pool:
            results = list(pool.map(_one, geos))
    files: dict[str, bytes] = {}
    timing = []
    for geo, member, seconds in results:
        files.update(member)
        timing += [{"geo": geo, "product": p, "seconds": s} for p, s in seconds.items()]
    return files, pd.DataFrame(timing, columns=["geo", "product", "seconds"])
