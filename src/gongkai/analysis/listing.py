"""Which reports: the filtered, sorted, paged list; the region tree; and the year × agency grid
of who has published (a missing report is a finding too)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from gongkai.store.accounts import reports_in, scope_clause
from gongkai.store.agencies import regions
from gongkai.store.queries import Filters, _apply, reports_with_counts
from gongkai.store.schema import Agency, FindingRow, ReportVersion, SourceFileRow

SORTS = {
    "agency": (Agency.name, ReportVersion.year),
    "year": (ReportVersion.year, Agency.name),
    "region": (Agency.region, Agency.name, ReportVersion.year),
    "errors": None,  # by the error count (a column of the query)
}
PER_PAGE = 50
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class ReportQuery:
    region: str | None = None
    level: str | None = None
    year: int | None = None
    template: str | None = None
    agency: str | None = None
    has_errors: bool = False
    rule: str | None = None
    sort: str = "agency"
    desc: bool = False
    page: int = 1
    per_page: int = PER_PAGE

    def filters(self) -> Filters:
        return Filters(self.region, self.level, self.year, self.agency, self.has_errors, self.rule)


def page_count(total: int, per_page: int) -> int:
    """Pages that ``total`` rows fill, ``per_page`` a page (one, when there are none)."""
    return max(1, -(-total // per_page))


@dataclass
class ReportPage:
    rows: list[dict[str, Any]]
    total: int
    page: int
    per_page: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return page_count(self.total, self.per_page)

    def to_json(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "counts": self.counts,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ReportPage:
        return cls(d["rows"], d["total"], d["page"], d["per_page"], d["counts"])


def _scoped(q: Any, scope: str | None, rq: ReportQuery) -> Any:
    q = _apply(q, rq.filters())
    clause = reports_in(scope)
    if clause is not None:
        q = q.where(clause)
    if rq.template:
        q = q.where(ReportVersion.template == rq.template)
    return q


def list_reports(s: Session, rq: ReportQuery, scope: str | None = None) -> ReportPage:
    """Current reports matching ``rq`` within ``scope``, one page, with the total count and
    how many of all matching reports have errors."""
    per = max(1, min(rq.per_page, MAX_PER_PAGE))
    page = max(1, rq.page)
    if rq.sort != "errors":
        return _list_by_columns(s, rq, scope, per, page)
    q = reports_with_counts(
        ReportVersion.id,
        Agency.name,
        Agency.region,
        Agency.level,
        ReportVersion.year,
        ReportVersion.template,
        ReportVersion.title,
        SourceFileRow.location,
        SourceFileRow.format,
        ReportVersion.agency_name,
    )
    q = _scoped(q, scope, rq)
    sort = rq.sort if rq.sort in SORTS else "agency"
    cols = SORTS[sort]
    if cols is None:
        err = func.coalesce(list(q.selected_columns)[-3], 0)
        order: list[Any] = [err.desc() if rq.desc else err, Agency.name, ReportVersion.year]
    else:
        order = [c.desc() if rq.desc and i == 0 else c for i, c in enumerate(cols)]
    q = q.order_by(*order, ReportVersion.id).limit(per).offset((page - 1) * per)
    keys = (
        "id",
        "agency",
        "region",
        "level",
        "year",
        "template",
        "title",
        "location",
        "format",
        "agency_as_printed",
        "errors",
        "warnings",
        "infos",
    )
    rows = [dict(zip(keys, r, strict=True)) for r in s.execute(q)]
    for r in rows:
        r["agency"] = r["agency"] or r["agency_as_printed"]
    total, with_errors = _totals(s, rq, scope)
    return ReportPage(rows, total, page, per, {"total": total, "with_errors": with_errors})


LIST_COLUMNS = (
    ReportVersion.id,
    Agency.name,
    Agency.region,
    Agency.level,
    ReportVersion.year,
    ReportVersion.template,
    ReportVersion.title,
    SourceFileRow.location,
    SourceFileRow.format,
    ReportVersion.agency_name,
)
LIST_KEYS = (
    "id",
    "agency",
    "region",
    "level",
    "year",
    "template",
    "title",
    "location",
    "format",
    "agency_as_printed",
)


def _list_by_columns(s: Session, rq: ReportQuery, scope: str | None, per: int, page: int) -> ReportPage:
    """The page sorted by its own columns; finding counts are then needed for its rows only."""
    q = (
        select(*LIST_COLUMNS)
        .join(SourceFileRow, SourceFileRow.id == ReportVersion.source_file_id)
        .outerjoin(Agency, Agency.id == ReportVersion.agency_id)
    )
    q = _scoped(q, scope, rq)
    cols = SORTS.get(rq.sort) or SORTS["agency"]
    assert cols is not None
    order = [c.desc() if rq.desc and i == 0 else c for i, c in enumerate(cols)]
    q = q.order_by(*order, ReportVersion.id).limit(per).offset((page - 1) * per)
    rows = [dict(zip(LIST_KEYS, r, strict=True)) for r in s.execute(q)]
    ids = [r["id"] for r in rows]
    counts: dict[int, tuple[int, int, int]] = {}
    if ids:
        cq = (
            select(
                FindingRow.report_id,
                *(func.sum(case((FindingRow.severity == sev, 1), else_=0)) for sev in ("error", "warning", "info")),
            )
            .where(FindingRow.report_id.in_(ids))
            .group_by(FindingRow.report_id)
        )
        counts = {rid: (e, w, i) for rid, e, w, i in s.execute(cq)}
    for r in rows:
        r["errors"], r["warnings"], r["infos"] = counts.get(r["id"], (0, 0, 0))
        r["agency"] = r["agency"] or r["agency_as_printed"]
    total, with_errors = _totals(s, rq, scope)
    return ReportPage(rows, total, page, per, {"total": total, "with_errors": with_errors})


def _totals(s: Session, rq: ReportQuery, scope: str | None) -> tuple[int, int]:
    base = (
        select(func.count(ReportVersion.id))
        .select_from(ReportVersion)
        .outerjoin(Agency, Agency.id == ReportVersion.agency_id)
    )
    total = int(s.scalar(_scoped(base, scope, rq)) or 0)
    with_errors = int(s.scalar(_scoped(base, scope, replace(rq, has_errors=True))) or 0)
    return total, with_errors


def years(s: Session) -> list[int]:
    q = select(ReportVersion.year).where(ReportVersion.current.is_(True), ReportVersion.year.is_not(None)).distinct()
    return sorted((y for y in s.scalars(q) if y is not None), reverse=True)


def rules_seen(s: Session) -> list[str]:
    return sorted(s.scalars(select(FindingRow.rule).distinct()))


@dataclass
class RegionNode:
    name: str
    path: str
    """The region filter that selects this node (its units joined)."""
    reports: int = 0
    children: dict[str, RegionNode] = field(default_factory=dict)

    def sorted_children(self) -> list[RegionNode]:
        return sorted(self.children.values(), key=lambda n: n.path)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "region": self.path,
            "reports": self.reports,
            "children": [c.to_json() for c in self.sorted_children()],
        }


class RegionTree(list[RegionNode]):
    """The top regions (a list), with each node's parent by path: which nodes to draw open for a
    selected region is then a walk up from it, not a search of the tree (a national tree has
    tens of thousands of nodes)."""

    def __init__(self, roots: list[RegionNode]) -> None:
        super().__init__(roots)
        self.parents: dict[str, str] = {}
        self.by_chain: dict[str, str] = {}
        """A node's units joined from the top (福建省福州市平潭县) → its path, which may be its own
        name alone (平潭县): a region named in full, as a report's agency has it, finds its node."""
        stack = [(n, n.name) for n in roots]
        while stack:
            node, chain = stack.pop()
            self.by_chain.setdefault(chain, node.path)
            for c in node.children.values():
                self.parents[c.path] = node.path
                stack.append((c, chain + c.name))

    def resolve(self, selected: str | None) -> str | None:
        """The path of the node the selected region names (itself when it is a path or unknown)."""
        if not selected or selected in self.parents:
            return selected or None
        return self.by_chain.get(selected, selected)

    def open_for(self, selected: str | None) -> set[str]:
        """Paths of the nodes on the way to the selected region, and its own."""
        out: set[str] = set()
        path = self.resolve(selected)
        while path is not None and path not in out:
            out.add(path)
            path = self.parents.get(path)
        return out


def region_tree(s: Session, scope: str | None = None, year: int | None = None) -> RegionTree:
    """Regions as a tree of admin units (淮安市 › 洪泽区), each with its count of current reports;
    regions that name their lower unit alone (洪泽区) are placed under the higher unit when the
    store knows a region that names both (淮安市洪泽区)."""
    q = (
        select(Agency.region, func.count(ReportVersion.id))
        .join(ReportVersion, ReportVersion.agency_id == Agency.id)
        .where(ReportVersion.current.is_(True), Agency.region.is_not(None))
        .group_by(Agency.region)
    )
    clause = scope_clause(scope)
    if clause is not None:
        q = q.where(clause)
    if year is not None:
        q = q.where(ReportVersion.year == year)
    counts: dict[str, int] = {r: n for r, n in s.execute(q) if r}
    chains = {r: regions(r) or [r] for r in counts}
    # a chain that is the tail of a longer one belongs under it (洪泽区 → 淮安市洪泽区):
    # every chain is filed under each of its proper tails, so each lookup is one dict access
    by_tail: dict[tuple[str, ...], list[list[str]]] = defaultdict(list)
    for units in chains.values():
        for i in range(1, len(units)):
            by_tail[tuple(units[i:])].append(units)
    full: dict[str, list[str]] = {}
    for r, units in chains.items():
        longer = by_tail.get(tuple(units), [])
        full[r] = longer[0][: len(longer[0]) - len(units)] + units if len(longer) == 1 else units
    roots: dict[str, RegionNode] = {}
    occurrences: dict[str, set[str]] = defaultdict(set)
    for units in full.values():
        for i, u in enumerate(units):
            occurrences[u].add("".join(units[: i + 1]))
    for r, units in full.items():
        level = roots
        chain = ""
        for u in units:
            chain += u
            node = level.get(u)
            if node is None:
                # a unit named once in the store is selected by its own name, which also finds
                # the regions that print it without the units above (洪泽区 for 淮安市洪泽区)
                node = level[u] = RegionNode(u, u if len(occurrences[u]) == 1 else chain)
            node.reports += counts[r]
            level = node.children
    return RegionTree(sorted(roots.values(), key=lambda n: n.path))


@dataclass
class Grid:
    years: list[int]
    rows: list[dict[str, Any]]
    """One per agency: id, name, region, level, and ``cells`` year → report id (None: missing)."""
    missing: int
    total_agencies: int


def publication_grid(
    s: Session,
    scope: str | None = None,
    region: str | None = None,
    level: str | None = None,
    first_year: int | None = None,
    last_year: int | None = None,
    limit: int = 500,
) -> Grid:
    """Agencies × years: which report each agency published each year, and where none is in
    the store. Agencies are those with at least one report in the store (within the filters);
    the years run from the first to the last year seen (or as given)."""
    q = (
        select(Agency.id, Agency.name, Agency.region, Agency.level, ReportVersion.year, func.min(ReportVersion.id))
        .join(ReportVersion, ReportVersion.agency_id == Agency.id)
        .where(ReportVersion.current.is_(True), ReportVersion.year.is_not(None))
        .group_by(Agency.id, Agency.name, Agency.region, Agency.level, ReportVersion.year)
    )
    for clause in (scope_clause(scope), scope_clause(region)):
        if clause is not None:
            q = q.where(clause)
    if level:
        q = q.where(Agency.level == level)
    rows: list[Any] = list(s.execute(q).all())
    seen_years: list[int] = sorted({r[4] for r in rows})
    if not seen_years:
        return Grid([], [], 0, 0)
    y0 = first_year or seen_years[0]
    y1 = last_year or seen_years[-1]
    ys = list(range(y0, y1 + 1))
    agencies: dict[int, dict[str, Any]] = {}
    cells: dict[int, dict[int, int]] = defaultdict(dict)
    for aid, name, reg, lev, year, rid in rows:
        agencies[aid] = {"id": aid, "name": name, "region": reg, "level": lev}
        if y0 <= year <= y1:
            cells[aid][year] = rid
    out = []
    missing = 0
    for aid, a in sorted(agencies.items(), key=lambda kv: (kv[1]["region"] or "", kv[1]["name"])):
        row = dict(a)
        row["cells"] = {y: cells[aid].get(y) for y in ys}
        gaps = sum(1 for y in ys if row["cells"][y] is None)
        row["missing"] = gaps
        missing += gaps
        out.append(row)
    out.sort(key=lambda r: (-r["missing"], r["region"] or "", r["name"]))
    return Grid(ys, out[:limit], missing, len(out))
