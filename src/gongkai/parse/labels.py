"""Find template labels (section headings, row labels) in the folded stream."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

from gongkai.model.records import record
from gongkai.model.template import CHAR_BLANK_MARKERS, WORD_BLANK_MARKERS, Row, SectionSpec
from gongkai.model.text import CN_DIGITS, fold

HEADING_SIMILARITY = 0.8
"""Minimum similarity of a numbered heading to a section title variant."""
SHORT_LABEL = 4
"""Row labels this short (总计, 其他, 重复申请) only match with their numbering."""

_CN = "零一二三四五六七八九十"
_NUMBERING = re.compile(r"(?:\(([一二三四五六七八九十\d]{1,2})\)|([一二三四五六七八九十]{1,2})、|(\d{1,2})[、.])")


@record
class Match:
    start: int
    """Folded position where the label (with its numbering) starts."""
    end: int
    """Folded position just after the label."""
    text: str
    exact: bool = True


@lru_cache(maxsize=256)
def numeral_forms(numbering: str) -> tuple[str, ...]:
    """Folded numbering forms equivalent to ``numbering`` (``（一）`` ≈ ``(1)`` ≈ ``一、`` ≈ ``1.``).
    Remembered: the template's numberings are looked for in every table of every document."""
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
    best: Match | None = None
    for v in _longest_first(row.labels):
        pos = start
        while True:
            i = folded.find(v, pos, end)
            if i < 0:
                break
            num = _numbering_before(folded, forms, i, start)
            if forms and len(v) <= SHORT_LABEL and num is None:
                pos = i + 1
                continue
            s = i - len(num) if num else i
            cand = Match(s, i + len(v), v)
            if best is None or cand.start < best.start:
                best = cand
            break
    return best


def _numbering_before(folded: str, forms: tuple[str, ...], i: int, start: int) -> str | None:
    """The first of the numbering ``forms`` that ends at ``i`` (and starts at or after ``start``)."""
    for f in forms:
        if i - len(f) >= start and folded.startswith(f, i - len(f)):
            return f
    return None


@lru_cache(maxsize=512)
def _folded_labels(labels: tuple[str, ...]) -> tuple[str, ...]:
    """A row's labels folded, each once, in the template's order (folded once per template
    row, not once per search)."""
    return tuple(dict.fromkeys(fold(v) for v in labels))


@lru_cache(maxsize=512)
def _longest_first(labels: tuple[str, ...]) -> tuple[str, ...]:
    """The folded labels, longest first (a label that another starts with is tried last)."""
    return tuple(sorted(_folded_labels(labels), key=len, reverse=True))


ROW_SIMILARITY = 0.75
"""Minimum similarity for a row label with an undeclared typo (labels of 6+ characters)."""
MIN_FUZZY_LABEL = 6
PREFIX_SHARE = 0.6
"""A truncated label must keep this share of its characters."""
MAX_FUZZY_SPAN = 400
"""Fuzzy search only in a short stretch between two rows that were found."""
LOST_CHARS_PURITY = 0.85
GARBLED_KEEP = 0.5
"""A label the recogniser garbled (characters lost, a line of a two-line cell read out of
order) is accepted when ``LOST_CHARS_PURITY`` of the text before its numbers is the label's,
in order, and that text keeps ``GARBLED_KEEP`` of the label."""


def fuzzy_row(folded: str, row: Row, start: int, end: int) -> Match | None:
    """Best approximate occurrence of ``row``'s label in ``folded[start:end]``."""
    if end - start > MAX_FUZZY_SPAN:
        return None
    best: tuple[float, int, int] | None = None
    for v in _folded_labels(row.labels):
        if len(v) < MIN_FUZZY_LABEL:
            continue
        stop = max(start, end - len(v) + 2)
        if not _may_hold(folded, v, start, stop):
            continue  # (most labels looked for between two rows: none of their windows is near)
        sm = _matcher(v)
        shared = shared_chars(folded, v, start, stop)
        digit = _next_digits(folded, start, stop + len(v))
        for i in range(start, stop):
            window = folded[i : i + len(v)]
            cut = min(digit[i - start], i + len(window)) - i
            if MIN_FUZZY_LABEL - 1 <= cut < len(v) and v.startswith(window[:cut]) and cut >= PREFIX_SHARE * len(v):
                # a label cut off mid-word (the table was truncated): ``保护第三方合`` + its values
                r = cut / len(v) + ROW_SIMILARITY
                if best is None or r > best[0]:
                    best = (r, i, i + cut)
                continue
            if MIN_FUZZY_LABEL <= cut < len(v) and (g := _garbled_score(sm, window[:cut], len(v))) is not None:
                if best is None or g > best[0]:
                    best = (g, i, i + cut)
                continue
            # difflib's quick_ratio from the window's shared characters, counted as the window
            # slides (it would count them anew at each place; most places are far from the label)
            if 2.0 * shared[i - start] / (len(window) + len(v)) < ROW_SIMILARITY:
                continue
            sm.set_seq1(window)
            r = sm.ratio()
            if r >= ROW_SIMILARITY and (best is None or r > best[0]):
                best = (r, i, i + len(window))  # a window at the text's end is shorter than the label
    if best is None:
        return None
    s = best[1]
    forms = numeral_forms(row.numbering) if row.numbering else ()
    num = _numbering_before(folded, forms, s, start)
    if num:
        s -= len(num)
    return Match(s, best[2], folded[s : best[2]], exact=False)


LEAST_SHARE = min(GARBLED_KEEP, PREFIX_SHARE, ROW_SIMILARITY / (2 - ROW_SIMILARITY))
"""The least share of a label's characters a window of ``fuzzy_row`` must have to match it:
a cut-off label keeps PREFIX_SHARE, a garbled one GARBLED_KEEP, and a window sharing s of a
label of n characters has a ratio of at most 2s / (s + n)."""


def _may_hold(folded: str, label: str, start: int, stop: int) -> bool:
    """Whether the text the windows of ``fuzzy_row`` (from ``start`` to ``stop``) cover shares
    LEAST_SHARE of the label's characters (each as often as both have it): no window shares
    more than all of them do. One count at C speed per character of the label, not a slide."""
    covered = folded[start : stop - 1 + len(label)]
    shared = sum(min(covered.count(ch), n) for ch, n in _char_counts(label).items())
    return shared >= LEAST_SHARE * len(label)


def shared_chars(text: str, label: str, start: int, stop: int) -> list[int]:
    """For each window ``text[i : i + len(label)]`` (``start <= i < stop``), how many of its
    characters the label has too, each as often as both have it: what difflib's
    ``quick_ratio`` counts, kept up to date as the window slides one character at a time."""
    lacking: dict[str, int] = {}
    """Each of the label's characters → how many more of it the window could share."""
    for ch in label:
        lacking[ch] = lacking.get(ch, 0) + 1
    n = len(label)
    shared = 0
    out: list[int] = []
    for i in range(start, stop):
        if i > start and (gone := text[i - 1 : i]) in lacking:
            lacking[gone] += 1
            shared -= lacking[gone] > 0  # it was one of the shared ones
        for ch in text[i : i + n] if i == start else text[i + n - 1 : i + n]:
            if ch in lacking:
                lacking[ch] -= 1
                shared += lacking[ch] >= 0
        out.append(shared)
    return out


def _next_digits(text: str, start: int, end: int) -> list[int]:
    """For each position from ``start`` to ``end``, where the first digit (or blank cell's mark)
    at or after it stands (where the text or ``end`` comes first when none does before): one
    pass from the end, not a scan at each of the overlapping windows."""
    stop = min(end, len(text))
    out = [stop] * (max(end, stop) - start + 1)
    for i in range(stop - 1, start - 1, -1):
        ch = text[i]
        value = ch.isdigit() or ch in CHAR_BLANK_MARKERS  # (a mark no label holds: a cell's edge)
        if ch in WORD_BLANK_MARKERS and i + 1 < len(text):
            # 无 is a mark only before another value (``无无``, ``无0``): labels hold it as a word
            after = text[i + 1]
            value = after.isdigit() or after in CHAR_BLANK_MARKERS or after in WORD_BLANK_MARKERS
        out[i - start] = i if value else out[i - start + 1]
    return out


def _garbled_score(sm: SequenceMatcher[str], text: str, label_len: int) -> float | None:
    """How well ``text`` (a row's words, before its numbers) reads as the label of ``sm``
    with characters lost: None unless nearly all of it is the label's (``LOST_CHARS_PURITY``)
    and it keeps ``GARBLED_KEEP`` of the label."""
    sm.set_seq1(text)
    matched = sum(b.size for b in sm.get_matching_blocks())
    purity, kept = matched / len(text), matched / label_len
    if purity < LOST_CHARS_PURITY or kept < GARBLED_KEEP:
        return None
    score = (purity + kept) / 2
    return score if score >= ROW_SIMILARITY else None


_HEADING_MARK = re.compile(r"[、.](?<=[一二三四五六七八九十\d][、.])")
"""The 、 or . of a heading's numbering (``二、``, ``2.``), with its numeral looked for behind it:
the marks are rare, so the engine skips to them at C speed (a numeral cannot be a mark, so
the numberings never overlap and each is found at its mark)."""


def heading_candidates(folded: str, line_starts: set[int]) -> list[tuple[int, int, str, bool]]:
    """(start, title start, numbering, glued) of every place a numbered heading may begin;
    ``glued`` when a digit numbering follows another digit (``…15757.753、其他…``), which
    only an exact title can confirm."""
    out = []
    for m in _HEADING_MARK.finditer(folded):
        s, end = m.start() - 1, m.end()
        numbering = folded[s:end]
        glued = s > 0 and folded[s - 1].isdigit() and numbering[0].isdigit() and s not in line_starts
        out.append((s, end, numbering, glued))
    for p in line_starts:
        out.append((p, p, "", False))
    out.sort()
    return out


HEADING_SLACK = 2
"""Characters a heading may have more than its title (a typo's extra 法); one fewer is
allowed too, not more: a short title (``主动公开情况``) would match any phrase it starts."""


@lru_cache(maxsize=256)
def _matcher(title: str) -> SequenceMatcher[str]:
    """A matcher with the title as its second sequence (difflib caches that side's index)."""
    return SequenceMatcher(None, "", title, autojunk=False)


@lru_cache(maxsize=256)
def _char_counts(title: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ch in title:
        counts[ch] = counts.get(ch, 0) + 1
    return counts


def _may_match(longest: str, title: str, least: float = HEADING_SIMILARITY) -> bool:
    """Whether some window of ``longest`` (from ``len(title) - 1`` characters on) could reach
    ``least``: the characters it shares with the title bound every window's ratio
    (a window of n characters shares at most min(shared, n)). One count instead of a
    ``quick_ratio`` per window, for the many places that are no heading."""
    lo, hi = len(title) - 1, len(longest)
    if hi < lo:
        return False  # no window long enough
    counts = _char_counts(title)
    need = _least_shared(lo, hi, len(title), least)
    # the place's characters that are the title's, counted at C speed, are at least the shared
    # ones, and the bound only grows with them: most places fall short even so
    if sum(map(counts.__contains__, longest)) < need:
        return False
    want = dict(counts)
    shared = 0
    for ch in longest:
        if want.get(ch, 0) > 0:
            want[ch] -= 1
            shared += 1
    return shared >= need


@lru_cache(maxsize=1024)
def _least_shared(lo: int, hi: int, size: int, least: float) -> int:
    """The fewest shared characters with which a window of ``lo`` to ``hi`` characters may
    reach ``least`` against a title of ``size`` (``hi + 1``: none), worked out once: the bound
    only grows with them, so one comparison tells whether a count reaches it."""
    return next((shared for shared in range(hi + 1) if _bound_reaches(shared, lo, hi, size, least)), hi + 1)


def _bound_reaches(shared: int, lo: int, hi: int, size: int, least: float) -> bool:
    """Whether a window of ``lo`` to ``hi`` characters sharing at most ``shared`` with a title
    of ``size`` may reach ``least`` (never less likely for a larger ``shared``)."""
    # the bound rises with n up to ``shared`` and falls after it: the best window is nearest it
    n = min(max(shared, lo), hi)
    return 2 * min(shared, n) / (n + size) >= least


@lru_cache(maxsize=64)
def _folded_titles(titles: tuple[str, ...]) -> tuple[tuple[str, ...], str]:
    """A section's titles folded (once per template, not at every place a heading may start),
    and every character of them joined, to test a place against all of them at once."""
    folded = tuple(fold(t) for t in titles)
    return folded, "".join(folded)


def heading_chars(section: SectionSpec) -> str:
    """Every character of the section's titles (folded): a place whose first two characters
    are none of them is no heading of it (``match_heading``'s first test, to make once)."""
    return _folded_titles(section.titles)[1]


def match_heading(folded: str, pos: int, section: SectionSpec, least: float = HEADING_SIMILARITY) -> tuple[float, int]:
    """Similarity of the text at ``pos`` to the section's titles, and the end of the match; a
    similarity below ``least`` (at least HEADING_SIMILARITY) may be given as 0: windows that
    cannot reach it are not compared (most of a line's start under a numbering, ``四、…``,
    reaches 0.8 but not the 0.95 an unnumbered heading needs)."""
    best, best_end = 0.0, pos
    titles, joined = _folded_titles(section.titles)
    head = folded[pos : pos + 2]
    if head and head[0] not in joined and head[1:2] not in joined:
        return best, best_end  # the pre-filter below, for every title at once
    for t in titles:
        if folded.startswith(t, pos):
            return 1.0, pos + len(t)
        if not head or (head[0] not in t and head[1:2] not in t):
            continue  # cheap pre-filter: a heading starts with the title's own characters
        if not _may_match(folded[pos : pos + len(t) + HEADING_SLACK], t, least):
            continue
        sm = _matcher(t)
        # a typo may add or drop a character (``行政法复议``): the heading ends where it
        # matches best, not at the title's length
        for n in range(len(t) - 1, len(t) + HEADING_SLACK + 1):
            window = folded[pos : pos + n]
            if len(window) < n:
                break
            sm.set_seq1(window)
            if sm.real_quick_ratio() < least or sm.quick_ratio() < least:
                continue
            r = sm.ratio()
            if r > best:
                best, best_end = r, pos + n
    return best, best_end
