"""Talking to Eurostat and reading what it serves (plain Python, no Dagster)."""

from pipeline.eurostat.client import Download, EurostatClient
from pipeline.eurostat.reader import read_observations
from pipeline.eurostat.toc import TocEntry, parse_toc

__all__ = ["read_observations", "parse_toc", "TocEntry", "EurostatClient", "Download"]
