"""An official letter as DOCX (A4; 方正小标宋 title, 仿宋 body at 三号, 28 pt lines, as GB/T
9704 sets 公文): the letters of the case register."""

from __future__ import annotations

import io
from typing import Any

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
BODY_PT = 16
LINE_PT = 28


def letter_docx(title: str, paragraphs: list[str], signature: list[str]) -> bytes:
    """``paragraphs``: the body, the first (the addressee) set flush left, the rest indented two
    characters; ``signature``: right-aligned lines (the agency, the date)."""
    from docx import Document  # type: ignore[import-untyped]
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # type: ignore[import-untyped]
    from docx.oxml.ns import qn  # type: ignore[import-untyped]
    from docx.shared import Cm, Pt  # type: ignore[import-untyped]

    doc = Document()
    sec = doc.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)

    def para(text: str, font: str = FONT_BODY, indent: bool = True, align: Any = None) -> None:
        p = doc.add_paragraph()
        p.paragraph_format.line_spacing = Pt(LINE_PT)
        if indent:
            p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
        if align is not None:
            p.alignment = align
        run = p.add_run(text)
        run.font.name = font
        run.font.size = Pt(BODY_PT if font == FONT_BODY else 22)
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)

    para(title, FONT_TITLE, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    para("", indent=False)
    for i, text in enumerate(paragraphs):
        para(text, indent=i > 0)
    para("", indent=False)
    for line in signature:
        para(line, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
