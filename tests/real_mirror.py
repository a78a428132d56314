"""A Eurostat mirror shaped like the real data: real Eurostat rows completed with synthetic rows.

`write_real_mirror(samples_dir, root)` writes a mirror directory in the layout of
`pipeline.sample.write_sample_mirror` (`toc_en.txt`, `data/<code>.sdmx.csv.gz`,
`data/<code>.tsv.gz`, `SAMPLE.md`), so `pipeline.eurostat.mirror.MirrorServer(root)` serves it as
the Eurostat API. Run `python -m tests.real_mirror <root> [--serve]` to write it (and serve it on
loopback, printing the base URL for `EUROSTAT_BASE_URL=<url> make run EDITION=2026`).

Which rows are real (the files of ../shared/eurostat-samples, see its SOURCES.md):
- isoc_eb_ai: `EXCERPT_isoc_eb_ai_sdmx_E_AI_TANY_PC_ENT.csv`,
  `EXCERPT_isoc_eb_ai_sdmx_GE10_purposes_barriers_tech.csv` (SDMX-CSV 1.0, LAST UPDATE
  27/02/26 11:00:00) and `isoc_eb_ai.csv` (data-browser SDMX-CSV 2.0 with labels);
- isoc_e_dii: `EXCERPT_isoc_e_dii_sdmx_GE10_10-249_GELO.csv` (1.0) and `isoc_e_dii.csv` (2.0);
- isoc_ec_evals: `EXCERPT_isoc_ec_evals_sdmx_E_ETURN_PC_TURN_GE10.csv` and
  `EXCERPT_isoc_ec_evals_sdmx_GE10_E_AXSVAL_PC_ETURN.csv` (1.0);
- isoc_cicce_use and isoc_eb_das, when the catalogue reads them: their 1.0 excerpts
  `EXCERPT_isoc_cicce_use_sdmx_GE10_10-249_E_CC.csv`, `EXCERPT_isoc_eb_das_sdmx_GE10_10-249_E_DA.csv`.
Every row of these files is written, converted to Eurostat's SDMX-CSV 1.0 (DATAFLOW
`ESTAT:<CODE>(1.0)`, LAST UPDATE of the dataset's 1.0 excerpts, CRLF). The older isoc_e_dii
vintages (`isoc_e_dii_2015_2023_by_size.csv`, `..._smes.csv`, `estat_isoc_e_dii.tsv`, early 2024)
are left out: they are not the data of 27/02/2026. When two files hold the same observation key
(series + geo + TIME_PERIOD) they must agree on value (numerically), flag and confidentiality,
or `write_real_mirror` raises `ValueError`; the 1.0 excerpt's text is the one written.

Which rows are synthetic (`write_sample_mirror(..., last_year=2025)`, whose code/period pattern
follows the catalogue), for the three datasets above: a sample row is added only when
1. no real row has its observation key (series + geo + period), and
2. its non-geo series key appears in no real file (e.g. the AI barriers in PC_ENT_AI_EC that the
   excerpts do not hold: "where no real row exists"), or its period is one the real files have
   for that series key (any geo): a series the real files show for 2021, 2023 and 2025 gets no
   synthetic 2024.
The other datasets of the catalogue (isoc_ai_iaiu, isoc_ec_ib20, isoc_ec_ibgs, isoc_ec_iprb21, ...:
no real SDMX-CSV file exists) are the sample's files unchanged. `SAMPLE.md` counts real and synthetic rows
per dataset and series. The TOC is the sample's, with each real dataset's data start, data end
and number of values set to what the merged file holds; every last update is 27.02.2026, the
real files' LAST UPDATE.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import shutil
import sys
import tempfile
import threading
from collections import Counter, defaultdict
from datetime import datetime
from pathlib import Path

from pipeline.datasets import DATASETS
from pipeline.sample import write_sample_mirror

LAST_YEAR = 2025
REAL_LAST_UPDATE = datetime(2026, 2, 27, 11, 0, 0)  # LAST UPDATE 27/02/26 11:00:00 of the 1.0 excerpts
REAL_FILES: dict[str, tuple[str, ...]] = {  # SDMX-CSV 1.0 excerpts first: their text wins
    "isoc_eb_ai": ("isoc_eb_ai/EXCERPT_isoc_eb_ai_sdmx_E_AI_TANY_PC_ENT.csv",
                   "isoc_eb_ai/EXCERPT_isoc_eb_ai_sdmx_GE10_purposes_barriers_tech.csv",
                   "isoc_eb_ai/isoc_eb_ai.csv"),
    "isoc_e_dii": ("isoc_e_dii/EXCERPT_isoc_e_dii_sdmx_GE10_10-249_GELO.csv",
                   "isoc_e_dii/isoc_e_dii.csv"),
    "isoc_ec_evals": ("isoc_ec_evals/EXCERPT_isoc_ec_evals_sdmx_E_ETURN_PC_TURN_GE10.csv",
                      "isoc_ec_evals/EXCERPT_isoc_ec_evals_sdmx_GE10_E_AXSVAL_PC_ETURN.csv"),
    # used only while the catalogue reads these datasets (the sample writes a dataset per catalogue dataset)
    "isoc_cicce_use": ("isoc_cicce_use/EXCERPT_isoc_cicce_use_sdmx_GE10_10-249_E_CC.csv",),
    "isoc_eb_das": ("isoc_eb_das/EXCERPT_isoc_eb_das_sdmx_GE10_10-249_E_DA.csv",),
}
MEASURES = ("OBS_VALUE", "OBS_FLAG", "CONF_STATUS")

Key = tuple[str, ...]  # DSD dimensions (geo included) + TIME_PERIOD
Cell = tuple[str, str, str]  # OBS_VALUE, OBS_FLAG, CONF_STATUS as printed


def _header(code: str) -> list[str]:
    return ["DATAFLOW", "LAST UPDATE", *DATASETS[code].dimensions, "TIME_PERIOD", *MEASURES]


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


def read_real_rows(samples_dir: str | Path, code: str) -> tuple[dict[Key, Cell], str, dict[str, int]]:
    """(observation key -> cell, LAST UPDATE of the 1.0 excerpts, rows per file) of one dataset's real files."""
    samples_dir = Path(samples_dir)
    dims = DATASETS[code].dimensions
    rows: dict[Key, Cell] = {}
    origin: dict[Key, str] = {}
    per_file: dict[str, int] = {}
    last_updates: set[str] = set()
    for name in REAL_FILES[code]:
        path = samples_dir / name
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames or []
            sdmx_1 = fields[:2] == ["DATAFLOW", "LAST UPDATE"]
            if sdmx_1 and fields != _header(code):
                raise ValueError(f"{path}: header {fields} is not Eurostat's SDMX-CSV 1.0 of {code}")
            if not sdmx_1 and (fields[:3] != ["STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME"]
                               or not set(dims) | {"TIME_PERIOD", *MEASURES} <= set(fields)):
                raise ValueError(f"{path}: neither SDMX-CSV 1.0 nor the data browser's SDMX-CSV 2.0 of {code}")
            count = 0
            for line, row in enumerate(reader, start=2):
                if sdmx_1:
                    if row["DATAFLOW"] != f"ESTAT:{code.upper()}(1.0)":
                        raise ValueError(f"{path}:{line}: DATAFLOW {row['DATAFLOW']!r} is not {code}'s")
                    last_updates.add(row["LAST UPDATE"])
                elif not row["STRUCTURE_ID"].startswith(f"ESTAT:{code.upper()}"):
                    raise ValueError(f"{path}:{line}: STRUCTURE_ID {row['STRUCTURE_ID']!r} is not {code}'s")
                key = tuple(row[d] for d in dims) + (row["TIME_PERIOD"],)
                cell = tuple(row[m] or "" for m in MEASURES)
                count += 1
                if key in rows:
                    old = rows[key]
                    if (_number(old[0]), old[1], old[2]) != (_number(cell[0]), cell[1], cell[2]):
                        raise ValueError(
                            f"{code}: the real files disagree on {'.'.join(key)}: {origin[key]} has {old}, "
                            f"{name} has {cell}")
                    continue  # the same observation: the first file's text (a 1.0 excerpt) is kept
                rows[key], origin[key] = cell, name
            per_file[name] = count
    if len(last_updates) != 1:
        raise ValueError(f"{code}: the SDMX-CSV 1.0 excerpts should share one LAST UPDATE, "
                         f"found {sorted(last_updates)}")
    return rows, last_updates.pop(), per_file


def _read_sample(path: Path, code: str) -> tuple[dict[Key, Cell], str]:
    text = gzip.decompress(path.read_bytes()).decode("utf-8")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames != _header(code):
        raise ValueError(f"{path}: the sample's header {reader.fieldnames} is not SDMX-CSV 1.0 of {code}")
    dims = DATASETS[code].dimensions
    rows, stamps = {}, set()
    for row in reader:
        rows[tuple(row[d] for d in dims) + (row["TIME_PERIOD"],)] = tuple(row[m] or "" for m in MEASURES)
        stamps.add(row["LAST UPDATE"])
    (stamp,) = stamps
    return rows, stamp


def _sdmx_csv(code: str, rows: dict[Key, Cell], last_update: str) -> bytes:
    prefix = f"ESTAT:{code.upper()}(1.0),{last_update},"
    lines = [",".join(_header(code))]
    for key in sorted(rows, key=lambda k: (k[:-1], int(k[-1]))):
        lines.append(prefix + ",".join(key + rows[key]))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _tsv(code: str, rows: dict[Key, Cell]) -> bytes:
    """Eurostat's TSV: one line per series, a column per year, `value flag` cells, `: ` when left out."""
    years = sorted({int(k[-1]) for k in rows})
    series: dict[Key, dict[int, Cell]] = defaultdict(dict)
    for key, cell in rows.items():
        series[key[:-1]][int(key[-1])] = cell
    lines = [",".join(DATASETS[code].dimensions) + "\\TIME_PERIOD\t" + "\t".join(f"{y} " for y in years)]
    for key in sorted(series):
        cells = series[key]
        shown = {y: f"{v or ':'} {flag}{conf.lower()}" for y, (v, flag, conf) in cells.items()}
        lines.append(",".join(key) + "\t" + "\t".join(shown.get(y, ": ") for y in years))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def _patch_toc(toc: bytes, spans: dict[str, tuple[int, int, int]], day: str) -> bytes:
    """The sample's TOC with each real dataset's data start, data end and values set; its last update checked."""
    out, seen = [], set()
    for line in toc.decode("utf-8").split("\n"):
        fields = line.split("\t")
        code = fields[1].strip('"') if len(fields) == 8 else None
        if code in spans:
            if fields[3] != f'"{day}"':
                raise ValueError(f"toc_en.txt: {code} has last update {fields[3]}, the real files {day}")
            start, end, values = spans[code]
            fields[5:8] = [f'"{start}"', f'"{end}"', str(values)]
            seen.add(code)
        out.append("\t".join(fields))
    missing = sorted(set(spans) - seen)
    if missing:
        raise ValueError(f"toc_en.txt of the sample has no line for {missing}")
    return "\n".join(out).encode("utf-8")


def write_real_mirror(samples_dir: str | Path, root: str | Path) -> dict:
    """Write the real-shaped mirror under `root` (see the module docstring); returns what was written."""
    samples_dir, root = Path(samples_dir), Path(root)
    (root / "data").mkdir(parents=True, exist_ok=True)
    if any(DATASETS[code].dimensions[-1] != "geo" for code in REAL_FILES if code in DATASETS):
        raise ValueError("the mirror takes geo to be the last dimension of every dataset")
    summary: dict = {"source": "real Eurostat rows completed with synthetic rows", "root": str(root),
                     "samples_dir": str(samples_dir), "last_year": LAST_YEAR,
                     "last_update": REAL_LAST_UPDATE.isoformat(), "datasets": {}}
    with tempfile.TemporaryDirectory(prefix="sample-for-real-mirror-") as tmp:
        sample_root = Path(tmp)
        sample = write_sample_mirror(sample_root, last_year=LAST_YEAR, last_update=REAL_LAST_UPDATE)
        spans: dict[str, tuple[int, int, int]] = {}
        for code in sorted(sample["datasets"]):
            csv_path, tsv_path = root / "data" / f"{code}.sdmx.csv.gz", root / "data" / f"{code}.tsv.gz"
            if code not in REAL_FILES:
                shutil.copyfile(sample_root / "data" / csv_path.name, csv_path)
                shutil.copyfile(sample_root / "data" / tsv_path.name, tsv_path)
                info = sample["datasets"][code]
                summary["datasets"][code] = {
                    "origin": "synthetic", "real_rows": 0, "synthetic_rows": info["rows"], "rows": info["rows"],
                    "first_year": info["first_year"], "last_year": info["last_year"],
                    "path": str(csv_path), "tsv_path": str(tsv_path)}
                continue
            real, last_update, per_file = read_real_rows(samples_dir, code)
            synthetic, sample_stamp = _read_sample(sample_root / "data" / csv_path.name, code)
            if sample_stamp != last_update:
                raise ValueError(f"{code}: sample LAST UPDATE {sample_stamp} is not the real files' {last_update}")
            real_periods: dict[Key, set[str]] = defaultdict(set)
            for key in real:
                real_periods[key[:-2]].add(key[-1])  # non-geo series key (geo is the last dimension)
            merged = dict(real)
            added, under_real, outside = Counter(), 0, 0
            for key, cell in synthetic.items():
                series = key[:-2]
                if key in real:
                    under_real += 1
                elif series in real_periods and key[-1] not in real_periods[series]:
                    outside += 1
                else:
                    merged[key] = cell
                    added[series] += 1
            real_by_series = Counter(key[:-2] for key in real)
            years = sorted({int(k[-1]) for k in merged})
            csv_path.write_bytes(_gzip(_sdmx_csv(code, merged, last_update)))
            tsv_path.write_bytes(_gzip(_tsv(code, merged)))
            spans[code] = (years[0], years[-1], len(merged))
            summary["datasets"][code] = {
                "origin": "real+synthetic", "real_rows": len(real), "synthetic_rows": sum(added.values()),
                "rows": len(merged), "real_files": per_file,
                "synthetic_dropped_real_key": under_real, "synthetic_dropped_period": outside,
                "first_year": years[0], "last_year": years[-1], "last_update": last_update,
                "series": {".".join(s): {"real": real_by_series[s], "synthetic": added[s]}
                           for s in sorted(set(real_by_series) | set(added))},
                "path": str(csv_path), "tsv_path": str(tsv_path)}
        day = REAL_LAST_UPDATE.strftime("%d.%m.%Y")
        toc = _patch_toc((sample_root / "toc_en.txt").read_bytes(), spans, day)
    (root / "toc_en.txt").write_bytes(toc)
    summary["toc"] = str(root / "toc_en.txt")
    (root / "SAMPLE.md").write_text(_readme(summary), encoding="utf-8")
    return summary


def _readme(summary: dict) -> str:
    out = [
        "# Real Eurostat rows completed with synthetic rows - NOT a copy of Eurostat",
        "",
        f"Written by `tests.real_mirror.write_real_mirror` from {summary['samples_dir']} (LAST UPDATE "
        f"{REAL_LAST_UPDATE:%d/%m/%y %H:%M:%S}). Served by `pipeline.eurostat.mirror.MirrorServer` as the "
        "Eurostat API. A real row is one copied from the real Eurostat files listed below; every other row is "
        "SYNTHETIC (made up by `pipeline.sample`, seed 2026, last year 2025) and must not be quoted. A synthetic "
        "row is only present where no real row has its observation key and, for a series the real files hold, "
        "only in the periods the real files have for that series.",
        "",
        "| dataset | origin | real rows | synthetic rows | synthetic left out (real key / period) |",
        "|---|---|---:|---:|---|",
    ]
    for code, info in summary["datasets"].items():
        dropped = (f"{info['synthetic_dropped_real_key']} / {info['synthetic_dropped_period']}"
                   if info["origin"] != "synthetic" else "-")
        out.append(f"| {code} | {info['origin']} | {info['real_rows']} | {info['synthetic_rows']} | {dropped} |")
    for code, info in summary["datasets"].items():
        if info["origin"] == "synthetic":
            continue
        files = ", ".join(f"`{n}` ({c} rows)" for n, c in info["real_files"].items())
        out += ["", f"## {code}", "", f"Real files: {files}",
                "", "| series | real rows | synthetic rows |", "|---|---:|---:|"]
        out += [f"| {s} | {c['real']} | {c['synthetic']} |" for s, c in info["series"].items()]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    """`python -m tests.real_mirror <root> [--serve] [--samples-dir DIR]`."""
    from tests.conftest import SAMPLES

    parser = argparse.ArgumentParser(prog="python -m tests.real_mirror", description=__doc__.split("\n")[0])
    parser.add_argument("root", type=Path, help="directory to write the mirror into")
    parser.add_argument("--samples-dir", type=Path, default=SAMPLES, help=f"the real files (default {SAMPLES})")
    parser.add_argument("--serve", action="store_true", help="serve it on loopback until interrupted")
    args = parser.parse_args(argv)
    if not (args.samples_dir / "SOURCES.md").is_file():
        print(f"error: no real Eurostat samples at {args.samples_dir} (--samples-dir)", file=sys.stderr)
        return 2
    summary = write_real_mirror(args.samples_dir, args.root)
    counts = {c: {k: i[k] for k in ("origin", "real_rows", "synthetic_rows")} for c, i in summary["datasets"].items()}
    print(json.dumps(counts, indent=2), flush=True)
    if not args.serve:
        return 0
    from pipeline.eurostat.mirror import MirrorServer

    with MirrorServer(args.root) as mirror:
        print(f"serving {args.root} (real Eurostat rows completed with synthetic rows) at {mirror.base_url}\n"
              f"  EUROSTAT_BASE_URL={mirror.base_url} make run EDITION=2026", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
