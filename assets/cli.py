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
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from pipeline.config import (
    DEBUG_VARIABLE,
    DEFAULT_DATA_DIR,
    check_base_url,
    check_edition,
    check_focus_geo,
    check_writable_dir,
)
from pipeline.errors import (
    CatalogueError,
    EurostatUnavailable,
    PipelineError,
    SettingError,
)

REPO = Path(__file__).resolve().parents[1]
LOCAL_INSTANCE_CONFIG = REPO / "deploy" / "dagster.local.yaml"
DATA_DIR_MARKER = "pipeline_data_dir.txt"  # in DAGSTER_HOME: the one data directory it records
# Errors that are the user's to fix (exit code 2); anything else is a failure of the run (exit 1).
USER_ERRORS = (SettingError, EurostatUnavailable, CatalogueError)
USER_ERROR_NAMES = frozenset(cls.__name__ for cls in USER_ERRORS)


class RunFailed(Exception):
    """The run ended with failed steps; the report has already been printed."""

    def __init__(self, user_error: bool):
        super().__init__("run failed")
        self.user_error = user_error


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


# -- output ---------------------------------------------------------------------------------------
def _step_name(step_key: str) -> str:
    return step_key.replace("__", "/")


def _seconds(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 60 else f"{int(seconds) // 60} min {int(seconds) % 60:02d} s"


@dataclass
class _Failure:
    step: str
    message: str
    user_error: bool
    details: str


@dataclass
class StepPrinter:
    """Turns a run's events into one line per step, live progress, and the failures at the end."""

    steps: list[str]  # step keys in the order they run
    out: TextIO = sys.stdout
    debug: bool = False
    done: int = 0
    started: dict[str, float] = field(default_factory=dict)
    pending: dict[str, str] = field(default_factory=dict)
    failures: list[_Failure] = field(default_factory=list)
    failed_checks: dict[str, list[str]] = field(default_factory=dict)
    reported: set[str] = field(default_factory=set)

    def __call__(self, entry) -> None:
        from dagster import DagsterEventType

        step, event = entry.step_key, entry.dagster_event
        if event is None:
            self._message(step, entry)
            return
        kind = event.event_type
        if kind == DagsterEventType.STEP_START:
            self.started[step] = time.monotonic()
        elif kind == DagsterEventType.STEP_SUCCESS:
            self._line("ok", step, self.pending.pop(step, ""))
        elif kind == DagsterEventType.STEP_SKIPPED:
            self._line("skipped", step, "an upstream step failed")
        elif kind == DagsterEventType.STEP_UP_FOR_RETRY:
            data = event.event_specific_data
            wait = f" in {data.seconds_to_wait:g} s" if getattr(data, "seconds_to_wait", None) else ""
            print(f"        {_step_name(step)}: retrying{wait} ({self._reason(event)[0]})", file=self.out, flush=True)
        elif kind == DagsterEventType.STEP_FAILURE:
            message, user_error, details = self._reason(event)
            checks = self.failed_checks.get(step)
            if checks:
                message = f"{message} ({'; '.join(checks)})"
            self.failures.append(_Failure(_step_name(step), message, user_error, details))
            self._line("FAILED", step, "see the error at the end")
        elif kind == DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed:
                self.failed_checks.setdefault(step, []).append(
                    f"check {evaluation.check_name} failed: {evaluation.description or ''}".rstrip(": ")
                )

    @property
    def total(self) -> int:
        return len(self.steps)

    def finish(self) -> None:
        """A line for every step that never ran because an upstream step failed."""
        for step in self.steps:
            if step not in self.reported:
                self._line("skipped", step, "not run: an upstream step failed")

    def _message(self, step: str | None, entry) -> None:
        if not step or entry.level < logging.INFO or not entry.user_message:
            return
        from assets.ingest import PROGRESS_PREFIX

        message = entry.user_message
        if message.startswith("Dependencies for step ") and message.endswith("Not executing."):
            self._line("skipped", step, "not run: an upstream step failed")  # Dagster's words for a skip
            return
        if entry.level >= logging.WARNING or message.startswith(PROGRESS_PREFIX):
            self._live(step, message)
            return
        if step in self.pending:  # a step with several things to say: all but the last go live
            self._live(step, self.pending[step])
        self.pending[step] = message

    def _live(self, step: str, message: str) -> None:
        print(f"        {_step_name(step)}: {message}", file=self.out, flush=True)

    def _line(self, status: str, step: str, message: str) -> None:
        if step in self.reported:
            return
        self.reported.add(step)
        self.done += 1
        started = self.started.pop(step, None)
        took = _seconds(time.monotonic() - started) if started is not None else ""
        width = len(str(self.total))
        text = f"[{self.done:>{width}}/{self.total}] {status:<7} {_step_name(step):<28} {took:>7}"
        print(f"{text}  {message}".rstrip(), file=self.out, flush=True)

    @staticmethod
    def _reason(event) -> tuple[str, bool, str]:
        """(message, is it the user's to fix, traceback text) of a failed step."""
        data = event.event_specific_data
        error = getattr(data, "error", None)
        description = getattr(getattr(data, "user_failure_data", None), "description", None)
        chain, cause = [], error
        while cause is not None:
            chain.append(cause)
            cause = cause.cause or cause.context
        user_error = any(e.cls_name in USER_ERROR_NAMES for e in chain)
        message = description or (chain[-1].message.strip() if chain else event.message or "step failed")
        details = error.to_string() if error is not None else ""
        return message.strip(), user_error, details


def _print_failures(printer: StepPrinter, debug: bool) -> None:
    for failure in printer.failures:
        if debug and failure.details:
            print(failure.details, file=sys.stderr)
        print(f"error: {failure.step}: {failure.message}", file=sys.stderr)
    print("Nothing new was published; the previous release of this edition, if any, stays latest. "
          f"Details: `make dev` shows the run; --debug (or {DEBUG_VARIABLE}=1) shows the traceback.",
          file=sys.stderr)


def _silent_loggers():
    """A job logger that prints nothing: the StepPrinter, fed from the instance, does the talking."""
    from dagster import logger

    @logger(description="discards records; the CLI prints from the run's events")
    def silent(_init_context):
        log = logging.getLogger("assets.cli.silent")
        log.propagate = False
        if not log.handlers:
            log.addHandler(logging.NullHandler())
        return log

    return {"console": silent}


class _PipelineLogHandler(logging.Handler):
    """What `pipeline` logs (a retry, a dataset missing from the catalogue), one indented line each."""

    def __init__(self, out: TextIO):
        super().__init__(logging.INFO)
        self.out = out

    def emit(self, record: logging.LogRecord) -> None:
        print(f"        {record.getMessage()}", file=self.out, flush=True)


# -- materialisation ------------------------------------------------------------------------------
def materialize(edition: int, *, data_dir: Path, home: Path, base_url: str, source: str, focus_geo: str,
                force: bool = False, debug: bool = False, out: TextIO = sys.stdout) -> Path:
    """Every asset of `edition`, in this process, recorded in the instance at `home`; the release folder.

    Raises RunFailed (after printing each failure once, on stderr) when a step failed.
    """
    from dagster import DagsterInstance, Definitions
    from dagster._core.utils import make_new_run_id

    from assets.automation import overview_edition_job
    from assets.definitions import ASSETS, resources

    run_resources = resources(base_url=base_url, data_dir=str(data_dir), source=source, focus_geo=focus_geo,
                              force_download=force, catalogue_path=os.environ.get("PIPELINE_CATALOGUE", ""))
    job = Definitions(assets=ASSETS, jobs=[overview_edition_job], resources=run_resources) \
        .resolve_job_def(overview_edition_job.name)
    if not debug:
        job = job.with_logger_defs(_silent_loggers())
    printer = StepPrinter(steps=[node.name for node in job.graph.nodes_in_topological_order], out=out, debug=debug)
    pipeline_log = logging.getLogger("pipeline")
    handler = _PipelineLogHandler(out)
    pipeline_log.addHandler(handler)
    if pipeline_log.level in (logging.NOTSET,) or pipeline_log.level > logging.INFO:
        pipeline_log.setLevel(logging.INFO)
    try:
        with DagsterInstance.from_config(str(home)) as instance:
            run_id = make_new_run_id()
            instance.add_event_listener(run_id, printer)
            result = job.execute_in_process(
                run_config={"loggers": {"console": {"config": {"log_level": "INFO"}} if debug else {}}},
                instance=instance, partition_key=str(edition), raise_on_error=False, run_id=run_id,
                tags={"source": source, "launched_by": "assets.cli"},
            )
    finally:
        pipeline_log.removeHandler(handler)
    printer.finish()
    if not result.success:
        if not printer.failures:  # a failure outside any step (e.g. a resource that cannot start)
            event = next((e for e in result.all_events if e.is_failure), None)
            printer.failures.append(_Failure("run", event.message if event else "the run failed", False, ""))
        _print_failures(printer, debug)
        raise RunFailed(all(f.user_error for f in printer.failures))
    from pipeline.release import read_latest

    return read_latest(data_dir, edition)


def summary(version: Path, edition: int, out: TextIO = sys.stdout) -> None:
    """Where the release is, and its English key figures: what a user looks at first."""
    import json

    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    print(f"\nrelease {edition}: {version}", file=out)
    if manifest.get("note"):
        print(f"note: {manifest['note']}", file=out)
    figures = json.loads((version / "key_figures.json").read_text(encoding="utf-8"))
    if figures.get("sample_label"):
        print(figures["sample_label"]["en"], file=out)
    for figure in figures["key_figures"]:
        print(f"- {figure['sentences']['en']}", file=out)


# -- commands -------------------------------------------------------------------------------------
def run(args) -> int:
    """Every asset of an edition against the live Eurostat API; fails in seconds if it cannot be reached."""
    from assets.resources import EurostatApi

    edition = check_edition(args.edition, command="make run")
    focus = check_focus_geo(os.environ.get("FOCUS_GEO", "BE"))
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
    summary(version, edition, args.out)
    return 0


def demo(args) -> int:
    """The same, offline: the synthetic sample mirror served on loopback as the Eurostat API."""
    from pipeline.eurostat.mirror import MirrorServer

    edition = check_edition(args.edition, command="make demo")
    focus = check_focus_geo(os.environ.get("FOCUS_GEO", "BE"))
    data_dir = _demo_data_dir(args.data_dir)
    home = demo_home(data_dir)
    check_instance(home, data_dir, setting="the demo's instance")
    prepare_instance(home, data_dir)
    mirror, info = sample_mirror(data_dir)
    print(f"synthetic sample mirror (not Eurostat data): {len(info['datasets'])} datasets, survey years "
          f"to {info['last_year']}, last update {info['last_update'][:10]}, in {mirror}", file=args.out, flush=True)
    with MirrorServer(mirror) as server:
        print(f"edition {edition} (survey year {edition - 1}) from the mirror at {server.base_url}; "
              f"data in {data_dir}, Dagster instance {home}", file=args.out, flush=True)
        version = materialize(edition, data_dir=data_dir, home=home, base_url=server.base_url, source="sample",
                              focus_geo=focus, force=False, debug=args.debug, out=args.out)
    summary(version, edition, args.out)
    return 0


def dev(args) -> int:
    """The Dagster UI on the live data (DAGSTER_HOME), or with --demo on the demo's data and instance."""
    from pipeline.eurostat.mirror import MirrorServer

    if args.debug:
        os.environ[DEBUG_VARIABLE] = "1"

    check_focus_geo(os.environ.get("FOCUS_GEO", "BE"))
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
