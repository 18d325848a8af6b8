"""The compare page's section diff: the runs give back each text, shared runs are in both texts,
and a passage both share is found whether or not it lies on sentence ends."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.analysis.compare import MIN_SHARED_CHARS, shared_blocks, text_diff

SENTENCE = st.text(alphabet="公开申请政府信息年度工作本机关办理。；\n", min_size=0, max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.lists(SENTENCE, max_size=8), st.lists(SENTENCE, max_size=8))
def test_runs_give_back_each_text_and_shared_runs_are_in_both(xs: list[str], ys: list[str]) -> None:
    old, new = "".join(xs), "".join(ys)
    ra, rb = text_diff(old, new)
    assert "".join(t for _, t in ra) == old
    assert "".join(t for _, t in rb) == new
    shared_a = [t for s, t in ra if s]
    shared_b = [t for s, t in rb if s]
    assert shared_a == shared_b  # the same passages, in the same order
    assert all(len(t) >= MIN_SHARED_CHARS for t in shared_a)


@settings(max_examples=200, deadline=None)
@given(SENTENCE, SENTENCE, st.text(alphabet="甲乙丙丁戊己庚辛", min_size=MIN_SHARED_CHARS, max_size=30))
def test_a_passage_both_share_is_found_inside_rewritten_sentences(pre: str, post: str, passage: str) -> None:
    old = "第一句不同的话" + passage + "结尾一"
    new = pre + "另一个开头" + passage + "结尾二" + post
    blocks = shared_blocks(old, new)
    assert any(n >= len(passage) and passage in old[x : x + n] for x, _, n in blocks)


def test_identical_texts_are_one_shared_run() -> None:
    text = "本机关认真贯彻落实《条例》。全年共收到申请12件；均已按时答复。\n二、主动公开政府信息情况。"
    ra, rb = text_diff(text, text)
    assert ra == rb == [(True, text)]


def test_nothing_shared() -> None:
    ra, rb = text_diff("甲乙丙丁。", "戊己庚辛。")
    assert ra == [(False, "甲乙丙丁。")] and rb == [(False, "戊己庚辛。")]
