"""What the operator sees of a run: one line per step, live progress, the failures at the end, the summary."""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from pipeline.config import DEBUG_VARIABLE
from pipeline.errors import CatalogueError, EurostatUnavailable, SettingError

# Errors that are the user's to fix (exit code 2); anything else is a failure of the run (exit 1).
USER_ERRORS = (SettingError, EurostatUnavailable, CatalogueError)
USER_ERROR_NAMES = frozenset(cls.__name__ for cls in USER_ERRORS)


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



def summary(version: Path, edition: int, out: TextIO = sys.stdout, focus: str = "BE") -> None:
    """Where the release is, and the focus member's English key figures: what a user looks at first."""
    import json

    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    print(f"\nrelease {edition}: {version}", file=out)
    if manifest.get("note"):
        print(f"note: {manifest['note']}", file=out)
    member = version / "members" / focus
    print(f"{focus}'s products (and every other member's, beside them): {member}", file=out)
    figures = json.loads((member / "key_figures.json").read_text(encoding="utf-8"))
    if figures.get("sample_label"):
        print(figures["sample_label"]["en"], file=out)
    for figure in figures["key_figures"]:
        print(f"- {figure['sentences']['en']}", file=out)

