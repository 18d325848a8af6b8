"""Official documents as DOCX (A4; 方正小标宋 title at 二号, 仿宋 body at 三号, 黑体 headings, 28 pt
lines, as GB/T 9704 sets 公文): the case register's letters and the rectification notice."""

from __future__ import annotations

import io
from typing import Any, Literal

FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEADING = "黑体"
TITLE_PT = 22
BODY_PT = 16
LINE_PT = 28

Role = Literal["flush", "body", "heading", "sign"]
"""How a paragraph is set: ``flush`` (the addressee, blank lines), ``body`` (indented two
characters), ``heading`` (黑体, indented), ``sign`` (right-aligned: the issuer, the date)."""


def official_docx(title: str, paragraphs: list[tuple[Role, str]]) -> bytes:
    """The title centred, a blank line, then the paragraphs each set by its role."""
    from docx import Document  # type: ignore[import-untyped]
    from docx.enum.text import WD_ALIGN_PARAGRAPH  # type: ignore[import-untyped]
    from docx.oxml.ns import qn  # type: ignore[import-untyped]
    from docx.shared import Cm, Pt  # type: ignore[import-untyped]

    doc = Document()
    sec = doc.sections[0]
    sec.page_height, sec.page_width = Cm(29.7), Cm(21.0)
    sec.top_margin, sec.bottom_margin = Cm(3.7), Cm(3.5)
    sec.left_margin, sec.right_margin = Cm(2.8), Cm(2.6)

    def para(text: str, font: str, size: int, indent: bool, align: Any = None) -> None:
        p = doc.add_paragraph()
        p.paragraph_format.line_spacing = Pt(LINE_PT)
        if indent:
            p.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
        if align is not None:
            p.alignment = align
        run = p.add_run(text)
        run.font.name = font
        run.font.size = Pt(size)
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), font)

    para(title, FONT_TITLE, TITLE_PT, False, WD_ALIGN_PARAGRAPH.CENTER)
    para("", FONT_BODY, BODY_PT, False)
    for role, text in paragraphs:
        font = FONT_HEADING if role == "heading" else FONT_BODY
        align = WD_ALIGN_PARAGRAPH.RIGHT if role == "sign" else None
        para(text, font, BODY_PT, role in ("body", "heading"), align)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def letter_docx(title: str, paragraphs: list[str], signature: list[str]) -> bytes:
    """A case register letter. ``paragraphs``: the body, the first (the addressee) set flush left,
    the rest indented two characters; ``signature``: right-aligned lines (the agency, the date)."""
    body: list[tuple[Role, str]] = [("flush" if i == 0 else "body", t) for i, t in enumerate(paragraphs)]
    return official_docx(title, [*body, ("flush", ""), *(("sign", line) for line in signature)])


def notice_docx(text: dict[str, Any]) -> bytes:
    """A rectification notice from ``analysis.issues.notice_paragraphs``: numbered parts of
    numbered items, then the requirements, the issuer and the date."""
    from gongkai.model.text import chinese_numeral

    out: list[tuple[Role, str]] = [("flush", text["addressee"])]
    out += [("body", t) for t in text["intro"]]
    for i, (heading, items) in enumerate(text["parts"], 1):
        out.append(("heading", f"{chinese_numeral(i)}、{heading}"))
        out += [("body", f"（{chinese_numeral(j)}）{item}") for j, item in enumerate(items, 1)]
    out.append(("heading", f"{chinese_numeral(len(text['parts']) + 1)}、整改要求"))
    out += [("body", text["requirements"]), ("flush", ""), ("sign", text["issuer"]), ("sign", text["date"])]
    return official_docx(text["title"], out)
