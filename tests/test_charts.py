"""Topic charts: valid PNGs of the expected size, one per topic, focus country highlighted, sample labelled."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from pipeline.charts import FOCUS_COLOUR, lead_indicator, render_topic_charts
from tests.helpers.frames import LAST_UPDATE, TOPICS, release_inputs

SAMPLE_RED = (0xB0, 0x00, 0x20)
HEADLINES = ["ai_any_all_enterprises", "dii_basic"]


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def count(image: np.ndarray, colour: tuple[int, int, int]) -> int:
    return int((image == np.array(colour)).all(axis=-1).sum())


def sources(kind: str) -> dict:
    return {code: {"eurostat_last_update": update, "source": kind} for code, update in LAST_UPDATE.items()}


def render(inputs, *, focus_geo="BE", kind="eurostat", topics=TOPICS):
    return render_topic_charts(
        inputs["indicators"], inputs["rankings"], topics=topics, headline_ids=HEADLINES, focus_geo=focus_geo,
        edition=2026, sources=sources(kind), reporting_periods={i: 2025 for i in HEADLINES},
    )


@pytest.fixture(scope="module")
def charts():
    return render(release_inputs(2026))


def test_one_valid_png_per_topic_of_about_1200_by_700(charts):
    assert list(charts) == ["ai_enterprises.png", "digital_intensity.png"]
    for name, png in charts.items():
        assert png[:8] == b"\x89PNG\r\n\x1a\n", name
        image = Image.open(io.BytesIO(png))
        image.verify()
        assert 1000 <= image.size[0] <= 1400 and 600 <= image.size[1] <= 800, image.size


def test_focus_country_bar_is_highlighted(charts):
    focus = rgb(FOCUS_COLOUR)
    for png in charts.values():
        bars = pixels(png)[:, :700]  # the ranked panel is the left part of the figure
        assert count(bars, focus) > 1000  # a bar of ~18 px by well over 60 px
    # Without a figure for the focus country in the reporting period, there is no highlighted bar.
    inputs = release_inputs(2026)
    ranks = inputs["rankings"]
    inputs["rankings"] = ranks[~((ranks["geo"] == "BE") & (ranks["time_period"] == 2025))]
    unranked = render(inputs, topics={"ai_enterprises": TOPICS["ai_enterprises"]})["ai_enterprises.png"]
    assert count(pixels(unranked)[:, :700], focus) < 200  # only the bold red label text, no bar


def test_sample_data_is_labelled_on_the_chart(charts):
    inputs = release_inputs(2026)
    sample = render(inputs, kind="sample")
    for name in charts:
        assert count(pixels(sample[name]), SAMPLE_RED) > 100
        assert count(pixels(charts[name]), SAMPLE_RED) == 0


def test_same_figures_give_the_same_bytes(charts):
    assert render(release_inputs(2026)) == charts


def test_lead_indicator_is_the_topics_first_headline_else_its_first_entry():
    indicators = release_inputs(2026)["indicators"]
    assert lead_indicator(indicators, "ai_enterprises", HEADLINES) == "ai_any_all_enterprises"
    assert lead_indicator(indicators, "ai_enterprises", ["ai_any_small_enterprises"]) == "ai_any_small_enterprises"
    assert lead_indicator(indicators, "ai_enterprises", []) == "ai_any_all_enterprises"
    assert lead_indicator(indicators, "no_such_topic", HEADLINES) is None
