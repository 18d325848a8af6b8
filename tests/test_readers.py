"""Readers: encodings, Markdown and HTML grids with spans, DOCX merges, bad input."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from gongkai.readers import ReadError, read, read_bytes
from gongkai.readers.document import Grid, TextLine
from gongkai.readers.text import decode_bytes

SAMPLE = "一、总体情况\n本机关2024年收到政府信息公开申请12件。\n"


@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"])
def test_encodings_are_detected(enc: str) -> None:
    data = SAMPLE.encode(enc)
    assert decode_bytes(data, "x.txt").lstrip("\ufeff") == SAMPLE


def test_html_spans_are_expanded_and_blank_kept() -> None:
    html = """<html><head><meta charset="gb2312"></head><body>
    <div class="nav">首页 导航</div>
    <div id="content"><p>二、主动公开政府信息情况</p>
    <table><tr><td rowspan="2">A</td><td colspan="2">B</td></tr>
    <tr><td>1</td><td>&nbsp;</td></tr></table></div>
    <div class="footer">版权所有</div></body></html>"""
    doc = read_bytes("page.html", html.encode("gb18030"))
    grids = [b for b in doc.blocks if isinstance(b, Grid)]
    assert len(grids) == 1
    g = grids[0]
    assert g.rows[0][0] is not None and g.rows[0][0].text == "A" and g.rows[0][0].rowspan == 2
    assert g.rows[0][2] is None  # covered by the colspan
    assert g.rows[1][0] is None  # covered by the rowspan
    assert g.rows[1][1] is not None and g.rows[1][1].text == "1"
    assert g.rows[1][2] is not None and g.rows[1][2].text == ""
    texts = " ".join(b.text for b in doc.blocks if isinstance(b, TextLine))
    assert "主动公开" in texts and "版权所有" not in texts and "导航" not in texts


def test_markdown_tables_become_grids() -> None:
    md = "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | |\n"
    doc = read_bytes("t.md", md.encode())
    g = next(b for b in doc.blocks if isinstance(b, Grid))
    assert [[c.text if c else None for c in row] for row in g.rows] == [["a", "b"], ["1", "2"], ["3", ""]]


def _docx_with_merges(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    t = d.add_table(rows=3, cols=3)
    t.cell(0, 0).merge(t.cell(1, 0)).text = "V"
    t.cell(0, 1).merge(t.cell(0, 2)).text = "H"
    t.cell(1, 1).text = "1"
    t.cell(2, 0).text = "x"
    t.cell(2, 2).text = "9"
    d.save(str(path))


def test_docx_merges(tmp_path: Path) -> None:
    p = tmp_path / "m.docx"
    _docx_with_merges(p)
    doc = read(str(p))
    g = next(b for b in doc.blocks if isinstance(b, Grid))
    assert g.rows[0][0] is not None and g.rows[0][0].text == "V" and g.rows[0][0].rowspan == 2
    assert g.rows[1][0] is None
    assert g.rows[0][1] is not None and g.rows[0][1].colspan == 2 and g.rows[0][2] is None
    assert g.rows[2][2] is not None and g.rows[2][2].text == "9"


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"   \n\n ", "empty"),
        ("junk.bin", bytes(range(256)) * 40, None),
        ("x.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "unsupported"),
        ("a.zip", b"PK\x03\x04" + b"\x00" * 50, "corrupt"),
    ],
)
def test_bad_input_raises_read_error(name: str, data: bytes, code: str | None) -> None:
    with pytest.raises(ReadError) as e:
        read_bytes(name, data)
    assert e.value.reason
    if code:
        assert e.value.code == code


def test_truncated_docx(tmp_path: Path) -> None:
    p = tmp_path / "m.docx"
    _docx_with_merges(p)
    data = p.read_bytes()
    cut = tmp_path / "cut.docx"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(ReadError) as e:
        read(str(cut))
    assert e.value.code == "corrupt"


def test_zip_that_is_not_docx(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ReadError) as e:
        read_bytes("a.docx", buf.getvalue())
    assert "ZIP" in e.value.reason


def test_huge_text_is_refused_without_loading(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    with open(p, "wb") as f:
        f.write(("一、总体情况\n" * 1000).encode())
        f.seek(50 * 1024 * 1024)
        f.write(b"x")
    with pytest.raises(ReadError) as e:
        read(str(p))
    assert e.value.code == "too_large"


def _grids(md: str) -> list[Grid]:
    return [b for b in read_bytes("t.md", md.encode()).blocks if isinstance(b, Grid)]


def _row_texts(grid: Grid) -> list[list[str | None]]:
    return [[c.text if c is not None else None for c in row] for row in grid.rows]


def test_a_converters_repeated_merged_cell_is_one_cell_again() -> None:
    """pymupdf4llm writes a merged cell's text into every column it spans, the heading and the
    number under it: where the heading repeats over two columns and every row under it repeats
    a number (not only zeros), the two are one cell."""
    md = "|信息内容|上一年项目数量|本年增/减|本年增/减|\n|---|---|---|---|\n|行政事业性收费|30|**减 1**|减 1|\n"
    (grid,) = _grids(md)
    assert _row_texts(grid)[1] == ["行政事业性收费", "30", "减 1", None]
    assert grid.rows[1][2] is not None and grid.rows[1][2].colspan == 2


@pytest.mark.parametrize(
    ("heading", "row", "span"),
    [
        ("|上一年项目数量|本年增/减|本年增/减|", "|行政事业性收费|21|0|0|", 2),
        ("|本年处理决定数量|本年处理决定数量|本年处理决定数量|", "|行政许可|0|0|0|", 3),
    ],
)
def test_zeros_repeated_under_a_table_2_heading_are_one_spanned_cell(heading: str, row: str, span: int) -> None:
    """Table 2 has no column whose heading stands over two: a repeated one is a merged cell,
    zeros under it included (a short row's last cell spans the rest of the row)."""
    md = f"|信息内容{heading}\n|---|---|---|---|\n{row}\n"
    (grid,) = _grids(md)
    texts = _row_texts(grid)[1]
    assert texts[4 - span + 1 :] == [None] * (span - 1)
    cell = grid.rows[1][4 - span]
    assert cell is not None and cell.text == "0" and cell.colspan == span


@pytest.mark.parametrize(
    "rows",
    [
        "|申请|3|0|0|\n|其他|2|0|0|",  # only zeros repeat: chance as likely as a span
        "|申请|3|4|4|\n|其他|2|1|3|",  # a row that differs: two columns under one repeated heading
    ],
)
def test_equal_numbers_under_a_repeated_heading_stay_apart_unless_every_row_says_span(rows: str) -> None:
    md = "|内容|数量|其他|其他|\n|---|---|---|---|\n" + rows + "\n"
    (grid,) = _grids(md)
    assert all(None not in row for row in _row_texts(grid))


def test_markdown_bold_and_empty_headers_are_markup() -> None:
    """``**…**`` around a title and an empty header row above a table piece carry no text; an
    empty row among the numbers is a row of blank cells."""
    md = "# **某市某局2024年度政府信息公开工作年度** **报告**\n\n|||\n|---|---|\n|一、本年新收|3|\n|||\n"
    doc = read_bytes("t.md", md.encode())
    title = next(b for b in doc.blocks if isinstance(b, TextLine) and b.text.strip())
    assert "*" not in title.text and title.text.startswith("某市某局2024")
    (grid,) = [b for b in doc.blocks if isinstance(b, Grid)]
    assert _row_texts(grid) == [["一、本年新收", "3"], ["", ""]]


@pytest.mark.parametrize("suffix", [".txt", ".md"])
@pytest.mark.parametrize("seed", range(6))
def test_table_rows_without_their_leading_pipe_keep_their_blank_cells(seed: int, suffix: str) -> None:
    """``一、本年新收政府信息公开申请数量 | 0 | | | | | | 0 |``: a table some converters and
    copies of web pages write without Markdown's leading pipe; its empty cells are blank
    cells, in a plain text file as in Markdown (read as loose numbers, all seven were open)."""
    from gongkai.parse import parse_document
    from gongkai.render.text import render_markdown
    from gongkai.testing.compare import compare_tables
    from gongkai.testing.damage import blank_zeros
    from gongkai.testing.generate import generate

    gen = blank_zeros(generate(seed), seed)
    lines = render_markdown(gen.report).split("\n")
    text = "\n".join(ln.strip()[1:].lstrip() if ln.strip().startswith("|") else ln for ln in lines)
    report = parse_document(read_bytes(f"doc{suffix}", text.encode()))
    got = report.to_json(provenance=False)
    cells = compare_tables(gen.report.to_json(provenance=False)["tables"], got)
    assert cells.exact == cells.total, cells.mismatches[:3]


def test_two_headings_cut_short_alike_are_two_columns_not_one_spanning_both() -> None:
    """``| 信息内容 | 本年新 | 本年新 | 对外公开总数量 |`` over ``| 规范性文件 | 11 | 11 | 15 |`` (a
    real page): the repeated words are two headings cut short, and the row three cells."""
    from gongkai.parse import parse_document
    from gongkai.testing.corpus import render_text
    from gongkai.testing.generate import generate

    full = "| 信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |"
    checked = 0
    for seed in range(12):
        gen = generate(seed, template="v2019", defects=())
        text = render_text(gen, "markdown")
        if full not in text:
            continue
        cut = text.replace(full, "| 信息内容 | 本年新 | 本年新 | 对外公开总数量 |")
        got = parse_document(read_bytes("report.md", cut.encode())).to_json(provenance=False)
        want = gen.report.to_json(provenance=False)["tables"]["active_disclosure"]
        assert got["tables"]["active_disclosure"] == want, seed
        checked += 1
    assert checked >= 3
