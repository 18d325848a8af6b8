"""Questions asked of the store: which reports, which findings, and the reviewer's verdicts."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ARRAY, Integer, and_, bindparam, case, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from gongkai.store.accounts import reports_in
from gongkai.store.agencies import Correction, infer
from gongkai.store.records import utcnow
from gongkai.store.schema import VERDICTS, Agency, AgencyName, FindingRow, ReportVersion, SourceFileRow, Verdict


@dataclass(frozen=True)
class Filters:
    region: str | None = None
    level: str | None = None
    year: int | None = None
    agency: str | None = None
    has_errors: bool = False
    rule: str | None = None
    severity: str | None = None


def _count(severity: str) -> Any:
    return func.sum(case((FindingRow.severity == severity, 1), else_=0))


def _apply(q: Any, f: Filters | None) -> Any:
    f = f or Filters()
    q = q.where(ReportVersion.current.is_(True))
    if f.region:
        q = q.where(reports_in(f.region))
    if f.level:
        q = q.where(Agency.level == f.level)
    if f.year is not None:
        q = q.where(ReportVersion.year == f.year)
    if f.agency:
        q = q.where(Agency.name.like(f"%{f.agency}%"))
    if f.has_errors:
        q = q.where(
            exists().where(FindingRow.report_id == ReportVersion.id, FindingRow.severity == "error", ~_dismissed())
        )
    if f.rule:
        q = q.where(exists().where(FindingRow.report_id == ReportVersion.id, FindingRow.rule == f.rule))
    return q


def verdict_matches(verdict: Any = Verdict) -> Any:
    """``verdict`` is on the finding (of the report) at hand: the same source file, rule and
    place — how a verdict outlives re-parses, which make new finding rows."""
    return and_(
        verdict.source_file_id == ReportVersion.source_file_id,
        verdict.rule == FindingRow.rule,
        verdict.location == FindingRow.location,
    )


def _dismissed() -> Any:
    """The finding (of the report) at hand has been dismissed. Correlated by hand: nested in
    another EXISTS, SQLAlchemy would otherwise take ``report_versions`` as a table of its own
    (any report's dismissal would count, and every finding would scan every report)."""
    return exists().where(verdict_matches(), Verdict.verdict == "dismissed").correlate_except(Verdict)


def id_set(s: Session, ids: list[int]) -> Any:
    """``ids`` for ``column.in_(...)``: on PostgreSQL one array parameter, unnested (a list of
    thousands binds a parameter each: compiling and sending a province's 10,000 ids took over
    a second of the dashboard's two); elsewhere the list."""
    if s.get_bind().dialect.name != "postgresql":
        return ids
    return select(func.unnest(bindparam(None, ids, type_=ARRAY(Integer))))


def dismissed_finding_ids() -> Any:
    """The ids of current findings a reviewer has dismissed, found from the verdicts (few) to
    their findings, for ``FindingRow.id.not_in(...)``: a region's findings are then counted
    without joining each to its report for the verdict test (a province's 130,000 findings
    joined every report of the store, 300 ms on PostgreSQL)."""
    return (
        select(FindingRow.id)
        .select_from(Verdict)
        .join(ReportVersion, ReportVersion.source_file_id == Verdict.source_file_id)
        .join(FindingRow, and_(FindingRow.report_id == ReportVersion.id, verdict_matches()))
        .where(Verdict.verdict == "dismissed", ReportVersion.current.is_(True))
    )


def reports_with_counts(*columns: Any) -> Any:
    """``columns`` of each report (with its source file and agency joined), followed by its
    error, warning and info finding counts."""
    counts = (
        select(
            FindingRow.report_id.label("rid"),
            *(_count(sev).label(sev) for sev in ("error", "warning", "info")),
        )
        .group_by(FindingRow.report_id)
        .subquery()
    )
    return (
        select(*columns, counts.c.error, counts.c.warning, counts.c.info)
        .join(SourceFileRow, SourceFileRow.id == ReportVersion.source_file_id)
        .outerjoin(Agency, Agency.id == ReportVersion.agency_id)
        .outerjoin(counts, counts.c.rid == ReportVersion.id)
    )


def reports(s: Session, f: Filters | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Current reports with their agency and finding counts, by agency then year."""
    q = reports_with_counts(
        ReportVersion.id,
        Agency.name,
        Agency.region,
        Agency.level,
        ReportVersion.year,
        ReportVersion.template,
        SourceFileRow.location,
        SourceFileRow.format,
    )
    q = _apply(q, f).order_by(Agency.name, ReportVersion.year, ReportVersion.id)
    if limit:
        q = q.limit(limit)
    keys = ("id", "agency", "region", "level", "year", "template", "location", "format", "errors", "warnings", "infos")
    return [dict(zip(keys, row, strict=True)) for row in s.execute(q)]


GROUPS = {"rule": FindingRow.rule, "agency": Agency.name, "severity": FindingRow.severity}


def _filtered_findings(f: Filters, verdict: Any, *columns: Any) -> Any:
    """``columns`` over findings joined to their report, agency and reviewer's verdict
    (``verdict`` is the Verdict entity or an alias of it), with the filters applied."""
    q = (
        select(*columns)
        .select_from(FindingRow)
        .join(ReportVersion, ReportVersion.id == FindingRow.report_id)
        .join(SourceFileRow, SourceFileRow.id == ReportVersion.source_file_id)
        .outerjoin(Agency, Agency.id == ReportVersion.agency_id)
        .outerjoin(verdict, verdict_matches(verdict))
    )
    q = _apply(q, Filters(f.region, f.level, f.year, f.agency))
    if f.rule:
        q = q.where(FindingRow.rule == f.rule)
    if f.severity:
        q = q.where(FindingRow.severity == f.severity)
    return q


def finding_groups(s: Session, by: str, f: Filters | None = None) -> list[dict[str, Any]]:
    """Finding counts grouped by rule, agency or severity (dismissed ones counted apart)."""
    f = f or Filters()
    col = GROUPS[by]
    v = aliased(Verdict)
    q = _filtered_findings(
        f,
        v,
        col,
        _count("error"),
        _count("warning"),
        _count("info"),
        func.count(FindingRow.id),
        func.count(func.distinct(FindingRow.report_id)),
        func.sum(case((v.verdict == "dismissed", 1), else_=0)),
        func.sum(case((v.verdict == "confirmed", 1), else_=0)),
    )
    q = q.group_by(col).order_by(func.count(FindingRow.id).desc(), col)
    keys = ("group", "errors", "warnings", "infos", "total", "reports", "dismissed", "confirmed")
    return [dict(zip(keys, row, strict=True)) for row in s.execute(q)]


def findings(s: Session, f: Filters | None = None, limit: int | None = None) -> list[dict[str, Any]]:
    """Findings one by one, with the file they are in (``source``) and the reviewer's verdict
    when there is one."""
    f = f or Filters()
    q = _filtered_findings(
        f,
        Verdict,
        FindingRow.id,
        Agency.name,
        ReportVersion.year,
        FindingRow.rule,
        FindingRow.severity,
        FindingRow.location,
        FindingRow.message,
        FindingRow.expected,
        FindingRow.found,
        FindingRow.scope,
        FindingRow.uncertain,
        SourceFileRow.location,
        Verdict.verdict,
        Verdict.comment,
    )
    q = q.order_by(Agency.name, ReportVersion.year, FindingRow.id)
    if limit:
        q = q.limit(limit)
    keys = (
        "id",
        "agency",
        "year",
        "rule",
        "severity",
        "location",
        "message",
        "expected",
        "found",
        "scope",
        "uncertain",
        "source",
        "verdict",
        "comment",
    )
    return [dict(zip(keys, row, strict=True)) for row in s.execute(q)]


def set_verdict(s: Session, finding_id: int, verdict: str, comment: str | None = None) -> None:
    """Record a reviewer's verdict on a finding; it stays with the finding across re-parses."""
    if verdict not in VERDICTS:
        raise ValueError(f"结论只能是 {' / '.join(VERDICTS)}")
    row = s.execute(
        select(FindingRow.rule, FindingRow.location, ReportVersion.source_file_id)
        .join(ReportVersion, ReportVersion.id == FindingRow.report_id)
        .where(FindingRow.id == finding_id)
    ).first()
    if row is None:
        raise KeyError(f"没有编号为 {finding_id} 的问题")
    rule, location, source_id = row
    v = s.scalar(
        select(Verdict).where(Verdict.source_file_id == source_id, Verdict.rule == rule, Verdict.location == location)
    )
    if v is None:
        s.add(
            Verdict(
                source_file_id=source_id,
                rule=rule,
                location=location,
                verdict=verdict,
                comment=comment,
                decided_at=utcnow(),
            )
        )
    else:
        v.verdict, v.comment, v.decided_at = verdict, comment, utcnow()


def agencies(s: Session) -> list[dict[str, Any]]:
    n_reports = (
        select(
            ReportVersion.agency_id.label("aid"),
            func.count().label("n"),
            func.min(ReportVersion.year).label("y0"),
            func.max(ReportVersion.year).label("y1"),
        )
        .where(ReportVersion.current.is_(True))
        .group_by(ReportVersion.agency_id)
        .subquery()
    )
    parent = aliased(Agency)
    q = (
        select(
            Agency.id,
            Agency.name,
            Agency.norm_name,
            Agency.level,
            Agency.region,
            Agency.is_government,
            parent.name,
            Agency.corrected,
            n_reports.c.n,
            n_reports.c.y0,
            n_reports.c.y1,
        )
        .outerjoin(parent, parent.id == Agency.parent_id)
        .outerjoin(n_reports, n_reports.c.aid == Agency.id)
        .order_by(Agency.region, Agency.name)
    )
    keys = (
        "id",
        "name",
        "norm_name",
        "level",
        "region",
        "is_government",
        "parent",
        "corrected",
        "reports",
        "first_year",
        "last_year",
    )
    return [dict(zip(keys, row, strict=True)) for row in s.execute(q)]


def apply_corrections(s: Session, corrections: Sequence[Correction]) -> int:
    """Apply a user's CSV of agencies: level, region, parent, government or not, and merges
    (``norm_name`` names the agency the row's name belongs to). Returns rows applied."""
    from gongkai.store.agencies import clean

    applied = 0
    for c in corrections:
        name = clean(c.name)
        target_norm = clean(c.norm_name) if c.norm_name else None
        agency = _find_agency(s, target_norm) if target_norm else _find_agency(s, name)
        if agency is None:
            info = infer(name)
            agency = Agency(
                name=name,
                norm_name=target_norm or info.norm_name,
                level=info.level,
                is_government=info.is_government,
                region=info.region,
                corrected=True,
            )
            s.add(agency)
            s.flush()
        old = _find_agency(s, name)
        if old is not None and old.id != agency.id:
            _merge(s, old, agency)
        if s.scalar(select(AgencyName).where(AgencyName.name == name)) is None:
            s.add(AgencyName(agency_id=agency.id, name=name))
        if c.level:
            agency.level = c.level
        if c.region:
            agency.region = c.region
        if c.is_government is not None:
            agency.is_government = c.is_government
        if c.parent:
            p = _find_agency(s, clean(c.parent))
            if p is not None:
                agency.parent_id = p.id
        agency.corrected = True
        applied += 1
    # comparisons may change: let the across rules run again
    s.execute(update(ReportVersion).values(across_checked=False))
    return applied


def _find_agency(s: Session, key: str) -> Agency | None:
    a = s.scalar(select(Agency).join(AgencyName, AgencyName.agency_id == Agency.id).where(AgencyName.name == key))
    if a is None:
        a = s.scalar(select(Agency).where(Agency.norm_name == key))
    if a is None:
        a = s.scalar(select(Agency).where(Agency.norm_name == infer(key).norm_name))
    return a


def _merge(s: Session, old: Agency, into: Agency) -> None:
    s.execute(update(ReportVersion).where(ReportVersion.agency_id == old.id).values(agency_id=into.id))
    s.execute(update(AgencyName).where(AgencyName.agency_id == old.id).values(agency_id=into.id))
    s.execute(update(Agency).where(Agency.parent_id == old.id).values(parent_id=into.id))
    s.delete(old)
    s.flush()


def _snapshot_parts(s: Session) -> dict[str, Iterator[tuple[Any, ...]]]:
    import json

    from gongkai.store.schema import CellRow, Failure, SectionRow

    def j(v: Any) -> str:
        return json.dumps(v, sort_keys=True, ensure_ascii=False)

    q = select(ReportVersion.id, SourceFileRow.sha256, ReportVersion.parser_version).join(
        SourceFileRow, SourceFileRow.id == ReportVersion.source_file_id
    )
    ident = {rid: (sha, pv) for rid, sha, pv in s.execute(q)}

    def key(rid: int | None) -> tuple[str, str]:
        return ident[rid] if rid is not None else ("", "")

    parents: dict[int | None, str] = {i: n for i, n in s.execute(select(Agency.id, Agency.norm_name))}

    def agencies_() -> Iterator[tuple[Any, ...]]:
        for a in s.scalars(select(Agency)):
            yield (a.norm_name, a.name, a.level or "", a.region or "", a.is_government, parents.get(a.parent_id, ""))

    def reports_() -> Iterator[tuple[Any, ...]]:
        q = select(ReportVersion, Agency.norm_name).outerjoin(Agency, Agency.id == ReportVersion.agency_id)
        for r, n in s.execute(q):
            yield (
                *key(r.id),
                r.current,
                n or "",
                r.agency_name or "",
                r.year or 0,
                r.template or "",
                r.title or "",
                str(r.signed_on),
                str(r.published_on),
                r.is_government,
                j(r.extras),
            )

    def cells_() -> Iterator[tuple[Any, ...]]:
        c = CellRow
        q = select(
            c.report_id,
            c.key,
            c.extra,
            c.value,
            c.is_int,
            c.raw,
            c.blank,
            c.unit,
            c.source,
            c.confidence,
            c.uncertain,
            c.candidates,
        )
        for rid, k, extra, value, is_int, raw, blank, unit, src, conf, unc, cand in s.execute(q):
            yield (
                *key(rid),
                k,
                extra,
                repr(value),
                is_int,
                raw or "",
                blank,
                unit or "",
                j(src),
                conf,
                unc or "",
                j(cand),
            )

    def sections_() -> Iterator[tuple[Any, ...]]:
        for rid, k, title, text in s.execute(
            select(SectionRow.report_id, SectionRow.key, SectionRow.title, SectionRow.text)
        ):
            yield (*key(rid), k, title or "", text or "")

    def findings_() -> Iterator[tuple[Any, ...]]:
        for f in s.scalars(select(FindingRow)):
            yield (
                *key(f.report_id),
                f.scope,
                f.rule,
                f.severity,
                f.location,
                f.message,
                j(f.expected),
                j(f.found),
                j(f.cells),
                f.uncertain,
                j(f.detail),
                key(f.other_report_id),
            )

    def failures_() -> Iterator[tuple[Any, ...]]:
        for f in s.scalars(select(Failure)):
            yield (f.location, f.code, f.reason)

    return {
        "agencies": agencies_(),
        "reports": reports_(),
        "cells": cells_(),
        "sections": sections_(),
        "findings": findings_(),
        "failures": failures_(),
    }


def snapshot(s: Session) -> dict[str, list[tuple[Any, ...]]]:
    """The store's content without ids and timestamps, in a canonical order: two stores with
    equal snapshots hold the same reports, cells, findings and agencies."""
    return {name: sorted(rows) for name, rows in _snapshot_parts(s).items()}


def digest(s: Session) -> dict[str, tuple[int, str]]:
    """Row count and a hash of each part of the snapshot, for stores too big to compare in memory."""
    import hashlib

    out: dict[str, tuple[int, str]] = {}
    for name, rows in _snapshot_parts(s).items():
        hashes = sorted(hashlib.blake2b(repr(r).encode(), digest_size=16).digest() for r in rows)
        out[name] = (len(hashes), hashlib.sha256(b"".join(hashes)).hexdigest())
    return out
