"""The golden set: real documents with what they show, written by reading them.

Each ``tests/golden/*.json`` names a document under the shared folder (or, written
``repo:tests/real/…``, in this repository) and holds the JSON contract's subset a reader must
reproduce (see ``tests/golden/README.md``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.model.agency import canonical_agency
from gongkai.testing.compare import CellStats, compare_tables, reported_rules, same_number

ROOT = Path(__file__).resolve().parents[3]
GOLDEN_DIR = ROOT / "tests" / "golden"
REPO_PREFIX = "repo:"
"""A ``document`` written ``repo:<path>`` lives in this repository, not in the shared folder."""
REAL_SET = "real-2026"
"""Real reports of other provinces and levels (issue 11): reported apart until the parser reads them."""


def shared_dir() -> Path:
    return Path(os.environ.get("GONGKAI_SHARED", ROOT.parent / "shared"))


def document_path(golden: dict[str, Any]) -> Path:
    """Where the golden's document is: ``repo:`` paths from the repository root, others from the shared folder."""
    doc: str = golden["document"]
    if doc.startswith(REPO_PREFIX):
        return ROOT / doc.removeprefix(REPO_PREFIX)
    return shared_dir() / doc


def golden_set(golden: dict[str, Any]) -> str | None:
    """The set a golden belongs to (``"set"`` key); None for the original golden set."""
    value = golden.get("set")
    return value if isinstance(value, str) else None


def load_goldens(directory: Path = GOLDEN_DIR) -> list[dict[str, Any]]:
    out = []
    for p in sorted(directory.glob("*.json")):
        g = json.loads(p.read_text(encoding="utf-8"))
        g["_file"] = p.name
        out.append(g)
    return out


@dataclass
class GoldenResult:
    name: str
    cells: CellStats
    fields: dict[str, bool] = field(default_factory=dict)
    """agency / year / template / signed_on / tables present: right or not."""
    field_values: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    sections: tuple[int, int] = (0, 0)
    missing_findings: list[str] = field(default_factory=list)
    forbidden_found: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    agency_unsure: bool = False
    """gongkai listed the agency under ``uncertain``."""

    @property
    def ok(self) -> bool:
        return (
            self.error is None
            and self.cells.exact == self.cells.total
            and all(self.fields.values())
            and self.sections[0] == self.sections[1]
            and not self.missing_findings
            and not self.forbidden_found
        )


def _field_ok(golden: dict[str, Any], got: dict[str, Any], key: str) -> bool:
    if key == "agency" and golden.get("agency_contains"):
        return golden["agency_contains"] in (got.get("agency") or "")
    if key == "agency" and golden.get("agency_printed") and got.get("agency") == golden["agency_printed"]:
        return True  # the name as the document itself prints it
    if key == "agency" and golden.get("agency") and got.get("agency"):
        return canonical_agency(golden["agency"]) == canonical_agency(got["agency"])
    if key == "year":
        return same_number(golden.get("year"), got.get("year"))
    return golden.get(key) == got.get(key)


def judge(golden: dict[str, Any], got: dict[str, Any] | None, error: str | None = None) -> GoldenResult:
    ambiguous = golden.get("ambiguous", {})
    res = GoldenResult(golden.get("_file", golden["document"]), compare_tables(golden["tables"], got, ambiguous))
    if got is None:
        res.error = error or "not read"
        return res
    res.agency_unsure = any(u.get("where") == "agency" for u in got.get("uncertain", []))
    for key in ("agency", "year", "template", "signed_on"):
        if key in golden or (key == "agency" and "agency_contains" in golden):
            res.fields[key] = _field_ok(golden, got, key)
            res.field_values[key] = (golden.get("agency_contains") or golden.get(key), got.get(key))
    for tkey, table in golden["tables"].items():
        got_table = (got.get("tables") or {}).get(tkey)
        res.fields[f"tables.{tkey}"] = (got_table is not None) == (table is not None)
        if table is not None and got_table is not None:
            # a row the document lacks is absent, never made up (blank or 0)
            lacking = [r for r, row in table.items() if row is None]
            res.fields[f"tables.{tkey} rows absent"] = all(got_table.get(r) is None for r in lacking)
    want = golden.get("sections", [])
    got_sections = got.get("sections") or {}
    res.sections = (sum(1 for k in want if got_sections.get(k) is not None), len(want))
    rules = reported_rules(got)
    res.missing_findings = sorted(set(golden.get("expected_findings", [])) - rules)
    forbidden = set(golden.get("forbidden_findings", []))
    severities = set(golden.get("forbidden_severities", []))
    res.forbidden_found = sorted(
        {f["rule"] for f in got.get("findings", []) if f["rule"] in forbidden or f.get("severity") in severities}
        - set(golden.get("expected_findings", []))
    )
    return res
