"""One PNG per topic: the 27 members ranked for the topic's lead indicator, and the focus country over time."""

from __future__ import annotations

import io
import math
import re
from typing import Any, Iterable, Mapping

import pandas as pd

# The Agg canvas directly, never pyplot: headless, no global figure state, and importing this
# module does not switch the backend of a notebook that also plots interactively.
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from pipeline.countries import country_name
from pipeline.geo import EU27
from pipeline.key_figures import FLAG_WORDS, SAMPLE_LABELS

FOCUS_COLOUR = "#c0392b"
MEMBER_COLOUR = "#9aa7b4"
EU_COLOUR = "#1f3a93"
SIZE_INCHES = (12, 7)
DPI = 100  # 1200 x 700 pixels


def _missing(x: Any) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def _flag(x: Any) -> str:
    return "" if _missing(x) else str(x).strip()


def chart_file_name(topic: str) -> str:
    """`<topic>.png`, with anything but letters, digits, '-' and '_' replaced (topics reach a path)."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", topic) + ".png"


def lead_indicator(indicators: pd.DataFrame, topic: str, headline_ids: Iterable[str]) -> str | None:
    """The topic's first headline indicator, else its first indicator in table order; None if it has none."""
    ids = list(dict.fromkeys(indicators.loc[indicators["topic"].astype(str) == topic, "indicator_id"].astype(str)))
    for indicator_id in headline_ids:
        if indicator_id in ids:
            return indicator_id
    return ids[0] if ids else None


def _source_line(dataset: str, sources: Mapping[str, Mapping], indicator_rows: pd.DataFrame) -> str:
    info = sources.get(dataset) or {}
    last_update = info.get("eurostat_last_update")
    if _missing(last_update) and "eurostat_last_update" in indicator_rows:
        known = indicator_rows["eurostat_last_update"].dropna()
        last_update = known.iloc[0] if len(known) else None
    date = "unknown" if _missing(last_update) else str(last_update)[:10]
    return f"Source: Eurostat, {dataset}, last update {date}"


def _ranked_panel(ax, ranked: pd.DataFrame, *, focus_geo: str, period: int, eu_value: float | None) -> None:
    """Horizontal bars, rank 1 at the top; focus country in colour, EU27 average as a line, flags as letters."""
    ranked = ranked.sort_values(["rank", "geo"], kind="mergesort").reset_index(drop=True)
    ys = list(range(len(ranked)))[::-1]
    colours = [FOCUS_COLOUR if g == focus_geo else MEMBER_COLOUR for g in ranked["geo"]]
    ax.barh(ys, ranked["value"], color=colours, height=0.72, antialiased=False)
    # Labels as plain texts rather than 27 tick objects: a third of the drawing time.
    ax.set_yticks([])
    names = ax.get_yaxis_transform()
    for y, rank, geo in zip(ys, ranked["rank"], ranked["geo"]):
        focus = geo == focus_geo
        ax.text(-0.01, y, f"{int(rank)}. {country_name(geo, 'en')}", transform=names, ha="right", va="center",
                fontsize=7, color=FOCUS_COLOUR if focus else "black", fontweight="bold" if focus else "normal")
    top = float(ranked["value"].max()) if len(ranked) else 1.0
    for y, value, flag in zip(ys, ranked["value"], ranked["obs_status"]):
        text = f"{value:.2f}" + (f" ({_flag(flag)})" if _flag(flag) else "")
        ax.text(value + top * 0.01, y, text, va="center", fontsize=6.5,
                fontweight="bold" if _flag(flag) else "normal")
    if eu_value is not None:
        ax.axvline(eu_value, color=EU_COLOUR, linestyle="--", linewidth=1.2, label=f"EU27 average {eu_value:.2f}")
        ax.legend(loc="lower right", fontsize=7, frameon=False)
    missing = sorted(EU27 - set(ranked["geo"]))
    if missing:
        names = ", ".join(country_name(g, "en") for g in missing)
        ax.text(0, -0.09, f"No published figure: {names}", transform=ax.transAxes, fontsize=6.5)
    ax.set_xlim(0, top * 1.18 if top > 0 else 1)
    ax.set_ylim(-0.7, max(len(ranked), 1) - 0.3)
    ax.set_title(f"EU member states, {period}", fontsize=10)
    ax.spines[["top", "right"]].set_visible(False)


def _series_panel(ax, series: pd.DataFrame, *, focus_geo: str) -> None:
    """The focus country and the EU27 average over the periods the indicators table covers."""
    series = series.sort_values("time_period")
    years = series["time_period"].astype(int).tolist()
    ax.plot(years, series["value"], marker="o", color=FOCUS_COLOUR, linewidth=2, label=country_name(focus_geo, "en"))
    ax.plot(years, series["eu_value"], marker="s", color=EU_COLOUR, linestyle="--", linewidth=1.5, label="EU27")
    for year, value, flag in zip(years, series["value"], series["obs_status"]):
        if _flag(flag) and not _missing(value):
            ax.annotate(_flag(flag), (year, value), textcoords="offset points", xytext=(4, 6), fontsize=8,
                        fontweight="bold", color=FOCUS_COLOUR)
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_title(f"{country_name(focus_geo, 'en')} and the EU27 average", fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    ax.grid(axis="y", linewidth=0.4, alpha=0.5)
    ax.spines[["top", "right"]].set_visible(False)


def _flag_legend(flags: Iterable[Any]) -> str:
    letters = sorted({ch for f in flags for ch in _flag(f) if not ch.isspace()})
    if not letters:
        return ""
    return "Flags: " + "; ".join(f"{ch} = {FLAG_WORDS.get(ch, {'en': 'unknown flag'})['en']}" for ch in letters)


def _topic_png(indicators, rankings, *, indicator_id, period, focus_geo, edition, sources, is_sample) -> bytes:
    rows = indicators[indicators["indicator_id"].astype(str) == indicator_id]
    ranked = rankings[
        (rankings["indicator_id"].astype(str) == indicator_id)
        & (rankings["time_period"].astype(int) == period)
        & rankings["geo"].astype(str).isin(EU27)
    ].assign(geo=lambda d: d["geo"].astype(str))
    focus_rows = rows[rows["geo"].astype(str) == focus_geo]
    eu_values = pd.concat([ranked["eu_value"], focus_rows.loc[focus_rows["time_period"].astype(int) == period, "eu_value"]])
    eu_values = eu_values.dropna()
    eu_value = float(eu_values.iloc[0]) if len(eu_values) else None

    fig = Figure(figsize=SIZE_INCHES, dpi=DPI)
    FigureCanvasAgg(fig)
    fig.subplots_adjust(left=0.15, right=0.97, top=0.86, bottom=0.16, wspace=0.28)
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
    _ranked_panel(left, ranked, focus_geo=focus_geo, period=period, eu_value=eu_value)
    _series_panel(right, focus_rows, focus_geo=focus_geo)

    title = str(rows["title_en"].iloc[0])
    fig.suptitle(f"{title}\n({indicator_id}, edition {edition})", fontsize=11)
    dataset = str(rows["dataset"].iloc[0])
    fig.text(0.01, 0.045, _source_line(dataset, sources, rows), fontsize=8)
    legend = _flag_legend(list(ranked["obs_status"]) + list(focus_rows["obs_status"]))
    if legend:
        fig.text(0.01, 0.015, legend, fontsize=7)
    if is_sample:
        fig.text(0.99, 0.03, SAMPLE_LABELS["en"], fontsize=11, color="#b00020", fontweight="bold", ha="right")
    buffer = io.BytesIO()
    # No Software entry: the same figures give the same bytes whatever the matplotlib build.
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def render_topic_charts(
    indicators: pd.DataFrame,
    rankings: pd.DataFrame,
    *,
    topics: Mapping[str, Any],
    headline_ids: Iterable[str],
    focus_geo: str,
    edition: int | str,
    sources: Mapping[str, Mapping],
    reporting_periods: Mapping[str, int] | None = None,
) -> dict[str, bytes]:
    """File name -> PNG bytes, one per topic that has indicators, in the order of `topics`.

    `sources` maps dataset -> {eurostat_last_update, source}; a source `sample` labels the chart as
    synthetic. Without `reporting_periods` the lead indicator's latest ranked period is shown.
    """
    headline_ids = list(headline_ids)
    charts: dict[str, bytes] = {}
    for topic in topics:
        indicator_id = lead_indicator(indicators, topic, headline_ids)
        if indicator_id is None:
            continue
        if reporting_periods and indicator_id in reporting_periods:
            period = int(reporting_periods[indicator_id])
        else:
            periods = rankings.loc[rankings["indicator_id"].astype(str) == indicator_id, "time_period"]
            if periods.empty:
                periods = indicators.loc[indicators["indicator_id"].astype(str) == indicator_id, "time_period"]
            period = int(periods.astype(int).max())
        dataset = str(indicators.loc[indicators["indicator_id"].astype(str) == indicator_id, "dataset"].iloc[0])
        is_sample = (sources.get(dataset) or {}).get("source") == "sample"
        charts[chart_file_name(topic)] = _topic_png(
            indicators, rankings, indicator_id=indicator_id, period=period, focus_geo=focus_geo,
            edition=edition, sources=sources, is_sample=is_sample,
        )
    return charts
