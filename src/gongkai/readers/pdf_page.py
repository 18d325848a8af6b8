"""One PDF page through pdfium: characters with boxes, ruling segments, image count.

Everything is in page points with y growing downwards (top-left origin), the frame the
grid builder and the layout code share with scanned images.
"""

from __future__ import annotations

import ctypes
import itertools
import math
from dataclasses import dataclass, field

import pypdfium2 as pdfium  # type: ignore[import-untyped]
import pypdfium2.raw as R  # type: ignore[import-untyped]

from gongkai.readers.grid_lines import HSeg, VSeg

AXIS_SLOPE = 0.5
"""A segment whose run across its axis is below this many points is axis-parallel."""
THIN_RECT = 2.5
"""A filled rectangle thinner than this (points) is drawn as a rule."""
MIN_RULE = 4.0
"""Shorter strokes are glyph decorations, not table rules."""
WHITE = 235
"""Colour components all above this are paper-coloured: not a visible rule."""
LOOSE_LIMIT = 3.0
"""A loose character box this many times larger than the glyph's ink is a pdfium artefact."""
MAX_CHARS = 50_000
"""Characters on one page: a dense A4 page holds about 3,000."""
MAX_OBJECTS = 100_000
"""Drawing objects walked on one page (rules, images, forms): a report page draws a few hundred."""
_SEG_LINETO, _SEG_MOVETO = 0, 2
_CTRL = frozenset("\r\n\x00\ufffe\uffff")

Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


@dataclass
class Char:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass
class PageContent:
    index: int
    width: float
    height: float
    chars: list[Char] = field(default_factory=list)
    hsegs: list[HSeg] = field(default_factory=list)
    vsegs: list[VSeg] = field(default_factory=list)
    images: int = 0
    image_size: tuple[int, int] = (0, 0)
    """Width and height in pixels of the largest image the page draws (as stored)."""
    objects: int = 0


class PageTooComplex(Exception):
    """A page with far more characters or drawing objects than any report page."""

    def __init__(self, what: str, count: int) -> None:
        super().__init__(what)
        self.what = what
        self.count = count


def read_page(page: pdfium.PdfPage, index: int) -> PageContent:
    width, height = page.get_size()
    if page.get_rotation() in (90, 270):
        # pdfium reports the displayed size; characters and paths are in the unrotated frame
        width, height = height, width
    out = PageContent(index, float(width), float(height))
    textpage = page.get_textpage()
    try:
        out.chars = _chars(textpage, out.height)
    finally:
        textpage.close()
    _walk(page.raw, R.FPDFPage_CountObjects, R.FPDFPage_GetObject, _IDENTITY, out, 0)
    return out


def _chars(textpage: pdfium.PdfTextPage, page_h: float) -> list[Char]:
    raw = textpage.raw
    n = R.FPDFText_CountChars(raw)
    if n > MAX_CHARS:
        raise PageTooComplex("个字符", n)
    rect = R.FS_RECTF()
    left, right, bottom, top = (ctypes.c_double() for _ in range(4))
    chars: list[Char] = []
    for i in range(n):
        code = R.FPDFText_GetUnicode(raw, i)
        if code == 0:
            continue
        ch = chr(code)
        if ch in _CTRL or R.FPDFText_IsGenerated(raw, i) == 1:
            continue
        if not R.FPDFText_GetLooseCharBox(raw, i, rect):
            continue
        box = (rect.left, page_h - rect.top, rect.right, page_h - rect.bottom)
        if R.FPDFText_GetCharBox(raw, i, left, right, bottom, top):
            size = max(right.value - left.value, top.value - bottom.value, 1.0)
            if box[2] - box[0] > LOOSE_LIMIT * size or box[3] - box[1] > LOOSE_LIMIT * size:
                # pdfium's loose box is wrong for rotated (vertical) text; the tight one is not
                box = (left.value, page_h - top.value, right.value, page_h - bottom.value)
        chars.append(Char(ch, *box))
    return chars


def _matrix(obj: object) -> Matrix:
    m = R.FS_MATRIX()
    if not R.FPDFPageObj_GetMatrix(obj, m):
        return _IDENTITY
    return (m.a, m.b, m.c, m.d, m.e, m.f)


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _walk(parent: object, count: object, get: object, ctm: Matrix, out: PageContent, depth: int) -> None:
    n = count(parent)  # type: ignore[operator]
    out.objects += max(n, 0)
    if out.objects > MAX_OBJECTS:
        raise PageTooComplex("个图形对象", out.objects)
    for i in range(max(n, 0)):
        obj = get(parent, i)  # type: ignore[operator]
        if not obj:
            continue
        kind = R.FPDFPageObj_GetType(obj)
        if kind == R.FPDF_PAGEOBJ_PATH:
            _path(obj, _compose(_matrix(obj), ctm), out)
        elif kind == R.FPDF_PAGEOBJ_IMAGE:
            out.images += 1
            w, h = ctypes.c_uint(), ctypes.c_uint()
            if R.FPDFImageObj_GetImagePixelSize(obj, w, h) and w.value * h.value > math.prod(out.image_size):
                out.image_size = (w.value, h.value)
        elif kind == R.FPDF_PAGEOBJ_FORM and depth < 8:
            _walk(obj, R.FPDFFormObj_CountObjects, R.FPDFFormObj_GetObject, _compose(_matrix(obj), ctm), out, depth + 1)


def _visible(obj: object, getter: object) -> bool:
    r, g, b, a = (ctypes.c_uint() for _ in range(4))
    if not getter(obj, r, g, b, a):  # type: ignore[operator]
        return True
    if a.value == 0:
        return False
    return not (r.value > WHITE and g.value > WHITE and b.value > WHITE)


def _path(obj: object, m: Matrix, out: PageContent) -> None:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    if not R.FPDFPath_GetDrawMode(obj, fill, stroke):
        return
    stroked = bool(stroke.value) and _visible(obj, R.FPDFPageObj_GetStrokeColor)
    filled = fill.value != 0 and _visible(obj, R.FPDFPageObj_GetFillColor)
    if not (stroked or filled):
        return
    h = out.height
    a, b, c, d, e, f = m
    subpaths: list[list[tuple[float, float]]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for i in range(R.FPDFPath_CountSegments(obj)):
        seg = R.FPDFPath_GetPathSegment(obj, i)
        if not seg or not R.FPDFPathSegment_GetPoint(seg, x, y):
            continue
        px, py = x.value * a + y.value * c + e, x.value * b + y.value * d + f
        pt = (px, h - py)
        kind = R.FPDFPathSegment_GetType(seg)
        if kind == _SEG_MOVETO or not subpaths:
            subpaths.append([pt])
        else:
            subpaths[-1].append(pt)
        if R.FPDFPathSegment_GetClose(seg) and subpaths[-1]:
            subpaths[-1].append(subpaths[-1][0])
    for pts in subpaths:
        if stroked:
            _stroke_segments(pts, out)
        elif filled:
            _thin_fill(pts, out)


def _stroke_segments(pts: list[tuple[float, float]], out: PageContent) -> None:
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        if abs(y1 - y0) <= AXIS_SLOPE and abs(x1 - x0) >= MIN_RULE:
            out.hsegs.append(HSeg((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
        elif abs(x1 - x0) <= AXIS_SLOPE and abs(y1 - y0) >= MIN_RULE:
            out.vsegs.append(VSeg((x0 + x1) / 2, min(y0, y1), max(y0, y1)))


def _thin_fill(pts: list[tuple[float, float]], out: PageContent) -> None:
    """A filled thin rectangle is how Word/WPS exports often draw a rule."""
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    if y1 - y0 <= THIN_RECT and x1 - x0 >= MIN_RULE:
        out.hsegs.append(HSeg((y0 + y1) / 2, x0, x1))
    elif x1 - x0 <= THIN_RECT and y1 - y0 >= MIN_RULE:
        out.vsegs.append(VSeg((x0 + x1) / 2, y0, y1))
