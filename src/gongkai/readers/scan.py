"""A page image → text lines and grids: deskew, rebuild the table grid from its ruling
lines, cut every cell and every text line into single-line crops, recognise the crops.

Coordinates: pixels of the (deskewed) image; ``scale`` converts them to the unit stored in
``Source.bbox`` (points for a rendered PDF page, 1.0 for an image file).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

import cv2
import numpy as np

from gongkai.model.report import Source
from gongkai.model.template import MEASURE_WORDS, PERCENT
from gongkai.model.text import despace
from gongkai.readers.document import Block, Grid, GridCell, TextLine
from gongkai.readers.grid_lines import TableLines, build_tables
from gongkai.readers.layout import Line, is_page_furniture, join_cell_lines
from gongkai.readers.ocr import Recognized, recognize
from gongkai.readers.raster_grid import (
    PAGE_WIDTH_PT,
    binarize,
    components,
    deskew,
    local_ink,
    painted,
    rule_ink,
    scan_tolerance,
    segments,
)
from gongkai.readers.scan_marks import LoneMark, SignMark, lone_mark, sign_mark

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
_UNITS = (*MEASURE_WORDS, PERCENT)
_STRAY = re.compile(r"^[^\d\s\-增减+]{0,2}\s*(?P<num>-?[0-9OoIl|][0-9OoIl|.,]*)\s*[^\d\s]{0,2}$")
_ONE_LIKE = frozenset({"l", "I", "|", "/", "丨", "-", "一", "—"})
"""What the recogniser writes (besides digits) for a lone stroke."""
_LONE_TEXT: dict[LoneMark, str] = {"slash": "/", "dash": "-"}
_CJK = re.compile(r"[\u3400-\u9fff]")
_OCR_MINUS = re.compile(r"^[-−–—－一]\s*(?=[0-9OoDQIl|])")
"""A minus as the recogniser writes it before a number (a hyphen, a dash, 一)."""
_NOISE_DOT = re.compile(r"(?<![0-9])[.·•・﹒]+")
"""In words a dot follows an item number (``1.属于国家秘密``) and nowhere else: other dots
are specks of noise the recogniser read (``(一)·予以公开``, ``规范性文件.``)."""


@dataclass
class Crop:
    image: np.ndarray
    bbox: tuple[int, int, int, int]
    sign: SignMark = "none"
    """What stands left of the line's first glyph (see ``sign_mark``; a cell's first line only)."""
    lone: LoneMark | None = None
    """The line is one stroke that is a blank marker (see ``lone_mark``; a cell of one line only)."""


def image_blocks(gray: np.ndarray, page_no: int, scale: float = 1.0) -> list[Block]:
    gray = deskew(gray)
    local = local_ink(gray)
    binary = binarize(gray, local)
    hsegs, vsegs, rules = segments(rule_ink(gray, local))
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
    _, labels, stats = components(ink)
    side = SPECK_PT * px_per_pt
    small = (stats[:, cv2.CC_STAT_WIDTH] <= side) & (stats[:, cv2.CC_STAT_HEIGHT] <= side)
    small[0] = False
    in_small = small[labels]
    marks = ((labels != 0) & ~in_small).view(np.uint8) * np.uint8(255)
    reach = max(1, round(SPECK_CLEARANCE_PT * px_per_pt))
    near = cv2.dilate(marks, np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)) > 0
    noise = small.copy()
    noise[np.unique(labels[near & in_small])] = False
    noise |= stats[:, cv2.CC_STAT_AREA] < SPECK_AREA
    noise[0] = False
    return painted(noise, labels)


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
    out: list[Crop] = []
    bands = line_bands(sub)
    for a, b in bands:
        cols = np.flatnonzero(np.count_nonzero(sub[a:b], axis=0))
        if cols.size == 0:
            continue
        left = int(cols[0])
        sign: SignMark = "none"
        if not out:  # a number's sign is read on the cell's first line only
            sign, mark_left = sign_mark(gray[y0 + a : y0 + b, x0:x1], raw[y0 + a : y0 + b, x0:x1], sub[a:b])
            if sign == "dash":
                left = min(left, mark_left)  # the recogniser sees the stroke the test saw
        crop = _crop(gray, x0 + left, y0 + a, x0 + int(cols[-1]) + 1, y0 + b)
        crop.sign = sign
        out.append(crop)
    if len(out) == 1 and len(bands) == 1:  # a blank marker is a cell's only mark
        a, b = bands[0]
        out[0].lone = lone_mark(sub[a:b])
    return out


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


def clean_cell_text(reads: list[Recognized], sign: SignMark = "none", lone: LoneMark | None = None) -> CellText:
    """A cell's lines joined; digits that OCR read as look-alike letters (accented or not)
    put back, stray marks around a number and noise dots among words removed — all with a
    lower confidence. A number's minus sign is settled by the ink left of it (``sign``,
    from ``sign_mark``), not by the recogniser alone: it drops small minus signs and reads
    specks as ones. A cell whose only mark is a slash or a dash (``lone``, from
    ``lone_mark``) and that was read as a single digit is that blank marker. A cell without
    ink is an empty cell, read with certainty."""
    if not reads:
        return CellText("", 1.0)
    text = join_cell_lines([despace(" ".join(r.text.split())) for r in reads if r.text.strip()])
    conf = min(r.confidence for r in reads)
    if lone is not None and len(text) == 1 and (text in _ONE_LIKE or text.isdigit()):
        return CellText(_LONE_TEXT[lone], conf)
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
        read = clean_cell_text(rd, crops[0].sign if crops else "none", crops[0].lone if len(crops) == 1 else None)
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
