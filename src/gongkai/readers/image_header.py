"""The pixel size of each page of an image file, read from its header alone (nothing decoded),
so that an image is measured against the limits before a decoder allocates for it.

PNG, JPEG, GIF and BMP have one page; a TIFF has one page per IFD (its directories are walked,
never more than ``max_pages`` + 1 of them, and a loop in the chain ends the walk).
"""

from __future__ import annotations

import struct

_JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def page_sizes(data: bytes, max_pages: int) -> list[tuple[int, int]] | None:
    """(width, height) of each page, at most ``max_pages`` + 1 of them; None when the header
    cannot be read (the decoder then decides whether the file is broken)."""
    try:
        if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
            return [struct.unpack(">2L", data[16:24])]
        if data.startswith(b"\xff\xd8"):
            size = _jpeg(data)
            return [size] if size else None
        if data.startswith(b"GIF8"):
            return [struct.unpack("<2H", data[6:10])]
        if data.startswith(b"BM"):
            (header,) = struct.unpack("<L", data[14:18])
            if header == 12:
                return [struct.unpack("<2H", data[18:22])]
            w, h = struct.unpack("<2l", data[18:26])
            return [(abs(w), abs(h))]
        if data[:4] in (b"II*\x00", b"MM\x00*"):
            return _tiff(data, max_pages)
    except struct.error:
        return None
    return None


def _jpeg(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 4 <= len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        marker = data[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:
            i += 2
            continue
        if marker in (0xD9, 0xDA):
            return None
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        if marker in _JPEG_SOF:
            h, w = struct.unpack(">2H", data[i + 5 : i + 9])
            return (w, h)
        i += 2 + length
    return None


def _tiff(data: bytes, max_pages: int) -> list[tuple[int, int]]:
    end = "<" if data[:2] == b"II" else ">"
    (offset,) = struct.unpack(end + "L", data[4:8])
    seen: set[int] = set()
    out: list[tuple[int, int]] = []
    while offset and offset not in seen and len(out) <= max_pages:
        seen.add(offset)
        (count,) = struct.unpack(end + "H", data[offset : offset + 2])
        w = h = 0
        for k in range(count):
            at = offset + 2 + 12 * k
            tag, kind = struct.unpack(end + "2H", data[at : at + 4])
            if tag in (256, 257):
                if kind == 3:
                    (value,) = struct.unpack(end + "H", data[at + 8 : at + 10])
                else:
                    (value,) = struct.unpack(end + "L", data[at + 8 : at + 12])
                if tag == 256:
                    w = value
                else:
                    h = value
        out.append((w, h))
        at = offset + 2 + 12 * count
        (offset,) = struct.unpack(end + "L", data[at : at + 4])
    return out
