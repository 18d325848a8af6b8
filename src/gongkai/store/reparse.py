"""Parse a stored report's file again, in place: the report keeps its id (links to it stay
valid), its cells, sections and single-report findings are replaced, and the across rules run
again. Reviewers' verdicts are keyed by file + rule + location, so they apply to the new
findings as they did to the old ones."""

from __future__ import annotations

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from gongkai.store.crosscheck import run_across
from gongkai.store.db import Store
from gongkai.store.records import (
    CELL_COLUMNS,
    FINDING_COLUMNS,
    SECTION_COLUMNS,
    AgencyResolver,
    Prepared,
    insert_rows,
    prepare,
)
from gongkai.store.schema import CellRow, FindingRow, ReportVersion, SectionRow, SourceFileRow


def source_of(s: Session, report_id: int) -> tuple[str, str, str] | None:
    """(location, sha256, format) of a report's file."""
    row = s.execute(
        select(SourceFileRow.location, SourceFileRow.sha256, SourceFileRow.format)
        .join(ReportVersion, ReportVersion.source_file_id == SourceFileRow.id)
        .where(ReportVersion.id == report_id)
    ).first()
    return (row[0], row[1], row[2]) if row else None


def replace_version(s: Session, report_id: int, p: Prepared) -> None:
    """Put ``p`` in the place of report version ``report_id`` (same id)."""
    agency_id = AgencyResolver().resolve(s, p.agency_name, p.is_government)
    s.execute(delete(CellRow).where(CellRow.report_id == report_id))
    s.execute(delete(SectionRow).where(SectionRow.report_id == report_id))
    s.execute(delete(FindingRow).where(FindingRow.report_id == report_id))
    insert_rows(s, "cells", CELL_COLUMNS, [(report_id, *c) for c in p.cells])
    insert_rows(s, "sections", SECTION_COLUMNS, [(report_id, *x) for x in p.sections])
    insert_rows(s, "findings", FINDING_COLUMNS, [(report_id, *f) for f in p.findings])
    s.execute(
        update(ReportVersion)
        .where(ReportVersion.id == report_id)
        .values(agency_id=agency_id, agency_name=p.agency_name, across_checked=False, **p.fields)
    )


def reparse_report(store: Store, report_id: int, data: bytes, name: str) -> None:
    """Parse ``data`` (the report's file, ``name`` for its extension) and replace the stored
    reading. Raises ``gongkai.readers.ReadError`` when the file no longer reads as a report."""
    from gongkai.pipeline import parse_bytes

    report = parse_bytes(name, data)
    with store.session() as s:
        src = source_of(s, report_id)
        if src is None:
            raise KeyError(report_id)
        report.source.path = src[0]
        replace_version(s, report_id, prepare(report))
    run_across(store)
