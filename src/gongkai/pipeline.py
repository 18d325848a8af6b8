"""read → parse → checks for one file: the function every front end (CLI, store, web) calls."""

from __future__ import annotations

from gongkai.checks import run_checks
from gongkai.model.report import Report
from gongkai.parse import parse_document
from gongkai.readers import read


def parse_path(path: str, check: bool = True) -> Report:
    """Read, parse and (optionally) check one file. Raises ``ReadError`` for bad input."""
    report = parse_document(read(path))
    if check:
        report.findings = run_checks(report)
    return report
