"""When the overview runs by itself: a yearly schedule for the new edition, a sensor on Eurostat's catalogue.

The schedule builds the edition of the year it fires in. The sensor reads the TOC every few hours
and, for each configured dataset whose `last update of data` it has not seen, requests a refresh
of that dataset's raw snapshot and observations and of the current edition's figures and release.
"""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from dagster import (
    AssetKey,
    AssetSelection,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SensorDefinition,
    SensorEvaluationContext,
    SensorResult,
    SkipReason,
    define_asset_job,
    schedule,
    sensor,
)

from assets.ingest import observations_key, raw_key
from assets.overview import editions
from assets.resources import EurostatApi, PipelineStore
from pipeline.datasets import DATASETS
from pipeline.errors import EurostatError
from pipeline.eurostat.toc import parse_toc

BRUSSELS = "Europe/Brussels"
# Mid-March: by then Eurostat has published survey year N-1 of both ICT surveys (individuals in
# December, enterprises from December to February), so the new edition's headlines exist.
DEFAULT_SCHEDULE_CRON = "0 6 15 3 *"
# Eurostat updates at 11:00 and 23:00 Brussels: every 3 hours sees each update within 3 hours
# for 8 catalogue reads a day.
DEFAULT_SENSOR_INTERVAL = 3 * 3600
# Everything an edition computes from the observations: a sensor run that left one out would publish
# figures from its stale stored output.
EDITION_ASSETS = [AssetKey("series"), AssetKey("rankings"), AssetKey("indicators"), AssetKey("release")]

overview_edition_job = define_asset_job(
    "overview_edition",
    selection=AssetSelection.all(),
    description="Every asset of one edition: catalogue, raw snapshots, observations, series, rankings, indicators, release.",
)


def automation_running(value: str | None) -> bool:
    """PIPELINE_AUTOMATION=stopped (or off, 0) keeps schedule and sensor off (a developer's machine); on by default."""
    return (value or "running").strip().lower() not in ("stopped", "off", "0")


def current_edition(now: datetime) -> str:
    """The newest edition that exists at `now` (the year in Brussels, as a partition key)."""
    key = str(now.astimezone(ZoneInfo(BRUSSELS)).year)
    if key not in editions.get_partition_keys(current_time=now):
        raise ValueError(f"edition {key} is not a partition of the edition assets at {now.isoformat()}")
    return key


def yearly_edition_schedule(cron: str = DEFAULT_SCHEDULE_CRON, *, running: bool = True) -> ScheduleDefinition:
    """The yearly schedule firing at `cron` (Brussels time), on or off by default."""

    @schedule(
        name="yearly_edition",
        job=overview_edition_job,
        cron_schedule=cron,
        execution_timezone=BRUSSELS,
        default_status=DefaultScheduleStatus.RUNNING if running else DefaultScheduleStatus.STOPPED,
        description="Builds the new edition of the overview once a year (EDITION_SCHEDULE_CRON, Brussels time).",
    )
    def yearly_edition(context: ScheduleEvaluationContext) -> RunRequest:
        edition = str(context.scheduled_execution_time.astimezone(ZoneInfo(BRUSSELS)).year)
        return RunRequest(run_key=f"edition-{edition}", partition_key=edition, tags={"trigger": "yearly schedule"})

    return yearly_edition


def _seen_in_store(store: PipelineStore) -> dict[str, str]:
    """Each dataset's Eurostat update already held as a raw snapshot: the cursor of a first evaluation."""
    raw = store.raw()
    seen = {}
    for code in DATASETS:
        snap = raw.latest(code, source=store.source)
        if snap is not None:
            seen[code] = str(snap.eurostat_last_update)[:10]
    return seen


def _catalogue_dates(eurostat: EurostatApi) -> dict[str, str]:
    """The TOC's `last update of data` of every configured dataset listed in it."""
    # Fewer retries than a download: a sensor tick must finish within Dagster's evaluation timeout.
    with eurostat.open(connect_timeout=5.0, read_timeout=30.0, retries=min(eurostat.retries, 2),
                       max_retry_wait=min(eurostat.max_retry_wait, 10.0)) as client:
        entries = parse_toc(client.fetch_catalogue().body)
    return {
        code: entries[code].last_update.isoformat()
        for code in DATASETS
        if code in entries and entries[code].last_update is not None
    }


def updated_datasets(listed: dict[str, str], seen: dict[str, str]) -> dict[str, str]:
    """Datasets whose TOC date differs from the one last seen (a date going back is an update too)."""
    return {code: day for code, day in sorted(listed.items()) if seen.get(code) != day}


def eurostat_updates_sensor(interval: int = DEFAULT_SENSOR_INTERVAL, *, running: bool = True) -> SensorDefinition:
    """The sensor on Eurostat's catalogue, evaluated every `interval` seconds, on or off by default."""
    return sensor(
        name="eurostat_updates",
        job=overview_edition_job,
        minimum_interval_seconds=interval,
        default_status=DefaultSensorStatus.RUNNING if running else DefaultSensorStatus.STOPPED,
        description=(
            "Reads Eurostat's catalogue every few hours; for each configured dataset with an update not seen "
            "before, refreshes its raw snapshot and observations and the current edition's release."
        ),
    )(_eurostat_updates)


def _eurostat_updates(context: SensorEvaluationContext, eurostat: EurostatApi, store: PipelineStore):
    seen = json.loads(context.cursor) if context.cursor else _seen_in_store(store)
    try:
        listed = _catalogue_dates(eurostat)
    except EurostatError as err:
        return SkipReason(f"Eurostat catalogue not read, nothing requested: {err}")
    updated = updated_datasets(listed, seen)
    cursor = json.dumps({**seen, **listed}, sort_keys=True)
    if not updated:
        return SensorResult(skip_reason=SkipReason(f"no update of the {len(listed)} datasets listed"), cursor=cursor)
    edition = current_edition(_now())
    # The catalogue is refreshed too (raw assets read the TOC date from it), and the labels (the release
    # carries them; a stored codelist is reused, so this asks Eurostat nothing unless a code is new).
    selection = [AssetKey("eurostat_catalogue"), AssetKey("eurostat_labels")]
    for code in updated:
        selection += [raw_key(code), observations_key(code)]
    request = RunRequest(
        run_key=f"eurostat-update:{edition}:" + ",".join(f"{code}@{day}" for code, day in updated.items()),
        partition_key=edition,
        asset_selection=selection + EDITION_ASSETS,
        tags={"trigger": "eurostat update", "eurostat/datasets": ",".join(updated)},
    )
    context.log.info(f"Eurostat updated {', '.join(f'{c} ({d})' for c, d in updated.items())}; edition {edition}")
    return SensorResult(run_requests=[request], cursor=cursor)


def _now() -> datetime:
    return datetime.now(ZoneInfo(BRUSSELS))


# With the documented defaults; `assets.definitions` builds the served ones from the environment.
yearly_edition = yearly_edition_schedule()
eurostat_updates = eurostat_updates_sensor()
