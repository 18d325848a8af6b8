"""Database tables (SQLAlchemy 2 declarative models).

One row per agency, per source file (by sha256), per parse of a file (``report_versions``,
one per parser version), per cell, per section and per finding. A reviewer's verdict on a
finding is kept apart from the finding, keyed by source file + rule + location, so that it
survives re-parses (a re-parse makes new finding rows; the verdict joins to them again).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from gongkai.model.template import aggregate_cell_keys
from gongkai.store.levels import LEVELS as LEVELS  # the CLI reads them without loading SQLAlchemy

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

VERDICTS: tuple[str, ...] = ("confirmed", "dismissed")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    """Display name: the fullest variant seen (or the user's correction)."""
    norm_name: Mapped[str] = mapped_column(String(200), unique=True)
    """Identity key (``agencies.normalise``): same key, same agency."""
    level: Mapped[str | None] = mapped_column(String(8))
    is_government: Mapped[bool] = mapped_column(Boolean, default=False)
    region: Mapped[str | None] = mapped_column(String(100), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    corrected: Mapped[bool] = mapped_column(Boolean, default=False)
    """Level/region/parent come from the user's CSV, not from inference."""


class AgencyName(Base):
    """Every name under which an agency has appeared."""

    __tablename__ = "agency_names"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class SourceFileRow(Base):
    __tablename__ = "source_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    location: Mapped[str] = mapped_column(Text)
    """Path, ``archive.zip!member`` or URL where the file was first seen."""
    format: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(BigInteger)
    fetched_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ReportVersion(Base):
    __tablename__ = "report_versions"
    __table_args__ = (
        UniqueConstraint("source_file_id", "parser_version", name="uq_report_versions_source_parser"),
        Index("ix_report_versions_agency_year", "agency_id", "year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id", ondelete="CASCADE"))
    parser_version: Mapped[str] = mapped_column(String(32))
    current: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    """The newest parse of its source file; queries and exports read only these."""
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    agency_name: Mapped[str | None] = mapped_column(String(200))
    """The agency as the document names it."""
    year: Mapped[int | None] = mapped_column(Integer)
    template: Mapped[str | None] = mapped_column(String(8))
    title: Mapped[str | None] = mapped_column(Text)
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    published_on: Mapped[dt.date | None] = mapped_column(Date)
    is_government: Mapped[bool] = mapped_column(Boolean, default=False)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    extras: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Facts, decisions, notes and section titles, as in ``Report.to_json``."""
    ambiguous: Mapped[bool] = mapped_column(Boolean, default=False)
    """Table-2 rows were left with several readings; the agency's other years may settle them."""
    across_checked: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    """The across-report rules have run on this report since it (or a neighbour) arrived."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


AGGREGATE_KEYS = aggregate_cell_keys()
assert all(k.replace("_", "").replace(".", "").isalnum() for k in AGGREGATE_KEYS)  # spelled into SQL below
AGGREGATE_PREDICATE = "key IN (" + ", ".join(f"'{k}'" for k in AGGREGATE_KEYS) + ")"
"""The partial index's condition. A query reaches the index only when its WHERE clause holds this
very term (SQLite compares the expressions, so the keys are literals in this order):
``aggregate_cells()``."""


def aggregate_cells() -> ColumnElement[bool]:
    """The clause that lets a query over the cells that region aggregates read use their index."""
    return text("cells." + AGGREGATE_PREDICATE)  # type: ignore[return-value]


class CellRow(Base):
    __tablename__ = "cells"
    __table_args__ = (
        Index(
            "ix_cells_aggregate",
            "report_id",
            "key",
            "value",
            sqlite_where=text(AGGREGATE_PREDICATE),
            postgresql_where=text(AGGREGATE_PREDICATE),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(120))
    """``table.row.col``; extra rows: ``table.+label.N``."""
    table_key: Mapped[str] = mapped_column(String(40))
    row_key: Mapped[str] = mapped_column(String(200))
    col_key: Mapped[str] = mapped_column(String(40))
    extra: Mapped[bool] = mapped_column(Boolean, default=False)
    value: Mapped[float | None] = mapped_column(Double)
    is_int: Mapped[bool] = mapped_column(Boolean, default=True)
    raw: Mapped[str | None] = mapped_column(Text)
    blank: Mapped[bool] = mapped_column(Boolean, default=False)
    unit: Mapped[str | None] = mapped_column(String(16))
    source: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    confidence: Mapped[float] = mapped_column(Double, default=1.0)
    uncertain: Mapped[str | None] = mapped_column(Text)
    candidates: Mapped[list[Any] | None] = mapped_column(JSON)


class SectionRow(Base):
    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str | None] = mapped_column(Text)


class FindingRow(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("report_versions.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(String(8))
    """``report`` (single-report rule, from the parse) or ``across`` (needs other reports)."""
    rule: Mapped[str] = mapped_column(String(40), index=True)
    severity: Mapped[str] = mapped_column(String(8))
    location: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    expected: Mapped[Any] = mapped_column(JSON, nullable=True)
    found: Mapped[Any] = mapped_column(JSON, nullable=True)
    cells: Mapped[list[str] | None] = mapped_column(JSON)
    uncertain: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    other_report_id: Mapped[int | None] = mapped_column(ForeignKey("report_versions.id", ondelete="SET NULL"))
    """The report compared with (last year's), for across rules."""
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """Rule-specific evidence (text_reuse: the shared passages)."""


class Verdict(Base):
    __tablename__ = "verdicts"
    __table_args__ = (UniqueConstraint("source_file_id", "rule", "location", name="uq_verdicts_finding"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_file_id: Mapped[int] = mapped_column(ForeignKey("source_files.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(40))
    location: Mapped[str] = mapped_column(String(200))
    verdict: Mapped[str] = mapped_column(String(12))
    comment: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime)


class Failure(Base):
    """A file or URL that could not be stored, with the reason (kept for the summary)."""

    __tablename__ = "failures"
    __table_args__ = (UniqueConstraint("location", "parser_version", name="uq_failures_location_parser"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    location: Mapped[str] = mapped_column(String(1000))
    sha256: Mapped[str | None] = mapped_column(String(64))
    parser_version: Mapped[str] = mapped_column(String(32))
    code: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(DateTime)


class ComputedResult(Base):
    """An aggregate over a region (a dashboard, a page of the report list) as JSON, with the
    store's change stamp it was computed at: shared by the web server's processes, so that
    a province's figures are computed once after each change, not once in each process."""

    __tablename__ = "computed_results"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    """SHA-256 of what was computed and for whom (its cache key)."""
    stamp: Mapped[str] = mapped_column(Text)
    value: Mapped[str] = mapped_column(Text)
    computed_at: Mapped[dt.datetime] = mapped_column(DateTime)


def table_of(model: type[Base]) -> Table:
    """The Core table of a model (for fast multi-row inserts)."""
    t = model.__table__
    assert isinstance(t, Table)
    return t
