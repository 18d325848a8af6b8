"""Charts drawn on the server as SVG, from the dashboard's ``Chart`` data.

Why SVG of our own rather than ECharts: the pages must read on closed networks with scripts
blocked or disabled, under a CSP without inline scripts, and print; the figures a disclosure
office needs (bars, shares, a trend line) are simple; an SVG chart is a few kilobytes, needs no
JavaScript and no library at all, and tests can read its numbers. Each bar and point carries a
``<title>`` (the browser shows it on hover) and every chart's data is downloadable as CSV.
"""

from __future__ import annotations

from html import escape
from typing import Any

from gongkai.analysis.dashboard import Chart

WIDTH = 640
ROW_H = 26
LABEL_W = 200
VALUE_W = 70
PALETTE = ("#1f5fa8", "#d9822b", "#2e8b57", "#b03a48", "#6a4c93", "#5b7083")
SEVERITY_COLOURS = {"错误": "#c0392b", "警告": "#d9822b"}


def _fmt(v: Any, share: bool = False) -> str:
    if v is None:
        return "—"
    if share:
        return f"{v * 100:.1f}%"
    if isinstance(v, float) and not v.is_integer():
        return f"{v:.2f}"
    return str(int(v))


def _clip(text: str, n: int = 16) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _svg(height: int, body: str, title: str) -> str:
    return (
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{body}</svg>"
    )


def bars(chart: Chart, label_col: int, value_col: int, share: bool = False, colour_col: int | None = None) -> str:
    """Horizontal bars, one per row: label left, bar, value right."""
    rows = chart.rows
    if not rows:
        return ""
    values = [r[value_col] or 0 for r in rows]
    top = max(1.0 if share else max(values), 1e-9)
    span = WIDTH - LABEL_W - VALUE_W
    parts = []
    for i, r in enumerate(rows):
        y = 6 + i * ROW_H
        v = r[value_col] or 0
        w = max(0.0, span * v / top)
        colour = SEVERITY_COLOURS.get(str(r[colour_col]), PALETTE[0]) if colour_col is not None else PALETTE[0]
        label = str(r[label_col])
        tip = f"{label}：{_fmt(r[value_col], share)}"
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{y + 16}" text-anchor="end" class="lab">{escape(_clip(label))}</text>'
            f'<rect x="{LABEL_W}" y="{y + 3}" width="{w:.1f}" height="{ROW_H - 8}" fill="{colour}" rx="2">'
            f"<title>{escape(tip)}</title></rect>"
            f'<text x="{LABEL_W + w + 6:.1f}" y="{y + 16}" class="val">{escape(_fmt(r[value_col], share))}</text>'
        )
    return _svg(12 + len(rows) * ROW_H, "".join(parts), chart.title)


def line(chart: Chart, x_col: int, series: list[int], shares: set[int] | None = None) -> str:
    """Small multiples: one band per column in ``series``, each on its own scale (counts of
    reports and of applications differ by orders of magnitude), the years along the bottom."""
    rows = chart.rows
    if not rows:
        return ""
    shares = shares or set()
    band, left, right, gap = 78, 120, 40, 14
    plot_w = WIDTH - left - right
    n = len(rows)
    h = len(series) * (band + gap) + 24

    def x(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    parts = []
    for k, col in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        top_y = k * (band + gap) + 18
        base_y = top_y + band - 16
        vals = [r[col] for r in rows]
        top = max((v for v in vals if v is not None), default=0) or 1
        parts.append(
            f'<text x="{left - 12}" y="{top_y + band / 2}" text-anchor="end" class="lab">'
            f"{escape(chart.columns[col])}</text>"
            f'<line x1="{left}" y1="{base_y}" x2="{WIDTH - right}" y2="{base_y}" class="axis"/>'
        )
        pts = [(x(i), base_y - (band - 30) * v / top, v) for i, v in enumerate(vals) if v is not None]
        if len(pts) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in pts)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        for px, py, v in pts:
            label = _fmt(v, col in shares)
            tip = f"{chart.columns[col]}：{label}"
            parts.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill="{colour}"><title>{escape(tip)}</title></circle>'
                f'<text x="{px:.1f}" y="{py - 7:.1f}" text-anchor="middle" class="val">{escape(label)}</text>'
            )
    for i, r in enumerate(rows):
        parts.append(f'<text x="{x(i):.1f}" y="{h - 6}" text-anchor="middle" class="lab">{r[x_col]}</text>')
    return _svg(h, "".join(parts), chart.title)


def draw(chart: Chart) -> str:
    """The SVG for a dashboard chart (empty for a table or a chart without data)."""
    if not chart.rows or chart.kind == "table":
        return ""
    if chart.key == "findings_by_rule":
        return bars(chart, 1, 3, colour_col=2)
    if chart.key == "outcomes":
        return bars(chart, 0, 2, share=True)
    if chart.key == "corrections":
        return bars(chart, 0, 4, share=True)
    if chart.key == "trend":
        return line(chart, 0, [1, 2, 3, 4], shares={4})
    if chart.key in ("rank_disclosure", "rank_correction"):
        relabelled = Chart(chart.key, chart.title, chart.columns, [[f"{r[0]}（{r[1]}）", *r[1:]] for r in chart.rows])
        return bars(relabelled, 0, 4, share=True)
    return ""
