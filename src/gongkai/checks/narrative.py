"""Text against tables, and what sections 五 and 六 must say."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from gongkai.checks.common import fmt
from gongkai.checks.registry import rule
from gongkai.model.report import Cell, Fact, Finding, Number, Report
from gongkai.model.template import REVISED_REGULATION_FIRST_YEAR
from gongkai.model.text import to_simplified
from gongkai.parse.facts import FEE_WORDS

# fact key → the rows (of ``applications``) whose totals' sum the text speaks about
_GROUPS = {
    "applications.withheld.total": "withheld_",
    "applications.unavailable.total": "unavailable_",
    "applications.not_processed.total": "not_processed_",
}
_SUMS = {
    "applications.disclosed_and_partly.total": ("disclosed", "partly_disclosed"),
    "appeals.litigation.total": ("litigation_direct", "litigation_after_review"),
}
"""Facts that state the sum of named rows' totals (``予以公开及部分公开N件``: one number for
two rows, compared once with their sum)."""
_FACT_LABEL = {
    "applications.received.total": "本年新收申请数",
    "applications.carried_over.total": "上年结转申请数",
    "applications.carried_forward.total": "结转下年度申请数",
    "applications.processed_total.total": "办理结果总计",
    "applications.disclosed.total": "予以公开数",
    "applications.partly_disclosed.total": "部分公开数",
    "applications.disclosed_and_partly.total": "予以公开与部分公开之和",
    "applications.withheld.total": "不予公开数",
    "applications.unavailable.total": "无法提供数",
    "applications.not_processed.total": "不予处理数",
    "appeals.review.total": "行政复议案件数",
    "appeals.litigation.total": "行政诉讼案件数",
    "active_disclosure.normative_documents.issued": "本年制发规范性文件数",
    "active_disclosure.normative_documents.in_force": "现行有效规范性文件数",
    "active_disclosure.normative_documents.repealed": "本年废止规范性文件数",
    "active_disclosure.regulations.issued": "本年制发规章数",
}


def _as_number(cell: Cell | None) -> Number | None:
    """The number a cell stands for in a comparison with the text: blank as 0 (nothing
    happened, or not filled in: either way not the text's 6); None when unread or uncertain."""
    if cell is None:
        return None
    if cell.uncertain:
        return cell.settled_value()
    if cell.blank:
        return 0
    return cell.value


@dataclass
class TableValue:
    """What the table says about a fact: the values the text may legitimately state (``None``:
    the table cannot tell) and the rows whose total was printed blank beside filled cells."""

    values: list[Number] | None
    summed_rows: list[str] = field(default_factory=list)
    applies: bool = True
    """False where the template has no cell that the fact counts (the 2019 template's table 2
    counts 新制作/新公开, not 制发): nothing to compare, and nothing left unread."""


def _row_totals(report: Report, table: str, row: str, out: TableValue) -> list[Number] | None:
    """What a row's total may stand for: the number printed; where the total is blank but other
    cells of the row are filled (a report that leaves the 总计 column empty), the sum of those
    cells, or 0 (a blank that means none); None when the row cannot tell."""
    cells = (report.tables.get(table) or {}).get(row)
    if not cells:
        return None
    total = cells.get("total")
    parts = [c for k, c in cells.items() if k != "total"]
    # a total printed blank, or left as blank or 0 (the document does not show which)
    blank_total = total is not None and (total.blank or (total.uncertain and total.settled_value() == 0))
    if blank_total and any(not c.blank and not c.uncertain for c in parts):
        values = [_as_number(c) for c in parts]
        if any(v is None for v in values):
            return None
        out.summed_rows.append(f"{table}.{row}")
        return list(dict.fromkeys((sum(v for v in values if v is not None), 0)))
    value = _as_number(total)
    return None if value is None else [value]


def table_values(report: Report, key: str) -> TableValue:
    """The table value(s) a fact may legitimately equal."""
    out = TableValue(None)
    table, _, rest = key.partition(".")
    if report.tables.get(table) is None:
        return out
    if key in _GROUPS or key in _SUMS:
        rows = [r for r in (report.tables[table] or {}) if r.startswith(_GROUPS[key])] if key in _GROUPS else _SUMS[key]
        per_row = [_row_totals(report, table, r, out) for r in rows]
        if not per_row or any(v is None for v in per_row):
            return out
        sums: list[Number] = [0]
        for values in per_row:
            sums = list(dict.fromkeys(a + b for a in sums for b in values or ()))
        out.values = sums
        return out
    row_key, _, col = rest.partition(".")
    if table == "active_disclosure" and report.template != "v2021":
        out.applies = False
        return out
    if col == "total":
        values = _row_totals(report, table, row_key, out)
    else:
        one = _as_number(report.cell(table, row_key, col))
        values = None if one is None else [one]
    if values is None:
        return out
    out.values = list(values)
    if key == "applications.received.total":
        # 收到（受理）申请 N 件 often counts last year's carried-over applications too
        for co in _row_totals(report, "applications", "carried_over", TableValue(None)) or ():
            out.values.extend(v + co for v in values)
    return out


@rule("narrative_mismatch", "warning", "正文数字与统计表一致")
def narrative_mismatch(report: Report) -> Iterator[Finding]:
    by_key: dict[str, list[Fact]] = {}
    for f in report.facts:
        by_key.setdefault(f.key, []).append(f)
    unread: list[Fact] = []
    for key, facts in by_key.items():
        tv = table_values(report, key)
        expected = tv.values
        if expected is None:
            if tv.applies and report.tables.get(key.partition(".")[0]) is not None:
                unread.append(facts[0])
            continue
        if any(any(abs(f.value - e) < 1e-6 for e in expected) for f in facts):
            continue
        f = facts[0]
        label = _FACT_LABEL.get(key, key)
        if f.value == 0 and key == "applications.received.total":
            msg = f"正文称“{f.text}”，但表三本年新收申请为 {fmt(expected[0])} 件"
        else:
            msg = f"正文“{f.text}”中的{label}为 {fmt(f.value)}，与统计表中的 {fmt(expected[0])} 不一致"
        if tv.summed_rows:
            msg += "（表中该行“总计”栏空白，按该行各栏之和计）"
        yield Finding(
            "narrative_mismatch",
            "warning",
            key,
            msg,
            expected=expected[0],
            found=f.value,
            source=f.source,
            uncertain=bool(tv.summed_rows),
        )
    if unread:
        yield Finding(
            "not_checkable",
            "info",
            "narrative_mismatch",
            f"无法核对正文数字（{len(unread)} 处）：统计表中相应单元格未能确定读数，例如正文“{unread[0].text}”",
            uncertain=True,
        )


_PROBLEM_WORDS = re.compile(r"问题|不足|短板|薄弱|差距|有待|改进|措施|加强|提升|完善")
MIN_PROBLEMS_CHARS = 20


@rule("problems_empty", "warning", "第五部分写明存在的问题和改进情况")
def problems_empty(report: Report) -> Iterator[Finding]:
    if "problems" not in report.section_titles:
        return
    text = to_simplified(report.sections.get("problems") or "").strip()
    body = re.sub(r"\s", "", text)
    if len(body) < MIN_PROBLEMS_CHARS or re.fullmatch(r"[（(]?无[）)]?[。.]?", body) or not _PROBLEM_WORDS.search(body):
        yield Finding(
            "problems_empty",
            "warning",
            "sections.problems",
            "第五部分“存在的主要问题及改进情况”内容空泛：未写明具体问题或改进措施",
            found=body[:40] or "（空）",
        )


@rule("fee_statement_missing", "warning", "第六部分说明信息处理费收取情况", templates=("v2021",))
def fee_statement_missing(report: Report) -> Iterator[Finding]:
    if "other_matters" not in report.section_titles:
        return  # the missing section is reported by section_missing
    text = to_simplified(report.sections.get("other_matters") or "")
    if not FEE_WORDS.search(text):
        yield Finding(
            "fee_statement_missing",
            "warning",
            "sections.other_matters",
            "第六部分未说明是否收取政府信息公开信息处理费（国办函〔2020〕109号）",
        )


_ASSESSMENT = re.compile(r"考核|社会评议|评议|责任追究|问责")


@rule("government_assessment_missing", "warning", "人民政府报告说明考核、社会评议和责任追究结果")
def government_assessment_missing(report: Report) -> Iterator[Finding]:
    if not report.is_government or (report.year is not None and report.year < REVISED_REGULATION_FIRST_YEAR):
        return  # 第五十条 is the revised 条例's
    text = to_simplified("".join(v for v in report.sections.values() if v))
    if not _ASSESSMENT.search(text):
        yield Finding(
            "government_assessment_missing",
            "warning",
            "sections",
            "人民政府的年度报告应说明政府信息公开工作考核、社会评议和责任追究结果（条例第五十条），未找到相关内容",
        )
