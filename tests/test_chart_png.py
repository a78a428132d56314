"""Print PNG: 170 mm at 300 dpi, a pHYs chunk saying so, made for the members PIPELINE_CHART_PNG names."""

from __future__ import annotations

import struct
import zlib

import pytest

from pipeline.catalogue import load_catalogue
from pipeline.chart_png import PRINT_WIDTH_PX, physical_dpi, png_members, print_png, with_dpi
from pipeline.comparisons import peer_comparisons
from pipeline.config import check_chart_png
from pipeline.errors import SettingError
from pipeline.geo import EU27
from pipeline.member_charts import member_charts
from pipeline.member_products import MemberInputs, render_members
from pipeline.peers import load_peer_groups
from pipeline.release import presentation_from_catalogue
from tests.helpers.frames import sample_indicators

# Two entries: a ranking, a size breakdown, a series and a trajectory per language (12 PNG a member).
CAT = load_catalogue().select(["ai_any_all_enterprises", "ai_any_small_enterprises"])


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    return sample_indicators(tmp_path_factory.mktemp("png"), CAT)[1]


def _chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    out, pos = [], 8
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        data, crc = png[pos + 8:pos + 8 + length], struct.unpack(">I", png[pos + 8 + length:pos + 12 + length])[0]
        assert crc == zlib.crc32(kind + data), kind
        out.append((kind, data))
        pos += 12 + length
    return out


def test_a_chart_is_170_mm_wide_at_300_dpi_and_says_so(table):
    svg = member_charts(table, CAT, edition=2026, geo="BE", lang="fr", neighbours=("NL", "FR", "DE", "LU"),
                        sources={}, is_sample=True)["fr/ai_enterprises_ranking.svg"].decode()
    png = print_png(svg)
    chunks = _chunks(png)
    assert [k for k, _ in chunks[:2]] == [b"IHDR", b"pHYs"] and chunks[-1][0] == b"IEND"
    width, height = struct.unpack(">II", chunks[0][1][:8])
    assert width == PRINT_WIDTH_PX == 2008 and height > 1000
    assert physical_dpi(png) == 300.0
    assert struct.unpack(">IIB", chunks[1][1]) == (11811, 11811, 1)  # pixels per metre, unit metre
    assert width / 300 * 25.4 == pytest.approx(170, abs=0.1)


def test_a_pngs_resolution_is_replaced_not_repeated():
    png = print_png('<svg xmlns="http://www.w3.org/2000/svg" width="170mm" height="10mm" viewBox="0 0 760 45">'
                    '<text x="5" y="20" font-size="12">x</text></svg>')
    again = with_dpi(png, 150)
    assert [k for k, _ in _chunks(again)].count(b"pHYs") == 1 and physical_dpi(again) == 150.0
    with pytest.raises(ValueError):
        with_dpi(b"GIF89a", 300)


@pytest.mark.parametrize("value, members", [("focus", {"BE"}), (" ALL ", set(EU27)), ("none", set())])
def test_the_setting_names_whose_charts_get_print_png(value, members):
    assert png_members(value, "BE") == members


@pytest.mark.parametrize("value, hint", [("0", "that is now `none`"), ("yes", ""), ("", ""), ("BE", "")])
def test_a_bad_png_setting_names_the_setting_and_the_choices(value, hint):
    with pytest.raises(SettingError) as err:
        check_chart_png(value)
    message = str(err.value)
    assert message.startswith(f"PIPELINE_CHART_PNG={value}:") and "focus" in message and "none" in message
    assert hint in message and "Fix: PIPELINE_CHART_PNG=all (the default" in message


def test_print_png_are_made_for_the_named_member_only_every_chart_in_every_language(table):
    peers = load_peer_groups()
    shown = presentation_from_catalogue(CAT, 2026)
    inputs = MemberInputs(table, peer_comparisons(table, CAT, peers, 2026), CAT, peers, 2026,
                          tuple(shown.headline_ids), shown.reporting_periods, {}, True, png_members=frozenset({"NL"}))
    files, timing = render_members(inputs, ["BE", "NL"], workers=2)
    charts = {p for p in files if "/charts/" in p}
    svg = {p for p in charts if p.endswith(".svg")}
    png = {p for p in charts if p.endswith(".png")}
    assert {p[:-4] for p in png} == {p[:-4] for p in svg if p.startswith("members/NL/")}
    assert len(png) == 12 and {p.split("/")[3] for p in png} == {"nl", "fr", "en"}
    assert any(p.startswith("members/BE/charts/") for p in svg) and not any(p.startswith("members/BE/") for p in png)
    assert all(physical_dpi(files[p]) == 300.0 for p in png)
    assert sorted(timing[timing["product"] == "print_png"]["geo"].unique()) == ["NL"]


@pytest.mark.parametrize("command", ["demo", "run"])
def test_the_cli_refuses_a_bad_png_setting_before_anything_is_made(tmp_path, monkeypatch, capsys, command):
    from assets import cli

    monkeypatch.setenv("PIPELINE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FOCUS_GEO", raising=False)
    monkeypatch.setenv("PIPELINE_CHART_PNG", "0")
    assert cli.main([command]) == 2
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and len(err.strip().splitlines()) == 1
    assert err.startswith("error: PIPELINE_CHART_PNG=0:") and "Fix: PIPELINE_CHART_PNG=all (the default" in err
    assert not (tmp_path / "data").exists() and not (tmp_path / "home").exists()
