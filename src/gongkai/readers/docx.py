"""DOCX: paragraphs and tables in body order; horizontal (gridSpan) and vertical (vMerge)
merges expanded by walking ``w:tc`` directly (``row.cells`` repeats merged cells)."""

from __future__ import annotations

import io
import zipfile

from gongkai.model.report import Source
from gongkai.readers.document import Block, Document, Grid, GridCell, ReadError, TextLine

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: str, data: bytes) -> Document:
    try:
        import docx  # type: ignore[import-untyped]

        d = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError) as e:
        raise ReadError(path, f"DOCX 文件已损坏或不完整（{type(e).__name__}）", "corrupt") from None
    except Exception as e:  # python-docx raises several package errors for broken files
        raise ReadError(path, f"DOCX 文件无法打开：{e}", "corrupt") from None
    doc = Document(path, "docx")
    blocks: list[Block] = []
    _walk(d.element.body, blocks)
    doc.blocks = blocks
    return doc


def _para_text(p: object) -> str:
    parts: list[str] = []
    for el in p.iter():  # type: ignore[attr-defined]
        tag = el.tag
        if tag == _W + "t" and el.text:
            parts.append(el.text)
        elif tag == _W + "tab":
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
    return "".join(parts)


def _walk(body: object, blocks: list[Block]) -> None:
    for el in body:  # type: ignore[attr-defined]
        tag = el.tag
        if tag == _W + "p":
            text = _para_text(el)
            for line in text.split("\n"):
                blocks.append(TextLine(line, Source(block=len(blocks))))
        elif tag == _W + "tbl":
            blocks.append(_grid(el, len(blocks)))
        elif tag == _W + "sdt":
            content = el.find(_W + "sdtContent")
            if content is not None:
                _walk(content, blocks)


def _grid(tbl: object, block: int) -> Grid:
    rows: list[list[GridCell | None]] = []
    origin_of_col: dict[int, GridCell] = {}
    for r, tr in enumerate(tbl.iter(_W + "tr")):  # type: ignore[attr-defined]
        row: list[GridCell | None] = []
        c = 0
        for tc in tr.iter(_W + "tc"):
            if tc.getparent() is not tr:
                continue
            pr = tc.find(_W + "tcPr")
            span = 1
            vmerge: str | None = None
            if pr is not None:
                gs = pr.find(_W + "gridSpan")
                if gs is not None:
                    try:
                        span = max(1, int(gs.get(_W + "val", "1")))
                    except ValueError:
                        span = 1
                vm = pr.find(_W + "vMerge")
                if vm is not None:
                    vmerge = vm.get(_W + "val", "continue")
            text = "\n".join(_para_text(p) for p in tc.iter(_W + "p")).strip()
            if vmerge == "continue" and c in origin_of_col:
                origin_of_col[c].rowspan += 1
                row.extend([None] * span)
            else:
                cell = GridCell(text, Source(block=block, row=r, col=c), 1, span)
                if vmerge == "restart":
                    origin_of_col[c] = cell
                else:
                    origin_of_col.pop(c, None)
                row.append(cell)
                row.extend([None] * (span - 1))
            c += span
        rows.append(row)
    return Grid(rows, Source(block=block))
