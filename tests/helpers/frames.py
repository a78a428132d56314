"""Small, consistent release inputs built by hand: observations -> rankings -> indicators, as the contract says."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

from pipeline.targets import TARGET_COLUMNS

from pipeline.datasets import DATASETS
from pipeline.geo import EU27, EU27_AGGREGATE
from pipeline.products import Presentation
from pipeline.provenance import DatasetProvenance

MEMBERS = sorted(EU27)
GEOS = MEMBERS + [EU27_AGGREGATE, "NO"]  # NO is served by Eurostat but never ranked
LAST_UPDATE = {"isoc_eb_ai": "2026-02-27T11:00:00+01:00", "isoc_e_dii": "2026-01-15T23:00:00+01:00"}

# indicator id -> (dataset, series codes without geo, topic, headline, titles)
INDICATORS = {
    "ai_any_all_enterprises": (
        "isoc_eb_ai", {"freq": "A", "size_emp": "GE10", "nace_r2": "C10-S951_X_K", "indic_is": "E_AI_TANY", "unit": "PC_ENT"},
        "ai_enterprises", True,
        {"en": "Enterprises using at least one AI technology", "nl": "Ondernemingen die minstens één AI-technologie gebruiken",
         "fr": "Entreprises utilisant au moins une technologie d'IA"},
    ),
    "ai_any_small_enterprises": (
        "isoc_eb_ai", {"freq": "A", "size_emp": "10-49", "nace_r2": "C10-S951_X_K", "indic_is": "E_AI_TANY", "unit": "PC_ENT"},
        "ai_enterprises", False,
        {"en": "Small enterprises using AI", "nl": "Kleine ondernemingen die AI gebruiken", "fr": "Petites entreprises utilisant l'IA"},
    ),
    "dii_basic": (
        "isoc_e_dii", {"freq": "A", "size_emp": "GE10", "nace_r2": "C10-S951_X_K", "indic_is": "E_DI4_GELO", "unit": "PC_ENT"},
        "digital_intensity", True,
        {"en": "Enterprises with at least basic digital intensity", "nl": "Ondernemingen met minstens basale digitale intensiteit",
         "fr": "Entreprises ayant au moins une intensité numérique de base"},
    ),
}
TOPICS = {
    "ai_enterprises": {"en": "Artificial intelligence in enterprises", "nl": "Artificiële intelligentie in ondernemingen",
                       "fr": "Intelligence artificielle dans les entreprises"},
    "digital_intensity": {"en": "Digital intensity of enterprises", "nl": "Digitale intensiteit van ondernemingen",
                          "fr": "Intensité numérique des entreprises"},
}
DIMENSIONS = ("freq", "size_emp", "nace_r2", "indic_is", "unit", "geo")


def _value(k: int, geo_index: int, period: int) -> float:
    return round(8 + (geo_index * 7 + k * 13) % 53 + (period - 2021) * 2.25 + geo_index / 100, 2)


def observation_table(dataset, rows, last_update="2026-02-27T11:00:00"):
    """A contract-shaped observation table from (series dict, geo, period, value[, obs_status, conf_status]) rows."""
    records = []
    for series, geo, period, value, *flags in rows:
        obs, conf = (list(flags) + [None, None])[:2]
        records.append({**series, "geo": geo, "time_period": period, "value": value,
                        "obs_status": obs, "conf_status": conf})
    df = pd.DataFrame(records)
    out = pd.DataFrame({"dataset": pd.Categorical([dataset] * len(df))})
    for dim in DATASETS[dataset].dimensions:
        out[dim] = pd.Categorical(df[dim])
    out["time_period"] = df["time_period"].astype("int64")
    out["value"] = df["value"].astype("float64")
    out["obs_status"] = pd.Categorical(df["obs_status"])
    out["conf_status"] = pd.Categorical(df["conf_status"])
    out.attrs.update(dataset=dataset, format="sdmx-csv-1.0", eurostat_last_update=last_update)
    return out


def observations(periods, overrides) -> dict[str, pd.DataFrame]:
    """Observation tables (contract columns and dtypes) for the series the indicators use."""
    rows: dict[str, list[tuple]] = {}
    for k, (indicator_id, (dataset, series, *_)) in enumerate(INDICATORS.items()):
        for g, geo in enumerate(GEOS):
            for period in periods:
                value, obs, conf = overrides.get((indicator_id, geo, period), (_value(k, g, period), None, None))
                rows.setdefault(dataset, []).append((series, geo, period, value, obs, conf))
    return {dataset: observation_table(dataset, records, LAST_UPDATE[dataset]) for dataset, records in rows.items()}


def _series_key(series: dict, geo: str) -> str:
    return ".".join([*(series[d] for d in DIMENSIONS[:-1]), geo])


def rankings_and_indicators(obs: dict[str, pd.DataFrame], focus_geo: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    rank_rows, ind_rows = [], []
    for indicator_id, (dataset, series, topic, _headline, titles) in INDICATORS.items():
        df = obs[dataset]
        mine = df[(df["size_emp"] == series["size_emp"]) & (df["indic_is"] == series["indic_is"])]
        previous: dict[str, tuple[int, float]] = {}
        for period in sorted(mine["time_period"].unique()):
            at = mine[mine["time_period"] == period]
            eu = float(at.loc[at["geo"] == EU27_AGGREGATE, "value"].iloc[0])
            members = at[at["geo"].isin(MEMBERS) & at["value"].notna()].copy()
            members["rank"] = members["value"].rank(method="min", ascending=False).astype("int64")
            for r in members.itertuples():
                rank_rows.append({
                    "indicator_id": indicator_id, "dataset": dataset, "series_key": _series_key(series, r.geo),
                    "time_period": int(period), "geo": r.geo, "value": r.value, "obs_status": r.obs_status,
                    "conf_status": r.conf_status, "rank": r.rank, "n_ranked": len(members), "eu_value": eu,
                    "is_focus": r.geo == focus_geo,
                })
            for geo in MEMBERS:  # the release holds every member
                f = at[at["geo"] == geo].iloc[0]
                ranked = members[members["geo"] == geo]
                value = float(f["value"])
                prev = previous.get(geo)
                ind_rows.append({
                    "indicator_id": indicator_id, "title_en": titles["en"], "title_nl": titles["nl"],
                    "title_fr": titles["fr"], "topic": topic, "dataset": dataset,
                    "series_key": _series_key(series, geo), "geo": geo, "time_period": int(period), "value": value,
                    "obs_status": f["obs_status"], "conf_status": f["conf_status"], "unit": series["unit"],
                    "eu_value": eu, "diff_eu": value - eu,
                    "prev_time_period": prev[0] if prev else pd.NA, "prev_value": prev[1] if prev else np.nan,
                    "change": value - prev[1] if prev else np.nan,
                    "rank": int(ranked["rank"].iloc[0]) if len(ranked) else pd.NA,
                    "n_ranked": len(members),
                    "eurostat_last_update": LAST_UPDATE[dataset],
                    "series_version": None, "reference_period": int(period),
                    "missing_reason": "not available" if np.isnan(value) else None, "comparability_note": None,
                    **dict.fromkeys(TARGET_COLUMNS),
                })
                if not np.isnan(value):
                    previous[geo] = (int(period), value)
    rankings = pd.DataFrame(rank_rows)
    indicators = pd.DataFrame(ind_rows)
    for col in ("rank", "n_ranked"):
        rankings[col] = rankings[col].astype("Int64")
    for col in ("prev_time_period", "rank", "n_ranked", "reference_period"):
        indicators[col] = indicators[col].astype("Int64")
    for col in ("value", "eu_value", "diff_eu", "prev_value", "change", "target_value", "gap_to_target",
                "required_yearly_change", "recent_yearly_change", "projected_value"):
        indicators[col] = indicators[col].astype("float64")
    indicators["target_year"] = indicators["target_year"].astype("Int64")
    indicators["on_track"] = indicators["on_track"].astype("boolean")
    return indicators, rankings


def catalogue():
    """The catalogue of these hand-made indicators (what the members product reads: titles, topics)."""
    from pipeline.catalogue import Catalogue, IndicatorSpec, Topic

    specs = tuple(IndicatorSpec(id=i, topic=topic, headline=headline, dataset=dataset, series=series,
                                higher_is_better=True, title=titles)
                  for i, (dataset, series, topic, headline, titles) in INDICATORS.items())
    topics = tuple(Topic(id=t, title=title) for t, title in TOPICS.items())
    return Catalogue(topics=topics, indicators=specs, sha256="c" * 64)


def release_inputs(edition: int = 2026, *, overrides=None, focus_geo: str = "BE", source: str = "sample",
                   products: bool = False) -> dict:
    """Keyword arguments for publish_release (all but data_dir and edition). Without `products` the
    release carries its tables only: the store's tests do not pay for 27 members' documents."""
    periods = range(edition - 3, edition)
    obs = observations(periods, overrides or {})
    indicators, rankings = rankings_and_indicators(obs, focus_geo)
    inputs = {
        dataset: DatasetProvenance(
            dataset=dataset,
            url=f"http://127.0.0.1:8765/sdmx/2.1/data/{dataset}?format=SDMX-CSV&compressed=true",
            retrieved_at="2026-03-01T10:00:00+00:00",
            eurostat_last_update=LAST_UPDATE[dataset],
            sha256=hashlib.sha256(df.to_csv(index=False).encode()).hexdigest(),
            bytes=1000 + len(df),
            rows=len(df),
            source=source,
            format="sdmx-csv-1.0",
        )
        for dataset, df in obs.items()
    }
    presentation = Presentation(headline_ids=tuple(i for i, spec in INDICATORS.items() if spec[3]),
                                reporting_periods={i: edition - 1 for i in INDICATORS}, topics=TOPICS)
    extra = {"catalogue": catalogue()} if products else {"products": {}}
    return dict(indicators=indicators, rankings=rankings, observations=obs, inputs=inputs, focus_geo=focus_geo,
                catalogue_hash="c" * 64, presentation=presentation, source=source, **extra)


def sample_indicators(root, catalogue, edition: int = 2026):
    """The synthetic mirror's observations and every member's indicators (targets included) for `edition`."""
    from pipeline.eurostat import read_observations
    from pipeline.indicators import compute_indicators, compute_rankings
    from pipeline.sample import write_sample_mirror
    from pipeline.series import series_observations

    info = write_sample_mirror(root, last_year=edition - 1)
    obs = {c: read_observations(d["path"]) for c, d in info["datasets"].items()}
    long = series_observations(catalogue, obs, edition)
    rankings = compute_rankings(catalogue, obs, edition, "BE", long=long)
    return obs, compute_indicators(catalogue, obs, edition, "BE", rankings=rankings, long=long, members=MEMBERS)
