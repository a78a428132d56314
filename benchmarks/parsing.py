"""Parsing: read_observations against the `eurostat` package (TSV) and against a bare pyarrow read (SDMX-CSV).

Every comparison is measured in the same process and interleaved run by run, so that load from
other processes on the machine hits both sides alike; the figure kept is the median.
"""

from __future__ import annotations

import gc
import statistics
import time
from pathlib import Path

import pyarrow.csv as pacsv
import requests

from benchmarks.eurostat_package import RegistryMirror, pointed_at, record, served_from_memory
from benchmarks.generate import CODE, DIMENSIONS, Generated
from pipeline.eurostat import read_observations

TSV_URL = "/sdmx/2.1/data/{code}?format=TSV&compressed=true"


def _timed(fn) -> tuple[float, object]:
    gc.collect()
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def _median(times: list[float]) -> float:
    return statistics.median(times)


def tsv_against_eurostat(gen: Generated, repeats: int) -> dict:
    """The same gzip TSV: `eurostat.get_data_df(code, flags=True)` over loopback vs read_observations."""
    body = gen.tsv_gz.read_bytes()
    theirs, theirs_parse, ours_http, ours_parse = [], [], [], []
    with RegistryMirror(gen.root, DIMENSIONS) as mirror:
        recorded, base_url = record(mirror.base_url, CODE), mirror.base_url
    # the same URLs again, answered from memory: the package's parsing alone
    with pointed_at(base_url), served_from_memory(recorded) as package:
        for _ in range(repeats):
            theirs_parse.append(_timed(lambda: package.get_data_df(CODE, flags=True))[0])
    with RegistryMirror(gen.root, DIMENSIONS) as mirror, pointed_at(mirror.base_url) as package, \
            requests.Session() as session:
        url = mirror.base_url + TSV_URL.format(code=CODE)
        for _ in range(repeats):
            seconds, wide = _timed(lambda: package.get_data_df(CODE, flags=True))
            theirs.append(seconds)
            # ours, over the same loopback: one GET of the same bytes, then the reader
            seconds, tidy = _timed(lambda: read_observations(session.get(url).content, CODE))
            ours_http.append(seconds)
            seconds, _ = _timed(lambda: read_observations(body, CODE))
            ours_parse.append(seconds)
        served = mirror.bytes_served("/sdmx/2.1/data/")
    assert recorded[next(u for u in recorded if "/data/" in u)] == body
    assert served == len(body) * 2 * repeats, "both sides must have downloaded the same gzip bytes"
    flagged = int(tidy["obs_status"].notna().sum() + tidy["conf_status"].notna().sum())
    return {
        "gzip_bytes": len(body),
        "eurostat_seconds": _median(theirs),
        "ours_seconds": _median(ours_http),
        "ours_parse_only_seconds": _median(ours_parse),
        "speedup": _median(theirs) / _median(ours_http),
        "eurostat_parse_only_seconds": _median(theirs_parse),
        "speedup_parse_only": _median(theirs_parse) / _median(ours_parse),
        "eurostat_shape": list(wide.shape),
        "eurostat_table_mb": wide.memory_usage(deep=True).sum() / 1e6,
        "ours_rows": len(tidy),
        "ours_columns": list(tidy.columns),
        "ours_flagged_cells": flagged,
        "ours_table_mb": tidy.memory_usage(deep=True).sum() / 1e6,
        "runs": repeats,
    }


def csv_against_pyarrow(gen: Generated, plain_csv: Path, repeats: int) -> dict:
    """The decompressed SDMX-CSV file: read_observations vs a bare `pyarrow.csv.read_csv` (the floor)."""
    floor, floor_pandas, ours, ours_gzip = [], [], [], []
    for _ in range(repeats):
        seconds, _ = _timed(lambda: pacsv.read_csv(plain_csv))
        floor.append(seconds)
        # the same bare read handed to pandas: Python strings, what a naive reader would give
        seconds, _ = _timed(lambda: pacsv.read_csv(plain_csv).to_pandas())
        floor_pandas.append(seconds)
        seconds, tidy = _timed(lambda: read_observations(plain_csv, CODE))
        ours.append(seconds)
        seconds, _ = _timed(lambda: read_observations(gen.csv_gz, CODE))
        ours_gzip.append(seconds)
    csv_bytes = plain_csv.stat().st_size
    table_bytes = int(tidy.memory_usage(deep=True).sum())
    return {
        "csv_bytes": csv_bytes,
        "pyarrow_seconds": _median(floor),
        "pyarrow_to_pandas_seconds": _median(floor_pandas),
        "ours_seconds": _median(ours),
        "ours_from_gzip_seconds": _median(ours_gzip),
        "ratio_to_floor": _median(ours) / _median(floor),
        "rows": len(tidy),
        "tidy_table_bytes": table_bytes,
        "memory_ratio": table_bytes / csv_bytes,
        "runs": repeats,
    }
