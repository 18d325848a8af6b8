"""Ingest speed: a generated collection (text and HTML reports, some broken files) ingested end to
end by ``gongkai ingest`` into SQLite and into a real PostgreSQL server (started here).
Prints reports per second and the peak memory of the whole process tree (main + workers).

    python bench/ingest_speed.py [--reports 10000] [--jobs 2] [--no-pg] [--kill]

``--kill`` also kills an SQLite run with SIGKILL halfway, resumes it, and checks that the
result equals the uninterrupted run's.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import write_collection  # noqa: E402
from gongkai.store import Store  # noqa: E402
from gongkai.store.pgtemp import create_database, pg_bindir, temporary_postgres  # noqa: E402
from gongkai.store.queries import digest  # noqa: E402

SAMPLE_S = 0.1
PAGE = os.sysconf("SC_PAGE_SIZE")


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return out


def _rss(pid: int) -> int:
    """Resident memory of ``pid`` and its descendants (bytes; shared pages counted once per process)."""
    total = 0
    for p in _tree(pid):
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
        except OSError:
            continue
    return total


def run_ingest(db: str, docs: Path, jobs: int, kill_after: int | None = None) -> dict[str, float]:
    cmd = [
        sys.executable,
        "-c",
        "import sys; sys.argv[0]='gongkai'; from gongkai.cli import main; main()",
        "ingest",
        "--db",
        db,
        "-j",
        str(jobs),
        str(docs),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    t0 = time.monotonic()
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True
    )
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, _rss(proc.pid))
            time.sleep(SAMPLE_S)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    killed = False
    if kill_after is not None:
        while proc.poll() is None and _count(db) < kill_after:
            time.sleep(0.2)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            killed = True
    out, _ = proc.communicate()
    stop.set()
    th.join()
    seconds = time.monotonic() - t0
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu1.ru_utime - cpu0.ru_utime) + (cpu1.ru_stime - cpu0.ru_stime)
    if not killed:
        print("   ", (out or "").strip().splitlines()[0] if out else "(no output)")
    return {"seconds": seconds, "cpu": cpu, "peak_mb": peak / 2**20, "killed": killed}


def _count(db: str) -> int:
    from sqlalchemy import func, select

    from gongkai.store.schema import ReportVersion

    try:
        st = Store(db, migrate=False)
        with st.session() as s:
            n = s.scalar(select(func.count()).select_from(ReportVersion)) or 0
        st.close()
        return n
    except Exception:
        return 0


def _digest(db: str) -> dict[str, tuple[int, str]]:
    st = Store(db)
    with st.session() as s:
        d = digest(s)
    st.close()
    return d


def report(name: str, db: str, docs_total: int, stats: dict[str, float]) -> dict[str, tuple[int, str]]:
    d = _digest(db)
    stored = d["reports"][0]
    rate = stored / stats["seconds"]
    cpu_ms = 1000 * stats["cpu"] / max(stored, 1)
    print(
        f"{name}: {stored} 份报告入库（共 {docs_total} 个文件），{stats['seconds']:.1f} 秒，"
        f"{rate:.1f} 份/秒，峰值内存 {stats['peak_mb']:.0f} MB；单元格 {d['cells'][0]}，问题 {d['findings'][0]}"
    )
    # other work on the machine slows the wall clock; CPU time per report does not depend on it
    print(
        f"    CPU {stats['cpu']:.1f} 秒（{cpu_ms:.1f} 毫秒/份，全部进程合计）；"
        f"两核空闲时可望 ≈ {2000 / cpu_ms:.0f} 份/秒"
        if stats["cpu"]
        else ""
    )
    return d


def main() -> None:
    ap = argparse.ArgumentParser(description="入库测速（SQLite 与 PostgreSQL）")
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--no-pg", action="store_true")
    ap.add_argument("--kill", action="store_true", help="also test kill -9 and resume on SQLite")
    ap.add_argument("--dir", type=Path, help="keep the collection and databases here")
    args = ap.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    docs = work / "docs"
    t = time.monotonic()
    if not docs.exists():
        counts = write_collection(docs, args.reports)
        print(f"生成 {counts}，{time.monotonic() - t:.1f} 秒")
    total = sum(1 for _ in docs.rglob("*") if _.is_file())

    lite = f"sqlite:///{work / 'bench.db'}"
    ref = report("SQLite", lite, total, run_ingest(lite, docs, args.jobs))

    if args.kill:
        killed_db = f"sqlite:///{work / 'killed.db'}"
        run_ingest(killed_db, docs, args.jobs, kill_after=ref["reports"][0] // 2)
        print(f"kill -9 后库中 {_count(killed_db)} 份；重新运行：")
        run_ingest(killed_db, docs, args.jobs)
        same = _digest(killed_db) == ref
        print(f"中断后续跑的结果与不中断的结果{'完全相同' if same else '不同！'}")

    if not args.no_pg:
        if pg_bindir() is None:
            print("PostgreSQL 未安装，跳过")
            return
        with temporary_postgres(durable=True) as server:
            pg = create_database(server, "bench")
            d = report("PostgreSQL", pg, total, run_ingest(pg, docs, args.jobs))
            print(f"SQLite 与 PostgreSQL 内容{'相同' if d == ref else '不同！'}")


if __name__ == "__main__":
    main()
