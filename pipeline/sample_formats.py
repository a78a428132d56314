"""Eurostat's exact file formats for the synthetic mirror: SDMX-CSV 1.0, the wide TSV and the TOC txt."""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pipeline.datasets import DATASETS

@dataclass
class _Table:
    """One dataset: per series key (DSD order), its cells (year, printed value, flag, conf)."""

    code: str
    series: dict[tuple[str, ...], list[tuple[int, str, str, str]]] = field(default_factory=dict)

    def sorted_series(self):
        return sorted(self.series.items())

    @property
    def rows(self) -> int:
        return sum(len(cells) for cells in self.series.values())


def _sdmx_csv(table: _Table, last_update: datetime) -> bytes:
    spec = DATASETS[table.code]
    prefix = f"ESTAT:{table.code.upper()}(1.0),{last_update.strftime('%d/%m/%y %H:%M:%S')},"
    header = ["DATAFLOW", "LAST UPDATE", *spec.dimensions, "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG", "CONF_STATUS"]
    lines = [",".join(header)]
    for key, cells in table.sorted_series():
        start = prefix + ",".join(key)
        lines.extend(f"{start},{year},{value},{flag},{conf}" for year, value, flag, conf in cells)
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _tsv(table: _Table, years: list[int]) -> bytes:
    spec = DATASETS[table.code]
    header = ",".join(spec.dimensions) + "\\TIME_PERIOD\t" + "\t".join(f"{y} " for y in years)
    lines = [header]
    for key, cells in table.sorted_series():
        # the wide layout is dense: a left-out observation is printed as ': '
        shown = {year: f"{value or ':'} {flag}{conf.lower()}" for year, value, flag, conf in cells}
        lines.append(",".join(key) + "\t" + "\t".join(shown.get(y, ": ") for y in years))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _gzip(data: bytes) -> bytes:
    # mtime=0 and no file name in the header: the same data gives the same bytes
    return gzip.compress(data, compresslevel=6, mtime=0)


# (indent level, title, code, type); datasets of DATASETS get their dates and counts filled in.
_TOC_TREE: tuple[tuple[int, str, str, str], ...] = (
    (0, "Database by themes", "data", "folder"),
    (1, "General and regional statistics", "general", "folder"),
    (2, "European and national indicators for short-term analysis", "euroind", "folder"),
    (3, "Business and consumer surveys", "ei_bcs", "folder"),
    (4, "Consumers - monthly data", "ei_bsco_m", "dataset"),
    (2, "Degree of urbanisation", "degurb", "folder"),
    (3, "Digital economy and society", "degurb_isoc", "folder"),
    (4, "ICT usage in households and by individuals", "du_isoc_i", "folder"),
    (5, "E-commerce", "du_isoc_iec", "folder"),
    (6, "", "isoc_ec_ib20", "dataset"),
    (6, "", "isoc_ec_ibgs", "dataset"),
    (1, "Population and social conditions", "popul", "folder"),
    (2, "Demography, population stock and balance", "demo", "folder"),
    (3, "Population on 1 January by age and sex", "demo_pjan", "dataset"),
    (1, "Science, technology, digital society", "science", "folder"),
    (2, "Digital economy and society", "isoc", "folder"),
    (3, "ICT usage in households and by individuals", "isoc_i", "folder"),
    (4, "Internet use", "isoc_iiu", "folder"),
    (5, "Individuals - internet use", "isoc_ci_ifp_iu", "dataset"),
    (5, "", "isoc_ai_iaiu", "dataset"),
    (4, "E-commerce", "isoc_iec", "folder"),
    (5, "", "isoc_ec_ib20", "dataset"),
    (6, "Individuals using the internet for buying goods or services", "tin00096", "table"),
    (5, "", "isoc_ec_ibgs", "dataset"),
    (5, "", "isoc_ec_iprb21", "dataset"),
    (4, "Digital skills", "isoc_sk", "folder"),
    (5, "", "isoc_sk_dskl_i21", "dataset"),
    (3, "ICT usage in enterprises", "isoc_e", "folder"),
    (4, "E-commerce", "isoc_ec", "folder"),
    (5, "", "isoc_ec_evals", "dataset"),
    (4, "E-business", "isoc_eb", "folder"),
    (5, "Artificial intelligence by NACE Rev. 2 activity", "isoc_eb_ain2", "dataset"),
    (5, "", "isoc_eb_ai", "dataset"),
    (5, "", "isoc_eb_das", "dataset"),
    (4, "Cloud computing", "isoc_cc", "folder"),
    (5, "", "isoc_cicce_use", "dataset"),
    (4, "", "isoc_e_dii", "dataset"),
    (3, "ICT specialists", "isoc_sks", "folder"),
    (4, "", "isoc_sks_itspt", "dataset"),
)
# Entries outside the overview: (values, data start, data end, days before the last update).
_TOC_OTHERS = {
    "ei_bsco_m": (292446, "1980-01", None, 3),
    "demo_pjan": (734973, "1960", None, 40),
    "isoc_ci_ifp_iu": (506497, "2002", None, 0),
    "tin00096": (354, "2020", None, 0),
    "isoc_eb_ain2": (446514, "2018", None, 0),
}


def _toc(datasets: dict[str, tuple[int, int, int]], last_update: datetime) -> bytes:
    """Eurostat's TOC txt: tab-separated, every field quoted but `values`, LF line ends."""
    day = last_update.date()
    structure_change = day - timedelta(days=77)

    def quoted(*fields: str) -> str:
        return "\t".join(f'"{f}"' for f in fields)

    lines = [quoted("title", "code", "type", "last update of data", "last table structure change",
                    "data start", "data end", "values")]
    for level, title, code, kind in _TOC_TREE:
        indent = "    " * level
        if kind == "folder":
            lines.append(quoted(indent + title, code, kind, " ", " ", " ", " ") + "\t")
            continue
        if code in datasets:
            start, end, values = datasets[code]
            title, updated = DATASETS[code].title, day
        else:
            values, start, end, days_before = _TOC_OTHERS[code]
            updated = day - timedelta(days=days_before)
            end = end or (updated.strftime("%Y-%m") if "-" in start else str(updated.year - 1))
        lines.append(
            quoted(indent + title, code, kind, updated.strftime("%d.%m.%Y"),
                   min(structure_change, updated).strftime("%d.%m.%Y"), str(start), str(end))
            + f"\t{values}"
        )
    return ("\n".join(lines) + "\n").encode("utf-8")
