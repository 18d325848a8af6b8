"""read → parse → checks for one file: the function every front end (CLI, store, web) calls."""

from __future__ import annotations

from gongkai.checks import run_checks
from gongkai.model.report import Report
from gongkai.parse import parse_document
from gongkai.parse.years import resolve_across_years
from gongkai.readers import ReadError, read, read_bytes
from gongkai.readers.document import Document
from gongkai.readers.limits import Limits


def looks_like_report(report: Report) -> bool:
    """Anything with a report title, two of the six headings, or one of the tables."""
    return (
        report.title is not None
        or len(report.section_titles) >= 2
        or any(t is not None for t in report.tables.values())
    )


ABOUT_A_REPORT_CHARS = 300
"""Characters at the start of a page in which ``解读`` / ``图解`` mark a page about a report."""


def not_a_report(path: str, doc: Document) -> ReadError:
    """Why a document that is no report is refused: a page that interprets a report (年报解读,
    图解, published beside many reports) says so; anything else, what was not found."""
    head = "".join(doc.lines())[:ABOUT_A_REPORT_CHARS]
    if "解读" in head or "图解" in head:
        return ReadError(path, "是年度报告的解读（解读或图解页面），不是年度报告本身：请读取报告原文", "not_report")
    return ReadError(path, "不是政府信息公开工作年度报告（未找到报告标题、章节或统计表）", "not_report")


def parse_paths(
    paths: list[str], check: bool = True, *, limits: Limits | None = None, workers: int = 0
) -> list[Report | ReadError]:
    """Parse several files; reports of one agency in consecutive years settle each other's
    ambiguous table-2 runs before the checks run. Unreadable files come back as ReadError.

    ``workers`` ≥ 1 reads each file in a worker process (``gongkai.sandbox``) under every limit,
    time and memory included, so that no file can hang, exhaust or crash the caller; 0 reads in
    this process (the structural limits and the time limit between pages still hold)."""
    out: list[Report | ReadError]
    if workers >= 1:
        out = _parse_isolated(paths, limits, workers)
    else:
        out = []
        for p in paths:
            out.append(_parse_one(p, limits))
    reports = [r for r in out if isinstance(r, Report)]
    resolve_across_years(reports)
    if check:
        for r in reports:
            r.findings = run_checks(r)
    return out


def needs_sandbox(path: str) -> bool:
    """Whether ``path`` is read by native decoders (PDF, images, DOCX's ZIP) and so belongs in a
    worker process; text, Markdown and HTML (at most ``MAX_TEXT_BYTES``) are safe in-process."""
    from gongkai.readers import SNIFF_BYTES, TEXT_FORMATS, sniff_format

    try:
        with open(path, "rb") as f:
            return sniff_format(path, f.read(SNIFF_BYTES)) not in TEXT_FORMATS
    except OSError:
        return False  # read() says what is wrong with it


def _parse_one(path: str, limits: Limits | None = None) -> Report | ReadError:
    try:
        return parse_path(path, check=False, limits=limits)
    except ReadError as e:
        return e
    except MemoryError:
        return ReadError(path, "内存不足：文件过大或过于复杂，已停止读取", "memory")
    except Exception as e:  # one bad file never stops the batch
        return ReadError(path, f"解析出错（内部错误 {type(e).__name__}），请将此文件报告给开发者", "internal")


def _parse_isolated(paths: list[str], limits: Limits | None, workers: int) -> list[Report | ReadError]:
    from gongkai.sandbox import Pool

    got: dict[int, Report | ReadError] = {}
    jobs = list(enumerate(paths))
    with Pool(_indexed_parse, min(workers, len(paths)) or 1, limits) as pool:
        for item in pool.imap(jobs):
            if item is None:
                continue
            (i, path), outcome = item
            got[i] = outcome.value if outcome.ok else ReadError(path, outcome.reason or "", outcome.code or "")
    return [got[i] for i in range(len(paths))]


def _indexed_parse(job: tuple[int, str]) -> Report | ReadError:
    return _parse_one(job[1])


def parse_path(path: str, check: bool = True, limits: Limits | None = None) -> Report:
    """Read, parse and (optionally) check one file under ``limits`` (default: ``readers.limits``).
    Raises ``ReadError`` for bad input."""
    doc = read(path, limits)
    report = parse_document(doc)
    if not looks_like_report(report):
        raise not_a_report(path, doc)
    if check:
        report.findings = run_checks(report)
    return report


def parse_bytes(name: str, data: bytes, check: bool = True, limits: Limits | None = None) -> Report:
    """``parse_path`` for bytes already in memory (a ZIP member, a downloaded page); ``name``'s
    extension breaks format ties. Raises ``ReadError`` for bad input."""
    doc = read_bytes(name, data, limits)
    report = parse_document(doc)
    if not looks_like_report(report):
        raise not_a_report(name, doc)
    if check:
        report.findings = run_checks(report)
    return report
