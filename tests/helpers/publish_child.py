"""Publish hand-made figures in a child process, optionally pausing midway so a test can kill it.

Tests fork `run` (the parent has already imported pandas, pyarrow and matplotlib, so a child starts in
milliseconds); from a shell: python -m tests.helpers.publish_child DATA_DIR EDITION --value 41.5
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import time
from pathlib import Path

from pipeline import release, store
from pipeline.errors import ReleaseError
from tests.helpers.frames import release_inputs


def run(data_dir, edition: int, value: float, *, result_file=None, pause_after=None, marker=None,
        slow: float = 0.0, lock_timeout: float = 60.0) -> dict:
    """Publish with the headline's latest focus value set to `value`; pause for good after `pause_after` files."""
    real_save = store.save
    written = 0

    def save(root, relative, data, rows=None):
        nonlocal written
        entry = real_save(root, relative, data, rows)
        written += 1
        time.sleep(slow)
        if pause_after is not None and written == pause_after:
            Path(marker).write_text(str(root))
            time.sleep(3600)  # the test kills us here
        return entry

    store.save = save
    kwargs = release_inputs(edition, overrides={("ai_any_all_enterprises", "BE", edition - 1): (value, None, None)})
    try:
        result = release.publish_release(data_dir, edition, lock_timeout=lock_timeout, **kwargs)
        outcome = {"published": result.published, "version": result.version, "message": result.message}
    except ReleaseError as exc:
        outcome = {"error": str(exc)}
    if result_file:
        Path(result_file).write_text(json.dumps(outcome))
    return outcome


def fork(*args, **kwargs) -> multiprocessing.Process:
    """Start `run` in a forked child process."""
    proc = multiprocessing.get_context("fork").Process(target=run, args=args, kwargs=kwargs, daemon=True)
    proc.start()
    return proc


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("data_dir")
    parser.add_argument("edition", type=int)
    parser.add_argument("--value", type=float, required=True)
    parser.add_argument("--pause-after", type=int)
    parser.add_argument("--marker")
    args = parser.parse_args()
    print(json.dumps(run(args.data_dir, args.edition, args.value, pause_after=args.pause_after, marker=args.marker)))
