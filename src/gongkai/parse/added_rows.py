"""Rows a document adds to a table of the template (``其他主动公开文件（含部门文件）`` below
规范性文件, as some agencies print): read as rows of their own, so that their numbers are
no other row's, and then set aside. Without them the numbers of an added row stand among the
template's rows and every reading of the table is in doubt."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from functools import cache

from gongkai.model.template import Row, TableSpec
from gongkai.model.text import fold
from gongkai.parse.align import is_prose
from gongkai.parse.labels import Match
from gongkai.parse.stream import Stream

ADDED_PREFIX = "added:"
"""Keys of added rows (``added:0``): never a key of the template."""
ADDED_LABEL_CHARS = 4
"""Chinese characters the words opening a line need before they can name a row of their own."""
PIECE = 3
"""Characters in a piece: the words of a wrapped label's tail, or of a label with a typo,
share a piece with the label."""

_HAN = re.compile(r"[\u4e00-\u9fff]")
_LINE = re.compile(r"^[ \t|]*([^\d\n]*)(\d?)([^\n]*)", re.M)
"""A line: the words it opens with (up to its first digit), the digit, if one follows, and the rest."""


def word_pieces(words: Iterable[str]) -> frozenset[str]:
    """Every ``PIECE`` Chinese characters in a row of the given words."""
    out: set[str] = set()
    for w in words:
        han = "".join(_HAN.findall(w))
        out.update(han[i : i + PIECE] for i in range(len(han) - PIECE + 1))
    return frozenset(out)


@cache
def _pieces(spec: TableSpec) -> frozenset[str]:
    """The table's printed words in pieces, worked out once per table; not its title, whose
    words (主动公开…) an added row's label may share."""
    return word_pieces(w for w in spec.printed_words if w != spec.title)


def names_no_row(words: str, pieces: frozenset[str]) -> bool:
    """Whether ``words`` (folded: simplified characters) name a row the table does not have:
    enough Chinese characters, and not a piece in common with anything the table prints."""
    han = "".join(_HAN.findall(words))
    if len(han) < ADDED_LABEL_CHARS:
        return False
    return not any(han[i : i + PIECE] in pieces for i in range(len(han) - PIECE + 1))


def _naming_no_row(stream: Stream, m: re.Match[str], pieces: frozenset[str]) -> str | None:
    """The words opening the line ``m`` (``_LINE``) if they name a row the table does not have;
    None for the lines that are something else: a sentence or a running head whose number is
    counted (``…办公室2023年度…报告``), a grid row of several words (a header's fragments,
    ``数据1 数据2``), pieces of labels from several columns, a page's running head."""
    words = m.group(1).rstrip(" \t|")
    if not words or "|" in words or "\t" in words:
        return None
    if m.group(2) and is_prose(m.group(2) + m.group(3)):
        return None
    if not names_no_row(fold(words), pieces) or _fragments(stream, m.start(1)):
        return None
    return None if _running_head(stream, words, m.start(1)) else words


FRAGMENT_CHARS = 3
"""Chinese characters fewer than which a piece of a line's words, set apart by spaces, is a
fragment of a label wrapped in a column (``（六）其  申请``), not part of a row's name."""


def _fragments(stream: Stream, at: int) -> bool:
    """Whether the words opening the line at ``at`` are pieces of labels from several columns of
    a page laid out by columns (``（六）其  申请``: a group label's piece beside the tail of a
    row's), as the line stood before its spaces were squeezed: a row's own name is one phrase."""
    source = stream.source_at(at)
    raw = stream.raw_lines.get(source.line) if source is not None and source.line is not None else None
    if raw is None:
        return False
    parts = re.split(r"\d", raw, maxsplit=1)[0].split()
    return len(parts) > 1 and any(len(_HAN.findall(p)) < FRAGMENT_CHARS for p in parts)


def _running_head(stream: Stream, words: str, at: int) -> bool:
    """Whether the words opening a line are a page's running head, not a row: printed again
    elsewhere (the agency or the report's title, on every page and in the title), or right
    after a page footer the stream left out."""
    if stream.text.count(words) > 1:
        return True
    before = stream.text[:at].rstrip()
    return any(offset >= len(before) for offset, _ in stream.page_numbers if offset <= at)


def is_added(key: str) -> bool:
    return key.startswith(ADDED_PREFIX)


def with_added_rows(stream: Stream, spec: TableSpec, found: Sequence[tuple[str, Match]], end: int) -> TableSpec:
    """``spec`` with a row for each line of the table (after its first row's label, up to
    ``end``, folded) that opens with words naming no row of it, placed after the row whose
    label comes before. Only where the line is a row: numbers follow its words on the line,
    or the row before has numbers between its label and the line (a page's running head
    between a label and its numbers is no row)."""
    if not found:
        return spec
    pieces = _pieces(spec)
    first = found[0][1]
    a, b = stream.to_text(first.end), stream.to_text(end)
    after: dict[str, list[Row]] = {}
    for m in _LINE.finditer(stream.text, a, b):
        words = _naming_no_row(stream, m, pieces)
        if words is None:
            continue
        at = stream.to_folded(m.start(1))
        before = [(k, lm) for k, lm in found if lm.end <= at]
        if not before:
            continue
        key, label = before[-1]
        between = stream.text[stream.to_text(label.end) : m.start(1)]
        if not m.group(2) and not any(ch.isdigit() for ch in between):
            continue
        folded = stream.folded[at : stream.to_folded(m.start(1) + len(words))]
        n = sum(len(v) for v in after.values())
        after.setdefault(key, []).append(
            Row(f"{ADDED_PREFIX}{n}", folded, columns=spec.row(key).columns, caption=spec.row(key).caption)
        )
    if not after:
        return spec
    rows: list[Row] = []
    for r in spec.rows:
        rows.append(r)
        rows.extend(after.get(r.key, ()))
    return replace(spec, rows=tuple(rows))
