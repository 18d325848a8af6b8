"""A report as a full HTML page with the official table layout (row and column spans)."""

from __future__ import annotations

import random
from html import escape

from gongkai.model.report import Report
from gongkai.render.layout import PAGE, Block, Layout, LCell, document, layout_width, table_style

_STYLE = (
    "body{font-family:'Noto Serif CJK SC',serif;max-width:50em;margin:2em auto;line-height:1.8}"
    "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #000;padding:2px 6px;text-align:center}"
    ".sign{text-align:right}"
)


def span_attrs(c: LCell) -> str:
    """A cell's ``rowspan``/``colspan`` attributes (none when it spans one)."""
    return (f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "") + (f' colspan="{c.colspan}"' if c.colspan > 1 else "")


def _table(layout: Layout, key: str | None = None) -> str:
    """With ``key`` (the official page) the columns get the widths of the DOCX and the cells
    a class by kind (label, head, value)."""
    rows = []
    for row in layout:
        cells = []
        for c in row:
            cls = f' class="{c.kind}"' if key else ""
            cells.append(f"<td{span_attrs(c)}{cls}>{escape(c.text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cols = ""
    if key:
        widths = table_style(key, layout_width(layout)).widths_cm
        cols = "<colgroup>" + "".join(f'<col style="width:{w:.2f}cm">' for w in widths) + "</colgroup>\n"
    return '<table border="1">\n' + cols + "\n".join(rows) + "\n</table>"


def render_block(b: Block, official: bool = False) -> str:
    if b.kind == "title":
        return f"<h1>{escape(b.text)}</h1>"
    if b.kind == "heading":
        return f"<h2>{escape(b.text)}</h2>"
    if b.kind == "table":
        assert b.layout is not None
        return _table(b.layout, b.key if official else None)
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
    # the portals' own ways (``日期:2023-01-11 来源:五常市人民政府``, ``时间: 2024-03-31 18:46:07 来源:…``)
    form = rng.choice(("发布日期：{d}", "日期：{d} 来源：{site}", "时间：{d} {t} 来源：{site}"))
    clock = f"{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    published = form.format(d=date.isoformat(), t=clock, site=site) if date else ""
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


_OFFICIAL_STYLE = (
    f"body{{margin:0;background:#eee}}"
    f".page{{box-sizing:border-box;width:{PAGE.width_cm}cm;min-height:{PAGE.height_cm}cm;margin:1em auto;"
    f"padding:{PAGE.top_cm}cm {PAGE.right_cm}cm {PAGE.bottom_cm}cm {PAGE.left_cm}cm;background:#fff;"
    f"font:{PAGE.body_pt}pt/{PAGE.line_pt}pt '仿宋_GB2312','仿宋','FangSong','Noto Serif CJK SC',serif}}"
    f"h1{{font:{PAGE.title_pt}pt/1.6 '方正小标宋简体','Noto Serif CJK SC',serif;font-weight:bold;"
    f"text-align:center;margin:0 0 {PAGE.line_pt}pt}}"
    f"h2{{font:{PAGE.body_pt}pt/{PAGE.line_pt}pt '黑体','SimHei','Noto Sans CJK SC',sans-serif;"
    f"margin:0;text-indent:2em}}"
    "p{margin:0;text-indent:2em}p.sign{text-align:right;text-indent:0}"
    "table{border-collapse:collapse;table-layout:fixed;width:100%;margin:0 0 14pt;"
    "font:9pt/1.3 '宋体','SimSun','Noto Serif CJK SC',serif}"
    "td{border:1px solid #000;padding:1px 2px;text-align:center;vertical-align:middle}"
    "td.label{text-align:left}td.head,td.caption{font-weight:bold}"
    "@media print{body{background:none}.page{margin:0;width:auto;min-height:0;padding:0}"
    f"@page{{size:A4;margin:{PAGE.top_cm}cm {PAGE.right_cm}cm {PAGE.bottom_cm}cm {PAGE.left_cm}cm}}}}"
)


def render_official_html(report: Report) -> str:
    """The report alone as an A4 page in the official layout (``gongkai render --format html``)."""
    title = escape(report.title or "政府信息公开工作年度报告")
    body = "\n".join(render_block(b, official=True) for b in document(report))
    return (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>{title}</title>\n'
        f'<style>{_OFFICIAL_STYLE}</style>\n</head>\n<body>\n<div class="page">\n{body}\n</div>\n</body>\n</html>\n'
    )
