"""Regional compilation: a 本级政府's figures summed from the reports in the store.

For a government and a year, the members are the government itself (its own office's report),
its departments (the agencies of its region, or whose parent it is) and, optionally, the
governments one level below it. Each member's report of the year — one per agency, the one
that knows most cells — adds its cells; members without one are listed as missing, with the
years in which they did report. A cell keeps the reports it sums (``Compilation.sources``).

Blank cells add nothing and are noted; a cell some member could not read with certainty makes
the sum unknown (``None`` with the members named), never a guess. Members on another template
than the year's are left out and listed.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongkai.model.report import Cell, Number, Report, SourceFile, TableCells
from gongkai.model.template import SECTION_KEYS, SECTIONS, TABLE_KEYS, Template, template_for_year


@dataclass(frozen=True)
class Member:
    agency_id: int
    name: str
    role: str
    """``own`` (the government itself), ``department`` or ``subordinate`` (a government below)."""


@dataclass(frozen=True)
class Contribution:
    member: Member
    report_id: int
    value: Number | None
    blank: bool = False


@dataclass
class Compilation:
    government: Member
    year: int
    template: str
    report: Report
    members: list[tuple[Member, int]] = field(default_factory=list)
    """Members that reported, with the report id summed."""
    missing: list[tuple[Member, list[int]]] = field(default_factory=list)
    """Members without a report of the year, with the years they did report."""
    skipped: list[tuple[Member, int, str]] = field(default_factory=list)
    """Members whose report could not be summed (report id, why)."""
    sources: dict[str, list[Contribution]] = field(default_factory=dict)
    """``table.row.column`` → every member report's part of the sum."""

    def explain(self, path: str) -> list[Contribution]:
        if path not in self.sources:
            raise KeyError(path)
        return self.sources[path]


class CompileError(LookupError):
    pass


def find_agency(s: Session, name: str) -> tuple[int, str]:
    """The agency a name means (any name it has appeared under, or the same identity key)."""
    from gongkai.store.agencies import clean, infer, same_agency
    from gongkai.store.schema import Agency, AgencyName

    key = clean(name)
    hit = s.scalar(select(AgencyName.agency_id).where(AgencyName.name == key))
    if hit is None:
        norm = infer(key).norm_name
        rows = s.execute(select(Agency.id, Agency.norm_name)).all()
        hits = {a for a, n in rows if n == norm} or {a for a, n in rows if same_agency(n, norm)}
        if len(hits) > 1:
            raise CompileError(f"「{name}」对应多个机关，请写全称")
        hit = hits.pop() if hits else None
    if hit is None:
        raise CompileError(f"数据库中没有机关「{name}」")
    display = s.scalar(select(Agency.name).where(Agency.id == hit))
    return hit, display or name


def best_report(s: Session, agency_ids: list[int], year: int) -> dict[int, int]:
    """agency → the id of its current report of ``year`` that knows most cells (then by sha256)."""
    from sqlalchemy import func

    from gongkai.store.schema import CellRow, ReportVersion, SourceFileRow

    if not agency_ids:
        return {}
    known = select(CellRow.report_id, func.count(CellRow.value).label("n")).group_by(CellRow.report_id).subquery()
    rows = s.execute(
        select(ReportVersion.agency_id, ReportVersion.id, SourceFileRow.sha256, known.c.n)
        .join(SourceFileRow, SourceFileRow.id == ReportVersion.source_file_id)
        .outerjoin(known, known.c.report_id == ReportVersion.id)
        .where(ReportVersion.current.is_(True), ReportVersion.year == year, ReportVersion.agency_id.in_(agency_ids))
    ).all()
    best: dict[int, tuple[int, str, int]] = {}
    for agency, rid, sha, n in rows:
        key = (-(n or 0), sha, rid)
        if agency not in best or key < (best[agency][0], best[agency][1], best[agency][2]):
            best[agency] = key
    return {a: k[2] for a, k in best.items()}


def last_year_report(s: Session, agency: str, year: int) -> Report | None:
    """The agency's report of ``year`` from the store (None when the agency or report is absent)."""
    from gongkai.store.records import load_report

    try:
        agency_id, _ = find_agency(s, agency)
    except CompileError:
        return None
    rid = best_report(s, [agency_id], year).get(agency_id)
    return load_report(s, rid) if rid is not None else None


def members_of(s: Session, government_id: int, subordinates: bool = True) -> list[Member]:
    from gongkai.store.agencies import regions
    from gongkai.store.crosscheck import _governments
    from gongkai.store.schema import Agency

    agencies = {
        a: (name, gov, region, parent)
        for a, name, gov, region, parent in s.execute(
            select(Agency.id, Agency.name, Agency.is_government, Agency.region, Agency.parent_id)
        )
    }
    if government_id not in agencies or not agencies[government_id][1]:
        raise CompileError(f"「{agencies.get(government_id, ('?',))[0]}」不是人民政府，无法汇编本级数据")
    out = [Member(government_id, agencies[government_id][0], "own")]
    depts = set(_governments(s).get(government_id, []))
    out += [Member(a, agencies[a][0], "department") for a in sorted(depts)]
    if subordinates:
        own_units = regions(agencies[government_id][2] or "")
        for a, (name, gov, region, parent) in sorted(agencies.items()):
            if not gov or a == government_id:
                continue
            units = regions(region or "")
            below = bool(own_units) and units[: len(own_units)] == own_units and len(units) == len(own_units) + 1
            if parent == government_id or below:
                out.append(Member(a, name, "subordinate"))
    return out


def _years_reported(s: Session, agency_ids: list[int]) -> dict[int, list[int]]:
    from gongkai.store.schema import ReportVersion

    out: dict[int, set[int]] = defaultdict(set)
    for a, y in s.execute(
        select(ReportVersion.agency_id, ReportVersion.year).where(
            ReportVersion.current.is_(True), ReportVersion.agency_id.in_(agency_ids), ReportVersion.year.is_not(None)
        )
    ):
        if a is not None and y is not None:
            out[a].add(y)
    return {a: sorted(ys) for a, ys in out.items()}


def _layout(tpl: Template, reports: list[Report]) -> dict[str, list[tuple[str, list[str]]]]:
    """Per table: (row, columns) of the compiled table. Table 3 keeps （六）其他处理 as one row
    when some member printed it so (its three parts cannot be told apart)."""
    out: dict[str, list[tuple[str, list[str]]]] = {}
    for key in TABLE_KEYS:
        spec = tpl.table(key)
        if key == "applications" and any((r.tables.get(key) or {}).get("other") for r in reports) and spec.alternates:
            spec = spec.with_alternate(spec.alternates[0])
        out[key] = [(r.key, [c.key for c in spec.row_columns(r)]) for r in spec.rows]
    return out


def _part(report: Report, table: str, row: str, col: str, replaced: dict[str, tuple[str, ...]]) -> Cell | None:
    """A member's cell for the compiled table's (row, col); an alternate row sums its parts."""
    t = report.tables.get(table) or {}
    if row in replaced and not t.get(row):
        parts = [(t.get(p) or {}).get(col) for p in replaced[row]]
        if any(p is None for p in parts):
            return None
        if any(p is not None and p.value is None and p.uncertain for p in parts):
            return Cell(None, uncertain="不确定")
        total = sum((p.value or 0) for p in parts if p is not None)
        return Cell(total, raw=str(total))
    return (t.get(row) or {}).get(col)


def compile_region(
    s: Session,
    government: str,
    year: int,
    *,
    subordinates: bool = True,
    sections: dict[str, str] | None = None,
    signed_on: dt.date | None = None,
) -> Compilation:
    from gongkai.store.records import load_reports

    gov_id, gov_name = find_agency(s, government)
    tpl = template_for_year(year)
    if tpl is None:
        raise CompileError(f"{year} 年没有统一的报告格式（2019 年起才有）")
    members = members_of(s, gov_id, subordinates)
    chosen = best_report(s, [m.agency_id for m in members], year)
    loaded = load_reports(s, list(chosen.values()))
    comp = Compilation(members[0], year, tpl.version, Report(SourceFile(f"compile:{gov_name}:{year}", "", "compiled")))
    years = _years_reported(s, [m.agency_id for m in members])
    used: list[tuple[Member, Report, int]] = []
    for m in members:
        rid = chosen.get(m.agency_id)
        if rid is None:
            comp.missing.append((m, years.get(m.agency_id, [])))
            continue
        r = loaded[rid]
        if r.template != tpl.version:
            comp.skipped.append((m, rid, f"模板为 {r.template or '未知'}，{year} 年应为 {tpl.version}"))
            continue
        used.append((m, r, rid))
        comp.members.append((m, rid))
    layout = _layout(tpl, [r for _, r, _ in used])
    replaced = {a.key: a.replaces for a in tpl.table("applications").alternates}
    report = comp.report
    report.agency, report.year, report.template, report.is_government = gov_name, year, tpl.version, True
    report.title = f"{gov_name}{year}年政府信息公开工作年度报告"
    report.signed_on = signed_on
    report.notes = [
        f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
        f"本报告数据由本级政府及所属 {sum(m.role != 'own' for m, _, _ in used)} 个单位的年度报告汇总而成。",
    ]
    report.statistics_period = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    report.sections = {k: (sections or {}).get(k) for k in SECTION_KEYS}
    report.section_titles = {s.key: s.canonical for s in SECTIONS if report.sections.get(s.key) is not None}
    for table, rows in layout.items():
        out: TableCells = {}
        for row, cols in rows:
            row_cells: dict[str, Cell] = {}
            out[row] = row_cells
            for col in cols:
                path = f"{table}.{row}.{col}"
                contribs: list[Contribution] = []
                unsure: list[str] = []
                units: set[str | None] = set()
                total: Number = 0
                for m, r, rid in used:
                    cell = _part(r, table, row, col, replaced if table == "applications" else {})
                    if cell is None:
                        unsure.append(f"{m.name}（缺此单元格）")
                        continue
                    if cell.value is None and (cell.uncertain or not cell.blank):
                        unsure.append(m.name)
                    units.add(cell.unit)
                    contribs.append(Contribution(m, rid, cell.value, cell.blank))
                    total += cell.value or 0
                comp.sources[path] = contribs
                if len(units - {None}) > 1:
                    unsure.append(f"单位不一（{'、'.join(sorted(u for u in units if u))}）")
                if unsure:
                    row_cells[col] = Cell(None, uncertain="无法汇总：" + "、".join(unsure[:5]))
                else:
                    if isinstance(total, float):
                        total = round(total, 6)
                    row_cells[col] = Cell(total, raw=str(total), unit=next(iter(units - {None}), None))
        report.tables[table] = out
    return comp


__all__ = ["Compilation", "CompileError", "compile_region", "find_agency", "last_year_report"]
