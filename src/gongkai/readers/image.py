"""Images of report pages (PNG, JPEG, TIFF — multi-page TIFF is one page per frame),
read by the OCR path of ``readers.scan``. Boxes are in pixels of the original image."""

from __future__ import annotations

from collections.abc import Iterator

import cv2
import numpy as np

from gongkai.readers import limits
from gongkai.readers.document import Block, Document, ReadError
from gongkai.readers.image_header import page_sizes
from gongkai.readers.layout import join_continued
from gongkai.readers.pdf import number_blocks

# libtiff's and the decoders' complaints about a damaged file are not for the user: the reader
# says in Chinese what is wrong
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)

MAX_WIDTH = 2400
"""Wider pages (photos, 300+ dpi scans) are reduced to WORK_WIDTH before reading."""
MIN_WIDTH = 1400
"""Narrower pages (150 dpi scans, screenshots) are enlarged to WORK_WIDTH: the recogniser
reads small table digits better at the size the PDF path renders them."""
WORK_WIDTH = 1654
"""A4 at 200 dpi: enough for 8 pt table digits."""


def decode_pages(path: str, data: bytes) -> Iterator[np.ndarray]:
    """Each page, grey, decoded one at a time after its size is checked against the limits
    (a multi-page TIFF is never decoded past the page limit, a huge image never decoded)."""
    lim = limits.current()
    sizes = page_sizes(data, lim.pages)
    if sizes is not None:
        limits.check_pages(path, len(sizes), "页", counted=False)
        for i, (w, h) in enumerate(sizes):
            limits.check_pixels(path, w, h, f"第 {i + 1} 页图片" if len(sizes) > 1 else "图片")
    buf = np.frombuffer(data, np.uint8)
    decoded = 0
    try:
        if data[:4] in (b"II*\x00", b"MM\x00*"):
            for i in range(len(sizes) if sizes else lim.pages):
                limits.check_time(path)
                ok, frames = cv2.imdecodemulti(buf, cv2.IMREAD_GRAYSCALE, None, (i, i + 1))
                if not ok or not frames:
                    if sizes is None:
                        break
                    continue
                decoded += 1
                yield np.ascontiguousarray(frames[0])
        else:
            img = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
            if img is not None:
                decoded += 1
                yield np.ascontiguousarray(img)
    except cv2.error:
        raise ReadError(path, "图片无法解码（文件已损坏，或解码所需内存超过限制）", "corrupt") from None
    if not decoded:
        raise ReadError(path, "图片文件已损坏或格式不受支持（支持 PNG、JPEG、TIFF）", "corrupt")


def work_scale(width: int) -> float:
    """Original pixels per working pixel for a page ``width`` pixels wide (1.0: read as is)."""
    return width / WORK_WIDTH if width > MAX_WIDTH or width < MIN_WIDTH else 1.0


def read_image(path: str, data: bytes) -> Document:
    from gongkai.readers.scan import image_blocks

    doc = Document(path, "image")
    blocks: list[Block] = []
    for i, page in enumerate(decode_pages(path, data)):
        limits.check_time(path)
        scale = work_scale(page.shape[1])
        if scale != 1.0:
            # a sliver of an image enlarged to the working width could be huge: measured first
            limits.check_pixels(path, WORK_WIDTH, round(page.shape[0] / scale), f"第 {i + 1} 页图片放大后")
            try:
                page = cv2.resize(
                    page,
                    None,
                    fx=1 / scale,
                    fy=1 / scale,
                    interpolation=cv2.INTER_AREA if scale > 1 else cv2.INTER_CUBIC,
                )
            except cv2.error:
                raise ReadError(path, f"第 {i + 1} 页图片无法缩放（尺寸异常或内存不足）", "corrupt") from None
        blocks += image_blocks(page, i + 1, scale)
    if not blocks:
        raise ReadError(path, "图片中没有识别出任何文字（空白图片）", "empty")
    doc.warnings.append("图片经 OCR 识别，数字请以原件为准")
    doc.blocks = number_blocks(join_continued(blocks))
    return doc
