"""Batch ingest: files, folders (recursively), ZIP archives and URLs into the store.

Everything streams: sources are walked lazily, hashed in chunks (each chunk checked against the
store in one query), parsed by worker processes one document each under the limits of
``readers.limits`` (``gongkai.sandbox``: a file that runs too long, takes too much memory or
crashes its worker fails alone), and written as results arrive, whole reports per transaction,
in batches of ``BATCH_REPORTS`` or ``BATCH_SECONDS`` (also while a slow file is still being read).
So memory stays flat however many files there are, a kill at any point leaves whole reports
only, and a restart skips them (idempotent by sha256 and parser version). A file that fails is
recorded with its reason and the batch goes on. Ctrl-C writes what was parsed, then stops.

Several ingests may write to one store at once: a batch that collides with another writer (the
same file, a new agency, a locked SQLite file) is rolled back and written again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import re
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

import gongkai
from gongkai.readers import limits as limits_mod
from gongkai.readers.limits import Limits
from gongkai.store.crosscheck import CrossResult, run_across
from gongkai.store.db import Store
from gongkai.store.records import AgencyResolver, Prepared, prepare, record_failure, save_report, utcnow
from gongkai.store.schema import ReportVersion, SourceFileRow

BATCH_REPORTS = 50
BATCH_SECONDS = 1.0
"""A batch is written when it holds this many reports or is this old (seconds)."""
HASH_CHUNK = 256
"""Sources hashed and looked up in the store together."""
HASH_BLOCK = 1 << 20
SKIP_NAMES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
MAX_CRASH_RETRIES = 1
WRITE_RETRIES = 5
"""Times a batch that collided with another writer is written again before each report is
written alone."""
_WINDOWS_ABS = re.compile(r"^[A-Za-z]:")
_ZIP_ERRORS = (zipfile.BadZipFile, EOFError, OSError, NotImplementedError, RuntimeError, ValueError, zlib.error)
"""What reading a damaged, encrypted or unsupported archive member raises."""


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
    size: int = 0


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


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM through the CLI) during an ingest: what was parsed is written; ``summary``
    counts it."""

    def __init__(self, summary: Summary) -> None:
        super().__init__()
        self.summary = summary


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
    """Files under ``root`` in a stable order, one folder listed at a time."""
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for f in sorted(filenames):
            if not f.startswith(".") and f not in SKIP_NAMES:
                yield Path(dirpath) / f


def unsafe_member(name: str) -> bool:
    """A member name that points outside the archive: ``../``, an absolute or a drive path."""
    n = name.replace("\\", "/")
    return n.startswith("/") or bool(_WINDOWS_ABS.match(n)) or ".." in PurePosixPath(n).parts


def _hash_stream(read: Callable[[int], bytes]) -> str:
    h = hashlib.sha256()
    while block := read(HASH_BLOCK):
        h.update(block)
    return h.hexdigest()


def _zip_jobs(path: Path, lim: Limits) -> Iterator[Job | Failed]:
    """One job per member, hashed while the archive is open (a member is never held whole)."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = [i for i in z.infolist() if not i.is_dir()]
            if any(i.filename == "word/document.xml" for i in infos):
                yield Job(str(path), str(path), path=str(path), size=path.stat().st_size)  # a .docx, not an archive
                return
            for i in sorted(infos, key=lambda i: i.filename):
                base = i.filename.rsplit("/", 1)[-1]
                if base.startswith(".") or base in SKIP_NAMES or i.filename.startswith("__MACOSX/"):
                    continue
                location = f"{path}!{i.filename}"
                if unsafe_member(i.filename):
                    yield Failed(location, "unsafe", "压缩包内的文件名指向包外（含 ../ 或绝对路径），已拒绝")
                    continue
                if i.file_size > lim.unpacked_bytes:
                    mb = i.file_size / limits_mod.MB
                    yield Failed(
                        location,
                        "too_large",
                        limits_mod.too_large(
                            location, "压缩包内的文件解压后过大", mb, lim.unpacked_mb, "MB", "unpacked_mb"
                        ).reason,
                    )
                    continue
                try:
                    with z.open(i) as f:
                        sha = _hash_stream(f.read)
                except _ZIP_ERRORS as e:
                    yield Failed(location, "corrupt", f"压缩包内的文件无法解压（{_zip_problem(e)}）")
                    continue
                yield Job(location, i.filename, path=str(path), member=i.filename, sha256=sha, size=i.file_size)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as e:
        yield Failed(str(path), "corrupt", f"ZIP 压缩包已损坏（{_zip_problem(e)}）")


def _zip_problem(e: Exception) -> str:
    if isinstance(e, RuntimeError):
        return "已加密"
    if isinstance(e, NotImplementedError):
        return "不支持的压缩方式"
    if isinstance(e, zipfile.BadZipFile) and "CRC" in str(e):
        return "校验失败"
    if isinstance(e, zlib.error):
        return "压缩数据已损坏"
    return "文件不完整或格式错误"


def collect_files(inputs: Iterable[str], limits: Limits | None = None) -> Iterator[Job | Failed]:
    """Jobs for the local inputs (files, folders, ZIP archives), in a stable order, lazily."""
    lim = limits or limits_mod.current()
    for inp in inputs:
        if _is_url(inp):
            continue
        p = Path(inp)
        if not p.exists():
            yield Failed(inp, "not_found", "文件或文件夹不存在")
            continue
        for f in _files(p):
            if f.suffix.lower() == ".zip":
                yield from _zip_jobs(f, lim)
            else:
                yield Job(str(f), str(f), path=str(f))


def count_inputs(inputs: Iterable[str]) -> int | None:
    """How many sources the local inputs hold (for the progress bar); None with URLs."""
    n = 0
    for inp in inputs:
        if _is_url(inp):
            return None
        p = Path(inp)
        if not p.exists():
            n += 1
            continue
        for f in _files(p):
            if f.suffix.lower() != ".zip":
                n += 1
                continue
            try:
                with zipfile.ZipFile(f) as z:
                    names = [i.filename for i in z.infolist() if not i.is_dir()]
                n += (
                    1
                    if "word/document.xml" in names
                    else sum(
                        1
                        for x in names
                        if not x.startswith("__MACOSX/")
                        and not x.rsplit("/", 1)[-1].startswith(".")
                        and x.rsplit("/", 1)[-1] not in SKIP_NAMES
                    )
                )
            except (zipfile.BadZipFile, OSError, EOFError, ValueError):
                n += 1
    return n


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
                yield Job(got.url, got.url + suffix_for(got), data=got.data, fetched_at=utcnow(), size=len(got.data))


def _hash(job: Job, lim: Limits) -> Job | Failed:
    """``job`` with its sha256 (a file is read in blocks, never whole), or why it cannot be read."""
    if job.sha256:
        return job
    if job.data is not None:
        job.sha256 = hashlib.sha256(job.data).hexdigest()
        return job
    assert job.path is not None
    try:
        job.size = os.path.getsize(job.path)
        if job.size > lim.file_bytes:  # refused from its size, before it is read
            mb = job.size / limits_mod.MB
            return Failed(
                job.location,
                "too_large",
                limits_mod.too_large(job.location, "文件过大", mb, lim.file_mb, "MB", "file_mb").reason,
            )
        with open(job.path, "rb") as f:
            job.sha256 = _hash_stream(f.read)
    except OSError as e:
        return Failed(job.location, "unreadable", f"无法读取文件（{e.strerror or type(e).__name__}）")
    return job


# --- parsing (in worker processes) ---------------------------------------------------------

_archive: tuple[str, zipfile.ZipFile] | None = None


def _open_archive(path: str) -> zipfile.ZipFile:
    """The archive a worker reads members from, kept open while its members follow one another
    (reopening reads the whole central directory again: quadratic for an archive of thousands)."""
    global _archive
    if _archive is not None and _archive[0] == path:
        return _archive[1]
    if _archive is not None:
        _archive[1].close()
        _archive = None
    z = zipfile.ZipFile(path)
    _archive = (path, z)
    return z


def _load(job: Job) -> bytes:
    if job.data is not None:
        return job.data
    assert job.path is not None
    if job.member is not None:
        return _open_archive(job.path).read(job.member)
    with open(job.path, "rb") as f:
        return f.read()


def parse_job(job: Job) -> Parsed:
    """Read, parse and check one source (in a worker, under the limits applied around it)."""
    from gongkai.pipeline import parse_bytes
    from gongkai.readers import ReadError

    try:
        data = _load(job)
        report = parse_bytes(job.name, data)  # read → parse → single-report checks
    except ReadError as e:
        return Parsed(job, failure=Failed(job.location, e.code, e.reason, job.sha256))
    except MemoryError:
        return Parsed(
            job, failure=Failed(job.location, "memory", "内存不足：文件过大或过于复杂，已停止读取", job.sha256)
        )
    except (OSError, zipfile.BadZipFile, KeyError) as e:
        return Parsed(
            job, failure=Failed(job.location, "unreadable", f"无法读取文件（{type(e).__name__}）", job.sha256)
        )
    except Exception as e:  # one bad file never stops the batch
        reason = f"解析出错（内部错误 {type(e).__name__}），请将此文件报告给开发者"
        return Parsed(job, failure=Failed(job.location, "parser_error", reason, job.sha256))
    report.source.path = job.location
    return Parsed(job, prepared=prepare(report))


def parse_jobs(jobs: list[Job]) -> list[Parsed]:
    """``parse_job`` for each of ``jobs`` under the limits in force (what a cluster task runs)."""
    out = []
    for job in jobs:
        with limits_mod.applied():
            out.append(parse_job(job))
    return out


# --- the batch -------------------------------------------------------------------------------


def _stored_among(store: Store, shas: list[str], parser_version: str, reparse: bool) -> set[str]:
    """Of ``shas``, the files not to parse again: any stored version, or (with reparse) one of
    this parser version."""
    if not shas:
        return set()
    with store.session() as s:
        q = (
            select(SourceFileRow.sha256)
            .join(ReportVersion, ReportVersion.source_file_id == SourceFileRow.id)
            .where(SourceFileRow.sha256.in_(sorted(set(shas))))
        )
        if reparse:
            q = q.where(ReportVersion.parser_version == parser_version)
        return set(s.scalars(q.distinct()))


def _chunks(items: Iterator[Job | Failed], n: int) -> Iterator[list[Job | Failed]]:
    chunk: list[Job | Failed] = []
    for it in items:
        chunk.append(it)
        if len(chunk) >= n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


Runner = Callable[[Iterator[Job], Callable[[Parsed], None], Callable[[], None]], None]
"""Parses jobs somewhere (local worker processes, a cluster), handing each result to ``write``
as it arrives and calling ``tick`` when nothing arrived for a while."""


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
    limits: Limits | None = None,
    runner: Runner | None = None,
) -> Summary:
    """Ingest ``inputs`` into ``store``; returns counts and the failures with their reasons.

    Each document is parsed in a worker process (``workers``, default one per CPU) under
    ``limits``; ``runner`` parses elsewhere (``gongkai.cluster.dask_runner``). Ctrl-C raises
    ``Interrupted`` once what was parsed is written."""
    from gongkai.store.fetch import DEFAULT_DELAY_S

    t0 = time.monotonic()
    pv = parser_version or gongkai.PARSER_VERSION
    lim = limits or limits_mod.current()
    progress = progress or NoProgress()
    workers = workers if workers is not None else (os.cpu_count() or 1)
    summary = Summary()
    progress.start(count_inputs(inputs))
    writer = _Writer(store, pv, summary, progress)

    def sources() -> Iterator[Job | Failed]:
        yield from collect_files(inputs, lim)
        yield from collect_urls(inputs, DEFAULT_DELAY_S if delay is None else delay)

    def fresh() -> Iterator[Job]:
        for chunk in _chunks(sources(), HASH_CHUNK):
            hashed = [_hash(j, lim) if isinstance(j, Job) else j for j in chunk]
            jobs = [j for j in hashed if isinstance(j, Job)]
            stored = _stored_among(store, [j.sha256 for j in jobs], pv, reparse)
            for j in hashed:
                if isinstance(j, Failed):
                    writer.add(j)
                elif j.sha256 in stored:
                    summary.unchanged += 1
                    progress.advance("unchanged")
                else:
                    # a second copy in this batch is parsed again: it is stored once, or fails under its own name
                    yield j

    run = runner or local_runner(workers, lim)
    try:
        run(fresh(), writer.add, writer.tick)
    except KeyboardInterrupt:
        writer.flush()
        summary.seconds = time.monotonic() - t0
        raise Interrupted(summary) from None
    writer.flush()
    store.refresh_statistics()
    if across:
        summary.across = run_across(store, progress=progress.across, workers=workers)
        summary.findings.update(summary.across.findings)
    summary.seconds = time.monotonic() - t0
    return summary


def local_runner(workers: int, limits: Limits) -> Runner:
    """Parse on ``workers`` local processes (``gongkai.sandbox``), each document under ``limits``."""

    def run(jobs: Iterator[Job], write: Callable[[Parsed], None], tick: Callable[[], None]) -> None:
        from gongkai import pipeline  # noqa: F401  (imported before forking, so workers start warm)
        from gongkai.sandbox import Pool

        with Pool(parse_job, workers, limits, retries=MAX_CRASH_RETRIES) as pool:
            for item in pool.imap(jobs):
                if item is None:
                    tick()
                    continue
                job, outcome = item
                if outcome.ok:
                    write(outcome.value)
                else:
                    write(
                        Parsed(
                            job, failure=Failed(job.location, outcome.code or "crash", outcome.reason or "", job.sha256)
                        )
                    )

    return run


class _Writer:
    """Writes results in transactions of whole reports: a batch of up to ``BATCH_REPORTS`` (or
    what came in ``BATCH_SECONDS``) commits together, so a kill loses at most that batch and never
    leaves part of a report. A batch that collides with another writer is written again; one that
    still fails is written report by report, so that one bad report fails alone."""

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
        if len(self.pending) >= BATCH_REPORTS:
            self.flush()
        else:
            self.tick()

    def tick(self) -> None:
        """Write what waits once it is ``BATCH_SECONDS`` old (called while workers are busy)."""
        if self.pending and time.monotonic() - self.since >= BATCH_SECONDS:
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

    def _write(self, items: list[Parsed | Failed]) -> list[tuple[str, Failed | Prepared | None]]:
        """One transaction for ``items``, again after a collision with another writer."""
        for attempt in range(WRITE_RETRIES):
            try:
                with self.store.session() as s:
                    return [self._one(s, it) for it in items]
            except (IntegrityError, OperationalError) as e:
                self.resolver.reset()
                if attempt + 1 == WRITE_RETRIES or not _collision(e):
                    raise
                time.sleep(random.uniform(0.05, 0.3) * (attempt + 1))
        raise AssertionError("unreachable")

    def flush(self) -> None:
        items = self.pending
        if not items:
            return
        try:
            outcomes = self._write(items)
        except Exception:
            self.resolver.reset()
            outcomes = [self._alone(it) for it in items]
        self.pending = []  # only now: a Ctrl-C while writing leaves them to be written again
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
            return self._write([item])[0]
        except Exception as e:
            self.resolver.reset()
            job = item.job if isinstance(item, Parsed) else None
            location = job.location if job else item.location  # type: ignore[union-attr]
            f = Failed(location, "store_error", f"写入数据库出错（{_db_problem(e)}）", job.sha256 if job else None)
            try:
                with self.store.session() as s:
                    record_failure(s, f.location, f.sha256, self.pv, f.code, f.reason)
            # the database itself is failing: the summary still lists the file
            except Exception:  # nosec B110
                pass
            return "failed", f


def _collision(e: DBAPIError) -> bool:
    """Another writer got there first (a unique key, a lock, a serialisation failure)."""
    if isinstance(e, IntegrityError):
        return True
    text = str(e.orig).lower()
    return any(w in text for w in ("locked", "busy", "deadlock", "could not serialize", "serialization"))


def _db_problem(e: Exception) -> str:
    if isinstance(e, IntegrityError):
        return "数据冲突"
    if isinstance(e, OperationalError):
        return "数据库不可用或被锁定"
    return f"内部错误 {type(e).__name__}"
