"""Numbers in the text against the tables: sums of rows, received with carried over, denials
that are no count, blank totals."""

from __future__ import annotations

import pytest
from hypothesis import given, settings

from gongkai.checks import run_checks
from gongkai.model.report import Cell, Fact, Report
from gongkai.parse.facts import extract_facts
from gongkai.testing.generate import generate
from gongkai.testing.strategies import SEEDS


@pytest.fixture
def report() -> Report:
    rep = generate(5, "v2021", defects=()).report
    rep.facts = []
    return rep


def _total(rep: Report, row: str) -> int:
    cell = rep.cell("applications", row, "total")
    assert cell is not None and cell.value is not None
    return int(cell.value)


def _narrative(rep: Report) -> list[str]:
    return [f.message for f in run_checks(rep, ["narrative_mismatch"]) if f.rule == "narrative_mismatch"]


def facts_of(text: str) -> dict[str, int | float]:
    return {f.key: f.value for f in extract_facts(text)}


def test_disclosed_and_partly_disclosed_is_one_number_for_two_rows() -> None:
    facts = facts_of("办结28件，其中予以公开及部分公开12件，不予公开3件。")
    assert facts == {"applications.disclosed_and_partly.total": 12, "applications.withheld.total": 3}
    # the two rows stated apart are still each their own
    assert facts_of("予以公开5件，部分公开2件。") == {
        "applications.disclosed.total": 5,
        "applications.partly_disclosed.total": 2,
    }


def test_the_sum_is_compared_with_the_sum_once(report: Report) -> None:
    both = _total(report, "disclosed") + _total(report, "partly_disclosed")
    report.facts = [Fact("applications.disclosed_and_partly.total", both, f"予以公开及部分公开{both}件")]
    assert _narrative(report) == []
    report.facts = [Fact("applications.disclosed_and_partly.total", both + 1, f"予以公开及部分公开{both + 1}件")]
    assert len(_narrative(report)) == 1


@pytest.mark.parametrize(
    "sentence",
    [
        "本年度未发生因依申请公开被行政复议纠错或行政诉讼败诉的情况。",
        "未发生因政府信息公开被行政复议纠错或行政诉讼的情况。",
        "全年被行政复议纠错0件。",
    ],
)
def test_a_denial_of_corrected_cases_is_no_count_of_cases(sentence: str) -> None:
    facts = facts_of(sentence)
    assert "appeals.review.total" not in facts and "appeals.litigation.total" not in facts


def test_a_denial_of_any_case_is_a_count_of_zero() -> None:
    facts = facts_of("本年度未发生政府信息公开行政复议、行政诉讼案件。")
    assert facts == {"appeals.review.total": 0, "appeals.litigation.total": 0}


def test_received_may_count_the_carried_over_ones(report: Report) -> None:
    n = _total(report, "received") + _total(report, "carried_over")
    report.facts = extract_facts(
        f"本年度共受理政府信息公开申请{n}件（其中上年结转{_total(report, 'carried_over')}件）。"
    )
    assert _narrative(report) == []


def test_a_blank_total_is_compared_with_the_row_s_sum(report: Report) -> None:
    row = (report.tables["applications"] or {})["disclosed"]
    assert row is not None
    row["natural_person"] = Cell(6, "6")
    for col in row:
        if col not in ("natural_person", "total"):
            row[col] = Cell(None, "", blank=True)
    row["total"] = Cell(None, "", blank=True)
    report.facts = [Fact("applications.disclosed.total", 6, "予以公开6件")]
    assert _narrative(report) == []  # not "0 in the table"
    report.facts = [Fact("applications.disclosed.total", 7, "予以公开7件")]
    (msg,) = _narrative(report)
    assert "6" in msg and "空白" in msg
    # every cell blank: nothing happened (or not filled in), not the text's 6
    row["natural_person"] = Cell(None, "", blank=True)
    report.facts = [Fact("applications.disclosed.total", 6, "予以公开6件")]
    assert len(_narrative(report)) == 1


def test_an_unread_cell_makes_the_text_not_checkable(report: Report) -> None:
    row = (report.tables["applications"] or {})["disclosed"]
    assert row is not None
    row["total"] = Cell(None, "1213", uncertain="单元格边界丢失", candidates=(12, 13))
    report.facts = [Fact("applications.disclosed.total", 5, "予以公开5件")]
    found = run_checks(report, ["narrative_mismatch"])
    assert [f.rule for f in found] == ["not_checkable"] and found[0].severity == "info"


def test_a_row_in_doubt_is_not_a_count_of_zero(report: Report) -> None:
    """A row the parser could not lay out keeps its blank reading beside "something else"
    (candidates ``(None,)``): it is not checkable, not "the table says 0"."""
    row = (report.tables["applications"] or {})["disclosed"]
    assert row is not None
    for col in row:
        row[col] = Cell(None, "", uncertain="这一行的数字与相邻行之间没有分隔", candidates=(None,))
    report.facts = [Fact("applications.disclosed.total", 3, "予以公开3件")]
    found = run_checks(report, ["narrative_mismatch"])
    assert [f.rule for f in found] == ["not_checkable"]
    # a cell left as 0 or blank (a dump leaves no line for a blank) still counts as 0
    assert Cell(None, "", uncertain="0 还是空白", candidates=(0, None)).settled_value() == 0


def test_a_fact_the_2019_table_does_not_count_is_not_called_unread() -> None:
    """制发规范性文件N件 against the 2019 template's table 2 (新制作/新公开): no cell to compare,
    which is not a cell left unread (the bundled township sample said so of a table it read)."""
    rep = generate(5, "v2019", defects=()).report
    rep.facts = [Fact("active_disclosure.normative_documents.issued", 0, "制发规范性文件0件")]
    assert run_checks(rep, ["narrative_mismatch"]) == []
    rep.template = "v2021"
    rep.tables["active_disclosure"] = generate(5, "v2021", defects=()).report.tables["active_disclosure"]
    cells = rep.tables["active_disclosure"] or {}
    (cells["normative_documents"] or {})["issued"] = Cell(None, "", uncertain="单元格边界丢失", candidates=(1, 2))
    assert [f.rule for f in run_checks(rep, ["narrative_mismatch"])] == ["not_checkable"]


@settings(max_examples=150)
@given(SEEDS)
def test_the_generated_text_agrees_with_its_tables_unless_it_lies(seed: int) -> None:
    """Every way the generator states a number (sums, received with carried over, denials) is
    read and compared so that a true text draws no finding and a planted lie does."""
    gen = generate(seed)
    rep = gen.report
    rep.facts = extract_facts("\n".join(v for v in rep.sections.values() if v))
    found = _narrative(rep)
    if "narrative_mismatch" in gen.defects:
        assert found
    elif not {"table_missing", "table_incomplete"} & set(gen.defects):
        assert found == [], found


def test_one_outcome_among_the_processed_is_not_the_processed_total() -> None:
    """``办结的信息公开申请中同意公开答复9件`` (a real report): 9 were disclosed, not processed."""
    assert facts_of("办结的信息公开申请中同意公开答复9件，部分公开答复0件。") == {
        "applications.disclosed.total": 9,
        "applications.partly_disclosed.total": 0,
    }
    assert facts_of("共办结政府信息公开申请35件。") == {"applications.processed_total.total": 35}


@pytest.mark.parametrize(
    "sentence",
    [
        "全年制发公文类政府信息383条，其中主动公开54条、依申请公开316条、不予公开13条。",
        "本年度共制发文件120件，主动公开80件，依申请公开30件，不予公开10件。",
        # the words real reports use
        "全年共制发政府信息437条，其中，主动公开政府信息55条（涵盖政策及规范性文件类6条、其他30条）、依申请公开341条、不予公开41条。",
        "2020年，共制作政府信息（文件）617份，其中主动公开138份、依申请公开及不予公开431份。",
        "2022年制作、获取政府信息总数473条，其中主动公开政府信息123条，依申请公开信息数245条，不予公开信息数105条。",
        "全年印发公文类政府信息共510条，其中主动公开信息数169，依申请公开信息数317条，不予公开24条。",
    ],
)
def test_documents_counted_by_disclosure_attribute_are_no_application_outcomes(sentence: str) -> None:
    assert not [f for f in extract_facts(sentence) if f.key.startswith("applications.")]


@pytest.mark.parametrize(
    "text",
    [
        "其中主动公开54条、依申请公开316条、不予公开13条。办结申请6件，其中不予公开2件。",
        "全年主动公开信息1432条，依申请公开办理申请10件，其中不予公开2件。",
    ],
)
def test_an_outcome_stated_beside_the_attributes_sentence_is_still_read(text: str) -> None:
    assert [f.value for f in extract_facts(text) if f.key == "applications.withheld.total"] == [2]


def test_a_fee_statement_without_the_fee_s_name_is_a_fee_statement() -> None:
    report = generate(5).report
    report.template = "v2021"
    report.section_titles["other_matters"] = "六、其他需要报告的事项"
    report.sections["other_matters"] = "2025年度我局无向申请人收取政府信息公开费用的情况，无被追责问责的情况。"
    assert not [f for f in run_checks(report) if f.rule == "fee_statement_missing"]
    report.sections["other_matters"] = "本年度承办人大代表建议12件、政协提案24件，均已按时办结。"
    assert [f for f in run_checks(report) if f.rule == "fee_statement_missing"]


@pytest.mark.parametrize(
    "sentence",
    [
        "共制发政府信息130件,其中主动公开18件,不予公开112件。",  # a 温州 page
        "全年制作政府信息公文45条，其中主动公开40条，不予公开5条。",
    ],
)
def test_documents_made_and_withheld_are_no_applications(sentence: str) -> None:
    """A sentence counting the documents made counts its 不予公开 in documents, not
    applications, with or without 依申请公开 beside it."""
    assert [f for f in extract_facts(sentence) if f.key.startswith("applications.")] == []
    outcomes = extract_facts("办理结果为：予以公开3件，不予公开2件。")
    assert [f.value for f in outcomes if f.key.endswith("withheld.total")] == [2]
