"""Figures for a region and a year: reports received and missing, findings by rule,
applications and how they were answered, review and litigation correction rates, trends over
the years, and rankings where the numbers are large enough to mean something.

Every chart is a ``Chart``: a title, column names and rows — what the page draws and what
the download gives. Sums add only the numbers the reports state; a blank or unreadable cell
is counted as missing (``missing``), never as 0.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from gongkai.analysis.labels import LEVEL_ORDER, rule_title
from gongkai.store.accounts import reports_in, scope_clause
from gongkai.store.queries import dismissed_finding_ids, id_set
from gongkai.store.schema import Agency, CellRow, FindingRow, ReportVersion, aggregate_cells

RANK_MIN_APPLICATIONS = 30
"""An agency is ranked by its disclosure rate only with at least this many applications answered."""
RANK_MIN_CASES = 10
"""An agency is ranked by its correction rate only with at least this many concluded cases."""
RANK_SIZE = 10

OUTCOME_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("予以公开", ("disclosed",)),
    ("部分公开", ("partly_disclosed",)),
    ("不予公开", ("withheld_",)),
    ("无法提供", ("unavailable_",)),
    ("不予处理", ("not_processed_",)),
    ("其他处理", ("other_", "other")),
)
APPEAL_GROUPS = (
    ("review", "行政复议"),
    ("litigation_direct", "行政诉讼（未经复议）"),
    ("litigation_after_review", "行政诉讼（复议后）"),
)
APPEAL_COLS = ("upheld", "corrected", "other", "pending", "total")


@dataclass
class Chart:
    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    kind: str = "bar"
    """How the page draws it: ``bar`` (horizontal bars), ``share`` (percent bars), ``line``, ``table``."""
    note: str = ""
    unit: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "kind": self.kind,
            "columns": self.columns,
            "rows": self.rows,
            "note": self.note,
            "unit": self.unit,
        }


@dataclass
class Dashboard:
    region: str | None
    year: int | None
    figures: dict[str, Any]
    charts: list[Chart] = field(default_factory=list)

    def chart(self, key: str) -> Chart | None:
        return next((c for c in self.charts if c.key == key), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "region": self.region,
            "year": self.year,
            "figures": self.figures,
            "charts": [c.to_json() for c in self.charts],
            "rank_minimums": {"applications": RANK_MIN_APPLICATIONS, "cases": RANK_MIN_CASES},
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Dashboard:
        return cls(d["region"], d["year"], d["figures"], [Chart(**c) for c in d["charts"]])


MAX_ID_LIST = 30000
"""Report ids passed as a list (more are selected by a subquery)."""


def _base(q: Any, region: str | None, scope: str | None, year: int | None) -> Any:
    q = q.where(ReportVersion.current.is_(True))
    for clause in (scope_clause(scope), scope_clause(region)):
        if clause is not None:
            # the region picks agencies (a small table), their reports come by index
            q = q.where(ReportVersion.agency_id.in_(select(Agency.id).where(clause)))
    if year is not None:
        q = q.where(ReportVersion.year == year)
    return q


def _report_ids(region: str | None, scope: str | None, year: int | None) -> Any:
    q = select(ReportVersion.id).outerjoin(Agency, Agency.id == ReportVersion.agency_id)
    return _base(q, region, scope, year)


def _ids(s: Session, region: str | None, scope: str | None, year: int | None) -> tuple[Any, int]:
    """The reports of a region for ``column.in_(...)`` (read once, used by every query of the
    dashboard: their ids, or a subquery when there are very many), and how many they are."""
    q = _report_ids(region, scope, year)
    if region is not None or scope is not None:
        ids = list(s.scalars(q.limit(MAX_ID_LIST + 1)))
        if len(ids) <= MAX_ID_LIST:
            return id_set(s, ids), len(ids)
    return q, int(s.scalar(select(func.count()).select_from(q.subquery())) or 0)


def _cell_sums(s: Session, ids: Any, keys: list[str]) -> dict[str, tuple[float, int]]:
    """key → (sum of the stated values, number of reports stating one)."""
    q = (
        select(CellRow.key, func.sum(CellRow.value), func.count(CellRow.value))
        .where(CellRow.report_id.in_(ids), CellRow.key.in_(keys), aggregate_cells())
        .group_by(CellRow.key)
    )
    return {k: (float(v or 0), int(n)) for k, v, n in s.execute(q)}


def _num(v: float) -> int | float:
    return int(v) if float(v).is_integer() else round(v, 2)


def _share(part: float, whole: float) -> float | None:
    return round(part / whole, 4) if whole else None


def outcome_keys() -> dict[str, list[str]]:
    from gongkai.model.template import V2019, V2021, outcome_rows

    rows = set(outcome_rows(V2021.table("applications"))) | set(outcome_rows(V2019.table("applications")))
    out: dict[str, list[str]] = {}
    for name, prefixes in OUTCOME_GROUPS:
        out[name] = sorted(
            f"applications.{r}.total"
            for r in rows
            if any(r == p or (p.endswith("_") and r.startswith(p)) for p in prefixes)
        )
    return out


def dashboard(s: Session, region: str | None = None, year: int | None = None, scope: str | None = None) -> Dashboard:
    ids, n_reports = _ids(s, region, scope, year)
    by_level = dict(
        s.execute(
            _base(
                select(Agency.level, func.count(ReportVersion.id))
                .select_from(ReportVersion)
                .outerjoin(Agency, Agency.id == ReportVersion.agency_id),
                region,
                scope,
                year,
            ).group_by(Agency.level)
        ).all()
    )
    open_ = _open_findings(ids)
    rule_rows = s.execute(
        select(
            FindingRow.rule,
            FindingRow.severity,
            func.count(FindingRow.id),
            func.count(func.distinct(FindingRow.report_id)),
        )
        .where(open_, FindingRow.severity.in_(("error", "warning")))
        .group_by(FindingRow.rule, FindingRow.severity)
    ).all()
    with_errors = int(
        s.scalar(select(func.count(func.distinct(FindingRow.report_id))).where(open_, FindingRow.severity == "error"))
        or 0
    )
    groups = outcome_keys()
    keys = ["applications.received.total", "applications.carried_over.total", "applications.processed_total.total"]
    keys += [k for ks in groups.values() for k in ks]
    keys += [f"appeals.{g}.{c}" for g, _ in APPEAL_GROUPS for c in APPEAL_COLS]
    sums = _cell_sums(s, ids, keys)

    def total(k: str) -> float:
        return sums.get(k, (0.0, 0))[0]

    def stated(k: str) -> int:
        return sums.get(k, (0.0, 0))[1]

    processed = total("applications.processed_total.total")
    figures: dict[str, Any] = {
        "reports": n_reports,
        "reports_with_errors": with_errors,
        "by_level": {lv: by_level.get(lv, 0) for lv in LEVEL_ORDER if by_level.get(lv)},
        "applications_received": _num(total("applications.received.total")),
        "applications_received_stated": stated("applications.received.total"),
        "applications_processed": _num(processed),
        "missing": missing_reports(s, region, scope, year) if year is not None else None,
    }
    charts: list[Chart] = []
    rules = sorted(rule_rows, key=lambda r: (-r[2], r[0]))
    charts.append(
        Chart(
            "findings_by_rule",
            "问题按规则（未排除的错误和警告）",
            ["规则", "规则说明", "程度", "问题数", "涉及报告"],
            [[r, rule_title(r), {"error": "错误", "warning": "警告"}[sev], n, nr] for r, sev, n, nr in rules],
            unit="条",
        )
    )
    outcome_rows_ = []
    for name, ks in groups.items():
        v = sum(total(k) for k in ks)
        outcome_rows_.append([name, _num(v), _share(v, processed)])
    charts.append(
        Chart(
            "outcomes",
            "依申请公开办理结果（占办理总数）",
            ["办理结果", "件数", "占比"],
            outcome_rows_,
            kind="share",
            note=f"办理总数 {_num(processed)} 件，{stated('applications.processed_total.total')} 份报告填写了总计",
            unit="件",
        )
    )
    appeal_rows = []
    for g, label in APPEAL_GROUPS:
        corrected, tot, pending = (total(f"appeals.{g}.{c}") for c in ("corrected", "total", "pending"))
        concluded = tot - pending
        appeal_rows.append([label, _num(tot), _num(concluded), _num(corrected), _share(corrected, concluded)])
    charts.append(
        Chart(
            "corrections",
            "行政复议、行政诉讼结果纠正率（纠正 ÷ 已审结）",
            ["类别", "总计", "已审结", "结果纠正", "纠正率"],
            appeal_rows,
            kind="share",
            unit="件",
        )
    )
    charts.append(trend(s, region, scope))
    charts.extend(rankings(s, ids))
    return Dashboard(region, year, figures, charts)


def _open_findings(ids: Any) -> Any:
    """The findings of reports ``ids`` that no reviewer has dismissed."""
    return and_(FindingRow.report_id.in_(ids), FindingRow.id.not_in(dismissed_finding_ids()))


def missing_reports(s: Session, region: str | None, scope: str | None, year: int) -> int:
    """Agencies of the region with a report of another year in the store but none of ``year``."""
    same = aliased(ReportVersion)
    has_year = (
        select(same.id)
        .where(same.agency_id == ReportVersion.agency_id, same.current.is_(True), same.year == year)
        .exists()
    )
    q = select(func.count(func.distinct(ReportVersion.agency_id))).where(
        ReportVersion.current.is_(True), ReportVersion.agency_id.is_not(None), ~has_year
    )
    for clause in (reports_in(scope), reports_in(region)):
        if clause is not None:
            q = q.where(clause)
    return int(s.scalar(q) or 0)


def trend(s: Session, region: str | None, scope: str | None) -> Chart:
    """Per year: reports, applications received, reports with errors, review correction rate."""
    base = _base(
        select(ReportVersion.year, ReportVersion.id).outerjoin(Agency, Agency.id == ReportVersion.agency_id),
        region,
        scope,
        None,
    ).where(ReportVersion.year.is_not(None))
    sub = base.subquery()
    reports: dict[int, int] = dict(s.execute(select(sub.c.year, func.count(sub.c.id)).group_by(sub.c.year)).all())
    keys = ["applications.received.total", "appeals.review.corrected", "appeals.review.total", "appeals.review.pending"]
    cell_rows = s.execute(
        select(sub.c.year, CellRow.key, func.sum(CellRow.value))
        .join(CellRow, CellRow.report_id == sub.c.id)
        .where(CellRow.key.in_(keys), aggregate_cells())
        .group_by(sub.c.year, CellRow.key)
    ).all()
    sums: dict[int, dict[str, float]] = defaultdict(dict)
    for y, k, v in cell_rows:
        sums[y][k] = float(v or 0)
    errs: dict[int, int] = dict(
        s.execute(
            select(sub.c.year, func.count(func.distinct(FindingRow.report_id)))
            .join(FindingRow, FindingRow.report_id == sub.c.id)
            .where(FindingRow.severity == "error")
            .group_by(sub.c.year)
        ).all()
    )
    rows = []
    for y in sorted(reports):
        d = sums.get(y, {})
        concluded = d.get("appeals.review.total", 0) - d.get("appeals.review.pending", 0)
        rows.append(
            [
                y,
                reports[y],
                _num(d.get("applications.received.total", 0)),
                errs.get(y, 0),
                _share(d.get("appeals.review.corrected", 0), concluded),
            ]
        )
    return Chart(
        "trend",
        "历年趋势",
        ["年度", "报告数", "新收申请", "有错误的报告", "行政复议纠正率"],
        rows,
        kind="line",
        note="含各年度全部报告（不受所选年度限制）",
    )


def _rank_figures(s: Session, ids: Any) -> list[tuple[str, int | None, float | None, float, float, float]]:
    """(agency, year, processed, disclosed + partly disclosed, corrected, concluded appeals) of each
    report that passes a ranking's minimum. The database pivots the cells per report and keeps
    only those (a province's 2,000 reports give a few dozen rows, not 24,000 cells)."""

    def stated(*keys: str) -> Any:
        return func.sum(case((CellRow.key.in_(keys), CellRow.value)))

    def appeals(col: str) -> list[str]:
        return [f"appeals.{g}.{col}" for g, _ in APPEAL_GROUPS]

    processed_key = "applications.processed_total.total"
    opened = ["applications.disclosed.total", "applications.partly_disclosed.total"]
    processed = stated(processed_key)
    concluded = func.coalesce(stated(*appeals("total")), 0) - func.coalesce(stated(*appeals("pending")), 0)
    keys = [processed_key, *opened, *appeals("corrected"), *appeals("total"), *appeals("pending")]
    per_report = (
        select(CellRow.report_id, processed, stated(*opened), stated(*appeals("corrected")), concluded)
        .where(CellRow.report_id.in_(ids), CellRow.key.in_(keys), aggregate_cells())
        .group_by(CellRow.report_id)
        .having(or_(processed >= RANK_MIN_APPLICATIONS, concluded >= RANK_MIN_CASES))
    )
    figures = {rid: rest for rid, *rest in s.execute(per_report)}
    names = s.execute(
        select(ReportVersion.id, Agency.name, ReportVersion.year)
        .outerjoin(Agency, Agency.id == ReportVersion.agency_id)
        .where(ReportVersion.id.in_(list(figures)))
    ).all()
    out = []
    for rid, name, y in names:
        p, opened, corrected, done = figures[rid]
        out.append(
            (
                name or "（未识别）",
                y,
                None if p is None else float(p),
                float(opened or 0),
                float(corrected or 0),
                float(done or 0),
            )
        )
    return out


def rankings(s: Session, ids: Any) -> list[Chart]:
    """Agencies ranked by disclosure rate and by correction rate, each only among agencies whose
    numbers pass the stated minimum; and the reports with the most open errors, among the
    region's reports ``ids`` (``_ids``)."""
    disclosure: list[list[Any]] = []
    correction: list[list[Any]] = []
    for name, y, processed, opened, corrected, concluded in _rank_figures(s, ids):
        if processed is not None and processed >= RANK_MIN_APPLICATIONS:
            disclosure.append([name, y, _num(processed), _num(opened), _share(opened, processed)])
        if concluded >= RANK_MIN_CASES:
            correction.append([name, y, _num(concluded), _num(corrected), _share(corrected, concluded)])
    # ties in an order of their own, the same on every database (and so the same rows kept)
    disclosure.sort(key=lambda r: (-(r[4] or 0), -r[2], r[0], r[1]))
    correction.sort(key=lambda r: (-(r[4] or 0), -r[2], r[0], r[1]))
    errors = (
        select(FindingRow.report_id, func.count(FindingRow.id).label("n"))
        .where(_open_findings(ids), FindingRow.severity == "error")
        .group_by(FindingRow.report_id)
        .subquery()
    )
    worst = s.execute(
        select(Agency.name, ReportVersion.year, ReportVersion.id, errors.c.n)
        .join(ReportVersion, ReportVersion.id == errors.c.report_id)
        .outerjoin(Agency, Agency.id == ReportVersion.agency_id)
        .order_by(errors.c.n.desc(), Agency.name, ReportVersion.year, ReportVersion.id)
        .limit(RANK_SIZE)
    ).all()
    return [
        Chart(
            "rank_disclosure",
            "公开率排名（予以公开与部分公开 ÷ 办理总数）",
            ["机关", "年度", "办理总数", "公开与部分公开", "公开率"],
            disclosure[:RANK_SIZE],
            kind="share",
            note=f"只排办理总数不少于 {RANK_MIN_APPLICATIONS} 件的机关（共 {len(disclosure)} 个）",
        ),
        Chart(
            "rank_correction",
            "复议诉讼纠正率排名（结果纠正 ÷ 已审结）",
            ["机关", "年度", "已审结", "结果纠正", "纠正率"],
            correction[:RANK_SIZE],
            kind="share",
            note=f"只排已审结复议诉讼案件不少于 {RANK_MIN_CASES} 件的机关（共 {len(correction)} 个）",
        ),
        Chart(
            "rank_errors",
            "错误最多的报告",
            ["机关", "年度", "报告编号", "错误数"],
            [list(r) for r in worst],
            kind="table",
        ),
    ]
