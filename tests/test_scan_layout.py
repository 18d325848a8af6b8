"""Layout of a scanned page without OCR: noise specks, lines of text, ruling lines.

The images are drawn here at the OCR resolution (an A4 page 1654 pixels wide, 200 dpi:
2.78 pixels a point), with the sizes the synthetic scans of ``testing.damage.scan`` show."""

from __future__ import annotations

import numpy as np
import pytest

from gongkai.readers.grid_lines import build_tables
from gongkai.readers.raster_grid import PAGE_WIDTH_PT, scan_tolerance, segments
from gongkai.readers.scan import line_bands, speck_mask

WIDTH = 1654
PX_PER_PT = WIDTH / PAGE_WIDTH_PT
GLYPH = 30
"""A CJK glyph of 11 pt body text, in pixels."""


def _text_line(ink: np.ndarray, top: int, height: int = GLYPH, x0: int = 200, n: int = 20) -> None:
    for k in range(n):
        x = x0 + k * (GLYPH + 4)
        ink[top : top + height, x : x + GLYPH] = 255


def test_specks_between_lines_are_noise_and_do_not_join_the_lines() -> None:
    ink = np.zeros((600, WIDTH), np.uint8)
    _text_line(ink, 200)
    _text_line(ink, 264)
    for x, y in ((300, 238), (900, 240), (520, 251), (1200, 253)):
        ink[y : y + 3, x : x + 3] = 255  # a 150 dpi speck read at 200 dpi: 3 × 3 pixels
    noise = speck_mask(ink, PX_PER_PT)
    assert np.count_nonzero(noise) == 4 * 9
    ink[noise > 0] = 0
    assert line_bands(ink) == [(200, 230), (264, 294)]


def test_a_decimal_point_beside_its_digits_is_not_a_speck() -> None:
    ink = np.zeros((100, WIDTH), np.uint8)
    ink[40:58, 300:311] = 255  # a digit of 10.5 pt table text
    ink[54:58, 312:317] = 255  # the point, one pixel from it
    ink[40:58, 318:329] = 255
    ink[54:57, 600:603] = 255  # a speck in the empty part of the cell
    noise = speck_mask(ink, PX_PER_PT)
    assert not noise[54:58, 312:317].any()
    assert noise[54:57, 600:603].all()


@pytest.mark.parametrize(("w", "h"), [(5, 3), (3, 6)])
def test_a_speck_merged_with_the_grain_is_noise(w: int, h: int) -> None:
    """In a wide cell, a speck far from the number stretched its crop over blank grain,
    which the recogniser read as more digits (5 → 5262)."""
    ink = np.zeros((40, WIDTH), np.uint8)
    ink[10:27, 1019:1031] = 255  # the 5
    ink[15 : 15 + h, 1184 : 1184 + w] = 255
    noise = speck_mask(ink, PX_PER_PT)
    assert noise[15 : 15 + h, 1184 : 1184 + w].all()
    assert not noise[10:27, 1019:1031].any()


def test_a_glyph_cut_in_two_is_joined_to_itself_not_to_the_line_above() -> None:
    """A short last line (``告。``) whose glyph has an empty row across it: its two halves
    are each lower than the tallest band of the page (the title), but belong together."""
    ink = np.zeros((600, WIDTH), np.uint8)
    _text_line(ink, 100, height=48)  # title
    _text_line(ink, 200, height=32)
    ink[251:265, 200:230] = 255  # upper half of the glyph, 19 rows under the line above
    ink[267:281, 200:230] = 255  # lower half
    assert line_bands(ink) == [(100, 148), (200, 232), (251, 281)]


def test_a_detached_dot_goes_with_its_line() -> None:
    ink = np.zeros((300, WIDTH), np.uint8)
    ink[100:104, 210:216] = 255  # the dot on top of 文, 主, 六
    _text_line(ink, 106)
    assert line_bands(ink) == [(100, 136)]


def _rules(binary: np.ndarray, ys: list[int], x0: int, x1: int) -> None:
    for y in ys:
        binary[y : y + 2, x0 : x1 + 2] = 255


def test_column_rules_of_a_single_row_are_found() -> None:
    """A table row that is the first on its page, above a full-width caption row: its
    column rules are one row high, shorter than any rule found so far."""
    binary = np.zeros((600, WIDTH), np.uint8)
    x0, x1 = 196, 1458
    _rules(binary, [198, 232, 264, 298], x0, x1)
    for x in (x0, x1):
        binary[198:300, x : x + 2] = 255
    for x in (593, 881, 1169):
        binary[198:234, x : x + 2] = 255  # first row only
        binary[264:300, x : x + 2] = 255  # third row only
    binary[240:264, 700:702] = 255  # a glyph stroke resting on a rule: not a column rule
    hsegs, vsegs, _mask = segments(binary)
    (table,) = build_tables(hsegs, vsegs, scan_tolerance(WIDTH))
    cells_in_row = [sum(1 for c in table.cells if c.row == r) for r in range(table.n_rows)]
    assert cells_in_row == [4, 1, 4]


# --- the sign of a number: the ink left of its first digit --------------------------------------

DIGIT_TOP, DIGIT_HEIGHT = 20, 17
"""A digit of 9 pt table text in a 150 dpi scan read at 200 dpi."""
CELL = (40.0, 8.0, 400.0, 50.0)


def _number_cell(x: int = 300) -> np.ndarray:
    """A grey cell image with the number 11 from column ``x`` (two stems: the shape of the
    digits does not matter here)."""
    gray = np.full((60, 440), 255, np.uint8)
    for k in range(2):
        gray[DIGIT_TOP : DIGIT_TOP + DIGIT_HEIGHT, x + 10 * k : x + 10 * k + 3] = 20
    return gray


def _cell_crops(gray: np.ndarray) -> list:
    from gongkai.readers.raster_grid import binarize
    from gongkai.readers.scan import _cell_lines

    raw = binarize(gray)
    ink = raw.copy()
    ink[speck_mask(raw, PX_PER_PT) > 0] = 0
    return _cell_lines(gray, ink, raw, CELL)


def _minus(gray: np.ndarray, right: int, width: int = 6, level: int = 30) -> None:
    """A minus stroke two pixels thick at the digits' maths axis, ending at column ``right``."""
    y = DIGIT_TOP + 10
    gray[y : y + 2, right - width : right] = level


def test_a_minus_as_small_as_a_speck_is_seen_and_the_recogniser_is_shown_it() -> None:
    """At 150 dpi a minus (6 × 2 pixels, 2.2 pt) is no bigger than a speck: the speck mask
    took it out, the crop began at the first digit and 18 was read for -18."""
    from gongkai.readers.raster_grid import binarize

    gray = _number_cell()
    _minus(gray, 294)
    assert speck_mask(binarize(gray), PX_PER_PT)[DIGIT_TOP + 10, 290]  # the mask alone loses it
    (crop,) = _cell_crops(gray)
    assert crop.sign == "dash"
    assert crop.bbox[0] <= 288  # the stroke is inside the crop


def test_no_mark_left_of_the_number_is_no_sign() -> None:
    (crop,) = _cell_crops(_number_cell())
    assert crop.sign == "none"


def test_a_speck_far_left_of_the_number_is_not_its_sign() -> None:
    """A speck read as ':' far left of 69 was taken for its minus: -69 and a false bad_number."""
    gray = _number_cell()
    gray[DIGIT_TOP + 4 : DIGIT_TOP + 7, 110:117] = 40
    (crop,) = _cell_crops(gray)
    assert crop.sign == "none"


def test_a_clump_of_noise_beside_the_number_leaves_the_sign_open() -> None:
    gray = _number_cell()
    y = DIGIT_TOP + 8
    for dy, x0, x1 in ((0, 289, 292), (1, 291, 296), (2, 289, 290), (2, 294, 296)):  # ragged, not a stroke
        gray[y + dy, x0:x1] = 40
    (crop,) = _cell_crops(gray)
    assert crop.sign == "unclear"


def test_grey_grain_beside_the_number_is_no_sign() -> None:
    gray = _number_cell()
    _minus(gray, 294, level=205)  # lighter than any printed stroke
    (crop,) = _cell_crops(gray)
    assert crop.sign == "none"


def test_a_minus_touching_its_digit_through_grey_antialiasing_is_seen_joined() -> None:
    gray = _number_cell()
    _minus(gray, 298)
    gray[DIGIT_TOP + 10 : DIGIT_TOP + 12, 298:300] = 185  # the light edge between them
    (crop,) = _cell_crops(gray)
    assert crop.sign == "joined"


def test_a_number_against_the_left_edge_of_its_cell_has_no_sign() -> None:
    """Nothing lies left of it: opencv crashed (a segmentation fault) on the empty strip."""
    gray = _number_cell(x=round(CELL[0]) + 3)
    (crop,) = _cell_crops(gray)
    assert crop.sign == "none"


# --- skew of a page without rules ---------------------------------------------------------------


@pytest.mark.parametrize("angle", [-1.2, -0.4, 0.6, 1.5])
def test_the_skew_of_a_page_of_text_without_rules_is_measured_on_its_lines(angle: float) -> None:
    """A page of prose has no rules to fit: it was read unrotated, its skewed lines
    overlapped row by row and pairs of them were read as one line of garbage."""
    import cv2

    from gongkai.readers.raster_grid import text_skew_angle

    ink = np.zeros((2339, WIDTH), np.uint8)
    for k in range(30):
        _text_line(ink, 200 + k * 60, n=36)
    m = cv2.getRotationMatrix2D((WIDTH / 2, 2339 / 2), angle, 1.0)
    skewed = cv2.warpAffine(ink, m, (WIDTH, 2339), flags=cv2.INTER_NEAREST, borderValue=0)
    assert text_skew_angle(skewed) == pytest.approx(-angle, abs=0.05)


def test_a_blank_page_is_not_rotated() -> None:
    from gongkai.readers.raster_grid import text_skew_angle

    assert text_skew_angle(np.zeros((2339, WIDTH), np.uint8)) == 0.0
