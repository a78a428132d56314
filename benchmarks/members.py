"""Every member's products: what each chart kind costs (SVG, 300-dpi PNG), and the products of 27
members x 3 languages with print PNG for 1 member, against 1 member alone, in the same run.

    python -m benchmarks.members            # each configuration in a fresh process; prints the tables,
                                            # writes benchmarks/results/members.json
    python -m benchmarks.members --all      # also measures PIPELINE_CHART_PNG=all (about 10 minutes
                                            # of both cores: not run by default, the figure is extrapolated)

Configurations: "1 member" (shared work + BE's products + BE's print PNG), "27 members, PNG for 1"
(the default PIPELINE_CHART_PNG=focus), "27 members, no PNG" (none). Shared work (the all-member
indicators, distance to target, peer comparisons) is timed on its own; per-member rendering and
rasterising run on every core. Per chart kind: BE's charts in 3 languages, each SVG written and
rasterised one at a time in this process (median milliseconds).
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESULTS = Path(__file__).with_name("results")
KINDS = ("ranking", "items", "by", "series", "trajectory")


def _setup(mirror: Path):
    from pipeline.catalogue import load_catalogue
    from pipeline.comparisons import peer_comparisons
    from pipeline.eurostat import read_observations
    from pipeline.geo import EU27
    from pipeline.indicators import compute_indicators, compute_rankings
    from pipeline.member_products import MemberInputs
    from pipeline.peers import load_peer_groups
    from pipeline.release import presentation_from_catalogue
    from pipeline.series import series_observations

    catalogue, peers = load_catalogue(), load_peer_groups()
    observations = {p.name.split(".")[0]: read_observations(p) for p in sorted((mirror / "data").glob("*.sdmx.csv.gz"))}
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
    return inputs, shared


def _measure(members: int, png: str, mirror: Path) -> dict:
    """One configuration, in this process: seconds per stage and product, peak memory."""
    from dataclasses import replace

    from pipeline.chart_png import png_members
    from pipeline.geo import EU27
    from pipeline.member_products import render_members

    inputs, shared = _setup(mirror)
    geos = ["BE"] if members == 1 else sorted(EU27)[:members]
    inputs = replace(inputs, png_members=png_members(png, "BE"))
    start = time.perf_counter()
    files, timing = render_members(inputs, geos)
    render = time.perf_counter() - start
    per_product = timing.groupby("product")["seconds"].sum().round(3).to_dict()
    pngs = [len(b) for p, b in files.items() if p.endswith(".png")]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"members": len(geos), "png": png, "shared_seconds": round(shared, 3), "render_seconds": round(render, 3),
            "total_seconds": round(shared + render, 3), "product_cpu_seconds": per_product,
            "files": len(files), "charts_svg": sum(p.endswith(".svg") for p in files), "charts_png": len(pngs),
            "megabytes": round(sum(map(len, files.values())) / 1e6, 1), "png_megabytes": round(sum(pngs) / 1e6, 1),
            "peak_rss_mb": round(own, 1), "peak_worker_rss_mb": round(workers, 1), "cores": os.cpu_count()}


def _kind(name: str) -> str:
    stem = name.rsplit("/", 1)[-1][:-4]
    return next(k for k in KINDS if stem.endswith(f"_{k}") or (k == "by" and "_by_" in stem))


def _per_kind(mirror: Path) -> dict:
    """Per chart kind, BE in 3 languages: charts, median ms to write the SVG (the drawing function
    alone) and to rasterise it at 300 dpi, median text elements and PNG kilobytes."""
    from pipeline import member_charts
    from pipeline.chart_png import print_png

    inputs, _ = _setup(mirror)
    svg_ms: list[float] = []
    for fn in ("ranking_svg", "paired_svg", "series_svg"):  # time the drawing, not the row selection
        original = getattr(member_charts, fn)

        def timed(*a, _f=original, **k):
            start = time.perf_counter()
            out = _f(*a, **k)
            svg_ms.append((time.perf_counter() - start) * 1000)
            return out
        setattr(member_charts, fn, timed)
    by_kind: dict[str, dict] = {}
    build = 0.0
    for lang in ("nl", "fr", "en"):
        start = time.perf_counter()
        charts = member_charts.member_charts(inputs.indicators, inputs.catalogue, edition=2026, geo="BE", lang=lang,
                                             neighbours=inputs.peers.neighbours["BE"], sources=inputs.sources,
                                             is_sample=True)
        build += time.perf_counter() - start
        # member_charts draws in a fixed order: the n-th timing is the n-th chart of the dict
        for (name, svg), ms in zip(charts.items(), svg_ms[-len(charts):]):
            start = time.perf_counter()
            png = print_png(svg.decode())
            entry = by_kind.setdefault(_kind(name), {"svg_ms": [], "png_ms": [], "texts": [], "png_kb": []})
            entry["png_ms"].append((time.perf_counter() - start) * 1000)
            entry["svg_ms"].append(ms)
            entry["texts"].append(svg.count(b"<text "))
            entry["png_kb"].append(len(png) / 1000)
    out = {kind: {"charts": len(v["svg_ms"]), **{k: round(statistics.median(x), 1) for k, x in v.items()}}
           for kind, v in by_kind.items()}
    return {"kinds": out, "member_charts_seconds_3_languages": round(build, 3)}


def _all_estimate(kinds: dict, focus: dict) -> dict:
    """PIPELINE_CHART_PNG=all from the single-process medians per kind (one member's charts x 27)."""
    per_member = sum(k["charts"] * k["png_ms"] for k in kinds["kinds"].values()) / 1000
    cores = focus["cores"] or 1
    return {"png_cpu_seconds": round(per_member * 27, 1), "extra_wall_seconds_on_cores": round(per_member * 27 / cores, 1),
            "png_megabytes": round(focus["png_megabytes"] * 27, 1),
            "method": "27 x (charts x median PNG ms) per kind, 27 x the focus member's PNG megabytes"}


def main() -> int:
    if len(sys.argv) >= 3 and sys.argv[1] in ("kinds", "run"):  # child: a fresh process per measurement
        result = _per_kind(Path(sys.argv[2])) if sys.argv[1] == "kinds" else \
            _measure(int(sys.argv[2]), sys.argv[3], Path(sys.argv[4]))
        print(json.dumps(result))
        return 0
    from pipeline.sample import write_sample_mirror

    configs = [("1", "focus"), ("27", "focus"), ("27", "none")] + ([("27", "all")] if "--all" in sys.argv else [])

    def child(*args) -> dict:
        out = subprocess.run([sys.executable, "-m", "benchmarks.members", *args], check=True,
                             capture_output=True, text=True).stdout
        return json.loads(out.strip().splitlines()[-1])

    load = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory() as work:
        write_sample_mirror(Path(work), last_year=2025)
        kinds = child("kinds", work)
        runs = {f"{m}/{png}": child("run", m, png, work) for m, png in configs}
    one, focus = runs["1/focus"], runs["27/focus"]
    all_estimate = _all_estimate(kinds, focus)
    result = {"command": "python -m benchmarks.members" + (" --all" if "--all" in sys.argv else ""),
              "load_average_before_and_after": [load, [round(x, 2) for x in os.getloadavg()]],
              "per_kind": kinds, "runs": runs, "all_estimate": all_estimate,
              "ratio_total_27_focus_vs_1": round(focus["total_seconds"] / one["total_seconds"], 2)}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "members.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print("| chart kind | charts (BE, 3 languages) | SVG ms | PNG 300 dpi ms | text elements | PNG KB |")
    print("|---|---|---|---|---|---|")
    for kind, k in kinds["kinds"].items():
        print(f"| {kind} | {k['charts']} | {k['svg_ms']} | {k['png_ms']} | {k['texts']} | {k['png_kb']} |")
    print(f"\nmember_charts for BE in 3 languages (row selection included): {kinds['member_charts_seconds_3_languages']} s\n")
    print("| products for | PNG | shared work s | rendering s | total s | SVG charts | PNG | MB (PNG) | "
          "CPU s per product | peak RSS MB (main / workers) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for key, r in runs.items():
        cpu = ", ".join(f"{p} {s}" for p, s in sorted(r["product_cpu_seconds"].items()))
        print(f"| {r['members']} member(s) | {r['png']} | {r['shared_seconds']} | {r['render_seconds']} | "
              f"{r['total_seconds']} | {r['charts_svg']} | {r['charts_png']} | {r['megabytes']} ({r['png_megabytes']}) | "
              f"{cpu} | {r['peak_rss_mb']} / {r['peak_worker_rss_mb']} |")
    print(f"\nPIPELINE_CHART_PNG=all, extrapolated ({all_estimate['method']}): {all_estimate['png_cpu_seconds']} CPU-s "
          f"= +{all_estimate['extra_wall_seconds_on_cores']} s on {focus['cores']} cores, "
          f"{all_estimate['png_megabytes']} MB of PNG")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
