"""What each dataset of the synthetic mirror holds: its model of shares (parents, parts, units) and its
shape read off the catalogue (breakdowns, codes, units, the survey years each code exists in)."""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.catalogue import Catalogue
from pipeline.datasets import DATASETS

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
