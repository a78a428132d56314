"""Small Eurostat bodies (SDMX-CSV, TOC) and clients pointed at the loopback server, shared by the client tests."""

from __future__ import annotations

import gzip
from datetime import date

from pipeline.eurostat.client import EurostatClient
from pipeline.eurostat.toc import TocEntry
from tests.eurostat_server import data_route
from tests.helpers.clock import FakeTime

CODE = "isoc_eb_ai"
ROUTE = data_route(CODE)
HEADER = "DATAFLOW,LAST UPDATE,freq,size_emp,nace_r2,indic_is,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS"
TANY = "A,GE10,C10-S951_X_K,E_AI_TANY,PC_ENT"
TOC = (
    '"title"\t"code"\t"type"\t"last update of data"\t"last table structure change"\t"data start"'
    '\t"data end"\t"values"\n'
    '"    Artificial intelligence by size class of enterprise"\t"isoc_eb_ai"\t"dataset"\t"27.02.2026"'
    '\t"12.12.2024"\t"2021"\t"2025"\t57175\n'
).encode()


def sdmx_csv(rows, *, header: str = HEADER, stamp: str = "27/02/26 11:00:00") -> bytes:
    """SDMX-CSV 1.0 of isoc_eb_ai as Eurostat writes it (CRLF); a row is 'geo,year,value,flag,conf' or that tuple."""
    cells = [row if isinstance(row, str) else ",".join(row) for row in rows]
    lines = [header] + [f"ESTAT:ISOC_EB_AI(1.0),{stamp},{TANY},{row}" for row in cells]
    return ("\r\n".join(lines) + "\r\n").encode()


EARLIER, LATER = date(2026, 2, 27), date(2026, 6, 15)  # two Eurostat updates of a dataset
GOOD_ROWS = ["BE,2024,24.71,,", "BE,2025,34.54,p,", "FR,2025,5.88,b,", "MK,2021,,,C", "EU27_2020,2025,19.95,,"]
OLD = gzip.compress(sdmx_csv(GOOD_ROWS), mtime=0)  # what an earlier run stored
NEW = gzip.compress(sdmx_csv(GOOD_ROWS + ["DE,2025,20.1,,"], stamp="15/06/26 11:00:00"), mtime=0)


def toc_line(code: str, last_update: str) -> str:
    return f'"    {code} title"\t"{code}"\t"dataset"\t"{last_update}"\t"12.12.2024"\t"2021"\t"2025"\t100\n'


def toc(entries: dict[str, str]) -> bytes:
    """A TOC txt listing `code -> dd.mm.yyyy` last updates."""
    head = ('"title"\t"code"\t"type"\t"last update of data"\t"last table structure change"\t"data start"'
            '\t"data end"\t"values"\n')
    return (head + "".join(toc_line(c, d) for c, d in entries.items())).encode()


def toc_entry(last_update: date, code: str = CODE) -> TocEntry:
    return TocEntry(code=code, title=f"{code} title", type="dataset", last_update=last_update,
                    last_structure_change=None, data_start="2021", data_end="2025", values=100)


def client_for(server, **kw) -> EurostatClient:
    """A client of the loopback server with short timeouts and quick retries (real waits, a few ms)."""
    options = dict(connect_timeout=1.0, read_timeout=2.0, retries=2, backoff_factor=0.01)
    return EurostatClient(server.base_url, **(options | kw))


def fake_time_client(server, **kw) -> EurostatClient:
    """A client whose waits only advance a fake clock, with a 1 MB decompression cap and a 60 s async deadline."""
    fake = FakeTime()
    options = dict(connect_timeout=1.0, read_timeout=0.5, retries=2, backoff_factor=0.01,
                   max_decompressed_bytes=1_000_000, async_deadline=60, clock=fake.clock, sleep=fake.sleep)
    return EurostatClient(server.base_url, **(options | kw))

