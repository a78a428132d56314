"""Shared fixtures. Real Eurostat files are read from ../shared/eurostat-samples, never copied here."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SAMPLES = Path(
    __import__("os").environ.get("EUROSTAT_SAMPLES_DIR", REPO.parent / "shared" / "eurostat-samples")
)


@pytest.fixture(scope="session")
def samples_dir() -> Path:
    """The real files Eurostat served (see ../shared/eurostat-samples/SOURCES.md)."""
    if not (SAMPLES / "SOURCES.md").is_file():
        pytest.skip(f"real Eurostat samples not found at {SAMPLES} (../shared is absent; CI always has it)")
    return SAMPLES
