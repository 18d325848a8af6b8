"""Series of reports for the across rules: deterministic, continuous when clean, each planted
defect found by its rules and nothing else (on the truth, and through documents and the store)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from gongkai.checks.across import ALL_ACROSS_RULES, aggregate_mismatch, department_sums, run_pair_rules
from gongkai.model.report import Finding
from gongkai.model.template import APPLICANT_PARTS
from gongkai.testing.series import ACROSS_DEFECTS, Series, by_report, generate_series

ROOT = Path(__file__).resolve().parent.parent
SMALL = 3
SEEDS = (0, 1, 2)
SEVERITY = ("info", "warning", "error")


def _across_eval():
    spec = importlib.util.spec_from_file_location("across_eval", ROOT / "bench" / "across_eval.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["across_eval"] = mod
    spec.loader.exec_module(mod)
    return mod


def _truth_findings(series: Series) -> dict[tuple[str, int], list[Finding]]:
    """The across rules on the generated reports themselves (no document, no store)."""
    idx = by_report(series)
    out = {}
    for sr in series.reports:
        prev = idx.get((sr.agency, sr.year - 1))
        found = [f for f in run_pair_rules(sr.report, prev.report if prev else None) if f.rule != "not_checkable"]
        if sr.agency in series.departments:
            depts = [idx[(d, sr.year)].report for d in series.departments[sr.agency]]
            found += aggregate_mismatch(sr.report, *department_sums(depts))
        out[(sr.agency, sr.year)] = found
    return out


def test_deterministic() -> None:
    a, b = generate_series(SMALL, 7), generate_series(SMALL, 7)
    dump = [json.dumps([r.report.to_json(), r.defect, sorted(r.expected)], default=str) for r in a.reports]
    assert dump == [json.dumps([r.report.to_json(), r.defect, sorted(r.expected)], default=str) for r in b.reports]


@pytest.mark.parametrize("seed", SEEDS)
def test_small_series_plants_every_across_defect(seed: int) -> None:
    s = generate_series(SMALL, seed)
    assert all(s.planted()[k] >= 1 for k in ACROSS_DEFECTS), s.planted()
    years = {(r.agency, r.year) for r in s.reports}
    assert any(r.defect is None and (r.agency, r.year - 1) in years for r in s.reports), "a clean year to compare"
    assert s.departments, "a government with departments"


@pytest.mark.parametrize("seed", SEEDS)
def test_clean_years_continue_last_year(seed: int) -> None:
    s = generate_series(SMALL, seed)
    idx = by_report(s)
    for sr in s.reports:
        prev = idx.get((sr.agency, sr.year - 1))
        if prev is None or sr.defect is not None:
            continue
        for c in APPLICANT_PARTS:
            assert sr.report.value("applications", "carried_over", c) == prev.report.value(
                "applications", "carried_forward", c
            )


@pytest.mark.parametrize("seed", SEEDS)
def test_on_the_truth_each_defect_fires_its_rules_and_nothing_else(seed: int) -> None:
    s = generate_series(SMALL, seed)
    found = _truth_findings(s)
    for sr in s.reports:
        got = found[(sr.agency, sr.year)]
        assert {f.rule for f in got} == sr.expected, (sr.agency, sr.year, sr.defect, [f.message for f in got])
        if sr.grade:
            grade = max((f.severity for f in got if f.rule == "text_reuse"), key=SEVERITY.index)
            assert grade == sr.grade


@pytest.mark.parametrize("seed", SEEDS)
def test_through_documents_and_the_store_every_planted_defect_is_found(seed: int) -> None:
    res = _across_eval().run_across_eval(SMALL, seed)
    assert res["failed"] == [] and res["ingested"] == res["reports"]
    assert set(res["rules"]) == set(ALL_ACROSS_RULES)
    for rule, st in res["rules"].items():
        assert st["tp"] >= 1, rule
        assert (st["fp"], st["fn"]) == (0, 0), (rule, res["failures"])
    json.dumps(res)  # JSON-able as it is
