"""Parse speed per input format: reports/second and median milliseconds per report, one core,
and where the time goes: reading (the format's reader), parsing, single-report checks.

Inputs: the real text reports in ../shared (seeds, pingtan) and the same reports rendered by
gongkai's own renderers to HTML and DOCX (when those renderers are installed).

Times are CPU time of this process (``time.process_time``): on a shared machine the wall clock
also counts other programs' turns; one thread runs, so CPU time is what a free core would take.

    python bench/parse_speed.py [--repeat N] [--profile text|html|docx]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gongkai.checks import run_checks
from gongkai.parse import parse_document
from gongkai.pipeline import parse_path
from gongkai.readers import read

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _time(paths: list[Path], repeat: int) -> tuple[list[float], list[float], list[float]]:
    """CPU seconds per document: read, parse, checks (what ``parse_path`` does, in its steps)."""
    reads, parses, checks = [], [], []
    clock = time.process_time
    for _ in range(repeat):
        for p in paths:
            t0 = clock()
            doc = read(str(p))
            t1 = clock()
            report = parse_document(doc)
            t2 = clock()
            report.findings = run_checks(report)
            t3 = clock()
            reads.append(t1 - t0)
            parses.append(t2 - t1)
            checks.append(t3 - t2)
    return reads, parses, checks


def _profile(paths: list[Path], repeat: int) -> None:
    from pyinstrument import Profiler  # pip install pyinstrument

    prof = Profiler(interval=0.0005)
    prof.start()
    for _ in range(repeat):
        for p in paths:
            parse_path(str(p))
    prof.stop()
    print(prof.output_text(unicode=True, color=False))


def _render_all(sources: list[Path], fmt: str, tmp: Path) -> list[Path]:
    render: Callable[..., object]
    try:
        if fmt == "html":
            from gongkai.render.html import render_html as render  # type: ignore[import-not-found]
        else:
            from gongkai.render.docx import render_docx as render  # type: ignore[import-not-found]
    except ImportError:
        return []
    out = []
    for i, src in enumerate(sources):
        report = parse_path(str(src))
        dest = tmp / f"r{i}.{fmt}"
        if fmt == "html":
            dest.write_text(str(render(report)), encoding="utf-8")
        else:
            render(report, str(dest))
        out.append(dest)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--profile", choices=("text", "html", "docx"), help="print a pyinstrument profile of one format")
    args = ap.parse_args()
    texts = sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "corpus").glob("pingtan-*.txt"))
    if not texts:
        print(f"no text reports found under {SHARED}", file=sys.stderr)
        return 2
    parse_path(str(texts[0]))  # warm imports
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        sets = {"text": texts, "html": _render_all(texts, "html", tmp), "docx": _render_all(texts, "docx", tmp)}
        if args.profile:
            _profile(sets[args.profile], args.repeat)
            return 0
        print(
            f"{'format':<8}{'files':>7}{'KB/file':>9}{'reports/s':>11}{'median ms':>11}{'p90 ms':>9}"
            f"{'read ms':>9}{'parse ms':>10}{'checks ms':>10}"
        )
        for fmt, paths in sets.items():
            if not paths:
                print(f"{fmt:<8}  (renderer not available)")
                continue
            reads, parses, checks = _time(paths, args.repeat)
            times = [a + b + c for a, b, c in zip(reads, parses, checks, strict=True)]
            kb = statistics.mean(p.stat().st_size for p in paths) / 1024
            rate = len(times) / sum(times)
            med = statistics.median(times) * 1000
            p90 = sorted(times)[int(0.9 * (len(times) - 1))] * 1000
            parts = [1000 * sum(x) / len(x) for x in (reads, parses, checks)]
            print(
                f"{fmt:<8}{len(paths):>7}{kb:>9.1f}{rate:>11.1f}{med:>11.1f}{p90:>9.1f}"
                f"{parts[0]:>9.1f}{parts[1]:>10.1f}{parts[2]:>10.1f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
