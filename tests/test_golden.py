"""The golden set: every cell of every real document as the document shows it.

The goldens were written by reading the documents (tests/golden/README.md); a failure
names the document and cell so the parser can be fixed, never the golden file.

The ``real-2026`` set (reports of other provinces and levels, in ``tests/real/``) is not yet
held to every cell here: the parser is being taught their shapes (issue 11) and
``bench/real_eval.py`` reports how far it gets. Here those goldens are only checked to be
well formed: the document is there, the tables have the template's rows and columns, and
what the golden says about the arithmetic is true of its own numbers."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gongkai.checks import run_checks
from gongkai.model.template import TABLE_KEYS, TEMPLATES, Identity, TableSpec
from gongkai.parse import parse_document
from gongkai.readers import read
from gongkai.testing.defects import ARITHMETIC_RULES
from gongkai.testing.golden import GOLDEN_DIR, REAL_SET, REPO_PREFIX, document_path, golden_set, judge, load_goldens

ALL_GOLDENS = load_goldens(GOLDEN_DIR)
GOLDENS = [g for g in ALL_GOLDENS if golden_set(g) != REAL_SET]
REAL = [g for g in ALL_GOLDENS if golden_set(g) == REAL_SET]


def _read(golden: dict[str, Any]) -> dict[str, Any]:
    path = document_path(golden)
    if not path.is_file():
        pytest.skip(f"{path} not found (set GONGKAI_SHARED)")
    report = parse_document(read(str(path)))
    report.findings = run_checks(report)
    return report.to_json(provenance=False)


def test_golden_files_exist() -> None:
    assert len(GOLDENS) >= 10


@pytest.mark.parametrize("golden", GOLDENS, ids=[g["_file"] for g in GOLDENS])
def test_golden_cells(golden: dict[str, Any]) -> None:
    res = judge(golden, _read(golden))
    assert res.cells.mismatches == [], json.dumps(res.cells.mismatches[:20], ensure_ascii=False)
    assert res.cells.exact == res.cells.total


@pytest.mark.parametrize("golden", GOLDENS, ids=[g["_file"] for g in GOLDENS])
def test_golden_fields(golden: dict[str, Any]) -> None:
    res = judge(golden, _read(golden))
    wrong = {k: res.field_values.get(k) for k, ok in res.fields.items() if not ok}
    assert not wrong, wrong
    assert res.sections[0] == res.sections[1], f"sections found {res.sections}"


@pytest.mark.parametrize("golden", GOLDENS, ids=[g["_file"] for g in GOLDENS])
def test_golden_findings(golden: dict[str, Any]) -> None:
    res = judge(golden, _read(golden))
    assert not res.missing_findings, f"expected findings not reported: {res.missing_findings}"
    assert not res.forbidden_found, f"forbidden findings reported: {res.forbidden_found}"


# --- the real-2026 set: well formed (the parser is not held to it yet) ---------------------


def test_real_set_present() -> None:
    assert len(REAL) >= 15
    assert len({(g.get("agency") or g.get("agency_contains"), g["year"]) for g in REAL}) == len(REAL)


def _layout(golden: dict[str, Any], key: str) -> TableSpec:
    spec = TEMPLATES[golden["template"]].table(key)
    return spec.effective(set(golden["tables"][key] or ()))


def _value(golden: dict[str, Any], table: str, row: str, column: str) -> float:
    # a blank cell adds nothing (checks treat it as 0 and call the result uncertain)
    cells = golden["tables"][table][row]
    v = None if cells is None else cells[column]
    return 0 if v is None else v


def _holds(golden: dict[str, Any], identity: Identity) -> bool:
    table = "appeals" if identity.rule == "t4_total" else "applications"
    lhs = sum(_value(golden, table, r, c) for r, c in identity.lhs)
    rhs = sum(_value(golden, table, r, c) for r, c in identity.rhs)
    return lhs == rhs


@pytest.mark.parametrize("golden", REAL, ids=[g["_file"] for g in REAL])
def test_real_golden_well_formed(golden: dict[str, Any]) -> None:
    assert golden["document"].startswith(REPO_PREFIX), "real-2026 documents live in tests/real/"
    assert document_path(golden).is_file(), golden["document"]
    assert golden["template"] in TEMPLATES
    assert golden.get("agency") or golden.get("agency_contains")
    assert isinstance(golden["year"], int) and TEMPLATES[golden["template"]].applies_to(golden["year"])
    assert set(golden["sections"]) <= {s.key for s in TEMPLATES[golden["template"]].sections}
    paths = set()
    for key in TABLE_KEYS:
        table = golden["tables"][key]
        assert table is not None, f"{key}: every real-2026 document has the three tables"
        spec = _layout(golden, key)
        assert list(table) == [r.key for r in spec.rows], f"{key}: rows differ from the template"
        for row in spec.rows:
            if table[row.key] is None:
                continue  # a row the document lacks (e.g. no 规章 row in table 2): null, never made up
            cols = [c.key for c in spec.row_columns(row)]
            assert list(table[row.key]) == cols, f"{key}.{row.key}: columns differ from the template"
            for col in spec.row_columns(row):
                v = table[row.key][col.key]
                paths.add(f"{key}.{row.key}.{col.key}")
                if v is None:
                    continue
                assert isinstance(v, (int, float)) and not isinstance(v, bool), f"{key}.{row.key}.{col.key}: {v!r}"
                if col.kind == "count":
                    assert isinstance(v, int) and v >= 0, f"{key}.{row.key}.{col.key}: {v!r}"
    assert set(golden.get("ambiguous", {})) <= paths
    template = TEMPLATES[golden["template"]]
    identities = template.identities_of("applications", golden["tables"]["applications"]) + template.identities_of(
        "appeals"
    )
    for rule in set(golden.get("forbidden_findings", [])) & ARITHMETIC_RULES:
        broken = [i.name for i in identities if i.rule == rule and not _holds(golden, i)]
        assert not broken, f"forbidden {rule} but the golden's own numbers break it at {broken}"
    for rule in set(golden.get("expected_findings", [])) & ARITHMETIC_RULES:
        assert any(i.rule == rule and not _holds(golden, i) for i in identities), f"expected {rule}: nothing breaks it"
