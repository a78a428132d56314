"""SYNTHETIC SAMPLE - not Eurostat data: an offline Eurostat mirror with plausible, made-up figures.

`write_sample_mirror` writes, for every dataset of `pipeline.datasets.DATASETS`, the files a
loopback server serves as the Eurostat API (see the mirror layout in the project notes):
`toc_en.txt`, `data/<code>.sdmx.csv.gz` (SDMX-CSV 1.0) and `data/<code>.tsv.gz` (TSV), in
Eurostat's exact formats, plus a `SAMPLE.md` saying the numbers are synthetic.

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
import gzip
import json
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from pipeline.catalogue import Catalogue, load_catalogue
from pipeline.datasets import DATASETS, DatasetSpec
from pipeline.geo import EU27, EU27_AGGREGATE

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
_BREAKDOWN_OFFSET = {  # logit shift of a breakdown relative to the whole population
    "GE10": 0.0, "10-49": -0.2, "10-249": -0.12, "50-249": 0.55, "GE250": 1.2,
    "IND_TOTAL": 0.0, "I0_2": -0.9, "I3_4": -0.2, "I5_8": 0.7,
    "Y16_24": 0.8, "Y25_54": 0.3, "Y55_74": -0.8,
}
_HEADLINE_BREAKDOWNS = frozenset({"GE10", "IND_TOTAL", None})
_FLAGS = ("b", "p", "e", "u", "bu")


@dataclass(frozen=True)
class _Share:
    """A published or hidden share; `parent` makes it a part (fraction `base`) of another share."""

    base: float  # EU-level percent for a top share; fraction of the parent for a part
    units: tuple[str, ...] = ()  # units published; () = hidden helper share
    parent: str | None = None
    rest_of: tuple[str, ...] = ()  # a part equal to parent minus these siblings


@dataclass(frozen=True)
class _Model:
    breakdown: str | None  # size_emp or ind_type; None for a dataset without one
    share_unit: str  # unit = % of the whole population
    user_units: tuple[str, ...] = ()  # units = % of internet users (higher than share_unit)
    slope: float = 0.15  # yearly logit growth
    shares: dict[str, _Share] = field(default_factory=dict)


def _parts(parent: str, units: tuple[str, ...], **fractions: float) -> dict[str, _Share]:
    return {code: _Share(frac, units, parent) for code, frac in fractions.items()}


_AI_PARTS = ("PC_ENT", "PC_ENT_AI_TANY")
_MODELS: dict[str, _Model] = {
    "isoc_eb_ai": _Model(
        "size_emp", "PC_ENT", slope=0.32,
        shares={
            "E_AI_TANY": _Share(20.0, ("PC_ENT",)),
            "E_AI_EC": _Share(9.0, ("PC_ENT",)),
            **_parts("E_AI_TANY", _AI_PARTS, E_AI_TTM=0.42, E_AI_TSR=0.2, E_AI_TNLG=0.38,
                     E_AI_TIR=0.3, E_AI_TML=0.3, E_AI_TPA=0.25, E_AI_TAR=0.1, E_AI_TPVSG=0.22),
            **_parts("E_AI_TANY", _AI_PARTS, E_AI_PMS=0.35, E_AI_PPP=0.2, E_AI_PBAM=0.3,
                     E_AI_PFIN=0.22, E_AI_PLOG=0.1, E_AI_PITS=0.3, E_AI_PHR=0.12, E_AI_PRDI=0.2),
            **_parts("E_AI_EC", ("PC_ENT_AI_EC",), E_AI_BCST=0.5, E_AI_BLE=0.7, E_AI_BINC=0.35,
                     E_AI_BDDT=0.4, E_AI_BCDP=0.55, E_AI_BLEG=0.5, E_AI_BEC=0.3, E_AI_BNU=0.25),
        },
    ),
    "isoc_e_dii": _Model(
        "size_emp", "PC_ENT", slope=0.12,
        shares={
            "E_DI3_GELO": _Share(72.0, ("PC_ENT",)),
            "E_DI4_GELO": _Share(0.9, ("PC_ENT",), "E_DI3_GELO"),
            "E_DI3_VLO": _Share(100.0, ("PC_ENT",), "_ALL", ("E_DI3_GELO",)),
            "_HIVHI": _Share(0.35, (), "E_DI3_GELO"),
            "E_DI3_VHI": _Share(0.2, ("PC_ENT",), "_HIVHI"),
            "E_DI3_HI": _Share(1.0, ("PC_ENT",), "_HIVHI", ("E_DI3_VHI",)),
            "E_DI3_LO": _Share(1.0, ("PC_ENT",), "E_DI3_GELO", ("_HIVHI",)),
        },
    ),
    "isoc_ec_evals": _Model(
        "size_emp", "PC_TURN", slope=0.06,
        shares={
            "E_ETURN": _Share(19.0, ("PC_TURN",)),
            "E_AWSVAL": _Share(0.38, ("PC_TURN", "PC_ETURN"), "E_ETURN"),
            "E_AXSVAL": _Share(1.0, ("PC_TURN", "PC_ETURN"), "E_ETURN", ("E_AWSVAL",)),
        },
    ),
    "isoc_ai_iaiu": _Model(
        "ind_type", "PC_IND", ("PC_IND_IU3",),
        shares={
            "I_IUAI": _Share(32.0, ("PC_IND", "PC_IND_IU3")),
            **_parts("I_IUAI", ("PC_IND", "PC_IND_IU3"), I_IUAIPR=0.78, I_IUAIWP=0.45, I_IUAIFE=0.28),
        },
    ),
    "isoc_ec_ib20": _Model(
        "ind_type", "PC_IND", ("PC_IND_ILT12",), slope=0.1,
        shares={"I_BLT12": _Share(75.0, ("PC_IND", "PC_IND_ILT12"))},
    ),
    "isoc_ec_ibgs": _Model(
        "ind_type", "PC_IND", slope=0.1,
        shares={
            "_BUY3": _Share(55.0),
            **_parts("_BUY3", ("PC_IND", "PC_IND_BUY3"),
                     I_BPHG=0.88, I_BCS2=0.3, I_BFLMS2=0.33, I_BTICK2=0.22),
        },
    ),
    "isoc_cicce_use": _Model("size_emp", "PC_ENT", slope=0.1, shares={"E_CC": _Share(45.0, ("PC_ENT",))}),
    "isoc_eb_das": _Model("size_emp", "PC_ENT", slope=0.08, shares={"E_DA": _Share(33.0, ("PC_ENT",))}),
    "isoc_sk_dskl_i21": _Model("ind_type", "PC_IND", slope=0.05, shares={"I_DSK2_BAB": _Share(56.0, ("PC_IND",))}),
    # no indic_is and no breakdown: the statistic is the unit itself (share of total employment)
    "isoc_sks_itspt": _Model(None, "PC_EMP", slope=0.06, shares={"PC_EMP": _Share(4.5, ("PC_EMP",))}),
    "isoc_ec_iprb21": _Model(
        "ind_type", "PC_IND", slope=0.1,
        shares={
            "_BUY3": _Share(55.0),
            **_parts("_BUY3", ("PC_IND", "PC_IND_BUY3"), I_BARR2Y=0.36, I_BSPD1=0.2, I_BTFW1=0.07),
        },
    ),
}


def _logit(p):
    return np.log(p / (1 - p))


def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


@dataclass(frozen=True)
class _Shape:
    """What one dataset of the mirror holds, read off the catalogue: the catalogue is the only list of
    codes, so an entry added there appears in the sample with no code change."""

    breakdowns: tuple[str, ...]
    fixed: dict[str, str]
    units: dict[str, tuple[str, ...]]  # indic_is -> units published
    periods: dict[str, frozenset[int]]  # indic_is -> survey years it exists in
    model: _Model


def _shape(code: str, catalogue: Catalogue, years: list[int]) -> _Shape:
    dims = DATASETS[code].dimensions
    fallback = next((d for d in ("size_emp", "ind_type") if d in dims), None)
    base = _MODELS.get(code) or _Model(fallback, "PC_ENT" if fallback == "size_emp" else "PC_IND")
    variants = [(spec, v) for spec in catalogue.indicators if spec.dataset == code for v in spec.variants]
    breakdown = base.breakdown
    if breakdown is None:
        breakdowns: tuple = (None,)
    else:
        found = {v.series[breakdown] for _, v in variants} | {"GE10" if breakdown == "size_emp" else "IND_TOTAL"}
        order = list(_BREAKDOWN_OFFSET)
        breakdowns = tuple(sorted(found, key=lambda b: (order.index(b) if b in order else len(order), b)))
    fixed = {d: sorted({v.series[d] for _, v in variants})[0] for d in DATASETS[code].dimensions
             if d not in (breakdown, "indic_is", "unit", "geo")}
    shares = dict(base.shares)
    units: dict[str, set[str]] = {indic: set(share.units) for indic, share in shares.items()}
    periods: dict[str, set[int]] = {}
    for spec, variant in variants:
        indic = variant.series.get("indic_is", variant.series["unit"])  # the unit is the statistic without indic_is
        if indic not in shares:  # an entry the model does not know: a plausible top-level share
            shares[indic] = _Share(20.0, (variant.series["unit"],))
        units.setdefault(indic, set()).add(variant.series["unit"])
        periods.setdefault(indic, set()).update(
            y for y in years if spec.periods.covers(y) and variant.periods.covers(y))
    surveyed = set().union(*periods.values()) if periods else set(years)
    for indic, share in shares.items():  # model-only codes follow the catalogue code they derive from
        if indic not in periods:
            parent = next((p for p in (share.parent, *share.rest_of) if p in periods), None)
            periods[indic] = set(periods[parent]) if parent else surveyed
    model = _Model(base.breakdown, base.share_unit, base.user_units, base.slope, shares)
    return _Shape(breakdowns, fixed, {i: tuple(sorted(u)) for i, u in units.items()},
                  {i: frozenset(p) for i, p in periods.items()}, model)


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


@dataclass
class _Table:
    """One dataset: per series key (DSD order), its cells (year, printed value, flag, conf)."""

    code: str
    series: dict[tuple[str, ...], list[tuple[int, str, str, str]]] = field(default_factory=dict)

    def sorted_series(self):
        return sorted(self.series.items())

    @property
    def rows(self) -> int:
        return sum(len(cells) for cells in self.series.values())


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


def _sdmx_csv(table: _Table, last_update: datetime) -> bytes:
    spec = DATASETS[table.code]
    prefix = f"ESTAT:{table.code.upper()}(1.0),{last_update.strftime('%d/%m/%y %H:%M:%S')},"
    header = ["DATAFLOW", "LAST UPDATE", *spec.dimensions, "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG", "CONF_STATUS"]
    lines = [",".join(header)]
    for key, cells in table.sorted_series():
        start = prefix + ",".join(key)
        lines.extend(f"{start},{year},{value},{flag},{conf}" for year, value, flag, conf in cells)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _tsv(table: _Table, years: list[int]) -> bytes:
    spec = DATASETS[table.code]
    header = ",".join(spec.dimensions) + "\\TIME_PERIOD\t" + "\t".join(f"{y} " for y in years)
    lines = [header]
    for key, cells in table.sorted_series():
        # the wide layout is dense: a left-out observation is printed as ': '
        shown = {year: f"{value or ':'} {flag}{conf.lower()}" for year, value, flag, conf in cells}
        lines.append(",".join(key) + "\t" + "\t".join(shown.get(y, ": ") for y in years))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _gzip(data: bytes) -> bytes:
    # mtime=0 and no file name in the header: the same data gives the same bytes
    return gzip.compress(data, compresslevel=6, mtime=0)


# (indent level, title, code, type); datasets of DATASETS get their dates and counts filled in.
_TOC_TREE: tuple[tuple[int, str, str, str], ...] = (
    (0, "Database by themes", "data", "folder"),
    (1, "General and regional statistics", "general", "folder"),
    (2, "European and national indicators for short-term analysis", "euroind", "folder"),
    (3, "Business and consumer surveys", "ei_bcs", "folder"),
    (4, "Consumers - monthly data", "ei_bsco_m", "dataset"),
    (2, "Degree of urbanisation", "degurb", "folder"),
    (3, "Digital economy and society", "degurb_isoc", "folder"),
    (4, "ICT usage in households and by individuals", "du_isoc_i", "folder"),
    (5, "E-commerce", "du_isoc_iec", "folder"),
    (6, "", "isoc_ec_ib20", "dataset"),
    (6, "", "isoc_ec_ibgs", "dataset"),
    (1, "Population and social conditions", "popul", "folder"),
    (2, "Demography, population stock and balance", "demo", "folder"),
    (3, "Population on 1 January by age and sex", "demo_pjan", "dataset"),
    (1, "Science, technology, digital society", "science", "folder"),
    (2, "Digital economy and society", "isoc", "folder"),
    (3, "ICT usage in households and by individuals", "isoc_i", "folder"),
    (4, "Internet use", "isoc_iiu", "folder"),
    (5, "Individuals - internet use", "isoc_ci_ifp_iu", "dataset"),
    (5, "", "isoc_ai_iaiu", "dataset"),
    (4, "E-commerce", "isoc_iec", "folder"),
    (5, "", "isoc_ec_ib20", "dataset"),
    (6, "Individuals using the internet for buying goods or services", "tin00096", "table"),
    (5, "", "isoc_ec_ibgs", "dataset"),
    (5, "", "isoc_ec_iprb21", "dataset"),
    (4, "Digital skills", "isoc_sk", "folder"),
    (5, "", "isoc_sk_dskl_i21", "dataset"),
    (3, "ICT usage in enterprises", "isoc_e", "folder"),
    (4, "E-commerce", "isoc_ec", "folder"),
    (5, "", "isoc_ec_evals", "dataset"),
    (4, "E-business", "isoc_eb", "folder"),
    (5, "Artificial intelligence by NACE Rev. 2 activity", "isoc_eb_ain2", "dataset"),
    (5, "", "isoc_eb_ai", "dataset"),
    (5, "", "isoc_eb_das", "dataset"),
    (4, "Cloud computing", "isoc_cc", "folder"),
    (5, "", "isoc_cicce_use", "dataset"),
    (4, "", "isoc_e_dii", "dataset"),
    (3, "ICT specialists", "isoc_sks", "folder"),
    (4, "", "isoc_sks_itspt", "dataset"),
)
# Entries outside the overview: (values, data start, data end, days before the last update).
_TOC_OTHERS = {
    "ei_bsco_m": (292446, "1980-01", None, 3),
    "demo_pjan": (734973, "1960", None, 40),
    "isoc_ci_ifp_iu": (506497, "2002", None, 0),
    "tin00096": (354, "2020", None, 0),
    "isoc_eb_ain2": (446514, "2018", None, 0),
}


def _toc(datasets: dict[str, tuple[int, int, int]], last_update: datetime) -> bytes:
    """Eurostat's TOC txt: tab-separated, every field quoted but `values`, LF line ends."""
    day = last_update.date()
    structure_change = day - timedelta(days=77)

    def quoted(*fields: str) -> str:
        return "\t".join(f'"{f}"' for f in fields)

    lines = [quoted("title", "code", "type", "last update of data", "last table structure change",
                    "data start", "data end", "values")]
    for level, title, code, kind in _TOC_TREE:
        indent = "    " * level
        if kind == "folder":
            lines.append(quoted(indent + title, code, kind, " ", " ", " ", " ") + "\t")
            continue
        if code in datasets:
            start, end, values = datasets[code]
            title, updated = DATASETS[code].title, day
        else:
            values, start, end, days_before = _TOC_OTHERS[code]
            updated = day - timedelta(days=days_before)
            end = end or (updated.strftime("%Y-%m") if "-" in start else str(updated.year - 1))
        lines.append(
            quoted(indent + title, code, kind, updated.strftime("%d.%m.%Y"),
                   min(structure_change, updated).strftime("%d.%m.%Y"), str(start), str(end))
            + f"\t{values}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")


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
