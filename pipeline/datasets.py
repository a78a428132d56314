"""The Eurostat datasets the overview reads: one list, from which assets and schemas are generated."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.errors import InvalidDatasetCode

_CODE = re.compile(r"[a-z0-9_]+")

ENTERPRISE_DIMENSIONS = ("freq", "size_emp", "nace_r2", "indic_is", "unit", "geo")
INDIVIDUAL_DIMENSIONS = ("freq", "ind_type", "indic_is", "unit", "geo")


def validate_dataset_code(code: str) -> str:
    """Refuse anything but `[a-z0-9_]+` before it reaches a URL or a path."""
    if not isinstance(code, str) or not _CODE.fullmatch(code):
        raise InvalidDatasetCode(
            f"invalid Eurostat dataset code {code!r}: only lower-case letters, digits and '_' are allowed"
        )
    return code


@dataclass(frozen=True)
class DatasetSpec:
    code: str
    title: str
    # Eurostat dimensions in DSD order, geo included, TIME_PERIOD excluded.
    dimensions: tuple[str, ...]
    # Codes the overview relies on, per dimension (what the bundled sample must contain and
    # what the indicator catalogue may pin). Not a filter: everything Eurostat serves is kept.
    overview_codes: dict[str, tuple[str, ...]]
    # Units measured in percent (0-100 rule of the observation schema).
    percent_units: tuple[str, ...]

    def __post_init__(self):
        validate_dataset_code(self.code)


_ENT_POP = {"freq": ("A",), "nace_r2": ("C10-S951_X_K",)}
_IND_BREAKDOWNS = ("IND_TOTAL", "I0_2", "I3_4", "I5_8", "Y16_24", "Y25_54", "Y55_74")

DATASETS: dict[str, DatasetSpec] = {
    spec.code: spec
    for spec in (
        DatasetSpec(
            code="isoc_eb_ai",
            title="Artificial intelligence by size class of enterprise",
            dimensions=ENTERPRISE_DIMENSIONS,
            overview_codes={
                **_ENT_POP,
                "size_emp": ("GE10", "10-49", "50-249", "GE250", "10-249"),
                "indic_is": (
                    "E_AI_TANY",
                    # technologies
                    "E_AI_TTM", "E_AI_TSR", "E_AI_TNLG", "E_AI_TIR", "E_AI_TML", "E_AI_TPA",
                    "E_AI_TAR", "E_AI_TPVSG",
                    # purposes
                    "E_AI_PMS", "E_AI_PPP", "E_AI_PBAM", "E_AI_PFIN", "E_AI_PLOG", "E_AI_PITS",
                    "E_AI_PHR", "E_AI_PRDI",
                    # barriers (asked of enterprises that considered AI: unit PC_ENT_AI_EC)
                    "E_AI_BCST", "E_AI_BLE", "E_AI_BINC", "E_AI_BDDT", "E_AI_BCDP", "E_AI_BLEG",
                    "E_AI_BEC", "E_AI_BNU",
                    "E_AI_EC",
                ),
                "unit": ("PC_ENT", "PC_ENT_AI_TANY", "PC_ENT_AI_EC"),
            },
            percent_units=("PC_ENT", "PC_ENT_AI_TANY", "PC_ENT_AI_EC", "PC_ENT_IUSE", "PC_ENT_AI_TX"),
        ),
        DatasetSpec(
            code="isoc_ai_iaiu",
            title="Use of generative artificial intelligence tools by individuals",
            dimensions=INDIVIDUAL_DIMENSIONS,
            overview_codes={
                "freq": ("A",),
                "ind_type": _IND_BREAKDOWNS,
                "indic_is": ("I_IUAI", "I_IUAIPR", "I_IUAIWP", "I_IUAIFE"),
                "unit": ("PC_IND", "PC_IND_IU3"),
            },
            percent_units=("PC_IND", "PC_IND_IU3", "PC_IND_IUAI"),
        ),
        DatasetSpec(
            code="isoc_ec_ib20",
            title="Internet purchases by individuals (2020 onwards)",
            dimensions=INDIVIDUAL_DIMENSIONS,
            overview_codes={
                "freq": ("A",),
                "ind_type": _IND_BREAKDOWNS,
                "indic_is": ("I_BLT12",),
                "unit": ("PC_IND", "PC_IND_ILT12"),
            },
            percent_units=("PC_IND", "PC_IND_ILT12", "PC_IND_IU3", "PC_IND_BUY3", "PC_IND_BLT12"),
        ),
        DatasetSpec(
            code="isoc_ec_ibgs",
            title="Internet purchases - goods or services (2020 onwards)",
            dimensions=INDIVIDUAL_DIMENSIONS,
            overview_codes={
                "freq": ("A",),
                "ind_type": _IND_BREAKDOWNS,
                "indic_is": ("I_BPHG", "I_BCS2", "I_BFLMS2", "I_BTICK2"),
                "unit": ("PC_IND", "PC_IND_BUY3"),
            },
            percent_units=("PC_IND", "PC_IND_BUY3", "PC_IND_BLT12", "PC_IND_ILT12"),
        ),
        DatasetSpec(
            code="isoc_ec_iprb21",
            title="Problems encountered by individuals when buying or ordering over the internet (2021 onwards)",
            dimensions=INDIVIDUAL_DIMENSIONS,
            overview_codes={
                "freq": ("A",),
                "ind_type": _IND_BREAKDOWNS,
                "indic_is": ("I_BARR2Y", "I_BSPD1", "I_BTFW1"),
                "unit": ("PC_IND", "PC_IND_BUY3"),
            },
            percent_units=("PC_IND", "PC_IND_BUY3", "PC_IND_BLT12", "PC_IND_ILT12"),
        ),
        DatasetSpec(
            code="isoc_ec_evals",
            title="Value of e-commerce sales",
            dimensions=ENTERPRISE_DIMENSIONS,
            overview_codes={
                **_ENT_POP,
                "size_emp": ("GE10", "10-49", "50-249", "GE250"),
                "indic_is": ("E_ETURN", "E_AXSVAL", "E_AWSVAL"),
                "unit": ("PC_TURN", "PC_ETURN"),
            },
            percent_units=("PC_TURN", "PC_ETURN", "PC_AWSVAL"),
        ),
        DatasetSpec(
            code="isoc_e_dii",
            title="Digital Intensity by size class of enterprise",
            dimensions=ENTERPRISE_DIMENSIONS,
            overview_codes={
                **_ENT_POP,
                "size_emp": ("GE10", "10-49", "50-249", "GE250", "10-249"),
                "indic_is": ("E_DI4_GELO", "E_DI3_GELO", "E_DI3_VLO", "E_DI3_LO", "E_DI3_HI", "E_DI3_VHI"),
                "unit": ("PC_ENT",),
            },
            percent_units=("PC_ENT",),
        ),
    )
}


def dataset_spec(code: str) -> DatasetSpec:
    validate_dataset_code(code)
    try:
        return DATASETS[code]
    except KeyError:
        raise InvalidDatasetCode(
            f"dataset {code!r} is not configured; configured datasets: {', '.join(DATASETS)}"
        ) from None
