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
