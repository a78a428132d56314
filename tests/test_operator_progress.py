"""Progress of long requests: bytes received while a body arrives, the wait for an asynchronous extraction."""

from __future__ import annotations

import gzip
import random

from pipeline.eurostat.client import EurostatClient, Progress
from tests.eurostat_server import (
    EurostatTestServer,
    Respond,
    async_data_route,
    async_status_route,
    soap_async_status,
    soap_queued,
)
from tests.helpers.clock import FakeTime
from tests.helpers.eurostat import CODE, ROUTE, TOC, sdmx_csv


def _big_body() -> bytes:
    rng = random.Random(7)
    rows = [(geo, str(year), f"{rng.uniform(0, 100):.6f}", "", "")
            for geo in ("BE", "FR", "DE", "NL") for year in range(1000, 9000)]
    return gzip.compress(sdmx_csv(rows), mtime=0)


def test_a_slow_download_reports_bytes_received_of_the_declared_total_as_it_goes():
    body = _big_body()
    assert len(body) > 3 * (1 << 16), "the body must span several read chunks"
    seen: list[Progress] = []
    with EurostatTestServer(datasets={CODE: body}, toc=TOC) as server:
        server.script(ROUTE, [Respond(stall_after=1 << 16, stall=0.6)])
        client = EurostatClient(server.base_url, connect_timeout=1.0, read_timeout=5.0, retries=0,
                                progress=seen.append, progress_interval=0.2)
        download = client.fetch_dataset(CODE)
    assert download.body == body  # progress reporting changes nothing of what is stored
    assert seen, "a download that stalled for 0.6 s with a 0.2 s interval reported nothing"
    assert all(p.stage == "receiving" and p.dataset == CODE and p.total == len(body) for p in seen)
    assert [p.received for p in seen] == sorted(p.received for p in seen)
    assert 0 < seen[0].received <= len(body) and seen[0].elapsed >= 0.5
    text = seen[0].describe()
    assert text.startswith(f"dataset {CODE}: ") and " MB of " in text and "elapsed" in text


def test_a_fast_download_reports_nothing():
    seen: list[Progress] = []
    with EurostatTestServer(datasets={CODE: gzip.compress(sdmx_csv([("BE", "2025", "1", "", "")]))}, toc=TOC) as server:
        EurostatClient(server.base_url, retries=0, progress=seen.append).fetch_dataset(CODE)
    assert seen == []


def test_an_asynchronous_extraction_reports_each_status_with_the_time_waited():
    key = "k-progress"
    gz = gzip.compress(sdmx_csv([("BE", "2025", "24.71", "", "")]), mtime=0)
    seen: list[Progress] = []
    fake = FakeTime()
    with EurostatTestServer(datasets={CODE: gz}, toc=TOC) as server:
        server.script(ROUTE, [Respond(200, soap_queued(key), {"Content-Type": "text/xml"})])
        server.script(async_status_route(key),
                      [Respond(200, soap_async_status(key, s)) for s in ("PROCESSING", "PROCESSING", "AVAILABLE")])
        server.script(async_data_route(key), [Respond(200, gz)])
        client = EurostatClient(server.base_url, retries=0, async_poll_initial=2.0, async_poll_max=8.0,
                                clock=fake.clock, sleep=fake.sleep, progress=seen.append)
        assert client.fetch_dataset(CODE).body == gz
    assert [(p.stage, p.status, p.elapsed) for p in seen] == [
        ("waiting", "SUBMITTED", 0.0), ("waiting", "PROCESSING", 2.0),
        ("waiting", "PROCESSING", 6.0), ("waiting", "AVAILABLE", 14.0),
    ]
    assert seen[2].describe() == (
        f"dataset {CODE}: waiting for Eurostat's asynchronous extraction {key} (PROCESSING, 6 s elapsed)"
    )
    assert Progress(CODE, "u", "waiting", 75.0, status="PROCESSING", key=key).describe().endswith(
        "(PROCESSING, 1 min 15 s elapsed)")


def test_the_cli_prints_progress_at_once_and_a_steps_own_message_on_its_line():
    import io
    import logging
    from types import SimpleNamespace

    from dagster import DagsterEventType

    from assets.cli import StepPrinter
    from assets.ingest import PROGRESS_PREFIX

    out = io.StringIO()
    printer = StepPrinter(steps=["eurostat_catalogue", "raw__isoc_eb_ai"], out=out)

    def event(kind):
        return SimpleNamespace(step_key="raw__isoc_eb_ai", dagster_event=SimpleNamespace(event_type=kind),
                               level=logging.DEBUG, user_message="")

    def log(message):
        return SimpleNamespace(step_key="raw__isoc_eb_ai", dagster_event=None, level=logging.INFO,
                               user_message=message)

    printer(event(DagsterEventType.STEP_START))
    printer(log(PROGRESS_PREFIX + "dataset isoc_eb_ai: 12.0 MB of 40.0 MB received (6 s elapsed)"))
    assert out.getvalue() == "        raw/isoc_eb_ai: … dataset isoc_eb_ai: 12.0 MB of 40.0 MB received (6 s elapsed)\n"
    printer(log("isoc_eb_ai: first download, 40,000,000 bytes"))
    assert out.getvalue().count("\n") == 1, "a step's own message waits for its line"
    printer(event(DagsterEventType.STEP_SUCCESS))
    last = out.getvalue().splitlines()[-1]
    assert last.startswith("[1/2] ok      raw/isoc_eb_ai") and last.endswith("isoc_eb_ai: first download, 40,000,000 bytes")
    printer.finish()
    assert out.getvalue().splitlines()[-1].startswith("[2/2] skipped eurostat_catalogue")
