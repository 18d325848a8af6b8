"""The official layout of the report, drawn from the template: every renderer formats this.

A table is a list of rows, each holding the cells that *start* in that row (HTML style,
with row and column spans); ``expand`` gives the full rectangular grid.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from gongkai.model.report import Cell, Report, TableCells
from gongkai.model.template import SECTIONS, Row, TableSpec, Template, outcome_rows

CellKind = Literal["caption", "head", "label", "value"]

T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANTS = "申请人情况"
T3_ORGANISATIONS = "法人或其他组织"
T2_CONTENT = "信息内容"
T2_DATA_COLUMNS = 3
T3_LABEL_COLUMNS = 3


@dataclass(frozen=True)
class LCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    kind: CellKind = "label"
    path: str | None = None
    """``table.row.column`` for value cells."""


Layout = list[list[LCell]]


def cell_text(cell: Cell | None) -> str:
    """What the document shows in a cell: its raw text, else the value written plainly."""
    if cell is None:
        return ""
    if cell.raw is not None:
        return cell.raw
    if cell.value is None:
        return ""
    text = str(cell.value)  # Python's shortest exact form: 24252.311082 stays as written
    return text[:-2] if text.endswith(".0") else text


def _value(table: TableCells, key: str, row: str, col: str, colspan: int = 1) -> LCell:
    cells = table.get(row) or {}
    return LCell(cell_text(cells.get(col)), colspan=colspan, kind="value", path=f"{key}.{row}.{col}")


def _present_rows(spec: TableSpec, table: TableCells) -> list[Row]:
    """Rows up to the first missing one: a cut-off table ends there."""
    out = []
    for r in spec.rows:
        if table.get(r.key) is None:
            break
        out.append(r)
    return out


def applications_layout(spec: TableSpec, table: TableCells) -> Layout:
    parts = spec.columns[:-1]
    head: Layout = [
        [LCell(T3_CORNER, 3, T3_LABEL_COLUMNS, "head"), LCell(T3_APPLICANTS, 1, len(spec.columns), "head")],
        [
            LCell(parts[0].label, 2, 1, "head"),
            LCell(T3_ORGANISATIONS, 1, len(parts) - 1, "head"),
            LCell(spec.columns[-1].label, 2, 1, "head"),
        ],
        [LCell(c.label, kind="head") for c in parts[1:]],
    ]
    rows = _present_rows(spec, table)
    outcomes = outcome_rows(spec)
    outer = spec.row(outcomes[0]).group
    inside = [*outcomes, "processed_total"]
    body: Layout = []
    for i, r in enumerate(rows):
        out: list[LCell] = []
        if r.key not in inside:
            out.append(LCell(r.numbering + r.label, colspan=T3_LABEL_COLUMNS))
        else:
            if r.key == inside[0] and outer:
                span = sum(1 for x in rows if x.key in inside)
                out.append(LCell(outer, rowspan=span))
            group = r.group if r.group != outer else None
            if group is None:
                out.append(LCell(r.numbering + r.label, colspan=2))
            else:
                if i == 0 or rows[i - 1].group != group:
                    span = 1
                    while i + span < len(rows) and rows[i + span].group == group:
                        span += 1
                    out.append(LCell(group, rowspan=span))
                out.append(LCell(r.numbering + r.label))
        out.extend(_value(table, spec.key, r.key, c.key) for c in spec.columns)
        body.append(out)
    return head + body


def appeals_layout(spec: TableSpec, table: TableCells) -> Layout:
    cols = spec.columns
    top: list[LCell] = []
    mid: list[LCell] = []
    low: list[LCell] = []
    seen: set[str] = set()
    for r in spec.rows:
        if r.group is None:
            top.append(LCell(r.label, colspan=len(cols), kind="head"))
            mid.extend(LCell(c.label, rowspan=2, kind="head") for c in cols)
            continue
        if r.group not in seen:
            seen.add(r.group)
            n = sum(1 for x in spec.rows if x.group == r.group)
            top.append(LCell(r.group, colspan=n * len(cols), kind="head"))
        mid.append(LCell(r.label, colspan=len(cols), kind="head"))
        low.extend(LCell(c.label, kind="head") for c in cols)
    values = [_value(table, spec.key, r.key, c.key) for r in spec.rows for c in cols]
    return [top, mid, low, values]


def active_layout(spec: TableSpec, table: TableCells) -> Layout:
    out: Layout = []
    caption: str | None = None
    for i, r in enumerate(spec.rows):
        cols = spec.row_columns(r)
        fill = T2_DATA_COLUMNS - len(cols) + 1
        if r.caption != caption:
            caption = r.caption
            block = [x for x in spec.rows[i:] if x.caption == caption]
            block_cols: list[str] = []
            for x in block:
                block_cols.extend(c for c in x.columns if c not in block_cols)
            out.append([LCell(caption or "", colspan=T2_DATA_COLUMNS + 1, kind="caption")])
            heads = [LCell(T2_CONTENT, kind="head")]
            heads.extend(
                LCell(
                    spec.column(c).label,
                    colspan=T2_DATA_COLUMNS - len(block_cols) + 1 if j == len(block_cols) - 1 else 1,
                    kind="head",
                )
                for j, c in enumerate(block_cols)
            )
            out.append(heads)
        row = [LCell(r.label)]
        row.extend(_value(table, spec.key, r.key, c.key, fill if j == len(cols) - 1 else 1) for j, c in enumerate(cols))
        out.append(row)
    return out


def table_layout(template: Template, key: str, table: TableCells) -> Layout:
    spec = template.table(key)
    if key == "applications":
        return applications_layout(spec, table)
    if key == "appeals":
        return appeals_layout(spec, table)
    return active_layout(spec, table)


def expand(layout: Layout) -> list[list[LCell | None]]:
    """The rectangular grid: ``grid[r][c]`` is the cell starting there, None where covered."""
    grid: list[list[LCell | None]] = []
    covered: set[tuple[int, int]] = set()
    for r, row in enumerate(layout):
        out: list[LCell | None] = []
        c = 0
        for cell in row:
            while (r, c) in covered:
                out.append(None)
                c += 1
            out.append(cell)
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if dr or dc:
                        covered.add((r + dr, c + dc))
            c += 1
            for _ in range(cell.colspan - 1):
                out.append(None)
                c += 1
        while (r, c) in covered:
            out.append(None)
            c += 1
        grid.append(out)
    width = max((len(r) for r in grid), default=0)
    return [r + [None] * (width - len(r)) for r in grid]


@dataclass(frozen=True)
class Placed:
    row: int
    col: int
    cell: LCell


def placed(layout: Layout) -> list[Placed]:
    """Every cell with the grid position it starts at (for renderers that address cells)."""
    return [Placed(r, c, cell) for r, row in enumerate(expand(layout)) for c, cell in enumerate(row) if cell]


HEADER_ROWS = {"active_disclosure": 0, "applications": 3, "appeals": 3}
"""Rows of column headings (repeated on each page a table runs onto, where a renderer can)."""


def column_widths(key: str, n_cols: int) -> list[float]:
    """Relative column widths: labels wide, numbers narrow."""
    if key == "applications":
        return [0.7, 1.8, 3.6] + [1.15] * (n_cols - T3_LABEL_COLUMNS)
    if key == "active_disclosure":
        return [2.2] + [1.6] * (n_cols - 1)
    return [1.0] * n_cols


# --- the whole document ---------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    kind: Literal["title", "para", "heading", "table", "signature"]
    text: str = ""
    key: str | None = None
    """Section key of a heading, table key of a table."""
    layout: Layout | None = None


TABLE_OF_SECTION = {"active_disclosure": "active_disclosure", "applications": "applications", "appeals": "appeals"}


def chinese_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def signature_name(report: Report) -> str | None:
    """The name the signature block prints: ``signature_name`` when known, else the agency."""
    return report.agency if report.signature_name is None else report.signature_name or None


def document(report: Report) -> list[Block]:
    """The report as an ordered list of blocks: title, intro, sections with their tables,
    signature. A section whose text is None is absent (heading and table)."""
    template = report.spec
    blocks: list[Block] = []
    if report.title:
        blocks.append(Block("title", report.title))
    blocks.extend(Block("para", p) for p in report.notes)
    for s in SECTIONS:
        text = report.sections.get(s.key)
        if text is None:
            continue
        blocks.append(Block("heading", report.section_titles.get(s.key, s.canonical), s.key))
        blocks.extend(Block("para", p) for p in text.split("\n") if p.strip())
        tkey = TABLE_OF_SECTION.get(s.key)
        table = report.tables.get(tkey) if tkey else None
        if tkey and table is not None and template is not None:
            blocks.append(Block("table", key=tkey, layout=table_layout(template, tkey, table)))
    name = signature_name(report)
    if name or report.signed_on:
        lines = [x for x in (name, chinese_date(report.signed_on) if report.signed_on else None) if x]
        blocks.append(Block("signature", "\n".join(lines)))
    return blocks
