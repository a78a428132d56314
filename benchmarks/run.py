"""`make bench`: every benchmark in one run; medians, ratios against baselines measured in the same run.

Writes `benchmarks/results/latest.json` (raw figures) and `benchmarks/results/latest.md` (the
tables of benchmarks/README.md). `python -m benchmarks.run --scales 1 10 --repeats 3` for a
shorter run; `--skip-end-to-end` to leave out the Dagster runs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timezone
from pathlib import Path

from benchmarks import end_to_end, parsing
from benchmarks.generate import generate

RESULTS = Path(__file__).with_name("results")
TARGETS = {"tsv_speedup": 5.0, "tsv_speedup_aim": 10.0, "csv_ratio": 1.5, "memory_ratio": 2.0,
           "demo_seconds": 30.0, "pipeline_seconds": 3.0, "growth_tolerance": 1.3}


def _machine() -> dict:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next((int(line.split()[1]) // 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                   if line.startswith("MemTotal")), None)
    import eurostat  # noqa: F401  (the baseline must be installed: `make bench` does it)
    import pandas
    import pyarrow
    from importlib.metadata import version
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": memory, "python": platform.python_version(),
            "pandas": pandas.__version__, "pyarrow": pyarrow.__version__, "eurostat": version("eurostat"),
            "dagster": version("dagster"), "date": datetime.now(timezone.utc).isoformat(timespec="seconds")}


def _scale_runs(root: Path, work: Path, repeats: int) -> dict:
    """Each run in a fresh process, so that its ru_maxrss is this size's alone; medians per stage."""
    runs = []
    for i in range(repeats):
        folder = work / f"run{i}"
        folder.mkdir(parents=True)
        out = subprocess.run([sys.executable, "-m", "benchmarks.scale", str(root), str(folder)],
                             check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
        shutil.rmtree(folder)
    stages = runs[0]["seconds"]
    return {
        **{k: v for k, v in runs[0].items() if k not in ("seconds", "total_seconds", "peak_rss_mb")},
        "seconds": {s: statistics.median(r["seconds"][s] for r in runs) for s in stages},
        "total_seconds": statistics.median(r["total_seconds"] for r in runs),
        "peak_rss_mb": statistics.median(r["peak_rss_mb"]["indicators"] for r in runs),
        "runs": repeats,
    }


def _growth(scale: dict, sizes: list[int]) -> list[dict]:
    """Ratio of each figure from one size to the next, against the ratio of the sizes."""
    steps = []
    for small, large in zip(sizes, sizes[1:]):
        a, b = scale[str(small)], scale[str(large)]
        size_ratio = b["rows"] / a["rows"]
        step = {"from": small, "to": large, "size_ratio": size_ratio,
                "total_seconds": b["total_seconds"] / a["total_seconds"],
                "peak_rss_mb": b["peak_rss_mb"] / a["peak_rss_mb"],
                "tidy_table_mb": b["tidy_table_mb"] / a["tidy_table_mb"]}
        step.update({f"{stage}_seconds": b["seconds"][stage] / a["seconds"][stage] for stage in a["seconds"]})
        step["linear"] = all(v <= size_ratio * TARGETS["growth_tolerance"]
                             for k, v in step.items() if k.endswith(("seconds", "_mb")))
        steps.append(step)
    return steps


def _end_to_end(edition: int, repeats: int) -> dict:
    demos = [end_to_end.demo(edition) for _ in range(repeats)]
    alone = [end_to_end.pipeline_only(edition) for _ in range(repeats)]
    out = subprocess.run([sys.executable, "-m", "benchmarks.end_to_end", str(edition)],
                         check=True, capture_output=True, text=True).stdout
    median = statistics.median
    stages = alone[0]["seconds"]
    demo_seconds = median(d["wall_seconds"] for d in demos)
    alone_seconds = median(a["process_seconds"] for a in alone)
    return {
        "edition": edition,
        "demo_wall_seconds": demo_seconds,
        "demo_peak_rss_mb": max(d["peak_rss_mb"] for d in demos),
        "pipeline_process_seconds": alone_seconds,
        "pipeline_imports_seconds": median(a["imports_seconds"] for a in alone),
        "pipeline_work_seconds": median(a["work_seconds"] for a in alone),
        "pipeline_stage_seconds": {s: median(a["seconds"][s] for a in alone) for s in stages},
        "pipeline_peak_rss_mb": median(a["peak_rss_mb"] for a in alone),
        "dagster_seconds": demo_seconds - alone_seconds,
        "runs": repeats,
        **json.loads(out[out.index("{"):]),
    }


def markdown(results: dict) -> str:
    """The tables of benchmarks/README.md."""
    lines = []
    m = results["machine"]
    lines += [f"Run {m['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_mb']} MB; Python {m['python']}, "
              f"pandas {m['pandas']}, pyarrow {m['pyarrow']}, eurostat {m['eurostat']}, dagster {m['dagster']}.", ""]
    lines += ["### Inputs", "", "| scale | series | TSV cells | SDMX-CSV rows | TSV bytes | SDMX-CSV bytes | TSV .gz | SDMX-CSV .gz |",
              "|---|---|---|---|---|---|---|---|"]
    for s, g in results["inputs"].items():
        lines.append(f"| {s}x | {g['series']:,} | {g['cells']:,} | {g['csv_rows']:,} | {g['tsv_bytes']:,} | "
                     f"{g['csv_bytes']:,} | {g['tsv_gz_bytes']:,} | {g['csv_gz_bytes']:,} |")
    lines += ["", "### Parsing TSV: read_observations vs eurostat.get_data_df(code, flags=True)", "",
              "| scale | eurostat, loopback (s) | ours, loopback (s) | speed-up | eurostat, parse only (s) | "
              "ours, parse only (s) | speed-up | eurostat table | ours: rows, flagged | ours MB | eurostat MB |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
    for s, r in results["parsing_tsv"].items():
        lines.append(f"| {s}x | {r['eurostat_seconds']:.3f} | {r['ours_seconds']:.3f} | **{r['speedup']:.1f}x** | "
                     f"{r['eurostat_parse_only_seconds']:.3f} | {r['ours_parse_only_seconds']:.3f} | "
                     f"**{r['speedup_parse_only']:.1f}x** | {r['eurostat_shape'][0]:,} x {r['eurostat_shape'][1]} (wide) | "
                     f"{r['ours_rows']:,}, {r['ours_flagged_cells']:,} | {r['ours_table_mb']:.1f} | "
                     f"{r['eurostat_table_mb']:.1f} |")
    lines += ["", "### Parsing SDMX-CSV: read_observations vs bare pyarrow.csv.read_csv (decompressed file)", "",
              "| scale | pyarrow (s) | ours (s) | ratio | pyarrow + to_pandas (s) | ours from .gz (s) | rows | tidy table MB | CSV MB | memory ratio |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for s, r in results["parsing_csv"].items():
        lines.append(f"| {s}x | {r['pyarrow_seconds']:.3f} | {r['ours_seconds']:.3f} | **{r['ratio_to_floor']:.2f}** | "
                     f"{r['pyarrow_to_pandas_seconds']:.3f} | {r['ours_from_gzip_seconds']:.3f} | {r['rows']:,} | {r['tidy_table_bytes'] / 1e6:.1f} | "
                     f"{r['csv_bytes'] / 1e6:.1f} | **{r['memory_ratio']:.2f}** |")
    lines += ["", "### Scale: raw -> observations -> rankings -> indicators, fresh process per size", "",
              "| scale | rows | raw (s) | read (s) | validate (s) | rankings (s) | indicators (s) | total (s) | peak RSS MB |",
              "|---|---|---|---|---|---|---|---|---|"]
    for s, r in results["scale"].items():
        sec = r["seconds"]
        lines.append(f"| {s}x | {r['rows']:,} | {sec['raw']:.3f} | {sec['read']:.3f} | {sec['validate']:.3f} | "
                     f"{sec['rankings']:.3f} | {sec['indicators']:.3f} | {r['total_seconds']:.3f} | {r['peak_rss_mb']:.0f} |")
    lines += ["", "| step | size ratio | raw | read | validate | rankings | indicators | total | peak RSS | linear (<= 1.3 x size ratio) |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    for g in results["growth"]:
        lines.append(f"| {g['from']}x -> {g['to']}x | {g['size_ratio']:.1f} | {g['raw_seconds']:.1f} | {g['read_seconds']:.1f} | "
                     f"{g['validate_seconds']:.1f} | {g['rankings_seconds']:.1f} | {g['indicators_seconds']:.1f} | "
                     f"{g['total_seconds']:.1f} | {g['peak_rss_mb']:.1f} | {'yes' if g['linear'] else 'NO'} |")
    e = results.get("end_to_end")
    if e:
        lines += ["", "### End to end (demo, edition %d)" % e["edition"], "",
                  "| figure | seconds |", "|---|---|",
                  f"| `python -m assets.cli demo` wall time (median of {e['runs']}) | **{e['demo_wall_seconds']:.1f}** |",
                  f"| same work without Dagster, whole process | {e['pipeline_process_seconds']:.1f} |",
                  f"| of which imports (pandas, pyarrow, pandera, matplotlib ...) | {e['pipeline_imports_seconds']:.1f} |",
                  f"| of which pipeline/ + schemas/ code | **{e['pipeline_work_seconds']:.1f}** |",
                  f"| Dagster itself (demo minus the plain process) | **{e['dagster_seconds']:.1f}** |", "",
                  f"Peak resident memory: demo {e['demo_peak_rss_mb']:.0f} MB (its largest process), the same work without Dagster "
                  f"{e['pipeline_peak_rss_mb']:.0f} MB.", "",
                  "| pipeline stage | seconds |", "|---|---|"]
        lines += [f"| {s} | {v:.2f} |" for s, v in e["pipeline_stage_seconds"].items()]
        first, second = e["incremental"]["first"], e["incremental"]["second"]
        lines += ["", "| in-process run | seconds | data bytes served | data requests | published | versions |",
                  "|---|---|---|---|---|---|",
                  f"| first | {first['seconds']:.1f} | {first['data_bytes_served']:,} | {first['data_requests']} | "
                  f"{first['published']} | {first['versions']} |",
                  f"| second, TOC unchanged | {second['seconds']:.1f} | **{second['data_bytes_served']:,}** | "
                  f"{second['data_requests']} | **{second['published']}** | {second['versions']} |"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeats", type=int, default=5, help="runs per figure (3 at the largest scale)")
    parser.add_argument("--edition", type=int, default=date.today().year)
    parser.add_argument("--skip-end-to-end", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    results: dict = {"machine": _machine(), "targets": TARGETS, "inputs": {}, "parsing_tsv": {},
                     "parsing_csv": {}, "scale": {}}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        for scale in args.scales:
            repeats = args.repeats if scale < 100 else min(args.repeats, 3)
            print(f"scale {scale}x: generating", flush=True)
            gen = generate(Path(tmp) / f"{scale}x", scale)
            results["inputs"][str(scale)] = {**gen.as_dict(), "tsv_gz_bytes": gen.tsv_gz.stat().st_size,
                                             "csv_gz_bytes": gen.csv_gz.stat().st_size}
            plain = Path(tmp) / f"{scale}x.csv"
            plain.write_bytes(gzip.decompress(gen.csv_gz.read_bytes()))
            print(f"scale {scale}x: parsing ({repeats} runs)", flush=True)
            results["parsing_tsv"][str(scale)] = parsing.tsv_against_eurostat(gen, repeats)
            results["parsing_csv"][str(scale)] = parsing.csv_against_pyarrow(gen, plain, repeats)
            plain.unlink()
            print(f"scale {scale}x: raw -> indicators ({repeats} processes)", flush=True)
            results["scale"][str(scale)] = _scale_runs(gen.root, Path(tmp) / f"work{scale}", repeats)
            shutil.rmtree(gen.root)
    results["growth"] = _growth(results["scale"], args.scales)
    if not args.skip_end_to_end:
        print("end to end: demo, the same without Dagster, incremental run", flush=True)
        results["end_to_end"] = _end_to_end(args.edition, min(args.repeats, 3))
    results["seconds"] = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(results, indent=2) + "\n")
    table = markdown(results)
    (args.out / "latest.md").write_text(table)
    print(table)
    print(f"written to {args.out}/latest.json and latest.md in {results['seconds']:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
