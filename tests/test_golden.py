"""The golden set: every cell of every real document as the document shows it.

The goldens were written by reading the documents (tests/golden/README.md); a failure
names the document and cell so the parser can be fixed, never the golden file."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import SHARED
from gongkai.checks import run_checks
from gongkai.parse import parse_document
from gongkai.readers import read
from gongkai.testing.golden import GOLDEN_DIR, judge, load_goldens

GOLDENS = load_goldens(GOLDEN_DIR)


def _read(golden: dict[str, Any]) -> dict[str, Any]:
    path = SHARED / golden["document"]
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
