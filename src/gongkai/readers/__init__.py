"""Readers: one per format, each producing the same intermediate ``Document``.

``read(path)`` sniffs the format from the bytes (the extension only breaks ties) and never
raises anything but ``ReadError`` for bad input.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Iterator

from gongkai.readers import limits as _limits
from gongkai.readers.document import Document, Grid, GridCell, ReadError, TextLine
from gongkai.readers.limits import Limits
from gongkai.readers.text import MAX_TEXT_BYTES

__all__ = ["Document", "Grid", "GridCell", "Limits", "ReadError", "TextLine", "read", "read_bytes", "sniff_format"]

SNIFF_BYTES = 64 * 1024
TEXT_FORMATS = frozenset({"text", "markdown", "html"})
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"BM", b"GIF8")


_HTML_MARKS = (b"<html", b"<!doctype html", b"<body", b"<table", b"<div", b"<p>", b"<meta")


def looks_like_html(data: bytes) -> bool:
    head = data[:2048].lower()
    return any(t in head for t in _HTML_MARKS)


def sniff_format(path: str, data: bytes) -> str:
    ext = os.path.splitext(path)[1].lower()
    if data.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if any(data.startswith(m) for m in _IMAGE_MAGIC):
        return "image"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return "doc"
    if ext in (".html", ".htm", ".shtml", ".xhtml") or looks_like_html(data):
        return "html"
    if ext in (".md", ".markdown"):
        return "markdown"
    return "text"


@contextlib.contextmanager
def _guarded(limits: Limits | None) -> Iterator[Limits]:
    """``limits`` from here on; without them, those already applied (a worker's, with its
    clock running) or the defaults, timed from now."""
    if limits is None and _limits._limits.get() is not None:
        yield _limits.current()
    else:
        with _limits.applied(limits) as lim:
            yield lim


def read(path: str, limits: Limits | None = None) -> Document:
    """Read one file into a ``Document``. Raises ``ReadError`` (a Chinese reason and a code) for
    anything that is not a readable report file, or that exceeds ``limits``."""
    with _guarded(limits) as lim:
        return _read(path, lim)


def _read(path: str, lim: Limits) -> Document:
    try:
        size = os.path.getsize(path)
    except FileNotFoundError:
        raise ReadError(path, "文件不存在", "not_found") from None
    except OSError as e:
        raise ReadError(path, f"无法访问文件：{e.strerror}", "not_found") from None
    if os.path.isdir(path):
        raise ReadError(path, "这是一个文件夹，不是文件", "not_found")
    if size > lim.file_bytes:
        raise _limits.too_large(path, "文件过大", size / _limits.MB, lim.file_mb, "MB", "file_mb")
    with open(path, "rb") as f:
        head = f.read(SNIFF_BYTES)
        fmt = sniff_format(path, head)
        if fmt in TEXT_FORMATS and size > MAX_TEXT_BYTES:
            # decided from the first bytes: never load a huge text file into memory
            raise ReadError(path, f"文件过大（{size / 1048576:.1f} MB），不像是一份年度报告", "too_large")
        data = head + f.read()
    return _read_bytes(path, data, lim)


def read_bytes(path: str, data: bytes, limits: Limits | None = None) -> Document:
    """``read`` for bytes in memory; ``path``'s extension breaks format ties."""
    with _guarded(limits) as lim:
        return _read_bytes(path, data, lim)


def _read_bytes(path: str, data: bytes, lim: Limits) -> Document:
    if len(data) > lim.file_bytes:
        raise _limits.too_large(path, "文件过大", len(data) / _limits.MB, lim.file_mb, "MB", "file_mb")
    fmt = sniff_format(path, data)
    reader = _reader(fmt, path)
    try:
        doc = reader(path, data)
    except MemoryError:
        raise ReadError(path, "内存不足：文件过大或过于复杂，已停止读取", "memory") from None
    except ReadError as e:
        if not e.path:  # raised where the file is not known (the recogniser's time check)
            raise ReadError(path, e.reason, e.code) from None
        raise
    doc.sha256 = hashlib.sha256(data).hexdigest()
    doc.size = len(data)
    return doc


def _reader(fmt: str, path: str) -> Callable[[str, bytes], Document]:
    if fmt == "text":
        from gongkai.readers.text import read_text

        return lambda p, d: read_text(p, d, None)
    if fmt == "markdown":
        from gongkai.readers.text import read_text

        return lambda p, d: read_text(p, d, True)
    if fmt == "html":
        from gongkai.readers.html import read_html

        return read_html
    if fmt == "docx":
        return _read_zip
    if fmt == "pdf":
        try:
            from gongkai.readers.pdf import read_pdf
        except ImportError:
            raise ReadError(path, "暂不支持 PDF（缺少 PDF 读取组件）", "unsupported") from None
        return read_pdf
    if fmt == "image":
        try:
            from gongkai.readers.image import read_image
        except ImportError:
            raise ReadError(path, "暂不支持图片（缺少 OCR 组件）", "unsupported") from None
        return read_image
    if fmt == "doc":
        raise ReadError(path, "不支持旧版 Word（.doc）格式，请另存为 .docx 或 PDF", "unsupported")
    raise ReadError(path, f"不支持的文件格式：{fmt}", "unsupported")


def _read_zip(path: str, data: bytes) -> Document:
    from gongkai.readers.docx import read_docx

    return read_docx(path, data)
