"""Syncs run in forked child processes, pausing where a test wants to kill them or race them.

Forked (not spawned): the parent has already imported pandas and pyarrow, so a child starts in
milliseconds. Only the child's `os.rename` is wrapped; the parent is never patched.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from datetime import date
from pathlib import Path

from pipeline import snapshots
from pipeline.errors import PipelineError
from pipeline.eurostat.client import EurostatClient
from tests.helpers.eurostat import toc_entry


def sync(base_url: str, data_dir: str, code: str, last_update: str, *, read_timeout: float = 30.0,
         paused=None, go=None, result_file=None) -> None:
    """sync_dataset once; with `paused`, stop just before the snapshot's rename (until `go` exists, or for good)."""
    if paused:
        real_rename = os.rename

        def rename(src, dst):
            Path(paused).write_text(str(src))
            while not (go and Path(go).exists()):
                time.sleep(0.01)
            return real_rename(src, dst)

        os.rename = rename  # the version store renames through the os module (a forked child: nothing else sees it)
    client = EurostatClient(base_url, read_timeout=read_timeout, retries=0)
    try:
        result = snapshots.sync_dataset(client, snapshots.RawStore(data_dir), code,
                                        toc_entry(date.fromisoformat(last_update), code))
        outcome = {"folder": result.snapshot.folder.name, "downloaded": result.downloaded}
    except PipelineError as exc:
        outcome = {"error": f"{type(exc).__name__}: {exc}"}
    except OSError as exc:  # what a race used to end in; recorded so the test can show it
        outcome = {"error": f"{type(exc).__name__}: {exc}"}
    if result_file:
        Path(result_file).write_text(json.dumps(outcome))


def fork(*args, **kwargs) -> multiprocessing.Process:
    proc = multiprocessing.get_context("fork").Process(target=sync, args=args, kwargs=kwargs, daemon=True)
    proc.start()
    return proc


def wait_for(condition, proc: multiprocessing.Process, what: str, timeout: float = 30.0) -> None:
    """Poll `condition` while the child lives; fail naming `what` if it never holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert proc.is_alive(), f"child ended (exit code {proc.exitcode}) before {what}"
        assert time.monotonic() < deadline, f"child never reached {what}"
        time.sleep(0.01)
