"""Crashes, races and full disks: nothing partial under a final name, latest.json valid, a re-run completes.

A publish killed with SIGKILL and two publishes of one edition at once are proven in
test_release.py; here: a sync killed during its download and during its snapshot write, two
syncs of one dataset at once, and write errors (ENOSPC) in the raw store and the release store.
"""

from __future__ import annotations

import errno
import json
import os
import signal
from datetime import datetime, timezone

import pytest

from pipeline import snapshots
from pipeline import store as version_store
from pipeline.errors import PipelineError, ReleaseError
from pipeline.release import list_versions, publish_release, read_latest
from pipeline.snapshots import RawStore, sync_dataset
from tests.eurostat_server import EurostatTestServer, Respond, data_route
from tests.helpers.eurostat import CODE, EARLIER, LATER, NEW, OLD, toc_entry
from tests.helpers.eurostat import fake_time_client as client_for
from tests.helpers.files import check_complete, fingerprint
from tests.helpers.frames import release_inputs
from tests.helpers.sync_child import fork, wait_for

pytestmark = pytest.mark.integration
ROUTE = data_route(CODE)
EDITION = 2026


@pytest.fixture
def server():
    with EurostatTestServer(datasets={CODE: NEW}) as srv:
        yield srv


@pytest.fixture
def store(tmp_path):
    with EurostatTestServer(datasets={CODE: OLD}) as earlier:
        sync_dataset(client_for(earlier), RawStore(tmp_path), CODE, toc_entry(EARLIER))
    return RawStore(tmp_path)


def kill(proc) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(10)
    assert proc.exitcode == -signal.SIGKILL


def visible(store: RawStore) -> list[str]:
    return sorted(p.name for p in store.dataset_dir(CODE).iterdir() if not p.name.startswith("."))


def test_sync_killed_mid_download_leaves_nothing_and_a_rerun_completes(server, store, tmp_path):
    server.script(ROUTE, [Respond(200, NEW, stall=60, stall_after=len(NEW) // 2)])
    before = fingerprint(tmp_path)
    proc = fork(server.base_url, str(tmp_path), CODE, LATER.isoformat())
    try:
        wait_for(lambda: server.request_count(ROUTE) == 1, proc, "the download")
        proc.join(0.3)  # the child is now blocked half-way through the body
        assert proc.is_alive()
    finally:
        kill(proc)
    assert fingerprint(tmp_path) == before
    assert store.latest(CODE).read_bytes() == OLD

    again = sync_dataset(client_for(server), store, CODE, toc_entry(LATER))
    assert again.downloaded and again.snapshot.read_bytes() == NEW
    assert visible(store) == ["2026-02-27", "2026-06-15"]


def test_sync_killed_between_writing_and_renaming_the_snapshot_leaves_only_a_hidden_work_folder(
        server, store, tmp_path):
    paused = tmp_path / "paused"
    proc = fork(server.base_url, str(tmp_path), CODE, LATER.isoformat(), paused=str(paused))
    try:
        wait_for(paused.exists, proc, "the rename")
    finally:
        kill(proc)
    work = store.dataset_dir(CODE) / os.path.basename(paused.read_text())
    assert work.name.startswith(".tmp-") and (work / "data.csv.gz").read_bytes() == NEW  # complete, yet hidden
    assert visible(store) == ["2026-02-27"]
    assert store.latest(CODE).read_bytes() == OLD

    again = sync_dataset(client_for(server), store, CODE, toc_entry(LATER))
    assert again.downloaded and again.snapshot.read_bytes() == NEW
    assert not work.exists()
    assert visible(store) == ["2026-02-27", "2026-06-15"]


def test_two_syncs_of_one_dataset_at_once_both_succeed_and_store_one_snapshot(server, store, tmp_path):
    """Before the dataset lock, one sync deleted the other's work folder: FileNotFoundError at its rename."""
    go = tmp_path / "go"
    markers = [tmp_path / f"paused-{n}" for n in (1, 2)]
    results = [tmp_path / f"result-{n}.json" for n in (1, 2)]
    procs = [fork(server.base_url, str(tmp_path), CODE, LATER.isoformat(), paused=str(m), go=str(go),
                  result_file=str(r)) for m, r in zip(markers, results)]
    try:
        wait_for(lambda: any(m.exists() for m in markers), procs[0], "the rename of either child")
        procs[1].join(0.5)  # the other one is now waiting for the dataset's lock
        assert all(proc.is_alive() for proc in procs)
        go.touch()
        for proc in procs:
            proc.join(30)
            assert proc.exitcode == 0
    finally:
        for proc in procs:
            if proc.is_alive():
                kill(proc)
    outcomes = [json.loads(r.read_text()) for r in results]
    assert all(o.get("folder") == "2026-06-15" for o in outcomes), outcomes
    assert visible(store) == ["2026-02-27", "2026-06-15"]
    assert store.latest(CODE).read_bytes() == NEW
    assert not [p for p in store.dataset_dir(CODE).iterdir() if p.name.startswith(".tmp-")]


def _enospc_after(real, allowed: int):
    """Wrap a write function so that the call after `allowed` writes half its bytes, then fails like a full disk."""
    calls = 0

    def write(path, data, *rest):
        nonlocal calls
        calls += 1
        if calls > allowed:
            with open(path, "wb") as fh:
                fh.write(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(path, data, *rest)

    return write


@pytest.mark.parametrize("allowed", [0, 1], ids=["data file", "provenance"])
def test_full_disk_during_the_snapshot_write_names_the_dataset_and_leaves_nothing(
        allowed, server, store, tmp_path, monkeypatch):
    before = fingerprint(tmp_path)
    monkeypatch.setattr(snapshots, "write_synced", _enospc_after(snapshots.write_synced, allowed))
    with pytest.raises(PipelineError, match=f"dataset {CODE}: .*No space left on device"):
        sync_dataset(client_for(server), store, CODE, toc_entry(LATER))
    assert fingerprint(tmp_path) == before
    monkeypatch.undo()
    again = sync_dataset(client_for(server), store, CODE, toc_entry(LATER))
    assert again.snapshot.read_bytes() == NEW and visible(store) == ["2026-02-27", "2026-06-15"]


T0 = datetime(2026, 11, 30, 23, 15, tzinfo=timezone.utc)
T1 = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A data directory with one release of the edition, and the figures of a changed one."""
    data_dir = tmp_path_factory.mktemp("releases")
    first = publish_release(data_dir, EDITION, now=T0, **release_inputs(EDITION))
    changed = release_inputs(EDITION, overrides={("ai_any_all_enterprises", "BE", EDITION - 1): (66.6, None, None)})
    return data_dir, first, changed


def _save_failing_at(real, failing: str):
    def save(root, relative, data, rows=None):
        if relative.startswith(failing):
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real(root, relative, data, rows)
    return save


@pytest.mark.parametrize("failing", ["observations/", "manifest.json"])
def test_full_disk_during_a_publish_keeps_the_previous_release(failing, published, monkeypatch):
    data_dir, first, changed = published
    edition_dir = data_dir / "releases" / str(EDITION)
    pointer = (edition_dir / "latest.json").read_bytes()
    before = fingerprint(edition_dir)
    monkeypatch.setattr(version_store, "save", _save_failing_at(version_store.save, failing))
    with pytest.raises(ReleaseError, match="could not write release .*No space left on device.*nothing was published"):
        publish_release(data_dir, EDITION, now=T1, **changed)
    assert (edition_dir / "latest.json").read_bytes() == pointer
    assert fingerprint(edition_dir) == before  # the work folder is gone, nothing else changed
    assert read_latest(data_dir, EDITION) == first.path and list_versions(data_dir, EDITION) == [first.version]
    check_complete(first.path)


def test_full_disk_while_replacing_latest_json_keeps_the_old_pointer_and_a_rerun_completes(tmp_path, monkeypatch):
    first = publish_release(tmp_path, EDITION, now=T0, **release_inputs(EDITION))
    edition_dir = tmp_path / "releases" / str(EDITION)
    pointer = (edition_dir / "latest.json").read_bytes()
    changed = release_inputs(EDITION, overrides={("ai_any_all_enterprises", "BE", EDITION - 1): (66.6, None, None)})
    monkeypatch.setattr(version_store, "save", _save_failing_at(version_store.save, ".tmp-latest-"))
    with pytest.raises(ReleaseError, match="complete but latest.json could not be updated.*No space left"):
        publish_release(tmp_path, EDITION, now=T1, **changed)
    assert (edition_dir / "latest.json").read_bytes() == pointer
    assert json.loads(pointer)["version"] == first.version and read_latest(tmp_path, EDITION) == first.path
    for version in list_versions(tmp_path, EDITION):  # whatever is visible is complete
        check_complete(edition_dir / version)
    monkeypatch.undo()
    stranded = list_versions(tmp_path, EDITION)[-1]
    again = publish_release(tmp_path, EDITION, now=T1, **changed)
    assert again.version == stranded and "completed" in again.message  # no duplicate version
    assert list_versions(tmp_path, EDITION) == [first.version, stranded]
    assert read_latest(tmp_path, EDITION) == again.path
    check_complete(again.path)
    assert not [p for p in edition_dir.iterdir() if p.name.startswith(".tmp-")]
