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

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from gongkai.parse.cells import Unit, region_units
from gongkai.parse.decode import CELL_UNITS
from gongkai.parse.stream import PAGE_NUMBER, Stream

ONE_CELL_SHARE = 0.6
"""A table whose value lines hold one cell each this often is a one-cell-per-line dump."""
MAX_SKIP = 3
"""Value lines that may be passed over between two rows (page numbers, stray numbers)."""
COST_SKIP_LINE = 1.5
COST_SKIP_UNIT = 0.3
COST_MISSING_CELL_DUMP = 0.6
"""A cell a row lacks in a one-cell-per-line dump (a blank cell leaves no line there)."""
COST_MISSING_CELL_ROW = 1.6
"""A cell a number row lacks (its blanks are usually printed as empty cells)."""
COST_EXTRA_LINE = 0.8
"""A row spread over several number rows (rare outside one-cell-per-line dumps)."""
COST_EMPTY_ROW = 1.0
"""A row whose label is there with no numbers at all (a blank row)."""
COST_ABSENT_ROW = 0.3
"""A row with neither label nor numbers (a table cut short, a row the report left out)."""
COST_NO_LABEL = 0.4
COST_LABEL_NEAR = 0.1
COST_LABEL_OTHER_SIDE = 0.6
COST_LABEL_FAR = 2.0
COST_LABEL_PER_LINE = 0.5
LABEL_STYLES = ("before", "after")


@dataclass(frozen=True)
class ValueLine:
    units: tuple[Unit, ...]
    start: int
    end: int
    inline: str | None = None
    """The row whose label stands on this line before its numbers."""

    @property
    def cells(self) -> int:
        """Cells the line fills: its numbers and blank markers, and the empty cells between
        them. (Runs of digits that hold several cells are the label-region reader's.)"""
        return sum(1 for u in self.units if u.kind in CELL_UNITS or (u.kind == "empty" and not u.edge))


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


def value_lines(stream: Stream, start: int, end: int, labels: Sequence[LabelAt]) -> list[ValueLine]:
    """The lines of ``stream.text[start:end]`` that hold values, each with the units after
    any row label on it. Page numbers and heading rows are not value lines."""
    out: list[ValueLine] = []
    text = stream.text
    pos = start
    for line in text[start:end].split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        if not line.strip() or PAGE_NUMBER.match(line.replace("\t", " ")):
            continue
        on_line = [lb for lb in labels if a <= lb.start < b]
        inline = None
        value_from = a
        if on_line:
            last = max(on_line, key=lambda lb: lb.end)
            value_from = min(max(last.end, a), b)
            inline = last.key
        if _is_prose(text[value_from:b]):
            continue
        units = _line_units(text[value_from:b], value_from)
        if not any(u.kind in CELL_UNITS for u in units):
            continue
        if inline is not None and len(on_line) > 1:
            continue  # several labels on a line: a run of text, for the label-region reader
        out.append(ValueLine(tuple(units), a, b, inline))
    return out


_COUNTED = re.compile(r"\d\s*[件条个项次份人户余万亿元%年月日]")
_WORDS_AFTER_NUMBER = re.compile(r"\d[^\t|]*?[\u4e00-\u9fff]{2}")


def _is_prose(text: str) -> bool:
    """A sentence, not a table row: numbers counted in words (``105件``, ``2023年``) or
    words after the numbers (a row's numbers come after its label)."""
    if "\t" in text:
        return False  # a grid row: its cells are the converter's, whatever they hold
    return bool(_COUNTED.search(text) or _WORDS_AFTER_NUMBER.search(text))


def _line_units(text: str, offset: int) -> list[Unit]:
    units = region_units(text, offset)
    if units:
        # the line's end is a hard boundary: the next line's first number is not this one's
        units[-1] = replace(units[-1], soft_next=False)
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
    one_cell: bool = False
    slots: dict[str, int] = field(default_factory=dict)
    inline_at: dict[int, str] = field(default_factory=dict)
    cells: list[int] = field(default_factory=list)
    skips: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.one_cell = one_cell_per_line(self.lines)
        self.slots = {k: label_slot(self.lines, lb) for k, lb in self.labels.items()}
        self.inline_at = {i: ln.inline for i, ln in enumerate(self.lines) if ln.inline}
        self.cells = [0]
        self.skips = [0.0]
        for ln in self.lines:
            self.cells.append(self.cells[-1] + ln.cells)
            self.skips.append(self.skips[-1] + COST_SKIP_LINE + COST_SKIP_UNIT * ln.cells)

    def skip(self, a: int, b: int) -> float:
        """Passing over lines a..b-1 (none may carry a label)."""
        if any(i in self.inline_at for i in range(a, b)):
            return math.inf
        return self.skips[b] - self.skips[a]

    def row(self, key: str, width: int, a: int, t: int) -> float:
        """Row ``key`` taking lines a..a+t-1."""
        if t:
            if self.inline_at.get(a) not in (None, key):
                return math.inf
            if any(i in self.inline_at for i in range(a + 1, a + t)):
                return math.inf
            got = self.cells[a + t] - self.cells[a]
            if got > width:
                return math.inf
            missing = COST_MISSING_CELL_DUMP if self.one_cell else COST_MISSING_CELL_ROW
            cost = missing * (width - got)
            if not self.one_cell:
                cost += COST_EXTRA_LINE * (t - 1)
        else:
            cost = 0.0 if key not in self.slots else COST_EMPTY_ROW
        return cost + self._label(key, a, t)

    def _label(self, key: str, a: int, t: int) -> float:
        if key not in self.slots:
            return COST_NO_LABEL if t else COST_ABSENT_ROW
        s = self.slots[key]
        if t and self.inline_at.get(a) == key:
            return 0.0
        near, other = COST_LABEL_NEAR, COST_LABEL_OTHER_SIDE
        before, after = (near, other) if self.style == "before" else (other, near)
        if s == a:
            return before if t else COST_LABEL_NEAR
        if t and s == a + t:
            return after
        target = a if t == 0 else (a if abs(s - a) <= abs(s - (a + t)) else a + t)
        return COST_LABEL_FAR + COST_LABEL_PER_LINE * abs(s - target)

    def max_take(self, rows: Sequence[tuple[str, int]]) -> int:
        return max(w for _, w in rows) + 2 if self.one_cell else 2

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
) -> Alignment | None:
    """The least-cost assignment of ``lines`` to ``rows`` ((key, width) in template order),
    each row taking consecutive lines. ``style``: where loose labels stand ("before"/"after"
    their numbers) — the other side costs more. None when no assignment fits."""
    m, n = len(lines), len(rows)
    if not m or not n:
        return None
    model = CostModel(lines, labels, style)
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


def lines_of_units(lines: Sequence[ValueLine], offsets: Sequence[int]) -> list[int] | None:
    """The value lines holding units at ``offsets`` (None when one is on no value line)."""
    out: list[int] = []
    for off in offsets:
        i = next((i for i, ln in enumerate(lines) if ln.start <= off < ln.end), None)
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
