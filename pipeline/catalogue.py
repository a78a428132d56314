"""The indicator catalogue: which Eurostat statistics the overview reports, loaded from YAML and validated.

One entry is one statistic. Its Eurostat code may change with the survey year (the digital
intensity index: v3 in odd years, v4 in even years) and it may be surveyed in some years only:
`versions` says which code serves which periods, `periods` which years the entry exists at all.
The file is validated with pydantic; every problem is reported at once with its place in the file.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Iterator

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, ValidationError

from pipeline.datasets import DATASETS
from pipeline.errors import CatalogueError
from pipeline.geo import EU27
from pipeline.periods import EVERY_YEAR, FIRST_YEAR, LAST_YEAR, PeriodRule
from pipeline.units import is_percent

DEFAULT_PATH = Path(__file__).with_name("indicator_catalogue.yaml")
LANGUAGES = ("en", "nl", "fr")
DEFAULT_PERIOD_OFFSET = -1

Code = Annotated[str, StringConstraints(strict=True, min_length=1, pattern=r"^[^.+\s]+$")]
Identifier = Annotated[str, StringConstraints(strict=True, pattern=r"^[a-z0-9_]+$")]
Text = Annotated[str, StringConstraints(strict=True, strip_whitespace=True, min_length=1)]


class Titles(BaseModel):
    """A text in the three languages of the overview (Eurostat has no Dutch labels: ours are written)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    en: Text
    nl: Text
    fr: Text

    def __getitem__(self, lang: str) -> str:
        return getattr(self, lang)


class Target(BaseModel):
    """A policy target for the statistic (the Digital Decade's 2030 targets), with its legal source."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    value: float = Field(ge=0, le=100, description="the level to reach, in the entry's unit")
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR, strict=True, description="the year it is to be reached by")
    unit: Code = Field(description="the target's unit: a percentage of the same population as the series")
    source: Text = Field(description="the legal source, e.g. Decision (EU) 2022/2481, Art. 4(1)(3)(b)")
    national: dict[str, float] = Field({}, description="a member's own target where its roadmap sets one")

    def for_member(self, geo: str) -> float:
        return self.national.get(geo, self.value)


class SeriesVersion(BaseModel):
    """The codes that serve some periods of an entry whose Eurostat code changes over time."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    label: Text = Field(description="how the report names this version, e.g. 'DII v4'")
    codes: dict[str, Code] = Field(description="codes replacing the entry's series for these periods")
    periods: PeriodRule


class Variant(BaseModel):
    """One Eurostat series serving (some periods of) an entry: every non-geo dimension pinned."""

    model_config = ConfigDict(frozen=True)
    label: str | None
    series: dict[str, str]
    periods: PeriodRule

    def key(self, dimensions: tuple[str, ...], geo: str | None = None) -> str:
        """Series key in DSD order; without geo when `geo` is None."""
        return ".".join(geo if d == "geo" else self.series[d] for d in dimensions if d != "geo" or geo)


class IndicatorSpec(BaseModel):
    """One catalogue entry, as validated."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    id: Identifier
    topic: Identifier
    headline: StrictBool = Field(description="a key figure: every member must have it in the edition")
    dataset: Identifier
    series: dict[str, Code] = Field(description="codes shared by every period (all of them without versions)")
    versions: tuple[SeriesVersion, ...] = ()
    versions_comparable: StrictBool = Field(
        False, description="true when a change between versions is meaningful (the default: it is not)")
    periods: PeriodRule = Field(EVERY_YEAR, description="the survey years the statistic exists in")
    higher_is_better: StrictBool
    period_offset: int = Field(DEFAULT_PERIOD_OFFSET, ge=-10, le=0, strict=True,
                               description="edition N reports Eurostat period N + offset")
    reference_offset: int = Field(0, ge=-5, le=0, strict=True,
                                  description="the figure is about time_period + offset (e-commerce sales: -1)")
    title: Titles
    short: Titles | None = Field(None, description="the item's name inside a sentence of its topic: 'text analysis'")
    target: Target | None = None

    @cached_property
    def variants(self) -> tuple[Variant, ...]:
        if not self.versions:
            return (Variant(label=None, series=dict(self.series), periods=self.periods),)
        return tuple(Variant(label=v.label, series={**self.series, **v.codes}, periods=v.periods)
                     for v in self.versions)

    @property
    def unit(self) -> str:
        return self.series["unit"]

    @property
    def indic_is(self) -> str:
        """The code most readers know the entry by (the newest version's, for a versioned entry)."""
        return self.variants[0].series.get("indic_is", "")

    def why_not_surveyed(self, period: int) -> str | None:
        """Why Eurostat has no figure of this entry for `period` by design; None when it should have one."""
        reason = self.periods.why_not(period)
        if reason is None and self.versions and self.variant_for(period) is None:
            reason = f"not surveyed in {period}: no version of the series serves it"
        return reason

    def surveyed(self, period: int) -> bool:
        return self.why_not_surveyed(period) is None

    def variant_for(self, period: int) -> Variant | None:
        if not self.periods.covers(period):
            return None
        return next((v for v in self.variants if v.periods.covers(period)), None)

    def series_key(self, geo: str, period: int | None = None) -> str:
        """Eurostat key of the observation this entry reports for (geo, period), in DSD order."""
        variant = (self.variant_for(period) if period is not None else None) or self.variants[0]
        return variant.key(DATASETS[self.dataset].dimensions, geo)


class Topic(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    title: Titles


class Catalogue(BaseModel):
    """The validated catalogue; `sha256` is the hash of the YAML bytes, for provenance."""

    model_config = ConfigDict(frozen=True)
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
    where = f"indicator catalogue {path}"
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogueError(f"{where} cannot be read: {exc.strerror or exc}") from None
    try:
        doc = yaml.load(raw, Loader=_UniqueKeyLoader)
    except CatalogueError as exc:
        raise CatalogueError(f"{where}: {exc}") from None
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{where}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise CatalogueError(f"{where}: expected a mapping with 'topics' and 'indicators'")

    problems: list[str] = []
    # `x-` keys hold YAML anchors shared by several entries (as in docker-compose files).
    extra = sorted(k for k in set(doc) - {"topics", "indicators"} if not str(k).startswith("x-"))
    if extra:
        problems.append(f"unknown top-level key(s) {extra}; allowed: topics, indicators, x-<anchor>")
    topics = _parse_topics(doc.get("topics"), problems)
    entries = doc.get("indicators")
    if not isinstance(entries, list) or not entries:
        problems.append("'indicators' must be a non-empty list of entries")
        entries = []
    indicators: list[IndicatorSpec] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        spec = _parse_entry(entry, position, {t.id for t in topics}, seen, problems)
        if spec is not None:
            indicators.append(spec)
    if problems:
        raise CatalogueError(f"{where} has {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))
    return Catalogue(topics=tuple(topics), indicators=tuple(indicators),
                     sha256=hashlib.sha256(raw).hexdigest(), path=str(path))


def _parse_topics(value: Any, problems: list[str]) -> list[Topic]:
    if not isinstance(value, dict) or not value:
        problems.append("'topics' must be a non-empty mapping of topic id -> titles")
        return []
    topics = []
    for topic_id, titles in value.items():
        label = f"topic {topic_id!r}"
        if not isinstance(topic_id, str) or not re.fullmatch(r"[a-z0-9_]+", topic_id):
            problems.append(f"{label}: id must match [a-z0-9_]+")
            continue
        try:
            topics.append(Topic(id=topic_id, title=Titles.model_validate(titles)))
        except ValidationError as err:
            problems.extend(f"{label}: {m}" for m in _messages(err, titles, prefix=("title",)))
    return topics


def _parse_entry(entry: Any, position: int, topic_ids: set[str], seen: set[str],
                 problems: list[str]) -> IndicatorSpec | None:
    if not isinstance(entry, dict):
        problems.append(f"indicator #{position}: expected a mapping, got {type(entry).__name__}")
        return None
    label = f"indicator {entry.get('id')!r} (#{position})"
    try:
        spec = IndicatorSpec.model_validate(entry)
    except ValidationError as err:
        problems.extend(f"{label}: {m}" for m in _messages(err, entry))
        return None
    found = list(_semantic_problems(spec, topic_ids))
    if spec.id in seen:
        found.insert(0, "field 'id' duplicates an earlier entry")
    seen.add(spec.id)
    problems.extend(f"{label}: {m}" for m in found)
    return None if found else spec


def _semantic_problems(spec: IndicatorSpec, topic_ids: set[str]) -> Iterator[str]:
    """What pydantic cannot know alone: the topic list, the dataset's dimensions, version overlaps."""
    if spec.topic not in topic_ids:
        yield f"field 'topic' {spec.topic!r} is not a declared topic {sorted(topic_ids)}"
    if spec.dataset not in DATASETS:
        yield f"field 'dataset' {spec.dataset!r} is not configured in pipeline.datasets ({', '.join(DATASETS)})"
        return
    expected = [d for d in DATASETS[spec.dataset].dimensions if d != "geo"]
    if "unit" not in spec.series:
        yield "field 'series' lacks dimension(s) ['unit']: the unit is pinned once for every period"
    changing = [set(v.codes) for v in spec.versions]
    if changing and any(c != changing[0] for c in changing):
        yield "field 'versions': every version must replace the same dimension(s)"
    for i, version in enumerate(spec.versions):
        for dim in sorted(set(version.codes) & set(spec.series)):
            yield f"field 'versions[{i}].codes.{dim}' repeats a dimension already pinned in 'series'"
    for variant in spec.variants:
        missing = [d for d in expected if d not in variant.series]
        extra = [d for d in variant.series if d not in expected]
        if missing and "unit" not in missing:
            yield f"field 'series' lacks dimension(s) {missing} of dataset {spec.dataset}"
        if extra:
            yield (f"field 'series' has dimension(s) {extra} that dataset {spec.dataset} does not have "
                   f"(its non-geo dimensions: {expected}; geo is never pinned)")
        if missing or extra:
            break
    yield from _target_problems(spec)
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        serving = [v.label for v in spec.variants if v.periods.covers(year)]
        if len(serving) > 1:
            yield f"field 'versions': {year} is served by more than one version ({', '.join(serving)})"
            break


def _target_problems(spec: IndicatorSpec) -> Iterator[str]:
    target = spec.target
    if target is None:
        return
    if not is_percent(target.unit) or target.unit != spec.series.get("unit"):
        yield (f"field 'target.unit' {target.unit!r}: a target must be a percentage of the same population as "
               f"the series (its unit is {spec.series.get('unit')!r})")
    if target.year < date.today().year:
        yield f"field 'target.year' {target.year} is in the past"
    unknown = sorted(set(target.national) - EU27)
    if unknown:
        yield (f"field 'target.national' names {', '.join(map(repr, unknown))}, not EU member code(s); "
               f"the 27 are {' '.join(sorted(EU27))}")
    if not spec.higher_is_better:
        yield "field 'target': targets are levels to reach; the entry must have higher_is_better: true"


_MESSAGES = {
    "bool_type": "must be true or false",
    "string_type": "must be one Eurostat code (a string)",
    "int_type": "must be an integer",
}


def _messages(err: ValidationError, doc: Any, prefix: tuple = ()) -> list[str]:
    """pydantic's errors as 'field <path>: <what is wrong>', in the catalogue's own words."""
    out = []
    for e in err.errors():
        loc = prefix + tuple(e["loc"])
        path = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in loc).replace(".[", "[")
        kind, got = e["type"], e.get("input")
        if kind == "missing":
            if loc[:1] == ("title",) and len(loc) == 2:
                out.append(f"field 'title' lacks language(s) {[loc[-1]]}")
            else:
                out.append(f"missing field '{path}'")
        elif kind == "extra_forbidden":
            where = "title" if loc[:1] == ("title",) else "entry"
            hint = f" has unknown language(s) {[loc[-1]]}; allowed: {list(LANGUAGES)}" if where == "title" else ""
            out.append(f"field 'title'{hint}" if hint else f"unknown field(s) ['{path}']")
        elif kind == "string_too_short" and loc[:1] == ("title",):
            out.append(f"field '{path}' must be a non-empty string, got {got!r}")
        elif kind == "string_pattern_mismatch" and loc[-1] in ("id", "topic", "dataset"):
            out.append(f"field '{path}' must match [a-z0-9_]+, got {got!r}")
        elif kind == "string_pattern_mismatch":
            out.append(f"field '{path}' must be one Eurostat code (no '.', '+' or space), got {got!r}")
        elif kind in ("greater_than_equal", "less_than_equal") and loc[-1] == "period_offset":
            out.append(f"field 'period_offset' must be an integer between -10 and 0, got {got!r}")
        elif kind in _MESSAGES:
            out.append(f"field '{path}' {_MESSAGES[kind]}, got {got!r}")
        else:
            out.append(f"field '{path}': {e['msg']}" + (f" (got {got!r})" if not isinstance(got, dict) else ""))
    return out

