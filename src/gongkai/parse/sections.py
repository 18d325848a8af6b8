"""The six sections: find their headings in order, however numbered or run into the text."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache

from gongkai.model.template import HEADING_ENDINGS, SECTIONS, SectionSpec
from gongkai.model.text import chinese_number
from gongkai.parse.labels import HEADING_SIMILARITY, heading_candidates, heading_chars, match_heading
from gongkai.parse.stream import Stream

UNNUMBERED_SIMILARITY = 0.95
"""A heading without numbering must match a title almost exactly (and start a line)."""


@dataclass(frozen=True)
class SectionHit:
    key: str
    start: int
    """Folded position of the heading (numbering included)."""
    end: int
    """Folded position just after the heading."""
    numbering: str
    heading: str
    """The heading as written (folded)."""
    score: float


def line_starts(stream: Stream) -> set[int]:
    # ``stream.to_folded`` of each line's start, its bisection made here (a call less a line)
    index = stream.index
    out = {bisect.bisect_left(index, m.end()) for m in re.finditer("\n", stream.text)}
    out.add(0)
    return out


def find_sections(stream: Stream) -> dict[str, SectionHit]:
    folded = stream.folded
    starts = line_starts(stream)
    ordered_starts = sorted(starts)
    cands = heading_candidates(folded, starts)
    cand_starts = [c[0] for c in cands]
    found: dict[str, SectionHit] = {}
    pos = 0
    for spec in SECTIONS:
        hit: SectionHit | None = None
        chars = heading_chars(spec)
        # the candidates from ``pos`` on (they are in order of their start)
        for start, title_start, numbering, glued in cands[bisect.bisect_left(cand_starts, pos) :]:
            if hit is not None and start >= hit.end:
                break
            # a numbered heading may be worded loosely, if its number is the section's (``2、主动公开…``
            # is 二); under another number it is a part of a section (``1.主动公开方面`` in 一) unless
            # it is the title itself
            loose = numbering and not glued and _number(numbering) == _number(spec.number)
            need = HEADING_SIMILARITY if loose else UNNUMBERED_SIMILARITY
            head = folded[title_start : title_start + 2]
            if head and head[0] not in chars and head[1:2] not in chars:
                score, end = 0.0, title_start  # match_heading's answer (most places): no call made
            else:
                # a score below ``need`` is no hit whatever it is: those windows need not be compared
                score, end = match_heading(folded, title_start, spec, need)
            if score < need:
                kw_end = None
                if loose:
                    line_end = _line_end(ordered_starts, title_start, len(folded))
                    kw_end = keyword_heading(folded, title_start, spec, line_end)
                if kw_end is None:
                    continue
                score, end = KEYWORD_SCORE, kw_end
            cand = SectionHit(spec.key, start, end, numbering, folded[start:end], score)
            # among overlapping candidates (``1.6三、收到…``) keep the best, the right numeral first
            if hit is None or _rank(cand, spec.number) > _rank(hit, spec.number):
                hit = cand
        if hit is not None and hit.numbering and _number(hit.numbering) not in (None, _number(spec.number)):
            # the section's title under another number (``1.主动公开情况`` inside 一, a real page):
            # a part of the section before, when the section's own number heads the title later
            hit = _under_its_number(folded, cands, cand_starts, hit, spec) or hit
        if hit is not None:
            found[spec.key] = hit
            pos = hit.end
    for i, spec in enumerate(SECTIONS):
        if spec.key in found or not spec.opened_by_subheading:
            continue
        # between the nearest sections found before and after it (or the end of the text)
        before = next((found[x.key] for x in reversed(SECTIONS[:i]) if x.key in found), None)
        after = next((found[x.key].start for x in SECTIONS[i + 1 :] if x.key in found), len(folded))
        if before is not None:
            headless = _opened_by_subheading(folded, ordered_starts, spec, before.end, after)
            if headless is not None:
                found[spec.key] = headless
    return found


def _under_its_number(
    folded: str, cands: list[tuple[int, int, str, bool]], cand_starts: list[int], hit: SectionHit, spec: SectionSpec
) -> SectionHit | None:
    """A later heading of the section under its own number, worded as one of its titles."""
    for start, title_start, numbering, glued in cands[bisect.bisect_left(cand_starts, hit.end) :]:
        if glued or not numbering or _number(numbering) != _number(spec.number):
            continue
        score, end = match_heading(folded, title_start, spec)
        if score >= HEADING_SIMILARITY:
            return SectionHit(spec.key, start, end, numbering, folded[start:end], score)
    return None


SUBHEADING_SCORE = 0.3
"""Score of a section found by its first sub-heading, its own heading lost."""
_FIRST_SUBHEADING = "(一)"


def _opened_by_subheading(folded: str, starts: list[int], spec: SectionSpec, lo: int, hi: int) -> SectionHit | None:
    """The section from the first line in ``lo..hi`` that opens with ``(一)`` and holds one of
    its keywords within a heading's length (the heading itself is empty: none was printed)."""
    for s in starts[bisect.bisect_left(starts, lo) : bisect.bisect_left(starts, hi)]:
        if not folded.startswith(_FIRST_SUBHEADING, s):
            continue
        window = folded[s : min(s + HEADING_MAX_CHARS, _line_end(starts, s, hi))]
        if any(k in window for k in spec.keywords):
            return SectionHit(spec.key, s, s, "", "", SUBHEADING_SCORE)
    return None


KEYWORD_SCORE = 0.5
"""Score of a heading found by its section's number and keyword alone (below any similar one)."""
HEADING_MAX_CHARS = 30
"""A heading is shorter than this."""
_HEADING_STOP = re.compile(r"[。,;:!?\d]")
"""Where a heading has surely ended: a sentence's punctuation, or a number (a table row)."""
_ROW_NUMBERS = re.compile(r"\d{2,}(?![\d年月日件条个次项%])|\d(?![\d年月日件条个次项%.、])")
"""Numbers right after the words that are no year, count or numbering of the text run on after
a heading (``…事项2022年，``, ``…情况本年度制发11件``, ``…事项1.依申请…``): a table row."""
_LEADING_YEAR = re.compile(r"\d{4}年度?")
_JOINERS = frozenset("的和及与、")
"""Characters after a word that continue the phrase (``说明的事项``)."""


def _line_end(starts: list[int], pos: int, end: int) -> int:
    i = bisect.bisect_right(starts, pos)
    return starts[i] if i < len(starts) else end


def keyword_heading(folded: str, pos: int, spec: SectionSpec, line_end: int) -> int | None:
    """Where a heading at ``pos`` worded in none of the section's declared ways ends, when it
    holds one of the section's keywords (``五、存在的不足及改进方向``): the end of its line when
    it stands alone there, else (text run on after it) its first ending word after the keyword
    (``HEADING_ENDINGS``); None when it holds no keyword."""
    limit = min(pos + HEADING_MAX_CHARS, line_end)
    # a year may open it (``一、2019年政府信息公开工作的总体情况``, a real page): no table row
    year = _LEADING_YEAR.match(folded, pos, limit)
    stop = _HEADING_STOP.search(folded, year.end() if year else pos, limit)
    window = folded[pos : stop.start() if stop else limit]
    hits = [i for k in spec.keywords if (i := window.find(k)) >= 0]
    if not hits or (stop is not None and _ROW_NUMBERS.match(folded, stop.start())):
        return None
    if stop is None and line_end <= pos + HEADING_MAX_CHARS:
        return line_end
    # the first ending word that ends the phrase (``说明`` in ``其他需要说明的事项`` does not)
    ends = sorted(
        m.end()
        for e in HEADING_ENDINGS
        for m in re.finditer(e, window[:HEADING_MAX_CHARS])
        if m.start() >= min(hits) and window[m.end() : m.end() + 1] not in _JOINERS
    )
    return pos + ends[0] if ends else None


@lru_cache(maxsize=256)
def _number(numbering: str) -> int | None:
    """``二、`` → 2, ``2.`` → 2."""
    digits = numbering.rstrip("、.")
    return int(digits) if digits.isdigit() else chinese_number(digits)


def _rank(hit: SectionHit, number: str) -> tuple[bool, float]:
    return hit.numbering == f"{number}、", hit.score


_SENTENCE_END = '。！？；：:;!?）)”"'


def clean_text(text: str) -> str:
    """Section text for people: re-join lines a PDF broke mid-sentence, drop blank runs."""
    lines = [ln.strip() for ln in text.split("\n")]
    out: list[str] = []
    for ln in lines:
        if not ln:
            continue
        if out and out[-1] and out[-1][-1] not in _SENTENCE_END and _cjk(out[-1][-1]) and _cjk(ln[0]):
            out[-1] += ln
        else:
            out.append(ln)
    return "\n".join(out).strip()


def _cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or ch in "，、“"
