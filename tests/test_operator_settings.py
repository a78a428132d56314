"""A user's mistake ends in one message on stderr naming the setting, what is allowed and the fix; exit 2.

Every check runs before anything is downloaded or created, so these are fast and leave no trace.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from assets import cli
from pipeline.config import FIRST_EDITION
from tests.conftest import REPO

THIS_YEAR = date.today().year
MEMBERS = "AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"


@pytest.fixture
def dirs(tmp_path, monkeypatch):
    for name in ("FOCUS_GEO", "EUROSTAT_BASE_URL", "PIPELINE_DEBUG", "PIPELINE_DECIMALS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PIPELINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    return tmp_path


def _fails(capsys, argv, *needles) -> str:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    assert code == 2, (code, out, err)
    assert "Traceback" not in err + out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    for needle in needles:
        assert needle in err, (needle, err)
    return err


def _nothing_created(tmp_path: Path) -> None:
    assert not (tmp_path / "data").exists() and not (tmp_path / "home").exists()


@pytest.mark.parametrize("command", ["demo", "run"])
@pytest.mark.parametrize("edition", ["2035", "2019", str(THIS_YEAR + 1), "abc", ""])
def test_an_edition_outside_2021_to_this_year_names_the_range_and_the_fix(dirs, capsys, command, edition):
    err = _fails(capsys, [command, "--edition", edition], f"EDITION={edition}:",
                 f"from {FIRST_EDITION} to {THIS_YEAR}", f"`make {command} EDITION={THIS_YEAR}`")
    assert "DagsterInvalidSubsetError" not in err
    _nothing_created(dirs)


def test_the_first_and_the_current_edition_pass_the_check():
    assert cli.check_edition(str(FIRST_EDITION)) == FIRST_EDITION
    assert cli.check_edition(THIS_YEAR) == THIS_YEAR


def test_the_edition_range_is_the_one_of_the_edition_partitions():
    from assets.overview import editions

    assert editions.get_partition_keys() == [str(y) for y in range(FIRST_EDITION, THIS_YEAR + 1)]


@pytest.mark.parametrize("code, hint", [("XX", ""), ("NO", "Norway"), ("gr", "Greece as EL"), ("UK", "left the EU")])
@pytest.mark.parametrize("command", ["demo", "run"])
def test_an_unknown_member_code_lists_the_27(dirs, capsys, monkeypatch, code, hint, command):
    monkeypatch.setenv("FOCUS_GEO", code)
    _fails(capsys, [command], f"FOCUS_GEO={code}:", f"the 27 codes {MEMBERS}", hint, "Fix: ")
    _nothing_created(dirs)


def test_a_lower_case_member_code_is_accepted():
    assert cli.check_focus_geo(" be ") == "BE"


@pytest.mark.parametrize("command", ["demo", "run", "dev"])
def test_an_unusable_data_directory_is_named(dirs, capsys, monkeypatch, command):
    a_file = dirs / "a-file"
    a_file.write_text("not a directory")
    monkeypatch.setenv("PIPELINE_DATA_DIR", str(a_file))
    _fails(capsys, [command], f"PIPELINE_DATA_DIR={a_file}", "not a directory", "Fix: set PIPELINE_DATA_DIR")


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc, a directory nobody can mkdir in")
def test_a_data_directory_that_cannot_be_created_is_named(dirs, capsys, monkeypatch):
    monkeypatch.setenv("PIPELINE_DATA_DIR", "/proc/forbidden")
    _fails(capsys, ["demo"], "PIPELINE_DATA_DIR=/proc/forbidden", "cannot be created in /proc",
           "unset it for ./data")
    assert not Path("/proc/forbidden").exists()


def test_an_unusable_dagster_home_is_named(dirs, capsys, monkeypatch):
    a_file = dirs / "a-file"
    a_file.write_text("")
    monkeypatch.setenv("DAGSTER_HOME", str(a_file / "home"))
    _fails(capsys, ["run"], f"DAGSTER_HOME={a_file / 'home'}", "is a file", "Fix: ")


def test_an_instance_of_another_data_directory_is_refused(dirs, capsys, monkeypatch):
    home, other = dirs / "home", dirs / "other-data"
    cli.prepare_instance(home, other)
    _fails(capsys, ["run"], f"DAGSTER_HOME={home}", f"PIPELINE_DATA_DIR={other}",
           f"DAGSTER_HOME={dirs / 'data' / '.dagster'}")
    _fails(capsys, ["dev"], f"DAGSTER_HOME={home}")


def test_a_malformed_base_url_is_named(dirs, capsys, monkeypatch):
    monkeypatch.setenv("EUROSTAT_BASE_URL", "ec.europa.eu/eurostat")
    _fails(capsys, ["run"], "EUROSTAT_BASE_URL=ec.europa.eu/eurostat", "http", "Fix: ")
    _nothing_created(dirs)


@pytest.mark.parametrize("value, problem", [("abc", "not a whole number"), ("-1", "not a whole number"),
                                            ("2.5", "not a whole number"), ("5", "more than 4 decimals")])
@pytest.mark.parametrize("command", ["demo", "run", "dev"])
def test_a_bad_publication_rounding_is_named(dirs, capsys, monkeypatch, value, problem, command):
    monkeypatch.setenv("PIPELINE_DECIMALS", value)
    _fails(capsys, [command], f"PIPELINE_DECIMALS={value}:", problem, "from 0 to 4", "Fix: e.g. PIPELINE_DECIMALS=2")
    _nothing_created(dirs)


def test_the_publication_rounding_takes_0_to_4_and_defaults_to_2():
    from pipeline.config import check_decimals, settings_from_env

    assert [check_decimals(v) for v in ("0", " 4 ", "", 2)] == [0, 4, 2, 2]
    assert settings_from_env({"PIPELINE_DECIMALS": "1"}).decimals == 1 and settings_from_env({}).decimals == 2


def test_the_code_location_hands_the_publication_rounding_to_the_products():
    from assets.definitions import build_definitions
    from pipeline.errors import SettingError

    assert build_definitions({"PIPELINE_DECIMALS": "1"}).resources["overview"].decimals == 1
    assert build_definitions({}).resources["overview"].decimals == 2
    with pytest.raises(SettingError, match="PIPELINE_DECIMALS=x:"):
        build_definitions({"PIPELINE_DECIMALS": "x"})


def test_debug_shows_the_traceback(dirs, capsys, monkeypatch):
    assert cli.main(["--debug", "demo", "--edition", "2035"]) == 2
    assert "Traceback" in capsys.readouterr().err
    monkeypatch.setenv("PIPELINE_DEBUG", "1")
    assert cli.main(["demo", "--edition", "2035"]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_make_demo_with_a_future_edition_is_one_line_in_a_fresh_process(tmp_path):
    """As a user types it (the CLI `make demo` calls): no traceback, exit 2, one line, in seconds."""
    env = dict(os.environ, PIPELINE_DATA_DIR=str(tmp_path / "data"), DAGSTER_HOME=str(tmp_path / "home"))
    env.pop("PIPELINE_DEBUG", None)
    proc = subprocess.run([sys.executable, "-m", "assets.cli", "demo", "--edition", "2035"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1
    assert "EDITION=2035" in proc.stderr and f"from {FIRST_EDITION} to {THIS_YEAR}" in proc.stderr
    assert not (tmp_path / "data").exists()
