"""Configuration from the environment (the variables of DESIGN.md are a contract).

Every check here raises `SettingError`, whose message names the setting, what is allowed and the
fix: a user who mistyped a value reads that one message, never a traceback. Checks only look;
they create nothing, so a run stopped by a bad setting leaves no trace.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.errors import SettingError
from pipeline.geo import EU27

DEFAULT_BASE_URL = "https://ec.europa.eu/eurostat/api/dissemination"
DEFAULT_DATA_DIR = "./data"
DEFAULT_FOCUS_GEO = "BE"
# PIPELINE_DECIMALS: the publication rounding of every figure in the texts (the 2026 overview prints
# two: "34,54 %"); the tables and the JSON keep Eurostat's unrounded values.
DEFAULT_DECIMALS = 2
MAX_DECIMALS = 4
# Edition 2021 is the first with Eurostat's AI module; the current year's edition is the last
# (the `editions` partitions of assets/overview.py: start 2021, end_offset 1).
FIRST_EDITION = 2021
# PIPELINE_CHART_PNG: whose charts get 300-dpi PNG beside the SVG (pipeline/chart_png.py).
CHART_PNG_VARIABLE = "PIPELINE_CHART_PNG"
CHART_PNG_CHOICES = ("focus", "all", "none")
# The release contract (DESIGN.md) has print PNG for every member: the yearly run and the code location make
# them all (minutes of rasterising); the demo, which must finish in about a minute, only the focus member's.
DEFAULT_CHART_PNG = "all"
DEMO_CHART_PNG = "focus"
# `PIPELINE_DEBUG=1` (or `--debug`): show tracebacks and Dagster's own output.
DEBUG_VARIABLE = "PIPELINE_DEBUG"

_MEMBERS = " ".join(sorted(EU27))
# Codes people type that Eurostat spells otherwise, or that left the EU.
_GEO_HINTS = {
    "GR": "Eurostat writes Greece as EL",
    "UK": "the United Kingdom left the EU in 2020",
    "GB": "the United Kingdom left the EU in 2020",
    "NO": "Norway is in the EEA, not the EU",
    "IS": "Iceland is in the EEA, not the EU",
    "LI": "Liechtenstein is in the EEA, not the EU",
    "CH": "Switzerland is not in the EU",
    "EU": "the EU27 average is computed for every member, pick one member",
    "EU27_2020": "the EU27 average is computed for every member, pick one member",
}


@dataclass(frozen=True)
class Settings:
    base_url: str
    data_dir: Path
    focus_geo: str
    decimals: int = DEFAULT_DECIMALS


def settings_from_env(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    return Settings(
        base_url=env.get("EUROSTAT_BASE_URL", DEFAULT_BASE_URL).rstrip("/"),
        data_dir=Path(env.get("PIPELINE_DATA_DIR") or DEFAULT_DATA_DIR),
        focus_geo=check_focus_geo(env.get("FOCUS_GEO", DEFAULT_FOCUS_GEO)),
        decimals=check_decimals(env.get("PIPELINE_DECIMALS", str(DEFAULT_DECIMALS))),
    )


def check_decimals(value: object) -> int:
    """The publication rounding PIPELINE_DECIMALS names (an integer 0-4), else a SettingError."""
    text = str(value).strip()
    if text == "":
        return DEFAULT_DECIMALS
    allowed = f"a whole number of decimals from 0 to {MAX_DECIMALS}"
    fix = f"e.g. PIPELINE_DECIMALS={DEFAULT_DECIMALS} (the default, what the 2026 overview prints: 34,54 %)"
    if not text.isdigit():
        raise SettingError("PIPELINE_DECIMALS", value, "not a whole number", allowed=allowed, fix=fix)
    if int(text) > MAX_DECIMALS:
        problem = f"more than {MAX_DECIMALS} decimals would print digits no survey measures"
        raise SettingError("PIPELINE_DECIMALS", value, problem, allowed=allowed, fix=fix)
    return int(text)


def check_focus_geo(value: str) -> str:
    """The member code FOCUS_GEO names, upper-cased; a SettingError unless it is one of the 27."""
    focus = value.strip().upper()
    if focus in EU27:
        return focus
    hint = _GEO_HINTS.get(focus)
    problem = f"{focus or 'empty'} is not one of the 27 EU member states" + (f" ({hint})" if hint else "")
    raise SettingError(
        "FOCUS_GEO", value, problem + "; the overview ranks a member among the 27",
        allowed=f"one of the 27 codes {_MEMBERS}",
        fix=f"FOCUS_GEO=EL for Greece, or another code of the list; unset, it is {DEFAULT_FOCUS_GEO}"
        if focus == "GR" else f"e.g. FOCUS_GEO={DEFAULT_FOCUS_GEO} (the default, used when FOCUS_GEO is unset)",
    )


def check_chart_png(value: object) -> str:
    """PIPELINE_CHART_PNG as one of CHART_PNG_CHOICES (lower-cased); a SettingError naming it otherwise."""
    text = str(value if value is not None else "").strip().lower()
    if text in CHART_PNG_CHOICES:
        return text
    hint = {"0": "; 0 used to mean SVG only: that is now `none`", "1": "; 1 used to mean PNG: now `focus` or `all`",
            "false": "; for SVG only write `none`", "true": "; write `focus` or `all`"}.get(text, "")
    raise SettingError(
        CHART_PNG_VARIABLE, value, f"not a choice of print PNG{hint}",
        allowed="all (300-dpi PNG of every chart for the 27 members: minutes of rasterising), focus (for the "
                "FOCUS_GEO member), none (SVG only)",
        fix=f"{CHART_PNG_VARIABLE}={DEFAULT_CHART_PNG} (the default, used when {CHART_PNG_VARIABLE} is unset; "
            f"make demo: {DEMO_CHART_PNG}), or focus, or none",
    )


def check_edition(value: object, *, command: str = "make run", today: date | None = None) -> int:
    """The edition `value` names (a year from FIRST_EDITION to the current year), else a SettingError."""
    last = (today or date.today()).year
    allowed = f"a year from {FIRST_EDITION} to {last}: edition N is published in year N and reports survey year N-1"
    fix = f"`{command} EDITION={last}` (the current edition, also what you get without EDITION)"
    text = str(value).strip()
    if not text.isdigit():
        raise SettingError("EDITION", value, "not a year", allowed=allowed, fix=fix)
    edition = int(text)
    if edition < FIRST_EDITION:
        problem = f"editions run from {FIRST_EDITION} (the first with Eurostat's AI module) to {last}"
        raise SettingError("EDITION", value, problem, allowed=allowed, fix=fix)
    if edition > last:
        problem = f"edition {edition} is in the future; editions run from {FIRST_EDITION} to {last} (the current year)"
        raise SettingError("EDITION", value, problem, allowed=allowed, fix=fix)
    return edition


def check_base_url(value: str) -> str:
    """EUROSTAT_BASE_URL without its trailing slash; a SettingError unless it is an http(s) URL with a host."""
    parts = urlsplit(value.strip())
    if parts.scheme in ("http", "https") and parts.hostname:
        return value.strip().rstrip("/")
    raise SettingError(
        "EUROSTAT_BASE_URL", value, "not an http(s) URL with a host name",
        allowed="the API base, an http:// or https:// URL",
        fix=f"unset EUROSTAT_BASE_URL for {DEFAULT_BASE_URL}, or give a mirror's full URL",
    )


def check_writable_dir(path: Path, setting: str, *, default: str | None = None) -> Path:
    """`path`, absolute, if it is (or can be created as) a writable directory; else a SettingError.

    Creates nothing: a probe directory is made and removed in `path`, or in its nearest existing
    parent when `path` does not exist yet (mkdir there is what the run would do first).
    """
    path = Path(os.path.abspath(os.path.expanduser(str(path))))
    allowed = "a directory you can write to, on a local disk or a shared POSIX file system (not object storage)"
    fix = f"set {setting} to such a directory" + (f", or unset it for {default}" if default else "")
    existing = path
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        what = "is a file" if existing == path else f"cannot be created: {existing} is a file"
        raise SettingError(setting, path, f"{what}, not a directory", allowed=allowed, fix=fix)
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".write-probe-", dir=existing))
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        where = "cannot be written" if existing == path else f"cannot be created in {existing}"
        raise SettingError(setting, path, f"{where} ({reason})", allowed=allowed, fix=fix) from None
    return path
