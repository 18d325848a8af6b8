"""read → parse → checks for one file: the function every front end (CLI, store, web) calls."""

from __future__ import annotations

from gongkai.checks import run_checks
from gongkai.model.report import Report
from gongkai.parse import parse_document
from gongkai.readers import ReadError, read


def looks_like_report(report: Report) -> bool:
    """Anything with a report title, two of the six headings, or one of the tables."""
    return (
        report.title is not None
        or len(report.section_titles) >= 2
        or any(t is not None for t in report.tables.values())
    )


def parse_path(path: str, check: bool = True) -> Report:
    """Read, parse and (optionally) check one file. Raises ``ReadError`` for bad input."""
    report = parse_document(read(path))
    if not looks_like_report(report):
        raise ReadError(path, "不是政府信息公开工作年度报告（未找到报告标题、章节或统计表）", "not_report")
    if check:
        report.findings = run_checks(report)
    return report
