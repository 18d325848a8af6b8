"""How far gongkai reads the real-2026 golden set (real reports of other provinces and levels).

    python bench/real_eval.py            # the table, per document and in total
    python bench/real_eval.py --details  # and every cell read wrong or not read

The set is not yet in the strict golden tests (tests/test_golden.py only checks it is well
formed); this script reports, with the golden scoring (``gongkai.testing.golden.judge``), how
many cells come out exact, wrong (a number the document does not show), uncertain (said to be
unsure) or missed (nothing and no reason), whether the agency is right, and which findings are
missing or wrongly reported. Writes the same to bench/out/real_eval.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from gongkai.testing.golden import REAL_SET, GoldenResult, document_path, golden_set, judge, load_goldens  # noqa: E402

OUT = ROOT / "bench" / "out"


def read_one(path: Path) -> tuple[dict[str, Any] | None, str | None]:
    from gongkai.checks import run_checks
    from gongkai.parse import parse_document
    from gongkai.readers import ReadError, read_bytes

    try:
        report = parse_document(read_bytes(path.name, path.read_bytes()))
        report.findings = run_checks(report)
        return report.to_json(provenance=False), None
    except ReadError as e:
        return None, f"ReadError: {e.reason}"
    except Exception as e:  # one document's crash is a result of the evaluation
        return None, f"{type(e).__name__}: {e}"


def evaluate() -> list[tuple[dict[str, Any], GoldenResult, dict[str, Any] | None]]:
    out = []
    for g in load_goldens():
        if golden_set(g) != REAL_SET:
            continue
        path = document_path(g)
        t0 = time.perf_counter()
        got, error = read_one(path) if path.is_file() else (None, f"document not found: {path}")
        res = judge(g, got, error)
        res.seconds = time.perf_counter() - t0
        out.append((g, res, got))
    return out


def row_of(g: dict[str, Any], r: GoldenResult, got: dict[str, Any] | None) -> dict[str, Any]:
    c = r.cells
    return {
        "document": g["_file"].removesuffix(".json"),
        "cells": c.total,
        "exact": c.exact,
        "wrong": c.wrong,
        "uncertain": c.uncertain,
        "missed": c.missed,
        "agency_ok": r.fields.get("agency"),
        "agency": (got or {}).get("agency"),
        "wrong_fields": sorted(k for k, ok in r.fields.items() if not ok and k != "agency"),
        "sections": list(r.sections),
        "missing_findings": r.missing_findings,
        "forbidden_found": r.forbidden_found,
        "error": r.error,
        "mismatches": c.mismatches,
        "seconds": round(r.seconds, 2),
    }


def print_table(rows: list[dict[str, Any]], details: bool) -> None:
    head = f"{'document':28} {'cells':>5} {'exact':>5} {'wrong':>5} {'uncert':>6} {'missed':>6}"
    print(head + f" {'agency':>6} {'sect':>5}  fields / findings")
    for x in rows:
        notes = []
        if x["error"]:
            notes.append(x["error"][:70])
        if x["wrong_fields"]:
            notes.append("错: " + ",".join(x["wrong_fields"]))
        if x["missing_findings"]:
            notes.append("缺: " + ",".join(x["missing_findings"]))
        if x["forbidden_found"]:
            notes.append("多: " + ",".join(x["forbidden_found"]))
        agency = "-" if x["agency_ok"] is None else ("ok" if x["agency_ok"] else "WRONG")
        sect = f"{x['sections'][0]}/{x['sections'][1]}"
        print(
            f"{x['document']:28} {x['cells']:5} {x['exact']:5} {x['wrong']:5} {x['uncertain']:6} {x['missed']:6} "
            f"{agency:>6} {sect:>5}  " + ("; ".join(notes) or "OK")
        )
        if x["agency_ok"] is False:
            print(f"{'':28} agency read: {x['agency']!r}")
        if details:
            for m in x["mismatches"]:
                print(f"{'':28} {m['kind']:9} {m['path']}: document {m['expected']!r}, read {m['got']!r}")
    tot = {k: sum(x[k] for x in rows) for k in ("cells", "exact", "wrong", "uncertain", "missed")}
    share = tot["exact"] / tot["cells"] if tot["cells"] else 0.0
    agency_ok = sum(1 for x in rows if x["agency_ok"])
    print(
        f"{'TOTAL':28} {tot['cells']:5} {tot['exact']:5} {tot['wrong']:5} {tot['uncertain']:6} {tot['missed']:6} "
        f"{agency_ok:>3}/{len(rows):<2}        exact {share:.1%}, forbidden findings on "
        f"{sum(1 for x in rows if x['forbidden_found'])} document(s)"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--details", action="store_true", help="list every cell not read exactly")
    args = ap.parse_args()
    rows = [row_of(g, r, got) for g, r, got in evaluate()]
    if not rows:
        print(f"no golden of the set {REAL_SET!r} found")
        return 1
    print_table(rows, args.details)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "real_eval.json").write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
