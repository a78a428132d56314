"""Nothing lost at the Dagster level: a run that fails on the network keeps the release and the raw snapshot."""

from __future__ import annotations

import json
from datetime import date

import pytest

from pipeline.release import list_versions, read_latest
from pipeline.snapshots import RawStore
from tests.eurostat_server import Respond, data_route
from tests.helpers.files import fingerprint
from tests.helpers.graph import EDITION, run_graph, sample_files, serve

pytestmark = pytest.mark.integration
BROKEN = "isoc_eb_ai"


def test_a_run_failing_on_a_truncated_download_keeps_release_and_snapshot_then_a_rerun_publishes(tmp_path):
    sample = sample_files(tmp_path / "mirror", date(2026, 2, 27))
    later = sample_files(tmp_path / "mirror-later", date(2026, 6, 15))  # Eurostat updated every dataset
    data = tmp_path / "data"
    with serve(sample) as server:
        assert run_graph(server, data).success
    releases = data / "releases" / str(EDITION)
    pointer, published = (releases / "latest.json").read_bytes(), fingerprint(releases)
    snapshot = fingerprint(RawStore(data).dataset_dir(BROKEN))

    with serve(later) as server:
        server.script(data_route(BROKEN), [], then=Respond(200, later[BROKEN][:-40]))
        failed = run_graph(server, data)
    assert not failed.success
    (failure,) = [e for e in failed.all_events if e.event_type_value == "STEP_FAILURE"]
    message = failure.event_specific_data.error.message
    assert failure.step_key == f"raw__{BROKEN}" and f"dataset {BROKEN}" in message and "truncated" in message
    assert (releases / "latest.json").read_bytes() == pointer
    assert fingerprint(releases) == published
    assert fingerprint(RawStore(data).dataset_dir(BROKEN)) == snapshot

    with serve(later) as server:
        again = run_graph(server, data)
    assert again.success
    assert RawStore(data).latest(BROKEN).eurostat_last_update == "2026-06-15"
    assert len(list_versions(data, EDITION)) == 2 and read_latest(data, EDITION).name != json.loads(pointer)["version"]
