"""Reading speed of the PDF paths, one process, OCR on one thread.

    PYTHONPATH=src python bench/pdf_speed.py [--generated 10] [--scans 3] [--repeat 3]

Prints pages/second and seconds per report for text-layer PDFs and for scans (the same
PDFs rasterised at 175 dpi with rotation, blur and noise), on the corpus (../shared/corpus)
and on generated reports (LibreOffice).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("GONGKAI_OCR_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

import pypdfium2 as pdfium  # noqa: E402

from gongkai.readers import read  # noqa: E402
from pdf_fixtures import make_pdfs, rasterise  # noqa: E402

SCAN_DPI = 175


def _pages(path: Path) -> int:
    doc = pdfium.PdfDocument(str(path))
    try:
        return len(doc)
    finally:
        doc.close()


def _time(paths: list[Path], repeat: int) -> tuple[int, float, float]:
    """(pages, best wall seconds, best CPU seconds of this process) over ``repeat`` runs
    reading every file once. CPU time is what one core spends, whatever else runs."""
    pages = sum(_pages(p) for p in paths)
    runs, cpus = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        for p in paths:
            read(str(p))
        runs.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return pages, min(runs), min(cpus)


def _engine_label(name: str) -> str:
    from gongkai.readers.ocr import reduced_precision

    return f"{name} (reduced precision, unsure lines read again in float32)" if reduced_precision() else name


def _report(label: str, paths: list[Path], repeat: int) -> None:
    if not paths:
        return
    pages, secs, cpu = _time(paths, repeat)
    print(
        f"{label:<26} {len(paths):>3} reports {pages:>3} pages | wall {pages / secs:6.1f} pages/s "
        f"{secs / len(paths):6.3f} s/report {secs / pages:6.3f} s/page | CPU {pages / cpu:6.1f} pages/s "
        f"{cpu / len(paths):6.3f} s/report {cpu / pages:6.3f} s/page"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--generated", type=int, default=10)
    ap.add_argument("--scans", type=int, default=3, help="generated reports to rasterise")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    shared = Path(os.environ.get("GONGKAI_SHARED", ROOT.parent / "shared"))
    corpus = sorted((shared / "corpus").glob("*.pdf"))
    work = Path(tempfile.mkdtemp(prefix="gongkai-speed-"))
    generated = [p for _, p in make_pdfs(list(range(5000, 5000 + args.generated)), work, ["v2019", "v2021"])]

    read(str(corpus[0] if corpus else generated[0]))  # imports and pdfium start-up
    _report("text layer, corpus", corpus, args.repeat)
    _report("text layer, generated", generated, args.repeat)

    corpus_scans = [
        rasterise(p, work / f"scan-{p.stem}.tif", SCAN_DPI, i).with_suffix(".pdf") for i, p in enumerate(corpus)
    ]
    gen_scans = [
        rasterise(p, work / f"scan-{p.stem}.tif", SCAN_DPI, i).with_suffix(".pdf")
        for i, p in enumerate(generated[: args.scans])
    ]
    from gongkai.readers.ocr import _load, engine_name

    t = time.perf_counter()
    _load()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"OCR model load: {time.perf_counter() - t:.2f} s (once per process), engine {_engine_label(engine_name())}")
    _report("scans (OCR), corpus", corpus_scans, 1)
    _report("scans (OCR), generated", gen_scans, 1)
    per_page = []
    for p in gen_scans[:1]:
        for _ in range(args.repeat):
            t = time.perf_counter()
            read(str(p))
            per_page.append((time.perf_counter() - t) / _pages(p))
    if per_page:
        print(f"scan, generated, median of {len(per_page)} runs: {statistics.median(per_page):.2f} s/page")


if __name__ == "__main__":
    main()
