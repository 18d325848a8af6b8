"""The report page's table grid, written in Python: escaping, spans, marks and finding badges."""

from __future__ import annotations

from gongkai.analysis.report_view import CellView, FindingView, TableView
from gongkai.model.report import Cell
from gongkai.render.layout import LCell
from gongkai.web.table_html import table_grid


def _finding(n: int, verdict: str | None = None) -> FindingView:
    return FindingView(
        id=40 + n, number=n, rule="t3_row_total", severity="error", location="x", message='总计 "1" <不等于> 2',
        expected=None, found=None, scope="report", uncertain=False, cells=[], anchor="cell:x", verdict=verdict,
    )  # fmt: skip


def test_cells_are_escaped_marked_and_linked() -> None:
    uncertain = Cell(None, "1<2", uncertain='读数"不定"', candidates=(12, None))
    cv = CellView("applications.received.total", "1<2", uncertain, findings=[_finding(1), _finding(2, "dismissed")])
    head = LCell("<总计>", colspan=2, kind="head")
    t = TableView("applications", "表三", [[(head, None)], [(LCell("1<2", kind="value"), cv)]], [1.0])
    html = str(table_grid(t, 7))
    assert '<td class="head" colspan="2">&lt;总计&gt;</td>' in html
    assert 'class="v has-error unc"' in html  # the dismissed finding does not count
    assert 'title="applications.received.total：读数&#34;不定&#34;"' in html
    assert ">1&lt;2</a>" in html and "1<2" not in html
    assert '<span class="cands">可能：12 / 空白</span>' in html
    assert 'href="/reports/7/cells/applications.received.total"' in html
    assert html.count('class="fb sev-error') == 2 and 'class="fb sev-error closed" href="#f42"' in html
    assert "&lt;不等于&gt;" in html and "<不等于>" not in html


def test_a_cell_not_read_and_a_blank_cell() -> None:
    unread = CellView("appeals.review.total", "", None)
    blank = CellView("appeals.review.upheld", "", Cell(None, None, True))
    t = TableView("appeals", "表四", [[(LCell("", kind="value"), unread), (LCell("", kind="value"), blank)]], [1.0])
    html = str(table_grid(t, 1))
    assert '<span class="missing">未读</span>' in html
    assert 'class="v blank"' in html and '<span class="missing">空</span>' in html
