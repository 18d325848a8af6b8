"""Table 3 of a year from the register, every cell traced to the register rows it counts.

For report year Y: ``received`` counts the applications received in Y; ``carried_over`` those
received before Y and not closed by 1 January Y; the outcome rows those of both closed in Y,
by outcome; ``carried_forward`` those of both still open on 31 December Y. Each application
lands in exactly one of (closed in Y, carried forward) and one of (received, carried over),
and the total column adds the six applicant columns: the identities of the template hold by
construction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from gongkai.compose.register import Application
from gongkai.model.report import Cell, TableCells
from gongkai.model.template import APPLICANT_PARTS, TEMPLATES, outcome_rows, template_for_year

V2019_OTHER = ("other_no_correction", "other_unpaid_fee", "other_other")
"""v2019 has one （六）其他处理 row for these three."""


@dataclass
class Table3:
    year: int
    template: str
    rows: dict[str, dict[str, list[Application]]] = field(default_factory=dict)
    """row key → column key → the applications the cell counts (``total`` included)."""

    def count(self, row: str, col: str) -> int:
        return len(self.rows.get(row, {}).get(col, []))

    def applications(self, path: str) -> list[Application]:
        """The register rows behind ``applications.ROW.COL`` (or ``ROW.COL``)."""
        parts = path.split(".")
        if parts[0] == "applications":
            parts = parts[1:]
        if len(parts) != 2:
            raise KeyError(path)
        row, col = parts
        if row not in self.rows or col not in self.rows[row]:
            raise KeyError(path)
        return self.rows[row][col]

    def cells(self) -> TableCells:
        return {
            r: {c: Cell(len(apps), raw=str(len(apps))) for c, apps in cols.items()} for r, cols in self.rows.items()
        }


def _row_key(outcome: str, template: str) -> str:
    return "other" if template == "v2019" and outcome in V2019_OTHER else outcome


def table3(apps: Iterable[Application], year: int, template: str | None = None) -> Table3:
    tpl = TEMPLATES[template] if template else template_for_year(year)
    if tpl is None:
        raise ValueError(f"{year} 年没有统一的报告格式（2019 年起才有）")
    spec = tpl.table("applications")
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    out = Table3(year, tpl.version, {r.key: {c.key: [] for c in spec.columns} for r in spec.rows})
    outcomes = set(outcome_rows(spec))

    def add(row: str, app: Application) -> None:
        out.rows[row][app.applicant].append(app)
        out.rows[row]["total"].append(app)

    for app in sorted(apps, key=lambda a: (a.received, a.row)):
        if app.received > end or (app.replied is not None and app.replied < start):
            continue  # received after the year, or closed before it began
        add("received" if app.received >= start else "carried_over", app)
        if app.closed_by(end):
            assert app.outcome is not None
            row = _row_key(app.outcome, tpl.version)
            assert row in outcomes, row
            add(row, app)
            add("processed_total", app)
        else:
            add("carried_forward", app)
    assert set(APPLICANT_PARTS) | {"total"} == set(out.rows["received"])
    return out
