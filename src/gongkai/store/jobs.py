"""Jobs: work the web app hands to a background worker (parse uploaded files, fetch URLs,
parse a report again), kept in the database so that any worker process can take them and the
pages can show their progress. A job lists its files (``job_items``, by SHA-256), so that the
results show up, report by report, as the store receives them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, delete, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from gongkai.store.records import utcnow
from gongkai.store.schema import Agency, Base, Failure, ReportVersion, SourceFileRow

KINDS: tuple[str, ...] = ("upload", "urls", "reparse")
STATUS_NAMES = {"preparing": "接收中", "queued": "排队中", "running": "处理中", "done": "已完成", "failed": "出错"}
ITEM_NAMES = {"waiting": "等待解析", "stored": "已入库", "failed": "未能入库"}
STALE_AFTER = dt.timedelta(minutes=30)
"""A running job not heard of for this long was left by a worker that died: it is taken again."""


class JobRow(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12), index=True)
    inputs: Mapped[list[Any]] = mapped_column(JSON)
    """Upload: names of the files saved in the job's folder; urls: the URLs; reparse: [report id]."""
    region: Mapped[str | None] = mapped_column(String(100))
    """The submitter's region scope (what the job's results may show)."""
    total: Mapped[int | None] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    heartbeat: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class JobItem(Base):
    __tablename__ = "job_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    """What the user gave: a file name, ``archive.zip!member`` or a URL."""
    location: Mapped[str] = mapped_column(Text)
    """Where the ingest reads it (the store's ``source_files.location`` or ``failures.location``)."""
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)


def create_job(
    s: Session,
    kind: str,
    inputs: list[Any],
    user_id: int | None,
    region: str | None = None,
    status: str = "queued",
) -> int:
    """A new job; ``status="preparing"`` keeps workers off it until ``queue`` (files still arriving)."""
    if kind not in KINDS:
        raise ValueError(kind)
    j = JobRow(user_id=user_id, kind=kind, status=status, inputs=inputs, region=region, created_at=utcnow(), done=0)
    s.add(j)
    s.flush()
    return j.id


def queue(s: Session, job_id: int) -> None:
    s.execute(update(JobRow).where(JobRow.id == job_id).values(status="queued"))


def claim_job(s: Session) -> JobRow | None:
    """Take the oldest queued job (or one whose worker died) for this worker; None if none.
    The conditional update makes two workers never take the same job."""
    now = utcnow()
    stale = now - STALE_AFTER
    cands = s.scalars(
        select(JobRow.id)
        .where((JobRow.status == "queued") | ((JobRow.status == "running") & (JobRow.heartbeat < stale)))
        .order_by(JobRow.id)
        .limit(5)
    ).all()
    for jid in cands:
        res: Any = s.execute(
            update(JobRow)
            .where(
                JobRow.id == jid,
                (JobRow.status == "queued") | ((JobRow.status == "running") & (JobRow.heartbeat < stale)),
            )
            .values(status="running", started_at=now, heartbeat=now)
        )
        if res.rowcount == 1:
            return s.get(JobRow, jid)
    return None


def add_items(s: Session, job_id: int, items: list[tuple[str, str, str | None]]) -> None:
    """(name, location, sha256) of each file of the job."""
    s.add_all(JobItem(job_id=job_id, name=n, location=loc, sha256=sha) for n, loc, sha in items)
    s.execute(update(JobRow).where(JobRow.id == job_id).values(total=len(items)))


def progress(s: Session, job_id: int, **counts: Any) -> None:
    s.execute(update(JobRow).where(JobRow.id == job_id).values(heartbeat=utcnow(), **counts))


def finish(s: Session, job_id: int, status: str, message: str | None) -> None:
    now = utcnow()
    s.execute(
        update(JobRow).where(JobRow.id == job_id).values(status=status, message=message, finished_at=now, heartbeat=now)
    )


def job(s: Session, job_id: int) -> JobRow | None:
    return s.get(JobRow, job_id)


def jobs(s: Session, user_id: int | None = None, limit: int = 50) -> list[JobRow]:
    q = select(JobRow).order_by(JobRow.id.desc()).limit(limit)
    if user_id is not None:
        q = q.where(JobRow.user_id == user_id)
    return list(s.scalars(q))


def job_results(s: Session, job_id: int) -> list[dict[str, Any]]:
    """Each file of the job with what became of it so far: its current report (id, agency,
    year, region) once stored, or the reason it failed."""
    items = list(s.scalars(select(JobItem).where(JobItem.job_id == job_id).order_by(JobItem.id)))
    shas = [i.sha256 for i in items if i.sha256]
    stored: dict[str, tuple[Any, ...]] = {}
    if shas:
        q = (
            select(SourceFileRow.sha256, ReportVersion.id, Agency.name, ReportVersion.year, Agency.region)
            .join(ReportVersion, ReportVersion.source_file_id == SourceFileRow.id)
            .outerjoin(Agency, Agency.id == ReportVersion.agency_id)
            .where(SourceFileRow.sha256.in_(shas), ReportVersion.current.is_(True))
        )
        stored = {row[0]: row[1:] for row in s.execute(q)}
    locations = [i.location for i in items]
    failures: dict[str, str] = {}
    if locations:
        for loc, reason in s.execute(select(Failure.location, Failure.reason).where(Failure.location.in_(locations))):
            failures[loc] = reason
    out = []
    for i in items:
        row: dict[str, Any] = {"name": i.name, "sha256": i.sha256, "status": "waiting", "report_id": None}
        hit = stored.get(i.sha256 or "")
        if hit is not None:
            rid, agency, year, region = hit
            row.update(status="stored", report_id=rid, agency=agency, year=year, region=region)
        elif i.location in failures:
            row.update(status="failed", reason=failures[i.location])
        out.append(row)
    return out


def relabel(s: Session, moves: dict[str, str]) -> None:
    """Record fetched files under their URL rather than the local copy they were read from."""
    for old, new in moves.items():
        s.execute(update(SourceFileRow).where(SourceFileRow.location == old).values(location=new))
        s.execute(delete(Failure).where(Failure.location == new[:1000]))
        s.execute(update(Failure).where(Failure.location == old).values(location=new[:1000]))
        s.execute(update(JobItem).where(JobItem.location == old).values(location=new[:1000]))
