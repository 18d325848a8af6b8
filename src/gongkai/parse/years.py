"""Settle ambiguous table-2 runs with the same agency's neighbouring years.

Table 2 has no identity inside one report, but two consecutive reports of one agency are
linked (``Template.continuity``): in v2021 this year's 现行有效 = last year's 现行有效 + 本年制发
− 本年废止; in v2019 this year's 上一年项目数量 = last year's 上一年项目数量 + 本年增/减. A reading
of ``693665`` that only one split satisfies is then no longer a guess.
"""

from __future__ import annotations

from collections.abc import Iterable

from gongkai.model.report import Decision, Number, Report
from gongkai.model.template import TEMPLATES, Continuity

CROSS_YEAR_CONFIDENCE = 0.95
Option = dict[str, Number | None]


def _options(report: Report, row: str, cols: set[str]) -> list[Option] | None:
    alts = report.alternatives.get(f"active_disclosure.{row}")
    if alts:
        return alts
    t = report.tables.get("active_disclosure")
    cells = t.get(row) if t else None
    if not cells or any(c not in cells or not cells[c].known for c in cols):
        return None
    return [{c: cell.value for c, cell in cells.items()}]


def _holds(cont: Continuity, last: Option, this: Option) -> bool:
    total = 0.0
    for sign, which, col in cont.terms:
        v = (this if which else last).get(col)
        if v is None:
            return False
        total += sign * v
    return abs(total) < 1e-6


def _narrow(report: Report, row: str, kept: list[Option], how: str, before: int) -> None:
    path = f"active_disclosure.{row}"
    t = report.tables.get("active_disclosure")
    cells = t.get(row) if t else None
    if not cells:
        return
    for col, cell in cells.items():
        values = list(dict.fromkeys(o.get(col) for o in kept))
        if len(values) == 1 and cell.uncertain:
            cell.value = values[0]
            cell.uncertain = None
            cell.candidates = ()
            cell.confidence = CROSS_YEAR_CONFIDENCE
        elif cell.uncertain:
            cell.candidates = tuple(values)
    if len(kept) == 1:
        report.alternatives.pop(path, None)
    else:
        report.alternatives[path] = kept
    report.decisions.append(Decision(path, "", how, CROSS_YEAR_CONFIDENCE, before))


def _agency_key(r: Report) -> str | None:
    return "".join(r.agency.split()) if r.agency else None


def resolve_across_years(reports: Iterable[Report]) -> int:
    """Narrow ambiguous table-2 rows using each agency's consecutive years; returns the
    number of rows narrowed. Reports are changed in place.

    A reading is kept when it continues last year's report and is continued by next year's
    (a neighbour that no reading continues says nothing: its link is broken whatever the
    reading). When last year supports one reading and next year another, one of the two links
    is broken and nothing tells which: the row stays open."""
    by_agency: dict[str, dict[int, Report]] = {}
    for r in reports:
        key = _agency_key(r)
        if key and r.year is not None:
            by_agency.setdefault(key, {})[r.year] = r
    narrowed = 0
    for years in by_agency.values():
        changed = True
        while changed:
            changed = False
            for y in sorted(years):
                this = years[y]
                if this.template not in TEMPLATES:
                    continue
                last, nxt = years.get(y - 1), years.get(y + 1)
                for cont in TEMPLATES[this.template].continuity:
                    for row in cont.rows:
                        n = _settle(cont, row, last, this, nxt)
                        narrowed += n
                        changed = changed or n > 0
    return narrowed


def _settle(cont: Continuity, row: str, last: Report | None, this: Report, nxt: Report | None) -> int:
    cols_last = {c for _, w, c in cont.terms if w == 0}
    cols_this = {c for _, w, c in cont.terms if w == 1}
    options = this.alternatives.get(f"active_disclosure.{row}")
    if not options or len(options) < 2:
        return 0
    supported: list[list[Option]] = []
    with_years: list[int] = []
    # this year's options against last year's (this year is the later one), then next year's
    for other, cols, later in ((last, cols_last, True), (nxt, cols_this, False)):
        if other is None or other.template != this.template:
            continue
        theirs = _options(other, row, cols)
        if not theirs:
            continue
        kept = [o for o in options if any(_holds(cont, t, o) if later else _holds(cont, o, t) for t in theirs)]
        if kept:
            supported.append(kept)
            with_years.append(other.year or 0)
    keep = [o for o in options if all(any(o is k for k in s) for s in supported)]
    if not supported or not keep or len(keep) == len(options):
        return 0
    years = "、".join(str(y) for y in with_years)
    _narrow(this, row, keep, f"cross-year: {cont.rule} with {years}", len(options))
    return 1
