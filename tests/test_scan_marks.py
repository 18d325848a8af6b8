"""A lone stroke in a scanned cell: a blank marker (``/``, ``-``) or a one. Strokes are drawn at
the size a 9 pt digit has in a 150 dpi scan read at 200 dpi (17 pixels high)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from gongkai.readers.ocr import Recognized
from gongkai.readers.scan import clean_cell_text
from gongkai.readers.scan_marks import lone_mark

HEIGHT = 17


def _ink(*strokes: tuple[tuple[int, int], tuple[int, int]], thickness: int = 2) -> np.ndarray:
    ink = np.zeros((HEIGHT + 6, 40), np.uint8)
    for a, b in strokes:
        cv2.line(ink, a, b, 255, thickness)
    return ink


def test_a_leaning_stroke_is_a_slash() -> None:
    assert lone_mark(_ink(((24, 3), (17, 3 + HEIGHT)))) == "slash"


def test_a_flat_stroke_among_specks_is_a_dash() -> None:
    """A 9 pt hyphen is 8 × 3 pixels; a noisy scan leaves specks of a pixel or two around it."""
    ink = _ink(((16, 12), (23, 12)), thickness=3)
    for x, y in ((3, 2), (30, 5), (35, 18)):
        ink[y, x] = 255
    assert lone_mark(ink) == "dash"


def test_a_digit_with_a_speck_is_no_lone_mark() -> None:
    ink = _ink(((20, 3), (20, 3 + HEIGHT)), ((20, 3), (16, 7)))
    ink[12, 30] = 255
    assert lone_mark(ink) is None


def test_a_one_with_its_flag_and_foot_is_not_a_slash() -> None:
    stem = ((20, 3), (20, 3 + HEIGHT))
    flag = ((20, 3), (16, 7))
    foot = ((16, 3 + HEIGHT), (24, 3 + HEIGHT))
    assert not lone_mark(_ink(stem))
    assert not lone_mark(_ink(stem, flag))
    assert not lone_mark(_ink(stem, flag, foot))


def test_a_seven_is_not_a_slash() -> None:
    assert not lone_mark(_ink(((12, 3), (24, 3)), ((24, 3), (17, 3 + HEIGHT))))


def test_two_strokes_are_not_a_slash() -> None:
    assert not lone_mark(_ink(((14, 3), (8, 3 + HEIGHT)), ((30, 3), (24, 3 + HEIGHT))))


def test_no_ink_is_not_a_slash() -> None:
    assert not lone_mark(np.zeros((HEIGHT, 40), np.uint8))


@pytest.mark.parametrize("read", ["1", "l", "|", "/"])
def test_a_slash_read_as_a_one_is_the_blank_marker(read: str) -> None:
    assert clean_cell_text([Recognized(read, 0.6)], lone="slash").text == "/"


@pytest.mark.parametrize("read", ["1", "-", "一"])
def test_a_dash_read_as_a_one_is_the_blank_marker(read: str) -> None:
    assert clean_cell_text([Recognized(read, 0.33)], lone="dash").text == "-"


@pytest.mark.parametrize("read", ["1", "11", "7"])
def test_without_a_lone_stroke_a_one_stays_a_number(read: str) -> None:
    assert clean_cell_text([Recognized(read, 0.95)]).text == read


@pytest.mark.parametrize("read", ["11", "17", "增1"])
def test_more_than_one_character_is_never_a_lone_marker(read: str) -> None:
    assert clean_cell_text([Recognized(read, 0.95)], lone="slash").text == read
