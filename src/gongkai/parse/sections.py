"""The six sections: find their headings in order, however numbered or run into the text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.model.template import SECTIONS
from gongkai.model.text import chinese_number
from gongkai.parse.labels import HEADING_SIMILARITY, heading_candidates, match_heading
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
    out = {0}
    for m in re.finditer("\n", stream.text):
        out.add(stream.to_folded(m.end()))
    return out


def find_sections(stream: Stream) -> dict[str, SectionHit]:
    folded = stream.folded
    starts = line_starts(stream)
    cands = heading_candidates(folded, starts)
    found: dict[str, SectionHit] = {}
    pos = 0
    for spec in SECTIONS:
        hit: SectionHit | None = None
        for start, title_start, numbering, glued in cands:
            if start < pos:
                continue
            if hit is not None and start >= hit.end:
                break
            score, end = match_heading(folded, title_start, spec)
            # a numbered heading may be worded loosely, if its number is the section's (``2、主动公开…``
            # is 二); under another number it is a part of a section (``1.主动公开方面`` in 一) unless
            # it is the title itself
            loose = numbering and not glued and _number(numbering) == _number(spec.number)
            need = HEADING_SIMILARITY if loose else UNNUMBERED_SIMILARITY
            if score < need:
                continue
            cand = SectionHit(spec.key, start, end, numbering, folded[start:end], score)
            # among overlapping candidates (``1.6三、收到…``) keep the best, the right numeral first
            if hit is None or _rank(cand, spec.number) > _rank(hit, spec.number):
                hit = cand
        if hit is not None:
            found[spec.key] = hit
            pos = hit.end
    return found


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
