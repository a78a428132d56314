"""The static Eurostat mirror: serves a mirror directory as the API, through the real client."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import shutil
from pathlib import Path

import pytest

from pipeline.errors import UnknownDataset
from pipeline.eurostat.client import EurostatClient
from pipeline.eurostat.mirror import MirrorServer

pytestmark = pytest.mark.integration

CSV = (
    "DATAFLOW,LAST UPDATE,freq,size_emp,nace_r2,indic_is,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS\r\n"
    "ESTAT:ISOC_E_DII(1.0),27/02/26 11:00:00,A,GE10,C10-S951_X_K,E_DI4_GELO,PC_ENT,BE,2025,79.3,,\r\n"
).encode()
TSV = (
    "freq,size_emp,nace_r2,indic_is,unit,geo\\TIME_PERIOD\t2025 \r\n"
    "A,GE10,C10-S951_X_K,E_DI4_GELO,PC_ENT,BE\t79.3 \r\n"
).encode()
TOC = (
    '"title"\t"code"\t"type"\t"last update of data"\t"last table structure change"\t"data start"'
    '\t"data end"\t"values"\n'
    '"Digital Intensity by size class of enterprise"\t"isoc_e_dii"\t"dataset"\t"27.02.2026"\t"27.02.2026"'
    '\t"2015"\t"2025"\t3266\n'
).encode()


@pytest.fixture
def mirror_dir(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "toc_en.txt").write_bytes(TOC)
    (tmp_path / "data" / "isoc_e_dii.sdmx.csv.gz").write_bytes(gzip.compress(CSV, mtime=0))
    (tmp_path / "data" / "isoc_e_dii.tsv.gz").write_bytes(gzip.compress(TSV, mtime=0))
    return tmp_path


@pytest.fixture
def mirror(mirror_dir):
    with MirrorServer(mirror_dir) as server:
        yield server


def get(mirror: MirrorServer, path: str) -> tuple[int, dict[str, str], bytes]:
    """A raw GET, so that exactly what the mirror sends is seen (no client in between)."""
    conn = http.client.HTTPConnection("127.0.0.1", mirror.port, timeout=5)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def test_compressed_sdmx_csv_is_the_file_byte_for_byte(mirror, mirror_dir):
    status, headers, body = get(mirror, "/sdmx/2.1/data/isoc_e_dii?format=SDMX-CSV&compressed=true")
    assert status == 200
    assert body == (mirror_dir / "data" / "isoc_e_dii.sdmx.csv.gz").read_bytes()
    assert headers["Content-Type"] == "application/octet-stream"
    assert headers["Content-Disposition"] == "attachment; filename=isoc_e_dii.csv.gz"


def test_uncompressed_sdmx_csv_and_tsv(mirror):
    status, headers, body = get(mirror, "/sdmx/2.1/data/isoc_e_dii?format=SDMX-CSV&compressed=false")
    assert (status, body) == (200, CSV)
    assert headers["Content-Type"] == "application/vnd.sdmx.data+csv;version=1.0.0"
    status, headers, body = get(mirror, "/sdmx/2.1/data/isoc_e_dii?format=TSV&compressed=true")
    assert status == 200 and gzip.decompress(body) == TSV
    assert headers["Content-Disposition"] == "attachment; filename=isoc_e_dii.tsv.gz"


def test_catalogue(mirror):
    status, _, body = get(mirror, "/catalogue/toc/txt?lang=en")
    assert (status, body) == (200, TOC)
    assert get(mirror, "/catalogue/toc/txt?lang=fr")[0] == 404


def test_unknown_dataset_is_404_with_a_eurostat_like_fault(mirror):
    status, headers, body = get(mirror, "/sdmx/2.1/data/isoc_nope?format=SDMX-CSV&compressed=true")
    assert status == 404
    assert b"<faultstring>No results found: dataset isoc_nope is not in this mirror</faultstring>" in body


@pytest.mark.parametrize(
    "path",
    [
        "/sdmx/2.1/data/..%2F..%2Ftoc_en?format=SDMX-CSV&compressed=true",
        "/sdmx/2.1/data/../../toc_en.txt?format=SDMX-CSV&compressed=true",
        "/sdmx/2.1/data/%2e%2e?format=SDMX-CSV&compressed=true",
        "/data/isoc_e_dii.sdmx.csv.gz",
        "/toc_en.txt",
    ],
)
def test_nothing_outside_the_api_layout_is_served(mirror, path):
    status, _, body = get(mirror, path)
    assert status == 404 and TOC not in body and not body.startswith(b"\x1f\x8b")


@pytest.mark.parametrize(
    "path",
    [
        "/sdmx/2.1/data/isoc_e_dii/A.GE10..E_DI4_GELO.PC_ENT.BE?format=SDMX-CSV&compressed=true",
        "/sdmx/2.1/data/isoc_e_dii?format=SDMX-CSV&compressed=true&startPeriod=2024",
        "/sdmx/2.1/data/isoc_e_dii?format=JSON",
    ],
)
def test_filters_and_other_formats_are_refused_not_ignored(mirror, path):
    status, _, body = get(mirror, path)
    assert status == 400 and b"faultstring" in body


def test_counts_requests_and_bytes_per_route(mirror, mirror_dir):
    gz_size = (mirror_dir / "data" / "isoc_e_dii.sdmx.csv.gz").stat().st_size
    client = EurostatClient(mirror.base_url, retries=0)
    client.fetch_catalogue()
    client.fetch_dataset("isoc_e_dii")
    client.fetch_dataset("isoc_e_dii")
    assert mirror.request_count("/sdmx/2.1/data/isoc_e_dii") == 2
    assert mirror.bytes_served("/sdmx/2.1/data/") == 2 * gz_size
    assert mirror.bytes_served("/catalogue/") == len(TOC)
    mirror.reset_counters()
    client.fetch_catalogue()
    assert mirror.bytes_served("/sdmx/") == 0 and mirror.request_count() == 1


def test_client_reports_unknown_dataset_from_the_mirror(mirror):
    with pytest.raises(UnknownDataset, match="unknown dataset isoc_ec_ib20"):
        EurostatClient(mirror.base_url, retries=0).fetch_dataset("isoc_ec_ib20")


def test_stop_closes_the_port(mirror_dir):
    server = MirrorServer(mirror_dir)
    port = server.port
    server.stop()
    server.stop()  # idempotent
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/")


def test_real_eurostat_files_round_trip_through_mirror_and_client(samples_dir, tmp_path):
    """Real SDMX-CSV and the real TOC pass the client's checks and come back byte-identical."""
    (tmp_path / "data").mkdir()
    shutil.copyfile(samples_dir / "_catalogue" / "table_of_contents_en.txt", tmp_path / "toc_en.txt")
    excerpt = samples_dir / "isoc_eb_ai" / "EXCERPT_isoc_eb_ai_sdmx_E_AI_TANY_PC_ENT.csv"
    gz = gzip.compress(excerpt.read_bytes(), mtime=0)
    (tmp_path / "data" / "isoc_eb_ai.sdmx.csv.gz").write_bytes(gz)
    with MirrorServer(tmp_path) as server:
        client = EurostatClient(server.base_url, retries=0)
        client.check_reachable()
        toc = client.fetch_catalogue()
        data = client.fetch_dataset("isoc_eb_ai")
    assert toc.body == (samples_dir / "_catalogue" / "table_of_contents_en.txt").read_bytes()
    assert data.sha256 == hashlib.sha256(gz).hexdigest()
    assert gzip.decompress(data.body).startswith(b"DATAFLOW,LAST UPDATE,freq,size_emp,nace_r2,indic_is,unit,geo,")
