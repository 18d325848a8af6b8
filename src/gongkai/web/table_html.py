"""The official table grid of a report page as HTML, written in Python: a table is some 400
cells, and as Jinja macros each cell made several Markup strings (the page's largest cost under
load). Each cell links to its source; a cell with findings shows their numbers."""

from __future__ import annotations

from markupsafe import Markup, escape

from gongkai.analysis.report_view import CellView, TableView
from gongkai.render.html import span_attrs
from gongkai.render.layout import LCell


def _value_cell(lc: LCell, cv: CellView, report_id: int) -> str:
    sev = cv.severity
    unc = cv.uncertain
    cls = "v"
    if sev:
        cls += f" has-{sev}"
    if unc:
        cls += " unc"
    if cv.involved:
        cls += " involved"
    if cv.cell is not None and cv.cell.blank:
        cls += " blank"
    key = escape(cv.key)
    title = key + (Markup("：") + escape(unc) if unc else "")
    if cv.text:
        shown = escape(cv.display)
    elif cv.cell is None:
        shown = Markup('<span class="missing">未读</span>')
    else:
        shown = Markup('<span class="missing">空</span>')
    href = f"/reports/{report_id}/cells/{key}"
    parts = [
        f'<td id="cell-{key}" class="{cls}"{span_attrs(lc)} title="{title}">',
        f'<a class="num" href="{href}" hx-get="{href}" hx-target="#source-panel" hx-push-url="false">{shown}</a>',
    ]
    if unc and cv.candidates:
        parts.append(f'<span class="cands">可能：{escape(" / ".join(cv.candidates))}</span>')
    for f in cv.findings:
        closed = "" if f.open else " closed"
        parts.append(
            f'<a class="fb sev-{escape(f.severity)}{closed}" href="#f{f.id}" title="{escape(f.message)}">{f.number}</a>'
        )
    parts.append("</td>")
    return "".join(parts)


def table_grid(t: TableView, report_id: int) -> Markup:
    """``<table class="tpl t-KEY">``: the template's layout, merged header cells and all."""
    out = [f'<table class="tpl t-{escape(t.key)}">']
    for row in t.rows:
        out.append("<tr>")
        for lc, cv in row:
            if cv is None:
                out.append(f'<td class="{escape(lc.kind)}"{span_attrs(lc)}>{escape(lc.text)}</td>')
            else:
                out.append(_value_cell(lc, cv, report_id))
        out.append("</tr>\n")
    out.append("</table>")
    # every text from the report or the store went through escape() above; the rest is ours
    return Markup("".join(out))  # nosec B704
