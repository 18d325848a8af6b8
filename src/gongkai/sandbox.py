"""Worker processes that each read one document at a time under limits (``readers.limits``).

Each worker is a forked process with its own pipe. The parent hands a worker one job, waits
for any result, and:

- gives each result back as soon as it arrives (no waiting behind a slow file);
- kills a worker whose job runs past the time limit, and fails that job alone;
- fails (after ``retries`` tries) the one job whose worker died (a crash in a native library, the
  memory limit hit inside C code), and starts a new worker;
- limits each worker's data segment to its size at start plus ``memory_mb`` (allocations past it
  fail as ``MemoryError``, which the reader reports), and recycles a worker after a memory failure;
- never outlives its parent: a worker is killed by the kernel when the parent dies, even by
  ``kill -9`` (``PR_SET_PDEATHSIG``; elsewhere a thread watches the parent).

``Pool.imap`` yields ``(job, Outcome)`` pairs in completion order, and ``None`` whenever
``idle`` seconds pass without one, so the caller can commit what it holds.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing as mp
import os
import re
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Generic, TypeVar

from gongkai.readers import limits as limits_mod
from gongkai.readers.limits import Limits

J = TypeVar("J")
GRACE_S = 5.0
GRACE_SHARE = 0.1
"""The parent's hard kill comes this long (seconds, plus this share of the limit) after the time
limit: the reader stops itself first, between pages and between parts of a page's OCR, with a
clearer message; the kill is for code that never returns."""
MAX_JOBS_PER_WORKER = 2000
"""A worker is replaced after this many documents (bounds any slow leak in native libraries)."""
_PR_SET_PDEATHSIG = 1


@dataclass
class Outcome:
    """What one job came to: ``value`` (whatever the function returned), or ``code`` and
    ``reason`` (Chinese) when the worker failed it: timeout, memory, crash, error."""

    value: Any = None
    code: str | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.code is None


def _vm_data() -> int:
    try:
        with open("/proc/self/status") as f:
            m = re.search(r"VmData:\s+(\d+)", f.read())
        return int(m.group(1)) * 1024 if m else 0
    except OSError:
        return 0


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when ``parent`` dies (Linux); else watch it from a thread."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl")
    except (OSError, AttributeError):

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(0.5)
            os._exit(1)

        threading.Thread(target=watch, daemon=True, name="gongkai-parent-watch").start()
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def limit_memory(memory_mb: float) -> None:
    """Let this process's data segment grow by ``memory_mb`` from now on."""
    import resource

    base = _vm_data()
    if base:
        cap = base + int(memory_mb * limits_mod.MB)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_DATA, (cap, resource.RLIM_INFINITY))


def _serve(conn: Connection, fn: Callable[[Any], Any], lim: Limits, parent: int) -> None:
    import faulthandler

    die_with_parent(parent)
    faulthandler.disable()  # a crash is the parent's to report, once, in Chinese
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    limit_memory(lim.memory_mb)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            break
        if job is None:
            break
        recycle = False
        try:
            with limits_mod.applied(lim):
                reply: tuple[str, Any] = ("ok", fn(job))
        except MemoryError:
            reply, recycle = ("memory", None), True
        except Exception as e:  # the function's own bug: reported, the worker goes on
            reply = ("error", f"{type(e).__name__}: {str(e)[:200]}")
        try:
            conn.send(reply)
        except MemoryError:
            conn.send(("memory", None))
            recycle = True
        except Exception as e:  # a result that cannot be pickled
            conn.send(("error", f"{type(e).__name__}: {str(e)[:200]}"))
        if recycle:
            break
    conn.close()
    os._exit(0)  # no atexit handlers, no flushing of buffers inherited from the parent


class _Worker:
    def __init__(self, ctx: Any, fn: Callable[[Any], Any], lim: Limits) -> None:
        parent_end, child_end = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child_end, fn, lim, os.getpid()), daemon=True)
        # a forked worker must never collect the parent's garbage: a native object's destructor
        # (onnxruntime's, say) may wait on a lock held by one of the parent's threads, which do
        # not exist in the child, and the worker then hangs until the hard kill, job after job
        gc.freeze()
        try:
            self.proc.start()
        finally:
            gc.unfreeze()
        child_end.close()
        self.conn: Connection = parent_end
        self.job: Any = None
        self.started = 0.0
        self.done = 0

    def give(self, job: Any) -> None:
        self.job = job
        self.started = time.monotonic()
        self.conn.send(job)

    def kill(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.proc.join(1)
        if self.proc.is_alive():
            self.kill()
        else:
            self.conn.close()


def _signal_name(code: int | None) -> str:
    if code is not None and code < 0:
        with contextlib.suppress(ValueError):
            return signal.Signals(-code).name
    return f"退出码 {code}"


class Pool(Generic[J]):
    """``workers`` processes running ``fn`` on one job at a time, under ``limits``."""

    def __init__(
        self,
        fn: Callable[[J], Any],
        workers: int,
        limits: Limits | None = None,
        *,
        retries: int = 1,
        max_jobs: int = MAX_JOBS_PER_WORKER,
        start_method: str | None = None,
    ) -> None:
        self.fn = fn
        self.n = max(1, workers)
        self.limits = limits or limits_mod.current()
        self.retries = retries
        self.max_jobs = max_jobs
        methods = mp.get_all_start_methods()
        # fork: workers start warm (the parent has imported the readers) in milliseconds; spawn
        # where forking is unsafe (a parent with threads of its own, such as a cluster worker)
        default = "fork" if "fork" in methods and sys.platform != "darwin" else "spawn"
        self.ctx = mp.get_context(start_method or default)
        self.idle: list[_Worker] = []
        self.busy: list[_Worker] = []
        self.crashes: dict[int, int] = {}

    def _new(self) -> _Worker:
        return _Worker(self.ctx, self.fn, self.limits)

    def imap(self, jobs: Iterable[J], idle: float = 0.25, keep: bool = False) -> Iterator[tuple[J, Outcome] | None]:
        """Run ``jobs``; ``keep``: leave the idle workers running for the next call (the pool is
        then closed by ``close``)."""
        source = iter(jobs)
        retry: deque[J] = deque()
        exhausted = False
        try:
            while True:
                while (retry or not exhausted) and len(self.busy) < self.n:
                    if retry:
                        job = retry.popleft()
                    else:
                        nxt = next(source, _END)
                        if nxt is _END:
                            exhausted = True
                            break
                        job = nxt  # type: ignore[assignment]
                    w = self.idle.pop() if self.idle else self._new()
                    try:
                        w.give(job)
                    except OSError:  # the idle worker died meanwhile: a fresh one takes the job
                        w.kill()
                        w = self._new()
                        w.give(job)
                    self.busy.append(w)
                if not self.busy:
                    return
                now = time.monotonic()
                hard = self.limits.seconds * (1 + GRACE_SHARE) + GRACE_S
                wait_s = min([idle] + [max(0.0, w.started + hard - now) for w in self.busy])
                ready = set(wait([w.conn for w in self.busy] + [w.proc.sentinel for w in self.busy], wait_s))
                got = False
                for w in list(self.busy):
                    if w.conn in ready or w.proc.sentinel in ready:
                        outcome = self._collect(w, retry)
                        if outcome is not None:
                            got = True
                            yield w.job, outcome
                    elif time.monotonic() - w.started > hard:
                        self.busy.remove(w)
                        w.kill()
                        got = True
                        reason = limits_mod.timeout_error("", self.limits.seconds).reason
                        yield w.job, Outcome(code="timeout", reason=reason)
                if not got:
                    yield None
        finally:
            if not keep or self.busy:
                self.close()

    def _collect(self, w: _Worker, retry: deque[J]) -> Outcome | None:
        """The worker's reply, or what its death means; None while it is still working."""
        try:
            if w.conn.poll():
                status, payload = w.conn.recv()
            elif w.proc.is_alive():
                return None
            else:
                raise EOFError
        except (EOFError, OSError):
            self.busy.remove(w)
            w.proc.join(1)
            code = w.proc.exitcode
            w.kill()
            key = id(w.job)
            self.crashes[key] = self.crashes.get(key, 0) + 1
            if self.crashes[key] <= self.retries:
                retry.append(w.job)
                return None
            self.crashes.pop(key, None)
            return Outcome(code="crash", reason=f"解析进程异常退出（{_signal_name(code)}），可能是文件损坏或内存不足")
        self.busy.remove(w)
        w.done += 1
        if status == "memory" or w.done >= self.max_jobs:
            w.stop()
        else:
            self.idle.append(w)
        self.crashes.pop(id(w.job), None)
        if status == "ok":
            return Outcome(value=payload)
        if status == "memory":
            mb = self.limits.memory_mb
            reason = f"内存超过上限（{mb:g} MB），已停止读取；可用 --limit memory_mb=N 放宽"
            return Outcome(code="memory", reason=reason)
        return Outcome(code="error", reason=f"解析出错（{payload}）")

    def close(self, kill: bool = False) -> None:
        for w in self.busy:
            w.kill()
        for w in self.idle:
            w.kill() if kill else w.stop()
        self.busy.clear()
        self.idle.clear()

    def __enter__(self) -> Pool[J]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(kill=exc[0] is not None)


_END = object()
