"""The real Dagster materialisation of the whole graph against the loopback Eurostat server."""

from __future__ import annotations

import gzip
import json
from datetime import date
import pandas as pd
import pyarrow.parquet as pq

from pipeline.geo import EU27
import pytest

from assets.definitions import defs
from pipeline.datasets import DATASETS
from pipeline.provenance import DatasetProvenance
from pipeline.release import read_latest
from tests.eurostat_server import Respond, data_route
from tests.helpers.graph import EDITION, run_graph, sample_files, serve

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> dict[str, bytes]:
    return sample_files(tmp_path_factory.mktemp("mirror"), date(2026, 2, 27))


@pytest.fixture(scope="module")
def later_sample(tmp_path_factory) -> dict[str, bytes]:
    """The same data, as if Eurostat had updated every dataset on 15 June."""
    return sample_files(tmp_path_factory.mktemp("mirror-later"), date(2026, 6, 15))


def _materialised(result) -> set[str]:
    return {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}


def _metadata(result, key: str) -> dict:
    (event,) = [e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == key]
    return {k: v.value for k, v in event.materialization.metadata.items()}


def test_whole_graph_then_an_unchanged_catalogue_downloads_nothing(sample, tmp_path):
    with serve(sample) as server:
        first = run_graph(server, tmp_path)
        assert first.success
        assert _materialised(first) == {k.to_user_string() for k in defs.resolve_asset_graph().get_all_asset_keys()}
        first_bytes = server.bytes_served(data_route(""))
        assert first_bytes == sum(len(v) for k, v in sample.items() if k != "__toc__")

        for code in DATASETS:
            (folder,) = (tmp_path / "raw" / "eurostat" / code).iterdir()
            assert folder.name == "2026-02-27"
            assert (folder / "data.csv.gz").read_bytes() == sample[code]  # bytes as served
            prov = json.loads((folder / "provenance.json").read_text())
            assert prov["source"] == "sample" and prov["url"].startswith(server.base_url)
            meta = _metadata(first, f"observations/{code}")
            assert meta["rows"] == len(gzip.decompress(sample[code]).splitlines()) - 1
            assert meta["geos"] == 37 and meta["source"] == "sample" and "| dataset |" in meta["preview"]

        # The observations travel with their provenance, typed, in their own key of the stored Parquet.
        stored = pq.read_schema(tmp_path / "assets" / "observations" / "isoc_eb_ai.parquet").metadata
        origin = DatasetProvenance.from_json(stored[b"pipeline.provenance"])
        assert origin.sha256 == json.loads(
            (tmp_path / "raw/eurostat/isoc_eb_ai/2026-02-27/provenance.json").read_text())["sha256"]
        assert origin.rows == _metadata(first, "observations/isoc_eb_ai")["rows"] and origin.source == "sample"
        release = read_latest(tmp_path, EDITION)
        manifest = json.loads((release / "manifest.json").read_text())
        assert manifest["source"] == "sample"
        assert set(manifest["inputs"]) == set(DATASETS)
        assert "| ai_any_all_enterprises | 2025 |" in _metadata(first, "release")["key figures BE"]
        # The UI's preview of the focus member's first ranking: a screen-size PNG even when no print PNG is made.
        preview = _metadata(first, "release")["chart"]
        assert preview.startswith("![") and "data:image/png;base64," in preview and len(preview) < 100_000

        server.reset_counters()
        second = run_graph(server, tmp_path)
        assert second.success
        assert server.bytes_served(data_route("")) == 0
        assert server.request_count(data_route("")) == 0
        assert _metadata(second, "raw/isoc_eb_ai")["message"] == "isoc_eb_ai unchanged since 2026-02-27"
        assert _metadata(second, "release")["published"] is False
        assert read_latest(tmp_path, EDITION) == release


def test_values_out_of_range_block_everything_downstream_and_keep_the_release(sample, later_sample, tmp_path):
    with serve(sample) as server:
        assert run_graph(server, tmp_path).success
    before = (tmp_path / "releases" / str(EDITION) / "latest.json").read_bytes()

    text = gzip.decompress(later_sample["isoc_eb_ai"]).decode()
    line = next(l for l in text.split("\r\n") if ",E_AI_TANY,PC_ENT,BE,2025," in l and ",GE10," in l)
    fields = line.split(",")
    fields[-3] = "130.00"
    broken = dict(later_sample, isoc_eb_ai=gzip.compress(text.replace(line, ",".join(fields)).encode(), mtime=0))
    with serve(broken) as server:
        result = run_graph(server, tmp_path)

    assert not result.success
    failures = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    assert [e.step_key for e in failures] == ["observations__isoc_eb_ai"]
    message = failures[0].event_specific_data.error.message
    assert "isoc_eb_ai" in message and "value" in message and "130" in message
    materialised = _materialised(result)
    assert "raw/isoc_eb_ai" in materialised  # the bytes Eurostat served are kept as evidence
    assert not {"observations/isoc_eb_ai", "rankings", "indicators", "release"} & materialised
    assert (tmp_path / "releases" / str(EDITION) / "latest.json").read_bytes() == before


def test_unknown_dataset_fails_naming_it_and_publishes_nothing(sample, tmp_path):
    with serve(sample) as server:
        server.script(data_route("isoc_ec_evals"), [], then=Respond(404))
        result = run_graph(server, tmp_path)
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert failure.step_key == "raw__isoc_ec_evals"
    assert "unknown dataset" in failure.event_specific_data.error.message.lower()
    assert "isoc_ec_evals" in failure.event_specific_data.error.message
    assert not (tmp_path / "releases").exists()


def test_transient_503_is_retried_and_another_focus_country_works(sample, tmp_path):
    with serve(sample) as server:
        server.script(data_route("isoc_e_dii"), [Respond(503), Respond(503)])
        result = run_graph(server, tmp_path, focus="EL")
        assert result.success
        assert server.request_count(data_route("isoc_e_dii")) == 3
    indicators = pd.read_parquet(tmp_path / "assets" / "indicators" / f"{EDITION}.parquet")
    assert set(indicators["geo"]) == EU27  # every member, whatever the focus
    assert (indicators["series_key"].str.rsplit(".", n=1).str[-1] == indicators["geo"]).all()
    assert (tmp_path / "releases").exists() and read_latest(tmp_path, EDITION).joinpath("members", "EL").is_dir()
