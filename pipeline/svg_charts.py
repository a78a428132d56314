"""Charts as SVG with real, editable text (the layout team edits them): the ranking of the 27, a time
series, and paired bars (the member against the EU27 per item or per group).

Why not matplotlib: saving one 1200x700 figure costs about 220 ms there, even reusing the figure,
and every release draws thousands (27 members, three languages, several charts per topic). Writing
the SVG takes about a millisecond. The SVG states its print size (PRINT_MM wide) so a layout
program places it at that size; pipeline/chart_png.py rasterises it for print.

Honest by construction: every axis starts at 0 on round ticks and says its unit, and no line is
drawn through a label: grid lines stop where a value or row label stands (a white halo would need
paint-order, which layout programs do not all read), line labels stand in the right margin.
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence
from xml.sax.saxutils import escape

from pipeline.chart_png import PRINT_MM

WIDTH, ROW = 760, 17
TITLE_CHARS, NOTE_CHARS, LABEL_CHARS = 82, 125, 110
FONT = "DejaVu Sans"
MEMBER, FOCUS, PEER, EU, GRID, MUTED = "#b8c2cc", "#c0392b", "#e59866", "#1f3a93", "#dde3e8", "#5d6d7e"
EM = 0.64  # DejaVu Sans: a digit is 0.636 em wide, most letters less; what a label may cover


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
    height = round(height)
    mm = PRINT_MM / WIDTH
    head = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{PRINT_MM:g}mm" height="{height * mm:.1f}mm" '
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
                lang: str, fmt, tick_fmt=None) -> str:
    """Horizontal bars in the order given: each {label, value, kind (member|focus|peer|eu), flag}."""
    notes = _lines(notes)
    top, step = _axis(max((b["value"] for b in bars), default=1.0), percent)
    title_lines = len(_wrap(title, TITLE_CHARS))
    y0, x0, x1 = 22 + 18 * title_lines + 10, 200, WIDTH - 90
    height = y0 + ROW * len(bars) + 34 + 13 * len(notes) + 10
    scale = (x1 - x0) / top
    body = [_text(x0, y0 - 2, unit_label, 10, colour=MUTED)]
    ticks = [x0 + tick * scale for tick in _ticks(top, step)]
    for tick, x in zip(_ticks(top, step), ticks):
        body.append(_text(x, y0 + ROW * len(bars) + 18, (tick_fmt or fmt)(tick), 9.5, "middle", colour=MUTED))
    colours = {"member": MEMBER, "focus": FOCUS, "peer": PEER, "eu": EU}
    zones, texts = [(y0 + 4, y0 + 6, ())], []
    for i, bar in enumerate(bars):
        y = y0 + 6 + ROW * i
        strong = bar["kind"] in ("focus", "eu")
        body.append(_text(x0 - 8, y + 10, bar["label"], 10.5, "end", "bold" if strong else "normal",
                          FOCUS if bar["kind"] == "focus" else EU if bar["kind"] == "eu" else "#1b2631"))
        width = max(bar["value"] * scale, 0.5)
        body.append(f'<rect x="{x0}" y="{y:.1f}" width="{width:.1f}" height="{ROW - 5}" '
                    f'fill="{colours[bar["kind"]]}"/>')
        label = fmt(bar["value"]) + (f" ({bar['flag']})" if bar.get("flag") else "")
        texts.append(_text(x0 + width + 4, y + 10, label, 9.5, weight="bold" if strong else "normal"))
        zones.append((y, y + ROW, (_span(x0 + width + 4, label, 9.5),)))
    return _frame(height, _grid(ticks, zones) + body + texts, title, notes, lang)


def paired_svg(rows: Sequence[dict], *, title: str, unit_label: str, percent: bool, notes: Sequence[str],
               lang: str, fmt, legend: tuple[str, str, str | None], tick_fmt=None) -> str:
    """Per row (in the order given) its label, then a bar for the member and one for the EU27, each
    with its value, and the neighbours' values as small diamonds on a track of their own (no text
    there, so a diamond never covers a value). A row: {label, value, flag, eu, peers: [values],
    gap (a space before it), head (a heading above it: a new family of groups)}; an EU value None
    draws no bar and no zero.
    `legend` = (member name, EU27 name, neighbours' names or None)."""
    notes = _lines(notes)
    values = [v for r in rows for v in (r["value"], r["eu"], *r.get("peers", ())) if v is not None]
    top, step = _axis(max(values, default=1.0), percent)
    title_lines = len(_wrap(title, TITLE_CHARS))
    x0, x1 = 16, WIDTH - 90
    scale = (x1 - x0) / top
    y = 22 + 18 * title_lines + 4
    body: list[str] = []
    x = x0
    for colour, name, diamond in ((FOCUS, legend[0], False), (EU, legend[1], False), (PEER, legend[2], True)):
        if name is None:
            continue
        body.append(_diamond(x + 5, y - 4, PEER) if diamond else f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        body.append(_text(x + 14, y, name, 10))
        x += 14 + 6.2 * len(name) + 18
    y += 18
    body.append(_text(x0, y, unit_label, 10, colour=MUTED))
    y += 8
    peers_shown = legend[2] is not None
    bands, marks, zones = [], [], []

    def down(by: float, *spans: tuple[float, float]) -> None:
        nonlocal y
        zones.append((y, y + by, spans))
        y += by

    for row in rows:
        down(10 if row.get("gap") else 0)
        if row.get("head"):
            marks.append(_text(x0, y + 13, row["head"], 10, colour=MUTED, extra=' font-style="italic"'))
            down(13, _span(x0, row["head"], 10))
        for line in _wrap(row["label"], LABEL_CHARS):
            marks.append(_text(x0, y + 13, line, 10.5, weight="bold"))
            down(13, _span(x0, line, 10.5))
        down(4)
        for value, colour, flag, strong in ((row["value"], FOCUS, row.get("flag"), True), (row["eu"], EU, "", False)):
            if value is None:
                down(12)
                continue
            width = max(value * scale, 0.5)
            bands.append(f'<rect x="{x0}" y="{y:.1f}" width="{width:.1f}" height="10" fill="{colour}"/>')
            text = fmt(value) + (f" ({flag})" if flag else "")
            marks.append(_text(x0 + width + 4, y + 9, text, 9.5, weight="bold" if strong else "normal"))
            down(12, _span(x0 + width + 4, text, 9.5))
        if peers_shown:
            bands.append(f'<line x1="{x0}" y1="{y + 4:.1f}" x2="{x1}" y2="{y + 4:.1f}" stroke="{GRID}"/>')
            bands += [_diamond(x0 + v * scale, y + 4, PEER) for v in row.get("peers", ()) if v is not None]
            down(10)
        down(4)
    ticks = [x0 + tick * scale for tick in _ticks(top, step)]
    for tick, tx in zip(_ticks(top, step), ticks):
        body.append(_text(tx, y + 14, (tick_fmt or fmt)(tick), 9.5, "middle", colour=MUTED))
    height = y + 30 + 13 * len(notes) + 10
    return _frame(height, _grid(ticks, zones) + body + bands + marks, title, notes, lang)


def _span(x: float, text: str, size: float) -> tuple[float, float]:
    """The x range a left-anchored label may cover, with a little air on both sides."""
    return x - 2, x + EM * size * len(text) + 2


def _grid(xs: Sequence[float], zones: Sequence[tuple[float, float, Sequence[tuple[float, float]]]]) -> list[str]:
    """Vertical grid lines at `xs` down the zones (y_top, y_bottom, x spans of the labels in it),
    broken where a line would cross a label; contiguous free zones make one line."""
    lines = []
    for x in xs:
        start = end = None
        for top, bottom, spans in zones:
            blocked = any(lo <= x <= hi for lo, hi in spans)
            if not blocked and start is not None and abs(top - end) < 0.01:
                end = bottom
                continue
            if start is not None and end > start:
                lines.append(f'<line x1="{x:.1f}" y1="{start:.1f}" x2="{x:.1f}" y2="{end:.1f}" stroke="{GRID}"/>')
            start, end = (None, None) if blocked else (top, bottom)
        if start is not None and end > start:
            lines.append(f'<line x1="{x:.1f}" y1="{start:.1f}" x2="{x:.1f}" y2="{end:.1f}" stroke="{GRID}"/>')
    return lines


def _diamond(x: float, y: float, colour: str, r: float = 3.5) -> str:
    return (f'<path d="M{x:.1f} {y - r:.1f}L{x + r:.1f} {y:.1f}L{x:.1f} {y + r:.1f}L{x - r:.1f} {y:.1f}Z" '
            f'fill="{colour}" stroke="#ffffff" stroke-width="0.8"/>')


def series_svg(lines: Sequence[dict], periods: Sequence[int], *, title: str, unit_label: str, percent: bool,
               notes: Sequence[str], lang: str, fmt, target: tuple[int, float, str] | None = None,
               tick_fmt=None) -> str:
    """Lines over the periods: each {label, points: {period: value}, kind, domain (its periods, default
    all)}; a gap where a value of its domain is missing. `target` = (year, value, label) draws the
    straight path from the last value to the target."""
    notes = _lines(notes)
    periods = sorted(set(periods) | ({target[0]} if target else set()))
    values = [v for line in lines for v in line["points"].values()] + ([target[1]] if target else [])
    top, step = _axis(max(values, default=1.0), percent)
    title_lines = len(_wrap(title, TITLE_CHARS))
    y0, x0, x1, plot_h = 22 + 18 * title_lines + 16, 70, WIDTH - 200, 260
    height = y0 + plot_h + 40 + 13 * len(notes) + 10
    span = max(periods[-1] - periods[0], 1) if periods else 1
    px = (lambda p: x0 + (p - periods[0]) / span * (x1 - x0)) if periods else (lambda p: x0)
    py = lambda v: y0 + plot_h - v / top * plot_h  # noqa: E731
    body = [_text(x0, y0 - 6, unit_label, 10, colour=MUTED)]
    for tick in _ticks(top, step):
        body.append(f'<line x1="{x0}" y1="{py(tick):.1f}" x2="{x1}" y2="{py(tick):.1f}" stroke="{GRID}"/>')
        body.append(_text(x0 - 6, py(tick) + 4, (tick_fmt or fmt)(tick), 9.5, "end", colour=MUTED))
    for p in periods:
        body.append(_text(px(p), y0 + plot_h + 16, p, 9.5, "middle", colour=MUTED))
    colours = {"focus": FOCUS, "eu": EU, "peer": PEER}
    labels: list[tuple[float, str, str]] = []  # (wanted baseline, text, colour), set in the right margin
    for line in lines:
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
            last, value = known[-1], line["points"][known[-1]]
            when = f" ({last})" if last != periods[-1] else ""
            labels.append((py(value) + 4, f"{line['label']} {fmt(value)}{when}", colour))
    if target:
        year, value, label = target
        body.append(f'<line x1="{x0}" y1="{py(value):.1f}" x2="{x1}" y2="{py(value):.1f}" stroke="#27ae60" '
                    f'stroke-width="1.5" stroke-dasharray="2 3"/>')
        labels.append((py(value) + 4, label, "#27ae60"))
        focus = next((line for line in lines if line["kind"] == "focus"), None)
        known = [p for p in periods if focus and focus["points"].get(p) is not None]
        if known:
            p = known[-1]
            body.append(f'<line x1="{px(p):.1f}" y1="{py(focus["points"][p]):.1f}" x2="{px(year):.1f}" '
                        f'y2="{py(value):.1f}" stroke="{FOCUS}" stroke-width="1" stroke-dasharray="4 4"/>')
    for y, text, colour in _apart(labels, 12, y0 + 4, y0 + plot_h + 4):
        body.append(_text(x1 + 8, y, text, 9.5, weight="bold", colour=colour))
    return _frame(height, body, title, notes, lang)


def _apart(labels: Sequence[tuple[float, str, str]], gap: float, low: float, high: float) -> list[tuple[float, str, str]]:
    """Labels moved vertically the least so that baselines are `gap` apart, within [low, high + slack]."""
    placed: list[tuple[float, str, str]] = []
    for y, text, colour in sorted(labels):
        y = max(y, low, placed[-1][0] + gap if placed else low)
        placed.append((y, text, colour))
    overflow = placed[-1][0] - high if placed else 0
    if overflow > 0:  # pushed below the plot: shift the stack up as far as the top allows
        shift = min(overflow, placed[0][0] - low)
        placed = [(y - shift, text, colour) for y, text, colour in placed]
    return placed


def flag_notes(flags: Iterable[str], words, lang: str) -> list[str]:
    """'b = break in series; u = low reliability' in the chart's language, for the flags shown."""
    letters = sorted({ch for f in flags if f for ch in str(f) if not ch.isspace()})
    if not letters:
        return []
    label = {"en": "Flags", "nl": "Vlaggen", "fr": "Signes"}[lang]
    return [f"{label}: " + "; ".join(f"{ch} = {words.get(ch, {}).get(lang, ch)}" for ch in letters)]
