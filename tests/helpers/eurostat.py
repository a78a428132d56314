"""Small Eurostat bodies and a fingerprint of a data directory, shared by the reliability tests."""

from __future__ import annotations

import gzip
import hashlib
from datetime import date
from pathlib import Path

from pipeline.eurostat.toc import TocEntry

CODE = "isoc_eb_ai"
HEADER = "DATAFLOW,LAST UPDATE,freq,size_emp,nace_r2,indic_is,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS"
TANY = "A,GE10,C10-S951_X_K,E_AI_TANY,PC_ENT"


def sdmx_csv(rows: list[str], *, header: str = HEADER, stamp: str = "27/02/26 11:00:00") -> bytes:
    """SDMX-CSV 1.0 of isoc_eb_ai as Eurostat writes it (CRLF); each row is 'geo,year,value,flag,conf'."""
    lines = [header] + [f"ESTAT:ISOC_EB_AI(1.0),{stamp},{TANY},{row}" for row in rows]
    return ("\r\n".join(lines) + "\r\n").encode()


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


def fingerprint(root: Path) -> dict[str, str]:
    """Every path under root with the sha256 of its content ('dir' for folders): equal means untouched."""
    return {
        p.relative_to(root).as_posix(): ("dir" if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest())
        for p in sorted(root.rglob("*"))
    }
