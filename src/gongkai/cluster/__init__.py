"""Distributed ingest on a dask cluster (``pip install 'gongkai[cluster]'``).

``gongkai ingest --engine dask --scheduler tcp://host:8786`` sends the reading, parsing and OCR
to the cluster's workers, in chunks of ``CHUNK`` documents; this process walks the sources,
skips what the store holds and writes the results to the store (SQLite or the team's
PostgreSQL) as they arrive, exactly as with the local pool, so a job can be resubmitted after
any failure and stores each report once.

On each dask worker a document is read in a sandboxed process of its own (``gongkai.sandbox``,
started with ``spawn``: a dask worker has threads) under the same limits, so a hostile file
fails alone there too. A chunk whose dask worker is lost is recomputed by dask on another
worker; a chunk dask gives up on (``KilledWorker``) is split and each document retried alone,
and a document that still kills its worker is recorded as a failure.

Files and ZIP archives are read by the workers from their paths: on a real cluster the inputs
must be on a file system every worker sees (URLs are fetched here and shipped with the job).
Without ``--scheduler`` a local cluster is started (one worker per CPU, or ``-j``).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import Any

from gongkai.readers import limits as limits_mod
from gongkai.readers.limits import Limits

CHUNK = 8
"""Documents per task: enough to amortise a task's overhead (a few ms), few enough to spread."""
IN_FLIGHT_PER_WORKER = 3
"""Tasks queued per worker thread: keeps workers busy while bounding memory on both sides."""
CONNECT_TIMEOUT_S = 30
IDLE_S = 0.25

_pool: Any = None
"""This dask worker's sandbox (kept between tasks: its processes start once)."""


def _sandbox(lim: Limits) -> Any:
    global _pool
    from gongkai.sandbox import Pool
    from gongkai.store.ingest import parse_job

    if _pool is None or _pool.limits != lim:
        if _pool is not None:
            _pool.close()
        _pool = Pool(parse_job, 1, lim, start_method="spawn")
    return _pool


def parse_chunk(jobs: list[Any], lim: Limits) -> list[Any]:
    """What a dask task runs: each job read, parsed and checked under ``lim``, in this worker's
    sandbox process (in this process when it cannot start one)."""
    from gongkai.store.ingest import Failed, Parsed, parse_job

    try:
        pool = _sandbox(lim)
    except (OSError, AssertionError, ValueError):  # a daemonic worker may not start processes
        out = []
        for job in jobs:
            with limits_mod.applied(lim):
                out.append(parse_job(job))
        return out
    got: dict[int, Any] = {}
    for item in pool.imap(jobs, keep=True):
        if item is None:
            continue
        job, outcome = item
        got[id(job)] = (
            outcome.value
            if outcome.ok
            else Parsed(job, failure=Failed(job.location, outcome.code or "crash", outcome.reason or "", job.sha256))
        )
    return [got[id(j)] for j in jobs]


def _chunks(jobs: Iterator[Any], n: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for j in jobs:
        chunk.append(j)
        if len(chunk) >= n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def dask_runner(
    scheduler: str | None = None, workers: int | None = None, limits: Limits | None = None, chunk: int = CHUNK
) -> tuple[Callable[..., None], Callable[[], None]]:
    """A runner for ``store.ingest.ingest`` on the dask cluster at ``scheduler`` (or on a local
    cluster of ``workers`` processes started here), and the function that closes it."""
    import dask
    from distributed import Client, LocalCluster

    lim = limits or limits_mod.current()
    cluster = None
    if scheduler:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
    else:
        # the worker processes may then start sandbox processes of their own
        dask.config.set({"distributed.worker.daemon": False})
        cluster = LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=50,
        )
        client = Client(cluster)

    def run(jobs: Iterator[Any], write: Callable[[Any], None], tick: Callable[[], None]) -> None:
        submit_chunks(client, _chunks(jobs, chunk), lim, write, tick)

    def close() -> None:
        client.close()
        if cluster is not None:
            cluster.close()

    return run, close


def submit_chunks(
    client: Any, chunks: Iterator[list[Any]], lim: Limits, write: Callable[[Any], None], tick: Callable[[], None]
) -> None:
    """Keep a bounded number of chunks on the cluster, writing results as they come back."""
    from distributed import wait

    from gongkai.store.ingest import Failed, Parsed

    def threads() -> int:
        return max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))

    pending: dict[Any, list[Any]] = {}
    alone: list[list[Any]] = []
    exhausted = False
    limit = threads() * IN_FLIGHT_PER_WORKER
    last_sized = time.monotonic()
    while True:
        while len(pending) < limit and (alone or not exhausted):
            part = alone.pop() if alone else next(chunks, None)
            if part is None:
                exhausted = True
                break
            pending[client.submit(parse_chunk, part, lim, pure=False)] = part
        if not pending:
            return
        try:
            done, _ = wait(list(pending), timeout=IDLE_S, return_when="FIRST_COMPLETED")
        except TimeoutError:
            done = set()
        if not done:
            tick()
            if time.monotonic() - last_sized > 5:  # workers may join or leave
                limit, last_sized = threads() * IN_FLIGHT_PER_WORKER, time.monotonic()
            continue
        for fut in done:
            part = pending.pop(fut)
            if fut.status == "finished":
                for parsed in fut.result():
                    write(parsed)
            elif len(part) > 1:  # dask gave up on the chunk: find the document that kills workers
                alone.extend([j] for j in part)
            else:
                job = part[0]
                reason = "集群工作进程读取此文件时反复异常退出（可能是文件损坏或内存不足）"
                write(Parsed(job, failure=Failed(job.location, "crash", reason, job.sha256)))
            fut.release()
