"""One stored report as a reviewer reads it: the official layout (from ``render.layout``), each
cell with its reading (raw text, uncertain candidates, where it came from), and each finding
placed where it belongs (its cell, its section, its table, or the report as a whole) with the
reviewer's verdict."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongkai.analysis.labels import (
    SEVERITY_NAMES,
    TABLE_NAMES,
    VERDICT_NAMES,
    cell_label,
    location_label,
    rule_title,
)
from gongkai.model.report import Cell, Report
from gongkai.model.template import SECTIONS, TABLE_KEYS
from gongkai.render.layout import (
    TABLE_OF_SECTION,
    Layout,
    LCell,
    applications_layout,
    cell_text,
    column_widths,
    layout_width,
    table_layout,
)
from gongkai.store.queries import verdict_matches
from gongkai.store.records import VersionRow, load_reports, version_rows
from gongkai.store.schema import FindingRow, ReportVersion, Verdict

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
DISPLAY_CHARS = 14
MAX_CANDIDATES = 5


@dataclass
class FindingView:
    id: int
    number: int
    rule: str
    severity: str
    location: str
    message: str
    expected: Any
    found: Any
    scope: str
    uncertain: bool
    cells: list[str]
    anchor: str
    """``cell:<key>``, ``section:<key>``, ``table:<key>`` or ``report``."""
    other_report_id: int | None = None
    detail: Any = None
    verdict: str | None = None
    comment: str | None = None
    rule_title: str = ""
    where: str = ""

    @property
    def severity_name(self) -> str:
        return SEVERITY_NAMES.get(self.severity, self.severity)

    @property
    def verdict_name(self) -> str:
        return VERDICT_NAMES.get(self.verdict or "", "待复核")

    @property
    def open(self) -> bool:
        return self.verdict != "dismissed"

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "rule": self.rule,
            "rule_title": self.rule_title,
            "severity": self.severity,
            "where": self.location,
            "where_label": self.where,
            "message": self.message,
            "expected": self.expected,
            "found": self.found,
            "scope": self.scope,
            "uncertain": self.uncertain,
            "cells": self.cells,
            "anchor": self.anchor,
            "other_report_id": self.other_report_id,
            "detail": self.detail,
            "verdict": self.verdict,
            "comment": self.comment,
        }


@dataclass
class CellView:
    key: str
    text: str
    cell: Cell | None
    findings: list[FindingView] = field(default_factory=list)
    """Findings anchored at this cell."""
    involved: list[int] = field(default_factory=list)
    """Numbers of findings whose arithmetic uses this cell (not anchored here)."""

    @property
    def label(self) -> str:
        return cell_label(self.key)

    @property
    def display(self) -> str:
        """What the cell shows: its text, cut short when a reading swallowed a long run."""
        return self.text if len(self.text) <= DISPLAY_CHARS else self.text[: DISPLAY_CHARS - 2] + "…"

    @property
    def uncertain(self) -> str | None:
        c = self.cell
        return (c.uncertain or c.unconfirmed) if c is not None else None

    @property
    def candidates(self) -> list[str]:
        c = self.cell
        if c is None:
            return []
        out = ["空白" if v is None else str(v) for v in c.candidates]
        return out if len(out) <= MAX_CANDIDATES else [*out[:MAX_CANDIDATES], f"等 {len(out)} 种"]

    @property
    def severity(self) -> str | None:
        open_ = [f for f in self.findings if f.open]
        return min((f.severity for f in open_), key=lambda s: SEVERITY_ORDER.get(s, 9)) if open_ else None


@dataclass
class TableView:
    key: str
    title: str
    rows: list[list[tuple[LCell, CellView | None]]]
    widths: list[float]
    findings: list[FindingView] = field(default_factory=list)
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    extra_rows: list[tuple[str, list[CellView]]] = field(default_factory=list)


@dataclass
class SectionView:
    key: str
    heading: str | None
    paragraphs: list[str]
    findings: list[FindingView] = field(default_factory=list)
    table: TableView | None = None


@dataclass
class ReportView:
    id: int
    meta: dict[str, Any]
    report: Report
    sections: list[SectionView]
    findings: list[FindingView]
    general: list[FindingView]
    """Findings about the report as a whole (title, dates, missing parts)."""
    cells: dict[str, CellView]
    neighbours: dict[str, int | None]

    @property
    def counts(self) -> dict[str, int]:
        out = {"error": 0, "warning": 0, "info": 0, "dismissed": 0}
        for f in self.findings:
            if f.open:
                out[f.severity] = out.get(f.severity, 0) + 1
            else:
                out["dismissed"] += 1
        return out

    @property
    def uncertain(self) -> list[CellView]:
        return [c for c in self.cells.values() if c.uncertain]


@dataclass
class Loaded:
    """A stored report and its store facts (``meta``), read together."""

    id: int
    meta: dict[str, Any]
    report: Report


def load_with_meta(s: Session, ids: list[int]) -> dict[int, Loaded]:
    """Reports ``ids`` and their store facts in three queries (absent ids left out); without
    their findings, which the pages read with their verdicts (``report_findings``)."""
    rows = version_rows(s, ids)
    reports = load_reports(s, ids, findings=False, rows=rows)
    return {i: Loaded(i, meta_of(rows[i]), reports[i]) for i in ids if i in rows}


def meta_of(row: VersionRow) -> dict[str, Any]:
    rv, src, agency = row
    return {
        "id": rv.id,
        "agency_id": rv.agency_id,
        "agency": agency.name if agency else rv.agency_name,
        "agency_as_printed": rv.agency_name,
        "region": agency.region if agency else None,
        "level": agency.level if agency else None,
        "is_government": rv.is_government,
        "year": rv.year,
        "template": rv.template,
        "title": rv.title,
        "signed_on": rv.signed_on.isoformat() if rv.signed_on else None,
        "published_on": rv.published_on.isoformat() if rv.published_on else None,
        "parser_version": rv.parser_version,
        "current": rv.current,
        "source_file_id": src.id,
        "location": src.location,
        "sha256": src.sha256,
        "format": src.format,
        "size": src.size,
        "ingested_at": src.ingested_at.isoformat(timespec="seconds") if src.ingested_at else None,
    }


def report_findings(s: Session, report_id: int) -> list[FindingView]:
    """Findings of a report (its own and those across reports) with the reviewer's verdicts,
    errors first."""
    q = (
        select(
            FindingRow.id,
            FindingRow.rule,
            FindingRow.severity,
            FindingRow.location,
            FindingRow.message,
            FindingRow.expected,
            FindingRow.found,
            FindingRow.scope,
            FindingRow.uncertain,
            FindingRow.cells,
            FindingRow.other_report_id,
            FindingRow.detail,
            Verdict.verdict,
            Verdict.comment,
        )  # columns, not ORM objects: a report may have hundreds of findings
        .join(ReportVersion, ReportVersion.id == FindingRow.report_id)
        .outerjoin(Verdict, verdict_matches())
        .where(FindingRow.report_id == report_id)
        .order_by(FindingRow.id)
    )
    out = []
    for fid, rule, sev, loc, msg, expected, found, scope, unc, cells, other, detail, verdict, comment in s.execute(q):
        out.append(
            FindingView(
                id=fid,
                number=0,
                rule=rule,
                severity=sev,
                location=loc,
                message=msg,
                expected=expected,
                found=found,
                scope=scope,
                uncertain=bool(unc),
                cells=list(cells or []),
                anchor="report",
                other_report_id=other,
                detail=detail,
                verdict=verdict,
                comment=comment,
                rule_title=rule_title(rule),
            )
        )
    out.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.id))
    return out


def _anchor(f: FindingView, cells: dict[str, CellView]) -> str:
    if f.cells and f.cells[0] in cells:
        return f"cell:{f.cells[0]}"
    if f.location in cells:
        return f"cell:{f.location}"
    parts = f.location.split(".")
    if parts[0] == "sections" and len(parts) == 2:
        return f"section:{parts[1]}"
    if parts[0] == "tables" and len(parts) == 2:
        return f"table:{parts[1]}"
    if parts[0] in TABLE_KEYS:
        return f"table:{parts[0]}"
    return "report"


def _table_view(report: Report, key: str, cells: dict[str, CellView]) -> TableView | None:
    tpl = report.spec
    table = report.tables.get(key)
    if tpl is None or table is None:
        return None
    if key == "applications":
        present = {k for k, v in table.items() if v is not None}
        layout: Layout = applications_layout(tpl.table(key).effective(present), table)
    else:
        layout = table_layout(tpl, key, table)
    rows: list[list[tuple[LCell, CellView | None]]] = []
    for row in layout:
        out: list[tuple[LCell, CellView | None]] = []
        for lc in row:
            cv = None
            if lc.kind == "value" and lc.path:
                cv = CellView(lc.path, cell_text(lc.cell), lc.cell)
                cells[lc.path] = cv
            out.append((lc, cv))
        rows.append(out)
    width = layout_width(layout)
    tv = TableView(key, f"{TABLE_NAMES[key]}　{tpl.table(key).title}", rows, column_widths(key, width))
    for where, readings in report.alternatives.items():
        if where.startswith(f"{key}."):
            label = location_label(where, report.template)
            tv.alternatives.append({"where": where, "label": label, "readings": readings})
    for extra_label, ecells in (report.extra_rows.get(key) or {}).items():
        views = []
        for i, ec in enumerate(ecells):
            path = f"{key}.+{extra_label}.{i}"
            cv = CellView(path, cell_text(ec), ec)
            cells[path] = cv
            views.append(cv)
        tv.extra_rows.append((extra_label, views))
    return tv


def build_view(s: Session, loaded: Loaded) -> ReportView:
    """The report page's view of a report read by ``load_with_meta``."""
    report_id, meta, report = loaded.id, loaded.meta, loaded.report
    cells: dict[str, CellView] = {}
    tables = {k: _table_view(report, k, cells) for k in TABLE_KEYS}
    sections: list[SectionView] = []
    placed: set[str] = set()
    for spec in SECTIONS:
        text = report.sections.get(spec.key)
        tkey = TABLE_OF_SECTION.get(spec.key)
        table = tables.get(tkey) if tkey else None
        if text is None and table is None:
            sections.append(SectionView(spec.key, None, []))
            continue
        heading = report.section_titles.get(spec.key, spec.canonical) if text is not None else None
        paras = [p for p in (text or "").split("\n") if p.strip()]
        sections.append(SectionView(spec.key, heading, paras, table=table))
        if tkey and table is not None:
            placed.add(tkey)
    findings = report_findings(s, report_id)
    by_section = {sv.key: sv for sv in sections}
    general: list[FindingView] = []
    for n, f in enumerate(findings, 1):
        f.number = n
        f.anchor = _anchor(f, cells)
        f.where = location_label(f.location, report.template)
        kind, _, what = f.anchor.partition(":")
        if kind == "cell":
            cells[what].findings.append(f)
            for other in f.cells[1:]:
                if other in cells:
                    cells[other].involved.append(n)
            tkey = what.split(".")[0]
            t = tables.get(tkey)
            if t is not None:
                t.findings.append(f)
                continue
        elif kind == "table" and tables.get(what) is not None:
            tables[what].findings.append(f)  # type: ignore[union-attr]
            continue
        elif kind == "section" and by_section.get(what) and by_section[what].heading is not None:
            by_section[what].findings.append(f)
            continue
        general.append(f)
    return ReportView(report_id, meta, report, sections, findings, general, cells, neighbours(s, report_id, meta))


def neighbours(s: Session, report_id: int, meta: dict[str, Any]) -> dict[str, int | None]:
    """The same agency's current reports of the year before and after."""
    out: dict[str, int | None] = {"previous": None, "next": None}
    if meta.get("agency_id") is None or meta.get("year") is None:
        return out
    year = meta["year"]
    rows = s.execute(
        select(ReportVersion.year, ReportVersion.id)
        .where(
            ReportVersion.agency_id == meta["agency_id"],
            ReportVersion.year.in_((year - 1, year + 1)),
            ReportVersion.current.is_(True),
        )
        .order_by(ReportVersion.id)
    )
    for y, rid in rows:
        name = "previous" if y == year - 1 else "next"
        if out[name] is None:  # the first stored, as before
            out[name] = rid
    return out


def cell_json(key: str, c: Cell | None, template: str | None = None) -> dict[str, Any]:
    if c is None:
        return {"key": key, "label": cell_label(key, template), "value": None, "read": False}
    return {
        "key": key,
        "label": cell_label(key, template),
        "value": c.value,
        "raw": c.raw,
        "blank": c.blank,
        "unit": c.unit,
        "source": c.source.to_json() if c.source else None,
        "confidence": c.confidence,
        "uncertain": c.uncertain or c.unconfirmed,
        "candidates": list(c.candidates),
    }


def report_json(view: ReportView) -> dict[str, Any]:
    """The report in the ``gongkai.report/1`` contract, plus the store's ids, findings with
    verdicts, and every cell's provenance."""
    out = view.report.to_json(provenance=True)
    out["id"] = view.id
    out["store"] = view.meta
    out["findings"] = [f.to_json() for f in view.findings]
    out["neighbours"] = view.neighbours
    return out
