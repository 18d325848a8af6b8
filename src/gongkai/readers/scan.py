"""A page image → text lines and grids: deskew, rebuild the table grid from its ruling
lines, cut every cell and every text line into single-line crops, recognise the crops.

Coordinates: pixels of the (deskewed) image; ``scale`` converts them to the unit stored in
``Source.bbox`` (points for a rendered PDF page, 1.0 for an image file).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal, NamedTuple

import cv2
import numpy as np

from gongkai.model.report import Source
from gongkai.model.text import despace
from gongkai.readers.document import Block, Grid, GridCell, TextLine
from gongkai.readers.grid_lines import TableLines, build_tables
from gongkai.readers.layout import Line, is_page_furniture, join_cell_lines
from gongkai.readers.ocr import Recognized, recognize
from gongkai.readers.raster_grid import (
    INK_THRESHOLD,
    PAGE_WIDTH_PT,
    binarize,
    deskew,
    rule_ink,
    scan_tolerance,
    segments,
)

CELL_INSET = 3
"""Pixels cut from each side of a cell so its borders stay out of the crop."""
CROP_MARGIN = 4
MIN_INK_PIXELS = 12
"""A line band with less ink than this is noise, not text."""
MIN_BAND_HEIGHT = 0.35
"""Bands lower than this fraction of the tallest band in the cell are noise or punctuation
residue and are merged into a neighbour or dropped."""
SPECK_AREA = 8
"""Ink components of fewer pixels than this are noise wherever they are."""
SPECK_PT = 2.5
"""A mark no bigger than this both ways (points) may be a scanner speck: a speck merged
with the grain of the scan measures up to about 2 pt. A decimal point, the dots of a colon
are as small; ``SPECK_CLEARANCE_PT`` tells them apart (a colon's dots that it drops from
the layout mask still show in the crop of their line, unless they end it)."""
SPECK_CLEARANCE_PT = 1.5
"""…and is one when no larger mark lies within this distance (points): a decimal point
sits a pixel or two from its digits, a speck in the white between lines or cells does not."""
MIN_ROW_INK = 2
"""A pixel row with less ink than this is blank (for finding line bands)."""
BAND_JOIN = 0.2
"""Bands closer than this fraction of their height belong to one line of text."""
WORD_GAP = 0.06
"""A horizontal gap wider than this fraction of the page width splits a text line."""
MIN_TABLE_CELLS = 4
GLYPH_HEIGHT = 0.6
"""Ink components at least this fraction of a line's tallest are glyphs (digits); lower
ones are marks: a minus, a point, a speck."""
SIGN_ZONE = 0.8
"""A minus stands closer to its number than this many digit heights (its gap is a fraction
of a digit's width); a mark further left is not the number's sign."""
DASH_MIN_WIDTH = 0.3
DASH_MAX_WIDTH = 1.0
"""A minus is about half a digit height long (a hyphen a third): shorter flat marks are
specks, longer ones a rule or a dash standing for a blank."""
DASH_MAX_THICKNESS = 0.2
"""A minus is a thin stroke: about a tenth of the digit height, two or three pixels."""
DASH_TILT = 0.1
"""A minus is level: its columns' middles agree within a pixel or two."""
DASH_ASPECT = 1.6
"""A minus is at least this many times as long as it is thick (a one-pixel stroke of a
150 dpi scan, blurred, is three pixels thick for five or six long)."""
DASH_FILL = 0.7
"""A stroke fills its bounding box; a clump of scanner noise of the same size does not."""
DASH_CENTRE = (0.3, 0.8)
"""A minus sits at mid-height of the digits (0 = their top, 1 = their baseline): a little
below the middle, at the maths axis."""
SIGN_MIN_WIDTH = 0.25
"""Marks narrower than this (digit heights) are dots: no reading makes them a minus (a
speck of a 150 dpi scan read at 200 dpi is up to four pixels, a minus six or more)."""
SIGN_FLATNESS = 1.5
"""…and so are marks less than this many times as wide as they are high."""
SIGN_BAND = (0.2, 0.9)
"""…and marks whose middle lies outside this band of the digit height (0 = top): a minus
is never at the top or the foot of the digits."""
PRINTED_CONTRAST = 0.35
"""A mark is printed when some of it is darker than the paper by this share of the
digits' contrast; the grain of a scan that the local threshold picks up is not."""
INK_PERCENTILE = 5
"""The digits' darkest grey, ignoring a few outlying pixels."""
JOIN_SLACK = 1
"""Pixels between the left edge of a glyph in the binarised ink and that of a stroke joined
to it, in the dark ink (thresholds shave a pixel off a stroke's end)."""
RESTORED_SIGN_PENALTY = 0.9
"""Confidence multiplier for a minus the recogniser dropped and the stroke test restored:
the stroke was seen clearly (it passed every test of ``dash_shape``)."""
OPEN_SIGN_PENALTY = 0.5
"""Confidence multiplier for a number whose sign is left open: whoever takes the grid's
text (the unsigned number) takes an uncertain value."""
STRAY_PENALTY = 0.5
"""Confidence multiplier for a number read with stray marks around it."""
CONFUSED_DIGITS = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "Q": "0", "I": "1", "l": "1", "|": "1", "S": "5", "B": "8"}
)
"""Letters the recogniser reads for digits; Q is a 0 with a speck at its foot."""
SUBSTITUTION_PENALTY = 0.8
"""Confidence multiplier for a cell whose letters were read as digits."""
_NUMERIC_ISH = re.compile(r"^[0-9OoDQIl|SB.,\s]+$")
_UNITS = ("元", "万元", "件", "条", "个", "项", "次", "%")
_STRAY = re.compile(r"^[^\d\s\-增减+]{0,2}\s*(?P<num>-?[0-9OoIl|][0-9OoIl|.,]*)\s*[^\d\s]{0,2}$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_OCR_MINUS = re.compile(r"^[-−–—－一]\s*(?=[0-9OoDQIl|])")
"""A minus as the recogniser writes it before a number (a hyphen, a dash, 一)."""
_NOISE_DOT = re.compile(r"(?<![0-9])[.·•・﹒]+")
"""In words a dot follows an item number (``1.属于国家秘密``) and nowhere else: other dots
are specks of noise the recogniser read (``(一)·予以公开``, ``规范性文件.``)."""


SignMark = Literal["none", "dash", "joined", "unclear"]
"""What the ink just left of a number's first digit shows: nothing that could be a sign; a
clear minus stroke; a clear minus stroke joined to the digit (seen only in the darkest
ink, so it confirms a minus the recogniser read but does not add one); a mark that might be
a minus or a speck."""


@dataclass(frozen=True)
class Mark:
    """An ink component left of a number, measured in digit heights."""

    width: float
    height: float
    thickness: float
    """Mean height of its columns: a stroke's ragged grey edges count for what they cover."""
    fill: float
    """Share of its bounding box the mark covers."""
    tilt: float
    """How far the middles of its columns spread up and down (0 for a level stroke)."""
    centre: float
    """Its mid-height, 0 at the top of the digit, 1 at its foot."""

    @property
    def could_be_sign(self) -> bool:
        """Long and flat enough, and level enough with the digits, to be read as a minus
        (``dash_shape`` tells whether it clearly is one); dots and specks are not."""
        lo, hi = SIGN_BAND
        return self.width >= SIGN_MIN_WIDTH and self.width >= SIGN_FLATNESS * self.height and lo <= self.centre <= hi


@dataclass
class Crop:
    image: np.ndarray
    bbox: tuple[int, int, int, int]
    sign: SignMark = "none"
    """What stands left of the line's first glyph (see ``sign_mark``)."""


def image_blocks(gray: np.ndarray, page_no: int, scale: float = 1.0) -> list[Block]:
    gray = deskew(gray)
    binary = binarize(gray)
    hsegs, vsegs, rules = segments(rule_ink(gray))
    h, w = gray.shape
    tables = [t for t in build_tables(hsegs, vsegs, scan_tolerance(w)) if len(t.cells) >= MIN_TABLE_CELLS]
    ink = cv2.bitwise_and(binary, cv2.bitwise_not(cv2.dilate(rules, np.ones((5, 5), np.uint8))))
    raw = ink.copy()
    ink[speck_mask(ink, w / PAGE_WIDTH_PT) > 0] = 0
    cell_crops: list[list[list[Crop]]] = []
    for t in tables:
        cell_crops.append([_cell_lines(gray, ink, raw, cb.bbox) for cb in t.cells])
    outside = ink.copy()
    for t in tables:
        x0, y0, x1, y1 = (round(v) for v in t.bbox)
        outside[max(0, y0 - CELL_INSET) : y1 + CELL_INSET, max(0, x0 - CELL_INSET) : x1 + CELL_INSET] = 0
    line_crops = _text_lines(gray, outside)
    flat = [c for cells in cell_crops for lines in cells for c in lines] + line_crops
    results = iter(recognize([c.image for c in flat]))
    placed: list[tuple[float, Block]] = []
    for t, cells in zip(tables, cell_crops, strict=True):
        reads = [[next(results) for _ in lines] for lines in cells]
        placed.append((t.bbox[1], _grid(t, reads, cells, page_no, scale)))
    for crop in line_crops:
        r = next(results)
        text = despace(" ".join(r.text.split()))
        if not text:
            continue
        bbox = tuple(round(v * scale, 2) for v in crop.bbox)
        line = Line(text, (crop.bbox[0], crop.bbox[1], crop.bbox[2], crop.bbox[3]))
        if is_page_furniture(line, float(h)):
            continue
        placed.append((crop.bbox[1], TextLine(text, Source(page=page_no, bbox=bbox))))  # type: ignore[arg-type]
    placed.sort(key=lambda p: p[0])
    return [b for _, b in placed]


def speck_mask(ink: np.ndarray, px_per_pt: float) -> np.ndarray:
    """Scanner noise in a binary ink mask (255 = noise): components of a few pixels, and
    small marks (``SPECK_PT``) with no larger mark within ``SPECK_CLEARANCE_PT``. Noise left
    between two lines of text would join them into one band; inside a cell it reads as a
    stray ``.`` or ``·``."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    side = SPECK_PT * px_per_pt
    small = (stats[:, cv2.CC_STAT_WIDTH] <= side) & (stats[:, cv2.CC_STAT_HEIGHT] <= side)
    small[0] = False
    marks = np.where(small[labels] | (labels == 0), 0, 255).astype(np.uint8)
    reach = max(1, round(SPECK_CLEARANCE_PT * px_per_pt))
    near = cv2.dilate(marks, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)) > 0
    noise = small.copy()
    noise[np.unique(labels[near & small[labels]])] = False
    noise |= stats[:, cv2.CC_STAT_AREA] < SPECK_AREA
    noise[0] = False
    return np.where(noise[labels], 255, 0).astype(np.uint8)


Band = tuple[int, int]
"""Rows [start, end) of a mask."""


def line_bands(mask: np.ndarray) -> list[Band]:
    """The rows of each line of text in an ink mask, top to bottom."""
    return _clean_bands(mask, _bands(mask))


def _bands(mask: np.ndarray) -> list[Band]:
    """Row ranges of a mask that contain ink, separated by empty rows."""
    rows = np.count_nonzero(mask, axis=1) >= MIN_ROW_INK
    bands: list[Band] = []
    start: int | None = None
    for y, n in enumerate(rows):
        if n and start is None:
            start = y
        elif not n and start is not None:
            bands.append((start, y))
            start = None
    if start is not None:
        bands.append((start, len(rows)))
    return bands


def _clean_bands(mask: np.ndarray, bands: list[Band]) -> list[Band]:
    """Drop specks; join a glyph row that noise or the glyph's own shape cut in two; attach
    slivers (a detached dot, the top of a character) to their line."""
    bands = [b for b in bands if np.count_nonzero(mask[b[0] : b[1]]) >= MIN_INK_PIXELS]
    return _attach_slivers(_join_split_rows(bands))


def _height(b: Band) -> int:
    return b[1] - b[0]


def _join_split_rows(bands: list[Band]) -> list[Band]:
    """Neighbours with a gap far narrower than a line gap are one row of glyphs."""
    out: list[Band] = []
    for b in bands:
        if out and b[0] - out[-1][1] < BAND_JOIN * max(_height(b), _height(out[-1])):
            out[-1] = (out[-1][0], b[1])
        else:
            out.append(b)
    return out


def _attach_slivers(bands: list[Band]) -> list[Band]:
    """A band much lower than the tallest is joined to the nearer of its neighbours, when
    that one is closer than half the tallest band: it is part of that line, not a line."""
    if not bands:
        return []
    tallest = max(_height(b) for b in bands)
    out = list(bands)
    i = 0
    while i < len(out):
        if len(out) < 2 or _height(out[i]) >= MIN_BAND_HEIGHT * tallest:
            i += 1
            continue
        before = out[i][0] - out[i - 1][1] if i > 0 else None
        after = out[i + 1][0] - out[i][1] if i + 1 < len(out) else None
        j = i - 1 if after is None or (before is not None and before <= after) else i + 1
        if min(g for g in (before, after) if g is not None) >= tallest / 2:
            i += 1
            continue
        lo, hi = min(i, j), max(i, j)
        out[lo : hi + 1] = [(out[lo][0], out[hi][1])]
        i = lo
    return out


def _crop(gray: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> Crop:
    h, w = gray.shape
    a, b = max(0, y0 - CROP_MARGIN), min(h, y1 + CROP_MARGIN)
    c, d = max(0, x0 - CROP_MARGIN), min(w, x1 + CROP_MARGIN)
    return Crop(gray[a:b, c:d], (c, a, d, b))


def _cell_lines(
    gray: np.ndarray, ink: np.ndarray, raw: np.ndarray, bbox: tuple[float, float, float, float]
) -> list[Crop]:
    """The crops of a cell's lines. ``ink`` is the page's ink without specks, ``raw`` with
    them: a minus of a small font is as small as a speck, so ``speck_mask`` takes it out of
    ``ink``; whether a line's number has a sign is judged on ``raw``."""
    x0, y0, x1, y1 = (round(v) for v in bbox)
    x0, y0, x1, y1 = x0 + CELL_INSET, y0 + CELL_INSET, x1 - CELL_INSET, y1 - CELL_INSET
    if x1 <= x0 or y1 <= y0:
        return []
    sub = ink[y0:y1, x0:x1]
    out = []
    for a, b in line_bands(sub):
        cols = np.flatnonzero(np.count_nonzero(sub[a:b], axis=0))
        if cols.size == 0:
            continue
        left = int(cols[0])
        sign, mark_left = sign_mark(gray[y0 + a : y0 + b, x0:x1], raw[y0 + a : y0 + b, x0:x1], sub[a:b])
        if sign == "dash":
            left = min(left, mark_left)  # the recogniser sees the stroke the test saw
        crop = _crop(gray, x0 + left, y0 + a, x0 + int(cols[-1]) + 1, y0 + b)
        crop.sign = sign
        out.append(crop)
    return out


def sign_mark(gray: np.ndarray, raw: np.ndarray, ink: np.ndarray) -> tuple[SignMark, int]:
    """What stands just left of the first glyph of a line of a cell, and the column where
    that mark starts. ``gray``: the line's rows of the page; ``ink``: their ink without
    specks (the glyphs); ``raw``: with every mark. Only the mark nearest the glyph counts: a
    minus is written against its number, and whatever lies further left is not its sign."""
    glyph = _first_glyph(ink)
    if glyph is None:
        return "none", 0
    found = _nearest_mark(raw, _printed(gray, raw, ink), glyph)
    if found is not None and dash_shape(found[1]):
        return "dash", found[0]
    dark = cv2.bitwise_and(raw, np.where(gray < INK_THRESHOLD, 255, 0).astype(np.uint8))
    joined = _joined_dash(dark, glyph)
    if joined is not None:
        return "joined", joined
    return ("unclear", found[0]) if found is not None else ("none", 0)


def _printed(gray: np.ndarray, raw: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """The pixels of ``raw`` dark enough to be printed ink rather than the grain of the
    scan: a good part of the way from the paper's grey to the digits' darkest. (A fixed level
    would not do: a thin stroke blurred in a 150 dpi scan is much lighter than the digits.)"""
    paper = float(np.median(gray))
    strokes = gray[ink > 0]
    darkest = float(np.percentile(strokes, INK_PERCENTILE)) if strokes.size else 0.0
    level = paper - PRINTED_CONTRAST * (paper - darkest)
    return cv2.bitwise_and(raw, np.where(gray < level, 255, 0).astype(np.uint8))


def _joined_dash(dark: np.ndarray, glyph: tuple[int, int, int]) -> int | None:
    """The left column of a minus stroke that the binarised ink joined to ``glyph``, or None.
    A minus set tight against its digit touches it through light grey antialiasing; in the
    dark ink alone the stroke stands apart, starting where the binarised glyph starts."""
    core = _first_glyph(dark)
    if core is None or core[0] <= glyph[0]:
        return None
    found = _nearest_mark(dark, dark, core)
    if found is None or not dash_shape(found[1]) or found[0] > glyph[0] + JOIN_SLACK:
        return None
    return found[0]


def _nearest_mark(marks: np.ndarray, dark: np.ndarray, glyph: tuple[int, int, int]) -> tuple[int, Mark] | None:
    """The mark of ``marks`` nearest left of ``glyph`` that could be read as a sign (see
    ``Mark.could_be_sign``) and is printed (some of it in ``dark``), with its left column;
    None when there is none within ``SIGN_ZONE``."""
    gx, top, bottom = glyph
    height = bottom - top
    if gx == 0:
        return None  # nothing left of the glyph (and opencv crashes on an empty image)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(np.ascontiguousarray(marks[:, :gx]), connectivity=8)
    printed = np.zeros(n, bool)
    printed[np.unique(labels[dark[:, :gx] > 0])] = True
    reach = gx - SIGN_ZONE * height
    best: tuple[int, Mark] | None = None
    right = -1
    for i in range(1, n):
        x, y, w, h, _area = (int(v) for v in stats[i])
        if x + w <= reach or x + w <= right or not printed[i]:
            continue
        mark = _measure(labels[y : y + h, x : x + w] == i, y - top, height)
        if mark.could_be_sign:
            right, best = x + w, (x, mark)
    return best


def _measure(pixels: np.ndarray, top: int, height: int) -> Mark:
    """A mark's measures; ``pixels`` its bounding box (True = the mark), ``top`` the box's
    first row counted from the digit's top, ``height`` the digit height."""
    h, w = pixels.shape
    rows = np.arange(h)[:, None]
    counts = pixels.sum(axis=0)
    middles = (pixels * rows).sum(axis=0)[counts > 0] / counts[counts > 0]
    return Mark(
        width=w / height,
        height=h / height,
        thickness=float(counts.mean()) / height,
        fill=float(counts.sum()) / (w * h),
        tilt=float(middles.max() - middles.min()) / height,
        centre=(top + h / 2) / height,
    )


def dash_shape(m: Mark) -> bool:
    """Is this mark a minus stroke: level, thin, solid, of a minus's length, at mid-height?"""
    lo, hi = DASH_CENTRE
    return (
        DASH_MIN_WIDTH <= m.width <= DASH_MAX_WIDTH
        and m.thickness <= DASH_MAX_THICKNESS
        and m.width >= DASH_ASPECT * m.thickness
        and m.fill >= DASH_FILL
        and m.tilt <= DASH_TILT
        and lo <= m.centre <= hi
    )


def _first_glyph(ink: np.ndarray) -> tuple[int, int, int] | None:
    """Left column, top and bottom row of the leftmost glyph of a line (components at least
    ``GLYPH_HEIGHT`` of the tallest), or None for a line of no ink."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n < 2:
        return None
    comps = stats[1:]
    tall = comps[comps[:, cv2.CC_STAT_HEIGHT] >= GLYPH_HEIGHT * comps[:, cv2.CC_STAT_HEIGHT].max()]
    x, y, _w, h, _area = (int(v) for v in tall[np.argmin(tall[:, cv2.CC_STAT_LEFT])])
    return x, y, y + h


def _text_lines(gray: np.ndarray, ink: np.ndarray) -> list[Crop]:
    """Single-column text outside tables: bands of ink rows, split at wide gaps."""
    w = ink.shape[1]
    gap = int(WORD_GAP * w)
    out = []
    for a, b in line_bands(ink):
        cols = np.flatnonzero(np.count_nonzero(ink[a:b], axis=0))
        if cols.size == 0:
            continue
        start = prev = int(cols[0])
        for x in cols[1:]:
            x = int(x)
            if x - prev > gap:
                out.append(_crop(gray, start, a, prev + 1, b))
                start = x
            prev = x
        out.append(_crop(gray, start, a, prev + 1, b))
    return out


class CellText(NamedTuple):
    """A cell's text as read, and how sure the reading is."""

    text: str
    confidence: float
    candidates: tuple[str, ...] = ()
    """When the reading cannot be settled: every reading the scan allows (``text`` is then
    the first)."""
    doubt: str | None = None
    """Why it cannot be settled (Chinese, for the report's ``uncertain`` list)."""


def clean_cell_text(reads: list[Recognized], sign: SignMark = "none") -> CellText:
    """A cell's lines joined; digits that OCR read as look-alike letters (accented or not)
    put back, stray marks around a number and noise dots among words removed — all with a
    lower confidence. A number's minus sign is settled by the ink left of it (``sign``,
    from ``sign_mark``), not by the recogniser alone: it drops small minus signs and reads
    specks as ones. A cell without ink is an empty cell, read with certainty."""
    if not reads:
        return CellText("", 1.0)
    text = join_cell_lines([despace(" ".join(r.text.split())) for r in reads if r.text.strip()])
    conf = min(r.confidence for r in reads)
    minus = _OCR_MINUS.match(text)
    body, conf = _clean_unsigned(text[minus.end() :] if minus else text, conf)
    read_minus = minus is not None or body.startswith("-")
    body = body.removeprefix("-")
    if re.fullmatch(r"\d+(?:\.\d+)?", body):
        return settle_sign(body, conf, read_minus, sign)
    return CellText(("-" if read_minus else "") + body, conf)


def settle_sign(number: str, conf: float, read_minus: bool, sign: SignMark) -> CellText:
    """A number's sign from what the recogniser read and what the stroke test saw. Only a
    clear stroke makes a minus; a minus read where the ink shows none, or a mark that may be
    a minus or a speck, leaves both readings open: a sign is never guessed."""
    if sign == "dash" or (sign == "joined" and read_minus):
        return CellText("-" + number, conf if read_minus else conf * RESTORED_SIGN_PENALTY)
    if sign == "none" and not read_minus:
        return CellText(number, conf)
    if sign == "unclear":
        why = "数字前的痕迹可能是负号，也可能是扫描污点"
    else:
        why = "识别出负号，但扫描图像中数字前没有负号笔画"
    return CellText(number, conf * OPEN_SIGN_PENALTY, (number, "-" + number), f"{why}：{number} 或 -{number}")


def _clean_unsigned(text: str, conf: float) -> tuple[str, float]:
    """``clean_cell_text`` for a cell's text without a leading minus."""
    if (bare := without_accents(text)) != text and _NUMERIC_ISH.match(bare):
        text = bare  # a speck on a digit reads as an accent on a letter: ó for 0
        conf *= SUBSTITUTION_PENALTY
    if _NUMERIC_ISH.match(text) and any(ch.isdigit() or ch in "OoDQ" for ch in text):
        fixed = text.translate(CONFUSED_DIGITS).replace(" ", "").replace(",", "")
        if fixed != text.replace(" ", "").replace(",", ""):
            conf *= SUBSTITUTION_PENALTY
        if fixed.strip(".") != fixed and fixed.strip("."):
            # no number starts or ends with a point: a speck of noise read as one
            fixed = fixed.strip(".")
            conf *= STRAY_PENALTY
        return fixed, conf
    m = _STRAY.match(text)
    if (
        m
        and any(ch.isdigit() for ch in m.group("num"))
        and not m.group("num").endswith((".", ","))
        and not text.endswith(_UNITS)
    ):
        return m.group("num").translate(CONFUSED_DIGITS), conf * STRAY_PENALTY
    if _CJK.search(text) and (words := drop_noise_dots(text)) != text:
        return words, conf * STRAY_PENALTY
    return text, conf


def without_accents(text: str) -> str:
    """``text`` with the accents taken off its Latin letters (ó → o)."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def drop_noise_dots(text: str) -> str:
    """A cell's words without the dots that are noise (see ``_NOISE_DOT``)."""
    return _NOISE_DOT.sub("", text).strip()


def _grid(
    t: TableLines, reads: list[list[Recognized]], cell_crops: list[list[Crop]], page_no: int, scale: float
) -> Grid:
    rows: list[list[GridCell | None]] = [[None] * t.n_cols for _ in range(t.n_rows)]
    for cb, rd, crops in zip(t.cells, reads, cell_crops, strict=True):
        read = clean_cell_text(rd, crops[0].sign if crops else "none")
        bbox = tuple(round(v * scale, 2) for v in cb.bbox)
        src = Source(page=page_no, row=cb.row, col=cb.col, bbox=bbox)  # type: ignore[arg-type]
        rows[cb.row][cb.col] = GridCell(
            read.text,
            src,
            cb.rowspan,
            cb.colspan,
            confidence=round(read.confidence, 4),
            candidates=read.candidates,
            doubt=read.doubt,
        )
    tb = tuple(round(v * scale, 2) for v in t.bbox)
    return Grid(rows, Source(page=page_no, bbox=tb))  # type: ignore[arg-type]
