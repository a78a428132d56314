"""deploy/dagster.yaml against a throwaway PostgreSQL: a materialisation is recorded there and read back."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterInstance, DagsterRunStatus

from tests.helpers.graph import TOC_KEY, run_graph, sample_files, serve
from tests.helpers.ports import free_port

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[1]
DATASET = "isoc_e_dii"
PASSWORD = "throwaway-test-password"


def _pg_bin() -> Path | None:
    """The PostgreSQL server binaries (Debian keeps them outside PATH, one folder per major version)."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(versions[-1]).parent if versions else None


class ThrowawayPostgres:
    """initdb + pg_ctl in a temporary folder, listening on a loopback port; as a non-root user if we are root."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="dagster-pg-"))  # not under pytest's root-only tmp
        self.user = None
        if os.geteuid() == 0:  # postgres refuses to run as root
            self.user = "postgres" if _has_user("postgres") else "nobody"
            entry = pwd.getpwnam(self.user)
            os.chown(self.root, entry.pw_uid, entry.pw_gid)
        (self.root / "pw").write_text(PASSWORD)
        if self.user:
            os.chown(self.root / "pw", pwd.getpwnam(self.user).pw_uid, -1)

    def _run(self, *args: str) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=self.root)
        if done.returncode != 0:
            log = self.root / "server.log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}\n{tail}")

    def start(self) -> None:
        data = self.root / "data"
        self._run("initdb", "-D", str(data), "-U", "dagster", f"--pwfile={self.root / 'pw'}",
                  "--auth=scram-sha-256", "-E", "UTF8", "--no-locale")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(data), "-o", options, "-l", str(self.root / "server.log"), "-w", "-t", "60",
                  "start")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.root / "data"), "-m", "immediate", "-w", "-t", "30", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


@pytest.fixture(scope="module")
def postgres():
    bin_dir = _pg_bin()
    if bin_dir is None or not (bin_dir / "pg_ctl").exists():
        if os.environ.get("CI"):
            pytest.fail("CI must run the PostgreSQL test: .ci/run should have installed initdb and pg_ctl")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not installed; .ci/run installs them with apt")
    server = ThrowawayPostgres(bin_dir)
    server.start()
    try:
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=server.port, user="dagster", password=PASSWORD,
                                dbname="postgres")
        conn.autocommit = True  # CREATE DATABASE refuses to run inside a transaction
        conn.cursor().execute("CREATE DATABASE dagster")
        conn.close()
        yield server
    finally:
        server.stop()


@pytest.fixture
def instance(postgres, tmp_path, monkeypatch):
    """A Dagster instance from the production deploy/dagster.yaml, pointed at the throwaway server."""
    for name, value in {"DAGSTER_PG_HOST": "127.0.0.1", "DAGSTER_PG_PORT": str(postgres.port),
                        "DAGSTER_PG_USER": "dagster", "DAGSTER_PG_PASSWORD": PASSWORD,
                        "DAGSTER_PG_DB": "dagster"}.items():
        monkeypatch.setenv(name, value)
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(REPO / "deploy" / "dagster.yaml", home / "dagster.yaml")
    with DagsterInstance.from_config(str(home)) as inst:
        yield inst


def test_production_instance_records_a_materialisation_in_postgres(instance, postgres, tmp_path):
    assert type(instance.run_storage).__name__ == "PostgresRunStorage"
    assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
    assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"
    assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"

    files = sample_files(tmp_path / "mirror", date(2026, 2, 27), last_year=2025)
    selection = [AssetKey("eurostat_catalogue"), AssetKey(["raw", DATASET]), AssetKey(["observations", DATASET])]
    with serve({DATASET: files[DATASET], TOC_KEY: files[TOC_KEY]}) as server:
        result = run_graph(server, tmp_path / "data", retries=1, edition=None, selection=selection,
                           instance=instance)
    assert result.success

    # Read back through a second instance (new connections), as the webserver or daemon would.
    with DagsterInstance.from_config(str(Path(instance.root_directory))) as reader:
        run = reader.get_run_by_id(result.run_id)
        assert run is not None and run.status == DagsterRunStatus.SUCCESS
        event = reader.get_latest_materialization_event(AssetKey(["raw", DATASET]))
        assert event.run_id == result.run_id
        assert event.asset_materialization.metadata["eurostat_last_update"].value.startswith("2026-02-27")
        rows = reader.get_latest_materialization_event(AssetKey(["observations", DATASET]))
        assert rows.asset_materialization.metadata["rows"].value > 0

    import psycopg2

    with psycopg2.connect(host="127.0.0.1", port=postgres.port, user="dagster", password=PASSWORD,
                          dbname="dagster") as conn:
        cur = conn.cursor()
        cur.execute("SELECT status FROM runs WHERE run_id = %s", (result.run_id,))
        assert cur.fetchall() == [("SUCCESS",)]
        cur.execute("SELECT count(*) FROM event_logs WHERE run_id = %s AND dagster_event_type = "
                    "'ASSET_MATERIALIZATION'", (result.run_id,))
        assert cur.fetchone()[0] == len(selection)
    conn.close()
