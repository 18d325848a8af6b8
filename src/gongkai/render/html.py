"""A report as a full HTML page with the official table layout (row and column spans)."""

from __future__ import annotations

import random
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


_NAV = ("首页", "政务公开", "政务服务", "互动交流", "走进本地")
_SIDEBAR = ("政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开年报")


def _chrome(report: Report) -> tuple[str, str]:
    """The site around the article on a government portal: navigation, breadcrumb, a side
    column of links, and a footer full of numbers (site code, ICP record, phone) that are
    not the report's."""
    rng = random.Random(report.title or "")
    site = escape(report.agency or "政府门户网站")
    nav = "".join(f'<li><a href="#">{x}</a></li>' for x in _NAV)
    side = "".join(f'<li><a href="#">{x}</a></li>' for x in _SIDEBAR)
    date = report.published_on or report.signed_on
    published = f"发布日期：{date.isoformat()}" if date else ""
    head = (
        f'<div class="header"><div class="logo">{site}</div><ul class="nav">{nav}</ul></div>\n'
        '<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 政府信息公开年报</div>\n'
        f'<div class="sidebar"><ul>{side}</ul></div>\n'
        f'<div class="info"><span>{published}</span> <span>浏览次数：{rng.randint(10, 9999)}</span> '
        "<span>字号：大 中 小</span></div>\n"
    )
    foot = (
        f'<div class="footer"><p>主办单位：{site}　网站标识码：{rng.randint(10**9, 10**10 - 1)}</p>'
        f"<p>ICP备{rng.randint(10**7, 10**8 - 1)}号　公网安备{rng.randint(10**13, 10**14 - 1)}号　"
        f"联系电话：0{rng.randint(100, 999)}-{rng.randint(1000000, 9999999)}</p></div>\n"
    )
    return head, foot


def render_html(report: Report, charset: str = "utf-8", chrome: bool = True) -> str:
    """A whole page as a portal serves it (``chrome=False``: the article alone); ``charset``
    is only declared (encode the string with it yourself)."""
    title = escape(report.title or "政府信息公开工作年度报告")
    head, foot = _chrome(report) if chrome else ("", "")
    body = "\n".join(render_block(b) for b in document(report))
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="{charset}">\n<title>{title}</title>\n'
        f'<style>{_STYLE}</style>\n</head>\n<body>\n{head}<div class="article">\n{body}\n</div>\n{foot}'
        "</body>\n</html>\n"
    )
