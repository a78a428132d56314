"""Charts as PNG for print, and which members get them (the PIPELINE_CHART_PNG setting).

A chart is drawn for a stated print width (PRINT_MM, the text width of an A4 page) at 300 dpi,
and the file says so: a pHYs chunk of 300 dpi, which Word and InDesign read to place the image
at its physical size (resvg writes none, so they would assume 72 or 96 dpi and place it 3-4x too
large). Rasterising is the cost (resvg: about 150 ms for the canvas and PNG encoding, about 6.5
ms per text element at 300 dpi), so print PNG are made for the members the setting names and
SVG, the editable master, for every member; see benchmarks/README.md.
"""

from __future__ import annotations

import re
import struct
import zlib
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from pipeline.config import check_chart_png
from pipeline.geo import EU27

PRINT_MM = 170.0
PRINT_DPI = 300
PRINT_WIDTH_PX = round(PRINT_MM / 25.4 * PRINT_DPI)  # 2008 px
_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ROOT_SIZE = re.compile(r'width="[\d.]+mm" height="[\d.]+mm" viewBox="0 0 (?P<w>[\d.]+) (?P<h>[\d.]+)"')


@lru_cache(maxsize=1)
def _font_files() -> tuple[str, ...]:
    import matplotlib

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return tuple(str(folder / name) for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"))


def with_dpi(png: bytes, dpi: float) -> bytes:
    """`png` with a pHYs chunk saying `dpi` right after IHDR (any earlier pHYs is replaced)."""
    if png[:8] != _SIGNATURE:
        raise ValueError("not a PNG")
    per_metre = round(dpi / 0.0254)
    body = b"pHYs" + struct.pack(">IIB", per_metre, per_metre, 1)  # unit 1 = metre
    chunk = struct.pack(">I", 9) + body + struct.pack(">I", zlib.crc32(body))
    out, pos = [png[:8]], 8
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        end = pos + 12 + length
        if kind != b"pHYs":
            out.append(png[pos:end])
        if kind == b"IHDR":
            out.append(chunk)
        pos = end
    return b"".join(out)


def print_png(svg: str, width_px: int = PRINT_WIDTH_PX, dpi: float = PRINT_DPI) -> bytes:
    """The SVG rasterised `width_px` wide (default: PRINT_MM at 300 dpi), on white, with the bundled
    DejaVu fonts only (the same image on every machine), marked as `dpi`."""
    import resvg_py

    png = resvg_py.svg_to_bytes(svg_string=_in_user_units(svg), width=int(width_px), background="#ffffff",
                                skip_system_fonts=True, font_files=list(_font_files()))
    return with_dpi(bytes(png), dpi)


def _in_user_units(svg: str) -> str:
    """The root's size in its viewBox units: the SVG states its print size in mm, which resvg-py refuses."""
    found = _ROOT_SIZE.search(svg, 0, 400)
    if not found:
        return svg
    return f'{svg[:found.start()]}width="{found["w"]}" height="{found["h"]}" viewBox="0 0 {found["w"]} {found["h"]}"' \
           f"{svg[found.end():]}"


def physical_dpi(png: bytes) -> float | None:
    """The dpi a PNG's pHYs chunk states (None without one, or when its unit is not the metre)."""
    pos = 8
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        if kind == b"pHYs":
            x, _, unit = struct.unpack(">IIB", png[pos + 8:pos + 17])
            return round(x * 0.0254, 1) if unit == 1 else None
        pos += 12 + length
    return None


def png_members(setting: object, focus_geo: str) -> frozenset[str]:
    """The members whose charts get print PNG under the setting (SVG are made for every member)."""
    choice = check_chart_png(setting)
    return frozenset(EU27) if choice == "all" else frozenset({focus_geo}) if choice == "focus" else frozenset()


def rasterise(named_svgs: Iterable[tuple[str, bytes]]) -> list[tuple[str, bytes, float]]:
    """(`path.svg`, SVG bytes) -> (`path.png`, print PNG, seconds it took), in order."""
    import time

    out = []
    for name, svg in named_svgs:
        start = time.perf_counter()
        png = print_png(svg.decode("utf-8"))
        out.append((name[:-4] + ".png", png, time.perf_counter() - start))
    return out
