"""The official layout of tables 2–4 as data: which grid cell holds which label or value.

Drawn from ``model.template`` (both versions); renderers (DOCX, HTML, …) place these
cells, and tests use the same layout to know where each value must come back.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from gongkai.model.report import TableCells
from gongkai.model.template import APPLICANT_PARTS, TableSpec, Template, outcome_rows

T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANTS = "申请人情况"
T3_LEGAL_PERSONS = "法人或其他组织"
T2_ITEM = "信息内容"
T2_VALUE_COLUMNS = 3
T3_LABEL_COLUMNS = 3
APPEAL_LITIGATION = "行政诉讼"

CellRef = tuple[str, str]


@dataclass
class LayoutCell:
    row: int
    col: int
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    ref: CellRef | None = None
    """The (row key, column key) whose value goes here; None for a label."""
    header: bool = False


@dataclass
class TableLayout:
    key: str
    n_rows: int
    n_cols: int
    widths: list[float]
    """Relative column widths."""
    cells: list[LayoutCell] = field(default_factory=list)
    header_rows: int = 0

    def add(self, cell: LayoutCell) -> None:
        self.cells.append(cell)

    def refs(self) -> dict[CellRef, tuple[int, int]]:
        return {c.ref: (c.row, c.col) for c in self.cells if c.ref is not None}


def table_layout(template: Template, key: str) -> TableLayout:
    spec = template.table(key)
    if key == "active_disclosure":
        return _active(spec)
    if key == "applications":
        return _applications(spec)
    return _appeals(spec)


def cut_off(lay: TableLayout, table: TableCells) -> TableLayout:
    """Table 3 cut off at its first missing row, as a truncated document shows it (the HTML and
    text renderers end it there too): later rows are not drawn at all, not drawn empty."""
    if lay.key != "applications":
        return lay
    first_row: dict[str, int] = {}
    for c in lay.cells:
        if c.ref is not None:
            first_row.setdefault(c.ref[0], c.row)
    missing = [r for key, r in first_row.items() if table.get(key) is None]
    if not missing:
        return lay
    end = min(missing)
    cells = [replace(c, rowspan=min(c.rowspan, end - c.row)) for c in lay.cells if c.row < end]
    return TableLayout(lay.key, end, lay.n_cols, lay.widths, cells, lay.header_rows)


def _split(total: int, parts: int) -> list[int]:
    """Spread ``total`` grid columns over ``parts`` values (the last takes the rest)."""
    if parts <= 0:
        return []
    base = [1] * parts
    base[-1] = total - (parts - 1)
    return base


def _active(spec: TableSpec) -> TableLayout:
    n_cols = 1 + T2_VALUE_COLUMNS
    lay = TableLayout(spec.key, 0, n_cols, [2.2] + [1.6] * T2_VALUE_COLUMNS)
    r = 0
    caption: str | None = None
    for row in spec.rows:
        cols = spec.row_columns(row)
        if row.caption != caption:
            caption = row.caption
            lay.add(LayoutCell(r, 0, caption or "", colspan=n_cols, header=True))
            r += 1
            lay.add(LayoutCell(r, 0, T2_ITEM, header=True))
            c = 1
            for col, span in zip(cols, _split(T2_VALUE_COLUMNS, len(cols)), strict=True):
                lay.add(LayoutCell(r, c, col.label, colspan=span, header=True))
                c += span
            r += 1
        lay.add(LayoutCell(r, 0, row.label))
        c = 1
        for col, span in zip(cols, _split(T2_VALUE_COLUMNS, len(cols)), strict=True):
            lay.add(LayoutCell(r, c, colspan=span, ref=(row.key, col.key)))
            c += span
        r += 1
    lay.n_rows = r
    return lay


def _applications(spec: TableSpec) -> TableLayout:
    parts = [spec.column(k) for k in APPLICANT_PARTS]
    total = spec.column("total")
    first, orgs = parts[0], parts[1:]
    n_cols = T3_LABEL_COLUMNS + len(spec.columns)
    lay = TableLayout(spec.key, 0, n_cols, [0.7, 1.8, 3.6] + [1.15] * len(spec.columns), header_rows=3)
    lay.add(LayoutCell(0, 0, T3_NOTE, rowspan=3, colspan=T3_LABEL_COLUMNS, header=True))
    lay.add(LayoutCell(0, T3_LABEL_COLUMNS, T3_APPLICANTS, colspan=len(spec.columns), header=True))
    lay.add(LayoutCell(1, T3_LABEL_COLUMNS, first.label, rowspan=2, header=True))
    lay.add(LayoutCell(1, T3_LABEL_COLUMNS + 1, T3_LEGAL_PERSONS, colspan=len(orgs), header=True))
    lay.add(LayoutCell(1, n_cols - 1, total.label, rowspan=2, header=True))
    for i, col in enumerate(orgs):
        lay.add(LayoutCell(2, T3_LABEL_COLUMNS + 1 + i, col.label, header=True))
    outcome = [*outcome_rows(spec), "processed_total"]
    r = 3
    rows = list(spec.rows)
    first_outcome = next(i for i, row in enumerate(rows) if row.key == outcome[0])
    lay.add(LayoutCell(r + first_outcome, 0, rows[first_outcome].group or "", rowspan=len(outcome)))
    i = 0
    while i < len(rows):
        row = rows[i]
        label = row.numbering + row.label
        if row.key not in outcome:
            lay.add(LayoutCell(r + i, 0, label, colspan=T3_LABEL_COLUMNS))
            i += 1
            continue
        if row.group and row.group.startswith("（"):
            members = [j for j in range(i, len(rows)) if rows[j].group == row.group]
            lay.add(LayoutCell(r + i, 1, row.group, rowspan=len(members)))
            for j in members:
                lay.add(LayoutCell(r + j, 2, rows[j].numbering + rows[j].label))
            i = members[-1] + 1
        else:
            lay.add(LayoutCell(r + i, 1, label, colspan=2))
            i += 1
    for i, row in enumerate(rows):
        for k, col in enumerate(spec.columns):
            lay.add(LayoutCell(r + i, T3_LABEL_COLUMNS + k, ref=(row.key, col.key)))
    lay.n_rows = r + len(rows)
    return lay


def _appeals(spec: TableSpec) -> TableLayout:
    ncol = len(spec.columns)
    n_cols = ncol * len(spec.rows)
    lay = TableLayout(spec.key, 4, n_cols, [1.0] * n_cols, header_rows=3)
    litigation = [i for i, row in enumerate(spec.rows) if row.group == APPEAL_LITIGATION]
    for g, row in enumerate(spec.rows):
        c0 = g * ncol
        if g in litigation:
            if g == litigation[0]:
                lay.add(LayoutCell(0, c0, APPEAL_LITIGATION, colspan=ncol * len(litigation), header=True))
            lay.add(LayoutCell(1, c0, row.label, colspan=ncol, header=True))
            for k, col in enumerate(spec.columns):
                lay.add(LayoutCell(2, c0 + k, col.label, header=True))
        else:
            lay.add(LayoutCell(0, c0, row.label, colspan=ncol, header=True))
            for k, col in enumerate(spec.columns):
                lay.add(LayoutCell(1, c0 + k, col.label, rowspan=2, header=True))
        for k, col in enumerate(spec.columns):
            lay.add(LayoutCell(3, c0 + k, ref=(row.key, col.key)))
    return lay
