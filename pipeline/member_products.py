"""Every member's products of a release: key figures (one file per language + JSON), charts and the
overview document per language.

Shared work (the all-member indicators, distance to target, peer comparisons) is done once by
the caller; only the per-member rendering runs here, spread over the machine's cores. Files are
keyed by their path inside the version folder: `members/<GEO>/key_figures.<lang>.md`,
`members/<GEO>/key_figures.json`, `members/<GEO>/charts/<lang>/<chart>.svg|png`,
`members/<GEO>/overview.<lang>.html`. Print PNG of the charts (pipeline/chart_png.py) are made
after every member's SVG, for the members `png_members` names, spread over the same cores chart by
chart: one member's 117 PNG would otherwise keep one core busy while the other idles.
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
from pipeline.chart_png import rasterise
from pipeline.config import DEFAULT_DECIMALS
from pipeline.labels import LabelIndex
from pipeline.key_figures import LANGUAGES
from pipeline.member_charts import member_charts
from pipeline.member_figures import member_key_figures
from pipeline.overview_document import overview_html
from pipeline.peers import PeerGroups


@dataclass(frozen=True)
class MemberInputs:
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
    # Rasterising is the cost (about 0.3 s a chart at 300 dpi): SVG (the editable master) for every
    # member, print PNG of every chart in every language for these members only (PIPELINE_CHART_PNG,
    # chart_png.png_members). See benchmarks/README.md.
    png_members: frozenset[str] = frozenset()
    labels: LabelIndex | None = None  # Eurostat's code labels (and our Dutch) for the document's annex
    decimals: int = DEFAULT_DECIMALS  # the publication rounding of every figure in the texts (PIPELINE_DECIMALS)


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, default=str) + "\n").encode("utf-8")


# What the charts, paragraphs and documents read: a narrow table makes every row selection cheap.
NARROW = ("indicator_id", "geo", "time_period", "reference_period", "value", "obs_status", "conf_status",
          "eu_value", "rank", "n_ranked", "prev_time_period", "prev_value", "change", "series_version", "missing_reason", "comparability_note",
          "target_value", "target_year", "gap_to_target", "required_yearly_change", "recent_yearly_change",
          "on_track")


_VIEWS: dict[int, tuple] = {}


def _views(inputs: MemberInputs) -> tuple[pd.DataFrame, dict, dict]:
    """The narrow table, its rows per indicator and a (indicator, period, geo) -> value lookup: the same
    for every member, so made once per process (a worker renders a dozen members)."""
    key = id(inputs.indicators)
    if key not in _VIEWS:
        narrow = inputs.indicators.loc[:, list(NARROW)]
        by_id = {i: rows for i, rows in narrow.groupby("indicator_id", sort=False)}
        values = dict(zip(zip(narrow["indicator_id"], narrow["time_period"], narrow["geo"]), narrow["value"]))
        _VIEWS.clear()
        _VIEWS[key] = (narrow, by_id, values)
    return _VIEWS[key]


def member_files(inputs: MemberInputs, geo: str) -> tuple[dict[str, bytes], dict[str, float]]:
    """One member's files and the seconds each product took."""
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    texts, data = member_key_figures(
        inputs.indicators, inputs.comparisons, inputs.catalogue, edition=inputs.edition, geo=geo,
        headline_ids=inputs.headline_ids, reporting_periods=inputs.reporting_periods, sources=inputs.sources,
        is_sample=inputs.is_sample, decimals=inputs.decimals)
    files = {f"members/{geo}/key_figures.{lang}.md": text.encode("utf-8") for lang, text in texts.items()}
    files[f"members/{geo}/key_figures.json"] = _json(data)
    seconds["key_figures"] = time.perf_counter() - start
    seconds["svg_charts"] = seconds["documents"] = 0.0
    narrow, by_id, values = _views(inputs)
    member = narrow[narrow["geo"] == geo]
    for lang in inputs.chart_languages:
        start = time.perf_counter()
        charts = member_charts(narrow, inputs.catalogue, by_id=by_id, edition=inputs.edition, geo=geo, lang=lang,
                               neighbours=inputs.peers.neighbours[geo], sources=inputs.sources,
                               is_sample=inputs.is_sample)
        files.update({f"members/{geo}/charts/{name}": blob for name, blob in charts.items()})
        seconds["svg_charts"] += time.perf_counter() - start
        start = time.perf_counter()
        files[f"members/{geo}/overview.{lang}.html"] = overview_html(
            narrow, inputs.catalogue, member=member, values=values, edition=inputs.edition, geo=geo, lang=lang,
            neighbours=inputs.peers.neighbours[geo], charts=charts, sources=inputs.sources,
            is_sample=inputs.is_sample, decimals=inputs.decimals, labels=inputs.labels).encode("utf-8")
        seconds["documents"] += time.perf_counter() - start
    return files, seconds


_SHARED: MemberInputs | None = None


def _init(inputs: MemberInputs) -> None:
    global _SHARED
    _SHARED = inputs


def _one(geo: str):
    return geo, *member_files(_SHARED, geo)


def _print_jobs(files: Mapping[str, bytes], members: Iterable[str]) -> list[tuple[str, bytes]]:
    """The charts (`members/<GEO>/charts/...svg`) of `members` to rasterise, in path order."""
    wanted = tuple(f"members/{geo}/charts/" for geo in sorted(members))
    return [(path, files[path]) for path in sorted(files) if path.endswith(".svg") and path.startswith(wanted)]


def render_members(inputs: MemberInputs, geos: Iterable[str], workers: int | None = None
                   ) -> tuple[dict[str, bytes], pd.DataFrame]:
    """Every member's files, rendered on `workers` processes (default: the machine's cores), and the
    seconds per member and product."""
    geos = list(geos)
    printed = set(inputs.png_members) & set(geos)
    # one member with print PNG still uses every core: its charts are rasterised in parallel
    workers = min(workers or os.cpu_count() or 1, max(len(geos), 2 if printed else 1)) or 1
    files: dict[str, bytes] = {}
    timing = []
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    # fork: the workers start with the tables already in memory, no import or pickling per task
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_init, initargs=(inputs,)) \
        if workers > 1 else None
    try:
        results = list(pool.map(_one, geos)) if pool else [(g, *member_files(inputs, g)) for g in geos]
        for geo, member, seconds in results:
            files.update(member)
            timing += [{"geo": geo, "product": p, "seconds": s} for p, s in seconds.items()]
        jobs = _print_jobs(files, printed)
        if jobs:
            size = max(1, len(jobs) // ((workers if pool else 1) * 4))  # a few chunks per core: even finish
            chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
            for done in (pool.map(rasterise, chunks) if pool else map(rasterise, chunks)):
                for path, png, seconds in done:
                    files[path] = png
                    timing.append({"geo": path.split("/")[1], "product": "print_png", "seconds": seconds})
    finally:
        if pool:
            pool.shutdown()
    return files, pd.DataFrame(timing, columns=["geo", "product", "seconds"])
