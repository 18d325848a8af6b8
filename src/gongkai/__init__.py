"""gongkai: read, check, store and compare government information disclosure annual reports.

>>> import gongkai
>>> report = gongkai.parse_file("report.docx")   # read + parse + single-report checks
>>> [f.rule for f in report.findings]
"""

from __future__ import annotations

__version__ = "0.1.0"
PARSER_VERSION = "2"
"""Raised when a change alters what a parse stores (2: sections without their tables' text), so
that ``gongkai ingest --reparse`` parses stored files again; earlier versions stay."""


def parse_file(path: str, check: bool = True):  # type: ignore[no-untyped-def]
    """Read ``path`` (any supported format), parse it into a ``Report`` and run the
    single-report checks. Raises ``gongkai.readers.ReadError`` for unreadable input."""
    from gongkai.pipeline import parse_path

    return parse_path(path, check=check)


__all__ = ["PARSER_VERSION", "__version__", "parse_file"]
