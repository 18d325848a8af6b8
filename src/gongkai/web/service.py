"""What pages and API both do, with the user's rights applied: a report outside the user's
region is not found, a viewer changes nothing. Route handlers only translate HTTP."""

from __future__ import annotations

import gc
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from gongkai.analysis.compare import Comparison, compare_loaded
from gongkai.analysis.dashboard import Dashboard, dashboard
from gongkai.analysis.issues import IssueFilter, group_findings, open_findings
from gongkai.analysis.listing import ReportPage, ReportQuery, list_reports
from gongkai.analysis.report_view import Loaded, ReportView, build_view, load_with_meta
from gongkai.store import Store
from gongkai.store.accounts import Principal, in_scope
from gongkai.store.computed import load_computed, result_key, save_computed
from gongkai.store.files import FileStore
from gongkai.store.jobs import JobRow, create_job, job_results
from gongkai.store.queries import set_verdict
from gongkai.store.schema import VERDICTS, Agency, FindingRow, ReportVersion, Verdict
from gongkai.web.security import HTTPError, check_scope
from gongkai.web.sources import SourceView, cell_source, crop_image

NOT_FOUND = "没有找到（或不在您负责的地区范围内）"
CACHE_SECONDS = 600.0
"""How long a remembered aggregate is taken as it is while the store's stamp stays the same: what
the stamp does not see (a correction of agencies from the command line) shows within this time,
computed again in the background. A new report, finding or verdict shows at once."""
CACHE_ENTRIES = 256
_cache: OrderedDict[tuple[Any, ...], tuple[float, tuple[Any, ...], Any]] = OrderedDict()
_cache_lock = threading.Lock()


def stamp(s: Any) -> tuple[Any, ...]:
    """What changes when the store's content does: newest report, finding, verdict, agency.
    Each part is read from an index's end (a count of 200,000 agencies took 20 ms a request on
    PostgreSQL); agencies merged by a correction show within ``CACHE_SECONDS``."""
    row = s.execute(
        select(
            select(func.max(ReportVersion.id)).scalar_subquery(),
            select(func.max(FindingRow.id)).scalar_subquery(),
            select(func.count(Verdict.id)).scalar_subquery(),
            select(func.max(Verdict.decided_at)).scalar_subquery(),
            select(func.max(Agency.id)).scalar_subquery(),
        )
    ).one()
    return tuple(row)


_computing: dict[tuple[Any, ...], threading.Lock] = {}


@dataclass(frozen=True)
class Shared:
    """How a cached value goes into the store for the other server processes, and back."""

    encode: Callable[[Any], Any]
    """The value as JSON data."""
    decode: Callable[[Any], Any]

    @classmethod
    def of(cls, kind: Any) -> Shared:
        """For values of a class with ``to_json`` and ``from_json``."""
        return cls(lambda value: value.to_json(), kind.from_json)


def cached(store: Store, key: tuple[Any, ...], compute: Callable[[Any], Any], shared: Shared | None = None) -> Any:
    """``compute(session)``, remembered while the store does not change. Aggregates over a whole
    region are the slow part of the list, dashboard and findings pages; reviewers ask for the
    same ones again and again. Requests that miss together wait for one computation instead of
    each doing it; with ``shared``, the value is also kept in the store, where another server
    process finds it (a province's dashboard takes seconds at a national store: once, not once
    a process). Corrections to agencies change no stamp: a value older than CACHE_SECONDS is
    still answered while it is computed again in the background (a national region tree takes
    a second: no request waits for it)."""
    full = (store.url, *key)
    with store.session() as s:
        st = stamp(s)
    hit = _lookup(full, st)
    if hit is not None:
        value, fresh = hit
        if not fresh:
            _refresh_in_background(store, full, st, compute, shared)
        return value
    with _lock_of(full):
        hit = _lookup(full, st)
        if hit is not None:
            return hit[0]
        return _fill(store, full, st, compute, shared)


def _lock_of(full: tuple[Any, ...]) -> threading.Lock:
    """The lock held while ``full`` is computed (one computation for requests that miss together)."""
    with _cache_lock:
        return _computing.setdefault(full, threading.Lock())


def _fill(
    store: Store, full: tuple[Any, ...], st: tuple[Any, ...], compute: Callable[[Any], Any], shared: Shared | None
) -> Any:
    value = _computed_elsewhere(store, full, st, shared) if shared is not None else _NOTHING
    if value is _NOTHING:
        with store.session() as s:
            value = compute(s)
        if shared is not None:
            save_computed(store, result_key(*full), repr(st), json.dumps(shared.encode(value), ensure_ascii=False))
    with _cache_lock:
        _cache[full] = (time.monotonic(), st, value)
        _cache.move_to_end(full)
        while len(_cache) > CACHE_ENTRIES:
            old = _cache.popitem(last=False)[0]
            _computing.pop(old, None)
    _out_of_collectors_sight()
    return value


def _refresh_in_background(
    store: Store, full: tuple[Any, ...], st: tuple[Any, ...], compute: Callable[[Any], Any], shared: Shared | None
) -> None:
    lock = _lock_of(full)
    if not lock.acquire(blocking=False):
        return  # being computed already

    def run() -> None:
        try:
            _fill(store, full, st, compute, shared)
        except Exception:  # the next request computes it again, and says what went wrong
            logging.getLogger(__name__).exception("后台刷新缓存失败")
        finally:
            lock.release()

    threading.Thread(target=run, name="gongkai-cache-refresh", daemon=True).start()


_NOTHING = object()


def _computed_elsewhere(store: Store, full: tuple[Any, ...], st: tuple[Any, ...], shared: Shared) -> Any:
    with store.session() as s:
        text = load_computed(s, result_key(*full), repr(st), CACHE_SECONDS)
    return _NOTHING if text is None else shared.decode(json.loads(text))


_fills = 0


def _out_of_collectors_sight() -> None:
    """A region's aggregates are hundreds of thousands of objects that live until replaced and
    hold no cycles: frozen out of the cyclic collector's sight (they are still freed by reference
    counting when evicted), else each full collection walks them all — 70-140 ms pauses at a
    national store. Whatever cyclic garbage was alive at a freeze is collected after the next
    ``CACHE_ENTRIES`` fills, when everything is unfrozen once."""
    global _fills
    _fills += 1
    if _fills % CACHE_ENTRIES == 0:
        gc.unfreeze()
    else:
        gc.freeze()


def _lookup(full: tuple[Any, ...], st: tuple[Any, ...]) -> tuple[Any, bool] | None:
    """The value remembered for the store as it is (``st``), and whether it is still fresh."""
    with _cache_lock:
        hit = _cache.get(full)
    if hit is not None and hit[1] == st:
        return hit[2], time.monotonic() - hit[0] < CACHE_SECONDS
    return None


def _region_of_report(s: Any, rid: int) -> tuple[bool, str | None]:
    row = s.execute(
        select(Agency.region)
        .select_from(ReportVersion)
        .outerjoin(Agency, Agency.id == ReportVersion.agency_id)
        .where(ReportVersion.id == rid)
    ).first()
    return (row is not None, row[0] if row else None)


def visible_report(s: Any, p: Principal, rid: int) -> None:
    exists, region = _region_of_report(s, rid)
    if not exists:
        raise HTTPError(404, NOT_FOUND)
    check_scope(p, region)


def _load_visible(s: Any, p: Principal, ids: list[int]) -> list[Loaded]:
    """Reports ``ids`` with their store facts, each checked against the user's scope (404 for an
    absent report) before anything is computed from it."""
    loaded = load_with_meta(s, ids)
    for rid in ids:
        if rid not in loaded:
            raise HTTPError(404, NOT_FOUND)
        check_scope(p, loaded[rid].meta["region"])
    return [loaded[rid] for rid in ids]


def get_view(store: Store, p: Principal, rid: int) -> ReportView:
    with store.session() as s:
        (loaded,) = _load_visible(s, p, [rid])
        return build_view(s, loaded)


LIST_SHARED = Shared.of(ReportPage)
DASHBOARD_SHARED = Shared.of(Dashboard)


def get_list(store: Store, p: Principal, rq: ReportQuery) -> ReportPage:
    return cached(  # type: ignore[no-any-return]
        store, ("list", rq, p.region), lambda s: list_reports(s, rq, p.region), LIST_SHARED
    )


def get_sidebar(store: Store, p: Principal) -> tuple[list[Any], list[int], list[str]]:
    """The region tree, the years and the rules seen (for filters), within the user's scope."""
    return _sidebar(store, p.region)


def _sidebar(store: Store, scope: str | None) -> tuple[list[Any], list[int], list[str]]:
    from gongkai.analysis.listing import region_tree, rules_seen, years

    return cached(  # type: ignore[no-any-return]
        store, ("sidebar", scope), lambda s: (region_tree(s, scope), years(s), rules_seen(s))
    )


def warm(store: Store) -> None:
    """Compute at start what every page shows: the whole region tree (about a second at a
    national store, which the first pages would otherwise wait for)."""
    _sidebar(store, None)


def record_verdict(store: Store, p: Principal, finding_id: int, verdict: str, comment: str | None) -> int:
    """Returns the report id of the finding."""
    if not p.can_write:
        raise HTTPError(403, "只读用户不能记录复核结论")
    if verdict not in VERDICTS:
        raise HTTPError(400, "复核结论只能是“确认”（confirmed）或“排除”（dismissed）")
    comment = (comment or "").strip()[:2000] or None
    if verdict == "dismissed" and not comment:
        raise HTTPError(400, "排除问题时请填写复核意见（说明为什么不是问题）")
    with store.session() as s:
        rid = s.scalar(select(FindingRow.report_id).where(FindingRow.id == finding_id))
        if rid is None:
            raise HTTPError(404, NOT_FOUND)
        visible_report(s, p, rid)
        set_verdict(s, finding_id, verdict, comment)
    return int(rid)


def get_source(store: Store, files: FileStore, p: Principal, rid: int, key: str) -> SourceView:
    with store.session() as s:
        (loaded,) = _load_visible(s, p, [rid])
    meta, report = loaded.meta, loaded.report
    parts = key.split(".")
    if len(parts) != 3:
        raise HTTPError(404, "没有这个单元格")
    cell = _cell(report, parts)
    return cell_source(files, rid, key, cell, meta["location"], meta["sha256"], meta["format"], meta["template"])


def _cell(report: Any, parts: list[str]) -> Any:
    t, r, c = parts
    if r.startswith("+"):
        cells = (report.extra_rows.get(t) or {}).get(r[1:]) or []
        return cells[int(c)] if c.isdigit() and int(c) < len(cells) else None
    return report.cell(t, r, c)


def get_crop(store: Store, files: FileStore, p: Principal, rid: int, key: str, whole: bool) -> bytes:
    with store.session() as s:
        (loaded,) = _load_visible(s, p, [rid])
    meta, report = loaded.meta, loaded.report
    parts = key.split(".")
    cell = _cell(report, parts) if len(parts) == 3 else None
    if cell is None or cell.source is None or cell.source.bbox is None or cell.source.page is None:
        raise HTTPError(404, "这个单元格没有记录页面位置")
    data = files.read(meta["location"], meta["sha256"])
    if data is None:
        raise HTTPError(404, "服务器上找不到原文件（或文件已改变）")
    try:
        return crop_image(data, meta["format"], cell.source.page, cell.source.bbox, whole)
    except ValueError as e:
        raise HTTPError(404, str(e)) from None


def get_compare(store: Store, p: Principal, old: int, new: int) -> Comparison:
    with store.session() as s:
        a, b = _load_visible(s, p, [old, new])
        return compare_loaded(s, a, b)


def get_dashboard(store: Store, p: Principal, region: str | None, year: int | None) -> Dashboard:
    key = ("dashboard", region or None, year, p.region)
    return cached(  # type: ignore[no-any-return]
        store, key, lambda s: dashboard(s, region or None, year, p.region), DASHBOARD_SHARED
    )


def get_issues(store: Store, p: Principal, f: IssueFilter) -> list[dict[str, Any]]:
    """Every open finding of ``f`` within the user's region (for exports and notices)."""
    _check_agency(store, p, f)
    return _open_issues(store, p, f)


def _open_issues(store: Store, p: Principal, f: IssueFilter) -> list[dict[str, Any]]:
    return cached(store, ("issues", f, p.region), lambda s: open_findings(s, f, p.region))  # type: ignore[no-any-return]


def _check_agency(store: Store, p: Principal, f: IssueFilter) -> None:
    """An agency asked for by id must be one the user may see (checked on every request, not only
    when the answer is computed)."""
    if f.agency_id is None:
        return
    with store.session() as s:
        region = s.scalar(select(Agency.region).where(Agency.id == f.agency_id))
        if not in_scope(region, p.region) or s.get(Agency, f.agency_id) is None:
            raise HTTPError(404, NOT_FOUND)


@dataclass(frozen=True)
class IssuePage:
    """``rows[offset:offset + limit]`` of the open findings, their total, and (grouped ``by``
    agency or rule) each group's count over all of them."""

    rows: list[dict[str, Any]]
    total: int
    groups: list[tuple[str, int]]

    def to_json(self) -> dict[str, Any]:
        return {"rows": self.rows, "total": self.total, "groups": self.groups}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> IssuePage:
        return cls(d["rows"], d["total"], [(g, n) for g, n in d["groups"]])


ISSUE_PAGE_SHARED = Shared.of(IssuePage)


def get_issue_page(store: Store, p: Principal, f: IssueFilter, offset: int, limit: int, by: str | None) -> IssuePage:
    """A page of the open findings, kept in the store for the server's other processes (a
    province's whole list, 130,000 findings at a national store, is computed in one of them)."""

    _check_agency(store, p, f)

    def compute(_s: Any) -> IssuePage:
        rows = _open_issues(store, p, f)  # the agency checked above
        groups = [(g, len(items)) for g, items in group_findings(rows, by)] if by else []
        return IssuePage(rows[offset : offset + limit], len(rows), groups)

    key = ("issue_page", f, p.region, offset, limit, by)
    return cached(store, key, compute, ISSUE_PAGE_SHARED)  # type: ignore[no-any-return]


def start_reparse(store: Store, p: Principal, rid: int) -> int:
    if not p.can_write:
        raise HTTPError(403, "只读用户不能重新解析报告")
    with store.session() as s:
        visible_report(s, p, rid)
        return create_job(s, "reparse", [rid], p.user_id, p.region)


def get_job(store: Store, p: Principal, jid: int) -> tuple[JobRow, list[dict[str, Any]]]:
    """A job (its submitter's or, for an admin, anyone's) with the results the user may see."""
    with store.session() as s:
        job = s.get(JobRow, jid)
        if job is None or (not p.is_admin and job.user_id != p.user_id):
            raise HTTPError(404, "没有这个任务")
        results = job_results(s, jid)
    for r in results:
        if r["status"] == "stored" and not in_scope(r.get("region"), p.region):
            r.update(status="elsewhere", report_id=None, agency=None)
    return job, results
