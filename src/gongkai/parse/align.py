"""Align a table's value lines to the template's rows when labels stand apart from numbers.

Converters and text dumps keep a table's numbers in reading order but not beside their
labels: a row label may be a loose line before or after its number row, a number row may
have no label at all (a table cut into pieces at a page break), and a dump that puts one
cell on each line spreads a row over seven lines. What they keep is the order of the rows
and the width of each row. So the numbers are read here as a sequence of *value lines*
assigned to the template's rows in order: each row takes a few consecutive lines whose
cells fill its width; labels, where present, pull a row towards the lines beside them.
The assignment of least cost is found exactly (dynamic programming over rows × lines), once
preferring labels before their numbers and once after; the table's identities then choose
between the readings (``tables.py``).
"""

from __future__ import annotations

import bisect
import itertools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from gongkai.model.template import CHAR_BLANK_MARKERS, WORD_BLANK_MARKERS
from gongkai.model.text import fold
from gongkai.parse.cells import Unit, region_units, trailing_empties
from gongkai.parse.decode import CELL_UNITS
from gongkai.parse.stream import PAGE_NUMBER, Stream

ONE_CELL_SHARE = 0.6
"""A table whose value lines hold one cell each this often is a one-cell-per-line dump."""
MAX_SKIP = 3
"""Value lines that may be passed over between two rows (page numbers, stray numbers)."""
COST_SKIP_LINE = 1.5
COST_SKIP_UNIT = 0.3
COST_SKIP_CELL_LINE = 4.0
"""Passing over a line of a one-cell-per-line dump: it is a cell, and dropping it to make a
row add up would explain a defect of the report away."""
COST_MISSING_CELL_DUMP = 0.6
"""A cell a row lacks in a one-cell-per-line dump (a blank cell leaves no line there)."""
COST_MISSING_CELL_ROW = 0.6
"""A cell a line of numbers set apart by spaces lacks (a dump drops blank cells)."""
COST_MISSING_CELL_GRID = 0.2
"""A cell a grid row lacks: where the page had no rule between two cells a converter puts
both in one (``| 95 0 |``), and a blank one then leaves nothing."""
COST_EXTRA_LINE = 0.8
"""A row spread over several number rows (rare outside one-cell-per-line dumps)."""
COST_EMPTY_ROW_DUMP = 1.0
"""A row whose label is there with no numbers at all, in a dump that drops blank cells."""
COST_EMPTY_ROW = 3.0
"""The same where rows are printed as rows (a blank one is a row of empty cells)."""
COST_ABSENT_ROW = 0.3
"""A row with neither label nor numbers (a table cut short, a row the report left out)."""
COST_NO_LABEL = 0.4
COST_LABEL_NEAR = 0.1
COST_LABEL_NEAR_AFTER = 0.4
"""A label standing right after its numbers: converters do that, but a label column stands
left of the numbers, so reading order puts labels first far more often."""
COST_LABEL_OTHER_SIDE = 1.5
COST_LABEL_FAR = 2.0
COST_LABEL_PER_LINE = 0.5
COST_UNBALANCED_ROW = 3.0
"""As much as a broken identity weighs against an alignment (``tables.VIOLATION_WEIGHT``)."""
LABEL_STYLES = ("before", "after")


@dataclass(frozen=True)
class ValueLine:
    units: tuple[Unit, ...]
    start: int
    end: int
    inline: str | None = None
    """The row whose label stands on this line before its numbers."""
    fields: tuple[tuple[str, int], ...] = ()
    """A tab-delimited line's fields after its label (text, offset): its cells, empty ones
    blank, less the empty fields the table's rows all end with (``trailing``)."""
    trailing: int = 0
    xs: tuple[float, ...] = ()
    """Where each of the line's numbers stands on the page (display columns of its middle),
    in text laid out by columns; empty when the document does not say."""
    xs_chars: tuple[float, ...] = ()
    """The same counted in characters: ``pdftotext -layout`` aligns columns by character
    count, a monospace page by display width (a Chinese character two columns)."""

    @property
    def span(self) -> int | None:
        """Cells a delimited line has room for (its fields), or None."""
        return len(self.fields) - self.trailing if self.fields else None

    @cached_property
    def numbers(self) -> list[float]:
        """The line's numbers as values (blank markers and empty cells left out)."""
        out: list[float] = []
        for u in self.units:
            if u.kind == "number":
                try:
                    out.append(u.sign * float(u.digits))
                except ValueError:
                    out.append(math.nan)
        return out

    @cached_property
    def cells(self) -> int:
        """Cells the line fills: its numbers and blank markers, and the empty cells between
        them. (Runs of digits that hold several cells are the label-region reader's.)"""
        return sum(1 for u in self.units if u.kind in CELL_UNITS or (u.kind == "empty" and not u.edge))

    @property
    def empty_row(self) -> bool:
        """A grid row whose every field is empty: a row of blank cells, however many it has
        (a converter that puts two cells in one leaves fewer fields than cells)."""
        return len(self.fields) > 1 and not _has_text(self.fields)


@dataclass(frozen=True)
class LabelAt:
    key: str
    start: int
    end: int
    """Text offsets of the label."""


@dataclass
class Alignment:
    rows: dict[str, list[int]]
    """Row key → indices of its value lines (empty: the row has none)."""
    cost: float
    style: str


def value_lines(
    stream: Stream, start: int, end: int, labels: Sequence[LabelAt], widest: int | None = None
) -> list[ValueLine]:
    """The lines of ``stream.text[start:end]`` that hold values, each with the units after
    any row label on it. Page numbers and heading rows are not value lines."""
    out: list[ValueLine] = []
    text = stream.text
    raw_lines = text[start:end].split("\n")
    vertical = _vertical_text(raw_lines)
    pos = start
    in_header = False
    """Whether the lines since the last value line or text line are a grid's header rows."""
    by_start = sorted(range(len(labels)), key=lambda i: labels[i].start)
    starts = [labels[i].start for i in by_start]
    """The labels (their places in ``labels``) in the order they start: a line's are looked up."""
    for n, line in enumerate(raw_lines):
        a, b = pos, pos + len(line)
        pos = b + 1
        if "\t" not in line and line.strip():
            in_header = False
        if line == "\t":
            # a DOCX dumped a cell a line, each indented by a tab: a lone tab is an empty cell
            out.append(ValueLine((Unit("blank", "", offset=a),), a, b))
            continue
        if not line.strip(" ") or _page_number(line) or n in vertical:
            continue
        # the labels that start on the line, in their order in ``labels``
        first, after = bisect.bisect_left(starts, a), bisect.bisect_left(starts, b)
        on_line = [labels[i] for i in sorted(by_start[first:after])] if after > first else []
        inline = None
        value_from = a
        if on_line:
            last = max(on_line, key=lambda lb: lb.end)
            value_from = min(max(last.end, a), b)
            inline = last.key
        if is_prose(text[value_from:b]):
            continue
        units = _line_units(text[value_from:b], value_from)
        fields = _fields(text[value_from:b], value_from, inline is not None)
        if not any(u.kind in CELL_UNITS for u in units):
            if inline is None and fields and _has_text(fields):
                in_header = True  # a grid row of words that names no row: a header row
            # a grid row of empty cells is a blank row (kept), unless it is among a header's
            # rows (a converter writes the empty tails of wrapped headings as rows too)
            if not (len(fields) > 1 and not _has_text(fields)) or (inline is None and in_header):
                continue
        if inline is not None and len(on_line) > 1:
            continue  # several labels on a line: a run of text, for the label-region reader
        in_header = False
        xs, xs_chars = _positions(stream, a, units, (display_width, len))
        out.append(ValueLine(tuple(units), a, b, inline, fields, xs=xs, xs_chars=xs_chars))
    habit = _trailing_habit(out)
    trailing = [min(habit, trailing_empties(list(ln.fields))) for ln in out]
    # each line was made with none (no copy of the lines that end with no empty field)
    out = [replace(ln, trailing=t) if t else ln for ln, t in zip(out, trailing, strict=True)]
    return [_trailing_blanks(ln, habit, widest) for ln in out] if widest else out


def _trailing_blanks(ln: ValueLine, habit: int, widest: int) -> ValueLine:
    """Empty fields a grid row ends with beyond the table's habit are its last cells, blank
    (``| 5 | 0 | 5 | |``: the 总计 left empty), not a layout artefact, as far as the row has
    cells left for them."""
    extra = trailing_empties(list(ln.fields)) - habit if ln.fields else 0
    extra = min(extra, widest - ln.cells)
    if extra <= 0:
        return ln
    units = list(ln.units)
    ends = [i for i in range(len(units)) if units[i].kind == "empty" and units[i].edge]
    tail = [i for i in ends if i > max((j for j, u in enumerate(units) if u.kind != "empty"), default=-1)]
    for i in tail[:extra]:
        units[i] = Unit("blank", "", offset=units[i].offset)
    return replace(ln, units=tuple(units))


_RAW_NUMBER = re.compile(r"(?<![\d.])\d+(?:,\d{3})*(?:\.\d+)?")
_ASCII_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
"""A number's digits as its unit has them (full-width digits are the same digits)."""


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _positions(
    stream: Stream, start: int, units: Sequence[Unit], measures: Sequence[Callable[[str], int]]
) -> tuple[tuple[float, ...], ...]:
    """Columns (middles, by each of ``measures``) of the line's numbers as the document lays
    them out, when it keeps its spacing (text from ``pdftotext -layout``): matched to the units
    by order and digits, the label's own digits (``1.属于…``) skipped from the left. (The
    numbers are found once for every measure.)"""
    none = tuple(() for _ in measures)
    source = stream.source_at(start)
    raw = stream.raw_lines.get(source.line) if source is not None and source.line is not None else None
    numbers = [u for u in units if u.kind == "number"]
    if raw is None or not numbers:
        return none
    found = [
        (m.group().replace(",", "").translate(_ASCII_DIGITS), m.start(), m.end()) for m in _RAW_NUMBER.finditer(raw)
    ]
    if len(found) < len(numbers):
        return none
    found = found[len(found) - len(numbers) :]
    if [f[0] for f in found] != [u.digits for u in numbers]:
        return none
    return tuple(tuple((measure(raw[:a]) + measure(raw[:b])) / 2 for _, a, b in found) for measure in measures)


LAYOUT_TOLERANCE = 0.5
"""A number stands in the column whose middle is nearest, when it is nearer than this share
of the distance to the next column's."""


Measure = Callable[[str], int]
MEASURES: tuple[Measure, Measure] = (display_width, len)
"""How a page laid out by columns counts them: display width (a monospace page, a Chinese
character two columns) or characters (``pdftotext -layout``)."""


def layout_cells(
    lines: Sequence[ValueLine],
    width: int,
    heads_by: Mapping[Measure, Sequence[float]] | None = None,
    page: Sequence[ValueLine] = (),
) -> list[ValueLine]:
    """Lines laid out by columns that show fewer numbers than ``width`` cells get a field per
    column, empty where the column has a gap (a blank cell). A number stands in the column
    whose middle (from the lines that show every cell) is nearest; without such lines, in the
    column whose heading starts at or before it and before the next heading (``heads``: where
    each heading starts, by each measure): headings stand inside their columns, however
    numbers align. ``page``: the document's other lines laid out by columns, which tell its
    measure where these lines alone cannot (numbers with no label before them)."""
    chars = _by_characters(lines, width, heads_by or {}, page)
    xs_of: Callable[[ValueLine], tuple[float, ...]] = (lambda ln: ln.xs_chars) if chars else (lambda ln: ln.xs)
    heads = (heads_by or {}).get(len if chars else display_width, ())
    full = [xs_of(ln) for ln in lines if len(xs_of(ln)) == width and not ln.fields]
    column: Callable[[float], int | None]
    if full:
        centres = [sorted(xs[j] for xs in full)[len(full) // 2] for j in range(width)]
        gaps = [b - a for a, b in itertools.pairwise(centres)]
        if not gaps or min(gaps) <= 0:
            return list(lines)
        reach = LAYOUT_TOLERANCE * min(gaps)

        def column(x: float) -> int | None:
            j = min(range(width), key=lambda j: abs(centres[j] - x))
            return j if abs(centres[j] - x) <= reach else None

    elif len(heads) == width and all(a < b for a, b in itertools.pairwise(heads)):

        def column(x: float) -> int | None:
            j = bisect.bisect_right(heads, x) - 1
            return j if j >= 0 else None

    else:
        return list(lines)
    out: list[ValueLine] = []
    for ln in lines:
        xs = xs_of(ln)
        if not xs or ln.fields or len(xs) >= width or any(u.kind == "blank" for u in ln.units):
            out.append(ln)
            continue
        found = [column(x) for x in xs]
        cols = [c for c in found if c is not None]
        ok = len(cols) == len(found) and all(a < b for a, b in itertools.pairwise(cols))
        if not ok:
            out.append(ln)
            continue
        numbers = [u for u in ln.units if u.kind == "number"]
        by_col = dict(zip(cols, numbers, strict=True))
        fields = tuple(
            ((("-" if by_col[j].sign < 0 else "") + by_col[j].text), by_col[j].offset) if j in by_col else ("", ln.end)
            for j in range(width)
        )
        out.append(replace(ln, fields=fields))
    return out


def _by_characters(
    lines: Sequence[ValueLine],
    width: int,
    heads_by: Mapping[Measure, Sequence[float]],
    page: Sequence[ValueLine] = (),
) -> bool:
    """Whether the page counts its columns in characters rather than display width. A Chinese
    label before a row's numbers shifts them by its length in the wrong measure, so the page's
    own measure puts the numbers at fewer places; where no line says (numbers alone on their
    lines) and no line shows every cell, the headings do: in the page's measure each number
    stands the same distance from the start of its column's heading."""
    sample = [*lines, *page]
    by_chars, by_display = _columns(ln.xs_chars for ln in sample), _columns(ln.xs for ln in sample)
    if by_chars != by_display or any(len(ln.xs) == width and not ln.fields for ln in lines):
        return by_chars < by_display
    return _offset_spread([ln.xs_chars for ln in lines], heads_by.get(len, ()), width) < _offset_spread(
        [ln.xs for ln in lines], heads_by.get(display_width, ()), width
    )


def _offset_spread(rows: Sequence[tuple[float, ...]], heads: Sequence[float], width: int) -> float:
    """How far the numbers' distances from their columns' heading starts differ (inf when
    the headings do not mark every column or a number stands before the first)."""
    if len(heads) != width or any(a >= b for a, b in itertools.pairwise(heads)):
        return math.inf
    offsets = []
    for row in rows:
        for x in row:
            j = bisect.bisect_right(heads, x) - 1
            if j < 0:
                return math.inf
            offsets.append(x - heads[j])
    if not offsets:
        return math.inf
    mid = sorted(offsets)[len(offsets) // 2]
    return sum(abs(o - mid) for o in offsets)


def _columns(rows: Iterable[tuple[float, ...]]) -> int:
    """Distinct positions the numbers stand at (to the column): few where columns are straight."""
    return len({round(x) for row in rows for x in row})


VERTICAL_RUN = 3
"""Lines of one character each, this many in a row, are a label set vertically in a tall
cell (``三`` / ``、`` / ``本`` …; its ``无`` of （四）无法提供 is no blank cell)."""


def _vertical_text(lines: Sequence[str]) -> set[int]:
    """Indices of lines that belong to a run of single-character lines (blank lines between
    them, as a dump prints them, do not break the run)."""
    out: set[int] = set()
    run: list[int] = []
    for i, line in enumerate([*lines, "end of text"]):
        s = line.strip()
        if not s:
            continue
        if len(s) == 1 and not s.isdigit():
            run.append(i)
            continue
        letters = _without_marks(run, [lines[j].strip() for j in run])
        if len(letters) >= VERTICAL_RUN:
            out.update(letters)
        run = []
    return out




def _without_marks(run: list[int], chars: list[str]) -> list[int]:
    """The lines of a run of one-character lines that are letters of vertical text, not blank
    cells' marks (``/``, ``无``, one a line in a dump) standing before or after the word; a run of
    marks alone is no word. A 无 opens a word only before one of its letters (无 / 法 / 提 / 供)."""
    marks = [fold(c) in CHAR_BLANK_MARKERS or fold(c) in WORD_BLANK_MARKERS for c in chars]
    a, b = 0, len(run)
    while b > a and marks[b - 1]:
        b -= 1  # no label ends in 无
    while a < b and (fold(chars[a]) in CHAR_BLANK_MARKERS or (a + 1 < b and marks[a] and marks[a + 1])):
        a += 1
    return run[a:b]


def _fields(text: str, offset: int, after_label: bool) -> tuple[tuple[str, int], ...]:
    """Tab-separated fields of a grid row's values (the text before the first tab is the rest
    of the label's cell when the label stands on the line)."""
    if "\t" not in text:
        return ()
    out: list[tuple[str, int]] = []
    pos = text.index("\t") + 1 if after_label else 0
    for f in text[pos:].split("\t"):
        out.append((f, offset + pos))
        pos += len(f) + 1
    return tuple(out)


def _page_number(line: str) -> bool:
    """A page footer (``- 3 -``, ``3/6``), alone on its line or alone in a grid row; a grid
    row's cells are never read as one (``| 1 | / | 1 |`` is 1, a blank, 1, not page 1 of 1)."""
    texts = [f for f in line.split("\t") if f.strip()]
    return len(texts) == 1 and PAGE_NUMBER.match(texts[0]) is not None


def _has_text(fields: Sequence[tuple[str, int]]) -> bool:
    return any(f.strip() for f, _ in fields)


def _trailing_habit(lines: Sequence[ValueLine]) -> int:
    """How many empty fields the table's full delimited rows end with (a layout habit)."""
    filled = {i: sum(1 for f, _ in ln.fields if f.strip()) for i, ln in enumerate(lines) if ln.fields}
    if not filled:
        return 0
    full = max(filled.values())
    counts = [trailing_empties(list(lines[i].fields)) for i, n in filled.items() if n == full]
    return max(set(counts), key=counts.count)


_COUNTED = re.compile(r"\d\s*[件条个项次份人户余年月日]")
_WORDS_AFTER_NUMBER = re.compile(r"\d[^\t|]*?[\u4e00-\u9fff]{2}")


def is_prose(text: str) -> bool:
    """A sentence, not a table row: numbers counted in words (``105件``, ``2023年``) or
    words after the numbers (a row's numbers come after its label)."""
    if "\t" in text:
        return False  # a grid row: its cells are the converter's, whatever they hold
    return bool(_COUNTED.search(text) or _WORDS_AFTER_NUMBER.search(text))


def _line_units(text: str, offset: int) -> list[Unit]:
    units = region_units(text, offset)
    if units and units[-1].soft_next:
        # the line's end is a hard boundary: the next line's first number is not this one's
        units[-1] = replace(units[-1], soft_next=False)
    if "\t" in text:
        # an empty cell between two values of a grid row is there: blank (perhaps two blank
        # cells a converter put in one), never nothing
        units = [Unit("blank", "", offset=u.offset) if u.kind == "empty" and not u.edge else u for u in units]
    return units


def label_slot(lines: Sequence[ValueLine], label: LabelAt) -> int:
    """Index of the first value line after the label (len(lines) when none)."""
    for i, ln in enumerate(lines):
        if ln.start >= label.end or (ln.inline == label.key and ln.start <= label.start < ln.end):
            return i
    return len(lines)


def one_cell_per_line(lines: Sequence[ValueLine]) -> bool:
    return bool(lines) and sum(1 for ln in lines if ln.cells == 1) >= ONE_CELL_SHARE * len(lines)


@dataclass
class CostModel:
    """What an assignment of value lines to rows costs (see the module's docstring)."""

    lines: Sequence[ValueLine]
    labels: dict[str, LabelAt]
    style: str
    sums: bool = False
    order: Sequence[str] = ()
    """The template's row keys in order (labels printed together form runs, see ``_runs``)."""
    """Each row's last cell is the sum of the others (table 3): a row of lines whose numbers
    cannot add up that way costs as much as a broken identity."""
    one_cell: bool = False
    slots: dict[str, int] = field(default_factory=dict)
    inline_at: dict[int, str] = field(default_factory=dict)
    cells: list[int] = field(default_factory=list)
    skips: list[float] = field(default_factory=list)
    sorted_slots: list[int] = field(default_factory=list)
    run_before: dict[str, int] = field(default_factory=dict)
    run_after: dict[str, int] = field(default_factory=dict)
    sums_prefix: list[float] = field(default_factory=list)
    nonzero: list[int] = field(default_factory=list)
    _memo: dict[tuple[str, int, int, int], float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.one_cell = one_cell_per_line(self.lines)
        self.slots = {k: label_slot(self.lines, lb) for k, lb in self.labels.items()}
        self.sorted_slots = sorted(self.slots.values())
        self.run_before, self.run_after = self._runs()
        self.inline_at = {i: ln.inline for i, ln in enumerate(self.lines) if ln.inline}
        self.cells = [0]
        self.skips = [0.0]
        self.sums_prefix = [0.0]
        self.nonzero = [0]
        for ln in self.lines:
            self.sums_prefix.append(self.sums_prefix[-1] + sum(x for x in ln.numbers if x == x))
            self.nonzero.append(self.nonzero[-1] + sum(1 for x in ln.numbers if x != 0))
        skip = COST_SKIP_CELL_LINE if self.one_cell else COST_SKIP_LINE
        for ln in self.lines:
            self.cells.append(self.cells[-1] + ln.cells)
            self.skips.append(self.skips[-1] + skip + COST_SKIP_UNIT * ln.cells)

    def skip(self, a: int, b: int) -> float:
        """Passing over lines a..b-1 (none may carry a label)."""
        if any(i in self.inline_at for i in range(a, b)):
            return math.inf
        return self.skips[b] - self.skips[a]

    def row(self, key: str, width: int, a: int, t: int) -> float:
        """Row ``key`` taking lines a..a+t-1 (memoised: the search asks again and again)."""
        memo = (key, width, a, t)
        cost = self._memo.get(memo)
        if cost is None:
            cost = self._memo[memo] = self._row(key, width, a, t)
        return cost

    def _row(self, key: str, width: int, a: int, t: int) -> float:
        if t:
            if self.inline_at.get(a) not in (None, key):
                return math.inf
            if any(i in self.inline_at for i in range(a + 1, a + t)):
                return math.inf
            k = bisect.bisect_right(self.sorted_slots, a)
            if k < len(self.sorted_slots) and self.sorted_slots[k] < a + t:
                return math.inf  # a row label between two of the row's lines: not one row
            got = self.cells[a + t] - self.cells[a]
            if got > width:
                return math.inf
            room = self.lines[a].span if t == 1 else None
            if (room is not None and room >= width) or (t == 1 and self.lines[a].empty_row):
                got = width  # a delimited row with a field for every cell: its empty ones are blank
            if t > 1 and any((ln.span or 0) >= width or ln.empty_row for ln in self.lines[a : a + t]):
                return math.inf  # a grid row with a field for every cell is a row by itself
            if t > 1 and len({bool(ln.fields) for ln in self.lines[a : a + t]}) > 1:
                return math.inf  # a bare number beside a grid's row is a page number or a stray
            if self.one_cell:
                missing = COST_MISSING_CELL_DUMP
            elif room is not None:
                missing = COST_MISSING_CELL_GRID
            else:
                missing = COST_MISSING_CELL_ROW
            cost = missing * (width - got)
            if self.sums and not self._adds_up(a, t):
                cost += COST_UNBALANCED_ROW
            if not self.one_cell:
                cost += COST_EXTRA_LINE * (t - 1)
        else:
            cost = 0.0 if key not in self.slots else COST_EMPTY_ROW_DUMP if self.one_cell else COST_EMPTY_ROW
        return cost + self._label(key, a, t)

    def _adds_up(self, a: int, t: int) -> bool:
        """The numbers of lines a..a+t-1 can be a row whose last cell is the sum of the
        others: the last number is the sum of the rest, or all are 0 (the total left blank)."""
        b = a + t
        if self.nonzero[b] == self.nonzero[a]:
            return True
        last = next((self.lines[i].numbers[-1] for i in range(b - 1, a - 1, -1) if self.lines[i].numbers), 0.0)
        total = self.sums_prefix[b] - self.sums_prefix[a]
        return abs(total - 2 * last) < 1e-6

    def _runs(self) -> tuple[dict[str, int], dict[str, int]]:
        """For each labelled row, how many rows just before / after it (in template order)
        have their labels printed together with its label, with no numbers between: a block
        of labels names a block of rows, the first label the first row."""
        keyed = [k for k in self.order if k in self.slots]
        before: dict[str, int] = {}
        after: dict[str, int] = {}
        i = 0
        while i < len(keyed):
            j = i
            while j + 1 < len(keyed) and self.slots[keyed[j + 1]] == self.slots[keyed[i]]:
                j += 1
            for n, k in enumerate(keyed[i : j + 1]):
                before[k], after[k] = n, j - i - n
            i = j + 1
        return before, after

    def _label(self, key: str, a: int, t: int) -> float:
        if key not in self.slots:
            return COST_NO_LABEL if t else COST_ABSENT_ROW
        s = self.slots[key]
        if t and self.inline_at.get(a) == key:
            return 0.0
        if self.style == "before":
            before, after = COST_LABEL_NEAR, COST_LABEL_OTHER_SIDE
        else:
            before, after = COST_LABEL_OTHER_SIDE, COST_LABEL_NEAR_AFTER
        if s == a:
            return before if t else COST_LABEL_NEAR
        if t and s == a + t:
            return after
        reach = self.max_lines
        if t and s < a <= s + self.run_before.get(key, 0) * reach:
            return before  # a later label of a block of labels printed before their rows
        if t and a + t < s <= a + t + self.run_after.get(key, 0) * reach:
            return after  # an earlier label of a block printed after its rows' numbers
        target = a if t == 0 else (a if abs(s - a) <= abs(s - (a + t)) else a + t)
        return COST_LABEL_FAR + COST_LABEL_PER_LINE * abs(s - target)

    def max_take(self, rows: Sequence[tuple[str, int]]) -> int:
        return max(w for _, w in rows) + 2 if self.one_cell else 2

    @property
    def max_lines(self) -> int:
        """Lines a row may take (for the reach of a block of labels)."""
        return 9 if self.one_cell else 2

    def of(self, rows: Sequence[tuple[str, int]], assignment: dict[str, list[int]]) -> float:
        """The cost of a given assignment (rows' lines consecutive and in order), or inf."""
        total, j = 0.0, 0
        for key, width in rows:
            idx = assignment.get(key, [])
            if idx:
                if idx != list(range(idx[0], idx[-1] + 1)) or idx[0] < j:
                    return math.inf
                total += self.skip(j, idx[0]) + self.row(key, width, idx[0], len(idx))
                j = idx[-1] + 1
            else:
                total += self.row(key, width, j, 0)
        return total + self.skip(j, len(self.lines))


def align(
    lines: Sequence[ValueLine],
    rows: Sequence[tuple[str, int]],
    labels: dict[str, LabelAt],
    style: str,
    sums: bool = False,
) -> Alignment | None:
    """The least-cost assignment of ``lines`` to ``rows`` ((key, width) in template order),
    each row taking consecutive lines. ``style``: where loose labels stand ("before"/"after"
    their numbers) — the other side costs more. None when no assignment fits."""
    m, n = len(lines), len(rows)
    if not m or not n:
        return None
    model = CostModel(lines, labels, style, sums, [k for k, _ in rows])
    max_take = model.max_take(rows)
    inf = math.inf
    best = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for r, (key, width) in enumerate(rows):
        for j in range(m + 1):
            base = best[r][j]
            if base == inf:
                continue
            for s in range(0, min(MAX_SKIP, m - j) + 1):
                pre = base + model.skip(j, j + s)
                if pre == inf:
                    break  # a line with a label on it is a row's, not a stray
                a = j + s
                for t in range(0, min(max_take, m - a) + 1):
                    step = model.row(key, width, a, t)
                    if step == inf:
                        if t:
                            break
                        continue
                    total = pre + step
                    if total < best[r + 1][a + t]:
                        best[r + 1][a + t] = total
                        back[r + 1][a + t] = (j, a)
        # states far costlier than the row's best are never part of a near-best alignment
        floor = min(best[r + 1]) + BEAM
        best[r + 1] = [c if c <= floor else inf for c in best[r + 1]]
    end_cost = [best[n][j] + model.skip(j, m) for j in range(m + 1)]
    j = min(range(m + 1), key=lambda x: end_cost[x])
    if end_cost[j] == inf:
        return None
    total = end_cost[j]
    out: dict[str, list[int]] = {}
    for r in range(n, 0, -1):
        step_back = back[r][j]
        assert step_back is not None
        prev, a = step_back
        out[rows[r - 1][0]] = list(range(a, j))
        j = prev
    return Alignment(out, total, style)


BEAM = 15.0
"""Partial alignments costing this much more than the best one after the same row are
dropped (far beyond any margin within which two readings are weighed against each other)."""
MAX_SHIFT = 2
"""Lines a boundary between two rows is moved, at most, to find readings almost as good."""
MAX_RIVALS = 8


def rivals(al: Alignment, model: CostModel, rows: Sequence[tuple[str, int]], margin: float) -> list[Alignment]:
    """Alignments that differ from ``al`` in one boundary between two rows (moved by up to
    ``MAX_SHIFT`` lines) and cost less than ``margin`` more: where nothing on the page pins
    the boundary (a dump that drops blank cells, labels all on one side of a block of
    numbers), the identities must choose, or the cells stay open."""
    out: list[tuple[float, Alignment]] = []
    keys = [k for k, _ in rows]
    width = dict(rows)
    for r in range(len(keys) - 1):
        a, b = keys[r], keys[r + 1]
        la, lb = al.rows.get(a, []), al.rows.get(b, [])
        if not la or not lb:
            continue
        start, cut, end = la[0], lb[0], lb[-1] + 1
        before = model.row(a, width[a], start, cut - start) + model.row(b, width[b], cut, end - cut)
        if not math.isfinite(before):
            continue
        for d in range(-MAX_SHIFT, MAX_SHIFT + 1):
            new = cut + d
            if d == 0 or not start < new < end:
                continue
            after = model.row(a, width[a], start, new - start) + model.row(b, width[b], new, end - new)
            if math.isfinite(after) and after - before < margin:
                rows2 = dict(al.rows)
                rows2[a] = list(range(start, new))
                rows2[b] = list(range(new, end))
                out.append((after - before, Alignment(rows2, al.cost + after - before, al.style)))
    out.sort(key=lambda x: x[0])
    return [x[1] for x in out[:MAX_RIVALS]]


def plainly_aligned(
    al: Alignment, lines: Sequence[ValueLine], labels: dict[str, LabelAt], rows: Sequence[tuple[str, int]]
) -> tuple[bool, list[str]]:
    """Whether the alignment follows the page without inference (every line a row's, every
    row with lines filling its cells or with its label on or right beside its numbers), and
    the rows named only by counting through a block of labels printed together: those are
    right only if the page prints rows one after the other, which their own sums must vouch
    for (plain ``pdftotext`` may print a table column by column)."""
    model = CostModel(lines, labels, al.style, False, [k for k, _ in rows])
    used = {i for idx in al.rows.values() for i in idx}
    counted: list[str] = []
    if len(lines) == len(rows) and all(al.rows.get(k) == [i] for i, (k, _) in enumerate(rows)):
        return True, counted  # a line for every row, in the template's order: the page's own order
    if any(i not in used and lines[i].cells > 1 for i in range(len(lines))):
        return False, counted  # a lone number passed over is a page number; more is a row dropped
    near = COST_LABEL_NEAR if al.style == "before" else COST_LABEL_NEAR_AFTER
    for key, width in rows:
        idx = al.rows.get(key, [])
        if not idx:
            continue
        full = model.cells[idx[-1] + 1] - model.cells[idx[0]] >= width or (
            len(idx) == 1 and (lines[idx[0]].span or 0) >= width
        )
        slot = model.slots.get(key)
        adjacent = slot is None or model.inline_at.get(idx[0]) == key or slot in (idx[0], idx[-1] + 1)
        if not adjacent and not full:
            return False, counted  # named by a block of labels and short of cells: a guess
        if not adjacent:
            counted.append(key)
        if len(idx) == 1 and model.inline_at.get(idx[0]) == key:
            continue  # a line that prints its own label is that row's, whichever cells it leaves blank
        if len(idx) == 1 and adjacent and lines[idx[0]].fields:
            continue  # a grid row right beside its label: a row by itself, whichever cells it merges
        if adjacent and model.row(key, width, idx[0], len(idx)) > near + 1e-9 and not full:
            return False, counted
    return True, counted


def lines_of_units(lines: Sequence[ValueLine], offsets: Sequence[int]) -> list[int] | None:
    """The value lines holding units at ``offsets`` (None when one is on no value line)."""
    out: list[int] = []
    for off in offsets:
        i = next((i for i, ln in enumerate(lines) if ln.start <= off <= ln.end), None)
        if i is None:
            return None
        if i not in out:
            out.append(i)
    return sorted(out)


def units_of_lines(lines: Sequence[ValueLine], indices: Sequence[int]) -> list[Unit]:
    """The units of a row's lines, one after the other (a line break is a hard boundary)."""
    out: list[Unit] = []
    for i in indices:
        out.extend(lines[i].units)
    return out
