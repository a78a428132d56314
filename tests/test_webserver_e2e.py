"""The Dagster UI end to end: `dagster dev` as `make dev` starts it, its GraphQL API, "Materialize all".

`dagster dev -w workspace.yaml` (webserver + daemon) runs in its own process group with a
temporary DAGSTER_HOME; the Eurostat API is the synthetic sample served on loopback. The run is
queued by the webserver, dequeued by the daemon and executed by the default run launcher in a
subprocess, as when a user clicks "Materialize all" for a (past) edition.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import requests

from assets.definitions import defs
from pipeline.catalogue import load_catalogue
from pipeline.datasets import DATASETS
from pipeline.eurostat.mirror import MirrorServer
from pipeline.release import read_latest
from pipeline.sample import write_sample_mirror
from tests.helpers.ports import free_port

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[1]
EDITION = 2025  # a past edition: reports survey year 2024 from the data Eurostat serves today
STARTUP_SECONDS = 120
RUN_SECONDS = 300
GROUPS = {"catalogue", "raw", "observations", "indicators", "release"}

ASSET_NODES = """{ assetNodes { assetKey { path } groupName description isPartitioned
  owners { ... on TeamAssetOwner { team } ... on UserAssetOwner { email } }
  assetChecksOrError { ... on AssetChecks { checks { name blocking } } } } }"""
LAUNCH_RUN = """mutation($params: ExecutionParams!) { launchRun(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message }
  ... on RunConfigValidationInvalid { errors { message } } ... on InvalidSubsetError { message } } }"""
RUN_STATUS = """query($id: ID!) { runOrError(runId: $id) { ... on Run { status tags { key value } } } }"""
FAILED_STEPS = """query($id: ID!) { logsForRun(runId: $id) { ... on EventConnection { events {
  __typename ... on ExecutionStepFailureEvent { stepKey error { message } } } } } }"""
MATERIALIZATIONS = """query($path: [String!]!) { assetOrError(assetKey: {path: $path}) {
  ... on Asset { assetMaterializations { partition runId } } } }"""


class Webserver:
    """`dagster dev` in its own process group; GraphQL over loopback."""

    def __init__(self, env: dict[str, str], log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/graphql"
        self.log = log
        cmd = [sys.executable, "-m", "dagster", "dev", "-w", "workspace.yaml",
               "-h", "127.0.0.1", "-p", str(self.port)]
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def graphql(self, query: str, **variables) -> dict:
        reply = requests.post(self.url, json={"query": query, "variables": variables}, timeout=30)
        reply.raise_for_status()
        body = reply.json()
        assert "errors" not in body, body["errors"]
        return body["data"]

    def wait_loaded(self) -> str:
        """Wait until the code location is loaded; returns its name."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"dagster dev exited with {self.proc.returncode}:\n{self.log.read_text()[-3000:]}")
            try:
                data = self.graphql("{ repositoriesOrError { ... on RepositoryConnection { nodes { name "
                                    "location { name } } } } }")
                nodes = data["repositoriesOrError"].get("nodes") or []
                if nodes:
                    return nodes[0]["location"]["name"]
            except requests.RequestException:
                pass
            time.sleep(0.5)
        pytest.fail(f"dagster dev not ready within {STARTUP_SECONDS} s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        """Terminate the whole process group (webserver, daemon, code servers, run workers)."""
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.proc.wait(wait)
                time.sleep(0.5)  # let children of the group exit too
            except subprocess.TimeoutExpired:
                continue
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@pytest.fixture
def ui(tmp_path):
    write_sample_mirror(tmp_path / "mirror", last_year=2025, last_update=date(2026, 2, 27))
    (tmp_path / "home").mkdir()
    with MirrorServer(tmp_path / "mirror") as mirror:
        env = dict(
            os.environ,
            DAGSTER_HOME=str(tmp_path / "home"),
            PIPELINE_DATA_DIR=str(tmp_path / "data"),
            PIPELINE_SOURCE="sample",
            EUROSTAT_BASE_URL=mirror.base_url,
            PIPELINE_AUTOMATION="stopped",
            DAGSTER_DISABLE_TELEMETRY="1",
        )
        server = Webserver(env, tmp_path / "webserver.log")
        try:
            yield server, mirror, tmp_path / "data"
        finally:
            server.stop()


def _launch_all(server: Webserver, location: str, nodes: list[dict], partition: str) -> str:
    """What "Materialize all" sends: the implicit asset job, every asset and check, the partition tag."""
    checks = [{"assetKey": {"path": n["assetKey"]["path"]}, "name": c["name"]}
              for n in nodes for c in n["assetChecksOrError"]["checks"]]
    params = {
        "selector": {
            "repositoryLocationName": location, "repositoryName": "__repository__", "jobName": "__ASSET_JOB",
            "assetSelection": [{"path": n["assetKey"]["path"]} for n in nodes], "assetCheckSelection": checks,
        },
        # One process for the steps: each step in its own process costs seconds of imports on 2 cores.
        "runConfigData": {"execution": {"config": {"in_process": {}}}},
        "executionMetadata": {"tags": [{"key": "dagster/partition", "value": partition}]},
    }
    launched = server.graphql(LAUNCH_RUN, params=params)["launchRun"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    return launched["run"]["runId"]


def _wait_for_run(server: Webserver, run_id: str) -> str:
    deadline = time.monotonic() + RUN_SECONDS
    while time.monotonic() < deadline:
        status = server.graphql(RUN_STATUS, id=run_id)["runOrError"]["status"]
        if status in ("SUCCESS", "FAILURE", "CANCELED"):
            return status
        time.sleep(1)
    pytest.fail(f"run {run_id} not finished within {RUN_SECONDS} s")


def test_materialize_all_of_a_past_edition_from_the_ui(ui):
    server, mirror, data_dir = ui
    location = server.wait_loaded()

    nodes = server.graphql(ASSET_NODES)["assetNodes"]
    by_key = {"/".join(n["assetKey"]["path"]): n for n in nodes}
    assert set(by_key) == {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {n["groupName"] for n in nodes} == GROUPS
    assert all(n["description"] and n["owners"] == [{"team": "digital-economy-overview"}] for n in nodes)
    assert {k for k, n in by_key.items() if n["isPartitioned"]} == {"series", "rankings", "indicators", "release"}
    checks = {k: {(c["name"], c["blocking"]) for c in n["assetChecksOrError"]["checks"]} for k, n in by_key.items()}
    assert checks["indicators"] == {("headline_values_present", True), ("percentages_within_0_100", True),
                                    ("plausible_change", False), ("figures_missing", False),
                                    ("series_versions_known", False)}
    assert checks["rankings"] == {("ranking_universe_is_eu27", True), ("percentages_within_0_100", True)}

    run_id = _launch_all(server, location, nodes, str(EDITION))
    status = _wait_for_run(server, run_id)
    if status != "SUCCESS":
        events = server.graphql(FAILED_STEPS, id=run_id)["logsForRun"]["events"]
        failed = [(e["stepKey"], e["error"]["message"][:500]) for e in events if e.get("stepKey")]
        pytest.fail(f"run {run_id} ended {status}: {failed}")

    assert mirror.request_count("/sdmx/2.1/data/") == len(DATASETS)
    materialised = server.graphql(MATERIALIZATIONS, path=["release"])["assetOrError"]["assetMaterializations"]
    assert [(m["partition"], m["runId"]) for m in materialised] == [(str(EDITION), run_id)]

    release = read_latest(data_dir, EDITION)
    manifest = json.loads((release / "manifest.json").read_text())
    assert manifest["edition"] == EDITION and manifest["source"] == "sample"
    assert set(manifest["inputs"]) == set(DATASETS)
    assert manifest["note"].startswith(f"past edition: edition {EDITION} built from the data Eurostat served on ")
    indicators = pd.read_parquet(release / "indicators.parquet")
    catalogue = load_catalogue()
    headline = indicators[indicators["indicator_id"] == "ai_any_all_enterprises"]
    assert EDITION - 1 in set(headline["time_period"]) and EDITION not in set(headline["time_period"])
    assert catalogue.reporting_period(catalogue.by_id["ai_any_all_enterprises"], EDITION) == EDITION - 1
    assert "2024" in (release / "members" / "BE" / "key_figures.en.md").read_text()
