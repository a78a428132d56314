"""The demo's work without Dagster: the same `pipeline/` and `schemas/` calls the assets make, timed.

`python -m benchmarks.pipeline_only <data-dir> [edition]` writes the synthetic sample mirror,
serves it on loopback and runs catalogue, raw, observations, rankings, indicators and release
for every dataset in one plain process. Prints one JSON line: seconds for the imports, per
stage, and the process's peak memory. The demo's wall time minus this process's is what
Dagster itself costs (its imports, run storage, event log, IO manager, subprocess).
"""

from __future__ import annotations

import time

_STARTED = time.perf_counter()

import json  # noqa: E402
import sys  # noqa: E402
from datetime import date  # noqa: E402
from pathlib import Path  # noqa: E402

from benchmarks.scale import _peak_mb  # noqa: E402
from pipeline.catalogue import load_catalogue
from pipeline.series import resolve_catalogue  # noqa: E402
from pipeline.datasets import DATASETS  # noqa: E402
from pipeline.eurostat import read_observations  # noqa: E402
from pipeline.provenance import DatasetProvenance  # noqa: E402
from pipeline.eurostat.client import EurostatClient  # noqa: E402
from pipeline.eurostat.mirror import MirrorServer  # noqa: E402
from pipeline.eurostat.toc import parse_toc  # noqa: E402
from pipeline.indicators import compute_indicators, compute_rankings  # noqa: E402
from pipeline.release import presentation_from_catalogue, publish_release  # noqa: E402
from pipeline.sample import write_sample_mirror  # noqa: E402
from pipeline.snapshots import RawStore, sync_dataset  # noqa: E402
from schemas.indicators import validate_indicators, validate_rankings  # noqa: E402
from schemas.observations import validate_observations  # noqa: E402

FOCUS = "BE"


class _Clock:
    """Seconds spent per stage."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    def __call__(self, stage: str, fn, *args, **kwargs):
        start = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start


def run(data_dir: Path, edition: int) -> dict:
    imports = time.perf_counter() - _STARTED
    clock = _Clock()
    catalogue = clock("catalogue", load_catalogue)
    mirror = data_dir / "sample-mirror"
    clock("sample mirror", write_sample_mirror, mirror, last_year=edition - 1, last_update=date(edition, 2, 27))
    observations, origins = {}, {}
    with MirrorServer(mirror) as server:
        client = EurostatClient(server.base_url)
        toc = clock("catalogue", lambda: parse_toc(client.fetch_catalogue().body))
        store = RawStore(data_dir)
        for code in DATASETS:
            result = clock("raw", sync_dataset, client, store, code, toc.get(code), source="sample")
            snap = result.snapshot
            obs = clock("observations: read", read_observations, snap.data_path, dataset=code)
            origins[code] = DatasetProvenance.of_snapshot(snap, obs)
            clock("observations: validate", validate_observations, obs, code)
            observations[code] = obs
    used = {code: observations[code] for code in sorted(catalogue.datasets)}
    clock("rankings", resolve_catalogue, catalogue, used)
    rankings = clock("rankings", lambda: validate_rankings(compute_rankings(catalogue, used, edition, FOCUS)))
    indicators = clock("indicators", lambda: validate_indicators(
        compute_indicators(catalogue, used, edition, FOCUS, rankings=rankings)))
    published = clock(
        "release", publish_release, data_dir, edition, indicators=indicators, rankings=rankings,
        observations=used, inputs={code: origins[code] for code in used}, focus_geo=FOCUS, catalogue_hash=catalogue.sha256,
        presentation=presentation_from_catalogue(catalogue, edition), source="sample",
    )
    return {
        "imports_seconds": imports,
        "seconds": clock.seconds,
        "work_seconds": sum(clock.seconds.values()),
        "wall_seconds": time.perf_counter() - _STARTED,
        "published": published.published,
        "peak_rss_mb": _peak_mb(),
    }


if __name__ == "__main__":
    edition = int(sys.argv[2]) if len(sys.argv) > 2 else date.today().year
    print(json.dumps(run(Path(sys.argv[1]), edition)))
