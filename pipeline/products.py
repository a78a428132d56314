"""Products: what a release carries beside its tables (key figures, charts, and the documents to come).

A product is a function of the release's typed tables and presentation that returns files
(relative path -> bytes). The release stores whatever it is handed and knows no product: adding
one is a function in `PRODUCTS`, and a product that fails is named in the error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from pipeline.content import plain
from pipeline.errors import ReleaseError
from pipeline.store import json_bytes


@dataclass(frozen=True)
class Presentation:
    """What the products show: headline ids, each indicator's period, topic titles in order."""

    headline_ids: tuple[str, ...]
    reporting_periods: Mapping[str, int] = field(hash=False)
    topics: Mapping[str, Mapping[str, str]] = field(hash=False)


@dataclass(frozen=True)
class ProductInputs:
    """Everything a product may read: the release's tables as published, and what to show."""

    edition: int
    indicators: pd.DataFrame
    rankings: pd.DataFrame
    presentation: Presentation
    focus_geo: str
    source: str  # "eurostat" or "sample"
    sources: Mapping[str, Mapping]  # per dataset: its provenance (url, eurostat_last_update, ...)


Files = dict[str, bytes]


def key_figures(inputs: ProductInputs) -> Files:
    """key_figures.md and key_figures.json: the headline sentences in nl, fr and en."""
    from pipeline.key_figures import render_key_figures

    shown = inputs.presentation
    markdown, data = render_key_figures(
        inputs.indicators, edition=inputs.edition, focus_geo=inputs.focus_geo, headline_ids=shown.headline_ids,
        reporting_periods=shown.reporting_periods, is_sample=inputs.source == "sample",
    )
    return {"key_figures.md": markdown.encode("utf-8"), "key_figures.json": json_bytes(data, default=plain)}


def charts(inputs: ProductInputs) -> Files:
    """charts/<topic>.png: per topic, the focus member among the 27."""
    # Imported here: report builds that only read releases should not pay for matplotlib.
    from pipeline.charts import render_topic_charts

    shown = inputs.presentation
    pngs = render_topic_charts(
        inputs.indicators, inputs.rankings, topics=shown.topics, headline_ids=shown.headline_ids,
        focus_geo=inputs.focus_geo, edition=inputs.edition, sources=inputs.sources,
        reporting_periods=shown.reporting_periods,
    )
    return {f"charts/{name}": png for name, png in sorted(pngs.items())}


PRODUCTS: dict[str, Callable[[ProductInputs], Files]] = {"key_figures": key_figures, "charts": charts}


def render_products(inputs: ProductInputs, products: Mapping[str, Callable[[ProductInputs], Files]] = PRODUCTS,
                    ) -> Files:
    """Every product's files; a ReleaseError naming the product that failed, or two that claim one path."""
    files: Files = {}
    for name, make in products.items():
        try:
            made = make(inputs)
        except Exception as err:
            raise ReleaseError(f"edition {inputs.edition}: product {name!r} failed: {err}") from err
        clash = sorted(set(made) & set(files))
        if clash:
            raise ReleaseError(f"edition {inputs.edition}: product {name!r} writes {clash}, already written")
        files.update(made)
    return files
