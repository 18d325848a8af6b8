"""A report as a Word document in the official layout (python-docx).

Made for fixtures: LibreOffice turns these into the kind of PDF agencies publish. Tables
follow ``render.layout`` (the layout every renderer uses); ``w:tblGrid`` widths are written so LibreOffice keeps the
columns; rows do not split across pages (a row cut in half is not what Word exports do
by default for these tables either).
"""

from __future__ import annotations

from docx import Document as new_document  # type: ignore[import-untyped]
from docx.enum.table import WD_TABLE_ALIGNMENT  # type: ignore[import-untyped]
from docx.enum.text import WD_ALIGN_PARAGRAPH  # type: ignore[import-untyped]
from docx.oxml import OxmlElement  # type: ignore[import-untyped]
from docx.oxml.ns import qn  # type: ignore[import-untyped]
from docx.shared import Cm, Pt  # type: ignore[import-untyped]

from gongkai.model.report import Report
from gongkai.model.template import SECTIONS, TEMPLATES
from gongkai.render.layout import (
    HEADER_ROWS,
    TABLE_OF_SECTION,
    Layout,
    column_widths,
    expand,
    placed,
    signature_name,
    table_layout,
)

BODY_FONT = "Noto Serif CJK SC"
HEADING_FONT = "Noto Sans CJK SC"
BODY_SIZE = Pt(11)
TABLE_SIZE = Pt(8)
TITLE_SIZE = Pt(18)
TEXT_WIDTH_CM = 16.0
TWIPS_PER_CM = 567


def render_docx(report: Report, path: str, repeat_headers: bool = False) -> None:
    """Write ``report`` as a DOCX. With ``repeat_headers`` the header rows of tables 3 and 4
    are marked to repeat on every page a table runs onto (as many agencies set it)."""
    doc = new_document()
    _set_fonts(doc)
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin = section.bottom_margin = Cm(2.5)
    title = report.title or f"{report.agency or ''}{report.year or ''}年政府信息公开工作年度报告"
    _para(doc, title, HEADING_FONT, TITLE_SIZE, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for note in report.notes:
        _para(doc, note, BODY_FONT, BODY_SIZE, indent=True)
    template = TEMPLATES.get(report.template or "v2021", TEMPLATES["v2021"])
    for spec in SECTIONS:
        if report.sections.get(spec.key) is None:
            continue  # an absent section has neither heading nor table
        heading = report.section_titles.get(spec.key) or spec.canonical
        _para(doc, heading, HEADING_FONT, BODY_SIZE, bold=True, indent=True)
        text = report.sections.get(spec.key) or ""
        for line in text.split("\n"):
            if line.strip():
                _para(doc, line.strip(), BODY_FONT, BODY_SIZE, indent=True)
        tkey = TABLE_OF_SECTION.get(spec.key)
        if tkey is not None and report.tables.get(tkey) is not None:
            lay = table_layout(template, tkey, report.tables.get(tkey) or {})
            _table(doc, tkey, lay, repeat_headers)
            doc.add_paragraph()
    if signer := signature_name(report):
        _para(doc, signer, BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT)
    if report.signed_on:
        d = report.signed_on
        _para(doc, f"{d.year}年{d.month}月{d.day}日", BODY_FONT, BODY_SIZE, align=WD_ALIGN_PARAGRAPH.RIGHT)
    doc.save(path)


def _set_fonts(doc: object) -> None:
    style = doc.styles["Normal"]  # type: ignore[attr-defined]
    style.font.name = BODY_FONT
    style.font.size = BODY_SIZE
    style.element.rPr.rFonts.set(qn("w:eastAsia"), BODY_FONT)


def _para(
    doc: object,
    text: str,
    font: str,
    size: Pt,
    bold: bool = False,
    align: int | None = None,
    indent: bool = False,
) -> None:
    p = doc.add_paragraph()  # type: ignore[attr-defined]
    if align is not None:
        p.alignment = align
    if indent:
        p.paragraph_format.first_line_indent = Pt(size.pt * 2)
    _run(p, text, font, size, bold)


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


def _table(doc: object, key: str, lay: Layout, repeat_headers: bool = False) -> None:
    grid = expand(lay)
    n_rows, n_cols = len(grid), len(grid[0]) if grid else 0
    table = doc.add_table(rows=n_rows, cols=n_cols)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    relative = column_widths(key, n_cols)
    widths = [w * TEXT_WIDTH_CM / sum(relative) for w in relative]
    for col, w in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        col.set(qn("w:w"), str(int(w * TWIPS_PER_CM)))
    for r, row in enumerate(table.rows):
        trpr = row._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))
        if repeat_headers and r < HEADER_ROWS.get(key, 0):
            trpr.append(OxmlElement("w:tblHeader"))
        for c, cell in enumerate(row.cells):
            cell.width = Cm(widths[c])
    for pc in placed(lay):
        lc = pc.cell
        cell = table.cell(pc.row, pc.col)
        if lc.rowspan > 1 or lc.colspan > 1:
            cell = cell.merge(table.cell(pc.row + lc.rowspan - 1, pc.col + lc.colspan - 1))
        header = lc.kind in ("head", "caption")
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT if lc.kind == "label" else WD_ALIGN_PARAGRAPH.CENTER
        _run(p, lc.text, BODY_FONT, TABLE_SIZE, bold=header)
