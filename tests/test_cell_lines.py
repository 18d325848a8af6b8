"""Tables printed one cell a line, each row padded with pipes (a site's text export of its HTML
tables): the grid's width found from the padding lines, numbers back in their columns."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.readers import read_bytes
from gongkai.readers.cell_lines import cell_line_rows, grid_width
from gongkai.readers.document import Grid
from gongkai.render.layout import document, expand
from gongkai.testing.damage import blank_zeros
from gongkai.testing.generate import generate
from gongkai.testing.shapes import render_cell_lines

# an outcome row: a label over three columns, six blank cells, a total of 0, two pads
ROWS = """(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) |
申请人情况 |
||||||||
自然人 |
法人或其他组织 |
总计 |
|||||||
商业企业 |
科研机构 |
社会公益组织 |
法律服务机构 |
其他 |
|||||
一、本年新收政府信息公开申请数量 |
|
|
|
|
|
|
0 |
||
三、本年度办理结果 |
(一)予以公开 |
|
|
|
|
|
|
4 |
|
""".splitlines()


def _texts(rows: list[list[object]]) -> list[list[str | None]]:
    return [[getattr(c, "text", None) for c in row] for row in rows]


def test_padding_lines_fix_the_width_and_numbers_stand_under_their_columns() -> None:
    rows = cell_line_rows(ROWS, 1)
    assert rows is not None
    got = _texts(rows)
    assert all(len(r) == 10 for r in got)
    # the label's two covered slots come before the numbers, not after them
    assert got[3] == ["一、本年新收政府信息公开申请数量", None, None, "", "", "", "", "", "", "0"]
    # a bare ``|`` after the row's seven cells is its one pad (the group label's covered slot),
    # known from the rows whose padding shows how many cells follow their labels
    assert got[4] == ["三、本年度办理结果", "(一)予以公开", None, "", "", "", "", "", "", "4"]


@pytest.mark.parametrize(
    "lines",
    [
        ["一 |", "二 |"] * 8,  # no padding line: nothing shows a grid
        ROWS[:-1],  # a slot short: no width divides the run
        ROWS[:8],  # too short a run to be a table
    ],
)
def test_runs_that_are_not_such_a_grid_stay_lines(lines: list[str]) -> None:
    assert cell_line_rows(lines, 1) is None


@settings(max_examples=15, deadline=None, derandomize=True)
@given(seed=st.integers(min_value=0, max_value=10**6), blanks=st.booleans(), opened=st.booleans())
def test_every_value_cell_of_a_rendered_report_comes_back_in_its_column(seed: int, blanks: bool, opened: bool) -> None:
    """``opened``: each row opens with a bare ``|`` line (a 北京 page), not a cell."""
    gen = generate(seed)
    if blanks:
        gen = blank_zeros(gen, seed)
    text = render_cell_lines(gen.report, seed, "cells", opened)
    grids = [b for b in read_bytes("report.txt", text.encode()).blocks if isinstance(b, Grid)]
    tables = [b for b in document(gen.report) if b.kind == "table"]
    assert len(grids) == len(tables)
    for grid, table in zip(grids, tables, strict=True):
        assert table.layout is not None
        want = expand(table.layout)
        assert len(grid.rows) == len(want)
        for got_row, want_row in zip(grid.rows, want, strict=True):
            values = [(j, c) for j, c in enumerate(want_row) if c is not None and c.kind == "value"]
            if all(c.colspan == 1 for _, c in values):
                # numbers under their own columns (tables 3 and 4: the spans are the labels'),
                # counted from the row's end where the page's table is wider than the template's
                wider = len(got_row) - len(want_row)
                for j, cell in values:
                    got = got_row[j + wider]
                    assert got is not None and got.text == cell.text, (j, [c and c.text for c in got_row])
            else:
                # a number spanning columns (table 2): the export does not say which of its
                # slots it padded, and a bare ``|`` pad at a lone row's end reads as a blank
                # cell; the numbers come in order after the label
                first = min(j for j, _ in values)
                got_texts = [c.text for c in got_row[first:] if c is not None]
                assert _untrailed(got_texts) == _untrailed([c.text for _, c in values])


@settings(max_examples=10, deadline=None, derandomize=True)
@given(seed=st.integers(min_value=0, max_value=10**6))
def test_rows_padded_at_their_end_are_read_with_the_pads_after_the_numbers(seed: int) -> None:
    """``一、本年新收政府信息公开申请数量 | ||||||0 | ||`` (a 湖南 and a 辽宁 page): a pad and a
    blank cell print alike, so the reader keeps each row's cells as printed and the parser,
    which knows each row's width, takes the pads from the row's end."""
    from gongkai.parse import parse_document
    from gongkai.testing.compare import compare_tables

    gen = blank_zeros(generate(seed), seed)
    text = render_cell_lines(gen.report, seed, "rows")
    report = parse_document(read_bytes("report.txt", text.encode()))
    cells = compare_tables(gen.report.to_json(provenance=False)["tables"], report.to_json(provenance=False))
    assert cells.exact == cells.total, cells.mismatches[:3]


def _untrailed(texts: list[str]) -> list[str]:
    while texts and not texts[-1]:
        texts = texts[:-1]
    return texts


def test_width_is_the_smallest_every_padding_line_fits() -> None:
    from gongkai.readers.cell_lines import _slots

    assert grid_width(_slots(ROWS)) == 10


PIPE_AFTER = ["规章", "|", "0", "|", "", "|", "6", "|", "行政规范性文件", "|", "0", "|", "|", "0", "|"]


def test_cells_each_closed_by_a_pipe_line_become_a_cell_a_line() -> None:
    """``text`` / ``|`` (a 新疆 page): each cell's text and a line of one pipe; a blank cell an
    empty line or none; a heading wrapped in a narrow cell one cell (``商业`` / ``企业``)."""
    from gongkai.readers.cell_lines import pipe_after_cells

    head = ["主动公开情况如下：", "第二十条第(一)项", "|", "商业", "企业", "|"]
    lines = [*head, *PIPE_AFTER, *PIPE_AFTER, "三、收到和处理"]
    assert pipe_after_cells(lines, 0) is None  # a sentence before the table is not a cell
    run = pipe_after_cells(lines, 1)
    assert run is not None
    cells, end = run
    row = ["规章", "0", "", "6", "行政规范性文件", "0", "", "0"]
    assert [t for t, _ in cells] == ["第二十条第(一)项", "商业企业", *row, *row]
    assert lines[end] == "三、收到和处理"
    doc = read_bytes("r.txt", "\n".join(lines).encode())
    texts = [b.text for b in doc.blocks if not isinstance(b, Grid)]
    assert "\t" in texts and "\t6" in texts and "|" not in texts


@settings(max_examples=10, deadline=None, derandomize=True)
@given(seed=st.integers(min_value=0, max_value=10**6))
def test_a_report_printed_with_pipe_lines_after_its_cells_reads_exactly(seed: int) -> None:
    from gongkai.parse import parse_document
    from gongkai.testing.compare import compare_tables

    for gen in (blank_zeros(generate(seed), seed), blank_zeros(generate(seed, defects=()), seed)):
        text = render_cell_lines(gen.report, seed, "pipe_after")
        report = parse_document(read_bytes("report.txt", text.encode()))
        cells = compare_tables(gen.report.to_json(provenance=False)["tables"], report.to_json(provenance=False))
        assert cells.wrong == 0, [m for m in cells.mismatches if m["kind"] == "wrong"][:3]
    # a consistent report (no planted defect leaves a row's bounds open): every cell exact
    assert cells.exact == cells.total, cells.mismatches[:3]


def test_pads_run_on_after_a_rows_last_cell_are_pads() -> None:
    """`` 第二十条第(一)项  | |||`` (a 重庆 page): the row's three pads on its last cell's line,
    each row opened by a bare ``|`` line, cell texts set off by spaces."""
    lines = ["|", " 第二十条第(一)项  | |||", "|", " 信息内容  | ", " 本年制发件数  | ", " 本年废止件数  | "]
    lines += [" 现行有效件数  | ", "|", " 规章  | ", " 0  | ", "   | ", " 3  | "]
    lines += ["|", " 第二十条第(五)项  | |||", "|", " 信息内容  | ", " 本年处理决定数量  | ||"]
    lines += ["|", " 行政许可  | ", " 7  | ||"]
    rows = cell_line_rows(lines, 1)
    assert rows is not None
    got = _texts(rows)
    assert got[2] == ["规章", "0", "", "3"]
    assert got[0] == ["第二十条第(一)项", None, None, None]
    assert [t for t in got[5] if t is not None] == ["行政许可", "7"] and len(got[5]) == 4
