"""Labels and rendering settings in the release: labels.parquet typed and checked, both part of the release's identity."""

from __future__ import annotations

import pandas as pd
import pytest

from pipeline.errors import ReleaseError
from pipeline.labels import LabelIndex
from pipeline.release import list_versions, publish_release
from tests.helpers.frames import release_inputs


def _labels(label: str = "Enterprises using any AI technology") -> pd.DataFrame:
    rows = [("INDIC_IS", "25.2", "E_AI_TANY", "en", label, "eurostat"),
            ("INDIC_IS", "25.2", "E_AI_TANY", "nl", "Ondernemingen die AI gebruiken", "own"),
            ("SIZE_EMP", None, "GE10", "en", "GE10", "fallback")]
    return pd.DataFrame(rows, columns=["codelist", "codelist_version", "code", "lang", "label", "source"])


def _probe(seen: list):
    def product(inputs):
        seen.append(inputs.labels)
        return {}
    return {"probe": product}


def test_labels_are_released_typed_and_reach_the_products(tmp_path):
    seen: list = []
    result = publish_release(tmp_path, 2026, **{**release_inputs(2026), "labels": _labels(), "products": _probe(seen)})
    stored = pd.read_parquet(result.path / "labels.parquet")
    assert stored[["code", "lang", "source"]].values.tolist() == [
        ["E_AI_TANY", "en", "eurostat"], ["E_AI_TANY", "nl", "own"], ["GE10", "en", "fallback"]]
    assert str(stored["lang"].dtype) == "category" and pd.isna(stored.loc[2, "codelist_version"])
    assert "labels.parquet" in {f["path"] for f in result.manifest["files"]}
    assert LabelIndex(seen[0]).label("indic_is", "E_AI_TANY", "nl") == "Ondernemingen die AI gebruiken"


def test_a_changed_label_is_a_new_release_and_the_same_labels_are_not(tmp_path):
    first = publish_release(tmp_path, 2026, **{**release_inputs(2026), "labels": _labels()})
    same = publish_release(tmp_path, 2026, **{**release_inputs(2026), "labels": _labels()})
    assert not same.published
    changed = publish_release(tmp_path, 2026, **{**release_inputs(2026), "labels": _labels("AI use (any)")})
    assert changed.published and list_versions(tmp_path, 2026) == sorted([first.version, changed.version])


@pytest.mark.parametrize("edit, message", [
    (lambda t: t.assign(lang=["en", "xx", "en"]), "lang"),
    (lambda t: pd.concat([t, t.iloc[[0]]]), "codelist"),
])
def test_bad_labels_are_refused_and_nothing_is_published(tmp_path, edit, message):
    with pytest.raises(ReleaseError, match=f"labels: .*{message}"):
        publish_release(tmp_path, 2026, **{**release_inputs(2026), "labels": edit(_labels())})
    assert list_versions(tmp_path, 2026) == []


def test_rendering_settings_are_part_of_the_version_and_recorded(tmp_path):
    """Another rounding or other members' print PNG is another release, never the old one under a new name."""
    base = {"decimals": 2, "png_dpi": 300, "png_members": ["BE"]}
    first = publish_release(tmp_path, 2026, **{**release_inputs(2026), "renditions": base})
    assert first.manifest["renditions"] == base
    assert not publish_release(tmp_path, 2026, **{**release_inputs(2026), "renditions": dict(base)}).published
    for change in ({"decimals": 1}, {"png_members": ["NL"]}):
        again = publish_release(tmp_path, 2026, **{**release_inputs(2026), "renditions": {**base, **change}})
        assert again.published and again.manifest["renditions"] == {**base, **change}
    assert len(list_versions(tmp_path, 2026)) == 3
