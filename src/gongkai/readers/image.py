"""Images of report pages (PNG, JPEG, TIFF — multi-page TIFF is one page per frame),
read by the OCR path of ``readers.scan``. Boxes are in pixels of the original image."""

from __future__ import annotations

import cv2
import numpy as np

from gongkai.readers.document import Block, Document, ReadError
from gongkai.readers.layout import join_continued
from gongkai.readers.pdf import number_blocks

MAX_WIDTH = 2400
"""Wider pages (photos, 300+ dpi scans) are reduced to WORK_WIDTH before reading."""
MIN_WIDTH = 1400
"""Narrower pages (150 dpi scans, screenshots) are enlarged to WORK_WIDTH: the recogniser
reads small table digits better at the size the PDF path renders them."""
WORK_WIDTH = 1654
"""A4 at 200 dpi: enough for 8 pt table digits."""
MAX_PAGES = 200


def decode_pages(path: str, data: bytes) -> list[np.ndarray]:
    buf = np.frombuffer(data, np.uint8)
    pages: list[np.ndarray] = []
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        ok, frames = cv2.imdecodemulti(buf, cv2.IMREAD_GRAYSCALE)
        if ok:
            pages = list(frames)[:MAX_PAGES]
    else:
        img = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
        if img is not None:
            pages = [img]
    if not pages:
        raise ReadError(path, "图片文件已损坏或格式不受支持（支持 PNG、JPEG、TIFF）", "corrupt")
    return [np.ascontiguousarray(p) for p in pages]


def work_scale(width: int) -> float:
    """Original pixels per working pixel for a page ``width`` pixels wide (1.0: read as is)."""
    return width / WORK_WIDTH if width > MAX_WIDTH or width < MIN_WIDTH else 1.0


def read_image(path: str, data: bytes) -> Document:
    from gongkai.readers.scan import image_blocks

    doc = Document(path, "image")
    blocks: list[Block] = []
    for i, page in enumerate(decode_pages(path, data)):
        scale = work_scale(page.shape[1])
        if scale != 1.0:
            page = cv2.resize(
                page, None, fx=1 / scale, fy=1 / scale, interpolation=cv2.INTER_AREA if scale > 1 else cv2.INTER_CUBIC
            )
        blocks += image_blocks(page, i + 1, scale)
    if not blocks:
        raise ReadError(path, "图片中没有识别出任何文字（空白图片）", "empty")
    doc.warnings.append("图片经 OCR 识别，数字请以原件为准")
    doc.blocks = number_blocks(join_continued(blocks))
    return doc
