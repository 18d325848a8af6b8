"""Batch ingest: files, folders (recursively), ZIP archives and URLs into the store.

The main process collects sources, hashes them and skips what is stored; worker processes
read and parse; the main process alone writes, whole reports per transaction, so a kill at
any point leaves whole reports only, and a restart skips them (idempotent by sha256 and parser
version). A file that fails is recorded with its reason and the batch goes on.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select

import gongkai
from gongkai.store.crosscheck import CrossResult, run_across
from gongkai.store.db import Store
from gongkai.store.records import AgencyResolver, Prepared, prepare, record_failure, save_report, utcnow
from gongkai.store.schema import ReportVersion, SourceFileRow

IN_FLIGHT_PER_WORKER = 4
BATCH_REPORTS = 50
BATCH_SECONDS = 1.0
"""Jobs queued per worker: keeps workers busy while bounding memory."""
SKIP_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
MAX_CRASH_RETRIES = 1


@dataclass
class Job:
    location: str
    """What the store records: a path, ``archive.zip!member`` or a URL."""
    name: str
    """What the reader sees as the file name (its extension breaks format ties)."""
    path: str | None = None
    member: str | None = None
    data: bytes | None = None
    fetched_at: dt.datetime | None = None
    sha256: str = ""
    crashes: int = 0


@dataclass
class Failed:
    location: str
    code: str
    reason: str
    sha256: str | None = None


@dataclass
class Parsed:
    job: Job
    prepared: Prepared | None = None
    failure: Failed | None = None


@dataclass
class Summary:
    new: int = 0
    unchanged: int = 0
    failed: list[Failed] = field(default_factory=list)
    findings: Counter[str] = field(default_factory=Counter)
    across: CrossResult | None = None
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.new + self.unchanged + len(self.failed)


class Progress(Protocol):
    """What the ingest reports while it runs (the CLI draws a bar from it)."""

    def start(self, total: int | None) -> None: ...
    def advance(self, outcome: str) -> None: ...
    def across(self, done: int, total: int) -> None: ...


class NoProgress:
    def start(self, total: int | None) -> None:
        pass

    def advance(self, outcome: str) -> None:
        pass

    def across(self, done: int, total: int) -> None:
        pass


# --- collecting sources -----------------------------------------------------------------------


def _is_url(s: str) -> bool:
    return s.startswith(("http://", "https://"))


def _files(root: Path) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if not f.startswith(".") and f not in SKIP_NAMES:
                yield Path(dirpath) / f


def _zip_jobs(path: Path) -> Iterator[Job | Failed]:
    try:
        with zipfile.ZipFile(path) as z:
            infos = [i for i in z.infolist() if not i.is_dir()]
            if any(i.filename == "word/document.xml" for i in infos):
                yield Job(str(path), str(path), path=str(path))  # a .docx, not an archive
                return
            for i in sorted(infos, key=lambda i: i.filename):
                base = i.filename.rsplit("/", 1)[-1]
                if base.startswith(".") or base in SKIP_NAMES or i.filename.startswith("__MACOSX/"):
                    continue
                yield Job(f"{path}!{i.filename}", i.filename, path=str(path), member=i.filename)
    except (zipfile.BadZipFile, OSError) as e:
        yield Failed(str(path), "corrupt", f"ZIP 压缩包已损坏：{e}")


def collect_files(inputs: Iterable[str]) -> Iterator[Job | Failed]:
    """Jobs for the local inputs (files, folders, ZIP archives), in a stable order."""
    for inp in inputs:
        if _is_url(inp):
            continue
        p = Path(inp)
        if not p.exists():
            yield Failed(inp, "not_found", "文件或文件夹不存在")
            continue
        for f in _files(p):
            if f.suffix.lower() == ".zip":
                yield from _zip_jobs(f)
            else:
                yield Job(str(f), str(f), path=str(f))


def collect_urls(inputs: Iterable[str], delay: float) -> Iterator[Job | Failed]:
    from gongkai.store.fetch import Crawler, FetchFailure, suffix_for

    crawler = Crawler(delay=delay)
    for inp in inputs:
        if not _is_url(inp):
            continue
        for got in crawler.crawl(inp):
            if isinstance(got, FetchFailure):
                yield Failed(got.url, got.code, got.reason)
            else:
                yield Job(got.url, got.url + suffix_for(got), data=got.data, fetched_at=utcnow())


def _load(job: Job) -> bytes:
    if job.data is not None:
        return job.data
    assert job.path is not None
    if job.member is not None:
        with zipfile.ZipFile(job.path) as z:
            return z.read(job.member)
    with open(job.path, "rb") as f:
        return f.read()


# --- parsing (in worker processes) ---------------------------------------------------------


def parse_job(job: Job) -> Parsed:
    from gongkai.pipeline import parse_bytes
    from gongkai.readers import ReadError

    try:
        data = _load(job)
        report = parse_bytes(job.name, data)  # read → parse → single-report checks
    except ReadError as e:
        return Parsed(job, failure=Failed(job.location, e.code, e.reason, job.sha256))
    except MemoryError:
        return Parsed(job, failure=Failed(job.location, "memory", "内存不足，文件过大或过于复杂", job.sha256))
    except Exception as e:  # one bad file never stops the batch
        return Parsed(
            job, failure=Failed(job.location, "parser_error", f"解析出错：{type(e).__name__}: {e}", job.sha256)
        )
    report.source.path = job.location
    return Parsed(job, prepared=prepare(report))


# --- the batch -------------------------------------------------------------------------------


def _stored_shas(store: Store, parser_version: str, reparse: bool) -> set[str]:
    """Files not to parse again: any stored version, or (with reparse) one of this parser version."""
    with store.session() as s:
        q = select(SourceFileRow.sha256).join(ReportVersion, ReportVersion.source_file_id == SourceFileRow.id)
        if reparse:
            q = q.where(ReportVersion.parser_version == parser_version)
        return set(s.scalars(q.distinct()))


def ingest(
    store: Store,
    inputs: list[str],
    *,
    workers: int | None = None,
    reparse: bool = False,
    delay: float | None = None,
    progress: Progress | None = None,
    across: bool = True,
    parser_version: str | None = None,
) -> Summary:
    """Ingest ``inputs`` into ``store``; returns counts and the failures with their reasons."""
    from gongkai.store.fetch import DEFAULT_DELAY_S

    t0 = time.monotonic()
    pv = parser_version or gongkai.PARSER_VERSION
    progress = progress or NoProgress()
    workers = workers if workers is not None else (os.cpu_count() or 1)
    summary = Summary()
    stored = _stored_shas(store, pv, reparse)
    local = list(collect_files(inputs))
    has_urls = any(_is_url(i) for i in inputs)
    progress.start(None if has_urls else len(local))

    def jobs() -> Iterator[Job | Failed]:
        yield from local
        yield from collect_urls(inputs, DEFAULT_DELAY_S if delay is None else delay)

    writer = _Writer(store, pv, summary, progress)
    fail = writer.add
    write = writer.add

    def prepared() -> Iterator[Job]:
        for j in jobs():
            if isinstance(j, Failed):
                fail(j)
                continue
            try:
                data = _load(j)
            except (OSError, zipfile.BadZipFile, KeyError) as e:
                fail(Failed(j.location, "unreadable", f"无法读取文件：{e}"))
                continue
            j.sha256 = hashlib.sha256(data).hexdigest()
            if j.sha256 in stored:
                summary.unchanged += 1
                progress.advance("unchanged")
                continue
            # a second copy in this batch is parsed again: it is stored once, or fails under its own name
            if j.member is not None:
                j.data = data  # the worker need not open the archive again
            yield j

    if workers <= 1:
        for j in prepared():
            write(parse_job(j))
    else:
        _run_pool(prepared(), workers, write)
    writer.flush()
    if across:
        summary.across = run_across(store, progress=progress.across, workers=workers)
        summary.findings.update(summary.across.findings)
    summary.seconds = time.monotonic() - t0
    return summary


class _Writer:
    """Writes results in transactions of whole reports: a batch of up to ``BATCH_REPORTS`` (or
    what came in ``BATCH_SECONDS``) commits together, so a kill loses at most that batch and never
    leaves part of a report. A batch that fails is written again report by report, so that one
    bad report fails alone."""

    def __init__(self, store: Store, parser_version: str, summary: Summary, progress: Progress) -> None:
        self.store = store
        self.pv = parser_version
        self.summary = summary
        self.progress = progress
        self.resolver = AgencyResolver()
        self.pending: list[Parsed | Failed] = []
        self.since = 0.0

    def add(self, item: Parsed | Failed) -> None:
        if not self.pending:
            self.since = time.monotonic()
        self.pending.append(item)
        if len(self.pending) >= BATCH_REPORTS or time.monotonic() - self.since >= BATCH_SECONDS:
            self.flush()

    def _one(self, s: Any, item: Parsed | Failed) -> tuple[str, Failed | Prepared | None]:
        failure = item if isinstance(item, Failed) else item.failure
        if failure is not None:
            record_failure(s, failure.location, failure.sha256, self.pv, failure.code, failure.reason)
            return "failed", failure
        assert isinstance(item, Parsed) and item.prepared is not None
        _, created = save_report(
            s,
            item.prepared,
            parser_version=self.pv,
            resolver=self.resolver,
            location=item.job.location,
            fetched_at=item.job.fetched_at,
        )
        return ("new", item.prepared) if created else ("unchanged", None)

    def flush(self) -> None:
        items, self.pending = self.pending, []
        if not items:
            return
        try:
            with self.store.session() as s:
                outcomes = [self._one(s, it) for it in items]
        except Exception:
            self.resolver.reset()
            outcomes = [self._alone(it) for it in items]
        for outcome, what in outcomes:
            if outcome == "failed":
                assert isinstance(what, Failed)
                self.summary.failed.append(what)
            elif outcome == "new":
                assert isinstance(what, Prepared)
                self.summary.new += 1
                self.summary.findings.update(what.severities)
            else:
                self.summary.unchanged += 1
            self.progress.advance(outcome)

    def _alone(self, item: Parsed | Failed) -> tuple[str, Failed | Prepared | None]:
        try:
            with self.store.session() as s:
                return self._one(s, item)
        except Exception as e:
            self.resolver.reset()
            job = item.job if isinstance(item, Parsed) else None
            location = job.location if job else item.location  # type: ignore[union-attr]
            f = Failed(location, "store_error", f"写入数据库出错：{type(e).__name__}: {e}", job.sha256 if job else None)
            try:
                with self.store.session() as s:
                    record_failure(s, f.location, f.sha256, self.pv, f.code, f.reason)
            except Exception:  # the database itself is failing: the summary still lists the file
                pass
            return "failed", f


def _quiet_worker() -> None:
    """Ctrl-C is the main process's to handle: it stops the batch; workers just end."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run_pool(jobs: Iterator[Job], workers: int, write: Callable[[Parsed], None]) -> None:
    """Parse ``jobs`` on ``workers`` processes, writing results as they come, a bounded number in flight.
    A worker that dies (a crash in a native library) costs its jobs one retry, then they fail."""
    import multiprocessing as mp

    from gongkai import pipeline  # noqa: F401  (imported before forking, so workers start warm)

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else None
    limit = workers * IN_FLIGHT_PER_WORKER
    pending: dict[Future[Parsed], Job] = {}
    retry: list[Job] = []
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_quiet_worker)
    source = iter(jobs)
    exhausted = False
    try:
        while True:
            while len(pending) < limit and (retry or not exhausted):
                if retry:
                    job = retry.pop()
                else:
                    nxt = next(source, None)
                    if nxt is None:
                        exhausted = True
                        break
                    job = nxt
                pending[pool.submit(parse_job, job)] = job
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                job = pending.pop(fut)
                try:
                    write(fut.result())
                except BrokenProcessPool:
                    broken = True
                    job.crashes += 1
                    if job.crashes > MAX_CRASH_RETRIES:
                        write(Parsed(job, failure=Failed(job.location, "crash", "解析进程异常退出", job.sha256)))
                    else:
                        retry.append(job)
            if broken:
                for fut, job in pending.items():
                    fut.cancel()
                    retry.append(job)
                pending.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_quiet_worker)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
