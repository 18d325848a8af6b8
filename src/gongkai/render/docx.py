"""A report as a Word document in the official layout (python-docx).

On the official page (``layout.PAGE``) the page, fonts and tables follow the templates
(国办公开办函〔2019〕60号 and 〔2021〕30号) as agencies print them under GB/T 9704: A4 with
37/35/28/26 mm margins, 小标宋 title, 黑体 headings, 仿宋 body at 三号 on a 28 pt pitch,
tables in 小五 with the template's merged header cells (``render.layout``, which every renderer
draws). ``w:tblGrid`` widths are written so LibreOffice keeps the columns; a row never splits
across pages; with ``repeat_headers`` the header rows of tables 3 and 4 repeat on each page the
table runs onto (``w:tblHeader``). ``layout.PLAIN`` is the same document typed with Word's
defaults (the synthetic corpus).
"""

from __future__ import annotations

from typing import Any

from docx import Document as new_document  # type: ignore[import-untyped]
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT  # type: ignore[import-untyped]
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING  # type: ignore[import-untyped]
from docx.oxml import OxmlElement  # type: ignore[import-untyped]
from docx.oxml.ns import qn  # type: ignore[import-untyped]
from docx.shared import Cm, Pt  # type: ignore[import-untyped]
from docx.table import _Cell  # type: ignore[import-untyped]

from gongkai.model.report import Report
from gongkai.render.fonts import FALLBACK, FontSet, font_set
from gongkai.render.layout import PAGE, PLAIN, Block, Layout, LCell, Page, document, expand, table_style

TWIPS_PER_CM = 567


def render_docx(
    report: Report,
    path: str,
    repeat_headers: bool = False,
    fonts: FontSet | None = None,
    page: Page = PLAIN,
) -> None:
    """Write ``report`` as a DOCX: on the official page (``page=PAGE``, as ``gongkai render``
    does) or as typed with Word's defaults (``PLAIN``, the synthetic corpus). With
    ``repeat_headers`` the header rows of tables 3 and 4 repeat on every page a table runs onto."""
    fonts = fonts or (font_set() if page.official else FALLBACK)
    doc = new_document()
    _page_setup(doc, fonts, page)
    for b in document(report):
        _block(doc, b, fonts, page, repeat_headers)
    doc.save(path)


def render_official_docx(report: Report, path: str, official_fonts: bool = False) -> None:
    render_docx(report, path, repeat_headers=True, fonts=font_set(official_fonts), page=PAGE)


def _page_setup(doc: object, fonts: FontSet, page: Page) -> None:
    section = doc.sections[0]  # type: ignore[attr-defined]
    section.page_width, section.page_height = Cm(page.width_cm), Cm(page.height_cm)
    section.top_margin, section.bottom_margin = Cm(page.top_cm), Cm(page.bottom_cm)
    section.left_margin, section.right_margin = Cm(page.left_cm), Cm(page.right_cm)
    style = doc.styles["Normal"]  # type: ignore[attr-defined]
    style.font.name = fonts.body
    style.font.size = Pt(page.body_pt)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), fonts.body)
    if page.line_pt is not None:
        fmt = style.paragraph_format
        fmt.space_before = fmt.space_after = Pt(0)
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(page.line_pt)


def _block(doc: object, b: Block, fonts: FontSet, page: Page, repeat_headers: bool) -> None:
    body = Pt(page.body_pt)
    if b.kind == "title":
        p = _para(doc, b.text, fonts.title, Pt(page.title_pt), bold=fonts.title_bold, align=WD_ALIGN_PARAGRAPH.CENTER)
        if page.line_pt is not None:
            p.paragraph_format.line_spacing = Pt(page.title_pt * 1.6)
            p.paragraph_format.space_after = Pt(page.line_pt)
    elif b.kind == "heading":
        # 黑体 is bold by design; the plain page makes its headings bold
        p = _para(doc, b.text, fonts.heading, body, bold=not page.official, indent=True)
        p.paragraph_format.keep_with_next = True
    elif b.kind == "table":
        assert b.layout is not None and b.key is not None
        _table(doc, b.key, b.layout, fonts, page, repeat_headers)
    elif b.kind == "signature":
        for i, line in enumerate(b.text.split("\n")):
            p = _para(doc, line, fonts.body, body, align=WD_ALIGN_PARAGRAPH.RIGHT)
            if i == 0 and page.line_pt is not None:
                p.paragraph_format.space_before = Pt(page.line_pt)
    else:
        _para(doc, b.text, fonts.body, body, indent=True)


def _para(
    doc: object,
    text: str,
    font: str,
    size: Pt,
    bold: bool = False,
    align: int | None = None,
    indent: bool = False,
) -> Any:
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size.pt * 2)
    _run(p, text, font, size, bold)
    return p


def _run(p: object, text: str, font: str, size: Pt, bold: bool = False) -> None:
    run = p.add_run(text)  # type: ignore[attr-defined]
    run.font.name = font
    run.font.size = size
    run.bold = bold
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    rfonts.set(qn("w:eastAsia"), font)


def _cell_margins(table: object, cm: float) -> None:
    tblpr = table._tbl.tblPr  # type: ignore[attr-defined]
    mar = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        el = OxmlElement(f"w:{side}")
        el.set(qn("w:w"), str(int(cm * TWIPS_PER_CM)))
        el.set(qn("w:type"), "dxa")
        mar.append(el)
    tblpr.append(mar)


def _spans(grid: list[list[LCell | None]]) -> dict[tuple[int, int], tuple[LCell, bool]]:
    """Each row's cells as Word writes them: (row, column) → (the layout cell, whether it
    starts there). A cell spanning rows appears in each of its rows (a vertical merge)."""
    out: dict[tuple[int, int], tuple[LCell, bool]] = {}
    for r, row in enumerate(grid):
        for c, lc in enumerate(row):
            if lc is None:
                continue
            for dr in range(lc.rowspan):
                out[(r + dr, c)] = (lc, dr == 0)
    return dict(sorted(out.items()))


def _merge(table: Any, r: int, c: int, colspan: int, first: bool, vertical: bool, widths: tuple[float, ...]) -> Any:
    """The ``w:tc`` at grid position (r, c), made to span ``colspan`` columns (the ones it
    covers removed) and, for a cell spanning rows, marked to restart or continue the merge.
    Cells left of it in the row are already merged, so it is found by walking the spans."""
    tr = table.rows[r]._tr
    col = 0
    tcs = tr.findall(qn("w:tc"))
    i = 0
    while col < c:
        col += tcs[i].grid_span
        i += 1
    tc = tcs[i]
    for extra in tcs[i + 1 : i + colspan]:
        tr.remove(extra)
    pr = tc.get_or_add_tcPr()
    if colspan > 1:
        tc.grid_span = colspan
    if vertical:
        vm = OxmlElement("w:vMerge")
        if first:
            vm.set(qn("w:val"), "restart")
        pr.append(vm)
    tc.width = Cm(sum(widths[c : c + colspan]))
    return tc


def _table(doc: object, key: str, lay: Layout, fonts: FontSet, page: Page, repeat_headers: bool = False) -> None:
    grid = expand(lay)
    n_rows, n_cols = len(grid), len(grid[0]) if grid else 0
    style = table_style(key, n_cols, page)
    table = doc.add_table(rows=n_rows, cols=n_cols)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    if page.cell_margin_cm is not None:
        _cell_margins(table, page.cell_margin_cm)
    for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), style.widths_cm, strict=True):
        col.set(qn("w:w"), str(int(w * TWIPS_PER_CM)))
    for r, row in enumerate(table.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if page.row_height_cm is not None:
            height = OxmlElement("w:trHeight")
            height.set(qn("w:val"), str(int(page.row_height_cm * TWIPS_PER_CM)))
            height.set(qn("w:hRule"), "atLeast")
            trpr.append(height)
        if repeat_headers and r < style.header_rows:
            trpr.append(OxmlElement("w:tblHeader"))
    size = Pt(style.font_pt)
    for (r, c), (lc, first) in _spans(grid).items():
        tc = _merge(table, r, c, lc.colspan, first, lc.rowspan > 1, style.widths_cm)
        if not first:
            continue
        cell = _Cell(tc, table)
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if lc.kind == "label" else WD_ALIGN_PARAGRAPH.CENTER
        if page.line_pt is not None:
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if page.official and lc.kind in ("head", "caption"):
            # a caption or header row is never left alone at the foot of a page
            p.paragraph_format.keep_with_next = True
        _run(p, lc.text, fonts.table, size, bold=lc.kind in ("head", "caption"))
    # a table followed directly by a heading would glue to it: an empty line between
    gap = doc.add_paragraph()  # type: ignore[attr-defined]
    if page.line_pt is not None:
        gap.paragraph_format.line_spacing = Pt(page.line_pt / 2)
