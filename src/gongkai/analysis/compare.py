"""Two reports side by side (typically one agency, consecutive years): every table cell with
the old value, the new value and the change; each section's text with the passages both share
and their similarity (the same measure as the ``text_reuse`` rule); the findings across the
two years."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongkai.analysis.labels import TABLE_NAMES, cell_label
from gongkai.analysis.report_view import FindingView, Loaded, load_with_meta, report_findings
from gongkai.checks.across import similarity
from gongkai.model.report import Cell, Report
from gongkai.model.template import SECTIONS, TABLE_KEYS, TEMPLATES, V2021
from gongkai.store.schema import ReportVersion

MIN_SHARED_CHARS = 12
"""Shortest run of characters highlighted as shared between the two texts."""
MAX_DIFF_CHARS = 20_000


@dataclass
class CellDiff:
    key: str
    label: str
    old: int | float | None
    new: int | float | None
    old_text: str
    new_text: str
    status: str
    """``same``, ``changed``, ``new_only``, ``old_only``, ``unknown`` (a side not read)."""

    @property
    def change(self) -> int | float | None:
        if self.old is None or self.new is None:
            return None
        d = self.new - self.old
        return round(d, 6) if isinstance(d, float) else d

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "old": self.old,
            "new": self.new,
            "change": self.change,
            "old_text": self.old_text,
            "new_text": self.new_text,
            "status": self.status,
        }


@dataclass
class SectionDiff:
    key: str
    title: str
    similarity: float | None
    old: list[tuple[bool, str]]
    """The old text cut into (shared with the other?, text) runs."""
    new: list[tuple[bool, str]]

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "similarity": None if self.similarity is None else round(self.similarity, 4),
            "old": [{"shared": s, "text": t} for s, t in self.old],
            "new": [{"shared": s, "text": t} for s, t in self.new],
        }


@dataclass
class Comparison:
    old: dict[str, Any]
    new: dict[str, Any]
    tables: dict[str, list[CellDiff]]
    sections: list[SectionDiff]
    findings: list[FindingView] = field(default_factory=list)
    """Findings of the newer report that compare it with the older one (across rules)."""

    @property
    def changed(self) -> int:
        return sum(1 for rows in self.tables.values() for d in rows if d.status == "changed")

    def to_json(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "tables": {k: [d.to_json() for d in v] for k, v in self.tables.items()},
            "sections": [s.to_json() for s in self.sections],
            "findings": [f.to_json() for f in self.findings],
            "changed_cells": self.changed,
        }


def _text(c: Cell | None) -> str:
    if c is None:
        return ""
    if c.raw is not None:
        return c.raw
    return "" if c.value is None else str(c.value)


def _keys(a: Report, b: Report) -> dict[str, list[str]]:
    """Cell keys of both reports per table, in the newer template's order."""
    out: dict[str, list[str]] = {}
    tpls = [TEMPLATES.get(b.template or "") or V2021, TEMPLATES.get(a.template or "") or V2021]
    for tkey in TABLE_KEYS:
        keys: dict[str, None] = {}  # ordered, and a membership test that does not scan
        for tpl in tpls:
            keys.update((f"{tkey}.{r}.{c}", None) for r, c in tpl.table(tkey).cells())
        for rep in (b, a):
            keys.update((k, None) for k, _ in rep.iter_cells() if k.startswith(f"{tkey}."))
        out[tkey] = list(keys)
    return out


def cell_diffs(old: Report, new: Report) -> dict[str, list[CellDiff]]:
    out: dict[str, list[CellDiff]] = {}
    for tkey, keys in _keys(old, new).items():
        rows = []
        for k in keys:
            _, r, c = k.split(".")
            a, b = old.cell(tkey, r, c), new.cell(tkey, r, c)
            if a is None and b is None:
                continue
            va = a.value if a is not None and not a.uncertain else None
            vb = b.value if b is not None and not b.uncertain else None
            if a is None:
                status = "new_only"
            elif b is None:
                status = "old_only"
            elif va is None or vb is None:
                status = "same" if (a.blank and b.blank) else "unknown"
            else:
                status = "same" if va == vb else "changed"
            rows.append(CellDiff(k, cell_label(k, new.template or old.template), va, vb, _text(a), _text(b), status))
        out[tkey] = rows
    return out


def _runs(text: str, spans: list[tuple[int, int]]) -> list[tuple[bool, str]]:
    out: list[tuple[bool, str]] = []
    pos = 0
    for start, end in sorted(spans):
        if start > pos:
            out.append((False, text[pos:start]))
        out.append((True, text[start:end]))
        pos = end
    if pos < len(text):
        out.append((False, text[pos:]))
    return out


_SENTENCE_END = re.compile(r"(?<=[。；！？\n])")


def _sentences(text: str) -> list[str]:
    return [p for p in _SENTENCE_END.split(text) if p]


def _starts(parts: list[str]) -> list[int]:
    out = [0]
    for p in parts:
        out.append(out[-1] + len(p))
    return out


def shared_blocks(a: str, b: str) -> list[tuple[int, int, int]]:
    """Passages ``(start in a, start in b, length)`` the two texts share, in order. Sentences are
    matched first (a year's report mostly repeats or rewrites whole sentences; matching them is
    some ten times faster than matching characters), then the characters of each stretch of
    rewritten sentences between them."""
    sa, sb = _sentences(a), _sentences(b)
    oa, ob = _starts(sa), _starts(sb)
    blocks: list[tuple[int, int, int]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, sa, sb, autojunk=False).get_opcodes():
        if tag == "equal":
            blocks.append((oa[i1], ob[j1], oa[i2] - oa[i1]))
        elif tag == "replace":
            sub = difflib.SequenceMatcher(None, a[oa[i1] : oa[i2]], b[ob[j1] : ob[j2]], autojunk=False)
            blocks.extend((oa[i1] + m.a, ob[j1] + m.b, m.size) for m in sub.get_matching_blocks() if m.size)
    merged: list[tuple[int, int, int]] = []
    for x, y, n in blocks:  # a passage cut at a sentence end is one passage
        if merged and merged[-1][0] + merged[-1][2] == x and merged[-1][1] + merged[-1][2] == y:
            px, py, pn = merged[-1]
            merged[-1] = (px, py, pn + n)
        else:
            merged.append((x, y, n))
    return merged


def text_diff(
    old: str, new: str, min_chars: int = MIN_SHARED_CHARS
) -> tuple[list[tuple[bool, str]], list[tuple[bool, str]]]:
    """Both texts cut into runs, marking the passages of at least ``min_chars`` characters that
    the two share."""
    a, b = old[:MAX_DIFF_CHARS], new[:MAX_DIFF_CHARS]
    keep = [m for m in shared_blocks(a, b) if m[2] >= min_chars]
    ra = _runs(a, [(x, x + n) for x, _, n in keep])
    rb = _runs(b, [(y, y + n) for _, y, n in keep])
    if len(old) > len(a):
        ra.append((False, old[len(a) :]))
    if len(new) > len(b):
        rb.append((False, new[len(b) :]))
    return ra, rb


def section_diffs(old: Report, new: Report) -> list[SectionDiff]:
    out = []
    for spec in SECTIONS:
        a, b = old.sections.get(spec.key), new.sections.get(spec.key)
        if a is None and b is None:
            continue
        sim = similarity(a, b) if a and b else None
        ra, rb = text_diff(a or "", b or "")
        out.append(SectionDiff(spec.key, spec.canonical, sim, ra, rb))
    return out


def compare(s: Session, old_id: int, new_id: int) -> Comparison | None:
    """Compare report ``old_id`` with ``new_id``; None if either is not in the store."""
    loaded = load_with_meta(s, [old_id, new_id])
    if old_id not in loaded or new_id not in loaded:
        return None
    return compare_loaded(s, loaded[old_id], loaded[new_id])


def compare_loaded(s: Session, old_loaded: Loaded, new_loaded: Loaded) -> Comparison:
    """``compare`` of two reports read by ``load_with_meta``."""
    old_id, new_id = old_loaded.id, new_loaded.id
    old, new = old_loaded.report, new_loaded.report
    old_meta, new_meta = old_loaded.meta, new_loaded.meta
    findings = [f for f in report_findings(s, new_id) if f.scope == "across" and f.other_report_id in (old_id, None)]
    for n, f in enumerate(findings, 1):
        f.number = n
    return Comparison(old_meta, new_meta, cell_diffs(old, new), section_diffs(old, new), findings)


def previous_of(s: Session, report_id: int) -> int | None:
    """The same agency's current report of the year before, if the store has one."""
    meta = s.execute(select(ReportVersion.agency_id, ReportVersion.year).where(ReportVersion.id == report_id)).first()
    if meta is None or meta[0] is None or meta[1] is None:
        return None
    return s.scalar(
        select(ReportVersion.id)
        .where(ReportVersion.agency_id == meta[0], ReportVersion.year == meta[1] - 1, ReportVersion.current.is_(True))
        .order_by(ReportVersion.id)
        .limit(1)
    )


TABLE_TITLES = {k: f"{TABLE_NAMES[k]}　{V2021.table(k).title}" for k in TABLE_KEYS}
