"""`make demo` as a new user runs it: quiet, one line per step, any edition from 2021, errors once at the end.

One fresh-process demo (the only way to see what Dagster itself would print: banners, warnings),
then in-process runs on the same data directory.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date

import pytest
import yaml

from assets import cli
from tests.conftest import REPO

THIS_YEAR = date.today().year
STEP = re.compile(r"^\[\s*(\d+)/(\d+)\] (\w+)\s+(\S+)")


def _steps(out: str) -> list[tuple[int, int, str, str]]:
    return [(int(m[1]), int(m[2]), m[3], m[4]) for m in map(STEP.match, out.splitlines()) if m]


@pytest.fixture
def env(tmp_path, monkeypatch):
    for name in ("FOCUS_GEO", "EUROSTAT_BASE_URL", "PIPELINE_DEBUG", "PIPELINE_SOURCE", "PIPELINE_FORCE_DOWNLOAD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PIPELINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "live-home"))
    return tmp_path


def _manifest(data_dir, edition: int) -> dict:
    from pipeline.release import read_latest

    return json.loads((read_latest(data_dir, edition) / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.integration
def test_demo_is_quiet_then_a_past_edition_builds_on_the_same_data(env, capsys):
    proc = subprocess.run([sys.executable, "-m", "assets.cli", "demo"], cwd=REPO, env=dict(os.environ),
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stderr == "", proc.stderr[-3000:]  # no banner, no warning, no "No dagster.yaml", no log
    for noise in ("Telemetry", "Warning", "dagster.yaml", "DEBUG", "Traceback"):
        assert noise not in proc.stdout
    steps = _steps(proc.stdout)
    total = steps[0][1]
    assert [s[0] for s in steps] == list(range(1, total + 1)) and {s[2] for s in steps} == {"ok"}
    assert {"eurostat_catalogue", "raw/isoc_eb_ai", "observations/isoc_eb_ai", "release"} <= {s[3] for s in steps}
    assert f"release {THIS_YEAR}: " in proc.stdout

    demo = env / "data" / "demo"
    home = demo / ".dagster"
    assert yaml.safe_load((home / "dagster.yaml").read_text())["telemetry"] == {"enabled": False}
    assert not (env / "live-home").exists(), "the demo must not write into the live instance"
    assert _manifest(demo, THIS_YEAR)["note"] is None

    # A past edition after the current one: the same raw snapshots, the past-edition note.
    assert cli.main(["demo", "--edition", str(THIS_YEAR - 1)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "isoc_eb_ai unchanged since" in out and "refusing to go back in time" not in out
    assert _manifest(demo, THIS_YEAR - 1)["note"].startswith(f"past edition: edition {THIS_YEAR - 1} built from")

    from dagster import DagsterInstance

    with DagsterInstance.from_config(str(home)) as instance:
        runs = instance.get_runs()
    assert sorted(r.tags.get("dagster/partition") for r in runs) == [str(THIS_YEAR - 1), str(THIS_YEAR)]
    assert all(r.is_success for r in runs)


@pytest.mark.integration
def test_the_first_edition_builds_from_the_same_mirror(env, capsys):
    assert cli.main(["demo", "--edition", "2021"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and "release 2021: " in out
    assert _manifest(env / "data" / "demo", 2021)["note"].startswith("past edition: edition 2021 built from")


@pytest.mark.integration
def test_a_catalogue_error_is_shown_once_at_the_end_with_exit_2(env, capsys, monkeypatch):
    from pipeline.catalogue import DEFAULT_PATH

    text = DEFAULT_PATH.read_text(encoding="utf-8")
    broken = text.replace("indic_is: E_AI_TTM, unit: PC_ENT}", "indic_is: E_AI_TTM, unit: PC_NOPE}", 1)
    assert broken != text
    (env / "catalogue.yaml").write_text(broken, encoding="utf-8")
    monkeypatch.setenv("PIPELINE_CATALOGUE", str(env / "catalogue.yaml"))

    assert cli.main(["demo"]) == 2
    out, err = capsys.readouterr()
    # On stdout only the labels step's warning may name the code (Eurostat's UNIT codelist lacks it);
    # the error itself belongs on stderr, once.
    assert all("codelist" in line for line in out.splitlines() if "PC_NOPE" in line), out
    assert err.count("PC_NOPE") == 1, err
    first = err.splitlines()[0]
    assert first.startswith("error: series: ") and "PC_NOPE" in err.split("\n\n")[0]
    assert "Traceback" not in err and "Nothing new was published" in err.splitlines()[-1]
    steps = {s[3]: s[2] for s in _steps(out)}
    assert steps["series"] == "FAILED" and steps["release"] == "skipped"
    assert not (env / "data" / "demo" / "releases" / str(THIS_YEAR)).exists()
