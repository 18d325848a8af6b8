"""Tables printed one cell a line (a site's text export of its HTML tables, seen on a 陕西 page).

Every ``<td>`` stands on a line of its own ending in `` |`` (a blank one a bare ``|``), and
each row ends with one line of as many pipes as the row has fewer cells than the grid is wide
(the slots its merged cells cover)::

    第二十条第(一)项 |
    |||
    信息内容 |
    ...
    一、本年新收政府信息公开申请数量 |
    |
    0 |
    ||

A second export prints each cell's text and then a line of one ``|`` (a 新疆 page), with no
pads, a narrow heading wrapped over two lines (``商业`` / ``企业``)::

    规章
    |
    0
    |

Its rows are not marked and cannot be told from the text alone; its cells are given on as a
cell a line, each indented by a tab (as a DOCX dump has them), a blank one a lone tab, and the
parser lays them out by the template's rows.

Some exports open each row with a bare ``|`` line too; a first slot empty in every row is that.

Rows are not marked in the first either, but every row holds exactly the grid's width of cells, counting each pipe
of a padding line as one, and a padding line never runs past its row's end; that fixes the
width. A padding line of one pipe cannot be told from a blank cell, so pads are placed by the
row's content: in a row of numbers they are the slots its labels span (before its first
number, where the page has them); in a heading row they are left at its end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.model.report import Source
from gongkai.model.template import BLANK_MARKERS, MEASURE_WORDS, PERCENT
from gongkai.readers.document import GridCell

_CELL_LINE = re.compile(r"^\s*([^|]*?)\s*\|(?:\s*(\|+))?\s*$")
"""One cell: its text (maybe none) and the pipe that closes it; then, on the row's last cell's
line, the row's pads where an export runs them on (`` 第二十条第(一)项  | |||``, a 重庆 page)."""
_PAD_LINE = re.compile(r"^\s*(\|{2,})\s*$")
"""Two or more pipes alone: the row's end, padding the slots its merged cells cover."""
_NUMBER = re.compile(r"^[-+增减]?\s*\d[\d,.]*\s*(?:" + "|".join((*MEASURE_WORDS, PERCENT, "％")) + ")?$")
"""A number in a cell (with a unit or sign); a row's numbers follow its labels."""

MIN_RUN_LINES = 12
"""Cell lines in a row for a run to be a table (a short run is a stray pipe or two)."""
MAX_WIDTH = 40
"""Widest grid tried (the template's widest table has 15 columns)."""


@dataclass(frozen=True)
class _Slot:
    text: str | None
    """The cell's text, or None for a pad (a slot a merged cell covers)."""
    line: int
    """Index of the line it came from, in the run."""


def is_cell_line(line: str) -> bool:
    if not line.rstrip().endswith("|"):  # most lines: one test, no pattern
        return False
    return bool(_CELL_LINE.match(line) or _PAD_LINE.match(line))


def run_end(lines: list[str], start: int) -> int:
    """End of the run of cell lines from ``start`` (``start`` itself when there is none)."""
    end = start
    while end < len(lines) and is_cell_line(lines[end]):
        end += 1
    return end


def _slots(lines: list[str]) -> list[_Slot]:
    out: list[_Slot] = []
    for i, line in enumerate(lines):
        pad = _PAD_LINE.match(line)
        if pad is not None:
            out.extend(_Slot(None, i) for _ in pad.group(1))
        else:
            m = _CELL_LINE.match(line)
            assert m is not None
            out.append(_Slot(m.group(1), i))
            out.extend(_Slot(None, i) for _ in m.group(2) or "")
    return out


def _fits(slots: list[_Slot], pads: list[tuple[int, int]], width: int) -> bool:
    """Every row ``width`` slots and no padding line across a row's end or filling a row."""
    if len(slots) % width:
        return False
    return all(k < width and (start + k) % width == 0 for start, k in pads)


def grid_width(slots: list[_Slot]) -> int | None:
    """The one width every padding line fits, the smallest if several do; None if none does or
    the run has no padding line of two or more pipes (nothing then shows it is a grid)."""
    pads: list[tuple[int, int]] = []
    i = 0
    while i < len(slots):
        if slots[i].text is None:
            j = i
            while j < len(slots) and slots[j].text is None and slots[j].line == slots[i].line:
                j += 1
            pads.append((i, j - i))
            i = j
        else:
            i += 1
    if not pads:
        return None
    for width in range(max(k for _, k in pads) + 1, min(MAX_WIDTH, len(slots)) + 1):
        if _fits(slots, pads, width):
            return width
    return None


def _is_value(text: str) -> bool:
    """A cell of a row's numbers: a number, or blank however the page marks it (``/``, ``无``)."""
    return text in BLANK_MARKERS or bool(_NUMBER.match(text))


def _tail_start(row: list[_Slot]) -> int:
    """Index of the first slot after the row's last label (0 in a row of numbers alone)."""
    return max((i + 1 for i, s in enumerate(row) if s.text and not _is_value(s.text)), default=0)


def _has_values(row: list[_Slot]) -> bool:
    """A row of numbers: cells (blank ones too) follow its labels."""
    return any(s.text is not None for s in row[_tail_start(row) :])


def _sure_tail(row: list[_Slot]) -> int | None:
    """How many cells follow the row's labels, when the row shows it: its pads are a line of two
    or more pipes, or its last cell has text (a bare ``|`` at its end may be a pad or a blank)."""
    if row[-1].text == "":
        return None
    return sum(1 for s in row[_tail_start(row) :] if s.text is not None)


def _segments(rows: list[list[_Slot]]) -> list[list[int]]:
    """Runs of rows of numbers between heading rows (each of table 2's little tables its own)."""
    out: list[list[int]] = []
    fresh = True
    for i, row in enumerate(rows):
        if not _has_values(row):
            fresh = True
            continue
        if fresh:
            out.append([])
            fresh = False
        out[-1].append(i)
    return out


def _place(row: list[_Slot], values: int | None) -> list[_Slot]:
    """The row with its pads where its merged cells stand: after its last label when numbers
    follow it, else at its end. ``values``: how many cells the rows of its segment have after
    their labels; blank cells past that are pads printed as bare ``|`` lines."""
    start = _tail_start(row)
    pads = [s for s in row if s.text is None]
    labels = [s for s in row[:start] if s.text is not None]
    tail = [s for s in row[start:] if s.text is not None]
    if values is not None:
        while len(tail) > values and tail[-1].text == "":
            pads.append(_Slot(None, tail.pop().line))
    if not start or not _has_values(row):
        return labels + tail + pads
    return labels + pads + tail


def cell_line_rows(lines: list[str], first_line: int) -> list[list[GridCell | None]] | None:
    """The run's grid rows (pads as None, as a merged cell's covered slots), or None when the
    run is not a grid of this shape. ``first_line``: the run's first line number (1-based)."""
    if len(lines) < MIN_RUN_LINES:
        return None
    slots = _slots(lines)
    width = grid_width(slots)
    if width is None:
        return None
    raw = [slots[r : r + width] for r in range(0, len(slots), width)]
    if all(row[0].text == "" for row in raw):
        # every row opens with a bare ``|`` line (a 北京 page): its opening pipe, not a cell
        raw = [row[1:] for row in raw]
    values: dict[int, int] = {}
    for segment in _segments(raw):
        sure = [n for n in (_sure_tail(raw[i]) for i in segment) if n is not None]
        if sure:
            most = max(set(sure), key=lambda n: (sure.count(n), -n))
            values.update(dict.fromkeys(segment, most))
    rows: list[list[GridCell | None]] = []
    for i, row in enumerate(raw):
        placed = _place(row, values.get(i))
        rows.append(
            [
                None if s.text is None else GridCell(s.text, Source(None, first_line + s.line, None, len(rows), j))
                for j, s in enumerate(placed)
            ]
        )
    return rows


MAX_WRAPPED_LINE = 8
"""Characters of a line that continues a cell's text (a heading wrapped in a narrow cell)."""
MIN_PIPE_AFTER_CELLS = 12
"""Cells for a run of ``text`` / ``|`` lines to be a table."""


def _is_pipe(line: str) -> bool:
    return line.strip() == "|"


def pipe_after_cells(lines: list[str], start: int) -> tuple[list[tuple[str, int]], int] | None:
    """The cells of a run of cells each closed by a ``|`` line, from ``start`` (whose next line
    must be the first ``|``), with the index of each cell's first line; and the run's end. None
    when there is no such run there. A cell is a line (or none: a blank cell), or a few short
    lines of one wrapped heading."""
    if start + 1 >= len(lines) or "|" in lines[start] or not _is_pipe(lines[start + 1]):
        return None
    cells: list[tuple[str, int]] = []
    i = start
    while i < len(lines):
        j = i
        while j < len(lines) and not _is_pipe(lines[j]) and j - i < 3:
            if "|" in lines[j] or (j > i and len(lines[j].strip()) > MAX_WRAPPED_LINE):
                break
            j += 1
        if j >= len(lines) or not _is_pipe(lines[j]):
            break
        cells.append(("".join(x.strip() for x in lines[i:j]), i))
        i = j + 1
    if len(cells) < MIN_PIPE_AFTER_CELLS:
        return None
    return cells, i
