"""`make run` / `make demo`: materialise every asset for an edition, live or against the bundled sample.

Both go through `dagster asset materialize`, so runs are recorded in DAGSTER_HOME and show in
`make dev`. The demo serves the synthetic sample on a loopback port and points the same client
code at it; a live run never falls back to the sample.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from pipeline.config import settings_from_env
from pipeline.errors import EurostatUnavailable
from pipeline.eurostat.client import EurostatClient
from pipeline.eurostat.mirror import MirrorServer
from pipeline.sample import write_sample_mirror

SELECTION = "*"
RUN_CONFIG = {
    "execution": {"config": {"in_process": {}}},
    "loggers": {"console": {"config": {"log_level": "INFO"}}},
}


def _materialize(edition: int, env: dict[str, str]) -> int:
    cmd = [
        sys.executable, "-m", "dagster", "asset", "materialize",
        "-m", "assets.definitions", "--select", SELECTION,
        # One process: the graph is small and a subprocess per step costs seconds of imports each.
        "--config-json", json.dumps(RUN_CONFIG),
        "--partition", str(edition),
    ]
    print("+", " ".join(cmd), flush=True)
    code = subprocess.call(cmd, env=env)
    if code == 0:
        _summary(Path(env.get("PIPELINE_DATA_DIR", "./data")), edition)
    return code


def _summary(data_dir: Path, edition: int) -> None:
    """Where the release is, and its English key figures: what a user looks at first."""
    from pipeline.release import read_latest

    version = read_latest(data_dir, edition)
    print(f"\nrelease {edition}: {version}")
    figures = json.loads((version / "key_figures.json").read_text(encoding="utf-8"))
    if figures.get("sample_label"):
        print(figures["sample_label"]["en"])
    for figure in figures["key_figures"]:
        print(f"- {figure['sentences']['en']}")


def run(edition: int, force: bool) -> int:
    settings = settings_from_env()
    try:
        EurostatClient(settings.base_url, connect_timeout=5.0, read_timeout=20.0, retries=1).check_reachable()
    except EurostatUnavailable as err:
        print(f"error: {err}", file=sys.stderr)
        print("Eurostat cannot be reached; nothing was downloaded or published. "
              "To try the pipeline offline, run `make demo` (synthetic sample data).", file=sys.stderr)
        return 2
    env = dict(os.environ, PIPELINE_SOURCE="eurostat")
    if force:
        env["PIPELINE_FORCE_DOWNLOAD"] = "1"
    return _materialize(edition, env)


def demo(edition: int, data_dir: Path) -> int:
    mirror = data_dir / "sample-mirror"
    # Eurostat publishes survey year N-1 early in year N: date the sample's update accordingly,
    # and keep it fixed so a second demo run finds the catalogue unchanged.
    info = write_sample_mirror(mirror, last_year=edition - 1, last_update=date(edition, 2, 27))
    print(f"synthetic sample mirror (not Eurostat data) written to {mirror}: "
          f"{len(info['datasets'])} datasets", flush=True)
    with MirrorServer(mirror) as server:
        env = dict(
            os.environ,
            EUROSTAT_BASE_URL=server.base_url,
            PIPELINE_DATA_DIR=str(data_dir),
            PIPELINE_SOURCE="sample",
        )
        print(f"serving it as the Eurostat API at {server.base_url}", flush=True)
        return _materialize(edition, env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m assets.cli", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="materialise every asset against the live Eurostat API")
    p_run.add_argument("--edition", type=int, default=date.today().year)
    p_run.add_argument("--force", action="store_true", help="download even if the TOC date is unchanged")
    p_demo = sub.add_parser("demo", help="the same, offline, against the bundled synthetic sample")
    p_demo.add_argument("--edition", type=int, default=date.today().year)
    p_demo.add_argument("--data-dir", type=Path, default=None,
                        help="defaults to $PIPELINE_DATA_DIR/demo, kept apart from live data")
    args = parser.parse_args(argv)
    if args.command == "run":
        return run(args.edition, args.force)
    data_dir = (args.data_dir or settings_from_env().data_dir / "demo").resolve()
    return demo(args.edition, data_dir)


if __name__ == "__main__":
    sys.exit(main())
