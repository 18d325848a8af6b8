"""Compare what gongkai read with what the document shows: cells, sections, findings.

Expected tables are in the JSON contract's shape (table → row → column → value, ``None``
for a blank cell or a table/row the document lacks). A cell is *exact* when the reading
equals the document and is not marked uncertain; *wrong* when gongkai gives a number the
document does not show (the serious error); *uncertain* when gongkai says it could not
read it with certainty; *missed* when it gives nothing and does not say why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gongkai.model.agency import canonical_agency, is_agency_name

AMOUNT_TOLERANCE = 1e-6
"""Amounts are compared as decimals; this only absorbs float representation."""


@dataclass
class CellStats:
    total: int = 0
    exact: int = 0
    wrong: int = 0
    uncertain: int = 0
    missed: int = 0
    mismatches: list[dict[str, Any]] = field(default_factory=list)

    def add(self, other: CellStats) -> None:
        self.total += other.total
        self.exact += other.exact
        self.wrong += other.wrong
        self.uncertain += other.uncertain
        self.missed += other.missed
        self.mismatches.extend(other.mismatches)


def same_number(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    try:
        return abs(float(a) - float(b)) <= AMOUNT_TOLERANCE
    except (TypeError, ValueError):
        return False


def expected_cells(tables: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
    """``(path, value)`` for every cell the document has (tables/rows it lacks are skipped)."""
    for tkey, table in tables.items():
        if table is None:
            continue
        for rkey, row in table.items():
            if row is None:
                continue
            for ckey, value in row.items():
                yield f"{tkey}.{rkey}.{ckey}", value


def _got(tables: Mapping[str, Any] | None, path: str) -> tuple[bool, Any]:
    tkey, rkey, ckey = path.split(".", 2)
    t = (tables or {}).get(tkey)
    if not t:
        return False, None
    r = t.get(rkey)
    if not r or ckey not in r:
        return False, None
    return True, r[ckey]


def compare_tables(
    expected: Mapping[str, Any], got_json: Mapping[str, Any] | None, skip: Iterable[str] = ()
) -> CellStats:
    """Cell by cell; ``skip`` lists paths the document does not determine: they are not
    scored, unless gongkai claims a value for one that is not the document's."""
    skipped = set(skip)
    uncertain = {u["where"] for u in (got_json or {}).get("uncertain", [])}
    tables = (got_json or {}).get("tables")
    s = CellStats()
    for path, want in expected_cells(expected):
        present, value = _got(tables, path)
        if path in skipped and (path in uncertain or not present or same_number(value, want)):
            continue  # the document does not say; but a confident wrong value still counts
        s.total += 1
        if path in uncertain:
            s.uncertain += 1
            kind = "uncertain"
            if value is not None and not same_number(value, want):
                # a 'best reading' that is not the document's is still wrong
                s.uncertain -= 1
                s.wrong += 1
                kind = "wrong"
        elif present and same_number(value, want):
            s.exact += 1
            continue
        elif value is None:
            s.missed += 1
            kind = "missed"
        else:
            s.wrong += 1
            kind = "wrong"
        s.mismatches.append({"path": path, "expected": want, "got": value, "kind": kind})
    return s


@dataclass
class RuleStats:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


NOT_A_RULE = frozenset({"not_checkable"})


def reported_rules(got_json: Mapping[str, Any] | None, certain_only: bool = False) -> set[str]:
    out = set()
    for f in (got_json or {}).get("findings", []):
        if certain_only and f.get("uncertain"):
            continue
        out.add(f["rule"])
    return out - NOT_A_RULE


def score_findings(
    stats: dict[str, RuleStats],
    got_json: Mapping[str, Any] | None,
    expected: Iterable[str],
    tolerated: Iterable[str] = (),
) -> dict[str, list[str]]:
    """Update per-rule counts. An uncertain finding counts for recall, never as a false
    positive. Returns the missing and unexpected rules of this document."""
    exp = set(expected)
    ok = exp | set(tolerated)
    anything = reported_rules(got_json)
    certain = reported_rules(got_json, certain_only=True)
    for r in exp:
        st = stats.setdefault(r, RuleStats())
        if r in anything:
            st.tp += 1
        else:
            st.fn += 1
    extra = sorted(certain - ok)
    for r in extra:
        stats.setdefault(r, RuleStats()).fp += 1
    return {"missing": sorted(exp - anything), "unexpected": extra}


def sections_found(expected: Iterable[str], got_json: Mapping[str, Any] | None) -> tuple[int, int]:
    exp = list(expected)
    got = (got_json or {}).get("sections") or {}
    return sum(1 for k in exp if got.get(k) is not None), len(exp)


@dataclass
class AgencyStats:
    """The agency of documents: *exact* when it is the document's after canonicalisation
    (``model.agency.canonical_agency``) and not marked uncertain; *wrong* another name given as
    certain; *uncertain* when gongkai says it is not sure; *missed* none and no reason; and
    *not_name* an agency given that is not a name at all (a sentence fragment)."""

    total: int = 0
    exact: int = 0
    wrong: int = 0
    uncertain: int = 0
    missed: int = 0
    not_name: int = 0
    mismatches: list[tuple[str | None, str | None]] = field(default_factory=list)

    def add(self, other: AgencyStats) -> None:
        for k in ("total", "exact", "wrong", "uncertain", "missed", "not_name"):
            setattr(self, k, getattr(self, k) + getattr(other, k))
        self.mismatches.extend(other.mismatches)

    @property
    def exact_pct(self) -> float | None:
        return 100.0 * self.exact / self.total if self.total else None


def judge_agency(want: str | None, got_json: Mapping[str, Any] | None) -> AgencyStats:
    """One document's agency against the one it shows (``want``)."""
    got = (got_json or {}).get("agency")
    unsure = any(u.get("where") == "agency" for u in (got_json or {}).get("uncertain", []))
    s = AgencyStats(total=1, not_name=int(got is not None and not is_agency_name(got)))
    if got is not None and want is not None and canonical_agency(got) == canonical_agency(want) and not unsure:
        s.exact = 1
    elif unsure:
        s.uncertain = 1
    elif got is None:
        s.missed = 1
    else:
        s.wrong = 1
    if not s.exact:
        s.mismatches.append((want, got))
    return s
