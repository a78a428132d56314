"""Scale: one generated dataset through raw, observations, indicators and rankings, in a fresh process.

`python -m benchmarks.scale <mirror-dir> <work-dir>` serves the mirror on loopback, then times
each stage as the assets run it: raw (`sync_dataset`: download + snapshot), observations
(`read_observations` + `validate_observations`), rankings and indicators (with a catalogue of
the 35 series every scale has). Prints one JSON line: seconds per stage and the process's peak
resident memory (VmHWM), which is why each size runs in its own process.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import yaml

from benchmarks.generate import CODE, INDICATORS, NACE, SIZES
from pipeline.catalogue import load_catalogue
from pipeline.eurostat import read_observations
from pipeline.eurostat.client import EurostatClient
from pipeline.eurostat.mirror import MirrorServer
from pipeline.eurostat.toc import parse_toc
from pipeline.indicators import compute_indicators, compute_rankings
from pipeline.snapshots import RawStore, sync_dataset
from schemas.observations import validate_observations

EDITION = 2026
FOCUS = "BE"


def write_catalogue(path: Path) -> Path:
    """An indicator catalogue of series that exist at every scale: each size class x the 7 real indicators."""
    titles = {"en": "Benchmark series", "nl": "Benchmarkreeks", "fr": "Série de référence"}
    entries = [
        {
            "id": f"bench_{indic.lower()}_{size.replace('-', '_').lower()}",
            "topic": "bench",
            "headline": False,
            "dataset": CODE,
            "series": {"freq": "A", "size_emp": size, "nace_r2": NACE[0], "indic_is": indic, "unit": "PC_ENT"},
            "higher_is_better": True,
            "title": {lang: f"{text} {indic} {size}" for lang, text in titles.items()},
        }
        for size in SIZES
        for indic in INDICATORS
    ]
    path.write_text(yaml.safe_dump({"topics": {"bench": titles}, "indicators": entries}, allow_unicode=True))
    return path


def _peak_mb() -> float:
    """This process's peak resident memory, MB.

    VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent into a child started
    with vfork/exec, so a child of a large benchmark process would report the parent's peak.
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(mirror: Path, work: Path) -> dict:
    stages: dict[str, float] = {}
    peaks: dict[str, float] = {"imports": _peak_mb()}
    catalogue = load_catalogue(write_catalogue(work / "catalogue.yaml"))
    with MirrorServer(mirror) as server:
        client = EurostatClient(server.base_url, retries=0)
        start = time.perf_counter()
        toc = parse_toc(client.fetch_catalogue().body)
        result = sync_dataset(client, RawStore(work / "data"), CODE, toc[CODE], source="sample")
        stages["raw"] = time.perf_counter() - start
        peaks["raw"] = _peak_mb()
        downloaded = server.bytes_served("/sdmx/2.1/data/")
    assert result.downloaded

    start = time.perf_counter()
    observations = read_observations(result.snapshot.data_path, dataset=CODE)
    stages["read"] = time.perf_counter() - start
    start = time.perf_counter()
    validate_observations(observations, CODE)
    stages["validate"] = time.perf_counter() - start
    peaks["observations"] = _peak_mb()

    start = time.perf_counter()
    rankings = compute_rankings(catalogue, {CODE: observations}, EDITION, FOCUS)
    stages["rankings"] = time.perf_counter() - start
    start = time.perf_counter()
    indicators = compute_indicators(catalogue, {CODE: observations}, EDITION, FOCUS, rankings=rankings)
    stages["indicators"] = time.perf_counter() - start
    peaks["indicators"] = _peak_mb()
    return {
        "rows": len(observations),
        "downloaded_bytes": downloaded,
        "ranking_rows": len(rankings),
        "indicator_rows": len(indicators),
        "seconds": stages,
        "total_seconds": sum(stages.values()),
        "peak_rss_mb": peaks,
        "tidy_table_mb": observations.memory_usage(deep=True).sum() / 1e6,
    }


if __name__ == "__main__":
    print(json.dumps(run(Path(sys.argv[1]), Path(sys.argv[2]))))
