"""Charts as SVG with real, editable text, and as PNG through resvg: the ranking of the 27 and a time series.

Why not matplotlib: saving one 1200x700 figure costs about 220 ms there, even reusing the figure,
and every release draws hundreds (27 members, three languages, a chart pair per topic). Writing
the SVG takes well under a millisecond; resvg (a Rust renderer, resvg-py) rasterises it with the
DejaVu Sans font matplotlib ships, so a PNG looks the same on every machine.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Sequence
from xml.sax.saxutils import escape

import matplotlib

WIDTH, ROW = 760, 17
TITLE_CHARS, NOTE_CHARS = 82, 125
FONT = "DejaVu Sans"
MEMBER, FOCUS, PEER, EU, GRID, MUTED = "#b8c2cc", "#c0392b", "#e59866", "#1f3a93", "#dde3e8", "#5d6d7e"


@lru_cache(maxsize=1)
def _font_files() -> tuple[str, ...]:
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return tuple(str(folder / name) for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"))


def to_png(svg: str, dpi: float = 96) -> bytes:
    """Rasterise an SVG (96 user units per inch) at `dpi`, on white, with the bundled fonts only."""
    import resvg_py

    return bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=dpi / 96, background="#ffffff",
                                       skip_system_fonts=True, font_files=list(_font_files())))


def _text(x, y, text, size=11, anchor="start", weight="normal", colour="#1b2631", extra="") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="{colour}"{extra}>{escape(str(text))}</text>')


def _wrap(text: str, width: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])


def _frame(height: float, body: list[str], title: str, notes: Sequence[str], lang: str) -> str:
    head = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0f}" '
            f'viewBox="0 0 {WIDTH} {height:.0f}" font-family="{FONT}" xml:lang="{lang}">',
            f"<title>{escape(title)}</title>", f'<rect width="{WIDTH}" height="{height:.0f}" fill="#ffffff"/>']
    y = 22
    for line in _wrap(title, TITLE_CHARS):
        head.append(_text(16, y, line, 14, weight="bold"))
        y += 18
    foot, fy = [], height - 10 - 13 * (len(notes) - 1)
    for note in notes:
        foot.append(_text(16, fy, note, 9.5, colour=MUTED))
        fy += 13
    return "\n".join(head + body + foot + ["</svg>"])


def _axis(top: float, percent: bool) -> tuple[float, float]:
    """An honest axis from 0: (maximum, tick step), round numbers above the largest value."""
    if top <= 0:
        return 1.0, 0.25
    raw = top / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    maximum = math.ceil(top / step) * step
    if percent and top <= 100 and maximum > 100:
        maximum = 100.0
    return maximum, step


def _ticks(maximum: float, step: float) -> list[float]:
    return [k * step for k in range(int(round(maximum / step)) + 1)]


def _lines(notes: Sequence[str]) -> list[str]:
    return [part for note in notes for part in _wrap(note, NOTE_CHARS)]


def ranking_svg(bars: Sequence[dict], *, title: str, unit_label: str, percent: bool, notes: Sequence[str],
                lang: str, fmt) -> str:
    """Horizontal bars in the order given: each {label, value, kind (member|focus|peer|eu), flag}."""
    notes = _lines(notes)
    top, step = _axis(max((b["value"] for b in bars), default=1.0), percent)
    title_lines = len(_wrap(title, TITLE_CHARS))
    y0, x0, x1 = 22 + 18 * title_lines + 10, 200, WIDTH - 90
    height = y0 + ROW * len(bars) + 34 + 13 * len(notes) + 10
    scale = (x1 - x0) / top
    body = [_text(x0, y0 - 2, unit_label, 10, colour=MUTED)]
    for tick in _ticks(top, step):
        x = x0 + tick * scale
        body.append(f'<line x1="{x:.1f}" y1="{y0 + 4}" x2="{x:.1f}" y2="{y0 + 4 + ROW * len(bars)}" '
                    f'stroke="{GRID}" stroke-width="1"/>')
        body.append(_text(x, y0 + ROW * len(bars) + 18, fmt(tick), 9.5, "middle", colour=MUTED))
    colours = {"member": MEMBER, "focus": FOCUS, "peer": PEER, "eu": EU}
    for i, bar in enumerate(bars):
        y = y0 + 6 + ROW * i
        strong = bar["kind"] in ("focus", "eu")
        body.append(_text(x0 - 8, y + 10, bar["label"], 10.5, "end", "bold" if strong else "normal",
                          FOCUS if bar["kind"] == "focus" else EU if bar["kind"] == "eu" else "#1b2631"))
        width = max(bar["value"] * scale, 0.5)
        body.append(f'<rect x="{x0}" y="{y:.1f}" width="{width:.1f}" height="{ROW - 5}" '
                    f'fill="{colours[bar["kind"]]}"/>')
        label = fmt(bar["value"]) + (f" ({bar['flag']})" if bar.get("flag") else "")
        body.append(_text(x0 + width + 4, y + 10, label, 9.5, weight="bold" if strong else "normal"))
    return _frame(height, body, title, notes, lang)


def series_svg(lines: Sequence[dict], periods: Sequence[int], *, title: str, unit_label: str, percent: bool,
               notes: Sequence[str], lang: str, fmt, target: tuple[int, float, str] | None = None) -> str:
    """Lines over the periods: each {label, points: {period: value}, kind, domain (its periods, default
    all)}; a gap where a value of its domain is missing. `target` = (year, value, label) draws the
    straight path from the last value to the target."""
    notes = _lines(notes)
    periods = sorted(set(periods) | ({target[0]} if target else set()))
    values = [v for line in lines for v in line["points"].values()] + ([target[1]] if target else [])
    top, step = _axis(max(values, default=1.0), percent)
    title_lines = len(_wrap(title, TITLE_CHARS))
    y0, x0, x1, plot_h = 22 + 18 * title_lines + 16, 70, WIDTH - 130, 260
    height = y0 + plot_h + 40 + 13 * len(notes) + 10
    span = max(periods[-1] - periods[0], 1) if periods else 1
    px = (lambda p: x0 + (p - periods[0]) / span * (x1 - x0)) if periods else (lambda p: x0)
    py = lambda v: y0 + plot_h - v / top * plot_h  # noqa: E731
    body = [_text(x0, y0 - 6, unit_label, 10, colour=MUTED)]
    for tick in _ticks(top, step):
        body.append(f'<line x1="{x0}" y1="{py(tick):.1f}" x2="{x1}" y2="{py(tick):.1f}" stroke="{GRID}"/>')
        body.append(_text(x0 - 6, py(tick) + 4, fmt(tick), 9.5, "end", colour=MUTED))
    for p in periods:
        body.append(_text(px(p), y0 + plot_h + 16, p, 9.5, "middle", colour=MUTED))
    colours = {"focus": FOCUS, "eu": EU, "peer": PEER}
    for n, line in enumerate(lines):
        colour = colours.get(line["kind"], MUTED)
        dash = ' stroke-dasharray="5 3"' if line["kind"] == "eu" else ""
        run: list[str] = []
        for p in sorted(line.get("domain") or periods):
            v = line["points"].get(p)
            if v is None:
                if len(run) > 1:
                    body.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
                run = []
                continue
            run.append(f"{px(p):.1f},{py(v):.1f}")
            body.append(f'<circle cx="{px(p):.1f}" cy="{py(v):.1f}" r="3" fill="{colour}"/>')
        if len(run) > 1:
            body.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>')
        known = [p for p in periods if line["points"].get(p) is not None]
        if known:
            last = known[-1]
            body.append(_text(px(last) + 8, py(line["points"][last]) + 4 + 12 * n, f"{line['label']} "
                              f"{fmt(line['points'][last])}", 10, weight="bold", colour=colour))
    if target:
        year, value, label = target
        body.append(f'<line x1="{x0}" y1="{py(value):.1f}" x2="{x1}" y2="{py(value):.1f}" stroke="#27ae60" '
                    f'stroke-width="1.5" stroke-dasharray="2 3"/>')
        body.append(_text(x1 + 6, py(value) + 4, label, 10, colour="#27ae60", weight="bold"))
        focus = next((line for line in lines if line["kind"] == "focus"), None)
        known = [p for p in periods if focus and focus["points"].get(p) is not None]
        if known:
            p = known[-1]
            body.append(f'<line x1="{px(p):.1f}" y1="{py(focus["points"][p]):.1f}" x2="{px(year):.1f}" '
                        f'y2="{py(value):.1f}" stroke="{FOCUS}" stroke-width="1" stroke-dasharray="4 4"/>')
    return _frame(height, body, title, notes, lang)


def flag_notes(flags: Iterable[str], words, lang: str) -> list[str]:
    """'b = break in series; u = low reliability' in the chart's language, for the flags shown."""
    letters = sorted({ch for f in flags if f for ch in str(f) if not ch.isspace()})
    if not letters:
        return []
    label = {"en": "Flags", "nl": "Vlaggen", "fr": "Indicateurs"}[lang]
    return [f"{label}: " + "; ".join(f"{ch} = {words.get(ch, {}).get(lang, ch)}" for ch in letters)]
