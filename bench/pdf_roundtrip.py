"""Generated reports → DOCX → LibreOffice PDF → gongkai, and the same PDFs rasterised
(150–200 dpi, slight rotation, blur, noise) → OCR path. Prints the cell-exact rates.

    PYTHONPATH=src python bench/pdf_roundtrip.py --n 200 [--scans 40] [--out DIR]

A wrong OCR cell is *covered* when it is flagged (confidence under the threshold) or when
an identity of its table fails, so a check would catch it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

from gongkai.checks.common import LOW_CONFIDENCE as UNCERTAIN_BELOW  # noqa: E402
from gongkai.readers import read  # noqa: E402
from gongkai.readers.document import Grid  # noqa: E402
from pdf_fixtures import compare_grids, expected_cells, make_pdfs, rasterise  # noqa: E402

BATCH = 25


def _cells_by_pos(grids: list[Grid]) -> dict[tuple[int, int, int], object]:
    out = {}
    for t, g in enumerate(grids):
        for r, row in enumerate(g.rows):
            for c, cell in enumerate(row):
                if cell is not None:
                    out[(t, r, c)] = cell
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50, help="generated reports (text-layer PDFs)")
    ap.add_argument("--scans", type=int, default=10, help="how many of them to rasterise and OCR")
    ap.add_argument("--seed", type=int, default=1000)
    ap.add_argument("--out", type=str, default=None)
    args = ap.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="gongkai-roundtrip-"))
    seeds = list(range(args.seed, args.seed + args.n))
    made = []
    t0 = time.perf_counter()
    for i in range(0, len(seeds), BATCH):
        made += make_pdfs(seeds[i : i + BATCH], out, ["v2019", "v2021"])
    print(f"made {len(made)} PDFs with LibreOffice in {time.perf_counter() - t0:.0f} s ({out})")

    total = wrong = docs_exact = 0
    read_s = 0.0
    for report, pdf in made:
        t = time.perf_counter()
        doc = read(str(pdf))
        read_s += time.perf_counter() - t
        n, diffs = compare_grids(report, doc.blocks)
        total += n
        wrong += len(diffs)
        docs_exact += not diffs
        for d in diffs[:3]:
            print(f"  {pdf.name}: {d}")
    print(
        f"text-layer PDFs: {len(made)} reports, {total} cells, {total - wrong} exact "
        f"({100 * (total - wrong) / max(total, 1):.3f}%), {docs_exact} reports fully exact, "
        f"{read_s / max(len(made), 1) * 1000:.0f} ms/report"
    )

    total = wrong = covered = flagged_right = 0
    ocr_s = 0.0
    pages = 0
    for k, (report, pdf) in enumerate(made[: args.scans]):
        dpi = 150 + (k % 3) * 25
        tif = rasterise(pdf, out / f"scan-{pdf.stem}.tif", dpi, k)
        scan_pdf = tif.with_suffix(".pdf")
        t = time.perf_counter()
        doc = read(str(scan_pdf))
        ocr_s += time.perf_counter() - t
        grids = [b for b in doc.blocks if isinstance(b, Grid)]
        pages += len({c.source.page for g in grids for row in g.rows for c in row if c is not None} | {1})
        n, diffs = compare_grids(report, doc.blocks)
        total += n
        wrong += len(diffs)
        cells = _cells_by_pos(grids)
        keys = list(expected_cells(report))
        for d in diffs:
            key, pos = d.split("[", 1)
            r, c = (int(x) for x in pos.split("]", 1)[0].split(","))
            cell = cells.get((keys.index(key), r, c))
            conf = getattr(cell, "confidence", 0.0)
            if conf < UNCERTAIN_BELOW:
                covered += 1
            print(f"  {scan_pdf.name} ({dpi} dpi): {d} conf={conf:.2f}")
        for cell in cells.values():
            if getattr(cell, "confidence", 1.0) < UNCERTAIN_BELOW:
                flagged_right += 1
    if args.scans:
        print(
            f"scans: {min(args.scans, len(made))} reports, {total} cells, {total - wrong} exact "
            f"({100 * (total - wrong) / max(total, 1):.3f}%); wrong cells flagged uncertain: {covered}/{wrong}; "
            f"cells flagged in all: {flagged_right}; {ocr_s / max(min(args.scans, len(made)), 1):.1f} s/report"
        )


if __name__ == "__main__":
    main()
