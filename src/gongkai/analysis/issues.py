"""问题清单 and 整改通知: every open finding across a region, grouped by agency or by rule and
written to XLSX; and, per agency, a rectification notice (DOCX) listing its findings in the
words a disclosure office sends to the agency. A finding a reviewer dismissed is not open; a
confirmed one is, with the reviewer's comment."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongkai.analysis.labels import SEVERITY_NAMES, VERDICT_NAMES, location_label, rule_title
from gongkai.model.text import chinese_date
from gongkai.store.accounts import reports_in
from gongkai.store.queries import verdict_matches
from gongkai.store.schema import Agency, FindingRow, ReportVersion, SourceFileRow, Verdict

GROUP_BY = ("agency", "rule")
OPEN_SEVERITIES = ("error", "warning")
RECTIFY_DAYS = 15


@dataclass(frozen=True)
class IssueFilter:
    region: str | None = None
    year: int | None = None
    agency_id: int | None = None
    rule: str | None = None
    severities: tuple[str, ...] = OPEN_SEVERITIES
    include_dismissed: bool = False


def open_findings(s: Session, f: IssueFilter, scope: str | None = None) -> list[dict[str, Any]]:
    """The findings of current reports matching ``f`` within ``scope``, by agency, year, severity."""
    q = (
        select(
            FindingRow.id,
            ReportVersion.id,
            Agency.id,
            Agency.name,
            ReportVersion.agency_name,
            Agency.region,
            ReportVersion.year,
            ReportVersion.title,
            ReportVersion.template,
            FindingRow.rule,
            FindingRow.severity,
            FindingRow.location,
            FindingRow.message,
            FindingRow.scope,
            Verdict.verdict,
            Verdict.comment,
            SourceFileRow.location,
        )
        .select_from(FindingRow)
        .join(ReportVersion, ReportVersion.id == FindingRow.report_id)
        .join(SourceFileRow, SourceFileRow.id == ReportVersion.source_file_id)
        .outerjoin(Agency, Agency.id == ReportVersion.agency_id)
        .outerjoin(Verdict, verdict_matches())
        .where(ReportVersion.current.is_(True), FindingRow.severity.in_(f.severities))
    )
    for clause in (reports_in(scope), reports_in(f.region)):
        if clause is not None:
            q = q.where(clause)
    if f.year is not None:
        q = q.where(ReportVersion.year == f.year)
    if f.agency_id is not None:
        q = q.where(ReportVersion.agency_id == f.agency_id)
    if f.rule:
        q = q.where(FindingRow.rule == f.rule)
    if not f.include_dismissed:
        q = q.where((Verdict.verdict.is_(None)) | (Verdict.verdict != "dismissed"))
    # no ORDER BY: the rows are sorted below by the names as shown (a province's 130,000 rows
    # were sorted twice)
    keys = (
        "id",
        "report_id",
        "agency_id",
        "agency",
        "agency_as_printed",
        "region",
        "year",
        "title",
        "template",
        "rule",
        "severity",
        "location",
        "message",
        "scope",
        "verdict",
        "comment",
        "source",
    )
    out = []
    for row in s.connection().execute(q).all():  # plain rows, fetched at once
        d = dict(zip(keys, row, strict=True))
        d["agency"] = d["agency"] or d["agency_as_printed"] or "（未识别的机关）"
        d["rule_title"] = rule_title(d["rule"])
        d["where"] = location_label(d["location"], d["template"])
        out.append(d)
    order = {"error": 0, "warning": 1, "info": 2}
    out.sort(key=lambda d: (d["region"] or "", d["agency"], d["year"] or 0, order.get(d["severity"], 9), d["id"]))
    return out


def group_findings(rows: Iterable[dict[str, Any]], by: str) -> list[tuple[str, list[dict[str, Any]]]]:
    """Rows grouped by agency (in region order) or by rule (most frequent first)."""
    if by not in GROUP_BY:
        raise ValueError(f"分组只能是 {' / '.join(GROUP_BY)}")
    groups: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        k = r["agency"] if by == "agency" else r["rule"]
        groups.setdefault(k, []).append(r)
    items = list(groups.items())
    if by == "rule":
        items.sort(key=lambda kv: (-len(kv[1]), kv[0]))
    return items


XLSX_COLUMNS = (
    ("序号", 6),
    ("机关", 28),
    ("地区", 16),
    ("年度", 7),
    ("程度", 7),
    ("规则", 20),
    ("规则说明", 30),
    ("位置", 30),
    ("问题说明", 70),
    ("复核结论", 10),
    ("复核意见", 30),
    ("报告编号", 9),
    ("问题编号", 9),
)


def _xlsx_row(n: int, r: dict[str, Any]) -> list[Any]:
    return [
        n,
        r["agency"],
        r["region"] or "",
        r["year"],
        SEVERITY_NAMES.get(r["severity"], r["severity"]),
        r["rule"],
        r["rule_title"],
        r["where"],
        r["message"],
        VERDICT_NAMES.get(r["verdict"] or "", "待复核"),
        r["comment"] or "",
        r["report_id"],
        r["id"],
    ]


def issues_xlsx(rows: list[dict[str, Any]], by: str = "agency", title: str = "问题清单") -> bytes:
    """The 问题清单 as an XLSX workbook: one sheet with the findings under a heading row per
    group, and a summary sheet with the counts per group."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "问题清单"
    ncol = len(XLSX_COLUMNS)
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.append([c for c, _ in XLSX_COLUMNS])
    for i, (_, width) in enumerate(XLSX_COLUMNS, 1):
        ws.cell(2, i).font = Font(bold=True)
        ws.column_dimensions[ws.cell(2, i).column_letter].width = width
    ws.freeze_panes = "A3"
    band = PatternFill("solid", fgColor="EEF2F7")
    n = 0
    summary = []
    for name, items in group_findings(rows, by):
        label = f"{name}（{rule_title(name)}）" if by == "rule" else name
        errors = sum(1 for r in items if r["severity"] == "error")
        ws.append([f"{label}：{len(items)} 条（错误 {errors} 条）"])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=ncol)
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        ws.cell(ws.max_row, 1).fill = band
        for r in items:
            n += 1
            ws.append(_xlsx_row(n, r))
            ws.cell(ws.max_row, 9).alignment = Alignment(wrap_text=True, vertical="top")
        summary.append([label, len(items), errors, len(items) - errors, len({r["report_id"] for r in items})])
    sm = wb.create_sheet("汇总")
    sm.append(["机关" if by == "agency" else "规则", "问题数", "错误", "警告", "涉及报告"])
    for row in summary:
        sm.append(row)
    sm.column_dimensions["A"].width = 40
    for c in sm[1]:
        c.font = Font(bold=True)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def notice_paragraphs(
    rows: list[dict[str, Any]], issuer: str = "政务公开办公室", today: dt.date | None = None, days: int = RECTIFY_DAYS
) -> dict[str, Any]:
    """The text of a rectification notice for one agency's findings (of one or more years):
    title, addressee, body paragraphs (with numbered items), closing and date."""
    if not rows:
        raise ValueError("该机关没有待整改的问题")
    agency = rows[0]["agency"]
    years = sorted({r["year"] for r in rows if r["year"]})
    year_text = "、".join(str(y) for y in years) + "年" if years else ""
    titles = sorted({r["title"] for r in rows if r["title"]})
    doc_name = "》《".join(titles) if titles else f"{agency}{year_text}政府信息公开工作年度报告"
    errors = [r for r in rows if r["severity"] == "error"]
    warnings = [r for r in rows if r["severity"] != "error"]
    parts: list[tuple[str, list[str]]] = []
    if errors:
        parts.append(("需要更正的问题", [_item(r) for r in errors]))
    if warnings:
        parts.append(("需要核实说明的问题", [_item(r) for r in warnings]))
    body = [
        f"经审核，你单位发布的《{doc_name}》存在以下问题（共 {len(rows)} 项，其中需要更正的 {len(errors)} 项），"
        "现将有关情况通知如下，请认真核实并整改。"
    ]
    requirements = (
        "请对照《中华人民共和国政府信息公开条例》和政府信息公开工作年度报告格式要求，逐项核实上述问题："
        "确属错误的，更正后重新发布年度报告，并在报告中说明更正情况；经核实无误的，请书面说明理由。"
        f"请于收到本通知之日起 {days} 个工作日内，将整改情况书面报送{issuer}。"
    )
    return {
        "title": f"关于{agency}{year_text}政府信息公开工作年度报告存在问题的整改通知",
        "addressee": f"{agency}：",
        "intro": body,
        "parts": parts,
        "requirements": requirements,
        "issuer": issuer,
        "date": chinese_date(today or dt.date.today()),
    }


def _item(r: dict[str, Any]) -> str:
    year = f"{r['year']}年度报告" if r.get("year") else ""
    message = r["message"].rstrip("。")
    # most messages name their table, row or column themselves; the others get their place
    where = "" if message.startswith(("表", "第", "“", "正文", "人民政府")) else r["where"]
    lead = "，".join(x for x in (year, where) if x)
    text = f"{lead}：{message}。" if lead else f"{message}。"
    if r.get("comment"):
        text += f"审核意见：{r['comment'].rstrip('。')}。"
    return text
