"""The whole Dagster graph on a mirror shaped like the real data (tests/real_mirror.py): real Eurostat rows
of isoc_eb_ai, isoc_e_dii and isoc_ec_evals, completed with synthetic rows only where no real row exists.

Editions 2024, 2025 and 2026 are built on one data directory from one mirror; the focus country's
figures must be the real rows. Expected values are read here from the real files with the csv module
(independently of tests/real_mirror.py), and cross-checked against the figures quoted in the issue.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from dagster import materialize

from assets.definitions import defs
from assets.io import ParquetIOManager
from assets.resources import EurostatApi, OverviewSettings, PipelineStore
from pipeline.catalogue import load_catalogue
from pipeline.datasets import DATASETS
from pipeline.eurostat import parse_toc
from pipeline.eurostat.mirror import DATA_PREFIX, MirrorServer
from pipeline.geo import EU27
from pipeline.release import presentation_from_catalogue, read_latest
from pipeline.sample import write_sample_mirror
from tests.real_mirror import write_real_mirror

pytestmark = pytest.mark.integration
REPO = Path(__file__).resolve().parents[1]
EDITIONS = (2024, 2025, 2026)
CATALOGUE = load_catalogue()
# the datasets of the issue, plus any other the catalogue reads and the real files hold (tests/real_mirror.py)
REAL_DATASETS = tuple(code for code in ("isoc_eb_ai", "isoc_e_dii", "isoc_ec_evals", "isoc_cicce_use",
                                       "isoc_eb_das")
                      if code in CATALOGUE.datasets)
FOCUS = "BE"


# --------------------------------------------------------------------- the real files, read here


def _real_files(samples_dir: Path, code: str) -> list[Path]:
    """Every SDMX-CSV of the dataset's folder of the 27/02/2026 vintage: the 1.0 excerpts and `<code>.csv`."""
    folder = samples_dir / code
    return sorted(folder.glob("EXCERPT_*.csv")) + sorted(folder.glob(f"{code}.csv"))


def _real(samples_dir: Path) -> dict[str, dict[tuple[str, int], tuple[float | None, str, str]]]:
    """dataset -> {(series key with geo, period): (value, flag, conf)}, as the real files print them."""
    out: dict[str, dict] = {}
    for code in REAL_DATASETS:
        dims = DATASETS[code].dimensions
        rows: dict = {}
        for path in _real_files(samples_dir, code):
            with path.open(newline="", encoding="utf-8") as handle:
                reader = csv.reader(handle)
                header = next(reader)
                names = (*dims, "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG", "CONF_STATUS")
                at = {name: header.index(name) for name in names}
                for fields in reader:
                    key = (".".join(fields[at[d]] for d in dims), int(fields[at["TIME_PERIOD"]]))
                    text = fields[at["OBS_VALUE"]].strip()
                    cell = (float(text) if text else None, fields[at["OBS_FLAG"]], fields[at["CONF_STATUS"]])
                    assert rows.setdefault(key, cell) == cell, f"{path.name} disagrees on {key}"
        out[code] = rows
    return out


@pytest.fixture(scope="module")
def real(samples_dir) -> dict:
    return _real(samples_dir)


def _value(real: dict, code: str, key: str, period: int) -> float:
    value, _, conf = real[code][(key, period)]
    assert value is not None and not conf, f"the real {code} {key} {period} has no value"
    return value


# ------------------------------------------------------------------------------ the mirror


@pytest.fixture(scope="module")
def mirror(samples_dir, tmp_path_factory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("real-mirror")
    return root, write_real_mirror(samples_dir, root)


def _mirror_rows(root: Path, code: str) -> tuple[bytes, dict[tuple[str, int], tuple[str, str, str]]]:
    text = gzip.decompress((root / "data" / f"{code}.sdmx.csv.gz").read_bytes())
    dims = DATASETS[code].dimensions
    reader = csv.DictReader(io.StringIO(text.decode("utf-8"), newline=""))
    rows = {}
    for row in reader:
        key = (".".join(row[d] for d in dims), int(row["TIME_PERIOD"]))
        assert key not in rows, f"{code}: {key} twice in the mirror"
        assert row["DATAFLOW"] == f"ESTAT:{code.upper()}(1.0)" and row["LAST UPDATE"] == "27/02/26 11:00:00"
        rows[key] = (row["OBS_VALUE"], row["OBS_FLAG"], row["CONF_STATUS"])
    return text, rows


def test_the_mirror_holds_every_real_row_and_synthetic_ones_only_where_the_rule_allows(mirror, real, samples_dir,
                                                                                          tmp_path):
    root, summary = mirror
    for code in REAL_DATASETS:
        header = ",".join(["DATAFLOW", "LAST UPDATE", *DATASETS[code].dimensions, "TIME_PERIOD",
                           "OBS_VALUE", "OBS_FLAG", "CONF_STATUS"]).encode()
        text, rows = _mirror_rows(root, code)
        assert text.startswith(header + b"\r\n") and text.endswith(b"\r\n") and b"\n" not in text.replace(b"\r\n", b"")
        info = summary["datasets"][code]
        files = _real_files(samples_dir, code)
        assert sorted(info["real_files"]) == sorted(str(p.relative_to(samples_dir)) for p in files)
        assert info["real_rows"] == len(real[code]) and len(rows) == info["real_rows"] + info["synthetic_rows"]
        for key, (value, flag, conf) in real[code].items():
            printed = rows[key]
            assert (float(printed[0]) if printed[0] else None, printed[1], printed[2]) == (value, flag, conf), key
        real_periods: dict[str, set[int]] = {}
        for series_geo, period in real[code]:
            real_periods.setdefault(series_geo.rsplit(".", 1)[0], set()).add(period)
        synthetic = [key for key in rows if key not in real[code]]
        assert len(synthetic) == info["synthetic_rows"] > 0
        for series_geo, period in synthetic:
            series = series_geo.rsplit(".", 1)[0]
            assert series not in real_periods or period in real_periods[series], (code, series_geo, period)
        # the rule both adds (a missing geo of a real series) and leaves out (a period the real series lacks)
        assert any(k[0].rsplit(".", 1)[0] in real_periods for k in synthetic)
    assert summary["datasets"]["isoc_eb_ai"]["synthetic_dropped_period"] > 0
    # E_AI_PITS in PC_ENT_AI_TANY: the real files have 2021, 2023, 2025, so no synthetic 2024 at all
    _, eb_ai = _mirror_rows(root, "isoc_eb_ai")
    pits = {p for k, p in eb_ai if k.startswith("A.GE10.C10-S951_X_K.E_AI_PITS.PC_ENT_AI_TANY.")}
    assert pits == {2021, 2023, 2025}

    # the datasets without a real file are the sample's, byte for byte
    write_sample_mirror(tmp_path / "sample", last_year=2025)
    for code in sorted(CATALOGUE.datasets - set(REAL_DATASETS)):
        assert summary["datasets"][code]["origin"] == "synthetic"
        for ext in ("sdmx.csv.gz", "tsv.gz"):
            name = f"data/{code}.{ext}"
            assert (root / name).read_bytes() == (tmp_path / "sample" / name).read_bytes(), name

    toc = parse_toc((root / "toc_en.txt").read_bytes())
    for code in CATALOGUE.datasets:
        assert toc[code].last_update.isoformat() == "2026-02-27", code
    assert (toc["isoc_ec_evals"].data_start, toc["isoc_ec_evals"].data_end) == ("2010", "2025")
    assert toc["isoc_e_dii"].values == summary["datasets"]["isoc_e_dii"]["rows"]
    tsv = gzip.decompress((root / "data" / "isoc_ec_evals.tsv.gz").read_bytes()).decode()
    assert "A,GE10,C10-S951_X_K,E_AXSVAL,PC_ETURN,BE\t" in tsv and "\t65.99 " in tsv

    readme = (root / "SAMPLE.md").read_text()
    assert readme.startswith("# Real Eurostat rows completed with synthetic rows")
    dii = summary["datasets"]["isoc_e_dii"]
    assert f"| isoc_e_dii | real+synthetic | {len(real['isoc_e_dii'])} | {dii['synthetic_rows']} |" in readme


# ------------------------------------------------------------------- three editions, one data dir


def _materialise(base_url: str, data_dir: Path, edition: int):
    return materialize(
        list(defs.assets), partition_key=str(edition), raise_on_error=False,
        resources={
            "eurostat": EurostatApi(base_url=base_url, retries=1, backoff_factor=0.01, read_timeout=10),
            "store": PipelineStore(data_dir=str(data_dir), source="sample"),  # partly synthetic: not "eurostat"
            "overview": OverviewSettings(focus_geo=FOCUS, chart_png="none"),
            "io_manager": ParquetIOManager(base_path=str(data_dir / "assets")),
        },
    )


def _failures(result) -> str:
    return "\n".join(f"{e.step_key}: {e.event_specific_data.error.message}"
                     for e in result.all_events if e.event_type_value == "STEP_FAILURE")


@pytest.fixture(scope="module")
def editions(mirror, tmp_path_factory) -> dict[int, Path]:
    root, _ = mirror
    data_dir = tmp_path_factory.mktemp("real-data")
    releases = {}
    with MirrorServer(root) as server:
        for edition in EDITIONS:
            result = _materialise(server.base_url, data_dir, edition)
            assert result.success, f"edition {edition} failed on the real-shaped mirror:\n{_failures(result)}"
            releases[edition] = read_latest(data_dir, edition)
        # one mirror, one data dir: each dataset downloaded once, the later editions reuse the snapshots
        for code in DATASETS:
            assert server.request_count(DATA_PREFIX + code) == 1, code
    return releases


def _indicators(releases: dict[int, Path], edition: int) -> pd.DataFrame:
    return pd.read_parquet(releases[edition] / "indicators.parquet")


def _row(df: pd.DataFrame, indicator: str, period: int) -> pd.Series:
    rows = df[(df["indicator_id"] == indicator) & (df["time_period"] == period) & (df["geo"] == FOCUS)]
    assert len(rows) == 1, f"{indicator} {period}: {len(rows)} rows"
    return rows.iloc[0]


def test_each_edition_publishes_a_release_of_its_own(editions):
    for edition, release in editions.items():
        manifest = json.loads((release / "manifest.json").read_text())
        assert manifest["edition"] == edition and manifest["focus_geo"] == FOCUS
        assert set(manifest["inputs"]) == set(DATASETS)
        assert release.parent.name == str(edition)
    for edition in (2024, 2025):  # built from the data served today: said so
        note = json.loads((editions[edition] / "manifest.json").read_text())["note"]
        assert note.startswith(f"past edition: edition {edition} built from the data Eurostat served on")


DII_GE10 = "A.GE10.C10-S951_X_K.{}.PC_ENT.BE"
DII_SME = "A.10-249.C10-S951_X_K.{}.PC_ENT.BE"
# (edition, indicator, period, dataset, series key of the real row, figure quoted in the issue, reference period)
QUOTED = [
    (2026, "basic_digital_intensity", 2025, "isoc_e_dii", DII_GE10.format("E_DI3_GELO"), 84.90, 2025),
    (2026, "basic_digital_intensity_smes", 2025, "isoc_e_dii", DII_SME.format("E_DI3_GELO"), 84.35, 2025),
    (2025, "basic_digital_intensity", 2024, "isoc_e_dii", DII_GE10.format("E_DI4_GELO"), 84.30, 2024),
    (2025, "basic_digital_intensity_smes", 2024, "isoc_e_dii", DII_SME.format("E_DI4_GELO"), 83.70, 2024),
    (2026, "ai_purpose_marketing_sales", 2025, "isoc_eb_ai", "A.GE10.C10-S951_X_K.E_AI_PMS.PC_ENT_AI_TANY.BE",
     26.39, 2025),
    (2026, "ecommerce_edi_share", 2025, "isoc_ec_evals", "A.GE10.C10-S951_X_K.E_AXSVAL.PC_ETURN.BE", 65.99, 2024),
    (2026, "ecommerce_turnover_share", 2025, "isoc_ec_evals", "A.GE10.C10-S951_X_K.E_ETURN.PC_TURN.BE", 29.51, 2024),
    (2026, "ai_any_all_enterprises", 2025, "isoc_eb_ai", "A.GE10.C10-S951_X_K.E_AI_TANY.PC_ENT.BE", 34.54, 2025),
]


@pytest.mark.parametrize("edition, indicator, period, code, key, quoted, reference", QUOTED,
                         ids=[f"{q[0]}-{q[1]}-{q[2]}" for q in QUOTED])
def test_the_focus_figures_are_the_real_rows(editions, real, edition, indicator, period, code, key, quoted, reference):
    expected = _value(real, code, key, period)
    assert expected == quoted  # the real file says what the issue quotes
    row = _row(_indicators(editions, edition), indicator, period)
    assert row["series_key"] == key
    assert row["value"] == expected
    assert row["reference_period"] == reference
    eu = real[code].get((key[: -len(FOCUS)] + "EU27_2020", period))
    if eu is not None and eu[0] is not None:
        assert row["eu_value"] == eu[0]


def test_digital_intensity_changes_within_its_version(editions, real):
    row = _row(_indicators(editions, 2026), "basic_digital_intensity", 2025)
    assert row["series_version"] == "DII v3"
    # v3 and v4 are not comparable: the change goes back to the previous v3 year, not to 2024
    assert row["prev_time_period"] == 2023
    assert row["prev_value"] == _value(real, "isoc_e_dii", DII_GE10.format("E_DI3_GELO"), 2023)
    assert _row(_indicators(editions, 2025), "basic_digital_intensity", 2024)["series_version"] == "DII v4"


def test_belgian_smes_distance_to_the_2030_digital_intensity_target(editions, real):
    # the Digital Decade chapter of edition 2026: 84.35 % of Belgian SMEs (real E_DI3_GELO 2025), target 90
    df = pd.read_parquet(editions[2026] / "indicators.parquet")
    row = _row(df, "basic_digital_intensity_smes", 2025)
    value = _value(real, "isoc_e_dii", DII_SME.format("E_DI3_GELO"), 2025)
    assert row["value"] == value == 84.35
    assert (row["target_value"], row["target_year"]) == (90.0, 2030)
    assert row["gap_to_target"] == pytest.approx(90 - 84.35) and round(row["gap_to_target"], 2) == 5.65
    assert row["required_yearly_change"] == pytest.approx(5.65 / 5)
    earlier = _value(real, "isoc_e_dii", DII_SME.format("E_DI3_GELO"), 2021)  # same version (v3)
    assert row["recent_yearly_change"] == pytest.approx((84.35 - earlier) / 4)
    assert bool(row["on_track"]) == (row["recent_yearly_change"] >= row["required_yearly_change"])
    # every member has the table, and the products show it
    smes = df[(df["indicator_id"] == "basic_digital_intensity_smes") & (df["time_period"] == 2025)]
    assert set(smes["geo"]) == EU27 and smes["target_value"].eq(90).all()
    nl = (editions[2026] / "members" / "BE" / "key_figures.nl.md").read_text(encoding="utf-8")
    assert "| 84,35\u00a0% | 90,00\u00a0% (2030) | 5,65 |" in nl


NBSP = "\u00a0"
AI = "A.{}.C10-S951_X_K.E_AI_TANY.PC_ENT.{}"
# What the 2026 Belgian overview published, and the real row each figure is: (figure, dataset, key, period)
OVERVIEW_2026 = [
    ("34,54", "isoc_eb_ai", AI.format("GE10", "BE"), 2025),  # AI use, BE
    ("24,71", "isoc_eb_ai", AI.format("GE10", "BE"), 2024),  # the same a year before
    ("19,95", "isoc_eb_ai", AI.format("GE10", "EU27_2020"), 2025),  # the EU27
    ("76,41", "isoc_eb_ai", AI.format("GE250", "BE"), 2025),  # large enterprises
    ("28,82", "isoc_eb_ai", AI.format("10-49", "BE"), 2025),  # small enterprises
    ("29,51", "isoc_ec_evals", "A.GE10.C10-S951_X_K.E_ETURN.PC_TURN.BE", 2025),  # e-commerce turnover (2024 sales)
    ("65,99", "isoc_ec_evals", "A.GE10.C10-S951_X_K.E_AXSVAL.PC_ETURN.BE", 2025),  # "two thirds" via EDI
]


def _texts(editions, name: str) -> str:
    path = editions[2026] / "members" / FOCUS / name
    text = path.read_text(encoding="utf-8")
    if name.endswith(".html"):
        import html
        import re

        text = html.unescape(re.sub(r"<[^>]+>", " ", text.split("<body>", 1)[1]))
    return text


def test_the_belgian_2026_texts_quote_the_figures_of_the_2026_overview(editions, real):
    """The figures the 2026 Belgian overview printed, as it printed them (two decimals, "34,54 %" with a
    no-break space), in the nl and fr key figures and documents made on the real rows."""
    for figure, code, key, period in OVERVIEW_2026:
        assert f"{_value(real, code, key, period):.2f}".replace(".", ",") == figure, (code, key, period)
    key_nl, key_fr = _texts(editions, "key_figures.nl.md"), _texts(editions, "key_figures.fr.md")
    doc_nl, doc_fr = _texts(editions, "overview.nl.html"), _texts(editions, "overview.fr.html")
    for text in (key_nl, key_fr, doc_nl, doc_fr):
        for figure in ("34,54", "24,71", "19,95", "29,51"):
            assert f"{figure}{NBSP}%" in text, figure
        assert "34.54" not in text and "34,54 %" not in text  # never the English point, never a breakable space
    # the headline with its change and the EU in percentage points, and the rank (the overview's "top 5")
    assert (f"in 2025 kwam België uit op 34,54{NBSP}%, 9,83 procentpunt meer dan in 2024 (24,71{NBSP}%). België zit "
            f"14,59 procentpunt boven het EU27-gemiddelde (19,95{NBSP}%). België staat op de 4de plaats") in key_nl
    assert (f"en 2025, la Belgique atteint 34,54{NBSP}%, soit 9,83 points de pourcentage de plus qu'en 2024 "
            f"(24,71{NBSP}%). La Belgique se situe 14,59 points de pourcentage au-dessus de la moyenne de l'UE27 "
            f"(19,95{NBSP}%). La Belgique se classe 4e sur 27") in key_fr
    assert f"in 2024 kwam België uit op 29,51{NBSP}%" in key_nl  # e-commerce sales of 2024, surveyed in 2025
    # the size-class contrast as the overview says it: 76,41 % of large enterprises against 28,82 % of small ones
    assert (f"76,41{NBSP}% van de grote ondernemingen tegenover 28,82{NBSP}% van de kleine ondernemingen, een "
            f"verschil van 47,59 procentpunt") in doc_nl
    assert (f"76,41{NBSP}% des grandes entreprises contre 28,82{NBSP}% des petites entreprises, soit un écart de "
            f"47,59 points de pourcentage") in doc_fr
    assert "4de van 27 lidstaten" in doc_nl and "4e sur 27 États membres" in doc_fr
    assert f"65,99{NBSP}%" in doc_nl and f"65,99{NBSP}%" in doc_fr  # the EDI share of e-commerce, in its table
    # partly synthetic (tests/real_mirror.py): labelled as the sample, never as Eurostat's own figures
    assert "SYNTHETISCHE VOORBEELDGEGEVENS" in key_nl and "Bron: Eurostat" not in key_nl


def test_ai_use_rank_and_eu_value_come_from_the_real_rows(editions, real):
    series = "A.GE10.C10-S951_X_K.E_AI_TANY.PC_ENT"
    members = {geo: real["isoc_eb_ai"][(f"{series}.{geo}", 2025)][0] for geo in sorted(EU27)}
    assert len(members) == 27 and None not in members.values()  # all 27 members have a real 2025 value
    by_hand = 1 + sum(1 for value in members.values() if value > members[FOCUS])  # ties share the best rank
    assert by_hand == 4
    row = _row(_indicators(editions, 2026), "ai_any_all_enterprises", 2025)
    assert (row["rank"], row["n_ranked"]) == (by_hand, 27)
    assert row["eu_value"] == _value(real, "isoc_eb_ai", f"{series}.EU27_2020", 2025) == 19.95
    rankings = pd.read_parquet(editions[2026] / "rankings.parquet")
    ranked = rankings[(rankings["indicator_id"] == "ai_any_all_enterprises") & (rankings["time_period"] == 2025)]
    assert dict(zip(ranked["geo"], ranked["value"])) == members


def test_every_focus_figure_with_a_real_row_is_that_row(editions, real):
    checked = 0
    for edition in EDITIONS:
        df = _indicators(editions, edition)
        for row in df.itertuples():
            cell = real[row.dataset].get((row.series_key, row.time_period)) if row.dataset in real else None
            if cell is None:
                continue
            value, _, conf = cell
            if value is None or conf:
                assert math.isnan(row.value), (edition, row.indicator_id, row.time_period)
            else:
                assert row.value == value, (edition, row.indicator_id, row.time_period)
            checked += 1
    assert checked > 100


def test_edition_2024_has_every_headline_surveyed_in_2023(editions, real):
    df = _indicators(editions, 2024)
    assert df["time_period"].max() == 2023
    surveyed = [s.id for s in CATALOGUE.headline if s.surveyed(CATALOGUE.reporting_period(s, 2024))]
    assert set(surveyed) == set(presentation_from_catalogue(CATALOGUE, 2024).headline_ids)
    assert "genai_any_purpose" not in surveyed and "basic_digital_intensity" in surveyed
    for indicator in surveyed:
        spec = CATALOGUE.by_id[indicator]
        row = _row(df, indicator, CATALOGUE.reporting_period(spec, 2024))
        assert not math.isnan(row["value"]), indicator
        cell = real.get(spec.dataset, {}).get((row["series_key"], row["time_period"]))
        if cell is not None:  # a real headline row: its value, not a synthetic one
            assert row["value"] == cell[0], indicator
    assert _row(df, "basic_digital_intensity", 2023)["series_key"] == DII_GE10.format("E_DI3_GELO")
    figures = json.loads((editions[2024] / "members" / FOCUS / "key_figures.json").read_text())
    assert {f["indicator_id"] for f in figures["key_figures"]} == set(surveyed)


def test_manifest_coverage_and_missing_figures(editions, real):
    manifest = json.loads((editions[2026] / "manifest.json").read_text())
    coverage = manifest["coverage"]
    assert coverage
    shown = EU27 | {"EU27_2020"}
    for version, code in (("DII v3", "E_DI3_GELO"), ("DII v4", "E_DI4_GELO")):
        (entry,) = [c for c in coverage if c["indicator_id"] == "basic_digital_intensity" and c["version"] == version]
        periods = {int(p) for p in entry["periods"].split(", ")}
        real_periods = {p for (k, p), (v, _, _) in real["isoc_e_dii"].items()
                        if k.startswith(f"A.GE10.C10-S951_X_K.{code}.PC_ENT.") and k.rsplit(".", 1)[1] in shown
                        and v is not None}
        assert periods == real_periods
        assert periods == ({2021, 2023, 2025} if version == "DII v3" else {2022, 2024})
        assert entry["status"] == "ok"

    phr_periods = {p for (k, p) in real["isoc_eb_ai"] if ".E_AI_PHR." in k}
    assert phr_periods == {2021}
    missing = [m for m in manifest["missing_figures"] if m["indicator_id"] == "ai_purpose_human_resources"]
    assert len(missing) == 27 and {m["geo"] for m in missing} == EU27  # one per member
    assert {m["time_period"] for m in missing} == {2025}
    assert {m["problem"] for m in missing} == {"last surveyed in 2021"}


# ---------------------------------------------------------------------------- the CLI, as a user


def test_make_run_on_the_real_shaped_mirror_publishes_edition_2026(mirror, real, tmp_path):
    root, _ = mirror
    data_dir, home = tmp_path / "data", tmp_path / "dagster-home"
    keep = {k: v for k, v in os.environ.items()
            if k not in ("PIPELINE_DEBUG", "PIPELINE_SOURCE", "PIPELINE_FORCE_DOWNLOAD", "FOCUS_GEO")}
    with MirrorServer(root) as server:
        env = dict(keep, EUROSTAT_BASE_URL=server.base_url, PIPELINE_DATA_DIR=str(data_dir), DAGSTER_HOME=str(home),
                   NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
        done = subprocess.run([sys.executable, "-m", "assets.cli", "run", "--edition", "2026"], cwd=REPO, env=env,
                              capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"stdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    release = read_latest(data_dir, 2026)
    assert f"release 2026: {release}" in done.stdout
    row = _row(pd.read_parquet(release / "indicators.parquet"), "ai_any_all_enterprises", 2025)
    assert row["value"] == _value(real, "isoc_eb_ai", "A.GE10.C10-S951_X_K.E_AI_TANY.PC_ENT.BE", 2025)
    headline = set(presentation_from_catalogue(CATALOGUE, 2026).headline_ids)
    figures = json.loads((release / "members" / "BE" / "key_figures.json").read_text())["key_figures"]
    assert {f["indicator_id"] for f in figures if f["value"] is not None} == headline
