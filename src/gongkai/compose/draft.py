"""Drafting a report: register + tables 2 and 4 + section texts (+ last year's report) → Report.

What carries over from last year's report fills the cells the drafter left blank, and each
such cell says so (``Cell.raw`` is the number, ``Draft.notes`` tells where it came from):

- v2021 现行有效件数 = last year's 现行有效件数 + this year's 本年制发件数 − 本年废止件数;
- v2019 上一年项目数量 = last year's 上一年项目数量 + last year's 本年增/减;
- 上年结转 comes from the register (applications received earlier and still open on 1 January);
  a register that holds none while last year's report carried some forward cannot give their
  outcomes: the number is taken from last year's report and the balance check will say what
  the register still lacks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from gongkai.compose.register import Register
from gongkai.compose.table3 import table3
from gongkai.model.report import Cell, Report, SourceFile, TableCells
from gongkai.model.template import APPLICANT_PARTS, SECTION_KEYS, SECTIONS, TEMPLATES, template_for_year
from gongkai.parse.meta import is_government


@dataclass
class Draft:
    report: Report
    notes: list[str] = field(default_factory=list)
    """What was filled in from where, and what the drafter still has to do (Chinese)."""


def _value(t: TableCells | None, row: str, col: str) -> int | float | None:
    cells = (t or {}).get(row) or {}
    c = cells.get(col)
    return c.value if c is not None and c.uncertain is None else None


def _blank(t: TableCells, row: str, col: str) -> bool:
    c = (t.get(row) or {}).get(col)
    return c is None or c.value is None


def _fill(t: TableCells, row: str, col: str, value: int | float) -> None:
    cells = t.get(row)
    if cells is None:
        cells = t[row] = {}
    cells[col] = Cell(value, raw=str(value))


def prefill_table2(t2: TableCells, template: str, last: Report | None, notes: list[str]) -> None:
    if last is None or last.template != template:
        return
    lt = last.tables.get("active_disclosure")
    tpl = TEMPLATES[template]
    for cont in tpl.continuity:
        for row in cont.rows:
            parts: tuple[tuple[int, int, str], ...]
            if template == "v2021":
                target, parts = "in_force", ((1, 0, "in_force"), (1, 1, "issued"), (-1, 1, "repealed"))
            else:
                target, parts = "prior_items", ((1, 0, "prior_items"), (1, 0, "change"))
            if not _blank(t2, row, target):
                continue
            values = [(s, _value(lt if when == 0 else t2, row, col)) for s, when, col in parts]
            if any(v is None for _, v in values):
                notes.append(f"表二「{row}.{target}」无法由上年报告推算（所需数字空白），请手工填写")
                continue
            total = sum(s * (v or 0) for s, v in values)
            _fill(t2, row, target, total)
            notes.append(f"表二「{row}.{target}」= {total}，由 {last.year} 年报告推算")


def carry_over(t3: TableCells, register_has_earlier: bool, last: Report | None, notes: list[str]) -> None:
    if last is None:
        return
    lt = last.tables.get("applications")
    if not lt:
        return
    for col in (*APPLICANT_PARTS, "total"):
        prior = _value(lt, "carried_forward", col)
        now = _value(t3, "carried_over", col)
        if prior is None or prior == now:
            continue
        if register_has_earlier:
            notes.append(
                f"表三「上年结转」{col}：台账为 {now}，{last.year} 年报告的「结转下年度继续办理」为 {prior}，请核对台账"
            )
        else:
            _fill(t3, "carried_over", col, prior)
            if col == "total":
                notes.append(
                    f"表三「上年结转」取自 {last.year} 年报告（{prior} 件）；台账中没有这些申请，"
                    "其办理结果无从统计：请把它们补录进台账"
                )


def last_year_note(year: int, last: Report | None) -> str:
    """What the drafter is told about last year's report in the store (the command line and
    the web form say the same)."""
    return f"上年报告：数据库中有 {year - 1} 年报告，已用于预填" if last else "上年报告：数据库中没有，未预填"


def draft(
    *,
    agency: str,
    year: int,
    register: Register | None,
    table2: TableCells | None,
    table4: TableCells | None,
    sections: dict[str, str],
    last: Report | None = None,
    template: str | None = None,
    signed_on: dt.date | None = None,
    title: str | None = None,
) -> Draft:
    tpl = TEMPLATES[template] if template else template_for_year(year)
    if tpl is None:
        raise ValueError(f"{year} 年没有统一的报告格式（2019 年起才有）")
    notes: list[str] = []
    report = Report(
        SourceFile(f"compose:{agency}:{year}", "", "composed"),
        agency=agency,
        year=year,
        template=tpl.version,
        title=title or f"{agency}{year}年政府信息公开工作年度报告",
        signed_on=signed_on,
        is_government=is_government(agency),
    )
    report.notes = [f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"]
    report.statistics_period = (dt.date(year, 1, 1), dt.date(year, 12, 31))
    report.sections = {k: sections.get(k) for k in SECTION_KEYS}
    report.section_titles = {s.key: s.canonical for s in SECTIONS if report.sections.get(s.key) is not None}
    for key in SECTION_KEYS:
        if report.sections[key] is None:
            notes.append(f"缺少第{[s for s in '一二三四五六'][SECTION_KEYS.index(key)]}部分的正文")
    if table2 is not None:
        t2 = {r: dict(c) if c else c for r, c in table2.items()}
        prefill_table2(t2, tpl.version, last, notes)
        report.tables["active_disclosure"] = t2
    if register is not None:
        t = table3(register.applications, year, tpl.version)
        t3 = t.cells()
        earlier = any(a.received < dt.date(year, 1, 1) for a in register.applications)
        carry_over(t3, earlier, last, notes)
        report.tables["applications"] = t3
        if register.problems:
            rows = sorted({p.row for p in register.problems})
            notes.append(f"台账有 {len(rows)} 行未能计入表三（第 {'、'.join(map(str, rows[:10]))} 行…），请先改正")
    if table4 is not None:
        report.tables["appeals"] = table4
    return Draft(report, notes)
