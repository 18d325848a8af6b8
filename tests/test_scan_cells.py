"""How a table cell's OCR text is cleaned (no OCR run here: the recogniser's output is given)."""

from __future__ import annotations

import pytest

from gongkai.readers.ocr import Recognized
from gongkai.readers.scan import clean_cell_text


def _clean(*texts: str, conf: float = 0.99, dash: bool = False) -> tuple[str, float]:
    return clean_cell_text([Recognized(t, conf) for t in texts], dash)


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
    assert _clean("7", dash=True)[0] == "-7"
    assert _clean("7")[0] == "7"


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
