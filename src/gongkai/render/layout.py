"""The official layout of the report, drawn from the template: every renderer formats this.

A table is a list of rows, each holding the cells that *start* in that row (HTML style,
with row and column spans); ``expand`` gives the full rectangular grid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from gongkai.model.report import Cell, Report, TableCells
from gongkai.model.template import (
    MONEY_UNITS,
    PERCENT,
    SECTION_KEYS,
    SECTIONS,
    T2_CONTENT,
    T3_APPLICANTS,
    T3_CORNER,
    T3_ORGANISATIONS,
    Row,
    TableSpec,
    Template,
    outcome_rows,
)
from gongkai.model.text import chinese_date

CellKind = Literal["caption", "head", "label", "value"]

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
    cell: Cell | None = field(default=None, compare=False, repr=False)
    """The report's cell shown (value cells)."""


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


UNSETTLED = "？"
"""Printed in a cell the reading left open (no value): neither a number nor a blank."""
_RUN = re.compile(r"^\s*[-+]?[\d,.]+(?:" + "|".join((*MONEY_UNITS, PERCENT)) + ")?")


def _value(table: TableCells, key: str, row: str, col: str, colspan: int = 1) -> LCell:
    cells = table.get(row) or {}
    cell = cells.get(col)
    text = cell_text(cell)
    if cell is not None and cell.uncertain and cell.raw:
        # an uncertain run of several cells (``13575394432.52元``) is printed once, as the
        # document printed it: in the first cell of the run
        keys = list(cells)
        i = keys.index(col)
        later = i > 0 and cells[keys[i - 1]].uncertain and cells[keys[i - 1]].raw == cell.raw
        if cell.value is None:
            # the run's number and a mark, so that no reader (gongkai included) takes an
            # open cell for a number or a blank; words run into it are the next label's
            run = _RUN.match(cell.raw)
            text = ("" if later or run is None else run.group().strip()) + UNSETTLED
        elif later:
            text = ""
    return LCell(text, colspan=colspan, kind="value", path=f"{key}.{row}.{col}", cell=cell)


def _present_rows(spec: TableSpec, table: TableCells) -> list[Row]:
    """The rows the report has, in the template's order (a cut-off table ends early; a table
    whose beginning was lost starts late)."""
    return [r for r in spec.rows if table.get(r.key) is not None]


def applications_layout(spec: TableSpec, table: TableCells) -> Layout:
    # a v2021 report that keeps （六）其他处理 as one row is drawn as it was written
    spec = spec.effective({k for k, v in table.items() if v is not None})
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
            if outer and not any(x.key in inside for x in rows[:i]):
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


def layout_width(layout: Layout) -> int:
    """Columns of the grid (what ``expand`` gives, without building it): the first row has no
    cell covered from above, so its spans fill the width."""
    return sum(c.colspan for c in layout[0]) if layout else 0


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


@dataclass(frozen=True)
class Page:
    """A page and its type sizes. ``PAGE`` is GB/T 9704 (党政机关公文格式), as the templates
    are printed: A4, 156 mm × 225 mm of text, 二号 title, 三号 text on a 28 pt pitch, tables in
    小五. ``PLAIN`` is a Word document as typed with Word's defaults (the synthetic corpus)."""

    width_cm: float = 21.0
    height_cm: float = 29.7
    top_cm: float = 3.7
    bottom_cm: float = 3.5
    left_cm: float = 2.8
    right_cm: float = 2.6
    title_pt: float = 22.0
    body_pt: float = 16.0
    line_pt: float | None = 28.0
    """Fixed line pitch (22 lines a page); None: the word processor's single spacing."""
    table_pt: float = 9.0
    """What fits ten columns of table 3 across the page."""
    row_height_cm: float | None = 0.55
    """Least height of a table row: digits keep clear of the rules."""
    cell_margin_cm: float | None = 0.1
    """Left and right cell padding (None: the word processor's)."""
    official: bool = True

    @property
    def text_width_cm(self) -> float:
        return self.width_cm - self.left_cm - self.right_cm


PAGE = Page()
PLAIN = Page(
    top_cm=2.5,
    bottom_cm=2.5,
    left_cm=2.5,
    right_cm=2.5,
    title_pt=18.0,
    body_pt=11.0,
    line_pt=None,
    table_pt=8.0,
    row_height_cm=None,
    cell_margin_cm=None,
    official=False,
)


@dataclass(frozen=True)
class TableStyle:
    widths_cm: tuple[float, ...]
    """One width per grid column, summing to the text width."""
    header_rows: int
    font_pt: float


_RELATIVE_WIDTHS: dict[str, tuple[float, ...]] = {
    # table 3: 三、本年度办理结果 | （三）不予公开 | 1.属于国家秘密 | seven numbers of 1.2
    "applications": (0.9, 1.7, 4.6),
    "active_disclosure": (4.5,),
}
NUMBER_COLUMN = 1.2


def column_widths(key: str, n_cols: int) -> list[float]:
    """Relative column widths: labels wide, numbers share the rest equally (table 4: all)."""
    labels = _RELATIVE_WIDTHS.get(key, ())
    if not labels:
        return [1.0] * n_cols
    rest = max(PAGE.text_width_cm - sum(labels), NUMBER_COLUMN * (n_cols - len(labels)))
    return [*labels, *([rest / (n_cols - len(labels))] * (n_cols - len(labels)))]


def table_style(key: str, n_cols: int, page: Page = PAGE) -> TableStyle:
    widths = column_widths(key, n_cols)
    scale = page.text_width_cm / sum(widths)
    return TableStyle(tuple(w * scale for w in widths), HEADER_ROWS.get(key, 0), page.table_pt)


# --- the whole document ---------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    kind: Literal["title", "para", "heading", "table", "signature"]
    text: str = ""
    key: str | None = None
    """Section key of a heading, table key of a table."""
    layout: Layout | None = None


TABLE_OF_SECTION = {"active_disclosure": "active_disclosure", "applications": "applications", "appeals": "appeals"}


def signature_name(report: Report) -> str | None:
    """The name the signature block prints: ``signature_name`` when known, else the agency."""
    return report.agency if report.signature_name is None else report.signature_name or None


def document(report: Report) -> list[Block]:
    """The report as an ordered list of blocks: title, intro, sections with their tables,
    signature. A section whose text is None is absent (heading and table), unless it has a
    table (a draft whose text is still to be written keeps its numbers)."""
    template = report.spec
    blocks: list[Block] = []
    if report.title:
        blocks.append(Block("title", report.title))
    blocks.extend(Block("para", p) for p in report.notes)
    for s in SECTIONS:
        text = report.sections.get(s.key)
        tkey = TABLE_OF_SECTION.get(s.key)
        table = report.tables.get(tkey) if tkey else None
        if text is None and table is None:
            continue
        blocks.append(Block("heading", report.section_titles.get(s.key, s.canonical), s.key))
        blocks.extend(Block("para", p) for p in (text or "").split("\n") if p.strip())
        if tkey and table is not None and template is not None:
            blocks.append(Block("table", key=tkey, layout=table_layout(template, tkey, table)))
    lines = signature_lines(report)
    if report.signed_on and not _signed_in_text(report, lines):
        blocks.append(Block("signature", "\n".join(lines)))
    return blocks


def signature_lines(report: Report) -> list[str]:
    """The closing block (落款): the name it signs with, then the date."""
    name = signature_name(report)
    return [x for x in (name, chinese_date(report.signed_on) if report.signed_on else None) if x]


def _signed_in_text(report: Report, lines: list[str]) -> bool:
    """A report read from a document keeps its 落款 at the end of its last section: printed
    again, it would appear twice."""
    last = next((t for k in reversed(SECTION_KEYS) if (t := report.sections.get(k)) is not None), None)
    if not last:
        return False
    tail = [ln.strip().replace(" ", "") for ln in last.split("\n") if ln.strip()][-len(lines) :]
    if tail == [ln.replace(" ", "") for ln in lines]:
        return True
    # web-page text runs the 落款 into the last sentence (``…隐私。白阳市自然资源局2026年1月7日``)
    return re.sub(r"\s", "", last).endswith("".join(lines).replace(" ", ""))
