"""The screenshots of docs/overview.md: the first A4 page of Belgium's 2026 overview document in nl, fr
and en, as Debian's headless chromium shows it with the print CSS, from a run on the real-data mirror.

`python -m docs.screenshots` (from the repository root; needs ../shared/eurostat-samples and chromium):
1. writes tests/real_mirror.py's mirror (the real Eurostat rows of ../shared/eurostat-samples, completed
   with synthetic rows where none exist) into a temporary folder and serves it on loopback;
2. runs every asset of the edition there, as `python -m assets.cli run` does, with source "sample" as
   the real-mirror tests do (partly synthetic, so each page says so);
3. opens members/BE/overview.<lang>.html of the release with the network blocked, styles it for print,
   lays it in the document's A4 margins, keeps what fits whole on the first sheet and writes that
   210 x 297 mm as docs/screenshots/overview_BE_2026_<lang>.png (794 x 1123 px, 64-colour palette).
Re-run it whenever the document changes; it overwrites the three files.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "screenshots"
LANGUAGES = ("nl", "fr", "en")
# A screen has no @page box: the document's print margins (the CSS constant of
# pipeline/overview_document.py) are drawn round it instead, and what would not fit whole on the
# first sheet (print moves it to the next: charts never break, headings stay with their text) is hidden.
PAGE_ONE = """(() => {
  document.body.style.margin = "0"; document.body.style.padding = "16mm 15mm 17mm";
  const bottom = innerHeight - 17 * 96 / 25.4, blocks = [...document.querySelectorAll("h1, h2, p, figure, table, ul")];
  const cut = blocks.findIndex(b => b.getBoundingClientRect().bottom > bottom);
  if (cut < 0) return;
  const from = cut > 0 && blocks[cut - 1].tagName === "H2" ? cut - 1 : cut;
  blocks.slice(from).forEach(b => { b.style.visibility = "hidden"; });
})()"""


def release(samples: Path, work: Path, edition: int, geo: str) -> Path:
    """The release folder of a run of every asset on the real-data mirror."""
    from assets.cli import check_instance, prepare_instance
    from assets.cli_run import materialize
    from pipeline.eurostat.mirror import MirrorServer
    from tests.real_mirror import write_real_mirror

    write_real_mirror(samples, work / "mirror")
    data_dir, home = work / "data", work / "data" / ".dagster"
    data_dir.mkdir(parents=True)
    check_instance(home, data_dir)
    prepare_instance(home, data_dir)
    os.environ["PIPELINE_CHART_PNG"] = "none"  # the documents embed SVG; PNG would only cost time
    with MirrorServer(work / "mirror") as server:
        return materialize(edition, data_dir=data_dir, home=home, base_url=server.base_url, source="sample",
                           focus_geo=geo, out=sys.stderr)


def small_png(png: bytes) -> bytes:
    """The screenshot on a 64-colour palette: text and flat charts lose nothing visible, the file 3-4x less."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def screenshots(folder: Path, out: Path, edition: int, geo: str) -> list[Path]:
    from tests.helpers.browser import Browser, chromium_binary

    binary = chromium_binary()
    if binary is None:
        raise SystemExit("error: chromium not found (Debian's `chromium`, as .ci/run installs it; or CHROMIUM=<path>)")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    with Browser(binary) as browser:
        for lang in LANGUAGES:
            document = folder / "members" / geo / f"overview.{lang}.html"
            if not document.is_file():
                raise SystemExit(f"error: the release has no {document.relative_to(folder)}")
            png = browser.screenshot(document, media="print", before=PAGE_ONE)
            path = out / f"overview_{geo}_{edition}_{lang}.png"
            path.write_bytes(small_png(png))
            written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    from tests.conftest import SAMPLES

    parser = argparse.ArgumentParser(prog="python -m docs.screenshots", description=__doc__.split("\n")[0])
    parser.add_argument("--samples-dir", type=Path, default=SAMPLES, help=f"the real files (default {SAMPLES})")
    parser.add_argument("--release", type=Path, help="an existing release folder to photograph instead of a new run")
    parser.add_argument("--out", type=Path, default=OUT, help=f"where the PNG go (default {OUT.relative_to(REPO)})")
    parser.add_argument("--edition", type=int, default=2026)
    parser.add_argument("--geo", default="BE")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="screenshots-") as work:
        folder = args.release
        if folder is None:
            if not (args.samples_dir / "SOURCES.md").is_file():
                print(f"error: no real Eurostat samples at {args.samples_dir} (--samples-dir)", file=sys.stderr)
                return 2
            folder = release(args.samples_dir, Path(work), args.edition, args.geo)
        written = screenshots(folder, args.out, args.edition, args.geo)
    for path in written:
        print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: {path.stat().st_size // 1024} KB")
    print(f"{time.perf_counter() - start:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
