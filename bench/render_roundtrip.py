"""Round trip at scale: generated reports (both templates) and the real documents of ../shared/,
rendered by ``gongkai render`` to DOCX, HTML, Markdown and PDF, read back through gongkai.
Prints, per format, documents identical (cells and sections), cells exact, sections the
same, time per document; for PDF also the structure checks (labels, overflow, repeated header,
rows whole). PDFs are converted by one LibreOffice start per batch.

    python bench/render_roundtrip.py --n 300 --pdf 100 [--seed 0] [--failures 5]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from gongkai.model.report import Report  # noqa: E402
from gongkai.pipeline import parse_path  # noqa: E402
from gongkai.render import render_file  # noqa: E402
from gongkai.render.pdf import docx_files_to_pdf  # noqa: E402
from gongkai.testing.generate import generate  # noqa: E402
from gongkai.testing.pdfcheck import structure_problems  # noqa: E402
from gongkai.testing.roundtrip import RoundTrip, compare_reports, read_back  # noqa: E402

PDF_BATCH = 25
FORMATS = ("md", "html", "docx")


def real_documents() -> list[Path]:
    shared = Path(os.environ.get("GONGKAI_SHARED", ROOT.parent / "shared"))
    found = [p for p in (shared / "corpus").glob("*") if p.suffix in (".txt", ".pdf")]
    return sorted(found) + sorted((shared / "seeds").glob("*.txt"))


class Tally:
    def __init__(self) -> None:
        self.docs = self.same = self.cells = self.cells_exact = self.sections = self.sections_same = 0
        self.seconds = 0.0
        self.failures: list[str] = []

    def add(self, name: str, rt: RoundTrip, seconds: float) -> None:
        self.docs += 1
        self.same += rt.identical
        self.cells += rt.cells
        self.cells_exact += rt.cells_exact
        self.sections += rt.sections
        self.sections_same += rt.sections_same
        self.seconds += seconds
        if not rt.identical:
            self.failures.append(f"{name}: {rt.differences[:3]}")

    def line(self, label: str) -> str:
        pct = 100 * self.cells_exact / max(self.cells, 1)
        return (
            f"{label:<16} {self.docs:>5} docs  {self.same:>5} identical  cells {self.cells_exact}/{self.cells} "
            f"({pct:.3f}%)  sections {self.sections_same}/{self.sections}  "
            f"{1000 * self.seconds / max(self.docs, 1):.0f} ms/doc"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=300, help="generated reports per text format (md, html, docx)")
    ap.add_argument("--pdf", type=int, default=100, help="generated reports through PDF")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--failures", type=int, default=5)
    args = ap.parse_args()

    generated = [(f"gen-{s}", generate(s).report) for s in range(args.seed, args.seed + max(args.n, args.pdf))]
    real = [(p.name, parse_path(str(p))) for p in real_documents()]
    templates = defaultdict(int)
    for _, r in generated:
        templates[r.template] += 1
    print(f"generated: {dict(templates)}; real documents: {len(real)}")
    tallies: dict[str, Tally] = defaultdict(Tally)
    for fmt in FORMATS:
        for kind, docs in (("generated", generated[: args.n]), ("real", real)):
            t = tallies[f"{fmt} {kind}"]
            for name, report in docs:
                t0 = time.perf_counter()
                rt = compare_reports(report, read_back(report, fmt))
                t.add(name, rt, time.perf_counter() - t0)
    structure = Tally()
    structure_bad: list[str] = []
    with tempfile.TemporaryDirectory() as d:
        docs: list[tuple[str, Report]] = generated[: args.pdf] + real
        for i in range(0, len(docs), PDF_BATCH):
            batch = docs[i : i + PDF_BATCH]
            t0 = time.perf_counter()
            paths = []
            for name, report in batch:
                p = os.path.join(d, f"{name}.docx")
                render_file(report, p, "docx")
                paths.append(p)
            docx_files_to_pdf(paths, d)
            per_doc = (time.perf_counter() - t0) / len(batch)
            for name, report in batch:
                pdf = os.path.join(d, f"{name}.docx").replace(".docx", ".pdf")
                t1 = time.perf_counter()
                rt = compare_reports(report, parse_path(pdf), paragraphs=False)
                kind = "real" if not name.startswith("gen-") else "generated"
                tallies[f"pdf {kind}"].add(name, rt, per_doc + time.perf_counter() - t1)
                problems = structure_problems(report, pdf) if report.template else []
                structure.docs += 1
                structure.same += not problems
                if problems:
                    structure_bad.append(f"{name}: {problems[:3]}")
    print()
    for label, t in tallies.items():
        print(t.line(label))
    print(f"{'pdf structure':<16} {structure.docs:>5} docs  {structure.same:>5} without a problem")
    for label, t in tallies.items():
        for f in t.failures[: args.failures]:
            print(f"  {label}: {f}")
    for f in structure_bad[: args.failures]:
        print(f"  pdf structure: {f}")


if __name__ == "__main__":
    main()
