"""The canonical report: what gongkai knows about one document, with provenance.

``Report.to_json()`` produces the ``gongkai.report/1`` contract of
``shared/spec/report-model.md``; extra keys (provenance, raw text, facts) are additions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from gongkai.model.records import record
from gongkai.model.template import SECTION_KEYS, TABLE_KEYS, TEMPLATES, Identity, Template

Number = int | float
Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
SCHEMA = "gongkai.report/1"


@record
class Source:
    """Where a piece of the document came from (a record: readers make one for every line
    and cell)."""

    page: int | None = None
    line: int | None = None
    block: int | None = None
    row: int | None = None
    col: int | None = None
    bbox: tuple[float, float, float, float] | None = None

    def to_json(self) -> dict[str, Any]:
        return {k: v for k in _SOURCE_FIELDS if (v := getattr(self, k)) is not None}

    def describe(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.line is not None:
            parts.append(f"第{self.line}行")
        if self.row is not None and self.col is not None:
            parts.append(f"表格第{self.row + 1}行第{self.col + 1}列")
        return "".join(parts)


_SOURCE_FIELDS = tuple(f.name for f in fields(Source))


LOW_CONFIDENCE = 0.85
"""Cells read with less confidence (OCR digits) are not taken at their word: a failed
identity through one is uncertain, not an error, one that identities reject is doubted, and
one that none confirms is listed as uncertain."""


@dataclass
class Cell:
    """One table cell as read. ``value`` is None when blank or unreadable."""

    value: Number | None
    raw: str | None = None
    blank: bool = False
    unit: str | None = None
    source: Source | None = None
    confidence: float = 1.0
    uncertain: str | None = None
    """Why the reading is not certain (None when it is)."""
    candidates: tuple[Number | None, ...] = ()
    unconfirmed: str | None = None
    """Why a value kept as the best reading is not certain (an OCR'd number read with low
    confidence that no identity confirms); listed under ``uncertain`` with its value."""

    @property
    def known(self) -> bool:
        return self.value is not None and self.uncertain is None

    def settled_value(self) -> Number | None:
        """What the cell adds to a sum when its candidates differ only as blank vs the same
        number (``0`` or blank): that number; None when the candidates differ in value."""
        if None not in self.candidates or all(c is None for c in self.candidates):
            return None  # one number, or blank alone (a row in doubt: blank or any number)
        values = {c or 0 for c in self.candidates}
        return values.pop() if self.uncertain and len(values) == 1 else None


TableCells = dict[str, dict[str, Cell] | None]


@dataclass
class Finding:
    rule: str
    severity: Severity
    where: str
    message: str
    expected: Number | str | None = None
    found: Number | str | None = None
    cells: tuple[str, ...] = ()
    uncertain: bool = False
    """The result relied on blank or uncertain cells."""
    source: Source | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity,
            "where": self.where,
            "message": self.message,
        }
        if self.expected is not None:
            out["expected"] = self.expected
        if self.found is not None:
            out["found"] = self.found
        if self.cells:
            out["cells"] = list(self.cells)
        if self.uncertain:
            out["uncertain"] = True
        if self.source is not None:
            out["source"] = self.source.to_json()
        return out


@dataclass
class Fact:
    """A number stated in the text (``收到政府信息公开申请101件``)."""

    key: str
    value: Number
    text: str
    source: Source | None = None


BLANK_OR_ZERO = "blank or 0 (positions lost)"
"""A decision's method when a row's numbers are settled but not which of its zero cells were
printed blank (blank cells left no trace in the document)."""


@dataclass
class Decision:
    """How an ambiguous stretch of cells was read."""

    where: str
    raw: str
    method: str
    confidence: float
    candidates: int
    blanks: int = 0
    """Cells left blank in every reading weighed (fewer numbers than cells): blanks the
    document surely has, even where it does not show which cells they are."""
    negatives: tuple[Number, ...] = ()
    """Negative counts in every reading that ties for best (a ``-3`` the document prints, in
    a cell it does not show): a bad number wherever it is."""


@dataclass
class SourceFile:
    path: str
    sha256: str
    format: str
    size: int = 0


@dataclass
class Report:
    source: SourceFile
    agency: str | None = None
    year: int | None = None
    template: str | None = None
    title: str | None = None
    signed_on: dt.date | None = None
    published_on: dt.date | None = None
    sections: dict[str, str | None] = field(default_factory=lambda: {k: None for k in SECTION_KEYS})
    section_titles: dict[str, str] = field(default_factory=dict)
    tables: dict[str, TableCells | None] = field(default_factory=lambda: {k: None for k in TABLE_KEYS})
    extra_rows: dict[str, dict[str, list[Cell]]] = field(default_factory=dict)
    facts: list[Fact] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    alternatives: dict[str, list[dict[str, Number | None]]] = field(default_factory=dict)
    """Rows left uncertain: every equally good reading (``table.row`` → column values)."""
    unbalanced: list[str] = field(default_factory=list)
    """Identity names (``appeals.review``) that fail however an ambiguous row is read."""
    broken_rules: dict[str, list[str]] = field(default_factory=dict)
    """Per table, rules that some identity breaks however the table is read, though which
    identity depends on the reading."""
    unreliable: dict[str, str] = field(default_factory=dict)
    """Tables whose reading the document's shape leaves to inference (numbers apart from
    their labels, blank cells the document does not show): table key → why (Chinese). A
    broken identity there may be the reading's, not the report's: it is no error."""
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Statements of the document that checks need (statistics period, etc.)."""
    statistics_period: tuple[dt.date, dt.date] | None = None
    period_statement: str | None = None
    """The document's statement of its statistics period when it makes one that cannot be
    read as two dates (``自202111日起至20211231日止``): not the same as stating none."""
    is_government: bool = False
    signature_name: str | None = None
    """The name printed above the signature date (落款). None: not known (renderers print
    ``agency`` there); ``""``: the signature block names nobody."""
    agency_uncertain: str | None = None
    """Why ``agency`` is not certain (title, preamble and signature disagree, only a partial
    name or only fragments found), or None."""
    agency_candidates: list[tuple[str, str]] = field(default_factory=list)
    """(where, name) of every agency name the document gave: title, signature, preamble, text."""

    @property
    def spec(self) -> Template | None:
        return TEMPLATES.get(self.template) if self.template else None

    def identities(self) -> list[tuple[str, Identity]]:
        """The identities of tables 3 and 4 as this report lays them out (its rows), with
        their table."""
        tpl = self.spec
        if tpl is None:
            return []
        out: list[tuple[str, Identity]] = []
        for table in ("applications", "appeals"):
            rows = self.tables.get(table)
            if rows is None:
                continue
            present = {k for k, v in rows.items() if v is not None}
            out.extend((table, i) for i in tpl.identities_of(table, present))
        return out

    def cell(self, table: str, row: str, col: str) -> Cell | None:
        t = self.tables.get(table)
        if not t:
            return None
        r = t.get(row)
        if not r:
            return None
        return r.get(col)

    def value(self, table: str, row: str, col: str) -> Number | None:
        c = self.cell(table, row, col)
        return c.value if c is not None else None

    def iter_cells(self) -> Iterator[tuple[str, Cell]]:
        """Every cell read, as (``table.row.column``, cell)."""
        for tkey, t in self.tables.items():
            if not t:
                continue
            for rkey, r in t.items():
                if not r:
                    continue
                for ckey, c in r.items():
                    yield f"{tkey}.{rkey}.{ckey}", c

    def uncertain_cells(self) -> list[tuple[str, Cell]]:
        return [(path, c) for path, c in self.iter_cells() if c.uncertain]

    def unconfirmed_cells(self) -> list[tuple[str, Cell]]:
        """Cells whose value is kept as the best reading but is not certain (``Cell.unconfirmed``)."""
        return [(path, c) for path, c in self.iter_cells() if c.unconfirmed and not c.uncertain]

    def _agency_uncertain(self) -> list[dict[str, Any]]:
        """The agency under ``uncertain`` (``where: "agency"``) with every name the document gave."""
        if not self.agency_uncertain:
            return []
        return [
            {
                "where": "agency",
                "raw": self.agency,
                "reason": self.agency_uncertain,
                "candidates": [{"from": w, "name": n} for w, n in self.agency_candidates],
            }
        ]

    def to_json(self, provenance: bool = True) -> dict[str, Any]:
        tables: dict[str, Any] = {}
        units: dict[str, str] = {}
        cells_meta: dict[str, Any] = {}
        for tkey in TABLE_KEYS:
            t = self.tables.get(tkey)
            if t is None:
                tables[tkey] = None
                continue
            out_t: dict[str, Any] = {}
            for rkey, r in t.items():
                if r is None:
                    out_t[rkey] = None
                    continue
                out_r: dict[str, Any] = {}
                for ckey, c in r.items():
                    out_r[ckey] = c.value
                    path = f"{tkey}.{rkey}.{ckey}"
                    if c.unit:
                        units[path] = c.unit
                    if provenance:
                        meta: dict[str, Any] = {"raw": c.raw}
                        if c.blank:
                            meta["blank"] = True
                        if c.source is not None:
                            meta["source"] = c.source.to_json()
                        if c.confidence < 1.0:
                            meta["confidence"] = round(c.confidence, 4)
                        cells_meta[path] = meta
                out_t[rkey] = out_r
            tables[tkey] = out_t
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "source": {"path": self.source.path, "sha256": self.source.sha256, "format": self.source.format},
            "agency": self.agency,
            "year": self.year,
            "template": self.template,
            "title": self.title,
            "signed_on": self.signed_on.isoformat() if self.signed_on else None,
            "published_on": self.published_on.isoformat() if self.published_on else None,
            "sections": dict(self.sections),
            "tables": tables,
            "findings": [f.to_json() for f in self.findings],
            "uncertain": [
                {
                    "where": path,
                    "raw": c.raw,
                    "reason": c.uncertain,
                    **({"candidates": list(c.candidates)} if c.candidates else {}),
                }
                for path, c in self.uncertain_cells()
            ]
            + [
                {
                    "where": path,
                    "raw": c.raw,
                    "reason": c.unconfirmed,
                    "confidence": round(c.confidence, 4),
                }
                for path, c in self.unconfirmed_cells()
            ]
            + self._agency_uncertain(),
            "units": units,
        }
        if self.extra_rows:
            out["extra_rows"] = {
                t: {label: [c.value for c in cells] for label, cells in rows.items()}
                for t, rows in self.extra_rows.items()
            }
        out["facts"] = [
            {"key": f.key, "value": f.value, "text": f.text, **({"source": f.source.to_json()} if f.source else {})}
            for f in self.facts
        ]
        if provenance:
            out["cells"] = cells_meta
            out["decisions"] = [d.__dict__ for d in self.decisions]
        return out
