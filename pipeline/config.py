"""Configuration from the environment (the variables of DESIGN.md are a contract)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.geo import EU27

DEFAULT_BASE_URL = "https://ec.europa.eu/eurostat/api/dissemination"
DEFAULT_DATA_DIR = "./data"
DEFAULT_FOCUS_GEO = "BE"


@dataclass(frozen=True)
class Settings:
    base_url: str
    data_dir: Path
    focus_geo: str


def settings_from_env(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    focus = env.get("FOCUS_GEO", DEFAULT_FOCUS_GEO).strip().upper()
    if focus not in EU27:
        raise ValueError(
            f"FOCUS_GEO={focus!r} is not one of the 27 EU member states ({', '.join(sorted(EU27))}); "
            "the overview ranks a member among the 27."
        )
    return Settings(
        base_url=env.get("EUROSTAT_BASE_URL", DEFAULT_BASE_URL).rstrip("/"),
        data_dir=Path(env.get("PIPELINE_DATA_DIR", DEFAULT_DATA_DIR)),
        focus_geo=focus,
    )
