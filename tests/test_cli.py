"""`make run` against an unreachable Eurostat fails fast, in one message naming EUROSTAT_BASE_URL, and points to `make demo`."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from tests.conftest import REPO
from tests.helpers.ports import free_port


def test_run_without_eurostat_fails_within_seconds_and_publishes_nothing(tmp_path):
    env = dict(
        os.environ,
        EUROSTAT_BASE_URL=f"http://127.0.0.1:{free_port()}/eurostat/api/dissemination",
        PIPELINE_DATA_DIR=str(tmp_path / "data"),
        DAGSTER_HOME=str(tmp_path / "dagster"),
    )
    started = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-m", "assets.cli", "run", "--edition", "2026"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60,
    )
    elapsed = time.monotonic() - started
    assert proc.returncode == 2
    assert "cannot be reached" in proc.stderr and "make demo" in proc.stderr
    assert elapsed < 15, f"took {elapsed:.1f}s"
    assert not (tmp_path / "data").exists()
    # one message naming the setting, no traceback, and no instance created for a run that never started
    assert proc.stderr.startswith("error: EUROSTAT_BASE_URL=http://127.0.0.1:")
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert "Nothing was downloaded or published" in proc.stderr
    assert not (tmp_path / "dagster").exists()
