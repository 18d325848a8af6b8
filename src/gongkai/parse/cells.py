"""From the text of a table row's value region to units: number tokens, blanks and gaps.

A *unit* is what lies between two boundaries in the document: a number token, an explicit
blank marker (``/``, ``-``, ``—``, ``无``), or an empty cell. Boundaries are *hard* (a cell
edge, a tab, a line break, a piece of label text) or *soft* (a space, which usually but not
always separates cells: ``2 0`` may be 20).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from functools import lru_cache
from typing import Literal

from gongkai.model.records import record
from gongkai.model.template import BLANK_MARKERS, HEADING_PLACEHOLDERS, MEASURE_WORDS, PERCENT, WORD_BLANK_MARKERS

UnitKind = Literal["number", "blank", "empty", "unread"]
"""``unread``: a delimited cell whose content is no number and no blank marker (OCR garbage,
``约5``): the cell is there, its value is not known."""

_NUMBER = re.compile(
    # a sign word may stand apart (``增 69``); a dash is a sign only on the number (``-8``)
    r"(?:(?P<sign>[增减減+]\s*|[\-−](?![ \t])\s*))?"
    r"(?<![A-Za-z_\d.])(?P<num>\d+(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>"
    + "|".join((*MEASURE_WORDS, PERCENT))
    + ")?"
)
_BLANK_TOKEN = re.compile(r"^(?:/|／|-|—|–|－|——|无|無|空)$")
_PLACEHOLDER = re.compile(r"^(?:" + "|".join(re.escape(w) for w in HEADING_PLACEHOLDERS) + r")\s*\d{1,2}$")
"""A cell that is a converter's stand-in for a column heading (``数据3``, ``Col2``)."""


@record
class Unit:
    kind: UnitKind
    text: str = ""
    """The number as written, without sign word or unit (``18538``), or the blank marker."""
    sign: int = 1
    unit: str | None = None
    offset: int = 0
    """Offset of the unit in the stream text (for provenance)."""
    soft_next: bool = False
    """The boundary to the next unit is only a space."""
    edge: bool = False
    """An empty cell at the start or end of the row (often a layout artefact)."""
    or_blank: bool = False
    """A dash between digits (``000-112``): this number's minus sign, or a blank cell before it."""
    optional: bool = False
    """A blank marker glued after the row's last number: its last cell, or text after it."""

    @property
    def digits(self) -> str:
        return self.text.replace(",", "")


FIELD_CACHE = 8192
"""Fields remembered: a document's tables have a few hundred."""


def _field_units(field: str, offset: int, last: bool = True, cell: bool = True) -> tuple[tuple[Unit, ...], bool]:
    """Units of one hard-bounded field. Returns (units, saw_text). ``last``: no number follows
    in the region (so a trailing dash is a blank cell, not the sign of a number cut off);
    ``cell``: the field is a cell of its own (a tab or a line bounds it), not a row's run."""
    if field.isascii() and "-" not in field:
        # no dash to hang on ``last`` or ``cell`` (ASCII folds to itself): the field reads alike
        # either way, and a row's field read by labels (by position) is found remembered by its
        # value line
        last = cell = True
    return _remembered_units(field, offset, last, cell)


@lru_cache(maxsize=FIELD_CACHE)
def _remembered_units(field: str, offset: int, last: bool, cell: bool) -> tuple[tuple[Unit, ...], bool]:
    """``_tokenise`` remembered: a table's fields are tokenised again by each reading of it
    (by labels, by lines, the row-shape tests)."""
    units, saw_text = _tokenise(field, offset, last, cell)
    return tuple(units), saw_text


def forget_fields() -> None:
    """Drop the remembered fields (offsets are one document's; ``parse_document`` starts here,
    so that no document's reading is paid by another's)."""
    _remembered_units.cache_clear()


def _tokenise(field: str, offset: int, last: bool, cell: bool = True) -> tuple[list[Unit], bool]:
    s = field.strip()
    if not s:
        return [Unit("empty", "", offset=offset)], False
    if s.isascii() and s.isdigit():
        return [Unit("number", s, offset=offset)], False  # most cells: what the loop below makes of them
    folded = unicodedata.normalize("NFKC", s)
    if _BLANK_TOKEN.match(folded) or folded in BLANK_MARKERS:
        return [Unit("blank", s, offset=offset)], False
    if (marks_only := _marks_only(folded, offset)) is not None:
        return marks_only, False
    if _PLACEHOLDER.match(folded):
        return [], True
    units: list[Unit] = []
    saw_text = False
    pos = num_end = 0
    for m in _NUMBER.finditer(folded):
        if _is_numbering(folded, m):
            continue
        gap = folded[pos : m.start()]
        after_marks = False  # a run of hyphen marks stands right before the number
        if units and gap.strip() in _INLINE_BLANKS:
            # ``10000无1``: a blank cell marked between two numbers
            units[-1] = _with_soft(units[-1], False)
            units.append(Unit("blank", gap.strip(), offset=offset + pos))
            gap = ""
        elif gap and _hyphens(gap) and (units or m.group("sign")):
            # ``6-----1``, ``-----6``: blank cells run together, a hyphen each (the one glued to
            # the number too: see below)
            if units:
                units[-1] = _with_soft(units[-1], False)
            units.extend(_each_blank(gap, offset + pos))
            gap, after_marks = "", True
        elif gap and all(ch in _RUN_MARKS for ch in gap) and (not units or len(gap) > 1):
            # ``无0 0 0``: the row's first cells blank, their marks closed up to the number;
            # ``101无无2``: blank cells marked between two numbers; one mark each
            if units:
                units[-1] = _with_soft(units[-1], False)
            units.extend(_each_blank(gap, offset + pos))
            gap = ""
        elif not units and gap[-1:] in _GLUED_DASHES:
            # ``—000000``: a dash glued before the row's first number is no minus sign (an em
            # dash never is; a hyphen there was taken as the sign): the first cell, blank
            units.append(Unit("blank", gap[-1], offset=offset + m.start() - 1))
            gap = gap[:-1]
        elif marks := _spaced_blanks(gap, leading=not units):
            # ``8 0 - 0``, ``- 3 3``: blank cells marked between space-separated numbers
            if units:
                units[-1] = _with_soft(units[-1], False)
            units.extend(Unit("blank", mark, offset=offset + pos) for mark in marks)
            gap = ""
        if units and _CJK_TEXT.search(gap):
            # words after the values: the row is over (what follows is prose or the next label)
            return units, True
        if gap.strip():
            # text between numbers is a hard boundary (a label fragment, a unit word)
            saw_text = True
            if units:
                units[-1] = _with_soft(units[-1], False)
        elif units and gap:
            units[-1] = _with_soft(units[-1], True)
        sign_text = (m.group("sign") or "").strip()
        sign = -1 if sign_text in ("减", "減", "-", "−") else 1
        # a dash glued to the digits after it, where a number ends or (cells run together) the
        # row's label: this number's sign, or a blank cell before it (``…合法权益-000000``); in a
        # cell of its own (``| -2 |``) or among numbers set apart it is the sign
        at_start = m.start() == 0 and not cell and not any(map(str.isspace, s))  # cells run together
        dash_in_run = sign_text in _DASHES and (at_start or (m.start() > 0 and folded[m.start() - 1].isdigit()))
        if sign_text == "-" and (after_marks or (dash_in_run and "--" in folded)):
            # the field marks its blank cells with hyphens (``1-1--1``, ``-----6``: a sign never
            # doubles, nor follows a run of marks): this one too is a mark, not a count's sign
            units.append(Unit("blank", "-", offset=offset + m.start()))
            units.append(Unit("number", m.group("num"), 1, m.group("unit"), offset + m.start("num")))
        else:
            units.append(
                Unit("number", m.group("num"), sign, m.group("unit"), offset + m.start(), or_blank=dash_in_run)
            )
        pos = m.end()
        num_end = m.end("num")
    tail = folded[pos:].strip()
    # a mark set apart from the last number is no sign of it, nor of a number cut off after it
    apart = last or folded[num_end : num_end + 1].isspace()
    if units and tail and (tail in _INLINE_BLANKS or (apart and tail in BLANK_MARKERS)):
        # ``10000无``: the row ends blank; glued to the digits it may also be what follows the
        # table (``…0000无`` where section 五, saying only 无, lost its heading)
        glued = not folded[num_end : num_end + 1].isspace()
        units.append(Unit("blank", tail, offset=offset + pos, optional=glued))
    elif units and _mark_run(folded[pos:]):
        # ``1无无``: the row ends in blank cells run together, one marker each
        units.extend(_each_blank(folded[pos:], offset + pos))
    elif units and len(tail) > 1 and _hyphens(tail) and tail == folded[pos:]:
        # ``6------``: the row ends in blank cells run together, a hyphen each (the last one
        # glued to what follows may be the sign of a number cut off: not where none follows)
        n = len(tail) if last else len(tail) - 1
        units.extend(_each_blank(tail[:n], offset + pos))
        saw_text = n < len(tail)
    elif units and len(marks := tail.split()) > 1 and all(_ends_blank(m, apart) for m in marks):
        # ``0 无 无``, ``5 - -``: the row ends in blank cells set apart, each marked
        units.extend(_marks_at(folded, marks, pos, offset))
    elif tail:
        saw_text = True
    if not units:
        return [], True
    return units, saw_text


def _marks_only(folded: str, offset: int) -> list[Unit] | None:
    """A field of several blank cells' marks and nothing else, one unit a mark; None if it is not."""
    if _mark_run(folded) or (len(folded) > 1 and _hyphens(folded)):
        # ``无无无无无无无``, ``-------``: a row of blank cells run together
        return _each_blank(folded, offset)
    if len(parts := folded.split()) > 1 and all(p in BLANK_MARKERS for p in parts):
        # ``- -``: blank cells set apart (a converter's two cells in one field)
        return _marks_at(folded, parts, 0, offset)
    return None


def _each_blank(marks: str, offset: int) -> list[Unit]:
    """A blank unit for each character of ``marks`` (a run of one-character marks)."""
    return [Unit("blank", ch, offset=offset + i) for i, ch in enumerate(marks)]


def _hyphens(text: str) -> bool:
    """Whether ``text`` is hyphens only (folded: ``－`` is ``-``)."""
    return text.count("-") == len(text)


def _ends_blank(mark: str, apart: bool) -> bool:
    """Whether ``mark``, after a row's last number, is a blank cell (a hyphen only set apart
    from that number or where no number follows in the region: else the sign of a number the
    line break cut off, ``294-`` / ``11``)."""
    return mark in _INLINE_BLANKS or (apart and mark in BLANK_MARKERS)


def _marks_at(folded: str, marks: list[str], pos: int, offset: int) -> list[Unit]:
    """A blank unit for each of ``marks``, found in order in ``folded`` from ``pos``."""
    out: list[Unit] = []
    for mark in marks:
        pos = folded.index(mark, pos)
        out.append(Unit("blank", mark, offset=offset + pos))
        pos += len(mark)
    return out


_RUN_MARKS = WORD_BLANK_MARKERS | {"/"}
"""Marks that are one blank cell each when run together (folded: ``／`` is ``/``); a run of
dashes is not (``——`` is one mark; hyphens are counted apart, as they may sign a number)."""


def _mark_run(text: str) -> bool:
    """Whether ``text`` is two or more blank markers run together (``无无``, ``///``)."""
    return len(text) > 1 and all(ch in _RUN_MARKS for ch in text)


_CJK_TEXT = re.compile(r"[\u4e00-\u9fff]{2,}")
_MINUS_LIKE = "-–－−"
_INLINE_BLANKS = frozenset(m for m in BLANK_MARKERS if m and not any(ch in m for ch in _MINUS_LIKE))
"""Blank markers that can stand between run-together numbers (``10000无1``, ``10—18``); a
hyphen there may be the minus sign of a number the line break cut off (``294-`` / ``11``),
an em dash never is."""
_DASHES = frozenset("-—–－−")
_GLUED_DASHES = frozenset("—–")
"""Dashes that never sign a number: glued before one, a blank cell."""


def _spaced_blanks(gap: str, leading: bool) -> list[str]:
    """Blank markers standing as cells, with space around them, in the gap before a number
    (``leading``: before the row's first number, after any label text). A dash attached to
    the number is its sign (``-5``, ``294-`` / ``11``) and never reaches here."""
    parts = gap.split()
    marks: list[str] = []
    for p in reversed(parts):
        if not p or p not in BLANK_MARKERS:
            break
        marks.append(p)
    if not marks or (not leading and len(marks) != len(parts)) or not gap[-1:].isspace():
        return []
    return marks[::-1]


_LIST_MARK = re.compile(r"[.、．]\s*[\u4e00-\u9fff]")


def _is_numbering(s: str, m: re.Match[str]) -> bool:
    """``4.保护…`` or ``(2)`` are list numbering of a label, not values."""
    if m.group("sign") or m.group("unit"):
        return False
    after = s[m.end() :]
    before = s[: m.start()].rstrip()
    if _LIST_MARK.match(after) and "." not in m.group("num"):
        return True
    return before.endswith(("(", "（")) and after.lstrip().startswith((")", "）"))


def _with_soft(u: Unit, soft: bool) -> Unit:
    return replace(u, soft_next=soft)


_WRAPPED = re.compile(r"(?<=[\d增减減])[ \t]*\n(?=[ ]*[\d增减減])")
"""A line break between two numbers of untabbed text: the text was wrapped, not a cell edge."""


def _pieces(text: str) -> list[tuple[str, bool]]:
    """Pieces between hard separators, each with whether its line has tabs (cell edges)."""
    out: list[tuple[str, bool]] = []
    if "\t" not in text:
        text = _WRAPPED.sub(" ", text)
    for line in text.split("\n"):
        tabbed = "\t" in line
        out.extend((p, tabbed) for p in line.split("\t"))
    return out


def region_units(text: str, offset: int = 0) -> list[Unit]:
    """Units in a row's value region: split on hard separators, keep the numbers, blanks and
    empty cells; leading label text is skipped and text after the numbers ends the region."""
    units: list[Unit] = []
    started = False
    pos = 0
    pieces = _pieces(text)
    last_digits = _last_with_digits(pieces)
    for i, (piece, has_tab) in enumerate(pieces):
        if (count := _plain_count(piece)) is not None:
            # a number and nothing else, wherever it stands (what its tokens are)
            units.append(Unit("number", count, offset=offset + pos))
            pos += len(piece) + 1
            started = True
            continue
        if not piece or piece.isspace():
            # an empty field (what its tokens are: one empty unit, no text), a cell only
            # where a tab bounds it (blank lines are none)
            if has_tab:
                units.append(Unit("empty", "", offset=offset + pos))
            pos += len(piece) + 1
            continue
        fu, saw_text = _field_units(piece, offset + pos, last=i >= last_digits, cell=has_tab)
        pos += len(piece) + 1
        if not has_tab and fu and fu[0].kind == "empty":
            continue  # only a tab (a cell edge) makes an empty cell; blank lines do not
        has_values = any(u.kind != "empty" for u in fu)
        if started and saw_text and not has_values:
            break
        units.extend(fu)
        started = started or has_values
        if started and saw_text and _text_after_numbers(piece):
            break
    return _mark_edges(units)


def _last_with_digits(pieces: list[tuple[str, bool]]) -> int:
    """The last piece that holds a digit (-1: none): a piece before it has digits after it.
    Looked for from the end, where the region's last numbers mostly are."""
    for i in range(len(pieces) - 1, -1, -1):
        if any(map(str.isdigit, pieces[i][0])):
            return i
    return -1


def _text_after_numbers(piece: str) -> bool:
    folded = unicodedata.normalize("NFKC", piece).strip()
    last = None
    for m in _NUMBER.finditer(folded):
        last = m
    if last is None:
        return False
    after = folded[last.end() :].strip()
    return after not in _INLINE_BLANKS and bool(re.search(r"[\u4e00-\u9fff]", after))


def _mark_edges(units: list[Unit]) -> list[Unit]:
    """Flag empty cells before the first and after the last value (layout artefacts)."""
    idx = [i for i, u in enumerate(units) if u.kind != "empty"]
    if not idx:
        return [Unit("empty", "", offset=u.offset, edge=True) for u in units]
    first, last = idx[0], idx[-1]
    if first == 0 and last == len(units) - 1:
        return units  # no empty cell before the first value or after the last: nothing to flag
    out = []
    for i, u in enumerate(units):
        if u.kind == "empty" and (i < first or i > last):
            out.append(Unit("empty", "", offset=u.offset, edge=True))
        else:
            out.append(u)
    return out


def parse_number(text: str, sign: int = 1) -> int | float | None:
    """``39910.33`` → 39910.33, ``1,234`` → 1234, ``0`` → 0; None when not a number."""
    if text.isascii() and text.isdigit():
        return sign * int(text)  # most cells: what the folding below leaves as it is
    s = unicodedata.normalize("NFKC", text).replace(",", "").strip()
    if not s:
        return None
    try:
        if "." in s:
            return sign * float(s)
        return sign * int(s)
    except ValueError:
        return None


def line_fields(raw: str, offset: int = 0) -> list[tuple[str, int]] | None:
    """The tab-separated fields that follow a row label on its own line (with offsets), or
    None when the label's line is not a tab-separated row. The text between the label and the
    first tab is the rest of the label cell, not a field."""
    line = raw.split("\n", 1)[0]
    if line.count("\t") < 2:
        return None
    out: list[tuple[str, int]] = []
    pos = line.index("\t") + 1
    for field in line[pos:].split("\t"):
        out.append((field, offset + pos))
        pos += len(field) + 1
    return out


def trailing_empties(fields: list[tuple[str, int]]) -> int:
    n = 0
    for text, _ in reversed(fields):
        if text.strip():
            break
        n += 1
    return n


def positional_units(fields: list[tuple[str, int]], k: int, trailing: int) -> list[Unit] | None:
    """Read a tab-separated row by position: drop the ``trailing`` empty fields the table's
    rows all end with and leading empty fields beyond ``k`` (a merged label cell); then every
    remaining field is one cell, an empty one a blank cell. None when that does not fit."""
    f = list(fields)
    for _ in range(trailing):
        if f and not f[-1][0].strip():
            f.pop()
    while len(f) > k and not f[0][0].strip():
        f.pop(0)
    if len(f) != k:
        return None
    units: list[Unit] = []
    for text, off in f:
        if (count := _plain_count(text)) is not None:
            units.append(Unit("number", count, offset=off))
            continue
        fu, saw_text = _field_units(text, off)
        if saw_text:
            # the cell is delimited but holds something that is no number: it, and only it,
            # is unknown (reading the row around it would shift its neighbours into it)
            units.append(Unit("unread", text.strip(), offset=off))
            continue
        if len(fu) != 1:
            return None
        u = fu[0]
        units.append(Unit("blank", "", offset=off) if u.kind == "empty" else u)
    return units


def _plain_count(field: str) -> str | None:
    """A field that is a count in ASCII digits (most cells of a grid): its digits, which
    ``_field_units`` reads as one number unit at the field's offset and nothing else (asked of
    every cell of a table, it is not tokenised and remembered for that); None: any other field."""
    s = field.strip()
    return s if s.isdigit() and s.isascii() else None


def is_clean_row(fields: list[tuple[str, int]], k: int) -> bool:
    """Exactly ``k`` fields hold one number each and the rest are empty."""
    numbers = 0
    for text, off in fields:
        if _plain_count(text) is not None:
            numbers += 1  # (asked first: most fields are counts, and a count is no empty field)
            continue
        if not text.strip():
            continue
        fu, saw_text = _field_units(text, off)
        if saw_text or len(fu) != 1 or fu[0].kind != "number":
            return False
        numbers += 1
    return numbers == k


_CELL_LINE = re.compile(r"^\t[^\t]*$")


def cell_lines(raw: str, offset: int = 0, skip_blank_lines: bool = False) -> list[tuple[str, int]] | None:
    """One-cell-per-line rows (text exported from DOCX: every cell on its own line, indented
    by a tab; a lone tab is an empty cell; a blank line ends the row). Returns the fields after
    the label, or None when the region does not have that shape."""
    lines = raw.split("\n")
    if lines[0].strip():
        return None
    pos = len(lines[0]) + 1
    fields: list[tuple[str, int]] = []
    # the region stops at the next row's label: a lone tab after the last line break is that
    # label's indent (where rows are not ended by a blank line), not an empty cell
    body = lines[1:-1] if len(lines) > 1 and lines[-1] == "\t" else lines[1:]
    for ln in body:
        if ln == "":
            if fields or not skip_blank_lines:
                break
            pos += 1
            continue
        text = ln[1:].strip()
        if not _CELL_LINE.match(ln) or (re.search(r"[\u4e00-\u9fff]", ln) and text not in BLANK_MARKERS):
            break  # a label, not a cell ('无' is a cell: a blank one)
        fields.append((ln[1:], offset + pos + 1))
        pos += len(ln) + 1
    return fields or None
