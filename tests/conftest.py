"""Shared fixtures. Real Eurostat files are read from ../shared/eurostat-samples, never copied here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI replays a fixed sequence of examples, so whether a submission lands never depends on luck;
# elsewhere every run explores new ones (a failure prints the example to add as a regression test).
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]
SAMPLES = Path(
    os.environ.get("EUROSTAT_SAMPLES_DIR", REPO.parent / "shared" / "eurostat-samples")
)


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The real files Eurostat served (see ../shared/eurostat-samples/SOURCES.md)."""
    if not (SAMPLES / "SOURCES.md").is_file():
        pytest.skip(f"real Eurostat samples not found at {SAMPLES} (../shared is absent; CI always has it)")
    return SAMPLES


@pytest.fixture(autouse=True, scope="session")
def _svg_charts_only():
    """Runs of the whole pipeline draw SVG charts only (PIPELINE_CHART_PNG=none): the focus member's 117
    print PNG would add 20 s to each; the PNG themselves are tested in test_chart_png and test_release."""
    previous = os.environ.get("PIPELINE_CHART_PNG")
    os.environ["PIPELINE_CHART_PNG"] = "none"
    yield
    if previous is None:
        os.environ.pop("PIPELINE_CHART_PNG", None)
    else:
        os.environ["PIPELINE_CHART_PNG"] = previous
