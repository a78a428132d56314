"""Products for one member against products for all 27, measured in the same run on the same data.

    python -m benchmarks.members            # both, each in a fresh process; prints the table, writes
                                            # benchmarks/results/members.json
Baseline: one member (shared work + its products). Target (issue "every member state"): all 27 at
most 6x one member. Shared work (the all-member indicators, distance to target, peer comparisons)
is timed on its own; per-member rendering runs on every core.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).with_name("results")


def _measure(members: int, mirror: Path) -> dict:
    """One configuration, in this process: seconds per stage and product, peak memory."""
    from pipeline.catalogue import load_catalogue
    from pipeline.comparisons import peer_comparisons
    from pipeline.eurostat import read_observations
    from pipeline.geo import EU27
    from pipeline.indicators import compute_indicators, compute_rankings
    from pipeline.member_products import MemberInputs, render_members
    from pipeline.peers import load_peer_groups
    from pipeline.release import presentation_from_catalogue
    from pipeline.series import series_observations

    catalogue, peers = load_catalogue(), load_peer_groups()
    observations = {p.name.split(".")[0]: read_observations(p) for p in sorted((mirror / "data").glob("*.sdmx.csv.gz"))}
    geos = ["BE"] if members == 1 else sorted(EU27)[:members]
    start = time.perf_counter()
    long = series_observations(catalogue, observations, 2026)
    rankings = compute_rankings(catalogue, observations, 2026, "BE", long=long)
    table = compute_indicators(catalogue, observations, 2026, "BE", rankings=rankings, long=long,
                               members=sorted(EU27))
    comparisons = peer_comparisons(table, catalogue, peers, 2026)
    shared = time.perf_counter() - start
    shown = presentation_from_catalogue(catalogue, 2026)
    sources = {code: {"eurostat_last_update": df.attrs.get("eurostat_last_update"), "retrieved_at": "2026-12-01"}
               for code, df in observations.items()}
    inputs = MemberInputs(table, comparisons, catalogue, peers, 2026, tuple(shown.headline_ids),
                           shown.reporting_periods, sources, True)
    start = time.perf_counter()
    files, timing = render_members(inputs, geos)
    render = time.perf_counter() - start
    per_product = timing.groupby("product")["seconds"].sum().round(3).to_dict()
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"members": len(geos), "shared_seconds": round(shared, 3), "render_seconds": round(render, 3),
            "total_seconds": round(shared + render, 3), "product_cpu_seconds": per_product,
            "files": len(files), "megabytes": round(sum(map(len, files.values())) / 1e6, 1),
            "peak_rss_mb": round(own, 1), "peak_worker_rss_mb": round(workers, 1), "cores": os.cpu_count()}


def main() -> int:
    if len(sys.argv) == 3:  # child: python -m benchmarks.members <members> <mirror>
        print(json.dumps(_measure(int(sys.argv[1]), Path(sys.argv[2]))))
        return 0
    from pipeline.sample import write_sample_mirror

    with tempfile.TemporaryDirectory() as work:
        write_sample_mirror(Path(work), last_year=2025)
        runs = {}
        for members in (1, 27):
            out = subprocess.run([sys.executable, "-m", "benchmarks.members", str(members), work],
                                 check=True, capture_output=True, text=True).stdout
            runs[members] = json.loads(out.strip().splitlines()[-1])
    one, all27 = runs[1], runs[27]
    result = {"one_member": one, "all_members": all27,
              "ratio_total": round(all27["total_seconds"] / one["total_seconds"], 2),
              "ratio_render": round(all27["render_seconds"] / one["render_seconds"], 2), "target_ratio": 6.0}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "members.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print("| products for | shared work s | rendering s | total s | files | MB | peak RSS MB (main / workers) |")
    print("|---|---|---|---|---|---|---|")
    for label, r in (("1 member (baseline)", one), ("27 members", all27)):
        print(f"| {label} | {r['shared_seconds']} | {r['render_seconds']} | {r['total_seconds']} | {r['files']} | "
              f"{r['megabytes']} | {r['peak_rss_mb']} / {r['peak_worker_rss_mb']} |")
    print(f"\n27 members / 1 member: {result['ratio_total']}x in total, {result['ratio_render']}x for the rendering "
          f"(target: at most 6x); CPU seconds per product, 27 members: {all27['product_cpu_seconds']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
