"""How a table cell's OCR text is cleaned (no OCR run here: the recogniser's output is given)."""

from __future__ import annotations

import pytest

from gongkai.checks.common import LOW_CONFIDENCE
from gongkai.readers.ocr import Recognized
from gongkai.readers.scan import CellText, SignMark, clean_cell_text


def _read(*texts: str, conf: float = 0.99, sign: SignMark = "none") -> CellText:
    return clean_cell_text([Recognized(t, conf) for t in texts], sign)


def _clean(*texts: str, conf: float = 0.99, sign: SignMark = "none") -> tuple[str, float]:
    read = _read(*texts, conf=conf, sign=sign)
    assert not read.candidates
    return read.text, read.confidence


@pytest.mark.parametrize("text", ["减2", "减 2", "增46", "+3"])
def test_increase_and_decrease_words_are_the_sign_not_stray_marks(text: str) -> None:
    out, conf = _clean(text)
    assert out.replace(" ", "") == text.replace(" ", "")
    assert conf == pytest.approx(0.99)


def test_a_speck_read_as_a_point_is_dropped_with_lower_confidence() -> None:
    out, conf = _clean(".5")
    assert out == "5" and conf < 0.99
    assert _clean("0.5") == ("0.5", pytest.approx(0.99))


def test_look_alike_letters_become_digits_with_lower_confidence() -> None:
    out, conf = _clean("1O")
    assert out == "10" and conf < 0.99


def test_a_dropped_minus_is_restored_when_the_stroke_was_seen() -> None:
    text, conf = _clean("7", sign="dash")
    assert text == "-7" and LOW_CONFIDENCE <= conf < 0.99
    assert _clean("7")[0] == "7"


def test_a_minus_read_and_seen_is_a_minus_at_full_confidence() -> None:
    # a recognised "-7" used to pass as a number with stray marks (half the confidence)
    assert _clean("-7", sign="dash") == ("-7", pytest.approx(0.99))
    assert _clean("－7", sign="dash") == ("-7", pytest.approx(0.99))


@pytest.mark.parametrize(
    ("texts", "sign"),
    [
        (("-69",), "none"),  # the recogniser's minus, with no stroke in the ink
        (("-69",), "unclear"),
        (("69",), "unclear"),  # a mark left of the digits that is not clearly a minus
        (("一69",), "none"),
    ],
)
def test_a_sign_the_scan_does_not_clearly_show_is_left_open(texts: tuple[str, ...], sign: SignMark) -> None:
    read = _read(*texts, sign=sign)
    assert read.candidates == ("69", "-69")
    assert read.doubt and "69" in read.doubt
    assert read.confidence < LOW_CONFIDENCE


def test_a_speck_far_from_the_number_is_not_its_sign() -> None:
    text, conf = _clean(":69")
    assert text == "69" and conf < LOW_CONFIDENCE


@pytest.mark.parametrize("text", ["减2", "增46", "+3", "-", "—"])
def test_sign_words_and_blank_dashes_need_no_stroke(text: str) -> None:
    assert _clean(text, sign="unclear")[0] == text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("(一)·予以公开", "(一)予以公开"),
        ("规范性文件.", "规范性文件"),
        (".信息内容", "信息内容"),
        ("行政许可•", "行政许可"),
    ],
)
def test_noise_dots_among_words_are_dropped_with_lower_confidence(text: str, words: str) -> None:
    out, conf = _clean(text)
    assert out == words and conf < 0.99


@pytest.mark.parametrize("text", ["1.属于国家秘密", "2.其他法律行政法规禁止公开", "约0.5万元", "第二十条第(一)项"])
def test_dots_of_item_numbers_and_amounts_are_kept(text: str) -> None:
    assert _clean(text) == (text, pytest.approx(0.99))


@pytest.mark.parametrize(("text", "number"), [("Q", "0"), ("ó", "0"), ("1ó", "10"), ("Ö", "0")])
def test_a_speck_on_a_zero_read_as_a_tail_or_an_accent_is_a_zero_with_lower_confidence(text: str, number: str) -> None:
    out, conf = _clean(text)
    assert out == number and conf < 0.99


def test_accents_are_kept_off_numbers_only() -> None:
    assert _clean("é") == ("é", pytest.approx(0.99))


def test_a_line_of_words_is_given_to_the_recogniser_squeezed_a_number_cell_as_it_is() -> None:
    import numpy as np

    from gongkai.readers.ocr import WIDE_ASPECT, WIDE_SQUEEZE, _prepared

    line = np.zeros((30, int(30 * WIDE_ASPECT) + 60), np.uint8)
    cell = np.zeros((30, int(30 * WIDE_ASPECT)), np.uint8)
    assert _prepared(line).shape == (30, round(line.shape[1] * WIDE_SQUEEZE), 3)
    assert _prepared(cell).shape == (30, cell.shape[1], 3)
