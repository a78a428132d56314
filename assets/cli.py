"""`make run` / `make demo` / `make dev` / `make dev-demo`: the operator's commands.

- `run` materialises every asset of an edition against the live Eurostat API;
- `demo` does the same offline: it writes the synthetic sample mirror (an imitation of today's
  Eurostat), serves it on a loopback port and points the same client code at it;
- `dev` opens the Dagster UI on the live data, `dev --demo` on the demo's data and instance.

Every setting is checked before anything is downloaded; a user's mistake (an edition out of range,
an unknown member code, an unusable directory, an unreachable Eurostat, a catalogue error) ends in
one message on stderr naming the setting and the fix, with exit code 2 and no traceback
(`--debug` or PIPELINE_DEBUG=1 shows tracebacks and Dagster's own output). Runs execute in this
process against the Dagster instance of their data directory, so they show in the UI, and print
one line per step as it runs, plus progress for long downloads and Eurostat's asynchronous
extractions. One Dagster instance per data directory: the live data's is DAGSTER_HOME
(`./.dagster`), the demo's `<demo data dir>/.dagster`, so the UI never shows the demo's
materialisations as live ones.

This module parses the arguments, checks the settings and runs the command; cli_run.py
materialises the assets in this process and cli_output.py prints what the run does.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import traceback
import warnings
from datetime import date
from pathlib import Path
from typing import TextIO

# StepPrinter stays importable from here, where callers found it before the CLI was split.
from assets.cli_output import USER_ERRORS, StepPrinter, summary  # noqa: F401
from assets.cli_run import RunFailed, materialize
from pipeline.config import (
    CHART_PNG_VARIABLE,
    DEBUG_VARIABLE,
    DEFAULT_CHART_PNG,
    DEMO_CHART_PNG,
    DEFAULT_DATA_DIR,
    check_base_url,
    check_decimals,
    check_chart_png,
    check_edition,
    check_focus_geo,
    check_writable_dir,
)
from pipeline.errors import EurostatUnavailable, PipelineError, SettingError

REPO = Path(__file__).resolve().parents[1]
LOCAL_INSTANCE_CONFIG = REPO / "deploy" / "dagster.local.yaml"
DATA_DIR_MARKER = "pipeline_data_dir.txt"  # in DAGSTER_HOME: the one data directory it records


# -- settings -------------------------------------------------------------------------------------
def _env_data_dir() -> Path:
    return check_writable_dir(Path(os.environ.get("PIPELINE_DATA_DIR") or DEFAULT_DATA_DIR),
                              "PIPELINE_DATA_DIR", default=DEFAULT_DATA_DIR)


def _demo_data_dir(option: Path | None) -> Path:
    if option is not None:
        return check_writable_dir(option, "--data-dir")
    return check_writable_dir(_env_data_dir() / "demo", "PIPELINE_DATA_DIR", default=DEFAULT_DATA_DIR)


def _live_home() -> Path:
    return check_writable_dir(Path(os.environ.get("DAGSTER_HOME") or "./.dagster"), "DAGSTER_HOME",
                              default="./.dagster")


def demo_home(data_dir: Path) -> Path:
    """The demo's Dagster instance lives with the demo's data: removing one removes the other."""
    return data_dir / ".dagster"


def check_instance(home: Path, data_dir: Path, *, setting: str = "DAGSTER_HOME") -> None:
    """Refuse an instance that records another data directory's runs (its UI would show them as these)."""
    marker = home / DATA_DIR_MARKER
    if not marker.is_file():
        return
    recorded = marker.read_text(encoding="utf-8").strip()
    if recorded and Path(recorded) != data_dir:
        raise SettingError(
            setting, home,
            f"this Dagster instance records the runs of PIPELINE_DATA_DIR={recorded}, not of {data_dir}; "
            "one instance serves one data directory, or the UI would show another directory's "
            "materialisations as this one's",
            allowed="a DAGSTER_HOME of its own for each data directory",
            fix=f"set DAGSTER_HOME={data_dir / '.dagster'} (any empty directory) for {data_dir}, "
                f"or PIPELINE_DATA_DIR={recorded} for this instance",
        )


def prepare_instance(home: Path, data_dir: Path) -> None:
    """Create the instance directory with the local config (telemetry off) and record its data directory."""
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        shutil.copyfile(LOCAL_INSTANCE_CONFIG, config)
    marker = home / DATA_DIR_MARKER
    if not marker.exists():
        marker.write_text(f"{data_dir}\n", encoding="utf-8")


def sample_mirror(data_dir: Path, today: date | None = None) -> tuple[Path, dict]:
    """Write the demo's mirror: an imitation of today's Eurostat, whatever edition is asked for.

    Like the live API, it serves every survey year up to last year with one fixed last-update
    date (Eurostat's spring release of this year), so demo runs of different editions share one
    raw snapshot per dataset and an edition only chooses the reporting period; a past edition
    gets the manifest note a live run's past edition gets.
    """
    from pipeline.sample import write_sample_mirror

    year = (today or date.today()).year
    mirror = data_dir / "sample-mirror"
    return mirror, write_sample_mirror(mirror, last_year=year - 1, last_update=date(year, 2, 27))



# -- commands -------------------------------------------------------------------------------------
def run(args) -> int:
    """Every asset of an edition against the live Eurostat API; fails in seconds if it cannot be reached."""
    from assets.resources import EurostatApi

    edition = check_edition(args.edition, command="make run")
    focus = check_focus_geo(os.environ.get("FOCUS_GEO", "BE"))
    check_decimals(os.environ.get("PIPELINE_DECIMALS", ""))
    check_chart_png(os.environ.get(CHART_PNG_VARIABLE, DEFAULT_CHART_PNG))
    base_url = check_base_url(os.environ.get("EUROSTAT_BASE_URL", "https://ec.europa.eu/eurostat/api/dissemination"))
    data_dir = _env_data_dir()
    home = _live_home()
    check_instance(home, data_dir)
    print(f"edition {edition} (survey year {edition - 1}) from {base_url}; data in {data_dir}, "
          f"Dagster instance {home}", file=args.out, flush=True)
    try:
        with EurostatApi(base_url=base_url).open(read_timeout=20.0, retries=1) as client:
            client.check_reachable()
    except EurostatUnavailable as err:
        # The client's message says what failed and the fix; the setting it came from is EUROSTAT_BASE_URL.
        raise EurostatUnavailable(f"EUROSTAT_BASE_URL={base_url}: {err} Nothing was downloaded or published.",
                                  url=err.url) from None
    prepare_instance(home, data_dir)
    version = materialize(edition, data_dir=data_dir, home=home, base_url=base_url, source="eurostat",
                          focus_geo=focus, force=args.force, debug=args.debug, out=args.out)
    summary(version, edition, args.out, focus)
    return 0


def demo(args) -> int:
    """The same, offline: the synthetic sample mirror served on loopback as the Eurostat API."""
    from pipeline.eurostat.mirror import MirrorServer

    edition = check_edition(args.edition, command="make demo")
    focus = check_focus_geo(os.environ.get("FOCUS_GEO", "BE"))
    check_decimals(os.environ.get("PIPELINE_DECIMALS", ""))
    chart_png = _demo_chart_png()
    data_dir = _demo_data_dir(args.data_dir)
    home = demo_home(data_dir)
    check_instance(home, data_dir, setting="the demo's instance")
    prepare_instance(home, data_dir)
    mirror, info = sample_mirror(data_dir)
    if chart_png != "all":
        print(f"print PNG (300 dpi): {'for ' + focus if chart_png == 'focus' else 'none'}; SVG for all 27 members "
              f"({CHART_PNG_VARIABLE}=all makes every member's PNG: several minutes more)", file=args.out, flush=True)
    print(f"synthetic sample mirror (not Eurostat data): {len(info['datasets'])} datasets, survey years "
          f"to {info['last_year']}, last update {info['last_update'][:10]}, in {mirror}", file=args.out, flush=True)
    with MirrorServer(mirror) as server:
        print(f"edition {edition} (survey year {edition - 1}) from the mirror at {server.base_url}; "
              f"data in {data_dir}, Dagster instance {home}", file=args.out, flush=True)
        version = materialize(edition, data_dir=data_dir, home=home, base_url=server.base_url, source="sample",
                              focus_geo=focus, force=False, debug=args.debug, out=args.out)
    summary(version, edition, args.out, focus)
    return 0


def dev(args) -> int:
    """The Dagster UI on the live data (DAGSTER_HOME), or with --demo on the demo's data and instance."""
    from pipeline.eurostat.mirror import MirrorServer

    if args.debug:
        os.environ[DEBUG_VARIABLE] = "1"

    check_focus_geo(os.environ.get("FOCUS_GEO", "BE"))
    check_decimals(os.environ.get("PIPELINE_DECIMALS", ""))
    if args.demo:
        _demo_chart_png()
    else:
        check_chart_png(os.environ.get(CHART_PNG_VARIABLE, DEFAULT_CHART_PNG))
    extra = args.dagster_args[1:] if args.dagster_args[:1] == ["--"] else args.dagster_args
    dagster = [sys.executable, "-m", "dagster", "dev", "-w", str(REPO / "workspace.yaml"), *extra]
    if not args.demo:
        base_url = check_base_url(os.environ.get("EUROSTAT_BASE_URL", "https://ec.europa.eu/eurostat/api/dissemination"))
        data_dir = _env_data_dir()
        home = _live_home()
        check_instance(home, data_dir)
        prepare_instance(home, data_dir)
        print(f"Dagster UI on the LIVE data: {data_dir}, instance {home}, Eurostat at {base_url}", flush=True)
        env = dict(os.environ, PIPELINE_DATA_DIR=str(data_dir), DAGSTER_HOME=str(home),
                   EUROSTAT_BASE_URL=base_url, PIPELINE_SOURCE="eurostat")
        return _child(dagster, env)
    data_dir = _demo_data_dir(args.data_dir)
    home = demo_home(data_dir)
    check_instance(home, data_dir, setting="the demo's instance")
    prepare_instance(home, data_dir)
    mirror, _ = sample_mirror(data_dir)
    with MirrorServer(mirror) as server:
        print(f"Dagster UI on the DEMO (synthetic sample, not Eurostat figures): data {data_dir}, "
              f"instance {home}, sample mirror served at {server.base_url} while the UI runs", flush=True)
        env = dict(os.environ, PIPELINE_DATA_DIR=str(data_dir), DAGSTER_HOME=str(home),
                   EUROSTAT_BASE_URL=server.base_url, PIPELINE_SOURCE="sample")
        return _child(dagster, env)


def _demo_chart_png() -> str:
    """The demo's PIPELINE_CHART_PNG: the operator's, else print PNG for the focus member only (the demo's
    minute); set in this process's environment, which the run and the UI read."""
    chosen = check_chart_png(os.environ.get(CHART_PNG_VARIABLE) or DEMO_CHART_PNG)
    os.environ[CHART_PNG_VARIABLE] = chosen
    return chosen


def _child(cmd: list[str], env: dict[str, str]) -> int:
    if env.get(DEBUG_VARIABLE, "") in ("", "0") and "PYTHONWARNINGS" not in env:
        # `dagster dev` announces its own supersession (a FutureWarning) on every start.
        env = dict(env, PYTHONWARNINGS="ignore::FutureWarning")
    proc = subprocess.Popen(cmd, env=env, cwd=REPO)
    try:
        return proc.wait()
    except KeyboardInterrupt:  # Ctrl-C reaches the child too; let it shut down cleanly
        return proc.wait()


# -- entry point ----------------------------------------------------------------------------------
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m assets.cli", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--debug", action="store_true",
                        help=f"show tracebacks, warnings and Dagster's own log (also {DEBUG_VARIABLE}=1)")
    sub = parser.add_subparsers(dest="command", required=True)
    this_year = str(date.today().year)
    p_run = sub.add_parser("run", help="materialise every asset against the live Eurostat API")
    p_run.add_argument("--edition", default=this_year, help="2021 to the current year (default)")
    p_run.add_argument("--force", action="store_true", help="download even if the TOC date is unchanged")
    p_demo = sub.add_parser("demo", help="the same, offline, against the bundled synthetic sample")
    p_demo.add_argument("--edition", default=this_year, help="2021 to the current year (default)")
    p_demo.add_argument("--data-dir", type=Path, default=None,
                        help="defaults to $PIPELINE_DATA_DIR/demo, kept apart from live data")
    p_dev = sub.add_parser("dev", help="the Dagster UI on the live data, or with --demo on the demo's")
    p_dev.add_argument("--demo", action="store_true", help="the demo's data and instance (make dev-demo)")
    p_dev.add_argument("--data-dir", type=Path, default=None, help="with --demo: the demo's data directory")
    p_dev.add_argument("dagster_args", nargs=argparse.REMAINDER, help="passed to `dagster dev` (e.g. -p 3001)")
    for p in (p_run, p_demo, p_dev):
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    args = _parser().parse_args(argv)
    args.debug = args.debug or os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")
    args.out = out or sys.stdout
    if not args.debug:
        # Dagster's beta/supersession notices and library deprecations are not the operator's to act on.
        warnings.simplefilter("ignore")
    try:
        return {"run": run, "demo": demo, "dev": dev}[args.command](args)
    except RunFailed as failed:
        return 2 if failed.user_error else 1
    except PipelineError as err:
        if args.debug:
            traceback.print_exc()
        print(f"error: {err}", file=sys.stderr)
        return 2 if isinstance(err, USER_ERRORS) else 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
