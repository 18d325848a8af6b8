"""Held-out sweep of one synthetic kind: many documents of one format under some damages, from
seeds the evaluation does not use, with the figures that decide whether a class is fixed — cells
read wrong, the share of the cells the document determines read exactly, and false accusations
(error-level arithmetic findings on a document without a planted arithmetic defect). Every
document that misses something is listed, so that it can be opened with its seed.

    python bench/sweep.py md_layout --damages none,blank_zeros,blank_totals --n 100 --seed0 30000
    python bench/sweep.py pdf --damages pdftotext_layout --n 24 --seed0 9000000   # converters

This is how the session's classes were found and then confirmed on seeds not used while fixing.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import evaluate as ev


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("fmt", help="format (md_layout, onecell, layout, markdown, html, pdf …)")
    ap.add_argument("--damages", default="none", help="damages, comma-separated")
    ap.add_argument("--n", type=int, default=60, help="documents per damage")
    ap.add_argument("--seed0", type=int, default=30000, help="first seed (the evaluation uses others)")
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    jobs = [(a.seed0 + i, a.fmt, d) for d in a.damages.split(",") for i in range(a.n)]
    totals: dict[str, list[int]] = defaultdict(lambda: [0] * 6)
    with ProcessPoolExecutor(a.jobs) as pool:
        for r in pool.map(ev._one_synthetic, jobs, chunksize=4):
            cells, decid = r["cells"], r["decidable"]
            t = totals[r["damage"]]
            for i, v in enumerate((1, cells.exact, cells.wrong, decid.exact, decid.total, r["false_accusations"])):
                t[i] += v
            if cells.wrong or r["error"] or r["false_accusations"] or decid.exact < decid.total:
                print(
                    f"  {r['name']}: wrong {cells.wrong}, determined {decid.exact}/{decid.total}, "
                    f"false accusations {r['false_accusations']}" + (f", error {r['error']}" if r["error"] else ""),
                    flush=True,
                )
    bad = False
    for damage, (docs, _exact, wrong, dx, dt, fa) in totals.items():
        share = 100 * dx / dt if dt else 100.0
        print(f"{a.fmt} {damage:22s} {docs} docs  wrong {wrong}  determined exact {share:.2f}%  false accusations {fa}")
        bad = bad or wrong > 0 or fa > 0
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
