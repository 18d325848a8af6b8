"""Which lines of a section are its table's own text, so that the section keeps its prose.

In a document without cell grids (a text dump, a web page's text) a table is lines of labels,
headings and numbers inside its section; the section's text should not carry them (a report
rendered again would print the table twice, once as a paragraph of run-together words). A
line is the table's when, its numbers and separators aside, every run of words in it is a
word the table prints or a piece of one (a label broken over lines: ``（三）不`` / ``予公开``).
Lines are taken from the table's first number to its last, and beyond them while they stay
the table's (headings above, labels a dump prints after their numbers; a line with only
pieces of words goes only with a whole word or a number beyond it, so that a lone ``无``
after a table stays). Prose is never dropped: a line with any other words stays, table
fragments and all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache, lru_cache

from gongkai.model.template import MEASURE_WORDS, PERCENT, TableSpec
from gongkai.model.text import fold, fold_text

_NOT_WORDS = re.compile(r"[\d\s.,%|\-—–=+:/／()（）、．，：;；!！?？*#\"“”'‘’「」『』\[\]【】<>《》·]+")
"""Numbers, separators, brackets and punctuation: what stands between the words of a table line."""
MIN_PIECE = 2
"""Characters of a piece of a word, where a run is cut into pieces."""
MAX_TAILS = 12
"""A run this short may be single characters of words (the wrapped tails of headings)."""
TYPO_EVERY = 30
"""Characters of a line per misprinted one allowed (a label's typo in a long run of labels);
prose is mostly characters of no printed word."""
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
"""Runs of CJK characters (counted by their lengths: a match per run, not per character)."""
# each measure word, then a look behind it for the digit before: the same matches as a look
# behind for the digit first, which the regex engine would try at every character
_UNIT_AFTER_NUMBER = re.compile("|".join(f"{w}(?<=\\d{w})" for w in MEASURE_WORDS))
_CELL_EDGE = re.compile(r"\t| {2,}|\u3000")
"""A tab or a wide space between two pieces of a line: a cell's edge (pieces of headings on
either side are not one word)."""
MIN_WORD = 2
"""A whole printed word of at least this many characters, or a number, makes a line beyond
the numbers the table's: a lone ``无`` after a table is the section's text."""


class TableWords:
    """The words a table prints (folded), and the test of a line against them."""

    def __init__(self, words: Iterable[str]) -> None:
        folded = sorted({fold(w) for w in words if w}, key=len, reverse=True)
        self.words = [w for w in folded if w]
        self.whole_words = tuple(w for w in self.words if len(w) >= MIN_WORD)
        """Words long enough to say a line is the table's (a lone ``无`` does not)."""
        self.joined = "\x00".join(self.words)
        self.starting: dict[str, list[int]] = {}
        """Each first character → the words (their places in ``words``) that start with it."""
        for i, w in enumerate(self.words):
            self.starting.setdefault(w[0], []).append(i)
        self.firsts = frozenset(self.starting)
        """The characters some word starts with."""

    def among(self, text: str) -> list[str]:
        """The words that may be in ``text`` (those starting with one of its characters), in
        the order of ``words``: the rest need not be looked for."""
        # the text's characters that start words, found by one set operation; each word is
        # listed under its first character only, so the lists of distinct characters do not overlap
        places = [i for ch in self.firsts.intersection(text) for i in self.starting[ch]]
        places.sort()
        return list(map(self.words.__getitem__, places))

    def runs(self, line: str) -> list[str]:
        """The line's runs of words with the table's whole words taken out (the pieces left);
        a tab or a wide space is a cell's edge."""
        out: list[str] = []
        for cell in _CELL_EDGE.split(line):
            if cell.isdigit() and cell.isascii():
                continue  # a count (most cells of a table's line): no run of words, as below
            text = _UNIT_AFTER_NUMBER.sub(" ", fold_text(cell))
            if not text or _NOT_WORDS.fullmatch(text):
                continue  # numbers and separators only: no run of words, whatever words it holds
            for w in self.among(text):
                if w in text:
                    text = text.replace(w, "\x00")
            out.extend(filter(None, _NOT_WORDS.split(text.replace("\x00", " "))))  # (the runs, not the empty ends)
        return out

    def unknown(self, run: str) -> int:
        """Characters of ``run`` that are no piece of a printed word, at the fewest: a run may
        be pieces side by side (headings wrapped in narrow columns: ``件数件数件数``; ``持正果结``,
        the tails of 结果维持, 结果纠正, 其他结果, 尚未审结). Pieces of one character only in a
        short run: any long sentence is single characters of some word."""
        if run in self.joined:
            return 0
        shortest = 1 if len(run) <= MAX_TAILS else MIN_PIECE
        best = [0] + [len(run)] * len(run)
        for i in range(1, len(run) + 1):
            best[i] = best[i - 1] + 1
            for j in range(0, i - shortest + 1):
                if best[j] < best[i] and run[j:i] in self.joined:
                    best[i] = best[j]
        return best[len(run)]

    def is_table_line(self, line: str) -> bool:
        """Nothing in the line but the table's words, pieces of them, numbers and separators,
        give or take a misprinted character in a long line (``钩稽``, ``废纸件数``)."""
        budget = sum(map(len, _CJK_RUN.findall(line))) // TYPO_EVERY
        for run in self.runs(line):
            budget -= self.unknown(run)
            if budget < 0:
                return False
        return True

    def has_substance(self, line: str) -> bool:
        """A whole printed word or a number: the line is the table's, not a short sentence."""
        text = fold_text(line)
        return any(map(str.isdigit, text)) or any(map(text.__contains__, self.whole_words))


@lru_cache(maxsize=16)
def table_words(spec: TableSpec) -> TableWords:
    """The words of a table of the template (folded once, not for every document)."""
    return TableWords(spec.printed_words)


_SENTENCE_END = re.compile(r"[。！？；!?;]")


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each line of ``text[start:end]`` (newline excluded), cut after each
    sentence's end too: text taken from a web page runs a sentence and a table together
    (``…均已按规定公开。第二十条第（一）项信息内容…``)."""
    out: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        nl = text.find("\n", pos, end)
        stop = end if nl < 0 else nl
        a = pos
        for m in _SENTENCE_END.finditer(text, pos, stop):
            out.append((a, m.end()))
            a = m.end()
        if a < stop or a == pos:
            out.append((a, stop))
        pos = stop + 1
    return out


_NUMBER_AT = re.compile(r"[-+增减]?\s*[\d,.]+(?:" + "|".join((*MEASURE_WORDS, PERCENT)) + ")?")


def _number_end(text: str, at: int) -> int:
    """Where the number that starts at ``at`` (the table's last) ends."""
    m = _NUMBER_AT.match(text, at)
    return m.end() if m else at


def _cut_after(lines: list[tuple[int, int]], at: int) -> list[tuple[int, int]]:
    """The line holding offset ``at`` cut there: web text runs the table's last number and the
    next paragraph together (``…行政事业性收费9116.36 (二)主动公开政府信息的主要类别…``)."""
    out: list[tuple[int, int]] = []
    for a, b in lines:
        if a < at < b:
            out.extend(((a, at), (at, b)))
        else:
            out.append((a, b))
    return out


def _within(span: tuple[int, int], spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in spans)


def table_line_spans(
    text: str,
    region: tuple[int, int],
    extent: tuple[int, int],
    words: TableWords,
    left_out: Sequence[tuple[int, int]] = (),
) -> list[tuple[int, int]]:
    """Spans of ``text`` (within ``region``) that are the table's lines (or the parts of lines
    after a sentence's end), given the offsets of its first and last number (``extent``).
    ``left_out``: spans the section's text leaves out whatever they hold (grids): the lines
    within them among the numbers' are not weighed (their verdict would change nothing), those
    the search beyond the numbers passes are, since it goes on only through the table's lines."""
    lines = _cut_after(_lines(text, *region), _number_end(text, extent[1]))
    inside = [i for i, (a, b) in enumerate(lines) if b >= extent[0] and a <= extent[1]]
    if not inside:
        return []
    # each line weighed once, however often it recurs (one cell a line: ``\t0`` hundreds of times)
    table_line = cache(words.is_table_line)
    drop = {i for i in inside if not _within(lines[i], left_out) and table_line(text[slice(*lines[i])])}

    def extend(indices: Iterable[int]) -> None:
        pending: list[int] = []
        for i in indices:
            line = text[slice(*lines[i])]
            if not line.strip():
                continue
            if not table_line(line):
                return
            pending.append(i)
            if words.has_substance(line):
                # pieces of words between whole ones (``社会公`` / ``益组织``) go with them
                drop.update(pending)
                pending = []

    extend(range(inside[0] - 1, -1, -1))
    extend(range(inside[-1] + 1, len(lines)))
    return [lines[i] for i in sorted(drop)]
