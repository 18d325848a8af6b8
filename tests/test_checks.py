"""Rules on reports built from the model (no reading involved): what each must and must not say."""

from __future__ import annotations

import datetime as dt

import pytest

from gongkai.checks import run_checks
from gongkai.model.report import Cell, Fact, Report
from gongkai.model.template import SECTIONS
from gongkai.testing.generate import generate


@pytest.fixture
def report() -> Report:
    rep = generate(5, "v2021", defects=()).report
    rep.facts = []
    return rep


def _row(rep: Report, table: str, row: str) -> dict[str, Cell]:
    out = (rep.tables[table] or {})[row]
    assert out is not None
    return out


def test_text_number_against_a_blank_cell_is_a_mismatch(report: Report) -> None:
    disclosed = _row(report, "applications", "disclosed")
    for col in disclosed:
        disclosed[col] = Cell(None, "", blank=True)
    report.facts = [Fact("applications.disclosed.total", 6, "予以公开6件")]
    assert "narrative_mismatch" in {f.rule for f in run_checks(report, ["narrative_mismatch"])}
    report.facts = [Fact("applications.disclosed.total", 0, "予以公开0件")]
    assert not run_checks(report, ["narrative_mismatch"])


def test_blank_or_zero_cells_still_let_the_row_be_checked(report: Report) -> None:
    row = _row(report, "applications", "received")
    zero_cols = [c for c, cell in row.items() if cell.value == 0 and c != "total"]
    assert zero_cols, "the fixture report needs a zero applicant cell"
    col = zero_cols[0]
    row[col] = Cell(None, "0", uncertain="此处是 0 还是空白无法确定", candidates=(0, None))
    assert not run_checks(report, ["t3_row_total"])  # it adds 0 either way: the row holds
    total = row["total"]
    row["total"] = Cell((total.value or 0) + 5, str((total.value or 0) + 5))
    found = run_checks(report, ["t3_row_total"])
    assert [f.rule for f in found] == ["t3_row_total"] and found[0].uncertain


def test_a_rule_broken_however_the_table_is_read(report: Report) -> None:
    for row in (report.tables["appeals"] or {}).values():
        for col in row or {}:
            (row or {})[col] = Cell(None, "1", uncertain="单元格边界丢失", candidates=(0, 1))
    assert {f.rule for f in run_checks(report, ["t4_total"])} == {"not_checkable"}
    report.broken_rules = {"appeals": ["t4_total"]}
    found = run_checks(report, ["t4_total"])
    assert [f.rule for f in found] == ["t4_total"] and found[0].severity == "error" and found[0].uncertain


def test_a_period_statement_that_cannot_be_read_is_not_called_missing() -> None:
    """``自202111日起至20211231日止`` (the source lost the month's digits): the report states a
    period; the finding says it cannot be read, never that it is not stated."""
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes

    text = "清河县统计局2021年政府信息公开工作年度报告\n本报告所列数据的统计期限自202111日起至20211231日止。\n"
    report = parse_document(read_bytes("doc.txt", (text + "一、总体情况\n工作有序开展。\n").encode()))
    messages = [f.message for f in run_checks(report) if f.rule == "statistics_period"]
    assert len(messages) == 1 and "无法识别" in messages[0] and "未说明" not in messages[0]


@pytest.mark.parametrize("agency", ["天津市", "乌海市海南区", "正蓝旗", "清河县人民政府"])
def test_a_government_named_by_its_place_alone_has_until_31_march(report: Report, agency: str) -> None:
    """``天津市2020年政府信息公开工作年度报告``: a place named alone is its government (the 3-31
    deadline), a 街道 is not (its 办事处 is a department's deadline)."""
    from gongkai.parse.meta import is_government

    assert report.year is not None
    report.agency, report.is_government = agency, is_government(agency)
    report.published_on = dt.date(report.year + 1, 3, 30)
    assert not run_checks(report, ["published_late"])
    assert not is_government("永吉街道") and not is_government("清河县统计局")


def test_a_report_whose_body_is_unknown_is_late_only_when_late_for_any_body(report: Report) -> None:
    """No agency read (so no knowing whether the 31 January or the 31 March deadline applies): a
    report published on 14 March was accused as a department's; only what is late for a
    government's report too is late."""
    assert report.year is not None
    report.agency, report.is_government = None, False
    report.published_on = dt.date(report.year + 1, 3, 14)
    assert not run_checks(report, ["published_late"])
    report.published_on = dt.date(report.year + 1, 4, 2)
    (finding,) = run_checks(report, ["published_late"])
    assert finding.severity == "error" and f"{report.year + 1}-03-31" in finding.message


def test_a_signature_on_the_period_s_last_day_is_said_to_be_its_last_day(report: Report) -> None:
    assert report.year is not None
    report.published_on = None
    report.signed_on = dt.date(report.year, 12, 31)
    (finding,) = run_checks(report, ["signed_before_period_end"])
    assert "最后一天" in finding.message and "早于" not in finding.message
    report.signed_on = dt.date(report.year, 12, 30)
    (finding,) = run_checks(report, ["signed_before_period_end"])
    assert f"早于 {report.year} 年度统计期结束" in finding.message


def test_a_report_before_the_revised_regulation_owes_no_template_heading_or_article_50(report: Report) -> None:
    """A 2018 report followed the old 条例: no national headings, no 第五十条 考核 results."""
    report.is_government = True
    report.section_titles = {s.key: "一、概述" for s in SECTIONS}
    report.sections = {k: "本年度工作。" for k in report.sections}
    rules = ["section_title", "government_assessment_missing"]
    assert {f.rule for f in run_checks(report, rules)} == set(rules)
    report.year = 2018
    assert run_checks(report, rules) == []
