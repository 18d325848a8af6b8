"""read → parse → checks for one file: the function every front end (CLI, store, web) calls."""

from __future__ import annotations

from gongkai.checks import run_checks
from gongkai.model.report import Report
from gongkai.parse import parse_document
from gongkai.parse.years import resolve_across_years
from gongkai.readers import ReadError, read, read_bytes


def looks_like_report(report: Report) -> bool:
    """Anything with a report title, two of the six headings, or one of the tables."""
    return (
        report.title is not None
        or len(report.section_titles) >= 2
        or any(t is not None for t in report.tables.values())
    )


def parse_paths(paths: list[str], check: bool = True) -> list[Report | ReadError]:
    """Parse several files; reports of one agency in consecutive years settle each other's
    ambiguous table-2 runs before the checks run. Unreadable files come back as ReadError."""
    out: list[Report | ReadError] = []
    for p in paths:
        try:
            out.append(parse_path(p, check=False))
        except ReadError as e:
            out.append(e)
        except Exception as e:  # one bad file never stops the batch
            out.append(ReadError(p, f"解析失败（{type(e).__name__}: {str(e)[:120]}）", "internal"))
    reports = [r for r in out if isinstance(r, Report)]
    resolve_across_years(reports)
    if check:
        for r in reports:
            r.findings = run_checks(r)
    return out


def parse_path(path: str, check: bool = True) -> Report:
    """Read, parse and (optionally) check one file. Raises ``ReadError`` for bad input."""
    report = parse_document(read(path))
    if not looks_like_report(report):
        raise ReadError(path, "不是政府信息公开工作年度报告（未找到报告标题、章节或统计表）", "not_report")
    if check:
        report.findings = run_checks(report)
    return report


def parse_bytes(name: str, data: bytes, check: bool = True) -> Report:
    """``parse_path`` for bytes already in memory (a ZIP member, a downloaded page); ``name``'s
    extension breaks format ties. Raises ``ReadError`` for bad input."""
    report = parse_document(read_bytes(name, data))
    if not looks_like_report(report):
        raise ReadError(name, "不是政府信息公开工作年度报告（未找到报告标题、章节或统计表）", "not_report")
    if check:
        report.findings = run_checks(report)
    return report
