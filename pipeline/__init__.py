"""Eurostat ICT-usage pipeline: plain Python, no Dagster import.

Usable from a notebook::

    from pipeline.eurostat import read_observations
    obs = read_observations("estat_isoc_e_dii.tsv")
"""

from importlib.metadata import PackageNotFoundError, version as _version

try:
    __version__ = _version("digital-economy-overview")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"

PIPELINE_VERSION = __version__
