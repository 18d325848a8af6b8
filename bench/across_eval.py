"""Measure the rules across reports end to end: a generated series of agencies and years
(``gongkai.testing.series``) rendered as documents, ingested into a temporary SQLite store
as ``gongkai ingest`` does, checked across reports by the store, and scored per rule against
the defects planted in the series.

    python bench/across_eval.py [--agencies 40] [--seed 0] [--jobs 1]

``run_across_eval(n_agencies, seed)`` returns the figures as JSON-able data (bench/evaluate.py
can call it); ``main`` prints them and writes bench/out/across-eval.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from gongkai.checks.across import ALL_ACROSS_RULES  # noqa: E402
from gongkai.model.agency import is_agency_name  # noqa: E402
from gongkai.render.text import FILE_SUFFIX  # noqa: E402
from gongkai.store import Store  # noqa: E402
from gongkai.store.crosscheck import run_across  # noqa: E402
from gongkai.store.ingest import ingest  # noqa: E402
from gongkai.store.queries import findings  # noqa: E402
from gongkai.store.schema import Agency, AgencyName  # noqa: E402
from gongkai.testing.compare import NOT_A_RULE, RuleStats  # noqa: E402
from gongkai.testing.corpus import render_bytes  # noqa: E402
from gongkai.testing.series import SeriesReport, generate_series  # noqa: E402

OUT = ROOT / "bench" / "out"
FORMATS: tuple[str, ...] = ("tsv", "html")
"""Consecutive years of an agency alternate between these: the comparison crosses formats."""
SEVERITY_ORDER = ("info", "warning", "error")
MAX_FAILURES = 30


def write_documents(reports: Sequence[SeriesReport], folder: Path, formats: Sequence[str] = FORMATS) -> dict[str, int]:
    """Render every report into ``folder``; returns path → index into ``reports``. File names
    tell nothing: agency and year are what the reader finds in the document."""
    folder.mkdir(parents=True, exist_ok=True)
    out: dict[str, int] = {}
    for i, sr in enumerate(reports):
        fmt = formats[i % len(formats)]
        path = folder / f"{i:05d}{FILE_SUFFIX[fmt]}"
        path.write_bytes(render_bytes(sr.gen, fmt))
        out[str(path)] = i
    return out


def _grade(found: list[dict[str, Any]]) -> str | None:
    sev = [f["severity"] for f in found if f["rule"] == "text_reuse"]
    return max(sev, key=SEVERITY_ORDER.index) if sev else None


def score(
    reports: Sequence[SeriesReport], by_path: dict[str, int], got: list[dict[str, Any]]
) -> tuple[dict[str, RuleStats], list[dict[str, Any]], int]:
    """Per-rule counts over the reports: a planted rule reported is a true positive (for
    ``text_reuse`` only with the planted grade), a certain finding of a rule not planted is a
    false positive; an uncertain one counts for recall, never against precision. Returns the
    counts, the reports that missed or gained a rule, and the number of not-checkable findings."""
    per_report: dict[int, list[dict[str, Any]]] = {i: [] for i in range(len(reports))}
    not_checkable = 0
    for f in got:
        if f["scope"] != "across":
            continue
        if f["rule"] in NOT_A_RULE:
            not_checkable += 1
            continue
        i = by_path.get(f["source"])
        if i is not None:
            per_report[i].append(f)
    stats = {r: RuleStats() for r in ALL_ACROSS_RULES}
    failures: list[dict[str, Any]] = []
    for i, sr in enumerate(reports):
        found = per_report[i]
        anything = {f["rule"] for f in found}
        certain = {f["rule"] for f in found if not f["uncertain"]}
        grade = _grade(found)
        wrong_grade = sr.grade is not None and "text_reuse" in anything and grade != sr.grade
        missing = sorted(r for r in sr.expected if r not in anything or (r == "text_reuse" and wrong_grade))
        unexpected = sorted((certain - sr.expected) | ({"text_reuse"} if wrong_grade else set()))
        for r in sr.expected:
            st = stats.setdefault(r, RuleStats())
            if r in missing:
                st.fn += 1
            else:
                st.tp += 1
        for r in unexpected:
            stats.setdefault(r, RuleStats()).fp += 1
        if missing or unexpected:
            failures.append(
                {
                    "agency": sr.agency,
                    "year": sr.year,
                    "defect": sr.defect,
                    "missing": missing,
                    "unexpected": unexpected,
                    "grade": [sr.grade, grade] if sr.grade or grade else None,
                    "findings": [f"{f['rule']} {f['location']}: {f['message']}" for f in found][:4],
                }
            )
    return stats, failures, not_checkable


def run_across_eval(
    n_agencies: int, seed: int, *, workers: int = 1, formats: Sequence[str] = FORMATS, folder: Path | None = None
) -> dict[str, Any]:
    """Generate a series of ``n_agencies`` agencies from ``seed``, ingest its documents into a
    new SQLite store, run the across checks and score them. ``rules``: rule → tp, fp, fn,
    precision, recall; ``reports``, ``agencies`` (departments included), ``seconds``."""
    t0 = time.perf_counter()
    series = generate_series(n_agencies, seed)
    t_gen = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gongkai-across-") as tmp:
        base = folder or Path(tmp)
        by_path = write_documents(series.reports, base / "docs", formats)
        t_render = time.perf_counter()
        store = Store(f"sqlite:///{base / 'series.db'}")
        try:
            summary = ingest(store, [str(base / "docs")], workers=workers, across=False)
            t_ingest = time.perf_counter()
            across = run_across(store, workers=workers)  # what ``gongkai ingest`` runs after writing
            t_across = time.perf_counter()
            with store.session() as s:
                got = findings(s)
                stored = [*s.scalars(select(Agency.name)), *s.scalars(select(AgencyName.name))]
        finally:
            store.close()
    stats, failures, not_checkable = score(series.reports, by_path, got)
    return {
        "agencies": len(series.agencies),
        "governments": len(series.departments),
        "reports": len(series.reports),
        "seconds": round(time.perf_counter() - t0, 3),
        "timing": {
            "generate": round(t_gen - t0, 3),
            "render": round(t_render - t_gen, 3),
            "ingest": round(t_ingest - t_render, 3),
            "across": round(t_across - t_ingest, 3),
        },
        "formats": list(formats),
        "ingested": summary.new,
        "failed": [f"{f.location}: {f.reason}" for f in summary.failed],
        "checked": across.checked,
        "planted": series.planted(),
        "clean_reports": sum(1 for r in series.reports if r.defect is None),
        "not_checkable": not_checkable,
        "rules": {
            k: {"tp": v.tp, "fp": v.fp, "fn": v.fn, "precision": v.precision, "recall": v.recall}
            for k, v in stats.items()
        },
        "stored_agencies": len(stored),
        "stored_not_names": sorted({n for n in stored if not is_agency_name(n)}),
        "failures": failures[:MAX_FAILURES],
        "n_failures": len(failures),
    }


def print_result(res: dict[str, Any]) -> None:
    print(
        f"across-report rules: {res['agencies']} agencies ({res['governments']} governments with departments), "
        f"{res['reports']} reports ({res['clean_reports']} clean), formats {'/'.join(res['formats'])}, "
        f"{res['seconds']:.1f} s "
        f"(generate {res['timing']['generate']:.1f}, render {res['timing']['render']:.1f}, "
        f"ingest {res['timing']['ingest']:.1f}, across {res['timing']['across']:.1f})"
    )
    if res["failed"]:
        print(f"  {len(res['failed'])} documents failed to ingest, e.g. {res['failed'][0]}")
    print("planted: " + ", ".join(f"{k} {v}" for k, v in res["planted"].items()))
    print(f"\n{'rule':28} {'tp':>6} {'fp':>6} {'fn':>6} {'precision':>9} {'recall':>7}")
    for k, r in res["rules"].items():
        p = "-" if r["precision"] is None else f"{r['precision']:.3f}"
        rc = "-" if r["recall"] is None else f"{r['recall']:.3f}"
        print(f"{k:28} {r['tp']:6} {r['fp']:6} {r['fn']:6} {p:>9} {rc:>7}")
    print(f"not checkable: {res['not_checkable']}")
    bad = res["stored_not_names"]
    shown = f" ({'、'.join(bad[:5])})" if bad else ""
    print(f"stored agency names: {res['stored_agencies']}, not names: {len(bad)}{shown}")
    for f in res["failures"]:
        print("  ✗", json.dumps(f, ensure_ascii=False)[:400])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--agencies", type=int, default=40, help="agencies drawn (a government brings its departments)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=1, help="ingest and across-check processes")
    args = ap.parse_args(argv)
    res = run_across_eval(args.agencies, args.seed, workers=args.jobs)
    print_result(res)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "across-eval.json"
    path.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nJSON: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
