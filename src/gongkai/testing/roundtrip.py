"""Round trip: a report rendered by gongkai and read back must give the same cells and sections.

Sections are compared as gongkai reads any document: lines broken without a sentence end
are re-joined (``parse.sections.clean_text``), and the closing 落款 (agency and date), which
a reader may keep at the end of the last section, is not part of the section's text.
A PDF's text layer has lines, not paragraphs: with ``paragraphs=False`` (PDF) sections are
compared as the sequence of their characters, line breaks aside.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field

from gongkai.model.report import Report
from gongkai.model.template import SECTION_KEYS
from gongkai.parse.sections import clean_text
from gongkai.render.layout import signature_lines
from gongkai.testing.compare import same_number

RENDER_SUFFIX = {"docx": ".docx", "html": ".html", "md": ".md", "pdf": ".pdf"}


def _without_signature(text: str, report: Report) -> str:
    lines = [ln for ln in text.split("\n") if ln.strip()]
    for sig in (signature_lines(report), signature_lines(report)[-1:]):
        if sig and [ln.replace(" ", "") for ln in lines[-len(sig) :]] == [s.replace(" ", "") for s in sig]:
            return "\n".join(lines[: -len(sig)])
    return "\n".join(lines)


def section_text(report: Report, key: str, paragraphs: bool = True) -> str | None:
    text = report.sections.get(key)
    if text is None:
        return None
    out = clean_text(_without_signature(text, report)).replace(" ", "")
    return out if paragraphs else "".join(out.split())


@dataclass
class RoundTrip:
    cells: int = 0
    cells_exact: int = 0
    sections: int = 0
    sections_same: int = 0
    differences: list[str] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not self.differences


def compare_reports(want: Report, got: Report, paragraphs: bool = True) -> RoundTrip:
    """Cells (value and blankness) and sections of ``want`` against the report read back."""
    out = RoundTrip()
    for path, cell in want.iter_cells():
        t, r, c = path.split(".", 2)
        back = got.cell(t, r, c)
        out.cells += 1
        if back is None:
            out.differences.append(f"{path}: {cell.value!r} → missing")
        elif not same_number(cell.value, back.value):
            out.differences.append(f"{path}: {cell.value!r} → {back.value!r}")
        elif (cell.uncertain is None) != (back.uncertain is None):
            out.differences.append(f"{path}: uncertain {cell.uncertain!r} → {back.uncertain!r}")
        elif cell.value is None and cell.uncertain is None and _blank(cell.raw) != _blank(back.raw):
            out.differences.append(f"{path}: blank {cell.raw!r} → {back.raw!r}")
        else:
            out.cells_exact += 1
    for path, _ in got.iter_cells():
        t, r, c = path.split(".", 2)
        if want.cell(t, r, c) is None:
            out.differences.append(f"{path}: absent → read")
    for key in SECTION_KEYS:
        a, b = section_text(want, key, paragraphs), section_text(got, key, paragraphs)
        out.sections += 1
        if a == b:
            out.sections_same += 1
        else:
            out.differences.append(f"sections.{key}: {_excerpt(a)} → {_excerpt(b)}")
    for name in ("year", "template", "signed_on"):
        if getattr(want, name) != getattr(got, name):
            out.differences.append(f"{name}: {getattr(want, name)!r} → {getattr(got, name)!r}")
    return out


def _blank(raw: str | None) -> str:
    return (raw or "").strip()


def _excerpt(text: str | None, width: int = 60) -> str:
    if text is None:
        return "None"
    return repr(text[:width] + ("…" if len(text) > width else ""))


def render_to_bytes(report: Report, fmt: str) -> bytes:
    """``report`` in ``fmt`` (docx, html, md, pdf) as ``gongkai render`` writes it."""
    from gongkai.render import render_file

    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "r" + RENDER_SUFFIX[fmt])
        render_file(report, path, fmt)
        with open(path, "rb") as f:
            return f.read()


def read_back(report: Report, fmt: str) -> Report:
    from gongkai.pipeline import parse_bytes

    return parse_bytes("r" + RENDER_SUFFIX[fmt], render_to_bytes(report, fmt))
