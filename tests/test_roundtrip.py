"""Round trip: reports generated from the model, rendered to every format we can write,
read back by gongkai: the same cells, and the planted arithmetic defects found."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from gongkai.checks import run_checks
from gongkai.parse import parse_document
from gongkai.readers import read_bytes
from gongkai.testing.compare import compare_tables, reported_rules
from gongkai.testing.corpus import docx_available, render_bytes
from gongkai.testing.defects import ARITHMETIC_DEFECTS
from gongkai.testing.generate import GeneratedReport
from gongkai.testing.strategies import consistent_reports, inconsistent_reports

EXAMPLES = int(os.environ.get("GONGKAI_ROUNDTRIP_EXAMPLES", "150"))
"""Per format and kind of report: about two thousand documents in all, under two minutes
(bench/roundtrip.py raises it)."""
EXACT_FORMATS = ("html", "tsv", "cells", "markdown", "pdftext")
"""Formats whose cells have separators: every cell must read back exactly."""
ALL_FORMATS = (*EXACT_FORMATS, "flat")
DOCX_EXAMPLES = max(10, EXAMPLES // 8)
"""python-docx needs most of a second to write a report: fewer DOCX examples in CI."""
SUFFIX = {"html": ".html", "markdown": ".md", "docx": ".docx"}
DERANDOMIZE = "GONGKAI_ROUNDTRIP_EXAMPLES" not in os.environ
"""CI draws the same examples every run; bench/roundtrip.py explores new ones."""
RUN = settings(
    max_examples=EXAMPLES, deadline=None, derandomize=DERANDOMIZE, suppress_health_check=[HealthCheck.too_slow]
)


def _read_back(gen: GeneratedReport, fmt: str) -> dict[str, Any]:
    data = render_bytes(gen, fmt)
    report = parse_document(read_bytes(f"r{SUFFIX.get(fmt, '.txt')}", data))
    report.findings = run_checks(report)
    return report.to_json(provenance=False)


def _assert_cells(gen: GeneratedReport, got: dict[str, Any], allow_uncertain: bool) -> None:
    s = compare_tables(gen.report.to_json(provenance=False)["tables"], got)
    assert s.wrong == 0, json.dumps([m for m in s.mismatches if m["kind"] == "wrong"][:10], ensure_ascii=False)
    if not allow_uncertain:
        assert s.exact == s.total, json.dumps(s.mismatches[:10], ensure_ascii=False)


@pytest.mark.parametrize("fmt", EXACT_FORMATS)
@RUN
@given(gen=consistent_reports())
def test_consistent_reports_read_back_exactly(fmt: str, gen: GeneratedReport) -> None:
    got = _read_back(gen, fmt)
    _assert_cells(gen, got, allow_uncertain=False)
    assert got["template"] == gen.report.template
    false = reported_rules(got, certain_only=True) & set(ARITHMETIC_DEFECTS)
    assert not false, f"arithmetic findings on a consistent report: {false}"


@pytest.mark.parametrize("fmt", EXACT_FORMATS)
@RUN
@given(gen=inconsistent_reports())
def test_planted_defects_found(fmt: str, gen: GeneratedReport) -> None:
    got = _read_back(gen, fmt)
    _assert_cells(gen, got, allow_uncertain=False)
    rules = reported_rules(got)
    assert gen.expected <= rules, f"planted {gen.defects}, reported {sorted(rules)}"
    extra = (reported_rules(got, certain_only=True) & set(ARITHMETIC_DEFECTS)) - gen.expected
    assert not extra, f"planted {gen.defects}, also reported {sorted(extra)}"


@pytest.mark.parametrize("fmt", [f for f in ALL_FORMATS if f not in EXACT_FORMATS])
@settings(max_examples=EXAMPLES // 3, deadline=None, derandomize=DERANDOMIZE)
@given(gen=consistent_reports())
def test_no_wrong_cells_without_separators(fmt: str, gen: GeneratedReport) -> None:
    """Run-together cells may be left uncertain (table 2 has no identity), never misread."""
    _assert_cells(gen, _read_back(gen, fmt), allow_uncertain=True)


DOCX_RUN = settings(
    max_examples=DOCX_EXAMPLES, deadline=None, derandomize=DERANDOMIZE, suppress_health_check=[HealthCheck.too_slow]
)


@pytest.mark.skipif(not docx_available(), reason="the DOCX renderer is not installed")
@DOCX_RUN
@given(gen=consistent_reports())
def test_docx_consistent_reports_read_back_exactly(gen: GeneratedReport) -> None:
    test_consistent_reports_read_back_exactly.hypothesis.inner_test("docx", gen)  # type: ignore[attr-defined]


@pytest.mark.skipif(not docx_available(), reason="the DOCX renderer is not installed")
@DOCX_RUN
@given(gen=inconsistent_reports())
def test_docx_planted_defects_found(gen: GeneratedReport) -> None:
    test_planted_defects_found.hypothesis.inner_test("docx", gen)  # type: ignore[attr-defined]
