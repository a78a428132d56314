"""Provenance travels typed from the observations to the release: one shape, refused when wrong."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pyarrow.parquet as pq
import pytest
from dagster import build_input_context, build_output_context

from assets.io import PROVENANCE_KEY, ParquetIOManager
from pipeline.errors import ReleaseError
from pipeline.provenance import DatasetProvenance, ObservedDataset, frames_and_provenance
from pipeline.release import publish_release
from tests.helpers.frames import release_inputs

ORIGIN = DatasetProvenance(dataset="isoc_eb_ai", url="http://127.0.0.1:1/sdmx/2.1/data/isoc_eb_ai",
                           retrieved_at="2026-03-01T10:00:00+00:00", eurostat_last_update="2026-02-27T11:00:00+01:00",
                           sha256="a" * 64, bytes=1234, rows=2, source="sample", format="sdmx-csv-1.0")


def test_io_manager_stores_the_provenance_beside_the_frame(tmp_path):
    manager = ParquetIOManager(base_path=str(tmp_path)).create_io_manager(None)
    frame = pd.DataFrame({"geo": ["BE", "NL"], "value": [1.0, 2.0]})
    frame.attrs = {"stale": "never read"}
    out = build_output_context(asset_key=["observations", "isoc_eb_ai"])
    manager.handle_output(out, ObservedDataset(frame, ORIGIN))
    (path,) = tmp_path.rglob("*.parquet")
    assert DatasetProvenance.from_json(pq.read_schema(path).metadata[PROVENANCE_KEY]) == ORIGIN
    loaded = manager.load_input(build_input_context(asset_key=["observations", "isoc_eb_ai"], upstream_output=out))
    assert isinstance(loaded, ObservedDataset) and loaded.provenance == ORIGIN
    pd.testing.assert_frame_equal(loaded.frame, frame)


def test_observations_without_provenance_are_refused_by_name():
    with pytest.raises(ReleaseError, match=r"\['isoc_e_dii'\] arrived without their provenance"):
        frames_and_provenance({"isoc_eb_ai": ObservedDataset(pd.DataFrame(), ORIGIN), "isoc_e_dii": pd.DataFrame()})


@pytest.mark.parametrize("change, message", [
    ({"rows": -1}, "rows must be a count"),
    ({"bytes": "12"}, "bytes must be a count"),
    ({"sha256": ""}, r"empty provenance field\(s\) \['sha256'\]"),
])
def test_a_provenance_with_a_hole_is_refused(change, message):
    with pytest.raises(ReleaseError, match=f"isoc_eb_ai: {message}"):
        replace(ORIGIN, **change)


def test_stored_provenance_with_unknown_fields_is_refused():
    with pytest.raises(ReleaseError, match=r"isoc_eb_ai: unknown field\(s\) \['colour'\]"):
        DatasetProvenance.from_json(ORIGIN.to_json()[:-1] + ', "colour": "red"}')


def test_the_release_takes_one_shape_of_inputs_and_names_the_dataset(tmp_path):
    kwargs = release_inputs(2026)
    kwargs["inputs"] = {**kwargs["inputs"], "isoc_eb_ai": kwargs["inputs"]["isoc_eb_ai"].manifest_record()}
    with pytest.raises(ReleaseError, match="dataset isoc_eb_ai: expected a DatasetProvenance, not dict"):
        publish_release(tmp_path, 2026, **kwargs)
    kwargs = release_inputs(2026)
    kwargs["inputs"] = {**kwargs["inputs"], "isoc_eb_ai": kwargs["inputs"]["isoc_e_dii"]}
    with pytest.raises(ReleaseError, match="filed under isoc_eb_ai is that of isoc_e_dii"):
        publish_release(tmp_path, 2026, **kwargs)
    assert not (tmp_path / "releases" / "2026").exists() or not any((tmp_path / "releases" / "2026").iterdir())


def test_released_observations_give_report_builds_their_provenance(tmp_path):
    result = publish_release(tmp_path, 2026, **release_inputs(2026))
    observations = pd.read_parquet(result.path / "observations" / "isoc_eb_ai.parquet")
    assert observations.attrs["sha256"] == result.manifest["inputs"]["isoc_eb_ai"]["sha256"]
    assert observations.attrs["format"] == "sdmx-csv-1.0" and observations.attrs["source"] == "sample"
