"""The overview document in a real browser: Debian's headless chromium opens every language's
members/<GEO>/overview.<lang>.html with the network blocked and renders it without an error or a
request, and prints it to A4 with its title, its figures as written and no chart cut across pages.

Four chromium launches in all: one DevTools session opens the three documents (and a faulty one, to
show the checks catch what they look for), one `--print-to-pdf` prints the French document, one a
long table styled by the document's print CSS, one takes docs/screenshots.py's pictures.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline.catalogue import load_catalogue
from pipeline.comparisons import peer_comparisons
from pipeline.key_figures import LANGUAGES, SAMPLE_LABELS
from pipeline.member_products import MemberInputs, member_files
from pipeline.overview_document import CSS
from pipeline.peers import load_peer_groups
from pipeline.release import presentation_from_catalogue
from tests.helpers.browser import Browser, print_to_pdf, require_chromium
from tests.helpers.frames import sample_indicators

CAT = load_catalogue()
GEO, EDITION = "BE", 2026
A4_PT = (595.28, 841.89)
# What the page holds once loaded, read from the DOM chromium built (not from the HTML text).
DOM = """(() => {
  const box = e => { const r = e.getBoundingClientRect(); return {width: r.width, height: r.height}; };
  return {
    lang: document.documentElement.lang, title: document.title,
    h1: document.querySelector("h1") && document.querySelector("h1").textContent,
    bodyWidth: document.body.getBoundingClientRect().width,
    sections: [...document.querySelectorAll("section")].map(s => ({
      id: s.id, heading: s.querySelector("h2") && s.querySelector("h2").textContent,
      charts: [...s.querySelectorAll("figure svg")].map(box)})),
    charts: [...document.querySelectorAll("figure svg")].map(svg => {
      const edge = svg.getBoundingClientRect(), texts = [...svg.querySelectorAll("text")];
      const past = t => { const r = t.getBoundingClientRect(); return r.left < edge.left - 0.5 || r.right > edge.right + 0.5; };
      return {...box(svg), texts: texts.filter(t => !past(t)).map(t => t.textContent),
              pastEdge: texts.filter(past).map(t => t.textContent)};
    }),
    figures: [...document.querySelectorAll("td.num")].map(td => td.textContent),
  };
})()"""


@pytest.fixture(scope="module")
def chromium() -> str:
    return require_chromium()


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, Path]:
    """BE's documents in nl, fr and en from the synthetic mirror, as `member_files` writes them in a release."""
    root = tmp_path_factory.mktemp("overview")
    obs, table = sample_indicators(root / "mirror", CAT, EDITION)
    peers = load_peer_groups()
    shown = presentation_from_catalogue(CAT, EDITION)
    sources = {code: {"eurostat_last_update": df.attrs.get("eurostat_last_update"), "retrieved_at": "2026-03-01"}
               for code, df in obs.items()}
    inputs = MemberInputs(table, peer_comparisons(table, CAT, peers, EDITION), CAT, peers, EDITION,
                          tuple(shown.headline_ids), shown.reporting_periods, sources, True)
    files, _ = member_files(inputs, GEO)
    out = {}
    for lang in LANGUAGES:
        path = root / "members" / GEO / f"overview.{lang}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[f"members/{GEO}/overview.{lang}.html"])
        out[lang] = path
    return out


@pytest.fixture(scope="module")
def faulty(tmp_path_factory) -> Path:
    """A document that needs the network, a file beside it, and logs an error: what the checks must catch."""
    path = tmp_path_factory.mktemp("faulty") / "faulty.html"
    path.write_text('<!DOCTYPE html><html lang="en"><head><link rel="stylesheet" href="style.css"></head><body>'
                    '<img src="https://ec.europa.eu/eurostat/logo.png"><script>console.error("boom")</script>'
                    "</body></html>", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reports(chromium, documents, faulty):
    with Browser(chromium) as browser:
        opened = {lang: browser.open(path, DOM) for lang, path in documents.items()}
        opened["faulty"] = browser.open(faulty, DOM)
    return opened


@pytest.fixture(scope="module")
def printed(chromium, documents, tmp_path_factory) -> tuple[PdfReader, list[str]]:
    """The French document printed, and each page's text layer."""
    pdf = tmp_path_factory.mktemp("pdf") / "overview.fr.pdf"
    print_to_pdf(chromium, documents["fr"], pdf)
    reader = PdfReader(pdf)
    return reader, [page.extract_text() for page in reader.pages]


def _squash(text: str) -> str:
    """Text without its white space or ligatures: the PDF's text layer breaks lines where the page did
    and writes "ff" as one glyph."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_renders_offline_with_no_error_and_no_request(reports, lang):
    report = reports[lang]
    assert report.fetched == [], f"the {lang} document fetched {report.fetched}: it must be self-contained"
    assert report.failed == [] and report.errors == [], (report.failed, report.errors)
    assert report.dom["lang"] == lang
    assert f"{EDITION}" in report.dom["title"] and report.dom["title"] in report.dom["h1"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_topic_has_its_section_heading_and_visible_charts(reports, documents, lang):
    dom = reports[lang].dom
    by_id = {s["id"]: s for s in dom["sections"]}
    for topic in CAT.topics:  # the synthetic mirror has every topic's series
        assert topic.title[lang] in by_id[topic.id]["heading"]
        assert by_id[topic.id]["charts"], f"{lang}: no chart in section {topic.id}"
    assert "digital_decade" in by_id
    # every <svg> of the file became a chart the page lays out at the text width, none swallowed by the parser
    assert len(dom["charts"]) == documents[lang].read_text(encoding="utf-8").count("<svg")
    for chart in dom["charts"]:
        assert 0 < chart["width"] <= dom["bodyWidth"] + 0.5 and chart["height"] > 0, chart["texts"][:1]


def test_the_checks_catch_a_document_that_fetches_or_logs_an_error(reports):
    report = reports["faulty"]
    assert any(u.startswith("https://ec.europa.eu/") for u in report.fetched)
    assert any(u.endswith("/style.css") for u in report.fetched)
    assert len(report.failed) >= 2
    assert any("boom" in e for e in report.errors)


def test_the_printed_document_is_a4_pages_with_its_title_warning_and_figures(printed, reports):
    reader, texts = printed
    sizes = {(round(float(p.mediabox.width), 2), round(float(p.mediabox.height), 2)) for p in reader.pages}
    assert len(sizes) == 1 and all(abs(a - b) <= 1 for a, b in zip(sizes.pop(), A4_PT)), sizes
    assert len(reader.pages) > 1
    first = texts[0]
    dom = reports["fr"].dom
    assert _squash(dom["title"]) in _squash(first)
    assert _squash(SAMPLE_LABELS["fr"]) in _squash(first), "the sample warning must be on page 1"
    # a French figure as the document writes it: "29,31 %", the number and its unit apart
    figure = next(f for f in dom["figures"] if re.fullmatch(r"\d+,\d+\s%", f))
    text = "\n".join(texts)
    number = figure.split()[0]
    assert re.search(re.escape(number) + r"[\s\u00a0\u202f]+%", text), figure


def test_no_chart_is_cut_across_pages(printed, reports):
    """Each chart's words (title, bar labels, values, source) all stand on one printed page: a chart
    split by a page break loses some from the page of its title."""
    pages = [_squash(text) for text in printed[1]]
    for chart in reports["fr"].dom["charts"]:
        words = [_squash(t) for t in chart["texts"] if t.strip()]
        best = max(pages, key=lambda page: sum(w in page for w in words))
        assert all(w in best for w in words), f"chart {words[:2]} lost {[w for w in words if w not in best]}"


def test_a_table_longer_than_a_page_repeats_its_header_on_every_page(chromium, tmp_path):
    """The document's print CSS alone, on a table of 120 rows: each printed page starts with the header."""
    rows = "".join(f"<tr><td>Row {i} of the table</td><td class=num>{i},5 %</td></tr>" for i in range(120))
    html = tmp_path / "long.html"
    html.write_text(f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><style>{CSS}</style></head><body>'
                    f"<h1>Long table</h1><table><thead><tr><th>Indicator</th><th>Value</th></tr></thead>"
                    f"<tbody>{rows}</tbody></table></body></html>", encoding="utf-8")
    print_to_pdf(chromium, html, tmp_path / "long.pdf")
    texts = [_squash(page.extract_text()) for page in PdfReader(tmp_path / "long.pdf").pages]
    assert len(texts) > 1 and all("IndicatorValue" in text for text in texts)
    assert all(sum(text.count(f"Row{i}ofthetable{i},5%") for text in texts) == 1 for i in range(120))


def test_no_chart_text_runs_past_its_chart(reports):
    past = {lang: [t for chart in reports[lang].dom["charts"] for t in chart["pastEdge"]] for lang in LANGUAGES}
    assert not any(past.values()), f"printed pages cut these labels at the chart's edge: {past}"


def test_the_screenshot_script_photographs_page_one_of_each_language(chromium, documents, tmp_path):
    """docs/screenshots.py on a release folder: one small A4-shaped PNG a language, the page's margins white."""
    from PIL import Image

    from docs.screenshots import screenshots

    folder = documents["en"].parents[2]  # <release>/members/BE/overview.en.html
    written = screenshots(folder, tmp_path, EDITION, GEO)
    assert [p.name for p in written] == [f"overview_{GEO}_{EDITION}_{lang}.png" for lang in LANGUAGES]
    for path in written:
        image = Image.open(path).convert("L")
        assert image.size == (794, 1123) and path.stat().st_size < 250_000
        top, bottom = image.crop((0, 0, 794, 300)), image.crop((0, 1123 - 60, 794, 1123))
        assert top.getextrema()[0] < 100, f"{path.name}: no title on the page"
        assert bottom.getextrema()[0] == 255, f"{path.name}: something is drawn in the bottom margin"
