"""A report as a full HTML page with the official table layout (row and column spans)."""

from __future__ import annotations

from html import escape

from gongkai.model.report import Report
from gongkai.render.layout import Block, Layout, document

_STYLE = (
    "body{font-family:'Noto Serif CJK SC',serif;max-width:50em;margin:2em auto;line-height:1.8}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #000;padding:2px 6px;text-align:center}"
    ".sign{text-align:right}"
)


def _table(layout: Layout) -> str:
    rows = []
    for row in layout:
        cells = []
        for c in row:
            span = (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (
                f' colspan="{c.colspan}"' if c.colspan > 1 else ""
            )
            cells.append(f"<td{span}>{escape(c.text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return '<table border="1">\n' + "\n".join(rows) + "\n</table>"


def render_block(b: Block) -> str:
    if b.kind == "title":
        return f"<h1>{escape(b.text)}</h1>"
    if b.kind == "heading":
        return f"<h2>{escape(b.text)}</h2>"
    if b.kind == "table":
        assert b.layout is not None
        return _table(b.layout)
    if b.kind == "signature":
        return "".join(f'<p class="sign">{escape(x)}</p>' for x in b.text.split("\n"))
    return f"<p>{escape(b.text)}</p>"


def render_html(report: Report, charset: str = "utf-8") -> str:
    """A whole page; ``charset`` is only declared (encode the string with it yourself)."""
    title = escape(report.title or "政府信息公开工作年度报告")
    meta = f'<p class="meta">发布日期：{report.published_on.isoformat()}</p>\n' if report.published_on else ""
    body = "\n".join(render_block(b) for b in document(report))
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="{charset}">\n<title>{title}</title>\n'
        f'<style>{_STYLE}</style>\n</head>\n<body>\n<div class="article">\n{meta}{body}\n</div>\n</body>\n</html>\n'
    )
