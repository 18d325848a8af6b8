"""PDF: text-layer pages through pdfium (characters and ruling lines, a few ms a page),
pages without a usable text layer rendered and read by OCR (``readers.scan``).

Tables are rebuilt from the ruling lines the page draws (``grid_lines``), cells filled
with the characters inside them; text inside a table is not repeated as lines.
"""

from __future__ import annotations

import dataclasses

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as R  # type: ignore[import-untyped]

from gongkai.model.report import Source
from gongkai.readers import limits
from gongkai.readers.document import Block, Document, Grid, ReadError, TextLine
from gongkai.readers.grid_lines import PDF_TOLERANCE, build_tables
from gongkai.readers.layout import fill_grid, inside, is_page_furniture, join_continued, to_lines
from gongkai.readers.pdf_page import PageContent, PageTooComplex, read_page

MIN_TEXT_CHARS = 20
"""A page with fewer real characters than this has no usable text layer."""
MAX_BAD_CHARS = 0.1
"""Above this share of unmapped glyphs (U+FFFD, private use) the text layer is garbage."""
OCR_DPI = 200
POINTS_PER_INCH = 72.0


def read_pdf(path: str, data: bytes) -> Document:
    pdf = _open(path, data)
    doc = Document(path, "pdf")
    blocks: list[Block] = []
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise ReadError(path, "PDF 文件没有任何页面", "empty")
        limits.check_pages(path, n_pages)
        ocr_pages = 0
        for i in range(n_pages):
            limits.check_time(path)
            page = _page(path, pdf, i)
            try:
                try:
                    content = read_page(page, i)
                except PageTooComplex as e:
                    raise ReadError(
                        path,
                        f"PDF 第 {i + 1} 页内容异常（{e.count:,} {e.what}），不像是报告页面，已停止读取",
                        "too_large",
                    ) from None
                if has_text_layer(content):
                    blocks += page_blocks(content)
                elif content.images:
                    _check_ocr_page(path, content)
                    blocks += _ocr_page(path, page, i + 1)
                    ocr_pages += 1
                elif has_text_layer(content, min_chars=1):
                    # a short page with nothing to OCR: the signature alone on the last page
                    blocks += page_blocks(content)
            finally:
                page.close()
    finally:
        pdf.close()
    if not any(_has_text(b) for b in blocks):
        raise ReadError(path, "PDF 中既没有可提取的文字，也没有可识别的图像（空白文档）", "empty")
    if ocr_pages:
        doc.warnings.append(f"{ocr_pages} 页没有文字层，已用 OCR 识别")
    doc.blocks = number_blocks(join_continued(blocks))
    return doc


def _page(path: str, pdf: pdfium.PdfDocument, i: int) -> pdfium.PdfPage:
    try:
        return pdf[i]
    except pdfium.PdfiumError:
        raise ReadError(path, f"PDF 第 {i + 1} 页已损坏，无法打开", "corrupt") from None


def _check_ocr_page(path: str, content: PageContent) -> None:
    """A page read by OCR is rendered, and its images decoded: both measured first."""
    s = OCR_DPI / POINTS_PER_INCH
    page = f"PDF 第 {content.index + 1} 页"
    limits.check_pixels(path, round(content.width * s), round(content.height * s), f"{page}（按 {OCR_DPI} dpi 渲染）")
    limits.check_pixels(path, *content.image_size, f"{page}中的图像")


def _open(path: str, data: bytes) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        code = getattr(e, "err_code", None)
        if code == R.FPDF_ERR_PASSWORD:
            raise ReadError(path, "PDF 文件已加密（需要密码），无法读取", "encrypted") from None
        if code == R.FPDF_ERR_SECURITY:
            raise ReadError(path, "PDF 文件使用了不支持的加密方式，无法读取", "encrypted") from None
        raise ReadError(path, "PDF 文件已损坏或不完整，无法打开", "corrupt") from None


def has_text_layer(content: PageContent, min_chars: int = MIN_TEXT_CHARS) -> bool:
    real = [c for c in content.chars if not c.text.isspace()]
    if len(real) < min_chars:
        return False
    bad = sum(1 for c in real if c.text == "\ufffd" or "\ue000" <= c.text <= "\uf8ff")
    return bad <= MAX_BAD_CHARS * len(real)


def page_blocks(content: PageContent) -> list[Block]:
    """Text lines and grids of one text-layer page, top to bottom."""
    page_no = content.index + 1
    tables = build_tables(content.hsegs, content.vsegs, PDF_TOLERANCE)
    regions = [t.bbox for t in tables]
    outside = [c for c in content.chars if not any(inside((c.x0, c.y0, c.x1, c.y1), r) for r in regions)]
    placed: list[tuple[float, Block]] = []
    for line in to_lines(outside):
        if is_page_furniture(line, content.height):
            continue
        bbox = tuple(round(v, 2) for v in line.bbox)
        placed.append((line.bbox[1], TextLine(line.text, _source(page_no, bbox))))
    for t in tables:
        within = [c for c in content.chars if inside((c.x0, c.y0, c.x1, c.y1), t.bbox)]
        placed.append((t.bbox[1], fill_grid(t, within, page_no, 0)))
    placed.sort(key=lambda p: p[0])
    return [b for _, b in placed]


def _source(page: int, bbox: tuple[float, ...]) -> Source:
    return Source(page=page, bbox=bbox)  # type: ignore[arg-type]


def _ocr_page(path: str, page: pdfium.PdfPage, page_no: int) -> list[Block]:
    import numpy as np  # only scans need it: text-layer PDFs start without numpy

    from gongkai.readers.scan import image_blocks

    try:
        bitmap = page.render(scale=OCR_DPI / POINTS_PER_INCH, grayscale=True)
    except (pdfium.PdfiumError, MemoryError):
        raise ReadError(path, f"PDF 第 {page_no} 页无法渲染（页面异常或内存不足）", "corrupt") from None
    image = bitmap.to_numpy()
    if image.ndim == 3:
        image = image[:, :, 0]
    return image_blocks(np.ascontiguousarray(image), page_no, POINTS_PER_INCH / OCR_DPI)


def _has_text(b: Block) -> bool:
    if isinstance(b, TextLine):
        return bool(b.text.strip())
    return any(c is not None and c.text.strip() for row in b.rows for c in row)


def number_blocks(blocks: list[Block]) -> list[Block]:
    """Give every block (and every grid cell) its index in the document."""
    for i, b in enumerate(blocks):
        b.source = dataclasses.replace(b.source, block=i)
        if isinstance(b, Grid):
            for row in b.rows:
                for cell in row:
                    if cell is not None:
                        cell.source = dataclasses.replace(cell.source, block=i)
    return blocks
