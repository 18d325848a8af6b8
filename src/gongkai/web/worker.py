"""The background worker: takes jobs from the database and runs them with the store's ingest
(parsing in its own processes), writing progress as it goes. ``gongkai serve`` starts one;
more can run anywhere that reaches the database (``gongkai worker``)."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import signal
import time
import zipfile
from pathlib import Path
from typing import Any

import gongkai
from gongkai.store import Store
from gongkai.store.files import FileStore
from gongkai.store.jobs import JobRow, add_items, claim_job, finish, progress, relabel
from gongkai.store.records import record_failure

POLL_SECONDS = 0.5
FLUSH_SECONDS = 0.3


class JobProgress:
    """Ingest progress written to the job's row (at most every ``FLUSH_SECONDS``)."""

    def __init__(self, store: Store, job_id: int) -> None:
        self.store = store
        self.job_id = job_id
        self.counts = {"new": 0, "unchanged": 0, "failed": 0}
        self.last = 0.0
        self.note: str | None = None

    def start(self, total: int | None) -> None:
        self.flush(force=True)

    def advance(self, outcome: str) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        self.flush()

    def across(self, done: int, total: int) -> None:
        self.note = f"跨报告核查 {done}/{total}"
        self.flush(force=done >= total)

    def flush(self, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < FLUSH_SECONDS:
            return
        self.last = now
        with self.store.session() as s:
            extra: dict[str, Any] = {"message": self.note} if self.note else {}
            progress(s, self.job_id, done=sum(self.counts.values()), **self.counts, **extra)


def _items_of(folder: Path) -> list[tuple[str, str, str | None]]:
    """(name shown, location the ingest records, sha256) of every file the ingest will see."""
    from gongkai.store.ingest import Failed, collect_files

    out: list[tuple[str, str, str | None]] = []
    for j in collect_files([str(folder)]):
        if isinstance(j, Failed):
            out.append((_shown(j.location, folder), j.location, None))
            continue
        try:
            if j.member is not None and j.path is not None:
                with zipfile.ZipFile(j.path) as z:
                    data = z.read(j.member)
            else:
                data = Path(j.location).read_bytes()
        except (OSError, KeyError, zipfile.BadZipFile):
            out.append((_shown(j.location, folder), j.location, None))
            continue
        out.append((_shown(j.location, folder), j.location, hashlib.sha256(data).hexdigest()))
    return out


def _shown(location: str, folder: Path) -> str:
    prefix = str(folder) + "/"
    return location[len(prefix) :] if location.startswith(prefix) else location


def _fetch(store: Store, files: FileStore, job: JobRow, folder: Path) -> dict[str, str]:
    """Fetch the job's URLs into its folder; returns local path → URL."""
    from gongkai.store.fetch import Crawler, FetchFailure, suffix_for

    crawler = Crawler()
    moves: dict[str, str] = {}
    fetched = folder / "fetched"
    fetched.mkdir(parents=True, exist_ok=True)
    n = 0
    for url in job.inputs:
        for got in crawler.crawl(str(url)):
            if isinstance(got, FetchFailure):
                with store.session() as s:
                    record_failure(s, got.url, None, gongkai.PARSER_VERSION, got.code, got.reason)
                    add_items(s, job.id, [(got.url, got.url, None)])
                continue
            n += 1
            path = fetched / f"{n:04d}{_extension(got.url, suffix_for(got))}"
            path.write_bytes(got.data)
            files.keep(got.data)
            moves[str(path)] = got.url
        with store.session() as s:
            progress(s, job.id, message=f"已抓取 {n} 个网页或文件")
    return moves


def _extension(url: str, hint: str) -> str:
    """The file ending that tells the reader the format: the fetch's hint (``#.html``), else the URL's."""
    from urllib.parse import urlsplit

    if hint:
        return hint.lstrip("#")
    return Path(urlsplit(url).path).suffix.lower()[:8]


def run_job(store: Store, files: FileStore, job: JobRow, parse_workers: int = 1) -> str:
    """Run one claimed job to its end; returns the summary message."""
    from gongkai.store.ingest import ingest

    if job.kind == "reparse":
        return _reparse(store, files, job)
    folder = files.job_dir(job.id)
    moves: dict[str, str] = {}
    if job.kind == "urls":
        moves = _fetch(store, files, job, folder)
    items = [(moves.get(loc, name), loc, sha) for name, loc, sha in _items_of(folder)]
    with store.session() as s:
        add_items(s, job.id, items)
    prog = JobProgress(store, job.id)
    summary = ingest(store, [str(folder)], workers=parse_workers, progress=prog)
    if moves:
        with store.session() as s:
            relabel(s, moves)
    prog.note = None
    prog.flush(force=True)
    return (
        f"共 {summary.total} 个文件：新增 {summary.new}，已在库中 {summary.unchanged}，未能入库 {len(summary.failed)}"
    )


def _reparse(store: Store, files: FileStore, job: JobRow) -> str:
    from gongkai.readers import ReadError
    from gongkai.store.reparse import reparse_report, source_of

    rid = int(job.inputs[0])
    with store.session() as s:
        src = source_of(s, rid)
        if src is None:
            raise RuntimeError("报告已不在库中")
        add_items(s, job.id, [(src[0].rsplit("/", 1)[-1], src[0], src[1])])
    location, sha, fmt = src
    data = files.read(location, sha)
    if data is None:
        raise RuntimeError("服务器上找不到这份报告的原文件（或文件已改变），无法重新解析；请重新上传")
    name = location.rsplit("!", 1)[-1]
    if location.startswith(("http://", "https://")):
        name = f"page.{ {'html': 'html', 'pdf': 'pdf', 'docx': 'docx'}.get(fmt, 'txt') }"
    try:
        reparse_report(store, rid, data, name)
    except ReadError as e:
        raise RuntimeError(f"重新解析失败：{e.reason}") from None
    with store.session() as s:
        progress(s, job.id, done=1, new=1)
    return "已重新解析，复核结论保留"


def run_worker(
    db: str | None,
    files_root: str | Path | None,
    parse_workers: int = 1,
    once: bool = False,
    poll: float = POLL_SECONDS,
    parent: int | None = None,
) -> int:
    """Take and run jobs until stopped (``once``: until none is waiting; ``parent``: until that
    process, the server that started this worker, is gone). Returns jobs run."""
    import os

    store = Store(db)
    files = FileStore.at(files_root)
    done = 0
    while True:
        if parent is not None and os.getppid() != parent:
            return done
        with store.session() as s:
            job = claim_job(s)
        if job is None:
            if once:
                return done
            time.sleep(poll)
            continue
        try:
            message = run_job(store, files, job, parse_workers)
            status = "done"
        except Exception as e:  # a job that fails says why; the worker goes on with the next
            message = str(e) if isinstance(e, RuntimeError) else f"处理出错：{type(e).__name__}: {e}"
            status = "failed"
        with store.session() as s:
            finish(s, job.id, status, message)
        done += 1


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="gongkai 后台任务进程（解析上传的文件、抓取网址、重新解析）")
    ap.add_argument("--db", default=None)
    ap.add_argument("--files", default=None)
    ap.add_argument("--jobs", type=int, default=1, help="解析进程数")
    ap.add_argument("--once", action="store_true", help="做完排队的任务就退出")
    ap.add_argument("--parent", type=int, default=None, help="启动本进程的服务进程号：它退出时本进程也退出")
    a = ap.parse_args(argv)
    if a.parent is not None:
        # the service stops its worker with SIGINT: a service started in the background (``&``
        # in a script) hands down an ignored SIGINT, which would leave the worker to be killed
        signal.signal(signal.SIGINT, signal.default_int_handler)
    with contextlib.suppress(KeyboardInterrupt):
        run_worker(a.db, a.files, a.jobs, a.once, parent=a.parent)


if __name__ == "__main__":
    main()
