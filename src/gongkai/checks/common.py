"""Helpers shared by rules: cell look-ups, identity evaluation, Chinese labels for places."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.model.report import LOW_CONFIDENCE as LOW_CONFIDENCE  # re-exported for the rules
from gongkai.model.report import Cell, Number, Report
from gongkai.model.template import SECTIONS, TEMPLATES, Identity


def table_label(key: str) -> str:
    return {
        "active_disclosure": "表二（主动公开）",
        "applications": "表三（依申请公开）",
        "appeals": "表四（复议诉讼）",
    }[key]


def row_label(table: str, row: str, template: str | None) -> str:
    tpl = TEMPLATES.get(template or "v2021") or TEMPLATES["v2021"]
    try:
        r = tpl.table(table).row(row)
    except KeyError:
        return row
    prefix = f"{r.group}·" if r.group and table == "applications" else ""
    return f"{prefix}{r.numbering}{r.label}"


def col_label(table: str, col: str, template: str | None) -> str:
    tpl = TEMPLATES.get(template or "v2021") or TEMPLATES["v2021"]
    try:
        return tpl.table(table).column(col).label
    except KeyError:
        return col


def section_label(key: str) -> str:
    return next(s.canonical for s in SECTIONS if s.key == key)


@dataclass
class Evaluation:
    lhs: float
    rhs: float
    missing: list[str]
    uncertain: list[str]
    blanks: list[str]
    low_confidence: list[str]

    @property
    def holds(self) -> bool:
        return abs(self.lhs - self.rhs) < 1e-6

    @property
    def checkable(self) -> bool:
        return not self.missing and not self.uncertain


def evaluate(report: Report, table: str, ident: Identity) -> Evaluation:
    """Sum both sides of ``ident``; blank cells count as 0 but are listed."""
    ev = Evaluation(0.0, 0.0, [], [], [], [])
    rows = report.tables.get(table) or {}  # ``report.cell``'s look-ups, the table's once
    for side, refs in (("lhs", ident.lhs), ("rhs", ident.rhs)):
        total = 0.0
        for r, c in refs:
            row = rows.get(r)
            cell: Cell | None = row.get(c) if row else None
            if cell is None:
                ev.missing.append(f"{table}.{r}.{c}")
                continue
            if cell.uncertain:
                settled = cell.settled_value()
                if settled is None:
                    ev.uncertain.append(f"{table}.{r}.{c}")
                    continue
                # blank or 0, the document does not show which: either way it adds 0
                ev.blanks.append(f"{table}.{r}.{c}")
                total += settled
                continue
            if cell.blank or cell.value is None:
                if cell.blank:
                    ev.blanks.append(f"{table}.{r}.{c}")
                else:
                    ev.missing.append(f"{table}.{r}.{c}")
                continue
            if cell.confidence < LOW_CONFIDENCE:
                ev.low_confidence.append(f"{table}.{r}.{c}")
            total += cell.value  # a cell read plainly: no path to list (most cells)
        setattr(ev, side, total)
    return ev


def fmt(n: Number | float | None) -> str:
    if n is None:
        return "空"
    if isinstance(n, float) and n.is_integer():
        return str(int(n))
    return str(n)
