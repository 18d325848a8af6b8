"""Dates: signature before the period ends, publication after the legal deadline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from gongkai.checks.registry import rule
from gongkai.model.report import Finding, Report
from gongkai.model.template import DEPARTMENT_DEADLINE, GOVERNMENT_DEADLINE, REVISED_REGULATION_FIRST_YEAR


@rule("signed_before_period_end", "error", "落款日期不早于统计期结束")
def signed_before_period_end(report: Report) -> Iterator[Finding]:
    if report.year is None:
        return
    period_end = dt.date(report.year + 1, 1, 1)
    for label, date, where in (
        ("落款日期", report.signed_on, "signed_on"),
        ("发布日期", report.published_on, "published_on"),
    ):
        if date is not None and date < period_end:
            if date == period_end - dt.timedelta(days=1):
                # the period's last day is still inside it: its figures were not final that day
                when = f"是 {report.year} 年度统计期的最后一天，当天统计尚未完成"
            else:
                when = f"早于 {report.year} 年度统计期结束（{report.year}-12-31）"
            yield Finding(
                "signed_before_period_end",
                "error",
                where,
                f"{label}为 {date.isoformat()}，{when}，可能把年份写错",
                expected=f">= {period_end.isoformat()}",
                found=date.isoformat(),
            )


@rule("published_late", "error", "按时发布（部门1月31日、本级政府3月31日前）")
def published_late(report: Report) -> Iterator[Finding]:
    if report.year is None or report.published_on is None:
        return
    if report.year < REVISED_REGULATION_FIRST_YEAR:
        month, day = GOVERNMENT_DEADLINE
        who = "2019 年以前的报告"
    elif report.is_government:
        month, day = GOVERNMENT_DEADLINE
        who = "本级人民政府的年度报告"
    elif report.agency is None:
        # the body is not known, nor so whether the report is a department's (31 January) or
        # a government's (31 March): only what is late for either is late
        month, day = GOVERNMENT_DEADLINE
        who = "年度报告（未能确定发布机关，按最晚的本级人民政府期限）"
    else:
        month, day = DEPARTMENT_DEADLINE
        who = "政府部门的年度报告"
    deadline = dt.date(report.year + 1, month, day)
    if report.published_on > deadline:
        yield Finding(
            "published_late",
            "error",
            "published_on",
            f"发布日期 {report.published_on.isoformat()} 晚于法定期限：{who}应在 {deadline.isoformat()} 前公布",
            expected=f"<= {deadline.isoformat()}",
            found=report.published_on.isoformat(),
        )
