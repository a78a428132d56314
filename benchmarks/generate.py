"""Synthetic isoc-shaped Eurostat datasets at a multiple of isoc_eb_ai's size, in Eurostat's TSV and SDMX-CSV.

Shape of `isoc_eb_ai`: freq, size_emp, nace_r2, indic_is, unit, geo (5 dimensions + geo), 22
survey years (2004-2025), 37 geos. Scale 1 is 70 series per geo x 37 geos x 22 years = 56,980
cells, the size of isoc_eb_ai (57,000 values); scale 10 and 100 add NACE sections and indicators.
About 30% of cells are ':' (a sixth of them confidential, ': c', a sixth ': u'), about 10% carry
flags (b, e, p, u, bu, ep, d). The numbers are random: only the layout is Eurostat's.

The wide TSV is dense (a missing cell is printed ': '); the SDMX-CSV, like Eurostat's, leaves out
cells that have neither a value nor a flag. Written as a mirror directory that
`pipeline.eurostat.mirror.MirrorServer` serves: `data/<code>.tsv.gz`, `data/<code>.sdmx.csv.gz`,
`toc_en.txt`. CLI: `python -m benchmarks.generate <dir> --scale 10`.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.geo import EU27

CODE = "isoc_eb_ai"
BASE_VALUES = 57_000
YEARS = tuple(range(2004, 2026))
LAST_UPDATE = "27/02/26 11:00:00"
TOC_DATE = "27.02.2026"
DIMENSIONS = ("freq", "size_emp", "nace_r2", "indic_is", "unit", "geo")
GEOS = tuple(sorted(EU27)) + ("EU27_2020", "EA20", "NO", "IS", "RS", "TR", "ME", "MK", "AL", "BA")
SIZES = ("10-249", "10-49", "50-249", "GE10", "GE250")
UNITS = ("PC_ENT", "PC_ENT_AI_TANY")
NACE = ("C10-S951_X_K", "C10-C33", "D35-E39", "F41-F43", "G45-G47", "H49-H53", "I55-I56", "J58-J63",
        "L68", "M69-M74")
INDICATORS = ("E_AI_TANY", "E_AI_TTM", "E_AI_TSR", "E_AI_TNLG", "E_AI_TIR", "E_AI_TML", "E_AI_TPA")
VALUE_FLAGS = ("b", "e", "p", "u", "bu", "ep", "d")
SHARE_MISSING = 0.30
SHARE_FLAGGED = 0.10
_STATE_VALUE, _STATE_FLAGGED, _STATE_EMPTY, _STATE_CONFIDENTIAL, _STATE_EMPTY_U = range(5)


@dataclass(frozen=True)
class Generated:
    """What was written for one scale."""

    scale: int
    root: Path
    tsv_gz: Path
    csv_gz: Path
    series: int
    cells: int  # series x years: the TSV's cells, the size comparable to isoc_eb_ai's 57,000
    csv_rows: int  # observations in the SDMX-CSV (cells with a value or a flag)
    tsv_bytes: int  # decompressed
    csv_bytes: int  # decompressed

    def as_dict(self) -> dict:
        return {k: str(v) if isinstance(v, Path) else v for k, v in self.__dict__.items()}


def codes(scale: int) -> dict[str, tuple[str, ...]]:
    """Codes of each dimension: 70 x scale series per geo (more NACE sections, then more indicators)."""
    if scale < 1 or (scale > 1 and scale % 10):
        raise ValueError(f"scale must be 1 or a multiple of 10, not {scale}")
    n_nace = 1 if scale == 1 else 10
    n_indic = 7 * scale // n_nace
    extra = tuple(f"E_AI_X{i:03d}" for i in range(1, n_indic - len(INDICATORS) + 1))
    return {
        "freq": ("A",),
        "size_emp": SIZES,
        "nace_r2": NACE[:n_nace],
        "indic_is": tuple(sorted((INDICATORS + extra)[:n_indic])),
        "unit": UNITS,
        "geo": tuple(sorted(GEOS)),
    }


def _cells(n_series: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per cell: its state, its value (0-100, 2 decimals) and the index of its flag."""
    rng = np.random.default_rng(seed)
    shape = (n_series, len(YEARS))
    u = rng.random(shape)
    state = np.full(shape, _STATE_VALUE, dtype=np.int8)
    state[u < SHARE_MISSING + SHARE_FLAGGED] = _STATE_FLAGGED
    state[u < SHARE_MISSING] = _STATE_EMPTY
    state[u < SHARE_MISSING / 3] = _STATE_EMPTY_U
    state[u < SHARE_MISSING / 6] = _STATE_CONFIDENTIAL
    values = np.round(rng.random(shape) * 100, 2)
    flags = rng.integers(0, len(VALUE_FLAGS), shape)
    return state, values, flags


def _texts(state: np.ndarray, values: np.ndarray, flags: np.ndarray):
    """Printed value and flag of every cell (flattened, series-major)."""
    printed = np.array([f"{v:.2f}" for v in values.ravel().tolist()], dtype=object)
    flag = np.array(VALUE_FLAGS, dtype=object)[flags.ravel()]
    state = state.ravel()
    value_text = np.where(np.isin(state, (_STATE_VALUE, _STATE_FLAGGED)), printed, "")
    flag_text = np.where(state == _STATE_FLAGGED, flag, "")
    flag_text = np.where(state == _STATE_EMPTY_U, "u", flag_text)
    conf_text = np.where(state == _STATE_CONFIDENTIAL, "C", "")
    return state, value_text, flag_text, conf_text


def _tsv(keys: list[str], state, value_text, flag_text, conf_text) -> bytes:
    n_years = len(YEARS)
    # Eurostat's cell: 'value flags', ': flags' or ': ', always with the space; old-style 'c' for confidential
    cells = np.where(value_text == "", ":", value_text) + " " + flag_text + np.char.lower(conf_text.astype(str)).astype(object)
    header = ",".join(DIMENSIONS[:-1]) + ",geo\\TIME_PERIOD\t" + "\t".join(f"{y} " for y in YEARS)
    lines = [header]
    for i, key in enumerate(keys):
        lines.append(key + "\t" + "\t".join(cells[i * n_years:(i + 1) * n_years].tolist()))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _sdmx_csv(keys: list[str], state, value_text, flag_text, conf_text) -> tuple[bytes, int]:
    n_years = len(YEARS)
    prefix = f"ESTAT:{CODE.upper()}(1.0),{LAST_UPDATE},"
    header = ["DATAFLOW", "LAST UPDATE", *DIMENSIONS, "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG", "CONF_STATUS"]
    lines = [",".join(header)]
    kept = state != _STATE_EMPTY
    years = [str(y) for y in YEARS]
    value_list, flag_list, conf_list, kept_list = (value_text.tolist(), flag_text.tolist(),
                                                   conf_text.tolist(), kept.tolist())
    for i, key in enumerate(keys):
        start = prefix + key + ","
        base = i * n_years
        for j in range(n_years):
            k = base + j
            if kept_list[k]:
                lines.append(f"{start}{years[j]},{value_list[k]},{flag_list[k]},{conf_list[k]}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8"), len(lines) - 1


def _toc(cells: int) -> bytes:
    """A one-dataset Eurostat TOC txt (quoted tab-separated fields, `values` unquoted)."""
    def quoted(*fields: str) -> str:
        return "\t".join(f'"{f}"' for f in fields)

    lines = [
        quoted("title", "code", "type", "last update of data", "last table structure change",
               "data start", "data end", "values"),
        quoted("Database by themes", "data", "folder", " ", " ", " ", " ") + "\t",
        quoted("    Artificial intelligence by size class of enterprise (synthetic benchmark data)", CODE,
               "dataset", TOC_DATE, TOC_DATE, str(YEARS[0]), str(YEARS[-1])) + f"\t{cells}",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def generate(root: str | Path, scale: int, *, seed: int = 7) -> Generated:
    """Write the mirror directory for one scale under `root` (overwriting it)."""
    root = Path(root)
    (root / "data").mkdir(parents=True, exist_ok=True)
    dims = codes(scale)
    keys = [",".join(combo) for combo in itertools.product(*(dims[d] for d in DIMENSIONS))]
    texts = _texts(*_cells(len(keys), seed))
    tsv = _tsv(keys, *texts)
    csv, csv_rows = _sdmx_csv(keys, *texts)
    tsv_gz, csv_gz = root / "data" / f"{CODE}.tsv.gz", root / "data" / f"{CODE}.sdmx.csv.gz"
    # level 6 and mtime 0: what Eurostat's gzip looks like, and the same bytes for the same data
    tsv_gz.write_bytes(gzip.compress(tsv, compresslevel=6, mtime=0))
    csv_gz.write_bytes(gzip.compress(csv, compresslevel=6, mtime=0))
    (root / "toc_en.txt").write_bytes(_toc(len(keys) * len(YEARS)))
    return Generated(scale, root, tsv_gz, csv_gz, len(keys), len(keys) * len(YEARS), csv_rows, len(tsv), len(csv))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.generate", description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--scale", type=int, default=1)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    print(json.dumps(generate(args.root, args.scale, seed=args.seed).as_dict(), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
