"""Scale: ``gongkai ingest`` of 1,000 / 10,000 / 100,000 generated reports with the local pool and
with the dask engine (a local cluster of two workers), and of a folder of 100,000 tiny files.
Prints, per run, the time, reports per second, CPU per report and the peak memory of the main
process and of the whole process tree, then a projection for a national corpus.

    python bench/scale.py [--sizes 1000 10000 100000] [--dask-sizes 1000 10000] [--tiny 100000]
                          [--jobs 2] [--dir DIR] [--scan-seconds S]

Reports: text and HTML rendered from the template (``bench/generate.py``, every agency distinct,
1% broken on purpose) plus one in ten in other formats (Markdown, one cell per line, flat, PDF
text, DOCX: copies of a base set, each made unique). Tiny files: 200-byte reports (a title and
one heading), to measure what the pipeline costs beyond parsing.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_S = 0.2
MIXED_BASE = 60
"""Distinct documents in other formats, copied (each copy unique) to make one in ten of a collection."""
SCAN_SHARE = 0.3
NATIONAL = 500_000
CORES = 100


def _statm(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except OSError:
        return 0


def _cpu(pid: int) -> float:
    """CPU seconds ``pid`` has used so far (user + system)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


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


def _unique(data: bytes, name: str, i: int) -> bytes:
    """``data`` made unique without changing what it says: a ZIP comment, or a trailing line."""
    if name.endswith(".docx"):
        buf = io.BytesIO(data)
        with zipfile.ZipFile(buf, "a") as z:
            z.comment = f"copy {i}".encode()
        return buf.getvalue()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data + f"\n(copy {i})\n".encode("utf-16-le" if data[0] == 0xFF else "utf-16-be")
    return data + f"\n(copy {i})\n".encode()


def make_collection(root: Path, n: int) -> dict[str, int]:
    """About ``n`` files under ``root`` (nine in ten text/HTML, one in ten other formats)."""
    from gongkai.testing.corpus import make_document

    generate._make_document = None  # text and HTML here; the other formats are copied below
    counts = generate.write_collection(root / "reports", n - n // 10)
    base = [
        make_document(7_000_000 + k, generate.MIXED_FORMATS[k % len(generate.MIXED_FORMATS)]) for k in range(MIXED_BASE)
    ]
    mixed = root / "mixed"
    for i in range(n // 10):
        doc = base[i % len(base)]
        folder = mixed / f"{i // 1000:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:06d}-{doc.name}").write_bytes(_unique(doc.data, doc.name, i))
        counts["mixed"] = counts.get("mixed", 0) + 1
    return counts


TINY = "{agency}2023年政府信息公开工作年度报告\n一、总体情况\n本年度{agency}共主动公开政府信息{i}条。\n"


def make_tiny(root: Path, n: int) -> None:
    for i in range(n):
        folder = root / f"{i // 1000:03d}"
        if i % 1000 == 0:
            folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:06d}.txt").write_text(TINY.format(agency=f"第{i}号机关", i=i), encoding="utf-8")


def run(db: str, folder: Path, jobs: int, engine: str = "local", across: bool = True) -> dict[str, float]:
    cmd = [
        sys.executable,
        "-c",
        "import sys; sys.argv[0]='gongkai'; from gongkai.cli import main; main()",
        "ingest",
        "--db",
        db,
        "-j",
        str(jobs),
        "--engine",
        engine,
        str(folder),
    ]
    if not across:
        cmd.append("--no-across")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak_main = peak_tree = 0
    main_cpu = 0.0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak_main, peak_tree, main_cpu
        while not stop.is_set():
            main_cpu = max(main_cpu, _cpu(proc.pid))
            peak_main = max(peak_main, _statm(proc.pid))
            peak_tree = max(peak_tree, sum(_statm(p) for p in _tree(proc.pid)))
            time.sleep(SAMPLE_S)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out, _ = proc.communicate()
    seconds = time.monotonic() - t0
    stop.set()
    th.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    line = next((ln for ln in (out or "").splitlines() if ln.startswith("共")), "(no summary)")
    return {
        "seconds": seconds,
        "cpu": cpu,
        "main_cpu": main_cpu,
        "main_mb": peak_main / 2**20,
        "tree_mb": peak_tree / 2**20,
        "line": line,
    }


def _stored(db: str) -> int:
    from sqlalchemy import func, select

    from gongkai.store import Store
    from gongkai.store.schema import ReportVersion

    st = Store(db, migrate=False)
    try:
        with st.session() as s:
            return s.scalar(select(func.count()).select_from(ReportVersion)) or 0
    finally:
        st.close()


def show(name: str, files: int, db: str, r: dict[str, float]) -> tuple[float, float]:
    """Prints a row; returns CPU ms per file of all processes and of the main (writing) process."""
    stored = _stored(db)
    ms = 1000 * r["cpu"] / max(files, 1)
    main_ms = 1000 * r["main_cpu"] / max(files, 1)
    print(
        f"{name:<26} {files:>7} {stored:>7} {r['seconds']:>8.1f} {files / r['seconds']:>7.1f} {ms:>7.1f} "
        f"{main_ms:>7.1f} {r['main_mb']:>7.0f} {r['tree_mb']:>7.0f}",
        flush=True,
    )
    return ms, main_ms


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10_000, 100_000])
    ap.add_argument("--dask-sizes", type=int, nargs="*", default=[1000, 10_000])
    ap.add_argument("--tiny", type=int, default=100_000, help="tiny files in the streaming run (0: none)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--no-across", action="store_true", help="leave out the checks across reports")
    ap.add_argument("--scan-seconds", type=float, default=None, help="CPU seconds per scanned report (projection)")
    ap.add_argument("--dir", type=Path, help="keep collections and databases here (reused when present)")
    args = ap.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="gongkai-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    across = not args.no_across
    print(
        f"{'run':<26} {'files':>7} {'stored':>7} {'seconds':>8} {'files/s':>7} {'cpu ms':>7} {'main ms':>7} "
        f"{'main MB':>7} {'tree MB':>7}"
    )
    per_doc: dict[str, tuple[float, float]] = {}
    for n in sorted(set(args.sizes) | set(args.dask_sizes)):
        docs = work / f"docs-{n}"
        if not docs.exists():
            t = time.monotonic()
            counts = make_collection(docs, n)
            print(f"  (generated {n}: {counts}, {time.monotonic() - t:.0f} s)", flush=True)
        files = sum(1 for p in docs.rglob("*") if p.is_file())
        if n in args.sizes:
            db = f"sqlite:///{work / f'local-{n}.db'}"
            Path(db[10:]).unlink(missing_ok=True)
            per_doc[f"local-{n}"] = show(
                f"local pool -j {args.jobs}", files, db, run(db, docs, args.jobs, across=across)
            )
        if n in args.dask_sizes:
            db = f"sqlite:///{work / f'dask-{n}.db'}"
            Path(db[10:]).unlink(missing_ok=True)
            r = run(db, docs, args.jobs, "dask", across)
            per_doc[f"dask-{n}"] = show(f"dask, {args.jobs} workers", files, db, r)
    if args.tiny:
        tiny = work / f"tiny-{args.tiny}"
        if not tiny.exists():
            make_tiny(tiny, args.tiny)
        db = f"sqlite:///{work / 'tiny.db'}"
        Path(db[10:]).unlink(missing_ok=True)
        show(f"tiny files -j {args.jobs}", args.tiny, db, run(db, tiny, args.jobs, across=False))
    _project(per_doc, args.scan_seconds)


def _project(per_doc: dict[str, tuple[float, float]], scan_s: float | None) -> None:
    """Time for NATIONAL reports (SCAN_SHARE scanned) on CORES cores, from the measured CPU costs."""
    local = {k: v for k, v in per_doc.items() if k.startswith("local")}
    if not local:
        return
    biggest = max(local, key=lambda k: int(k.split("-")[1]))
    text_ms, main_ms = local[biggest]  # the largest run's costs per document (the store is largest)
    dask = {k: v for k, v in per_doc.items() if k.startswith("dask")}
    same = [(dask[k][0], local[k.replace("dask", "local")][0]) for k in dask if k.replace("dask", "local") in local]
    overhead = max(d / p for d, p in same) if same else 1.0
    print(
        f"\nmeasured ({biggest}): {text_ms:.1f} ms CPU per text-layer report in all processes, {main_ms:.1f} ms of it "
        f"in the writing process; dask/local CPU ×{overhead:.2f}"
    )
    if scan_s is None:
        print("projection: give --scan-seconds (CPU seconds per scanned report, from bench/pdf_speed.py)")
        return
    scans = NATIONAL * SCAN_SHARE
    core_s = (NATIONAL - scans) * text_ms / 1000 * overhead + scans * scan_s * overhead
    hours = core_s / CORES / 3600
    writer_h = NATIONAL * main_ms / 1000 / 3600
    print(
        f"projection: {NATIONAL:,} reports ({SCAN_SHARE:.0%} scans at {scan_s:.1f} s each) on {CORES} cores: "
        f"{core_s / 3600:,.0f} core-hours, about {hours:.1f} hours; the one writing process needs "
        f"{writer_h:.1f} hours of CPU, so it is {'not ' if writer_h < hours else ''}the bound"
    )


if __name__ == "__main__":
    main()
