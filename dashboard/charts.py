"""Server-rendered SVG line charts: no script, no CDN, readable in greyscale.

A chart is drawn from `Series` over an ordered list of x labels. A missing
point (None) is a gap in the line: suppressed cells and rows that do not
exist are never drawn as zero. Series differ by colour, by dash pattern and by
marker shape, so they stay apart when printed in grey; a dashed series
(`estimate=True`) says so in the legend. Numbers are also in the page's table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Okabe-Ito colours (colour-blind safe), in an order whose greys differ.
COLOURS = ["#0072B2", "#D55E00", "#009E73", "#000000", "#CC79A7", "#E69F00", "#56B4E9", "#999999"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 2 1 2", "3 6"]
MARKERS = ["circle", "square", "triangle", "diamond"]


@dataclass
class Series:
    name: str
    points: list[float | None]
    estimate: bool = False  # drawn dashed, and said so in the legend
    marked: list[bool] = field(default_factory=list)  # points drawn hollow (incomplete, immature)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return float(top)
    return float(value)


def _fmt(value: float) -> str:
    return f"{value:g}"


def _marker(kind: str, x: float, y: float, colour: str, hollow: bool) -> str:
    fill = "#fff" if hollow else colour
    if kind == "square":
        return f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{fill}" stroke="{colour}"/>'
    if kind == "triangle":
        d = f"M{x:.1f},{y - 4:.1f}L{x + 4:.1f},{y + 3:.1f}L{x - 4:.1f},{y + 3:.1f}Z"
        return f'<path d="{d}" fill="{fill}" stroke="{colour}"/>'
    if kind == "diamond":
        d = f"M{x:.1f},{y - 4:.1f}L{x + 4:.1f},{y:.1f}L{x:.1f},{y + 4:.1f}L{x - 4:.1f},{y:.1f}Z"
        return f'<path d="{d}" fill="{fill}" stroke="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{fill}" stroke="{colour}"/>'


def line_chart(
    labels: list[str],
    series: list[Series],
    *,
    title: str,
    y_label: str = "",
    x_label: str = "",
    estimate_label: str = "estimate",
    width: int = 640,
    height: int = 260,
    legend: bool = True,
) -> SafeString:
    left, right, top = 52, 12, 12
    # As many legend columns (at most three) as the longest name leaves room for: long partner names
    # would run into the next column. About 6.2 px a character at 11 px, 40 px for the line, marker and gap.
    longest = max((len(s.name) + (len(estimate_label) + 3 if s.estimate else 0) for s in series), default=0)
    columns = max(1, min(3, int((width - left - right) // (longest * 6.2 + 40)))) if longest else 3
    legend_rows = -(-len(series) // columns) if legend and len(series) > 1 else (1 if legend else 0)
    bottom = 40 + 18 * legend_rows
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.points if v is not None]
    y_max = _nice_max(max(values)) if values else 1.0
    y_min = min(0.0, min(values)) if values else 0.0
    n = max(len(labels), 1)

    def x_at(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y_at(v: float) -> float:
        return top + plot_h - (v - y_min) / (y_max - y_min or 1) * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" class="chart" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(title)}</title>",
    ]
    # Axes and grid.
    for i in range(5):
        v = y_min + (y_max - y_min) * i / 4
        y = y_at(v)
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>')
        out.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{_fmt(v)}</text>')
    out.append(f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" class="axis"/>')
    out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{top + plot_h}" y2="{top + plot_h}" class="axis"/>')
    every = max(1, (n + 11) // 12)
    for i, label in enumerate(labels):
        if i % every == 0:
            x = x_at(i)
            out.append(
                f'<text x="{x:.1f}" y="{top + plot_h + 14}" text-anchor="middle" class="tick">{escape(label)}</text>'
            )
    if y_label:
        out.append(
            f'<text x="12" y="{top + plot_h / 2:.1f}" transform="rotate(-90 12 {top + plot_h / 2:.1f})" '
            f'text-anchor="middle" class="axis-label">{escape(y_label)}</text>'
        )
    if x_label:
        out.append(
            f'<text x="{left + plot_w / 2:.1f}" y="{top + plot_h + 30}" text-anchor="middle" class="axis-label">'
            f"{escape(x_label)}</text>"
        )
    # A series and its estimate share a name, and so a colour and a marker.
    style: dict[str, int] = {}
    for s in series:
        style.setdefault(s.name, len(style))
    # Lines: one path per run of known points, so a gap stays a gap.
    for s in series:
        k = style[s.name]
        colour, dash, marker = COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)], MARKERS[k % len(MARKERS)]
        if s.estimate:
            dash = "5 4"
        segments, current = [], []
        for i, v in enumerate(s.points):
            if v is None:
                if current:
                    segments.append(current)
                current = []
            else:
                current.append((x_at(i), y_at(v)))
        if current:
            segments.append(current)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for seg in segments:
            d = "M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in seg)
            out.append(f'<path d="{d}" fill="none" stroke="{colour}" stroke-width="2"{dash_attr}/>')
        for i, v in enumerate(s.points):
            if v is not None:
                hollow = s.estimate or (i < len(s.marked) and s.marked[i])
                out.append(_marker(marker, x_at(i), y_at(v), colour, hollow))
    # Legend.
    if legend:
        y0 = height - 18 * legend_rows + 4
        for n, s in enumerate(series):
            k = style[s.name]
            colour, dash, marker = COLOURS[k % len(COLOURS)], DASHES[k % len(DASHES)], MARKERS[k % len(MARKERS)]
            if s.estimate:
                dash = "5 4"
            col, row = n % columns, n // columns
            x, y = left + col * (plot_w / columns), y0 + row * 18
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            stroke = f'stroke="{colour}" stroke-width="2"{dash_attr}'
            out.append(f'<line x1="{x:.1f}" x2="{x + 24:.1f}" y1="{y:.1f}" y2="{y:.1f}" {stroke}/>')
            out.append(_marker(marker, x + 12, y, colour, s.estimate))
            name = s.name + (f" ({estimate_label})" if s.estimate else "")
            out.append(f'<text x="{x + 30:.1f}" y="{y + 4:.1f}" class="legend">{escape(name)}</text>')
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 (every text above is escaped)
