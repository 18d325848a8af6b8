"""Hostile inputs, made at test time: small files that expand hugely, or that ask a reader for
far more than any report needs. Used by the tests and by ``bench/hostile.py``.

The bombs are built from one deflate block that, after a full flush, decompresses on its own
to ``UNIT`` bytes: repeating it N times gives N × UNIT bytes from N × ~1 KB, without ever
compressing the gigabytes (a 3 GB bomb is made in well under a second).
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

UNIT = 1 << 20
BOMB_BYTES = 3 << 30
"""What a bomb expands to: 3 GiB (under 4 GiB, so no ZIP64 records are needed)."""


def _deflate_units(unit: bytes, count: int, head: bytes = b"", tail: bytes = b"") -> tuple[bytes, int, int]:
    """Raw deflate of ``head + unit * count + tail``: (stream, crc32, length), built from one
    flushed block repeated."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    block = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(unit) + c.flush(zlib.Z_FULL_FLUSH)
    assert block == again, "a fully flushed block must not depend on what came before"
    last = c.compress(tail) + c.flush()
    crc = zlib.crc32(head)
    for _ in range(count):
        crc = zlib.crc32(unit, crc)
    crc = zlib.crc32(tail, crc)
    return first + block * count + last, crc, len(head) + len(unit) * count + len(tail)


def _zip(members: list[tuple[str, bytes, int, int, bool]]) -> bytes:
    """A ZIP file written by hand: (name, data, crc, size, deflated) per member, ``data`` already
    compressed when ``deflated``. zipfile cannot store a stream compressed elsewhere."""
    out = io.BytesIO()
    central = io.BytesIO()
    for name, data, crc, size, deflated in members:
        fname = name.encode()
        flags = 0 if name.isascii() else 0x800  # bit 11: the name is UTF-8
        method = 8 if deflated else 0
        offset = out.tell()
        out.write(
            struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, method, 0, 0x21, crc, len(data), size, len(fname), 0)
        )
        out.write(fname)
        out.write(data)
        central.write(
            struct.pack(
                "<4s6H3L5H2L",
                b"PK\x01\x02",
                20,
                20,
                flags,
                method,
                0,
                0x21,
                crc,
                len(data),
                size,
                len(fname),
                0,
                0,
                0,
                0,
                0,
                offset,
            )
        )
        central.write(fname)
    cd = central.getvalue()
    start = out.tell()
    out.write(cd)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(cd), start, 0))
    return out.getvalue()


def _stored(name: str, data: bytes) -> tuple[str, bytes, int, int, bool]:
    return (name, data, zlib.crc32(data), len(data), False)


def zip_bomb(inner: str = "报告.txt", size: int = BOMB_BYTES, extra: dict[str, bytes] | None = None) -> bytes:
    """An archive whose one member ``inner`` expands to ``size`` bytes of text (plus ``extra``
    members stored as they are)."""
    unit = ("政府信息公开工作年度报告\n" * (UNIT // 37 + 1)).encode()[:UNIT]
    stream, crc, n = _deflate_units(unit, size // UNIT)
    members = [(inner, stream, crc, n, True)]
    members += [_stored(k, v) for k, v in (extra or {}).items()]
    return _zip(members)


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)


def docx_with(document_xml: bytes) -> bytes:
    """A minimal .docx around ``document_xml``."""
    return _zip(
        [
            _stored("[Content_Types].xml", _CONTENT_TYPES.encode()),
            _stored("_rels/.rels", _RELS.encode()),
            _stored("word/document.xml", document_xml),
        ]
    )


def docx_bomb(size: int = BOMB_BYTES) -> bytes:
    """A .docx whose document.xml is well-formed and expands to ``size`` bytes of paragraphs."""
    head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {_W}><w:body>'.encode()
    para = b"<w:p><w:r><w:t>1</w:t></w:r></w:p>"
    unit = para * (UNIT // len(para))
    stream, crc, n = _deflate_units(unit, size // len(unit), head, b"</w:body></w:document>")
    return _zip(
        [
            _stored("[Content_Types].xml", _CONTENT_TYPES.encode()),
            _stored("_rels/.rels", _RELS.encode()),
            ("word/document.xml", stream, crc, n, True),
        ]
    )


def docx_billion_laughs() -> bytes:
    ents = '<!ENTITY a0 "哈哈哈哈哈哈哈哈哈哈">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [{ents}]>'
        f"<w:document {_W}><w:body><w:p><w:r><w:t>&a9;</w:t></w:r></w:p></w:body></w:document>"
    )
    return docx_with(xml.encode())


def docx_xxe(target: str) -> bytes:
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file://{target}">]>'
        f"<w:document {_W}><w:body><w:p><w:r><w:t>一、总体情况&x;</w:t></w:r></w:p></w:body></w:document>"
    )
    return docx_with(xml.encode())


def _zlib_units(unit: bytes, count: int, tail: bytes = b"") -> bytes:
    """zlib format (header, raw deflate, Adler-32) of ``unit * count + tail``."""
    raw, _, _ = _deflate_units(unit, count, b"", tail)
    adler = 1
    for _ in range(count):
        adler = zlib.adler32(unit, adler)
    adler = zlib.adler32(tail, adler)
    return b"\x78\xda" + raw + struct.pack(">L", adler)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">L", len(data)) + kind + data + struct.pack(">L", zlib.crc32(kind + data))


def png_bomb(side: int = 30_000) -> bytes:
    """A ``side`` × ``side`` grey PNG, all white: a few hundred KB that decode to side² bytes."""
    row = b"\x00" + b"\xff" * side
    rows_per_unit = max(1, UNIT // len(row))
    unit = row * rows_per_unit
    count, rest = divmod(side, rows_per_unit)
    idat = _zlib_units(unit, count, row * rest)
    ihdr = struct.pack(">2L5B", side, side, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def tiff_pages(pages: int = 500, width: int = 2480, height: int = 3508) -> bytes:
    """A multi-page TIFF of blank grey A4 pages at 300 dpi: every page's IFD points at one
    shared Deflate strip, so 500 pages (4 GB decoded) take a few KB."""
    strip = _zlib_units(b"\xff" * width, height)
    out = io.BytesIO()
    out.write(b"II*\x00" + struct.pack("<L", 0))  # first IFD offset patched below
    strip_at = out.tell()
    out.write(strip)
    tags = [
        (256, 4, width),  # ImageWidth
        (257, 4, height),  # ImageLength
        (258, 3, 8),  # BitsPerSample
        (259, 3, 8),  # Compression: Deflate
        (262, 3, 1),  # Photometric: BlackIsZero
        (273, 4, strip_at),  # StripOffsets
        (277, 3, 1),  # SamplesPerPixel
        (278, 4, height),  # RowsPerStrip
        (279, 4, len(strip)),  # StripByteCounts
    ]
    ifd_size = 2 + 12 * len(tags) + 4
    first = out.tell() + (out.tell() & 1)
    out.write(b"\x00" * (first - out.tell()))
    for i in range(pages):
        here = first + i * ifd_size
        nxt = here + ifd_size if i + 1 < pages else 0
        out.write(struct.pack("<H", len(tags)))
        for tag, kind, value in tags:
            out.write(
                struct.pack("<HHL", tag, kind, 1)
                + (struct.pack("<HH", value, 0) if kind == 3 else struct.pack("<L", value))
            )
        out.write(struct.pack("<L", nxt))
    data = bytearray(out.getvalue())
    data[4:8] = struct.pack("<L", first)
    return bytes(data)


def _pdf(objects: list[bytes], root: int = 1, trailer_extra: bytes = b"") -> bytes:
    """A PDF from its numbered objects (1-based, in order), with a correct xref table."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, root, trailer_extra, xref)
    )
    return out.getvalue()


def _image_pages_pdf(n_pages: int, side_pt: float, px: int = 8) -> bytes:
    """``n_pages`` pages ``side_pt`` square, each showing one shared grey image of ``px``²
    pixels stretched over the page (no text layer: every page goes to OCR)."""
    pixels = zlib.compress(bytes([128]) * (px * px))
    content = b"q %g 0 0 %g 0 0 cm /Im0 Do Q" % (side_pt, side_pt)
    first_page = 5
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(n_pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n_pages),
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
        % (px, px, len(pixels), pixels),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] "
        b"/Resources << /XObject << /Im0 3 0 R >> >> /Contents 4 0 R >>"
    )
    objects += [page % (side_pt, side_pt)] * n_pages
    return _pdf(objects)


def pdf_giant_page(side_pt: float = 20_000) -> bytes:
    """One image page ``side_pt`` points square (rendered for OCR at 200 dpi: 55,556 px square)."""
    return _image_pages_pdf(1, side_pt)


def pdf_many_image_pages(n_pages: int = 10_000) -> bytes:
    """``n_pages`` A4-sized image pages: each would be rendered and OCR'd."""
    return _image_pages_pdf(n_pages, 595)


def pdf_image_bomb(px: int = 30_000) -> bytes:
    """An A4 page showing a ``px``² image whose pixels are one small Flate stream."""
    row = bytes([255]) * px
    per = max(1, UNIT // px)
    count, rest = divmod(px, per)
    data = _zlib_units(row * per, count, row * rest)
    content = b"q 595 0 0 842 0 0 cm /Im0 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [5 0 R] /Count 1 >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (px, px, len(data), data),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 3 0 R >> >> "
        b"/Contents 4 0 R >>",
    ]
    return _pdf(objects)


def nested_html(depth: int = 100_000) -> bytes:
    return b"<html><body>" + b"<div>" * depth + "一、总体情况".encode() + b"</div>" * depth + b"</body></html>"


def html_billion_laughs() -> bytes:
    ents = '<!ENTITY a0 "哈哈哈哈哈哈哈哈哈哈">' + "".join(
        f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10)
    )
    return f'<?xml version="1.0"?><!DOCTYPE html [{ents}]><html><body><p>&a9;</p></body></html>'.encode()


def html_xxe(target: str) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY x SYSTEM "file://{target}">]>'
        f'<html><body><p>一、总体情况&x;</p><img src="http://127.0.0.1:9/x.png"></body></html>'
    ).encode()


def sparse_text(path: Path, size: int = 200 << 20) -> None:
    """A ``size``-byte text file that takes no disk: report text, then a hole."""
    with open(path, "wb") as f:
        f.write(("一、总体情况\n" * 1000).encode())
        f.truncate(size)


# name → (file name, maker): every kind a hostile-input folder holds (bytes made on demand)
KINDS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "zip_bomb": ("bomb.zip", zip_bomb),
    "docx_bomb": ("bomb.docx", docx_bomb),
    "png_30000": ("huge.png", png_bomb),
    "tiff_500": ("pages.tiff", tiff_pages),
    "pdf_giant_page": ("giant-page.pdf", pdf_giant_page),
    "pdf_10000_pages": ("many-pages.pdf", pdf_many_image_pages),
    "pdf_image_bomb": ("image-bomb.pdf", pdf_image_bomb),
    "docx_billion_laughs": ("laughs.docx", docx_billion_laughs),
    "html_billion_laughs": ("laughs.html", html_billion_laughs),
    "nested_html": ("nested.html", nested_html),
    "empty": ("empty.txt", lambda: b""),
    "binary_html": ("junk.html", lambda: bytes(range(256)) * 64),
    "truncated_pdf": ("truncated.pdf", lambda: pdf_many_image_pages(3)[:700]),
}
