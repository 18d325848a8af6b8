"""Low-confidence OCR digits that every identity rejects become uncertain, never corrected."""

from __future__ import annotations

import copy
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.model.report import LOW_CONFIDENCE, Report
from gongkai.parse.misreads import doubt_misreads, one_digit_apart
from gongkai.testing.generate import GeneratedReport
from gongkai.testing.strategies import consistent_reports

TOTAL = ("applications", "processed_total", "total")


def _report(g: GeneratedReport) -> Report:
    return copy.deepcopy(g.report)


def _set(report: Report, row: str, col: str, value: int, confidence: float) -> None:
    cells = report.tables["applications"][row]  # type: ignore[index]
    assert cells is not None
    unsure = "识别置信度低" if confidence < LOW_CONFIDENCE else None  # as the table reader marks OCR'd cells
    cells[col] = replace(cells[col], value=value, raw=str(value), confidence=confidence, unconfirmed=unsure)


def _value(report: Report, *ref: str) -> int:
    cell = report.cell(*ref)
    assert cell is not None and isinstance(cell.value, int)
    return cell.value


def _slip(n: int) -> int:
    """``n`` with its last digit misread."""
    return n - n % 10 + (n % 10 + 1) % 10


@settings(max_examples=40, deadline=None)
@given(consistent_reports())
def test_a_digit_slip_read_with_low_confidence_is_doubted_with_both_readings(g: GeneratedReport) -> None:
    report = _report(g)
    true = _value(report, *TOTAL)
    _set(report, "processed_total", "total", _slip(true), 0.44)
    assert doubt_misreads(report) == 1
    cell = report.cell(*TOTAL)
    assert cell is not None and cell.value is None
    assert cell.candidates == (_slip(true), true)
    assert cell.uncertain and str(true) in cell.uncertain


@settings(max_examples=20, deadline=None)
@given(consistent_reports())
def test_a_confident_number_is_never_doubted(g: GeneratedReport) -> None:
    report = _report(g)
    true = _value(report, *TOTAL)
    _set(report, "processed_total", "total", _slip(true), 1.0)
    assert doubt_misreads(report) == 0
    assert _value(report, *TOTAL) == _slip(true)


@settings(max_examples=20, deadline=None)
@given(consistent_reports(), st.integers(11, 999))
def test_a_total_off_by_more_than_a_digit_slip_is_the_report_s_own_error(g: GeneratedReport, delta: int) -> None:
    report = _report(g)
    true = _value(report, *TOTAL)
    wrong = true + delta
    while one_digit_apart(str(wrong), str(true)):
        wrong += 1
    _set(report, "processed_total", "total", wrong, 0.4)
    assert doubt_misreads(report) == 0
    assert _value(report, *TOTAL) == wrong


@settings(max_examples=20, deadline=None)
@given(consistent_reports())
def test_a_slip_that_another_low_cell_could_explain_is_left_to_the_checks(g: GeneratedReport) -> None:
    """Two doubtful cells in every identity of the total: no one of them is to blame."""
    report = _report(g)
    true = _value(report, *TOTAL)
    _set(report, "processed_total", "total", _slip(true), 0.4)
    # (七)总计's row sum and the 总计 column's two identities all pass through these cells
    received = _value(report, "applications", "received", "total")
    _set(report, "received", "total", received, 0.4)
    rows = report.tables["applications"]["processed_total"]  # type: ignore[index]
    assert rows is not None
    for col, cell in rows.items():
        if col != "total" and isinstance(cell.value, int):
            _set(report, "processed_total", col, cell.value, 0.4)
    assert doubt_misreads(report) == 0


@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_one_digit_apart_is_symmetric_and_needs_a_difference(a: int, b: int) -> None:
    assert one_digit_apart(str(a), str(b)) == one_digit_apart(str(b), str(a))
    assert not one_digit_apart(str(a), str(a))


@pytest.mark.parametrize(
    ("a", "b", "apart"),
    [("13", "113", True), ("113", "13", True), ("18", "19", True), ("18", "81", False), ("5", "500", False)],
)
def test_one_digit_apart(a: str, b: str, apart: bool) -> None:
    assert one_digit_apart(a, b) is apart


@settings(max_examples=20, deadline=None)
@given(consistent_reports())
def test_a_low_confidence_number_is_listed_as_uncertain_unless_an_identity_confirms_it(g: GeneratedReport) -> None:
    report = _report(g)
    true = _value(report, *TOTAL)
    _set(report, "processed_total", "total", true, 0.5)  # the identities hold: confirmed
    t2 = report.tables["active_disclosure"]
    assert t2 is not None
    row, cells = next((k, v) for k, v in t2.items() if v)
    col, cell = next(iter(cells.items()))
    cells[col] = replace(cell, confidence=0.5, unconfirmed="识别置信度低（0.50）")  # no identity in table 2
    doubt_misreads(report)
    listed = {u["where"]: u for u in report.to_json(provenance=False)["uncertain"]}
    assert f"active_disclosure.{row}.{col}" in listed
    assert "置信度" in listed[f"active_disclosure.{row}.{col}"]["reason"]
    assert "applications.processed_total.total" not in listed
    wrong = true + 37 if not one_digit_apart(str(true + 37), str(true)) else true + 137
    _set(report, "processed_total", "total", wrong, 0.5)  # every identity rejects it, not for a slip
    doubt_misreads(report)
    listed = {u["where"] for u in report.to_json(provenance=False)["uncertain"]}
    assert "applications.processed_total.total" in listed
    assert report.to_json(provenance=False)["tables"]["applications"]["processed_total"]["total"] == wrong
