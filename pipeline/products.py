"""Products: what a release carries beside its tables (every member's key figures, charts and documents).

A product is a function of the release's typed tables and presentation that returns files
(relative path -> bytes). The release stores whatever it is handed and knows no product: adding
one is a function in `PRODUCTS`, and a product that fails is named in the error.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

from pipeline.errors import ReleaseError


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
    catalogue: object | None = None  # pipeline.catalogue.Catalogue: titles, targets, topics
    labels: pd.DataFrame | None = None  # schemas.tables.Labels: Eurostat's (and our Dutch) code labels


Files = dict[str, bytes]


def members(inputs: ProductInputs, *, png: str = "focus", decimals: int | None = None) -> Files:
    """members/<GEO>/...: every member's key figures (nl, fr, en and JSON), charts and overview documents;
    SVG charts for every member, print PNG for the members `png` (PIPELINE_CHART_PNG) names; `decimals`:
    the publication rounding (PIPELINE_DECIMALS)."""
    from pipeline.chart_png import png_members
    from pipeline.comparisons import peer_comparisons
    from pipeline.geo import EU27
    from pipeline.labels import LabelIndex
    from pipeline.member_products import MemberInputs, render_members
    from pipeline.peers import load_peer_groups

    if inputs.catalogue is None:
        raise ReleaseError("the members product needs the indicator catalogue")
    printed = png_members(png, inputs.focus_geo)  # a bad setting stops here, before any rendering
    # The typed release tables hold pandas' nullable text; the renderers read plain None.
    table = inputs.indicators.astype({c: object for c in inputs.indicators.columns
                                      if str(inputs.indicators[c].dtype) in ("category", "string")})
    table = table.where(table.notna(), None) if len(table) else table
    for column in ("value", "eu_value", "diff_eu", "prev_value", "change", "target_value", "gap_to_target",
                   "required_yearly_change", "recent_yearly_change", "projected_value"):
        table[column] = table[column].astype("float64")
    peers = load_peer_groups()
    shown = inputs.presentation
    files, _ = render_members(MemberInputs(
        indicators=table, comparisons=peer_comparisons(table, inputs.catalogue, peers, inputs.edition),
        catalogue=inputs.catalogue, peers=peers, edition=inputs.edition, headline_ids=tuple(shown.headline_ids),
        reporting_periods=shown.reporting_periods, sources=inputs.sources, is_sample=inputs.source == "sample",
        labels=None if inputs.labels is None else LabelIndex(inputs.labels),
        png_members=printed, **({} if decimals is None else {"decimals": decimals}),
    ), sorted(EU27))
    return files


PRODUCTS: dict[str, Callable[[ProductInputs], Files]] = {"members": members}


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
