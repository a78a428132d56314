"""The indicator catalogue: which Eurostat series the overview reports, loaded from YAML and checked."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping

import numpy as np
import pandas as pd
import yaml

from pipeline.datasets import DATASETS
from pipeline.errors import CatalogueError

DEFAULT_PATH = Path(__file__).with_name("indicator_catalogue.yaml")
LANGUAGES = ("en", "nl", "fr")
DEFAULT_PERIOD_OFFSET = -1

_ID = re.compile(r"[a-z0-9_]+")
_REQUIRED = ("id", "topic", "headline", "dataset", "series", "higher_is_better", "title")
_ALLOWED = frozenset(_REQUIRED + ("period_offset", "first_period"))


@dataclass(frozen=True)
class Topic:
    """A section of the overview, with its titles."""

    id: str
    title: Mapping[str, str] = field(hash=False)


@dataclass(frozen=True)
class IndicatorSpec:
    """One catalogue entry: one Eurostat series (every non-geo dimension pinned)."""

    id: str
    topic: str
    headline: bool
    dataset: str
    series: Mapping[str, str] = field(hash=False)
    higher_is_better: bool
    period_offset: int
    title: Mapping[str, str] = field(hash=False)
    first_period: int | None = None  # the first period Eurostat surveyed (a series new to the survey)

    def surveyed(self, period: int) -> bool:
        """Whether Eurostat surveyed this series for `period` (editions before its first have no figure)."""
        return self.first_period is None or int(period) >= self.first_period

    @property
    def unit(self) -> str:
        return self.series["unit"]


@dataclass(frozen=True)
class Catalogue:
    """The validated catalogue; `sha256` is the hash of the YAML bytes, for provenance."""

    topics: tuple[Topic, ...]
    indicators: tuple[IndicatorSpec, ...]
    sha256: str
    path: str | None = None

    @cached_property
    def by_id(self) -> dict[str, IndicatorSpec]:
        return {spec.id: spec for spec in self.indicators}

    @cached_property
    def headline(self) -> tuple[IndicatorSpec, ...]:
        return tuple(spec for spec in self.indicators if spec.headline)

    @cached_property
    def datasets(self) -> frozenset[str]:
        return frozenset(spec.dataset for spec in self.indicators)

    def select(self, ids) -> "Catalogue":
        """The same catalogue restricted to some entries (same topics and file hash), in catalogue order."""
        wanted = set(ids)
        unknown = sorted(wanted - set(self.by_id))
        if unknown:
            raise CatalogueError(f"indicator catalogue {self.path}: no entry with id(s) {unknown}")
        kept = tuple(spec for spec in self.indicators if spec.id in wanted)
        return Catalogue(topics=self.topics, indicators=kept, sha256=self.sha256, path=self.path)

    def reporting_period(self, spec: IndicatorSpec, edition: int) -> int:
        """The Eurostat period an edition reports for this entry (edition 2026, offset -1 -> 2025)."""
        return int(edition) + spec.period_offset


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys (plain YAML silently keeps the last one)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise CatalogueError(f"duplicate key {key!r} at line {key_node.start_mark.line + 1}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read and validate the catalogue YAML (default: the packaged one); all problems reported at once."""
    path = Path(path) if path is not None else DEFAULT_PATH
    raw = path.read_bytes()
    where = f"indicator catalogue {path}"
    try:
        doc = yaml.load(raw, Loader=_UniqueKeyLoader)
    except CatalogueError as exc:
        raise CatalogueError(f"{where}: {exc}") from None
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{where}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise CatalogueError(f"{where}: expected a mapping with 'topics' and 'indicators'")

    problems: list[str] = []
    extra = sorted(set(doc) - {"topics", "indicators"})
    if extra:
        problems.append(f"unknown top-level key(s) {extra}; allowed: topics, indicators")
    topics = _parse_topics(doc.get("topics"), problems)
    entries = doc.get("indicators")
    indicators: list[IndicatorSpec] = []
    if not isinstance(entries, list) or not entries:
        problems.append("'indicators' must be a non-empty list of entries")
        entries = []
    seen: set[str] = set()
    topic_ids = {t.id for t in topics}
    for position, entry in enumerate(entries, start=1):
        spec = _parse_entry(entry, position, topic_ids, seen, problems)
        if spec is not None:
            indicators.append(spec)
    if problems:
        raise CatalogueError(f"{where} has {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))
    return Catalogue(
        topics=tuple(topics),
        indicators=tuple(indicators),
        sha256=hashlib.sha256(raw).hexdigest(),
        path=str(path),
    )


def _titles(value: Any, label: str, problems: list[str]) -> dict[str, str] | None:
    if not isinstance(value, dict):
        problems.append(f"{label}: 'title' must be a mapping with languages {', '.join(LANGUAGES)}")
        return None
    bad = len(problems)
    missing = [lang for lang in LANGUAGES if lang not in value]
    if missing:
        problems.append(f"{label}: field 'title' lacks language(s) {missing}")
    extra = sorted(set(value) - set(LANGUAGES))
    if extra:
        problems.append(f"{label}: field 'title' has unknown language(s) {extra}; allowed: {list(LANGUAGES)}")
    for lang in LANGUAGES:
        text = value.get(lang)
        if lang in value and (not isinstance(text, str) or not text.strip()):
            problems.append(f"{label}: field 'title.{lang}' must be a non-empty string, got {text!r}")
    return {lang: value[lang].strip() for lang in LANGUAGES} if len(problems) == bad else None


def _parse_topics(value: Any, problems: list[str]) -> list[Topic]:
    if not isinstance(value, dict) or not value:
        problems.append("'topics' must be a non-empty mapping of topic id -> titles")
        return []
    topics = []
    for topic_id, titles in value.items():
        label = f"topic {topic_id!r}"
        if not isinstance(topic_id, str) or not _ID.fullmatch(topic_id):
            problems.append(f"{label}: id must match [a-z0-9_]+")
            continue
        parsed = _titles(titles, label, problems)
        if parsed is not None:
            topics.append(Topic(topic_id, parsed))
    return topics


def _parse_entry(
    entry: Any, position: int, topic_ids: set[str], seen: set[str], problems: list[str]
) -> IndicatorSpec | None:
    if not isinstance(entry, dict):
        problems.append(f"indicator #{position}: expected a mapping, got {type(entry).__name__}")
        return None
    entry_id = entry.get("id")
    label = f"indicator {entry_id!r} (#{position})"
    bad = len(problems)

    unknown = sorted(set(entry) - _ALLOWED, key=str)
    if unknown:
        problems.append(f"{label}: unknown field(s) {unknown}; allowed: {sorted(_ALLOWED)}")
    for key in _REQUIRED:
        if key not in entry:
            problems.append(f"{label}: missing field '{key}'")

    if "id" in entry:
        if not isinstance(entry_id, str) or not _ID.fullmatch(entry_id):
            problems.append(f"{label}: field 'id' must match [a-z0-9_]+")
        elif entry_id in seen:
            problems.append(f"{label}: field 'id' duplicates an earlier entry")
        else:
            seen.add(entry_id)
    if "topic" in entry and entry["topic"] not in topic_ids:
        problems.append(f"{label}: field 'topic' {entry['topic']!r} is not a declared topic {sorted(topic_ids)}")
    for key in ("headline", "higher_is_better"):
        if key in entry and not isinstance(entry[key], bool):
            problems.append(f"{label}: field '{key}' must be true or false, got {entry[key]!r}")
    offset = entry.get("period_offset", DEFAULT_PERIOD_OFFSET)
    if isinstance(offset, bool) or not isinstance(offset, int) or not -10 <= offset <= 0:
        problems.append(f"{label}: field 'period_offset' must be an integer between -10 and 0, got {offset!r}")
    first = entry.get("first_period")
    if first is not None and (isinstance(first, bool) or not isinstance(first, int) or not 1990 <= first <= 2100):
        problems.append(f"{label}: field 'first_period' must be a year, got {first!r}")

    dataset = entry.get("dataset")
    if "dataset" in entry and dataset not in DATASETS:
        problems.append(
            f"{label}: field 'dataset' {dataset!r} is not configured in pipeline.datasets ({', '.join(DATASETS)})"
        )
    series = entry.get("series")
    if "series" in entry:
        if not isinstance(series, dict):
            problems.append(f"{label}: field 'series' must be a mapping dimension -> code")
        else:
            _check_series(label, dataset, series, problems)
    title = _titles(entry["title"], label, problems) if "title" in entry else None

    if len(problems) > bad:
        return None
    return IndicatorSpec(
        id=entry_id,
        topic=entry["topic"],
        headline=entry["headline"],
        dataset=dataset,
        series=dict(series),
        higher_is_better=entry["higher_is_better"],
        period_offset=offset,
        title=title,
        first_period=first,
    )


def _check_series(label: str, dataset: Any, series: dict, problems: list[str]) -> None:
    for dim, code in series.items():
        # YAML turns unquoted codes like NO/ON into booleans and 2020 into an int: insist on strings.
        if not isinstance(code, str) or not code or any(c in code for c in ".+ "):
            problems.append(f"{label}: field 'series.{dim}' must be one Eurostat code (a string), got {code!r}")
    if dataset not in DATASETS:
        return
    expected = [d for d in DATASETS[dataset].dimensions if d != "geo"]
    missing = [d for d in expected if d not in series]
    extra = [d for d in series if d not in expected]
    if missing:
        problems.append(f"{label}: field 'series' lacks dimension(s) {missing} of dataset {dataset}")
    if extra:
        problems.append(
            f"{label}: field 'series' has dimension(s) {extra} that dataset {dataset} does not have "
            f"(its non-geo dimensions: {expected}; geo is never pinned)"
        )


def resolve_catalogue(catalogue: Catalogue, observations: Mapping[str, pd.DataFrame]) -> None:
    """Check every entry against the data served; raise CatalogueError listing every unresolved entry."""
    problems: list[str] = []
    for dataset in sorted(catalogue.datasets):
        specs = [s for s in catalogue.indicators if s.dataset == dataset]
        df = observations.get(dataset)
        dims = [d for d in DATASETS[dataset].dimensions if d != "geo"]
        absent = [] if df is None else [d for d in dims + ["value"] if d not in df.columns]
        if df is None or absent:
            why = "was not loaded" if df is None else f"has no column(s) {absent}"
            problems += [f"indicator {s.id!r}: dataset {dataset} {why}" for s in specs]
            continue
        # Narrow once to rows whose every dimension holds a pinned code; the full table is only
        # searched again to explain a failure.
        keep = np.ones(len(df), dtype=bool)
        for dim in dims:
            keep &= df[dim].isin({s.series[dim] for s in specs}).to_numpy()
        narrow = df.loc[keep]
        for spec in specs:
            problem = _unresolved(spec, dims, df, narrow)
            if problem:
                problems.append(problem)
    if problems:
        raise CatalogueError(
            f"{len(problems)} catalogue entr{'y' if len(problems) == 1 else 'ies'} do not resolve "
            "against the downloaded data:\n  - " + "\n  - ".join(problems)
        )


def _unresolved(spec: IndicatorSpec, dims: list[str], df: pd.DataFrame, narrow: pd.DataFrame) -> str | None:
    hit = np.ones(len(narrow), dtype=bool)
    for dim in dims:
        hit &= (narrow[dim] == spec.series[dim]).to_numpy()
    if hit.any():
        if narrow.loc[hit, "value"].notna().any():
            return None
        key = ".".join(spec.series[d] for d in dims)
        return (
            f"indicator {spec.id!r}: series {key} of dataset {spec.dataset} has observations "
            "but no value in any period or country"
        )
    # Pin the dimensions one by one in DSD order and report the first code the data lacks,
    # with the codes that do exist alongside the ones already pinned: what the statistician
    # has to choose from.
    within = np.ones(len(df), dtype=bool)
    for position, dim in enumerate(dims):
        step = within & (df[dim] == spec.series[dim]).to_numpy()
        if not step.any():
            before = dims[:position]
            present = sorted(str(c) for c in df.loc[within, dim].dropna().unique())
            alongside = " alongside " + ", ".join(f"{d}={spec.series[d]}" for d in before) if before else ""
            return (
                f"indicator {spec.id!r}: dataset {spec.dataset} has no {dim}={spec.series[dim]}{alongside}; "
                f"codes it has for {dim}: {', '.join(present) or '(none)'}"
            )
        within = step
    raise AssertionError("unreachable: every dimension matched but the series was not found")
