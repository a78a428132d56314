"""The code location loads, and its asset graph only changes on purpose (snapshot below)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from dagster import Definitions, EnvVar

from assets.definitions import defs
from pipeline.datasets import DATASETS

SNAPSHOT = Path(__file__).with_name("snapshots") / "asset_graph.json"


def _graph() -> dict:
    graph = defs.resolve_asset_graph()
    out = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        out[key.to_user_string()] = {
            "group": node.group_name,
            "deps": sorted(p.to_user_string() for p in node.parent_keys),
            "partitioned": node.partitions_def is not None,
            "checks": sorted(
                f"{c.name}{' (blocking)' if graph.get_check_spec(c).blocking else ''}"
                for c in node.check_keys
            ),
            "owners": list(node.owners),
        }
    return out


def test_definitions_load_with_every_configured_dataset():
    Definitions.validate_loadable(defs)
    keys = {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
    for code in DATASETS:
        assert {f"raw/{code}", f"observations/{code}"} <= keys
    assert {"eurostat_catalogue", "rankings", "indicators", "release"} <= keys


def test_asset_graph_matches_snapshot():
    """Regenerate with UPDATE_SNAPSHOTS=1 after a deliberate change, and review the diff."""
    current = _graph()
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    assert current == json.loads(SNAPSHOT.read_text())


def test_importing_the_definitions_reads_no_environment_and_the_location_takes_it_when_loaded(monkeypatch):
    """`defs` has the documented defaults whatever the environment; `code_location` feeds what is set as EnvVars."""
    import importlib

    import assets.automation
    import assets.definitions

    monkeypatch.setenv("EDITION_SCHEDULE_CRON", "0 7 1 4 *")
    monkeypatch.setenv("PIPELINE_AUTOMATION", "stopped")
    monkeypatch.setenv("FOCUS_GEO", "NL")
    monkeypatch.delenv("EUROSTAT_BASE_URL", raising=False)
    reloaded = importlib.reload(assets.definitions)
    (schedule,) = reloaded.defs.schedules
    assert schedule.cron_schedule == assets.automation.DEFAULT_SCHEDULE_CRON
    assert reloaded.defs.resources["overview"].focus_geo == "BE"

    location = reloaded.code_location()
    (schedule,), (sensor,) = location.schedules, location.sensors
    assert schedule.cron_schedule == "0 7 1 4 *" and schedule.default_status.value == "STOPPED"
    assert sensor.default_status.value == "STOPPED"
    focus = location.resources["overview"].focus_geo
    assert isinstance(focus, EnvVar) and focus.env_var_name == "FOCUS_GEO"  # resolved when a run starts
    assert location.resources["eurostat"].base_url == "https://ec.europa.eu/eurostat/api/dissemination"
