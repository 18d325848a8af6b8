"""Hostile inputs: time and peak memory of ``gongkai parse`` on each, then of one ``gongkai ingest``
of a folder holding all of them beside three good reports.

    python bench/hostile.py [--cap 120] [--only KIND ...] [--no-ingest]

Each input is made here (``tests/hostile.py``: small files that expand hugely). Every command runs
as its own process; ``--cap`` seconds end a run that would go on (printed as ``> cap``). Peak
memory is the largest single process (the kernel's own figure, from wait4) and, for ingest,
the sampled sum over the process tree (main process and workers).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import hostile  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_S = 0.05
GOOD = ("seeds/000_25b93d9e135538ec.txt", "corpus/pingtan-2024.txt", "corpus/hongze-district-gov-2024.pdf")


def _tree_rss(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/statm") as f:
                total += int(f.read().split()[1]) * PAGE
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            continue
    return total


def run(cmd: list[str], cap: float) -> tuple[float, int, int, bool, str]:
    """(seconds, peak RSS of the largest process, peak RSS of the tree, capped, stderr+stdout tail)."""
    t0 = time.monotonic()
    out = tempfile.TemporaryFile()  # noqa: SIM115  (read back below, closed with the run)
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc.pid))
            time.sleep(SAMPLE_S)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    capped = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() - t0 > cap:
            capped = True
            os.killpg(proc.pid, signal.SIGKILL)
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.02)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - t0
    done.set()
    th.join()
    with contextlib.suppress(ProcessLookupError):  # workers left behind by a killed run
        os.killpg(proc.pid, signal.SIGKILL)
    out.seek(0)
    text = out.read().decode("utf-8", "replace")
    out.close()
    return seconds, usage.ru_maxrss * 1024, peak, capped, text


def _gongkai(*args: str) -> list[str]:
    exe = Path(sys.executable).parent / "gongkai"
    return [str(exe), *args] if exe.exists() else [sys.executable, "-m", "gongkai.cli", *args]


def _reason(text: str, name: str) -> str:
    for line in text.splitlines():
        if name in line and ("：" in line or "无法" in line):
            return line.split(name, 1)[1].strip(" ：:")[:70]
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return (lines[-1][:70] if lines else "").strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cap", type=float, default=120.0, help="seconds before a run is killed")
    ap.add_argument("--only", nargs="*", help="kinds to run (default: all)")
    ap.add_argument("--no-ingest", action="store_true")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    kinds = {k: v for k, v in hostile.KINDS.items() if not args.only or k in args.only}
    with tempfile.TemporaryDirectory(prefix="gongkai-hostile-") as tmp:
        folder = Path(tmp) / "batch"
        folder.mkdir()
        made = {}
        for kind, (name, make) in kinds.items():
            (folder / name).write_bytes(make())
            made[kind] = folder / name
        hostile.sparse_text(folder / "big.txt")
        made["text_200mb"] = folder / "big.txt"
        print(f"{'input':<20} {'size':>9} {'seconds':>8} {'peak MB':>8}  message")
        for kind, path in made.items():
            secs, peak, _, capped, text = run(_gongkai("parse", str(path)), args.cap)
            size = path.stat().st_size
            t = f"> {args.cap:.0f}" if capped else f"{secs:.2f}"
            print(
                f"{kind:<20} {size / 1024:>7.0f}KB {t:>8} {peak / 2**20:>8.0f}  "
                f"{'（被终止）' if capped else _reason(text, path.name)}",
                flush=True,
            )
        if args.no_ingest:
            return
        shared = ROOT.parent / "shared"
        for g in GOOD:
            if (shared / g).exists():
                shutil.copy(shared / g, folder / Path(g).name)
        db = Path(tmp) / "h.db"
        secs, peak, tree, capped, text = run(
            _gongkai("ingest", "--db", str(db), "-j", str(args.jobs), "--no-across", str(folder)), args.cap * 3
        )
        print(
            f"\ningest of the folder ({len(list(folder.iterdir()))} files, -j {args.jobs}): "
            f"{'> ' if capped else ''}{secs:.1f} s, largest process {peak / 2**20:.0f} MB, "
            f"process tree {tree / 2**20:.0f} MB"
        )
        print("\n".join(text.splitlines()[-40:]))


if __name__ == "__main__":
    main()
