"""One edition's assets materialised in this process, recorded in its data directory's Dagster instance."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TextIO

from assets.cli_output import StepPrinter, _Failure, _PipelineLogHandler, _print_failures, _silent_loggers
from pipeline.config import CHART_PNG_VARIABLE, DEFAULT_CHART_PNG, check_chart_png, check_decimals


class RunFailed(Exception):
    """The run ended with failed steps; the report has already been printed."""

    def __init__(self, user_error: bool):
        super().__init__("run failed")
        self.user_error = user_error


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
                              force_download=force, catalogue_path=os.environ.get("PIPELINE_CATALOGUE", ""),
                              chart_png=check_chart_png(os.environ.get(CHART_PNG_VARIABLE, DEFAULT_CHART_PNG)),
                              decimals=check_decimals(os.environ.get("PIPELINE_DECIMALS", "")))
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
