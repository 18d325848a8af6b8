"""Row labels found with typos or garbled by OCR, only between the rows found around them."""

from __future__ import annotations

import pytest

from gongkai.model.template import TEMPLATES
from gongkai.model.text import fold
from gongkai.parse.labels import fuzzy_row

TABLE3 = TEMPLATES["v2021"].table("applications")

GARBLED = fold("予以公开0000000形,部分公(分处理的,只计这一情0000000(三)不予公开1.属于国家秘密0000000")
"""A scanned two-line cell: the recogniser read its second line's first character in front
of the first line, and lost 开 and 区 (and the numbering)."""


def test_a_label_the_recogniser_garbled_is_found_between_its_neighbours() -> None:
    start, end = len("予以公开"), GARBLED.find("1.属于")
    m = fuzzy_row(GARBLED, TABLE3.row("partly_disclosed"), start, end)
    assert m is not None and not m.exact
    assert GARBLED[m.start : m.end] == "部分公(分处理的,只计这一情"
    assert GARBLED[m.end : m.end + 7] == "0000000"


@pytest.mark.parametrize(
    "words",
    [
        "(三)不予公开",  # another row's words
        "区分处理的其他情况说明",  # shares characters, but most of the text is not the label's
        "部分公开",  # too little of the label
    ],
)
def test_text_that_is_not_mostly_the_label_is_not_taken_for_it(words: str) -> None:
    text = fold(f"予以公开0000000{words}0000000属于国家秘密0000000")
    start, end = len("予以公开"), text.find("属于国家秘密")
    assert fuzzy_row(text, TABLE3.row("partly_disclosed"), start, end) is None


def test_a_label_in_its_traditional_spelling_is_the_row_exactly() -> None:
    """``反覆``: the traditional spelling of 反复, which simplification keeps (覆 is also a
    simplified character): a declared variant, so the row is found exactly."""
    from gongkai.model.text import to_simplified
    from gongkai.parse.labels import find_row

    text = fold(to_simplified("3.要求提供公開出版物0000000 4.無正當理由大量反覆申請0000000 5.要求"))
    m = find_row(text, TABLE3.row("not_processed_excessive"), 0, len(text))
    assert m is not None and m.exact
    assert text[m.end : m.end + 7] == "0000000"
