"""One Dagster instance per data directory: `make dev` shows live data only, `make dev-demo` the demo's."""

from __future__ import annotations

import pytest
import requests

from assets import cli


@pytest.fixture
def launched(tmp_path, monkeypatch):
    """Run `dev` without starting Dagster: record the command and environment it would be given."""
    for name in ("FOCUS_GEO", "EUROSTAT_BASE_URL", "PIPELINE_DEBUG", "PIPELINE_SOURCE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PIPELINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "live-home"))
    calls = []

    def child(cmd, env):
        toc = None
        if env["PIPELINE_SOURCE"] == "sample":  # the mirror must answer while the UI runs
            toc = requests.get(f"{env['EUROSTAT_BASE_URL']}/catalogue/toc/txt?lang=en", timeout=5)
        calls.append((cmd, env, toc))
        return 0

    monkeypatch.setattr(cli, "_child", child)
    return tmp_path, calls


def test_dev_demo_opens_the_ui_on_the_demos_data_instance_and_mirror(launched):
    tmp, calls = launched
    assert cli.main(["dev", "--demo", "--", "-p", "3001"]) == 0
    (cmd, env, toc), = calls
    demo = tmp / "data" / "demo"
    assert cmd[-5:] == ["dev", "-w", str(cli.REPO / "workspace.yaml"), "-p", "3001"]
    assert env["PIPELINE_DATA_DIR"] == str(demo) and env["DAGSTER_HOME"] == str(demo / ".dagster")
    assert env["PIPELINE_SOURCE"] == "sample" and env["EUROSTAT_BASE_URL"].startswith("http://127.0.0.1:")
    assert toc.status_code == 200 and "isoc_eb_ai" in toc.text
    assert "telemetry" in (demo / ".dagster" / "dagster.yaml").read_text()
    assert not (tmp / "live-home").exists()


def test_dev_opens_the_ui_on_the_live_data_and_never_the_demos_instance(launched):
    tmp, calls = launched
    assert cli.main(["demo", "--edition", "2035"]) == 2  # (a demo that never ran changes nothing)
    assert cli.main(["dev"]) == 0
    (cmd, env, _), = calls
    assert env["DAGSTER_HOME"] == str(tmp / "live-home") and env["PIPELINE_DATA_DIR"] == str(tmp / "data")
    assert env["PIPELINE_SOURCE"] == "eurostat" and "EUROSTAT_BASE_URL" in env
    assert (tmp / "live-home" / cli.DATA_DIR_MARKER).read_text().strip() == str(tmp / "data")


def test_the_live_instance_refuses_the_demos_data(launched, monkeypatch):
    """A DAGSTER_HOME that recorded the live data cannot be pointed at the demo's (or any other) data."""
    tmp, calls = launched
    assert cli.main(["dev"]) == 0
    monkeypatch.setenv("PIPELINE_DATA_DIR", str(tmp / "data" / "demo"))
    assert cli.main(["dev"]) == 2
    assert len(calls) == 1
