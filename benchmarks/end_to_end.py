"""End to end: `python -m assets.cli demo` (what `make demo` runs) timed, against the same work without Dagster.

Also the incremental run: the whole graph materialised twice in-process with `dagster.materialize`
against a loopback MirrorServer; the second run must download 0 data bytes and publish nothing.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from pipeline.eurostat.mirror import DATA_PREFIX, MirrorServer

ROOT = Path(__file__).resolve().parent.parent


def _child_peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def _run(cmd: list[str], env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return seconds, done.stdout


def demo(edition: int) -> dict:
    """One cold `demo` into an empty data dir and Dagster home (a warm virtualenv: imports are cached).

    Measured from a fresh, small process (`python -m benchmarks.end_to_end demo`): its
    RUSAGE_CHILDREN is then the largest of the CLI and the `dagster asset materialize` it waits
    for, and nothing of a large benchmark process is carried over into ru_maxrss.
    """
    _, out = _run([sys.executable, "-m", "benchmarks.end_to_end", "demo", str(edition)], dict(os.environ))
    return json.loads(out.strip().splitlines()[-1])


def _demo_here(edition: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
        env = dict(os.environ, DAGSTER_HOME=str(Path(tmp) / "dagster"), PIPELINE_DATA_DIR=str(Path(tmp) / "data"))
        Path(env["DAGSTER_HOME"]).mkdir()
        seconds, _ = _run([sys.executable, "-m", "assets.cli", "demo", "--edition", str(edition)], env)
        return {"wall_seconds": seconds, "peak_rss_mb": _child_peak_mb()}


def pipeline_only(edition: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-pipeline-") as tmp:
        seconds, out = _run([sys.executable, "-m", "benchmarks.pipeline_only", tmp, str(edition)], dict(os.environ))
        return {**json.loads(out.strip().splitlines()[-1]), "process_seconds": seconds}


def incremental(edition: int) -> dict:
    """Two in-process materialisations on the same data dir; count what the second one downloaded."""
    from dagster import materialize

    from assets.definitions import defs
    from assets.io import ParquetIOManager
    from assets.resources import EurostatApi, OverviewSettings, PipelineStore
    from pipeline.release import list_versions
    from pipeline.sample import write_sample_mirror

    with tempfile.TemporaryDirectory(prefix="bench-incremental-") as tmp:
        data_dir, mirror = Path(tmp) / "data", Path(tmp) / "mirror"
        write_sample_mirror(mirror, last_year=edition - 1, last_update=date(edition, 2, 27))
        runs = []
        with MirrorServer(mirror) as server:
            for _ in range(2):
                server.reset_counters()
                start = time.perf_counter()
                result = materialize(
                    list(defs.assets), partition_key=str(edition), raise_on_error=True,
                    resources={
                        "eurostat": EurostatApi(base_url=server.base_url),
                        "store": PipelineStore(data_dir=str(data_dir), source="sample"),
                        "overview": OverviewSettings(focus_geo="BE"),
                        "io_manager": ParquetIOManager(base_path=str(data_dir / "assets")),
                    },
                )
                release = next(e for e in result.get_asset_materialization_events()
                               if e.asset_key.to_user_string() == "release")
                runs.append({
                    "seconds": time.perf_counter() - start,
                    "data_bytes_served": server.bytes_served(DATA_PREFIX),
                    "data_requests": server.request_count(DATA_PREFIX),
                    "catalogue_bytes_served": server.bytes_served("/catalogue/"),
                    "published": release.materialization.metadata["published"].value,
                    "versions": len(list_versions(data_dir, edition)),
                })
        return {"first": runs[0], "second": runs[1]}


if __name__ == "__main__":
    # `python -m benchmarks.end_to_end [demo] [edition]`: the incremental runs (default) or one demo
    args = sys.argv[1:]
    what = args.pop(0) if args and args[0] == "demo" else "incremental"
    edition = int(args[0]) if args else date.today().year
    if what == "demo":
        print(json.dumps(_demo_here(edition)))
    else:
        print(json.dumps({"incremental": incremental(edition)}, indent=2))
