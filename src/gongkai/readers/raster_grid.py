"""Ruling lines of tables in a page image (opencv morphology), after deskewing the page.

A scan is binarised, long thin horizontal and vertical runs are kept by opening with long
line-shaped kernels, and each remaining stroke becomes a segment for ``grid_lines``.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from gongkai.readers.grid_lines import HSeg, Tolerance, VSeg

H_KERNEL_FRACTION = 1 / 30
"""Horizontal rules are at least this fraction of the page width (glyph strokes are shorter)."""
MIN_RULE_PT = 20.0
"""Rules are at least this long (points, for an A4-wide page): longer than any glyph
stroke of body or table text, shorter than a rule spanning two table rows."""
PAGE_WIDTH_PT = 595.0
H_RULE_FACTOR = 1.5
"""Horizontal strokes of neighbouring glyphs line up into longer runs than vertical ones."""
MAX_SKEW_DEG = 3.0
MIN_SKEW_DEG = 0.05
"""Below this the page is left as it is."""
SKEW_LINE_FRACTION = 0.25
"""Lines used to measure the skew are at least this fraction of the page width."""
PROFILE_WIDTH = 800
"""A page without rules is shrunk to this width to measure the skew of its text lines."""
PROFILE_STEP_DEG = 0.1
PROFILE_FINE_STEP_DEG = 0.02
"""Angles tried for the text lines: a coarse sweep, then a finer one around the best."""
PROFILE_MIN_GAIN = 0.02
"""A rotation must sharpen the profile by this share to count (a blank page stays as is)."""
INK_THRESHOLD = 160
GLYPH_PT = 14.0
"""Connected ink smaller than this (points) both ways is a glyph or a speck."""
RULE_BLOCK = 15
RULE_CONTRAST = 12
"""Adaptive threshold: darker than the 15×15 neighbourhood mean by this many grey levels."""
H_GAP = 5
V_GAP = 5
"""Breaks in a scanned rule up to this many pixels are closed before the opening."""
"""Grey level under which a pixel is ink (scans are grey, white paper around 230–255)."""
SCAN_COVER = 0.6
"""A scanned rule must run along most of a cell side; glyph strokes that survive the
opening are shorter than a row."""
THICK_RULE = 0.02
"""A stroke thicker than this fraction of the page side is a filled area, not a rule."""
CELL_RULE_PT = 8.0
"""A column rule only one table row high (the first row after a page break, the row above
a full-width caption row) is shorter than ``MIN_RULE_PT``: strokes from this length (points)
count as rules when both their ends join a row rule."""
RULE_JOIN_PT = 1.5
"""How close (points) the end of such a stroke lies to the row rule it joins."""


def scan_tolerance(width: int) -> Tolerance:
    """Tolerances in pixels for a page ``width`` pixels wide (about 4 pt and 6 pt)."""
    unit = width / 595.0
    return Tolerance(snap=max(3.0, 4 * unit), touch=max(4.0, 6 * unit), cover=SCAN_COVER)


def components(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """``cv2.connectedComponentsWithStats`` (8-connected): the count, the labels and the
    stats. Labels are 16-bit where a page has fewer than 65,536 components (OpenCV's stats
    pass then takes 9 ms on an A4 page at 200 dpi against 21 ms with 32-bit labels; the labels
    are the same numbers), else 32-bit: OpenCV refuses the overflow rather than wrap."""
    try:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8, ltype=cv2.CV_16U)
    except cv2.error:
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8, ltype=cv2.CV_32S)
    return n, labels, stats


def painted(chosen: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """A mask (255) of the pixels whose component ``chosen`` marks (a flag per label): one
    look-up per pixel in a table of 0 and 255."""
    return np.where(chosen, 255, 0).astype(np.uint8)[labels]


def local_ink(gray: np.ndarray) -> np.ndarray:
    """Ink = 255 where a pixel is darker than its neighbourhood's mean: the part of
    ``binarize`` that ``rule_ink`` starts from too (a page computes it once for both)."""
    return cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, RULE_BLOCK, RULE_CONTRAST
    )


def binarize(gray: np.ndarray, local: np.ndarray | None = None) -> np.ndarray:
    """Ink = 255: darker than the local mean (faint, blurred strokes of a 150 dpi scan) or
    plainly dark (the inside of thick strokes, which a local threshold hollows out).
    ``local``: ``local_ink(gray)``, when already computed."""
    _, dark = cv2.threshold(gray, INK_THRESHOLD, 255, cv2.THRESH_BINARY_INV)
    return cv2.bitwise_or(local_ink(gray) if local is None else local, dark)


def skew_angle(binary: np.ndarray) -> float:
    """The page's rotation in degrees, fitted through its long near-horizontal strokes
    (table rules, underlines); on a page without any, the angle that levels its text lines
    (``text_skew_angle``)."""
    w = binary.shape[1]
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(8, int(w * H_KERNEL_FRACTION)), 1))
    horiz = cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)
    n, labels, stats = components(horiz)
    angles: list[float] = []
    weights: list[float] = []
    for i in range(1, n):
        x, y, bw, bh, _area = stats[i]
        if bw < SKEW_LINE_FRACTION * w:
            continue
        ys, xs = np.nonzero(labels[y : y + bh, x : x + bw] == i)
        vx, vy, _, _ = cv2.fitLine(np.column_stack([xs, ys]).astype(np.float32), cv2.DIST_L2, 0, 0.01, 0.01).ravel()
        a = math.degrees(math.atan2(float(vy), float(vx)))
        a = (a + 90) % 180 - 90
        if abs(a) <= MAX_SKEW_DEG:
            angles.append(a)
            weights.append(float(bw))
    if not angles:
        return text_skew_angle(binary)
    order = np.argsort(angles)
    cum = np.cumsum(np.asarray(weights)[order])
    return float(np.asarray(angles)[order][np.searchsorted(cum, cum[-1] / 2)])


def text_skew_angle(binary: np.ndarray) -> float:
    """The rotation (degrees, as ``skew_angle``) that makes the text lines level: the one
    whose profile of ink per row is sharpest, lines and the gaps between them apart. Left
    skewed, lines overlap row by row and two of them are read as one."""
    h, w = binary.shape
    f = min(1.0, PROFILE_WIDTH / w)
    small = cv2.resize(binary, (max(1, round(w * f)), max(1, round(h * f))), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape
    centre = (sw / 2, sh / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rotated = cv2.warpAffine(small, m, (sw, sh), flags=cv2.INTER_NEAREST, borderValue=0)
        profile = rotated.sum(axis=1, dtype=np.float64)
        return float(np.sum(np.diff(profile) ** 2))

    level = sharpness(0.0)
    coarse = np.arange(-MAX_SKEW_DEG, MAX_SKEW_DEG + PROFILE_STEP_DEG / 2, PROFILE_STEP_DEG)
    best = float(max(coarse, key=sharpness))
    fine = np.arange(
        best - PROFILE_STEP_DEG, best + PROFILE_STEP_DEG + PROFILE_FINE_STEP_DEG / 2, PROFILE_FINE_STEP_DEG
    )
    best = float(max(fine, key=sharpness))
    return best if sharpness(best) > level * (1 + PROFILE_MIN_GAIN) else 0.0


def deskew(gray: np.ndarray) -> np.ndarray:
    angle = skew_angle(binarize(gray))
    if abs(angle) < MIN_SKEW_DEG:
        return gray
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)


def rule_masks(binary: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    w = binary.shape[1]
    rule = MIN_RULE_PT * w / PAGE_WIDTH_PT
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (max(8, int(w * H_KERNEL_FRACTION), int(rule * H_RULE_FACTOR)), 1))
    vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(8, int(rule))))
    # close tiny gaps from noise before opening so a broken rule stays one stroke
    # close small breaks in rules first; across a line only (glyphs sit side by side, so a
    # wide horizontal closing would join their strokes into false rules)
    horiz = cv2.morphologyEx(
        cv2.morphologyEx(binary, cv2.MORPH_CLOSE, np.ones((1, H_GAP), np.uint8)), cv2.MORPH_OPEN, hk
    )
    vert = cv2.morphologyEx(
        cv2.morphologyEx(binary, cv2.MORPH_CLOSE, np.ones((V_GAP, 1), np.uint8)), cv2.MORPH_OPEN, vk
    )
    return horiz, vert


def rule_ink(gray: np.ndarray, local: np.ndarray | None = None) -> np.ndarray:
    """Ink for finding rules: a thin rule that fell between pixel columns is light grey in
    a scan, so the threshold is more lenient than for text. ``local``: ``local_ink(gray)``,
    when already computed (left as it is)."""
    ink = local_ink(gray) if local is None else local.copy()
    # glyphs are separate small components; erasing them keeps their strokes from joining
    # a rule (a stroke just above a rule would otherwise extend it into the cell above)
    glyph = GLYPH_PT * gray.shape[1] / PAGE_WIDTH_PT
    _, labels, stats = components(ink)
    small = (stats[:, cv2.CC_STAT_WIDTH] < glyph) & (stats[:, cv2.CC_STAT_HEIGHT] < glyph)
    small[0] = False
    ink[small[labels]] = 0
    return ink


def segments(binary: np.ndarray) -> tuple[list[HSeg], list[VSeg], np.ndarray]:
    """Rule segments of a binarised page (``rule_ink``), and the mask of rule pixels."""
    horiz, vert = rule_masks(binary)
    h, w = binary.shape
    hsegs: list[HSeg] = []
    n, _, stats = components(horiz)
    for i in range(1, n):
        x, y, bw, bh, _area = stats[i]
        if bh <= THICK_RULE * h:
            hsegs.append(HSeg(y + bh / 2, float(x), float(x + bw)))
    vsegs: list[VSeg] = []
    n, _, stats = components(vert)
    for i in range(1, n):
        x, y, bw, bh, _area = stats[i]
        if bw <= THICK_RULE * w:
            vsegs.append(VSeg(x + bw / 2, float(y), float(y + bh)))
    short, short_mask = cell_high_rules(binary, hsegs)
    return hsegs, vsegs + short, cv2.bitwise_or(cv2.bitwise_or(horiz, vert), short_mask)


def cell_high_rules(binary: np.ndarray, hsegs: list[HSeg]) -> tuple[list[VSeg], np.ndarray]:
    """Vertical strokes shorter than ``MIN_RULE_PT`` that run from one row rule to another:
    the column rules of a table row that no other row continues. A glyph stroke that
    survived ``rule_ink`` does not reach two rules."""
    w = binary.shape[1]
    unit = w / PAGE_WIDTH_PT
    long_rule = max(8, int(MIN_RULE_PT * unit))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(2, int(CELL_RULE_PT * unit))))
    strokes = cv2.morphologyEx(
        cv2.morphologyEx(binary, cv2.MORPH_CLOSE, np.ones((V_GAP, 1), np.uint8)), cv2.MORPH_OPEN, kernel
    )
    reach = RULE_JOIN_PT * unit
    n, labels, stats = components(strokes)
    keep = np.zeros(n, bool)
    out: list[VSeg] = []
    for i in range(1, n):
        x, y, bw, bh, _area = stats[i]
        seg = VSeg(x + bw / 2, float(y), float(y + bh))
        if (
            bh < long_rule
            and bw <= THICK_RULE * w
            and _joins_rule(hsegs, seg.x, seg.y0, reach)
            and _joins_rule(hsegs, seg.x, seg.y1, reach)
        ):
            keep[i] = True
            out.append(seg)
    return out, painted(keep, labels)


def _joins_rule(hsegs: list[HSeg], x: float, y: float, reach: float) -> bool:
    """Does a horizontal rule pass through (x, y), give or take ``reach``?"""
    return any(abs(s.y - y) <= reach and s.x0 - reach <= x <= s.x1 + reach for s in hsegs)
