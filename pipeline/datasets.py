"""The Eurostat datasets the overview reads: one list, from which assets and schemas are generated.

A dataset here is its structure (dimensions in DSD order); the
codes the overview reads from it live in the indicator catalogue only.
"""

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

    def __post_init__(self):
        validate_dataset_code(self.code)


DATASETS: dict[str, DatasetSpec] = {
    spec.code: spec
    for spec in (
        DatasetSpec(
            code="isoc_eb_ai",
            title="Artificial intelligence by size class of enterprise",
            dimensions=ENTERPRISE_DIMENSIONS,
        ),
        DatasetSpec(
            code="isoc_ai_iaiu",
            title="Use of generative artificial intelligence tools by individuals",
            dimensions=INDIVIDUAL_DIMENSIONS,
        ),
        DatasetSpec(
            code="isoc_ec_ib20",
            title="Internet purchases by individuals (2020 onwards)",
            dimensions=INDIVIDUAL_DIMENSIONS,
        ),
        DatasetSpec(
            code="isoc_ec_ibgs",
            title="Internet purchases - goods or services (2020 onwards)",
            dimensions=INDIVIDUAL_DIMENSIONS,
        ),
        DatasetSpec(
            code="isoc_ec_iprb21",
            title="Problems encountered by individuals when buying or ordering over the internet (2021 onwards)",
            dimensions=INDIVIDUAL_DIMENSIONS,
        ),
        DatasetSpec(
            code="isoc_ec_evals",
            title="Value of e-commerce sales",
            dimensions=ENTERPRISE_DIMENSIONS,
        ),
        DatasetSpec(
            code="isoc_e_dii",
            title="Digital Intensity by size class of enterprise",
            dimensions=ENTERPRISE_DIMENSIONS,
        ),
        # The Digital Decade KPIs. isoc_cicce_use and isoc_eb_das: dimensions as the real SDMX-CSV
        # excerpts show them; isoc_sk_dskl_i21 and isoc_sks_itspt as public code reads them (no real
        # file here): a served header that differs is refused by name.
        DatasetSpec(
            code="isoc_cicce_use",
            title="Cloud computing services by size class of enterprise",
            dimensions=ENTERPRISE_DIMENSIONS,
        ),
        DatasetSpec(
            code="isoc_eb_das",
            title="Data analytics by size class of enterprise",
            dimensions=ENTERPRISE_DIMENSIONS,
        ),
        DatasetSpec(
            code="isoc_sk_dskl_i21",
            title="Individuals' level of digital skills (from 2021 onwards)",
            dimensions=INDIVIDUAL_DIMENSIONS,
        ),
        DatasetSpec(
            code="isoc_sks_itspt",
            title="Employed ICT specialists - total",
            dimensions=("freq", "unit", "geo"),
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
