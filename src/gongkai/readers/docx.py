"""DOCX: paragraphs and tables in body order; horizontal (gridSpan) and vertical (vMerge)
merges expanded by walking ``w:tc`` directly (``row.cells`` repeats merged cells)."""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib

from lxml import etree

from gongkai.model.report import Source
from gongkai.readers import limits
from gongkai.readers.document import MAX_GRID_CELLS, Block, Document, Grid, GridCell, GridTooLarge, ReadError, TextLine

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officeDocument"
MAIN_PART = "word/document.xml"
MAX_PARTS = 10_000
"""A package with more parts than this is not a Word report (Word writes a few dozen)."""
_DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY")


def _parser() -> etree.XMLParser:
    # no DTD, no entities, no network, the default depth and text-size limits (no huge_tree):
    # Word never writes a DTD, so nothing of value is lost
    return etree.XMLParser(
        remove_blank_text=True, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )


def read_docx(path: str, data: bytes) -> Document:
    """Read the main document part straight from the package (only it: images, styles and
    the rest are never decompressed), under the size limits of ``readers.limits``."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise ReadError(path, "DOCX/ZIP 文件已损坏或不完整", "corrupt") from None
    with z:
        infos = z.infolist()
        if len(infos) > MAX_PARTS:
            raise ReadError(path, f"压缩包内有 {len(infos):,} 个文件，不像是一份 Word 文档", "unsupported")
        by_name = {i.filename: i for i in infos}
        name = _main_part(path, z, by_name)
        if name is None:
            raise ReadError(path, "这是一个 ZIP 压缩包，不是 Word 文档（.docx）", "unsupported")
        xml = _member(path, z, by_name[name], "DOCX 正文")
    head = xml[:65536]
    if any(m in head for m in _DTD_MARKS):
        raise ReadError(path, "DOCX 正文含有 DTD 或实体定义（Word 从不写入），疑似恶意构造，拒绝读取", "unsafe")
    try:
        root = etree.fromstring(xml, _parser())
    except etree.XMLSyntaxError as e:
        raise ReadError(path, f"DOCX 正文的 XML 已损坏（第 {e.lineno or '?'} 行），无法读取", "corrupt") from None
    body = root.find(_W + "body")
    if root.tag != _W + "document" or body is None:
        raise ReadError(path, "DOCX 正文不是 Word 文档的格式（缺少 w:body）", "corrupt")
    doc = Document(path, "docx")
    blocks: list[Block] = []
    try:
        _walk(body, blocks)
    except GridTooLarge:
        raise ReadError(
            path, f"DOCX 中的表格过大（超过 {MAX_GRID_CELLS:,} 个单元格），不像是报告中的表格", "too_large"
        ) from None
    doc.blocks = blocks
    return doc


def _main_part(path: str, z: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]) -> str | None:
    """The part the package's relationships name as the office document (Word's own files:
    ``word/document.xml``)."""
    rels = by_name.get("_rels/.rels")
    if rels is not None:
        try:
            root = etree.fromstring(_member(path, z, rels, "DOCX 关系表", 1 << 20), _parser())
        except etree.XMLSyntaxError:
            root = None
        if root is not None:
            for rel in root.iter(_REL):
                if (rel.get("Type") or "").endswith(_OFFICE_DOCUMENT) and rel.get("TargetMode") != "External":
                    target = posixpath.normpath((rel.get("Target") or "").lstrip("/"))
                    if target in by_name:
                        return target
    return MAIN_PART if MAIN_PART in by_name else None


def _member(path: str, z: zipfile.ZipFile, info: zipfile.ZipInfo, what: str, limit: int | None = None) -> bytes:
    """A member's bytes, refused from its declared size (zipfile never yields more than that)."""
    lim = limits.current()
    cap = limit if limit is not None else lim.xml_bytes
    if info.file_size > cap:
        mb = info.file_size / limits.MB
        raise limits.too_large(path, f"{what}解压后过大", mb, cap / limits.MB, "MB", "xml_mb")
    try:
        return z.read(info)
    except (zipfile.BadZipFile, EOFError, zipfile.LargeZipFile, NotImplementedError, ValueError, OSError, zlib.error):
        raise ReadError(path, f"DOCX/ZIP 文件已损坏或不完整（{what}无法解压）", "corrupt") from None
    except RuntimeError:  # an encrypted member
        raise ReadError(path, "DOCX 文件已加密，无法读取", "encrypted") from None


_TEXT_TAGS = (_W + "t", _W + "tab", _W + "br", _W + "cr")
_TR, _TC, _TCPR, _GRIDSPAN, _VMERGE, _VAL, _P = (_W + n for n in ("tr", "tc", "tcPr", "gridSpan", "vMerge", "val", "p"))
MAX_SPAN = 64
"""Word tables have at most 63 columns: a wider gridSpan is damage (or an attack on memory)."""


def _para_text(p: object) -> str:
    parts: list[str] = []
    t = _W + "t"
    for el in p.iter(*_TEXT_TAGS):  # type: ignore[attr-defined]  # filtered in C, in document order
        tag = el.tag
        if tag == t:
            if el.text:
                parts.append(el.text)
        elif tag == _W + "tab":
            parts.append("\t")
        else:
            parts.append("\n")
    return "".join(parts)


def _walk(body: object, blocks: list[Block]) -> None:
    for el in body:  # type: ignore[attr-defined]
        tag = el.tag
        if tag == _W + "p":
            text = _para_text(el)
            for line in text.split("\n"):
                blocks.append(TextLine(line, Source(None, None, len(blocks))))
        elif tag == _W + "tbl":
            blocks.append(_grid(el, len(blocks)))
        elif tag == _W + "sdt":
            content = el.find(_W + "sdtContent")
            if content is not None:
                _walk(content, blocks)


def _grid(tbl: object, block: int) -> Grid:
    try:
        return _plain_grid(tbl, block)
    except _NotPlain:
        return _any_grid(tbl, block)


class _NotPlain(Exception):
    """A table that is not laid out as Word writes one (see ``_plain_grid``)."""


_CELL_PARTS = (_TR, _TC, _GRIDSPAN, _VMERGE, _P, *_TEXT_TAGS)
_T, _TAB = _TEXT_TAGS[:2]


def _plain_grid(tbl: object, block: int) -> Grid:
    """``_any_grid``'s table, read in one pass over the elements it reads: lxml builds a matcher
    for every filtered iteration (parsing each tag given), which cost more than all the rest
    when it was done for every cell and paragraph. The one pass reads each element as part of
    the last row, cell or paragraph begun, which holds where rows are the table's children,
    cells their rows', paragraphs their cells' and spans their cells' properties', and every
    text element lies within a paragraph: anything else raises ``_NotPlain``."""
    rows: list[list[GridCell | None]] = []
    origin_of_col: dict[int, GridCell] = {}
    size = 0
    row: list[GridCell | None] | None = None
    tr = tc = p = None
    parts: list[str] = []
    span, vmerge = 1, None
    r = -1

    def end_cell() -> None:
        assert row is not None
        _place_cell(row, origin_of_col, "".join(parts).strip(), span, vmerge, block, r)

    for el in tbl.iter(*_CELL_PARTS):  # type: ignore[attr-defined]
        tag = el.tag
        if tag == _T:
            # most text lies in a run of the paragraph: its parent's parent, found in two steps
            if p is None or (el.getparent().getparent() is not p and not _within(el, p, tc)):
                raise _NotPlain
            text = el.text
            if text:
                parts.append(text)
        elif tag == _P:
            if tc is None or el.getparent() is not tc:
                raise _NotPlain
            if p is not None:
                parts.append("\n")
            p = el
        elif tag == _TC:
            if tr is None or el.getparent() is not tr:
                raise _NotPlain
            if tc is not None:
                end_cell()
            tc, p = el, None
            parts = []
            span, vmerge = 1, None
        elif tag == _TR:
            if el.getparent() is not tbl:
                raise _NotPlain
            if tc is not None:
                end_cell()
            if row is not None:
                size = _end_row(rows, row, size)
            tr, tc, p = el, None, None
            row, r = [], r + 1
        elif tag in (_GRIDSPAN, _VMERGE):
            pr = el.getparent()
            if tc is None or pr.tag != _TCPR or pr.getparent() is not tc:
                raise _NotPlain
            if tag == _GRIDSPAN:
                span = _grid_span(el)
            else:
                vmerge = el.get(_VAL, "continue")
        else:  # a tab, break or carriage return: wherever it lies in the paragraph
            if p is None or not _within(el, p, tc):
                raise _NotPlain
            parts.append("\t" if tag == _TAB else "\n")
    if tc is not None:
        end_cell()
    if row is not None:
        _end_row(rows, row, size)
    return Grid(rows, Source(block=block))


def _grid_span(prop: object) -> int:
    """A cell's ``gridSpan``: the columns it spans, within 1..MAX_SPAN (1 where it is no number)."""
    try:
        return min(max(1, int(prop.get(_VAL, "1"))), MAX_SPAN)  # type: ignore[attr-defined]
    except ValueError:
        return 1


def _place_cell(
    row: list[GridCell | None],
    origin_of_col: dict[int, GridCell],
    text: str,
    span: int,
    vmerge: str | None,
    block: int,
    r: int,
) -> None:
    """Put a cell at the end of its row: a vertical merge's continuation (``vMerge`` with no
    value) adds a row to the cell it continues and takes its columns empty; any other cell is
    one of its own, the origin of a merge where it restarts one."""
    c = len(row)
    if vmerge == "continue" and c in origin_of_col:
        origin_of_col[c].rowspan += 1
        row.extend([None] * span)
        return
    cell = GridCell(text, Source(None, None, block, r, c), 1, span)
    if vmerge == "restart":
        origin_of_col[c] = cell
    else:
        origin_of_col.pop(c, None)
    row.append(cell)
    row.extend([None] * (span - 1))


def _end_row(rows: list[list[GridCell | None]], row: list[GridCell | None], size: int) -> int:
    """Add a finished row to the grid; the grid's cells so far, refused past MAX_GRID_CELLS."""
    size += len(row)
    if size > MAX_GRID_CELLS:
        raise GridTooLarge
    rows.append(row)
    return size


def _within(el: object, p: object, tc: object) -> bool:
    """Whether ``el`` lies within paragraph ``p`` of cell ``tc``."""
    up = el.getparent()  # type: ignore[attr-defined]
    while up is not None and up is not tc:
        if up is p:
            return True
        up = up.getparent()
    return False


def _any_grid(tbl: object, block: int) -> Grid:
    rows: list[list[GridCell | None]] = []
    origin_of_col: dict[int, GridCell] = {}
    size = 0
    for r, tr in enumerate(tbl.iter(_TR)):  # type: ignore[attr-defined]
        row: list[GridCell | None] = []
        for tc in tr.iterchildren(_TC):
            span = 1
            vmerge: str | None = None
            for pr in tc.iterchildren(_TCPR):  # at most one, the cell's first child
                # only the two properties read here, picked in C (a cell has many: each other
                # one's tag would be built as a string to be compared), in document order
                for prop in pr.iterchildren(_GRIDSPAN, _VMERGE):
                    if prop.tag == _GRIDSPAN:
                        span = _grid_span(prop)
                    else:
                        vmerge = prop.get(_VAL, "continue")
            text = "\n".join([_para_text(p) for p in tc.iter(_P)]).strip()
            _place_cell(row, origin_of_col, text, span, vmerge, block, r)
        size = _end_row(rows, row, size)
    return Grid(rows, Source(block=block))
