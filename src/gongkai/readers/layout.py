"""Positioned characters → visual lines and cell texts; grids joined across page breaks.

Shared by the text-layer PDF path and the OCR path: both hand over boxes in a top-left
frame, in page units (points or pixels).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from gongkai.model.report import Source
from gongkai.model.text import despace
from gongkai.readers.document import Block, Grid, GridCell
from gongkai.readers.grid_lines import TableLines

LINE_OVERLAP = 0.5
"""Two characters share a line when their vertical extents overlap this much of the smaller."""
SPACE_GAP = 0.3
"""A horizontal gap wider than this fraction of the line height is a space."""
MARGIN_BAND = 0.09
"""Top and bottom bands of the page (fraction of its height) where running heads live."""
_PAGE_NUMBER = re.compile(r"^[-—–－_\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/共]\s*\d{1,4}\s*页?)?[-—–－_\s]*$")
_NUMBERED = re.compile(r"^\s*(?:[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、|\d+[.、．])")
_CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


class Glyph(Protocol):
    text: str
    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class Line:
    text: str
    bbox: tuple[float, float, float, float]


def group_lines(glyphs: Sequence[Glyph]) -> list[list[Glyph]]:
    """Glyphs grouped into visual lines, top to bottom, each left to right."""
    lines: list[tuple[float, float, list[Glyph]]] = []
    for g in sorted(glyphs, key=lambda g: (g.y0 + g.y1) / 2):
        h = max(g.y1 - g.y0, 1e-6)
        if lines:
            y0, y1, members = lines[-1]
            overlap = min(y1, g.y1) - max(y0, g.y0)
            if overlap >= LINE_OVERLAP * min(h, y1 - y0):
                members.append(g)
                lines[-1] = (min(y0, g.y0), max(y1, g.y1), members)
                continue
        lines.append((g.y0, g.y1, [g]))
    return [sorted(m, key=lambda g: g.x0) for _, _, m in lines]


def line_text(glyphs: Sequence[Glyph]) -> str:
    """The glyphs' text with spaces where the gaps are wide, CJK spacing removed."""
    parts: list[str] = []
    prev: Glyph | None = None
    for g in glyphs:
        if prev is not None and not g.text.isspace() and not (parts and parts[-1].endswith(" ")):
            height = max(prev.y1 - prev.y0, g.y1 - g.y0)
            if g.x0 - prev.x1 > SPACE_GAP * height:
                parts.append(" ")
        parts.append(g.text)
        prev = g
    return despace(" ".join("".join(parts).split()))


def to_lines(glyphs: Sequence[Glyph]) -> list[Line]:
    out = []
    for members in group_lines(glyphs):
        text = line_text(members)
        if not text:
            continue
        bbox = (
            min(g.x0 for g in members),
            min(g.y0 for g in members),
            max(g.x1 for g in members),
            max(g.y1 for g in members),
        )
        out.append(Line(text, bbox))
    return out


def join_cell_lines(texts: Sequence[str]) -> str:
    """Lines wrapped inside a cell: no space where CJK meets, one space otherwise."""
    out = ""
    for t in texts:
        if not out:
            out = t
        elif _CJK.match(t[:1]) or _CJK.match(out[-1:]) or (t[:1].isdigit() and out[-1:].isdigit()):
            # a number wrapped in a narrow column is still one number
            out += t
        else:
            out += " " + t
    return out


def is_page_furniture(line: Line, page_height: float) -> bool:
    """A page number in the top or bottom band of the page."""
    band = MARGIN_BAND * page_height
    in_band = line.bbox[3] <= band or line.bbox[1] >= page_height - band
    return in_band and bool(_PAGE_NUMBER.match(line.text))


def inside(bbox: tuple[float, float, float, float], region: tuple[float, float, float, float]) -> bool:
    cx, cy = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    return region[0] <= cx <= region[2] and region[1] <= cy <= region[3]


def fill_grid(
    table: TableLines,
    glyphs: Sequence[Glyph],
    page: int,
    block: int,
    scale: float = 1.0,
) -> Grid:
    """A Grid from ruled cells, each cell's text from the glyphs whose centre is inside.
    ``scale`` converts the frame's units to points for the stored boxes."""
    per_cell: list[list[Glyph]] = [[] for _ in table.cells]
    lookup = _origin_lookup(table)
    for g in glyphs:
        i = _cell_index(table, lookup, (g.x0 + g.x1) / 2, (g.y0 + g.y1) / 2)
        if i is not None:
            per_cell[i].append(g)
    rows: list[list[GridCell | None]] = [[None] * table.n_cols for _ in range(table.n_rows)]
    for cb, members in zip(table.cells, per_cell, strict=True):
        text = join_cell_lines([line_text(m) for m in group_lines(members)])
        bbox = tuple(round(v * scale, 2) for v in cb.bbox)
        src = Source(page=page, block=block, row=cb.row, col=cb.col, bbox=bbox)  # type: ignore[arg-type]
        rows[cb.row][cb.col] = GridCell(text, src, cb.rowspan, cb.colspan)
    tb = tuple(round(v * scale, 2) for v in table.bbox)
    return Grid(rows, Source(page=page, block=block, bbox=tb))  # type: ignore[arg-type]


def _cell_index(table: TableLines, lookup: dict[tuple[int, int], int], x: float, y: float) -> int | None:
    if not (table.xs[0] <= x <= table.xs[-1] and table.ys[0] <= y <= table.ys[-1]):
        return None
    c = next((i for i in range(table.n_cols) if x <= table.xs[i + 1]), table.n_cols - 1)
    r = next((i for i in range(table.n_rows) if y <= table.ys[i + 1]), table.n_rows - 1)
    return lookup.get((r, c))


def _origin_lookup(table: TableLines) -> dict[tuple[int, int], int]:
    lookup: dict[tuple[int, int], int] = {}
    for i, cb in enumerate(table.cells):
        for r in range(cb.row, cb.row + cb.rowspan):
            for c in range(cb.col, cb.col + cb.colspan):
                lookup[(r, c)] = i
    return lookup


# --- tables continued across a page break ------------------------------------------------

COLUMN_MATCH = 0.02
"""Column rules of a continued table agree within this fraction of the table width."""


def join_continued(blocks: list[Block]) -> list[Block]:
    """Join a Grid with the Grid that continues it at the top of the next page."""
    out: list[Block] = []
    for b in blocks:
        prev = out[-1] if out else None
        if isinstance(b, Grid) and isinstance(prev, Grid) and _continues(prev, b):
            out[-1] = _join(prev, b)
        else:
            out.append(b)
    return out


def _col_edges(g: Grid) -> list[float]:
    edges: list[float] = []
    for row in g.rows:
        for c in row:
            if c is not None and c.source.bbox is not None:
                edges += [c.source.bbox[0], c.source.bbox[2]]
    return edges


def _continues(a: Grid, b: Grid) -> bool:
    pa, pb = a.source.page, b.source.page
    if pa is None or pb is None or pb != pa + 1:
        return False
    ab, bb = a.source.bbox, b.source.bbox
    if ab is None or bb is None:
        return False
    width = max(ab[2] - ab[0], 1.0)
    return abs(ab[0] - bb[0]) <= COLUMN_MATCH * width and abs(ab[2] - bb[2]) <= COLUMN_MATCH * width


def _regrid(g: Grid, edges: list[float], tol: float) -> list[list[GridCell | None]]:
    """The grid's cells placed on a finer set of column edges (the union of two grids')."""
    rows: list[list[GridCell | None]] = [[None] * (len(edges) - 1) for _ in g.rows]
    for r, row in enumerate(g.rows):
        for cell in row:
            if cell is None or cell.source.bbox is None:
                continue
            x0, x1 = cell.source.bbox[0], cell.source.bbox[2]
            c0 = min(range(len(edges)), key=lambda i: abs(edges[i] - x0))
            c1 = min(range(len(edges)), key=lambda i: abs(edges[i] - x1))
            if c1 <= c0:
                c1 = c0 + 1
            cell.colspan = c1 - c0
            cell.source = _shift(cell.source, r, c0)
            rows[r][c0] = cell
    return rows


def _row_texts(row: list[GridCell | None]) -> list[str]:
    return [c.text for c in row if c is not None]


def _join(a: Grid, b: Grid) -> Grid:
    ab = a.source.bbox or (0.0, 0.0, 1.0, 1.0)
    tol = COLUMN_MATCH * max(ab[2] - ab[0], 1.0)
    edges: list[float] = []
    for x in sorted(_col_edges(a) + _col_edges(b)):
        if not edges or x - edges[-1] > tol:
            edges.append(x)
    rows = _regrid(a, edges, tol)
    rows_b = _regrid(b, edges, tol)
    rows_b = rows_b[_repeated_header(rows, rows_b) :]
    offset = len(rows)
    absorbed = _merge_split_cells(rows, rows_b[0], offset) if rows_b else set()
    for r, row in enumerate(rows_b):
        new_row: list[GridCell | None] = []
        for c, cell in enumerate(row):
            if cell is not None and not (r == 0 and c in absorbed):
                cell.source = _shift(cell.source, offset + r, c)
                new_row.append(cell)
            else:
                new_row.append(None)
        rows.append(new_row)
    return Grid(rows, a.source)


def _repeated_header(a: list[list[GridCell | None]], b: list[list[GridCell | None]]) -> int:
    """How many leading rows of ``b`` repeat the leading rows of ``a`` (a header row that
    Word repeats on every page)."""
    k = 0
    while k < min(len(a), len(b)) - 1 and _row_texts(b[k]) == _row_texts(a[k]) and any(_row_texts(b[k])):
        k += 1
    return k


def _shift(s: Source, row: int, col: int) -> Source:
    return Source(page=s.page, line=s.line, block=s.block, row=row, col=col, bbox=s.bbox)


def _merge_split_cells(rows: list[list[GridCell | None]], first: list[GridCell | None], offset: int) -> set[int]:
    """A merged cell cut by the page break continues in the next page's first row:
    join them when either part spans rows and the lower part does not start a new
    numbered label (``（四）无`` + ``法提供``; an empty continuation of ``三、本年度办理结果``).
    Returns the columns of ``first`` whose cell was absorbed."""
    absorbed: set[int] = set()
    for c, low in enumerate(first):
        if low is None:
            continue
        up = _origin_above(rows, offset, c)
        if up is None or up.colspan != low.colspan or up.source.col != c:
            continue
        if up.rowspan == 1 and low.rowspan == 1:
            continue
        if low.text and _NUMBERED.match(low.text):
            continue
        if _is_numberish(up.text) or _is_numberish(low.text):
            continue
        up.text = join_cell_lines([t for t in (up.text, low.text) if t])
        up.rowspan += low.rowspan
        absorbed.add(c)
    return absorbed


def _origin_above(rows: list[list[GridCell | None]], offset: int, c: int) -> GridCell | None:
    """The cell covering (offset - 1, c): walk up to its origin."""
    for r in range(offset - 1, -1, -1):
        cell = rows[r][c] if c < len(rows[r]) else None
        if cell is not None:
            return cell if r + cell.rowspan >= offset else None
    return None


def _is_numberish(text: str) -> bool:
    return bool(text) and bool(re.fullmatch(r"[\d.,，\s%-]+", text))
