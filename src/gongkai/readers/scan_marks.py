"""The shape of ink marks in a scanned cell: whether a number has a minus sign before it,
whether a lone stroke is a slash (a blank marker) rather than a one. The recogniser is unsure
of both: it drops small minus signs, reads specks as signs and ``/`` as ``1``; these tests
measure the ink instead.

Measures are in digit heights (the height of the line's tallest glyph), so they hold at any
resolution."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

from gongkai.readers.raster_grid import INK_THRESHOLD

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


LoneMark = Literal["slash", "dash"]
"""A blank marker drawn as one stroke: ``/`` or a dash (``-``, ``—``, ``一``)."""

LONE_SHARE = 0.3
"""Marks with less ink than this share of a line's largest are specks beside it."""
SLASH_SLANT = 0.15
"""A slash leans: going down, its rows' middles move left by at least this many pixels per
row (a one stands upright, or its flag pulls its top to the left)."""
SLASH_MIN_WIDTH = 0.25
"""…and it spans at least this share of its height across (a one's stem does not)."""
SLASH_MAX_RUN = 0.4
"""…and every row of it is a thin run of ink, at most this share of its height."""
FLAT_ASPECT = 2.0
FLAT_FILL = 0.6
"""A dash is at least this many times as wide as it is high, and a solid stroke: no digit
is."""


def lone_mark(ink: np.ndarray) -> LoneMark | None:
    """The blank marker this line of a cell is, when its only mark (beside specks) is one
    leaning stroke (a slash) or one flat stroke (a dash); None otherwise. The recogniser,
    unsure of a lone stroke, reads either as a 1."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n < 2:
        return None
    areas = stats[1:, cv2.CC_STAT_AREA]
    big = np.flatnonzero(areas >= LONE_SHARE * areas.max())
    if big.size != 1:
        return None  # several glyphs
    i = int(big[0]) + 1
    x, y, w, h, area = (int(v) for v in stats[i])
    if w >= FLAT_ASPECT * h and area >= FLAT_FILL * w * h:
        return "dash"
    if h < 2 or w < SLASH_MIN_WIDTH * h:
        return None
    pixels = labels[y : y + h, x : x + w] == i
    runs = pixels.sum(axis=1)
    rows = np.flatnonzero(runs)
    middles = (pixels * np.arange(w)).sum(axis=1)[rows] / runs[rows]
    slope = float(np.polyfit(rows, middles, 1)[0])
    return "slash" if slope <= -SLASH_SLANT and int(runs.max()) <= SLASH_MAX_RUN * h else None
