"""Run the rules across reports (``gongkai.checks.across``) on what the store holds.

A report version waits with ``across_checked = false`` from the moment it is written. This
pass takes the waiting reports, adds the reports whose comparison they change (next year's
report of the same agency; the government report of the same region and year), recomputes
their across findings and marks them checked, a chunk of agencies per transaction. Killed
halfway, the next run picks up what is still waiting.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from gongkai.checks import run_checks
from gongkai.checks.across import AGGREGATE_RULE, aggregate_mismatch, run_pair_rules
from gongkai.model.report import Finding, Number, Report
from gongkai.parse.years import resolve_across_years
from gongkai.store.agencies import regions, same_agency
from gongkai.store.db import Store
from gongkai.store.records import FINDING_COLUMNS, finding_row, insert_rows, load_reports, rewrite_report
from gongkai.store.schema import Agency, CellRow, FindingRow, ReportVersion, SourceFileRow

CHUNK_REPORTS = 300
MIN_PARALLEL_CHUNKS = 3
"""Fewer chunks than this are computed in the calling process (starting workers costs more)."""
"""Reports loaded per transaction: bounds memory and the work a kill can lose."""


@dataclass
class _Meta:
    id: int
    agency_id: int
    year: int
    sha256: str
    known: int


@dataclass
class CrossResult:
    checked: int = 0
    settled: int = 0
    findings: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def _metas(s: Session) -> list[_Meta]:
    """Every current report with an agency and a year, with how many cells it knows."""
    known = select(CellRow.report_id, func.count(CellRow.value).label("n")).group_by(CellRow.report_id).subquery()
    q = (
        select(ReportVersion.id, ReportVersion.agency_id, ReportVersion.year, SourceFileRow.sha256, known.c.n)
        .join(SourceFileRow, SourceFileRow.id == ReportVersion.source_file_id)
        .outerjoin(known, known.c.report_id == ReportVersion.id)
        .where(ReportVersion.current.is_(True), ReportVersion.agency_id.is_not(None), ReportVersion.year.is_not(None))
    )
    return [_Meta(i, a, y, sha, n or 0) for i, a, y, sha, n in s.execute(q)]


def best_of(metas: list[_Meta]) -> _Meta:
    """One report stands for its agency and year: the one that knows most cells (then by sha256,
    so that the choice does not depend on the order files arrived)."""
    return sorted(metas, key=lambda m: (-m.known, m.sha256))[0]


def _governments(s: Session) -> dict[int, list[int]]:
    """Government agency id → the department agency ids it aggregates.

    A department belongs to the government of its region. Departments name their region
    without the levels above it more often than their government does (洪泽区教育局 under
    淮安市洪泽区人民政府): a region that is the other's with whole admin units in front is the
    same region, when only one government's region is."""
    agencies = s.execute(select(Agency.id, Agency.is_government, Agency.region, Agency.parent_id)).all()
    gov_by_region: dict[str, int] = {}
    for a_id, is_gov, region, _ in sorted(agencies):
        if is_gov and region and region not in gov_by_region:
            gov_by_region[region] = a_id
    by_last_unit: dict[str, list[str]] = defaultdict(list)
    for region in gov_by_region:
        units = regions(region)
        if units:
            by_last_unit[units[-1]].append(region)

    def government_of(region: str) -> int | None:
        if region in gov_by_region:
            return gov_by_region[region]
        units = regions(region)
        if not units:
            return None
        hits = {gov_by_region[r] for r in by_last_unit.get(units[-1], []) if same_agency(r, region)}
        return hits.pop() if len(hits) == 1 else None

    out: dict[int, list[int]] = defaultdict(list)
    for a_id, is_gov, region, parent in agencies:
        if is_gov:
            continue
        gov = parent if parent is not None else government_of(region or "")
        if gov is not None:
            out[gov].append(a_id)
    return out


def _targets(s: Session, metas: list[_Meta], everything: bool, depts_of: dict[int, list[int]]) -> set[int]:
    by_key: dict[tuple[int, int], list[_Meta]] = defaultdict(list)
    for m in metas:
        by_key[(m.agency_id, m.year)].append(m)
    if everything:
        return {m.id for m in metas}
    waiting = set(
        s.scalars(
            select(ReportVersion.id).where(ReportVersion.current.is_(True), ReportVersion.across_checked.is_(False))
        )
    )
    gov_of = {d: g for g, ds in depts_of.items() for d in ds}
    targets = set()
    for m in metas:
        if m.id not in waiting:
            continue
        targets.add(m.id)
        targets.update(x.id for x in by_key.get((m.agency_id, m.year + 1), []))
        gov = gov_of.get(m.agency_id)
        if gov is not None:
            targets.update(x.id for x in by_key.get((gov, m.year), []))
    return targets


def _department_sums(
    s: Session, depts_of: dict[int, list[int]], wanted: set[tuple[int, int]]
) -> dict[tuple[int, int], tuple[dict[str, Number], int]]:
    """(government, year) → (row key → sum of its departments' table 3 totals, number of
    departments), for the ``wanted`` pairs; one report per department (the smallest sha256)."""
    govs = {g for g, _ in wanted}
    years = {y for _, y in wanted}
    gov_of = {d: g for g, ds in depts_of.items() if g in govs for d in ds}
    if not gov_of:
        return {}
    rows: Any = s.execute(
        select(ReportVersion.agency_id, ReportVersion.year, SourceFileRow.sha256, CellRow.row_key, CellRow.value)
        .join(SourceFileRow, SourceFileRow.id == ReportVersion.source_file_id)
        .join(CellRow, CellRow.report_id == ReportVersion.id)
        .where(
            ReportVersion.current.is_(True),
            ReportVersion.year.in_(years),
            ReportVersion.agency_id.in_(list(gov_of)),
            CellRow.table_key == "applications",
            CellRow.col_key == "total",
            CellRow.extra.is_(False),
        )
    ).all()
    chosen: dict[tuple[int, int], str] = {}
    for agency_id, year, sha, _, _ in rows:
        k = (agency_id, year)
        if k not in chosen or sha < chosen[k]:
            chosen[k] = sha
    sums: dict[tuple[int, int], dict[str, Number]] = defaultdict(dict)
    counts: dict[tuple[int, int], int] = defaultdict(int)
    for agency_id, year in chosen:
        counts[(gov_of[agency_id], year)] += 1
    for agency_id, year, sha, row_key, value in rows:
        if chosen[(agency_id, year)] != sha or value is None:
            continue
        gk = (gov_of[agency_id], year)
        v = int(value) if float(value).is_integer() else value
        sums[gk][row_key] = sums[gk].get(row_key, 0) + v
    return {k: (sums.get(k, {}), n) for k, n in counts.items() if k in wanted}


def _fingerprint(r: Report) -> str:
    return json.dumps([r.to_json(provenance=False)["tables"], r.alternatives], sort_keys=True, default=str)


def settle_years(store: Store, everything: bool = False) -> int:
    """Let each agency's consecutive years settle ambiguous table-2 readings
    (``parse.years.resolve_across_years``) for agencies with a waiting report and an ambiguous
    one; rewritten reports get their single-report checks again and wait for the across rules.
    Returns the number of reports rewritten."""
    with store.session() as s:
        metas = _metas(s)
        ambiguous = set(
            s.scalars(
                select(ReportVersion.agency_id).where(
                    ReportVersion.current.is_(True), ReportVersion.ambiguous.is_(True)
                )
            )
        )
        waiting = set(
            s.scalars(
                select(ReportVersion.agency_id).where(
                    ReportVersion.current.is_(True), ReportVersion.across_checked.is_(False)
                )
            )
        )
    agencies = ambiguous if everything else ambiguous & waiting
    by_agency: dict[int, dict[int, list[_Meta]]] = defaultdict(lambda: defaultdict(list))
    for m in metas:
        if m.agency_id in agencies:
            by_agency[m.agency_id][m.year].append(m)
    rewritten = 0
    for agency_id in sorted(by_agency):
        chosen = {year: best_of(ms) for year, ms in by_agency[agency_id].items()}
        with store.session() as s:
            reports = load_reports(s, [m.id for m in chosen.values()])
            printed = {rid: r.agency for rid, r in reports.items()}
            before = {rid: _fingerprint(r) for rid, r in reports.items()}
            for r in reports.values():
                r.agency = f"agency:{agency_id}"  # the store knows the identity better than the printed name
            if resolve_across_years(reports.values()) == 0:
                continue
            for rid, r in sorted(reports.items()):
                r.agency = printed[rid]
                if _fingerprint(r) != before[rid]:
                    r.findings = run_checks(r)
                    rewrite_report(s, rid, r)
                    rewritten += 1
    return rewritten


def run_across(
    store: Store,
    everything: bool = False,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> CrossResult:
    """Recompute the across findings of the reports waiting for them (all, if ``everything``).
    First, ambiguous table-2 readings are settled with the agency's other years."""
    result = CrossResult()
    result.settled = settle_years(store, everything)
    with store.session() as s:
        metas = _metas(s)
        depts_of = _governments(s)
        for gov, depts in sorted(depts_of.items()):
            # record the inferred parent (a user's correction is never overwritten)
            s.execute(
                update(Agency)
                .where(Agency.id.in_(depts), Agency.parent_id.is_(None), Agency.corrected.is_(False))
                .values(parent_id=gov)
            )
        targets = _targets(s, metas, everything, depts_of)
        if everything:
            s.execute(update(ReportVersion).where(ReportVersion.current.is_(True)).values(across_checked=False))
        # reports without agency or year cannot be compared: nothing to wait for
        s.execute(
            update(ReportVersion)
            .where(
                ReportVersion.across_checked.is_(False),
                or_(ReportVersion.agency_id.is_(None), ReportVersion.year.is_(None), ReportVersion.current.is_(False)),
            )
            .values(across_checked=True)
        )
    by_key: dict[tuple[int, int], list[_Meta]] = defaultdict(list)
    for m in metas:
        by_key[(m.agency_id, m.year)].append(m)
    ordered = sorted((m for m in metas if m.id in targets), key=lambda m: (m.agency_id, m.year, m.sha256))
    total = len(ordered)
    jobs = []
    for start in range(0, total, CHUNK_REPORTS):
        chunk = ordered[start : start + CHUNK_REPORTS]
        previous = {
            m.id: best_of(by_key[(m.agency_id, m.year - 1)]) for m in chunk if by_key.get((m.agency_id, m.year - 1))
        }
        jobs.append((chunk, previous))

    def write(chunk: list[_Meta], rows: list[tuple[Any, ...]]) -> None:
        ids = [m.id for m in chunk]
        with store.session() as s:
            s.execute(delete(FindingRow).where(FindingRow.report_id.in_(ids), FindingRow.scope == "across"))
            insert_rows(s, "findings", FINDING_COLUMNS, rows)
            s.execute(update(ReportVersion).where(ReportVersion.id.in_(ids)).values(across_checked=True))
        for r in rows:
            result.findings[r[FINDING_COLUMNS.index("severity")]] += 1
        result.checked += len(chunk)
        if progress is not None:
            progress(result.checked, total)

    if workers <= 1 or len(jobs) < MIN_PARALLEL_CHUNKS:
        for chunk, previous in jobs:
            with store.session() as s:
                rows = _chunk_rows(s, chunk, previous, depts_of)
            write(chunk, rows)
        return result
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    init = (_worker_init, (os.getpid(),))
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=init[0], initargs=init[1]) as pool:
        futures = [pool.submit(_chunk_rows_in_worker, store.url, c, p, depts_of) for c, p in jobs]
        # written in order, so that the result does not depend on which worker finished first
        for (chunk, _), fut in zip(jobs, futures, strict=True):
            write(chunk, fut.result())
    return result


def _chunk_rows(
    s: Session, chunk: list[_Meta], previous: dict[int, _Meta], depts_of: dict[int, list[int]]
) -> list[tuple[Any, ...]]:
    """The across findings of ``chunk`` (rows for ``findings``): reads only."""
    ids = sorted({m.id for m in chunk} | {p.id for p in previous.values()})
    reports = load_reports(s, ids, provenance=False)
    wanted = {(m.agency_id, m.year) for m in chunk if m.agency_id in depts_of}
    aggregates = _department_sums(s, depts_of, wanted)
    rows: list[tuple[Any, ...]] = []
    for m in chunk:
        report = reports[m.id]
        prev = previous.get(m.id)
        found = run_pair_rules(report, reports[prev.id] if prev else None)
        rows.extend(_rows(m.id, found, prev.id if prev else None))
        if (m.agency_id, m.year) in aggregates:
            sums, n = aggregates[(m.agency_id, m.year)]
            report.is_government = True
            rows.extend(_rows(m.id, aggregate_mismatch(report, sums, n), None))
    return rows


_WORKER_STORE: dict[str, Store] = {}


def _worker_init(parent: int) -> None:
    """Workers end with the ingest that started them (even after kill -9) and leave Ctrl-C to it."""
    import signal

    from gongkai.sandbox import die_with_parent

    die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _chunk_rows_in_worker(
    url: str, chunk: list[_Meta], previous: dict[int, _Meta], depts_of: dict[int, list[int]]
) -> list[tuple[Any, ...]]:
    # a connection of its own: never one inherited from the parent through fork
    store = _WORKER_STORE.get(url)
    if store is None:
        store = _WORKER_STORE[url] = Store(url, migrate=False)
    with store.session() as s:
        return _chunk_rows(s, chunk, previous, depts_of)


def _rows(report_id: int, findings: list[Finding], other_id: int | None) -> list[tuple[Any, ...]]:
    out = []
    for f in findings:
        row = list(finding_row(f, "across"))
        if f.rule != AGGREGATE_RULE:
            row[FINDING_COLUMNS.index("other_report_id") - 1] = other_id
        out.append((report_id, *row))
    return out


__all__ = ["CrossResult", "Report", "run_across"]
