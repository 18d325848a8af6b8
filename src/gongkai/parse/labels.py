"""Find template labels (section headings, row labels) in the folded stream."""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from gongkai.model.template import Row, SectionSpec
from gongkai.model.text import CN_DIGITS, fold

HEADING_SIMILARITY = 0.8
"""Minimum similarity of a numbered heading to a section title variant."""
SHORT_LABEL = 4
"""Row labels this short (总计, 其他, 重复申请) only match with their numbering."""

_CN = "零一二三四五六七八九十"
_NUMBERING = re.compile(r"(?:\(([一二三四五六七八九十\d]{1,2})\)|([一二三四五六七八九十]{1,2})、|(\d{1,2})[、.])")


@dataclass(frozen=True)
class Match:
    start: int
    """Folded position where the label (with its numbering) starts."""
    end: int
    """Folded position just after the label."""
    text: str
    exact: bool = True


def numeral_forms(numbering: str) -> tuple[str, ...]:
    """Folded numbering forms equivalent to ``numbering`` (``（一）`` ≈ ``(1)`` ≈ ``一、`` ≈ ``1.``)."""
    m = _NUMBERING.search(fold(numbering))
    if not m:
        return ()
    raw = next(g for g in m.groups() if g)
    if raw.isdigit():
        n = int(raw)
    else:
        n = CN_DIGITS.get(raw, 10 if raw == "十" else 0)
    cn = _CN[n] if 0 < n <= 10 else str(n)
    return (f"({cn})", f"({n})", f"{cn}、", f"{n}.", f"{n}、")


def find_row(folded: str, row: Row, start: int, end: int) -> Match | None:
    """Earliest occurrence of ``row``'s label in ``folded[start:end]``, with its numbering
    (which is consumed so that ``00000002.其他…`` leaves ``0000000`` to the row before)."""
    forms = numeral_forms(row.numbering) if row.numbering else ()
    variants = sorted({fold(v) for v in row.labels}, key=len, reverse=True)
    best: Match | None = None
    for v in variants:
        pos = start
        while True:
            i = folded.find(v, pos, end)
            if i < 0:
                break
            num = next((f for f in forms if folded.startswith(f, i - len(f)) and i - len(f) >= start), None)
            if forms and len(v) <= SHORT_LABEL and num is None:
                pos = i + 1
                continue
            s = i - len(num) if num else i
            cand = Match(s, i + len(v), v)
            if best is None or cand.start < best.start:
                best = cand
            break
    return best


def heading_candidates(folded: str, line_starts: set[int]) -> list[tuple[int, int, str]]:
    """(start, title start, numbering) of every place a numbered heading may begin."""
    out = []
    for m in re.finditer(r"[一二三四五六七八九十]、|\d[、.]", folded):
        out.append((m.start(), m.end(), m.group()))
    for p in line_starts:
        out.append((p, p, ""))
    out.sort()
    return out


def match_heading(folded: str, pos: int, section: SectionSpec) -> tuple[float, int]:
    """Similarity of the text at ``pos`` to the section's titles, and the end of the match."""
    best, best_end = 0.0, pos
    for title in section.titles:
        t = fold(title)
        if folded.startswith(t, pos):
            return 1.0, pos + len(t)
        window = folded[pos : pos + len(t)]
        if not window:
            continue
        r = SequenceMatcher(None, window, t, autojunk=False).ratio()
        if r > best:
            best, best_end = r, pos + len(t)
    return best, best_end
