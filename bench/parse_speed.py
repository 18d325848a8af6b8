"""Parse speed per input format: reports/second and median milliseconds per report, one core.

Inputs: the real text reports in ../shared (seeds, pingtan) and the same reports rendered by
gongkai's own renderers to HTML and DOCX (when those renderers are installed).

    python bench/parse_speed.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gongkai.pipeline import parse_path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def _time(paths: list[Path], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        for p in paths:
            t = time.perf_counter()
            parse_path(str(p))
            out.append(time.perf_counter() - t)
    return out


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
    args = ap.parse_args()
    texts = sorted((SHARED / "seeds").glob("*.txt")) + sorted((SHARED / "corpus").glob("pingtan-*.txt"))
    if not texts:
        print(f"no text reports found under {SHARED}", file=sys.stderr)
        return 2
    parse_path(str(texts[0]))  # warm imports
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        sets = {"text": texts, "html": _render_all(texts, "html", tmp), "docx": _render_all(texts, "docx", tmp)}
        print(f"{'format':<8}{'files':>7}{'KB/file':>9}{'reports/s':>11}{'median ms':>11}{'p90 ms':>9}")
        for fmt, paths in sets.items():
            if not paths:
                print(f"{fmt:<8}  (renderer not available)")
                continue
            times = _time(paths, args.repeat)
            kb = statistics.mean(p.stat().st_size for p in paths) / 1024
            rate = len(times) / sum(times)
            med = statistics.median(times) * 1000
            p90 = sorted(times)[int(0.9 * (len(times) - 1))] * 1000
            print(f"{fmt:<8}{len(paths):>7}{kb:>9.1f}{rate:>11.1f}{med:>11.1f}{p90:>9.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
