"""Mutation fuzzing over the real documents: every reader and the parser, for as long as asked.

    python bench/fuzz.py [--minutes 60] [--jobs 2] [--seed 1] [--no-images]

Seeds: the real reports of ../shared (texts and PDFs), the bundled samples, generated reports in
every format (text, Markdown, HTML, one cell per line, flat, PDF text, DOCX, and scanned TIFFs
unless --no-images) and the small hostile inputs. Each execution takes a seed or a kept input,
mutates it (bytes: flips, deletions, duplications, truncation, splicing; text: digits changed,
separators lost, lines joined, split, dropped, repeated, spaced out) and runs read → parse →
checks in a sandboxed worker (``gongkai.sandbox``) under the reading limits. A finding is: an
exception other than ``ReadError``, a ReadError without a clear reason, a worker crash, a run
past its time limit (the reader did not stop itself), or a table number the document does not
contain. Inputs that reach a new outcome (reader, refusal reason, how much of the report was
read) are kept and mutated further. Findings are written to bench/out/fuzz-*/.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import os
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import hostile  # noqa: E402
from fuzzing import Verdict, judge, mutate, mutate_text  # noqa: E402
from gongkai.readers.limits import Limits  # noqa: E402
from gongkai.sandbox import Pool  # noqa: E402

FORMATS = ("tsv", "markdown", "html", "cells", "flat", "pdftext", "docx")
LIMITS = Limits(seconds=30, memory_mb=1536)
KEEP_MAX = 400


def seeds(images: bool) -> list[tuple[str, bytes]]:
    from gongkai.testing.corpus import make_document

    shared = Path(os.environ.get("GONGKAI_SHARED", ROOT.parent / "shared"))
    out = [(p.name, p.read_bytes()) for p in sorted((shared / "seeds").glob("*.txt"))]
    out += [(p.name, p.read_bytes()) for p in sorted((shared / "corpus").glob("*")) if p.suffix in (".txt", ".pdf")]
    out += [(p.name, p.read_bytes()) for p in sorted((ROOT / "src" / "gongkai" / "samples").iterdir())]
    from gongkai.testing.damage import APPLIES

    i = 0
    for damage, fmts in sorted(APPLIES.items()):  # every damage the generator knows, on each format it fits
        for fmt in FORMATS:
            if fmt in fmts and damage != "scanned_noise":
                doc = make_document(900 + i, fmt, damage)
                out.append((doc.name, doc.data))
                i += 1
    if images:
        try:
            doc = make_document(950, "image")
            out.append((doc.name, doc.data))
        except Exception as e:  # LibreOffice missing: no scans
            print(f"(no image seed: {type(e).__name__})")
    for kind in ("docx_billion_laughs", "html_billion_laughs", "nested_html", "truncated_pdf"):
        name, make = hostile.KINDS[kind]
        out.append((name, make()))
    return out


def _signature(name: str, v: Verdict | None, code: str | None) -> tuple[str, ...]:
    ext = name.rsplit(".", 1)[-1]
    if v is None:
        return (ext, code or "?")
    return (ext, "read" if v.read else "refused", str(len(v.problems) > 0))


def _run_judge(job: tuple[str, bytes]) -> Verdict:
    return judge(*job)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-images", action="store_true")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    base = seeds(not args.no_images)
    pool_bytes = [d for _, d in base]
    kept: list[tuple[str, bytes]] = []
    seen: set[tuple[str, ...]] = set()
    out = ROOT / "bench" / "out" / f"fuzz-{time.strftime('%Y%m%d-%H%M%S')}"
    out.mkdir(parents=True, exist_ok=True)
    end = time.monotonic() + args.minutes * 60
    stats: collections.Counter[str] = collections.Counter()
    findings: dict[str, int] = {}
    print(f"{len(base)} seeds; {args.jobs} workers; {args.minutes:g} minutes; findings → {out}", flush=True)

    def inputs() -> Iterator[tuple[str, bytes]]:
        while time.monotonic() < end:
            name, data = rng.choice(kept) if kept and rng.random() < 0.3 else rng.choice(base)
            is_text = name.rsplit(".", 1)[-1] in ("txt", "md", "html", "htm")
            if is_text and rng.random() < 0.5:
                try:
                    data = mutate_text(data.decode("utf-8"), rng).encode(rng.choice(["utf-8", "gb18030", "utf-16"]))
                except UnicodeDecodeError:
                    data = mutate(data, rng, pool_bytes)
            else:
                data = mutate(data, rng, pool_bytes)
            yield name, data

    t0 = time.monotonic()
    try:
        _loop(args, rng, inputs(), kept, seen, stats, findings, out, t0)
    except KeyboardInterrupt:  # Ctrl-C: the summary of what ran
        print("(interrupted)")
    secs = time.monotonic() - t0
    print(f"\n{stats['executions']} executions in {secs / 60:.1f} minutes ({stats['executions'] / secs:.1f}/s)")
    print("by format: " + ", ".join(f"{k[5:]} {v}" for k, v in sorted(stats.items()) if k.startswith("exec.")))
    print(f"read {stats['read']}, refused with a reason {stats['refused']}, findings {stats['findings']}")
    for key, n in sorted(findings.items(), key=lambda kv: -kv[1]):
        print(f"  {n:>5} × {key}")
    if not findings:
        print("no finding")


def _loop(
    args: argparse.Namespace,
    rng: random.Random,
    source: Iterator[tuple[str, bytes]],
    kept: list[tuple[str, bytes]],
    seen: set[tuple[str, ...]],
    stats: collections.Counter[str],
    findings: dict[str, int],
    out: Path,
    t0: float,
) -> None:
    last = t0
    with Pool(_run_judge, args.jobs, LIMITS, retries=0) as pool:
        for item in pool.imap(source):
            if item is None:
                continue
            (name, data), outcome = item
            ext = name.rsplit(".", 1)[-1]
            stats["executions"] += 1
            stats[f"exec.{ext}"] += 1
            verdict = outcome.value if outcome.ok else None
            problems = verdict.problems if verdict else [f"{outcome.code}: {outcome.reason}"]
            if verdict is not None:
                stats["read" if verdict.read else "refused"] += 1
            if problems:
                key = problems[0].split("\n")[0][:160]
                stats["findings"] += 1
                if key not in findings:
                    findings[key] = 0
                    digest = hashlib.sha256(data).hexdigest()[:12]
                    (out / f"{digest}.{ext}").write_bytes(data)
                    (out / f"{digest}.{ext}.txt").write_text(f"{name}\n" + "\n\n".join(problems), encoding="utf-8")
                    print(f"FINDING ({name}): {key}", flush=True)
                findings[key] += 1
            sig = _signature(name, verdict, outcome.code)
            if sig not in seen or (verdict and verdict.read and rng.random() < 0.01):
                seen.add(sig)
                kept.append((name, data))
                if len(kept) > KEEP_MAX:
                    kept.pop(rng.randrange(len(kept)))
            if time.monotonic() - last > 60:
                last = time.monotonic()
                rate = stats["executions"] / (last - t0)
                print(
                    f"  {stats['executions']} executions ({rate:.1f}/s), {len(findings)} distinct findings", flush=True
                )


if __name__ == "__main__":
    main()
