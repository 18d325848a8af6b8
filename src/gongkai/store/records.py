"""Reports to rows and back: one report version is written in one transaction (the caller's)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from gongkai.model.report import Cell, Decision, Fact, Finding, Report, Source, SourceFile
from gongkai.model.template import SECTION_KEYS, TABLE_KEYS
from gongkai.store.agencies import NormIndex, clean, display_name, infer, name_from_title
from gongkai.store.schema import (
    Agency,
    AgencyName,
    CellRow,
    Failure,
    FindingRow,
    ReportVersion,
    SectionRow,
    SourceFileRow,
    table_of,
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def agency_name_of(report: Report) -> str | None:
    """The agency as the document names it, else as its title names it."""
    return report.agency or name_from_title(report.title)


class AgencyResolver:
    """Finds or creates the agency of a name. Keeps the store's names in memory (the ingest
    process is the only writer); call ``reset`` after a rolled-back transaction."""

    def __init__(self) -> None:
        self._by_name: dict[str, int] | None = None
        self._by_norm = NormIndex()

    def reset(self) -> None:
        self._by_name = None
        self._by_norm = NormIndex()

    def _load(self, s: Session) -> dict[str, int]:
        if self._by_name is None:
            self._by_name = {n: a for n, a in s.execute(select(AgencyName.name, AgencyName.agency_id))}
            self._by_norm = NormIndex({n: a for n, a in s.execute(select(Agency.norm_name, Agency.id))})
        return self._by_name

    def resolve(self, s: Session, name: str | None, is_government: bool = False) -> int | None:
        if not name:
            return None
        by_name = self._load(s)
        key = clean(name)
        if not key:
            return None
        if key in by_name:
            return by_name[key]
        info = infer(key)
        agency_id = self._by_norm.get(info.norm_name)
        if agency_id is None:
            hits = self._by_norm.variants(info.norm_name)
            if len(set(hits)) == 1:
                agency_id = hits[0]
        if agency_id is None:
            agency = Agency(
                name=key,
                norm_name=info.norm_name,
                level=info.level,
                is_government=info.is_government or is_government,
                region=info.region,
                corrected=False,
            )
            s.add(agency)
            s.flush()
            agency_id = agency.id
            self._by_norm.add(info.norm_name, agency_id)
        else:
            self._merge_variant(s, agency_id, key, info.norm_name, info.region)
        s.add(AgencyName(agency_id=agency_id, name=key))
        by_name[key] = agency_id
        return agency_id

    def _merge_variant(self, s: Session, agency_id: int, name: str, norm: str, region: str | None) -> None:
        agency = s.get(Agency, agency_id)
        if agency is None or agency.corrected:
            return
        agency.name = display_name([agency.name, name])
        # the fuller key wins, so the result does not depend on which file came first
        if len(norm) > len(agency.norm_name) and norm not in self._by_norm:
            self._by_norm.remove(agency.norm_name)
            agency.norm_name = norm
            agency.region = region or agency.region
            self._by_norm.add(norm, agency_id)


# --- writing ---------------------------------------------------------------------------------


def _scalar(v: Any) -> Any:
    """A whole float as an int: SQLite's numeric affinity turns a JSON ``1.0`` into ``1`` anyway,
    and SQLite and PostgreSQL must give back the same value."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _extras(report: Report) -> dict[str, Any]:
    shape: dict[str, Any] = {}
    for tkey in TABLE_KEYS:
        t = report.tables.get(tkey)
        shape[tkey] = None if t is None else {rkey: r is not None for rkey, r in t.items()}
    return {
        "shape": shape,
        "section_titles": report.section_titles,
        "facts": [
            {"key": f.key, "value": f.value, "text": f.text, "source": f.source.to_json() if f.source else None}
            for f in report.facts
        ],
        "decisions": [d.__dict__ for d in report.decisions],
        "alternatives": report.alternatives,
        "unbalanced": list(report.unbalanced),
        "broken_rules": report.broken_rules,
        "notes": list(report.notes),
        # what the single-report checks and the reviewer need again when the report is read back
        "agency_uncertain": report.agency_uncertain,
        "agency_candidates": [list(c) for c in report.agency_candidates],
        "period_statement": report.period_statement,
    }


def find_source(s: Session, sha256: str) -> SourceFileRow | None:
    return s.scalar(select(SourceFileRow).where(SourceFileRow.sha256 == sha256))


CELL_COLUMNS: tuple[str, ...] = (
    "report_id",
    "key",
    "table_key",
    "row_key",
    "col_key",
    "extra",
    "value",
    "is_int",
    "raw",
    "blank",
    "unit",
    "source",
    "confidence",
    "uncertain",
    "candidates",
)
SECTION_COLUMNS: tuple[str, ...] = ("report_id", "key", "title", "text")
FINDING_COLUMNS: tuple[str, ...] = (
    "report_id",
    "scope",
    "rule",
    "severity",
    "location",
    "message",
    "expected",
    "found",
    "cells",
    "uncertain",
    "source",
    "other_report_id",
    "detail",
)


def _j(v: Any) -> str | None:
    """JSON text for a JSON column (None stays SQL NULL)."""
    return None if v is None else json.dumps(v, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Prepared:
    """A report turned into rows, ready to insert (built in the worker that parsed it, so the
    writing process only writes). Row tuples lack their leading ``report_id``."""

    source: SourceFile
    agency_name: str | None
    is_government: bool
    fields: dict[str, Any]
    cells: list[tuple[Any, ...]]
    sections: list[tuple[Any, ...]]
    findings: list[tuple[Any, ...]]
    severities: list[str] = field(default_factory=list)


def _cell_row(table: str, row: str, col: str, c: Cell, extra: bool = False) -> tuple[Any, ...]:
    return (
        f"{table}.{row}.{col}" if not extra else f"{table}.+{row}.{col}"[:120],
        table,
        row[:200],
        col,
        extra,
        float(c.value) if c.value is not None else None,
        isinstance(c.value, int) or c.value is None,
        c.raw,
        c.blank,
        c.unit,
        _j(c.source.to_json()) if c.source is not None else None,
        c.confidence,
        # one column for both: an uncertain cell has no value, an unconfirmed one keeps it
        c.uncertain or c.unconfirmed,
        _j(list(c.candidates)) if c.candidates else None,
    )


def finding_row(f: Finding, scope: str) -> tuple[Any, ...]:
    return (
        scope,
        f.rule,
        f.severity,
        f.where[:200],
        f.message,
        _j(_scalar(f.expected)),
        _j(_scalar(f.found)),
        _j(list(f.cells)) if f.cells else None,
        f.uncertain,
        _j(f.source.to_json()) if f.source is not None else None,
        None,
        _j(getattr(f, "detail", None)),
    )


def prepare(report: Report) -> Prepared:
    cells: list[tuple[Any, ...]] = []
    for tkey, t in report.tables.items():
        for rkey, r in (t or {}).items():
            for ckey, c in (r or {}).items():
                cells.append(_cell_row(tkey, rkey, ckey, c))
    for tkey, rows in report.extra_rows.items():
        for label, row_cells in rows.items():
            for i, c in enumerate(row_cells):
                cells.append(_cell_row(tkey, label, str(i), c, extra=True))
    sections = [(k, report.section_titles.get(k), v) for k, v in report.sections.items() if v is not None]
    period = report.statistics_period
    return Prepared(
        source=report.source,
        agency_name=agency_name_of(report),
        is_government=report.is_government,
        fields={
            "year": report.year,
            "template": report.template,
            "title": report.title,
            "signed_on": report.signed_on,
            "published_on": report.published_on,
            "is_government": report.is_government,
            "period_start": period[0] if period else None,
            "period_end": period[1] if period else None,
            "extras": _extras(report),
            "ambiguous": bool(report.alternatives),
        },
        cells=cells,
        sections=sections,
        findings=[finding_row(f, "report") for f in report.findings],
        severities=[f.severity for f in report.findings],
    )


def insert_rows(s: Session, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Many rows through the driver's executemany, skipping SQLAlchemy's per-row processing
    (JSON columns get JSON text). The hot path of ingest: a report has ~200 cells."""
    if not rows:
        return
    conn = s.connection()
    cols = ", ".join(f'"{c}"' for c in columns)
    if conn.dialect.name == "postgresql":
        _copy_rows(conn, table, cols, rows)
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    # table and column names are this module's constants; every value is a bound parameter
    sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join([mark] * len(columns))})"  # nosec B608
    conn.exec_driver_sql(sql, rows)


def _copy_rows(conn: Any, table: str, cols: str, rows: list[tuple[Any, ...]]) -> None:
    """PostgreSQL's COPY: one round trip for a report's rows, where executemany sends a statement
    per row (a report's cells took 7-10 ms; the store of a national corpus is written this way).
    ``cols``: the quoted column list."""
    raw = conn.connection.driver_connection
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def save_report(
    s: Session,
    report: Report | Prepared,
    *,
    parser_version: str,
    resolver: AgencyResolver,
    location: str | None = None,
    fetched_at: dt.datetime | None = None,
) -> tuple[int, bool]:
    """Write ``report`` as a new version of its source file. Returns (report id, created);
    a version already stored for this file and parser version is left as it is."""
    p = report if isinstance(report, Prepared) else prepare(report)
    now = utcnow()
    src_id = s.scalar(select(SourceFileRow.id).where(SourceFileRow.sha256 == p.source.sha256))
    if src_id is None:
        src_id = s.scalar(
            insert(table_of(SourceFileRow))
            .values(
                sha256=p.source.sha256,
                location=location or p.source.path,
                format=p.source.format,
                size=p.source.size,
                fetched_at=fetched_at,
                ingested_at=now,
            )
            .returning(table_of(SourceFileRow).c.id)
        )
    else:
        existing = s.scalar(
            select(ReportVersion.id).where(
                ReportVersion.source_file_id == src_id, ReportVersion.parser_version == parser_version
            )
        )
        if existing is not None:
            return existing, False
        s.execute(update(ReportVersion).where(ReportVersion.source_file_id == src_id).values(current=False))
    rv_table = table_of(ReportVersion)
    rid = s.scalar(
        insert(rv_table)
        .values(
            source_file_id=src_id,
            parser_version=parser_version,
            current=True,
            agency_id=resolver.resolve(s, p.agency_name, p.is_government),
            agency_name=p.agency_name,
            across_checked=False,
            created_at=now,
            **p.fields,
        )
        .returning(rv_table.c.id)
    )
    assert rid is not None
    insert_rows(s, "cells", CELL_COLUMNS, [(rid, *c) for c in p.cells])
    insert_rows(s, "sections", SECTION_COLUMNS, [(rid, *x) for x in p.sections])
    insert_rows(s, "findings", FINDING_COLUMNS, [(rid, *f) for f in p.findings])
    # a stored file is no longer a failure
    s.execute(delete(Failure).where(Failure.location == (location or p.source.path)))
    return rid, True


def record_failure(s: Session, location: str, sha256: str | None, parser_version: str, code: str, reason: str) -> None:
    row = s.scalar(select(Failure).where(Failure.location == location[:1000], Failure.parser_version == parser_version))
    if row is None:
        s.add(
            Failure(
                location=location[:1000],
                sha256=sha256,
                parser_version=parser_version,
                code=code,
                reason=reason,
                at=utcnow(),
            )
        )
    elif (row.code, row.reason, row.sha256) != (code, reason, sha256):
        row.code, row.reason, row.sha256, row.at = code, reason, sha256, utcnow()


# --- reading -----------------------------------------------------------------------------------


def _source(d: dict[str, Any] | None) -> Source | None:
    if not d:
        return None
    d = dict(d)
    if d.get("bbox") is not None:
        d["bbox"] = tuple(d["bbox"])
    return Source(**d)


def _json(v: Any) -> Any:
    """A JSON column read without SQLAlchemy: text in SQLite, already decoded by psycopg."""
    return json.loads(v) if isinstance(v, str) else v


def _value(v: float | None, is_int: bool) -> int | float | None:
    if v is None:
        return None
    return int(v) if is_int else v


VersionRow = tuple[ReportVersion, SourceFileRow, "Agency | None"]


def version_rows(s: Session, ids: Sequence[int]) -> dict[int, VersionRow]:
    """Report versions ``ids`` with their source file and agency, by id (absent ids left out)."""
    if not ids:
        return {}
    rows = s.execute(
        select(ReportVersion, SourceFileRow, Agency)
        .join(SourceFileRow, SourceFileRow.id == ReportVersion.source_file_id)
        .outerjoin(Agency, Agency.id == ReportVersion.agency_id)
        .where(ReportVersion.id.in_(ids))
    ).all()
    return {rv.id: (rv, src, agency) for rv, src, agency in rows}


def load_reports(
    s: Session,
    ids: Sequence[int],
    provenance: bool = True,
    findings: bool = True,
    rows: dict[int, VersionRow] | None = None,
) -> dict[int, Report]:
    """Rebuild the ``Report`` objects of report versions ``ids`` (with their single-report findings).
    Without ``provenance`` cells lack source and candidates, and findings are left out: what the
    across rules need, several times faster. Without ``findings`` the findings are left out (a
    page that lists them with their verdicts reads them itself); ``rows`` are the versions'
    rows when the caller has read them already (``version_rows``)."""
    if not ids:
        return {}
    if rows is None:
        rows = version_rows(s, ids)
    out: dict[int, Report] = {}
    for rv, src, agency in (rows[i] for i in ids if i in rows):
        extras = rv.extras or {}
        shape = extras.get("shape") or {}
        tables: dict[str, Any] = {}
        for tkey in TABLE_KEYS:
            t = shape.get(tkey)
            tables[tkey] = None if t is None else {rkey: ({} if present else None) for rkey, present in t.items()}
        r = Report(
            source=SourceFile(src.location, src.sha256, src.format, src.size),
            agency=rv.agency_name,
            year=rv.year,
            template=rv.template,
            title=rv.title,
            signed_on=rv.signed_on,
            published_on=rv.published_on,
            tables=tables,
            section_titles=dict(extras.get("section_titles") or {}),
            statistics_period=(rv.period_start, rv.period_end) if rv.period_start and rv.period_end else None,
            is_government=rv.is_government or bool(agency and agency.is_government),
            notes=list(extras.get("notes") or []),
            facts=[Fact(f["key"], f["value"], f["text"], _source(f.get("source"))) for f in extras.get("facts") or []],
            decisions=[Decision(**d) for d in extras.get("decisions") or []],
            alternatives=dict(extras.get("alternatives") or {}),
            unbalanced=list(extras.get("unbalanced") or []),
            broken_rules=dict(extras.get("broken_rules") or {}),
            agency_uncertain=extras.get("agency_uncertain"),
            agency_candidates=[(str(w), str(n)) for w, n in extras.get("agency_candidates") or []],
            period_statement=extras.get("period_statement"),
        )
        out[rv.id] = r
    cols = "report_id, table_key, row_key, col_key, extra, value, is_int, blank, uncertain"
    if provenance:
        cols += ", raw, unit, confidence, source, candidates"
    # the driver's rows, not ORM or typed rows: 10,000 reports are 2 million cells
    id_list = ", ".join(str(int(i)) for i in ids)
    cur: Any = s.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    # columns are constants above; ids are integers (int() of each): nothing from input is spliced in
    cur.execute(f"SELECT {cols} FROM cells WHERE report_id IN ({id_list}) ORDER BY id")  # nosec B608
    result = cur.fetchall()
    cur.close()
    for rid, tkey, rkey, ckey, extra, value, is_int, blank, unc, *prov in result:
        r = out[rid]
        number = _value(value, bool(is_int))
        uncertain, unconfirmed = (unc, None) if number is None else (None, unc)
        if prov:
            raw, unit, conf, src, cand = prov
            cell = Cell(
                number,
                raw,
                bool(blank),
                unit,
                _source(_json(src)),
                conf,
                uncertain,
                tuple(_json(cand) or ()),
                unconfirmed,
            )
        else:
            cell = Cell(number, None, bool(blank), None, None, 1.0, uncertain, unconfirmed=unconfirmed)
        if extra:
            r.extra_rows.setdefault(tkey, {}).setdefault(rkey, []).append(cell)
            continue
        t = r.tables.get(tkey)
        if t is None:
            t = r.tables[tkey] = {}
        row = t.get(rkey)
        if row is None:
            row = t[rkey] = {}
        row[ckey] = cell
    for rid, key, text in s.execute(
        select(SectionRow.report_id, SectionRow.key, SectionRow.text).where(SectionRow.report_id.in_(ids))
    ):
        out[rid].sections[key] = text
    for f in (
        []
        if not (provenance and findings)
        else s.scalars(
            select(FindingRow)
            .where(FindingRow.report_id.in_(ids), FindingRow.scope == "report")
            .order_by(FindingRow.id)
        )
    ):
        out[f.report_id].findings.append(
            Finding(
                rule=f.rule,
                severity=f.severity,  # type: ignore[arg-type]
                where=f.location,
                message=f.message,
                expected=f.expected,
                found=f.found,
                cells=tuple(f.cells or ()),
                uncertain=f.uncertain,
                source=_source(f.source),
            )
        )
    for r in out.values():
        for k in SECTION_KEYS:
            r.sections.setdefault(k, None)
    return out


def load_report(s: Session, report_id: int) -> Report | None:
    return load_reports(s, [report_id]).get(report_id)


def current_ids(s: Session, where: Iterable[Any] = ()) -> list[int]:
    q = select(ReportVersion.id).where(ReportVersion.current.is_(True), *where).order_by(ReportVersion.id)
    return list(s.scalars(q))


def rewrite_report(s: Session, report_id: int, report: Report) -> None:
    """Replace the cells, single-report findings and extras of a stored report version with
    ``report``'s (after the agency's other years settled some of its readings)."""
    p = prepare(report)
    s.execute(delete(CellRow).where(CellRow.report_id == report_id))
    s.execute(delete(FindingRow).where(FindingRow.report_id == report_id, FindingRow.scope == "report"))
    insert_rows(s, "cells", CELL_COLUMNS, [(report_id, *c) for c in p.cells])
    insert_rows(s, "findings", FINDING_COLUMNS, [(report_id, *f) for f in p.findings])
    s.execute(
        update(ReportVersion)
        .where(ReportVersion.id == report_id)
        .values(extras=p.fields["extras"], ambiguous=p.fields["ambiguous"], across_checked=False)
    )
