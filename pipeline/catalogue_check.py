"""Check the indicator catalogue against Eurostat files on disk: which entries a real file confirms.

For every entry and code version, and every file of its dataset, the periods the file has a
value for are set beside the periods the catalogue declares:
- `confirmed`: the file has the series in exactly the declared periods of its time span;
- `consistent`: every period the file has is declared, but some declared period is absent
  (an excerpt, or a period not yet published);
- `contradicted`: the file has values in a period the catalogue does not assign to this code;
- `absent`: the file does not hold the series.

    python -m pipeline.catalogue_check ../shared/eurostat-samples   # a table per entry
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from pipeline.catalogue import Catalogue, load_catalogue
from pipeline.errors import PipelineError
from pipeline.eurostat import read_observations
from pipeline.series import periods_of, variant_rows

DATA_SUFFIXES = (".csv", ".tsv", ".csv.gz", ".tsv.gz")


@dataclass(frozen=True)
class Finding:
    indicator_id: str
    version: str | None
    series: str
    file: str
    declared: tuple[int, ...]  # within the file's time span
    present: tuple[int, ...]
    verdict: str


def check(catalogue: Catalogue, files: Mapping[str, Iterable[tuple[str, pd.DataFrame]]]) -> list[Finding]:
    """Findings for every (entry, version, file) of the datasets that have files."""
    out = []
    for dataset, named in files.items():
        sub = [s.id for s in catalogue.indicators if s.dataset == dataset]
        if not sub:
            continue
        for name, df in named:
            years = periods_of(df["time_period"], f"{dataset} file {name}")
            span = (int(years.min()), int(years.max())) if len(years) else (0, -1)
            for spec, variant, rows in variant_rows(catalogue.select(sub), {dataset: df}):
                with_value = rows.loc[rows["value"].notna()]
                present = tuple(sorted(int(p) for p in periods_of(with_value["time_period"], name).unique()))
                declared = tuple(p for p in range(span[0], span[1] + 1) if spec.variant_for(p) == variant)
                if not present:
                    verdict = "absent"
                elif set(present) - set(declared):
                    verdict = "contradicted"
                elif set(declared) - set(present):
                    verdict = "consistent"
                else:
                    verdict = "confirmed"
                series = variant.key(tuple(d for d in df.columns if d in variant.series))
                out.append(Finding(spec.id, variant.label, series, name, declared, present, verdict))
    return out


def read_dataset_files(root: Path, datasets: Iterable[str]) -> dict[str, list[tuple[str, pd.DataFrame]]]:
    """Every Eurostat data file under `root/<dataset>/` for the given datasets (SOURCES.md layout)."""
    out: dict[str, list[tuple[str, pd.DataFrame]]] = {}
    for dataset in sorted(datasets):
        folder = root / dataset
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.name.endswith(DATA_SUFFIXES):
                out.setdefault(dataset, []).append((f"{dataset}/{path.name}", read_observations(path, dataset=dataset)))
    return out


def summary(catalogue: Catalogue, findings: list[Finding]) -> pd.DataFrame:
    """One row per entry and code version: the strongest verdict a file gives it
    (contradicted > confirmed > consistent > absent; "no real file" when its dataset has none)."""
    rank = {"contradicted": 0, "confirmed": 1, "consistent": 2, "absent": 3}
    rows = []
    for spec in catalogue.indicators:
        for variant in spec.variants:
            mine = [f for f in findings if f.indicator_id == spec.id and f.version == variant.label]
            best = min(mine, key=lambda f: rank[f.verdict], default=None)
            rows.append({"indicator_id": spec.id, "version": variant.label or "", "dataset": spec.dataset,
                         "verdict": best.verdict if best else "no real file",
                         "file": best.file if best and best.verdict != "absent" else "",
                         "present": ", ".join(map(str, best.present)) if best else ""})
    return pd.DataFrame(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.catalogue_check", description=__doc__.split("\n")[0])
    parser.add_argument("samples", type=Path, help="folder with one sub-folder of Eurostat files per dataset")
    parser.add_argument("--catalogue", type=Path, default=None)
    args = parser.parse_args(argv)
    try:
        catalogue = load_catalogue(args.catalogue)
        findings = check(catalogue, read_dataset_files(args.samples, catalogue.datasets))
    except PipelineError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    with pd.option_context("display.max_rows", None, "display.width", 200, "display.max_colwidth", 60):
        print(summary(catalogue, findings).to_string(index=False))
    bad = [f for f in findings if f.verdict == "contradicted"]
    for f in bad:
        print(f"contradicted: {f.indicator_id} {f.version or ''} {f.file}: values in {f.present}, "
              f"declared {f.declared}", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
