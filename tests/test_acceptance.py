"""Issue acceptance on the real documents: what each seed and corpus report must yield.

Cell-by-cell values live in tests/golden/ (written by reading the documents); here we check
the findings and structure the issues name."""

from __future__ import annotations

import pytest

from conftest import shared_file
from gongkai.model.report import Report
from gongkai.pipeline import parse_path


def _parse(sub: str, pattern: str) -> Report:
    return parse_path(str(shared_file(sub, pattern)))


def _rules(r: Report, severity: str | None = None) -> set[str]:
    return {f.rule for f in r.findings if severity is None or f.severity == severity}


def test_seed_001_clean() -> None:
    r = _parse("seeds", "001_*.txt")
    assert (r.agency, r.year, r.template) == ("临沂市行政审批服务局", 2024, "v2021")
    assert not _rules(r, "error")
    assert r.value("active_disclosure", "fees", "amount") == 39910.33
    assert r.value("appeals", "litigation_direct", "upheld") == 2


def test_seed_002_numbering_slip_is_a_warning_only() -> None:
    r = _parse("seeds", "002_*.txt")
    assert r.agency and "沂源县" in r.agency and r.year == 2024 and r.template == "v2021"
    slips = [f for f in r.findings if f.rule == "section_title"]
    assert slips and slips[0].where == "sections.active_disclosure" and "2、" in slips[0].message
    assert not _rules(r, "error")


def test_seed_003_v2019_cut_table_early_signature() -> None:
    r = _parse("seeds", "003_*.txt")
    assert (r.year, r.template) == (2020, "v2019")
    assert r.signed_on is not None and r.signed_on.isoformat() == "2020-01-27"
    errors = _rules(r, "error")
    assert {"signed_before_period_end", "table_incomplete", "section_missing", "table_missing"} <= errors
    assert any(f.rule == "section_missing" and f.where == "sections.appeals" for f in r.findings)
    assert any(f.rule == "table_missing" and f.where == "tables.appeals" for f in r.findings)
    assert any(f.rule == "table_incomplete" and f.where == "tables.applications" for f in r.findings)
    lic = r.tables["active_disclosure"]["licensing"]  # type: ignore[index]
    assert lic is not None and [lic[c].value for c in ("prior_items", "change", "decisions")] == [79, 69, 11983]


@pytest.mark.parametrize("pattern", ["000_*.txt", "004_*.txt"])
def test_missing_tables_are_errors_not_zeros(pattern: str) -> None:
    r = _parse("seeds", pattern)
    assert len(r.section_titles) == 6
    assert r.tables["active_disclosure"] is None and r.tables["appeals"] is None
    assert {"table_missing"} <= _rules(r, "error")
    t3 = r.tables["applications"]
    if t3 is not None:
        assert "table_incomplete" in _rules(r, "error")
        # the rows the document lacks are absent, never filled with 0
        assert t3["received"] is None


def test_pingtan_template_switch_and_the_unbalanced_year() -> None:
    seen = {}
    for year in (2019, 2020, 2021, 2022, 2024):
        r = _parse("corpus", f"pingtan-{year}.txt")
        assert r.year == year and r.agency == "平潭综合实验区"
        seen[year] = r
    assert [seen[y].template for y in (2019, 2020, 2021, 2022, 2024)] == ["v2019", "v2019", "v2021", "v2021", "v2021"]
    unbalanced = [y for y, r in seen.items() if "t3_outcome_total" in _rules(r, "error")]
    assert unbalanced == [2020]
    for r in seen.values():
        t3 = r.tables["applications"]
        assert t3 is not None
        assert all(row is not None and all(c.known for c in row.values()) for row in t3.values())
        t4 = r.tables["appeals"]
        assert t4 is not None and all(row is not None and all(c.known for c in row.values()) for row in t4.values())
