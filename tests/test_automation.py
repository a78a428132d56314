"""The yearly schedule and the Eurostat-update sensor, evaluated against the loopback Eurostat server."""

from __future__ import annotations

import gzip
import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from dagster import DagsterInstance, build_schedule_context, build_sensor_context

from assets.automation import (
    DEFAULT_SCHEDULE_CRON,
    current_edition,
    eurostat_updates,
    updated_datasets,
    yearly_edition,
)
from assets.definitions import defs
from assets.resources import PipelineStore
from pipeline.datasets import DATASETS
from pipeline.eurostat.client import EurostatClient
from pipeline.eurostat.toc import parse_toc
from pipeline.release import list_versions, read_latest
from pipeline.snapshots import RawStore, sync_dataset
from tests.eurostat_server import Respond
from tests.helpers.graph import eurostat_api, run_graph, sample_files, serve

BRUSSELS = ZoneInfo("Europe/Brussels")
FIRST = date(2026, 2, 27)
REPO = defs.get_repository_def()
EDITION_KEYS = {"eurostat_labels", "series", "rankings", "indicators", "release"}


def with_toc_date(toc: bytes, code: str, day: date) -> bytes:
    """The catalogue with one dataset's `last update of data` changed (as when Eurostat updates it)."""
    lines = toc.decode("utf-8").split("\n")
    hits = [i for i, line in enumerate(lines) if line.split("\t")[1:2] == [f'"{code}"']]
    assert len(hits) == 1, f"{code} is listed {len(hits)} times in the sample TOC"
    fields = lines[hits[0]].split("\t")
    fields[3] = f'"{day:%d.%m.%Y}"'
    lines[hits[0]] = "\t".join(fields)
    return "\n".join(lines).encode("utf-8")


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> dict[str, bytes]:
    return sample_files(tmp_path_factory.mktemp("mirror"), FIRST)


def _server(sample: dict[str, bytes], toc: bytes | None = None):
    return serve(sample, toc)


def _api(server):
    return eurostat_api(server, retries=1)


def _tick(server, data_dir: Path, cursor: str | None = None):
    """One sensor evaluation; returns (run requests, new cursor, skip message)."""
    with DagsterInstance.ephemeral() as instance:
        context = build_sensor_context(
            instance=instance, cursor=cursor, repository_def=REPO,
            resources={"eurostat": _api(server), "store": PipelineStore(data_dir=str(data_dir), source="sample")},
        )
        data = eurostat_updates.evaluate_tick(context)
    return data.run_requests or [], data.cursor, data.skip_message


def _keys(request) -> set[str]:
    return {k.to_user_string() for k in request.asset_selection}


# --------------------------------------------------------------------------------------- schedule


@pytest.mark.parametrize("year", [2026, 2027])
def test_schedule_requests_the_edition_of_the_year_it_fires_in(year):
    fired = datetime(year, 3, 15, 6, 0, tzinfo=BRUSSELS)
    with DagsterInstance.ephemeral() as instance:
        data = yearly_edition.evaluate_tick(
            build_schedule_context(instance=instance, scheduled_execution_time=fired, repository_def=REPO))
    (request,) = data.run_requests
    assert request.partition_key == str(year)
    assert request.run_key == f"edition-{year}"
    assert request.asset_selection is None  # the whole job: every asset of the edition
    assert yearly_edition.job_name == "overview_edition"


def test_schedule_fires_mid_march_in_brussels_and_is_on_by_default():
    assert yearly_edition.cron_schedule == DEFAULT_SCHEDULE_CRON == "0 6 15 3 *"
    assert yearly_edition.execution_timezone == "Europe/Brussels"
    assert yearly_edition.default_status.value == "RUNNING"
    assert eurostat_updates.default_status.value == "RUNNING"
    assert 3600 <= eurostat_updates.minimum_interval_seconds <= 6 * 3600
    job = defs.resolve_job_def("overview_edition")
    assert {k.to_user_string() for k in job.asset_layer.executable_asset_keys} == {
        k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}


def test_current_edition_is_the_brussels_year_and_a_partition():
    # 23:30 UTC on 31 December is already the new year in Brussels, but edition 2027 exists
    # only from 1 January UTC: the edition partitions are yearly windows in UTC.
    assert current_edition(datetime(2026, 11, 30, 12, tzinfo=BRUSSELS)) == "2026"
    with pytest.raises(ValueError, match="edition 2027 is not a partition"):
        current_edition(datetime(2027, 1, 1, 0, 30, tzinfo=BRUSSELS))


# ----------------------------------------------------------------------------------------- sensor


def test_updated_datasets_compares_dates_not_order():
    seen = {"isoc_eb_ai": "2026-02-27", "isoc_e_dii": "2026-02-27"}
    assert updated_datasets({"isoc_eb_ai": "2026-02-27", "isoc_e_dii": "2026-02-27"}, seen) == {}
    assert updated_datasets({"isoc_eb_ai": "2026-02-27", "isoc_e_dii": "2026-03-04"}, seen) == {
        "isoc_e_dii": "2026-03-04"}
    assert updated_datasets({"isoc_ec_evals": "2026-02-27"}, seen) == {"isoc_ec_evals": "2026-02-27"}


def test_first_evaluation_requests_every_dataset_the_store_does_not_hold(sample, tmp_path):
    with _server(sample) as server:
        requests, cursor, _ = _tick(server, tmp_path)
        assert server.request_count("/catalogue/toc") == 1
        assert server.request_count("/sdmx") == 0  # the sensor reads the catalogue only
    (request,) = requests
    assert _keys(request) == {"eurostat_catalogue", *EDITION_KEYS} | {
        f"{kind}/{code}" for code in DATASETS for kind in ("raw", "observations")}
    assert request.partition_key == current_edition(datetime.now(BRUSSELS))
    assert json.loads(cursor) == {code: FIRST.isoformat() for code in DATASETS}


def test_catalogue_unchanged_requests_nothing_then_an_update_is_requested_once(sample, tmp_path):
    # The store already holds every dataset's current update: nothing to do.
    with _server(sample) as server:
        client = EurostatClient(server.base_url, retries=0)
        toc = parse_toc(client.fetch_catalogue().body)
        for code in DATASETS:
            sync_dataset(client, RawStore(tmp_path), code, toc[code], source="sample")
        requests, cursor, skip = _tick(server, tmp_path)
        assert requests == [] and "no update" in skip
        again, cursor_again, _ = _tick(server, tmp_path, cursor)
        assert again == [] and cursor_again == cursor

    updated = with_toc_date(sample["__toc__"], "isoc_e_dii", date(2026, 3, 4))
    with _server(sample, updated) as server:
        requests, new_cursor, _ = _tick(server, tmp_path, cursor)
        (request,) = requests
        assert _keys(request) == {"eurostat_catalogue", "raw/isoc_e_dii", "observations/isoc_e_dii", *EDITION_KEYS}
        assert "isoc_e_dii@2026-03-04" in request.run_key
        assert request.tags["eurostat/datasets"] == "isoc_e_dii"
        assert json.loads(new_cursor)["isoc_e_dii"] == "2026-03-04"

        repeated, _, skip = _tick(server, tmp_path, new_cursor)
        assert repeated == [] and "no update" in skip
        # A tick whose cursor was lost asks again under the same run key, which Dagster runs once.
        (replayed,), _, _ = _tick(server, tmp_path, cursor)
        assert replayed.run_key == request.run_key

    two = with_toc_date(with_toc_date(updated, "isoc_eb_ai", date(2026, 3, 5)), "isoc_e_dii", date(2026, 3, 5))
    with _server(sample, two) as server:
        (request,), _, _ = _tick(server, tmp_path, new_cursor)
    assert request.run_key.endswith(":isoc_e_dii@2026-03-05,isoc_eb_ai@2026-03-05")
    assert {"raw/isoc_eb_ai", "raw/isoc_e_dii"} <= _keys(request)


def test_eurostat_unreachable_skips_and_keeps_the_cursor(sample, tmp_path):
    cursor = json.dumps({code: FIRST.isoformat() for code in DATASETS})
    with _server(sample) as server:
        server.script("/catalogue/toc/txt", [], then=Respond(503))
        requests, new_cursor, skip = _tick(server, tmp_path, cursor)
    assert requests == []
    assert "Eurostat catalogue not read" in skip and "503" in skip
    assert new_cursor in (None, cursor)


@pytest.mark.integration
def test_a_sensor_request_refreshes_the_dataset_and_publishes_a_new_release(sample, tmp_path):
    """What the daemon does with the request: the updated dataset is downloaded, the release revised."""
    edition = current_edition(datetime.now(BRUSSELS))
    with _server(sample) as server:
        assert run_graph(server, tmp_path, retries=1, edition=int(edition)).success
        requests, cursor, _ = _tick(server, tmp_path)
    assert requests == []  # a first tick finds the store up to date
    first = read_latest(tmp_path, edition)

    # Eurostat's update revises BE's digital intensity of 2025: the new release must carry it.
    updated = sample_files(tmp_path / "later", date(2026, 3, 4), last_year=2025)["isoc_e_dii"]
    lines = gzip.decompress(updated).decode().splitlines()
    revised = [i for i, line in enumerate(lines) if ",GE10,C10-S951_X_K,E_DI3_GELO,PC_ENT,BE,2025," in line]
    assert len(revised) == 1
    cells = lines[revised[0]].split(",")
    cells[9] = "12.34"
    lines[revised[0]] = ",".join(cells)
    later = dict(sample, isoc_e_dii=gzip.compress(("\n".join(lines) + "\n").encode()))
    toc = with_toc_date(sample["__toc__"], "isoc_e_dii", date(2026, 3, 4))
    with _server(later, toc) as server:
        (request,), _, _ = _tick(server, tmp_path, cursor)
        result = run_graph(server, tmp_path, retries=1, edition=int(request.partition_key),
                           selection=request.asset_selection)
        assert result.success
        assert server.request_count("/sdmx/2.1/data/isoc_e_dii") == 1
        assert server.request_count("/sdmx") == 1  # the other datasets are read from the store
    snapshots = (tmp_path / "raw/eurostat/isoc_e_dii").iterdir()
    assert sorted(p.name for p in snapshots if not p.name.startswith(".")) == ["2026-02-27", "2026-03-04"]
    latest = read_latest(tmp_path, edition)
    assert latest != first and len(list_versions(tmp_path, edition)) == 2
    manifest = json.loads((latest / "manifest.json").read_text())
    assert manifest["inputs"]["isoc_e_dii"]["eurostat_last_update"].startswith("2026-03-04")
    assert manifest["inputs"]["isoc_eb_ai"]["eurostat_last_update"].startswith("2026-02-27")
    figures = pd.read_parquet(latest / "indicators.parquet")
    be = figures[(figures["indicator_id"] == "basic_digital_intensity") & (figures["geo"] == "BE")
                 & (figures["time_period"] == 2025)]
    assert be["value"].tolist() == [12.34]
    assert manifest["revisions"]["count"] >= 1
