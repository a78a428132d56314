"""SYNTHETIC SAMPLE - not Eurostat data: an offline Eurostat mirror with plausible, made-up figures.

`write_sample_mirror` writes, for every dataset of `pipeline.datasets.DATASETS`, the files a
loopback server serves as the Eurostat API (see the mirror layout in the project notes):
`toc_en.txt`, `data/<code>.sdmx.csv.gz` (SDMX-CSV 1.0) and `data/<code>.tsv.gz` (TSV), in
Eurostat's exact formats, plus a `SAMPLE.md` saying the numbers are synthetic, and
`codelist/<ID>.xml` (SDMX-ML 2.1) whose labels are synthetic too (`pipeline/sample_codelists.py`).

How the figures are made (deterministic for a given seed):
- each country has a latent digital propensity, so ranks are stable-ish across indicators;
- shares trend upward over the years; size classes are ordered GE250 > 50-249 > 10-49;
- sub-shares (a technology, web sales, a purchase category) are parts of their parent share,
  and the "% of a sub-population" units (PC_ENT_AI_TANY, PC_ETURN, PC_IND_BUY3) are the part
  divided by the parent; PC_IND_ILT12 / PC_IND_IU3 are shares among internet users;
- `EU27_2020` is the mean of the 27 members' printed values, `EA20` of the 20 euro members';
- which code exists in which year follows the catalogue (`periods`, `versions`): the AI module's
  years, E_DI3_* in odd and E_DI4_* in even years, codes that start or stop;
- every EU member has a non-confidential value in each series' newest year; confidential
  cells, flags (b, p, e, u, bu), empty flagged cells and left-out observations sit on earlier
  years, on non-members and (more often) on non-headline breakdowns;
- exact ties among members in `last_year` (for ranking tests), listed in `TIES`:
  isoc_eb_ai A.GE10.C10-S951_X_K.E_AI_TANY.PC_ENT: BE = NL and CZ = PT.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime
from pathlib import Path

import numpy as np

from pipeline.catalogue import Catalogue, load_catalogue
from pipeline.datasets import DATASETS, DatasetSpec
from pipeline.geo import EU27, EU27_AGGREGATE
from pipeline.sample_codelists import sample_codelists
from pipeline.sample_formats import _Table, _gzip, _sdmx_csv, _toc, _tsv
from pipeline.sample_shapes import _BREAKDOWN_OFFSET, _FLAGS, _HEADLINE_BREAKDOWNS, _Shape, _shape

SYNTHETIC_NOTICE = "SYNTHETIC SAMPLE - not Eurostat data"

EA20: frozenset[str] = frozenset(
    "AT BE CY DE EE EL ES FI FR HR IE IT LT LU LV MT NL PT SI SK".split()
)
NON_MEMBERS: tuple[str, ...] = ("NO", "IS", "RS", "TR", "MK", "BA", "AL", "ME")
MEMBERS: tuple[str, ...] = tuple(sorted(EU27))
COUNTRIES: tuple[str, ...] = MEMBERS + NON_MEMBERS
AGGREGATES: tuple[str, ...] = (EU27_AGGREGATE, "EA20")

# (dataset, non-geo key in DSD order, geos that share one value in last_year)
TIES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("isoc_eb_ai", ("A", "GE10", "C10-S951_X_K", "E_AI_TANY", "PC_ENT"), ("BE", "NL")),
    ("isoc_eb_ai", ("A", "GE10", "C10-S951_X_K", "E_AI_TANY", "PC_ENT"), ("CZ", "PT")),
)

# A rough prior of digital propensity (in standard deviations) so the ranking looks familiar.
_PROPENSITY_HINT = {
    "DK": 1.5, "FI": 1.4, "SE": 1.3, "NL": 1.2, "IE": 1.0, "BE": 0.8, "LU": 0.8, "MT": 0.7,
    "AT": 0.6, "DE": 0.5, "EE": 0.5, "SI": 0.3, "FR": 0.1, "CZ": 0.0, "ES": 0.0, "LT": 0.0,
    "HR": -0.1, "PT": -0.1, "IT": -0.2, "CY": -0.3, "LV": -0.4, "SK": -0.5, "HU": -0.6,
    "PL": -0.7, "EL": -0.9, "BG": -1.3, "RO": -1.5,
    "NO": 1.3, "IS": 1.1, "RS": -0.8, "TR": -1.0, "MK": -1.1, "BA": -1.3, "AL": -1.4, "ME": -0.9,
}
_SMALL_MEMBERS = frozenset("CY EE LU LV LT MT SI".split())
def _logit(p):
    return np.log(p / (1 - p))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


class _Generator:
    """Draws one dataset's values and cell states from a seeded numpy generator."""

    def __init__(self, code: str, years: list[int], propensity: np.ndarray, seed: int, shape: _Shape):
        self.code = code
        self.spec: DatasetSpec = DATASETS[code]
        self.model = shape.model
        self.years = np.array(years)
        self.breakdowns = list(shape.breakdowns)
        self.z = propensity
        # a per-dataset stream: adding a dataset never changes another one's numbers
        self.rng = np.random.default_rng([seed, *code.encode()])
        self.shape = (len(self.breakdowns), len(COUNTRIES), len(years))
        self.offset = np.array([_BREAKDOWN_OFFSET.get(b, 0.0) for b in self.breakdowns])[:, None, None]
        self.trend = (self.years - self.years[-1])[None, None, :]
        # year-by-country noise shared by all breakdowns keeps size classes in order
        self.country_year = self.rng.normal(0, 0.1, (1, len(COUNTRIES), len(years)))

    def _top(self, base: float) -> np.ndarray:
        spread = 0.7
        logit = (
            _logit(base / 100) + spread * self.z[None, :, None] + self.offset
            + self.model.slope * self.trend + self.country_year
            + self.rng.normal(0, 0.15, (1, len(COUNTRIES), 1))
            + self.rng.normal(0, 0.04, self.shape)
        )
        return 100 * _sigmoid(logit)

    def _fraction(self, base: float) -> np.ndarray:
        logit = (
            _logit(base) + 0.2 * self.z[None, :, None] + 0.3 * self.offset
            + self.rng.normal(0, 0.2, (1, len(COUNTRIES), 1))
            + self.rng.normal(0, 0.05, self.shape)
        )
        return _sigmoid(logit)

    def values(self) -> dict[str, np.ndarray]:
        """True (unrounded) values per indic_is, shape (breakdown, country, year), whole population."""
        shares: dict[str, np.ndarray] = {"_ALL": np.full(self.shape, 100.0)}
        for indic, share in self.model.shares.items():  # parents are listed before their parts
            if share.parent is None:
                shares[indic] = self._top(share.base)
            elif share.rest_of:
                shares[indic] = shares[share.parent] - sum(shares[s] for s in share.rest_of)
            else:
                shares[indic] = shares[share.parent] * self._fraction(share.base)
            self._tie(indic, shares)
        return shares

    def _tie(self, indic: str, shares: dict[str, np.ndarray]) -> None:
        for code, key, geos in TIES:
            if code != self.code or key[self.spec.dimensions.index("indic_is")] != indic:
                continue
            b = self.breakdowns.index(key[self.spec.dimensions.index(self.model.breakdown)])
            first, *others = (COUNTRIES.index(g) for g in geos)
            tied = round(float(shares[indic][b, first, -1]), 2)
            for c in (first, *others):
                shares[indic][b, c, -1] = tied

    def unit_values(self, indic: str, unit: str, shares: dict[str, np.ndarray]) -> np.ndarray:
        """Values of one indic_is in one unit: whole population, users, or the parent's population."""
        share = self.model.shares[indic]
        if unit == self.model.share_unit:
            return shares[indic]
        if unit in self.model.user_units:
            # share among internet users: higher where internet use is lower
            lift = 0.5 - 0.15 * self.z[None, :, None] + 0.3 * (self.offset < 0)
            return 100 * _sigmoid(_logit(np.clip(shares[indic], 0.01, 99.99) / 100) + lift)
        if share.parent is None:  # a top-level share in another population's unit (e.g. PC_ENT_IUSE)
            return np.clip(shares[indic] * 1.1, 0, 100)
        return 100 * shares[indic] / shares[share.parent]

    def states(self, breakdown_is_headline: np.ndarray, last_year: int) -> np.ndarray:
        """Cell state per (breakdown, country, year): 0 value, 1 flagged value, 2 confidential,
        3 left out, 4 empty with flag u."""
        u = self.rng.random(self.shape)
        member = np.array([g in EU27 for g in COUNTRIES])[None, :, None]
        small = np.array([g in _SMALL_MEMBERS for g in COUNTRIES])[None, :, None]
        earlier = (self.years < last_year)[None, None, :]  # a series' newest year is complete for members
        non_headline = ~breakdown_is_headline[:, None, None]
        conf = np.where(member, earlier * (0.004 + 0.02 * non_headline + 0.03 * small * non_headline), 0.05)
        gap = np.where(member, earlier * 0.012, 0.07)
        empty_u = np.where(member, earlier * 0.005, 0.02)
        flagged = np.where(member, np.where(earlier, 0.06, 0.015), 0.1)
        edges = np.cumsum(np.broadcast_arrays(conf, gap, empty_u, flagged), axis=0)
        state = np.zeros(self.shape, dtype=np.int8)
        state[u < edges[3]] = 1
        state[u < edges[2]] = 4
        state[u < edges[1]] = 3
        state[u < edges[0]] = 2
        return state


def _series_table(code: str, years: list[int], propensity: np.ndarray, seed: int, shape: _Shape) -> _Table:
    gen = _Generator(code, years, propensity, seed, shape)
    spec, model = gen.spec, gen.model
    fixed = shape.fixed
    headline = np.array([b in _HEADLINE_BREAKDOWNS for b in gen.breakdowns])
    shares = gen.values()
    member_idx = [COUNTRIES.index(g) for g in MEMBERS]
    ea_idx = [COUNTRIES.index(g) for g in sorted(EA20)]
    geos = {geo: i for i, geo in enumerate(COUNTRIES)} | {geo: None for geo in AGGREGATES}
    table = _Table(code)
    for indic, share in model.shares.items():
        surveyed = np.array([year in shape.periods[indic] for year in years])
        for unit in shape.units[indic]:
            printed = np.round(gen.unit_values(indic, unit, shares), 2)
            states = gen.states(headline, max(shape.periods[indic], default=years[-1]))
            flags = gen.rng.integers(0, len(_FLAGS), gen.shape)
            aggregates = {
                EU27_AGGREGATE: np.round(printed[:, member_idx, :].mean(axis=1), 2),
                "EA20": np.round(printed[:, ea_idx, :].mean(axis=1), 2),
            }
            for b, breakdown in enumerate(gen.breakdowns):
                dims = {**fixed, model.breakdown: breakdown, "indic_is": indic, "unit": unit}
                for geo, c in geos.items():
                    key = tuple(geo if d == "geo" else dims[d] for d in spec.dimensions)
                    if c is None:
                        cells = [(year, f"{v:.2f}", "", "") for year, v, on in zip(years, aggregates[geo][b], surveyed)
                                 if on]
                    else:
                        cells = []
                        for y, year in enumerate(years):
                            if not surveyed[y]:  # Eurostat publishes nothing for a year not surveyed
                                continue
                            state = states[b, c, y]
                            if state == 0:
                                cells.append((year, f"{printed[b, c, y]:.2f}", "", ""))
                            elif state == 1:
                                cells.append((year, f"{printed[b, c, y]:.2f}", _FLAGS[flags[b, c, y]], ""))
                            elif state == 2:
                                cells.append((year, "", "", "C"))
                            elif state == 4:
                                cells.append((year, "", "u", ""))
                    if cells:  # Eurostat leaves out series with no observation at all
                        table.series[key] = cells
    return table


def _propensity(seed: int) -> np.ndarray:
    rng = np.random.default_rng([seed, 0])
    hint = np.array([_PROPENSITY_HINT[g] for g in COUNTRIES])
    return hint + rng.normal(0, 0.3, len(COUNTRIES))


def _as_datetime(last_update: datetime | date | str | None, last_year: int) -> datetime:
    if last_update is None:
        # Eurostat's spring release of the enterprise survey, at its 11:00 publication slot
        return datetime(last_year + 1, 2, 27, 11, 0, 0)
    if isinstance(last_update, str):
        last_update = datetime.fromisoformat(last_update)
    if not isinstance(last_update, datetime):
        last_update = datetime(last_update.year, last_update.month, last_update.day, 11, 0, 0)
    return last_update.replace(tzinfo=None, microsecond=0)


_README = """# {notice}

This directory is an offline mirror of the Eurostat dissemination API, written by
`pipeline.sample.write_sample_mirror` (seed {seed}, years {first_year}-{last_year},
LAST UPDATE {last_update}). The files have Eurostat's exact formats, but every figure in them
is made up: {notice}. Do not quote these numbers.

- `toc_en.txt`: the catalogue (TOC txt), served at `/catalogue/toc/txt?lang=en`
- `data/<code>.sdmx.csv.gz`: SDMX-CSV 1.0, served at `/sdmx/2.1/data/<code>?format=SDMX-CSV&compressed=true`
- `data/<code>.tsv.gz`: TSV, served for `format=TSV&compressed=true`

Exact ties among EU members in {last_year} (for ranking tests):
{ties}
"""


def write_sample_mirror(
    root: str | Path,
    *,
    last_year: int,
    first_year: int | None = None,
    last_update: datetime | date | str | None = None,
    seed: int = 2026,
    catalogue: Catalogue | None = None,
) -> dict:
    """Write the synthetic Eurostat mirror under `root`; returns what was written."""
    first_year = last_year - 6 if first_year is None else first_year
    if not 1990 <= first_year <= last_year:
        raise ValueError(f"first_year {first_year} must be between 1990 and last_year {last_year}")
    stamp = _as_datetime(last_update, last_year)
    root = Path(root)
    (root / "data").mkdir(parents=True, exist_ok=True)
    propensity = _propensity(seed)
    summary: dict = {
        "source": "sample",
        "synthetic": True,
        "notice": SYNTHETIC_NOTICE,
        "root": str(root),
        "first_year": first_year,
        "last_year": last_year,
        "seed": seed,
        "last_update": stamp.isoformat(),
        "ties": [{"dataset": c, "series": ".".join(k), "geos": list(g), "time_period": last_year} for c, k, g in TIES],
        "datasets": {},
    }
    toc_entries: dict[str, tuple[int, int, int]] = {}
    catalogue = catalogue or load_catalogue()
    for code in sorted(catalogue.datasets):
        # Which code exists in which survey year follows the catalogue's periods and versions (checked
        # against Eurostat's real files by tests/test_sample_real_shapes.py); the TSV's columns and the
        # TOC's data start/end are the years with any observation.
        shape = _shape(code, catalogue, list(range(first_year, last_year + 1)))
        present = sorted(set().union(*shape.periods.values()))
        years = present or [last_year]
        table = _series_table(code, years, propensity, seed, shape)
        csv_path = root / "data" / f"{code}.sdmx.csv.gz"
        tsv_path = root / "data" / f"{code}.tsv.gz"
        csv_path.write_bytes(_gzip(_sdmx_csv(table, stamp)))
        tsv_path.write_bytes(_gzip(_tsv(table, years)))
        toc_entries[code] = (years[0], years[-1], table.rows)
        summary["datasets"][code] = {
            "rows": table.rows,
            "series": len(table.series),
            "path": str(csv_path),
            "tsv_path": str(tsv_path),
            "first_year": years[0],
            "last_year": years[-1],
        }
    toc_path = root / "toc_en.txt"
    toc_path.write_bytes(_toc(toc_entries, stamp))
    summary["toc"] = str(toc_path)
    (root / "codelist").mkdir(exist_ok=True)
    for name, message in sample_codelists(catalogue, COUNTRIES + AGGREGATES, stamp).items():
        (root / "codelist" / f"{name}.xml").write_bytes(message)
    summary["codelists"] = str(root / "codelist")
    ties = "\n".join(f"- {t['dataset']} {t['series']}: {' = '.join(t['geos'])}" for t in summary["ties"])
    (root / "SAMPLE.md").write_text(
        _README.format(notice=SYNTHETIC_NOTICE, seed=seed, first_year=first_year, last_year=last_year,
                       last_update=stamp.strftime("%d/%m/%y %H:%M:%S"), ties=ties),
        encoding="utf-8",
    )
    return summary


def main(argv: list[str] | None = None) -> int:
    """CLI: `python -m pipeline.sample <root> --last-year 2025`."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.sample", description=f"Write a {SYNTHETIC_NOTICE} mirror.")
    parser.add_argument("root", type=Path, help="directory to write the mirror into")
    parser.add_argument("--last-year", type=int, required=True, help="last survey year (e.g. 2025)")
    parser.add_argument("--first-year", type=int, default=None, help="first year (default last year - 6)")
    parser.add_argument("--last-update", default=None, help="ISO date-time of Eurostat's last update")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    summary = write_sample_mirror(args.root, last_year=args.last_year, first_year=args.first_year,
                                  last_update=args.last_update, seed=args.seed)
    json.dump(summary, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
