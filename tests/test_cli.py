"""`make run` against an unreachable Eurostat fails fast and points to `make demo`."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time

from tests.conftest import REPO


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nobody listens once the socket is closed


def test_run_without_eurostat_fails_within_seconds_and_publishes_nothing(tmp_path):
    env = dict(
        os.environ,
        EUROSTAT_BASE_URL=f"http://127.0.0.1:{_closed_port()}/eurostat/api/dissemination",
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
