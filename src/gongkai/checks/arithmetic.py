"""Arithmetic inside the tables: the identities the template prints, checked cell by cell."""

from __future__ import annotations

from collections.abc import Iterator

from gongkai.checks.common import col_label, evaluate, fmt, row_label
from gongkai.checks.registry import rule
from gongkai.model.report import Finding, Report
from gongkai.model.template import Identity


def _identities(report: Report, rule_id: str) -> list[tuple[str, Identity]]:
    return [(table, i) for table, i in report.identities() if i.rule == rule_id]


def blank_totals(report: Report) -> list[tuple[str, float]]:
    """Rows of table 3 whose 总计 is blank while some applicant cell holds a number: (row,
    what the total would be). A blank is no 0: the printed numbers do not contradict each
    other, the report left its totals out."""
    out: list[tuple[str, float]] = []
    for table, ident in _identities(report, "t3_row_total"):
        total = report.cell(table, *ident.lhs[0]) if ident.lhs else None
        if total is None or not total.blank or total.uncertain:
            continue
        parts = [report.cell(table, r, c) for r, c in ident.rhs]
        numbers = [p.value for p in parts if p is not None and p.value is not None and not p.uncertain]
        if numbers and all(p is not None and (p.blank or p.value is not None) for p in parts):
            out.append((ident.lhs[0][0], float(sum(numbers))))
    return out


def _blank_total_cells(report: Report) -> set[str]:
    return {f"applications.{row}.total" for row, _ in blank_totals(report)}


def _side_text(report: Report, table: str, refs: tuple[tuple[str, str], ...], value: float) -> str:
    """A side's sum as the reviewer should read it: a blank is never called 0."""
    cells = [report.cell(table, r, c) for r, c in refs]
    if cells and all(c is not None and c.blank for c in cells):
        return "空白"
    # cells the document leaves as blank or 0 (it does not show which) and nothing else
    if value == 0 and cells and all(c is not None and (c.blank or c.uncertain) for c in cells):
        return "空白或 0"
    return fmt(value)


def _refs(table: str, ident: Identity) -> tuple[str, ...]:
    """The paths of the identity's cells (made only for a finding: most identities hold)."""
    return tuple(f"{table}.{r}.{c}" for r, c in (*ident.lhs, *ident.rhs))


def _check(report: Report, rule_id: str, describe: str) -> Iterator[Finding]:
    pending: list[str] = []
    pending_tables: list[str] = []
    reported: set[str] = set()
    covered: set[str] | None = None
    """Blank 总计 cells (``_blank_total_cells``), worked out only where a finding may turn on
    them: most identities hold."""

    def blank_totals_cells() -> set[str]:
        nonlocal covered
        if covered is None:
            covered = _blank_total_cells(report)
        return covered

    for table, ident in _identities(report, rule_id):
        ev = evaluate(report, table, ident)
        unreliable = report.unreliable.get(table)
        if not ev.checkable:
            if ident.name in report.unbalanced:
                refs = _refs(table, ident)
                msg = _place(report, table, ident) + f"这一行的数字无论如何划分到各栏，都不满足“{RULE_TITLES[rule_id]}”"
                if unreliable:
                    yield Finding(
                        rule_id, "warning", ident.name, msg + _unreliable_note(unreliable), cells=refs, uncertain=True
                    )
                else:
                    yield Finding(
                        rule_id,
                        "error",
                        ident.name,
                        msg + "，统计表本身有误（各栏数值无法确定）",
                        cells=refs,
                        uncertain=True,
                    )
                reported.add(table)
                continue
            # a row that is missing entirely is reported by table_incomplete; say once what was not checked
            pending.append(ident.name)
            pending_tables.append(table)
            continue
        if ev.holds:
            continue
        if ev.blanks and any(b in blank_totals_cells() for b in ev.blanks):
            continue  # blank 总计 cells: said once, by the blank-totals finding
        where = ident.name
        place = _place(report, table, ident)
        lhs = _side_text(report, table, ident.lhs, ev.lhs)
        rhs = _side_text(report, table, ident.rhs, ev.rhs)
        msg = place + describe.format(lhs=lhs, rhs=rhs, diff=fmt(ev.lhs - ev.rhs))
        severity = "error"
        uncertain = False
        if ev.blanks:
            # a blank is no 0: the report may have left out a number there
            smaller = ident.lhs if ev.lhs < ev.rhs else ident.rhs
            fillable = any(f"{table}.{r}.{c}" in ev.blanks for r, c in smaller)
            if fillable:
                msg += "；其中有空白单元格（空白不等于 0），若空白处填写了相差的数即可相符，无法判定统计表有误"
                severity, uncertain = "warning", True
            else:
                msg += "；另有空白单元格，但空白处无论填写什么都不能使两边相等"
        if ev.low_confidence:
            msg += "；涉及识别置信度较低的数字，请对照原件核实"
            severity, uncertain = "warning", True
        if unreliable and severity == "error":
            msg += _unreliable_note(unreliable)
            severity, uncertain = "warning", True
        refs = _refs(table, ident)
        yield Finding(rule_id, severity, where, msg, fmt(ev.rhs), fmt(ev.lhs), refs, uncertain)  # type: ignore[arg-type]
        reported.add(table)
    for table in list(dict.fromkeys(pending_tables)):
        if table not in reported and rule_id in report.broken_rules.get(table, ()):
            if table == "applications" and blank_totals_cells():
                continue  # blank 总计 cells, said once: blank is no 0, so no reading is broken
            unreliable = report.unreliable.get(table) or _blank_note(report, table)
            head = f"{TABLE_TITLES[table]}的单元格边界丢失，各种划分方式中最好的读法也都不满足“{RULE_TITLES[rule_id]}”"
            if unreliable:
                yield Finding(rule_id, "warning", table, head + _unreliable_note(unreliable), uncertain=True)
            else:
                yield Finding(
                    rule_id, "error", table, head + "，统计表本身有误（具体是哪一行或哪一栏无法确定）", uncertain=True
                )
            kept = [(p, t) for p, t in zip(pending, pending_tables, strict=True) if t != table]
            pending, pending_tables = [p for p, _ in kept], [t for _, t in kept]
    if pending:
        yield Finding(
            "not_checkable",
            "info",
            rule_id,
            f"无法核对 {rule_id}（{len(pending)} 处）：相关单元格缺失或未能确定读数，例如 {pending[0]}",
            cells=tuple(pending[:20]),
            uncertain=True,
        )


def _blank_note(report: Report, table: str) -> str | None:
    """A table with blank cells, whose readings were all weighed with blanks as 0."""
    rows = report.tables.get(table) or {}
    if any(c.blank for row in rows.values() for c in (row or {}).values()):
        return "表中有空白单元格，各种读法都把空白当作 0 计算"
    return None


def _unreliable_note(why: str) -> str:
    """A broken identity in a table whose reading rests on inference: the reading's, perhaps."""
    return f"；但该表未能可靠读取（{why}），不能据此判定统计表有误，请对照原件核实"


TABLE_TITLES = {"applications": "表三（依申请公开情况）", "appeals": "表四（行政复议、行政诉讼情况）"}

RULE_TITLES = {
    "t3_balance": "第一项加第二项之和等于第三项加第四项之和",
    "t3_row_total": "总计等于各类申请人之和",
    "t3_outcome_total": "（七）总计等于各项办理结果之和",
    "t4_total": "总计等于结果维持、纠正、其他、尚未审结之和",
}


def _place(report: Report, table: str, ident: Identity) -> str:
    t = report.template
    if ident.rule == "t3_balance":
        return f"表三“{col_label(table, ident.name.split('.')[-1], t)}”列："
    if ident.rule == "t3_outcome_total":
        return f"表三“{col_label(table, ident.name.split('.')[-1], t)}”列："
    if ident.rule == "t3_row_total":
        return f"表三“{row_label(table, ident.name.split('.')[-1], t)}”行："
    return f"表四“{row_label(table, ident.name.split('.')[-1], t)}”："


@rule("t3_balance", "error", "表三勾稽关系：第一项加第二项之和等于第三项加第四项之和")
def t3_balance(report: Report) -> Iterator[Finding]:
    yield from _check(
        report, "t3_balance", "本年新收加上年结转为 {lhs}，办理结果总计加结转下年度为 {rhs}，两者应相等（相差 {diff}）"
    )


@rule("t3_row_total", "error", "表三每行总计等于各类申请人之和")
def t3_row_total(report: Report) -> Iterator[Finding]:
    blanks = blank_totals(report)
    if blanks:
        names = "、".join(f"{row_label('applications', r, report.template)}（各栏之和为 {fmt(v)}）" for r, v in blanks)
        yield Finding(
            "t3_row_total",
            "warning",
            "applications.total",
            f"表三以下 {len(blanks)} 行的“总计”栏空白（空白不等于 0），各栏已填数字之间没有矛盾，请补填总计：{names}",
            cells=tuple(f"applications.{r}.total" for r, _ in blanks),
            uncertain=True,
        )
    yield from _check(report, "t3_row_total", "总计为 {lhs}，各类申请人之和为 {rhs}，两者应相等（相差 {diff}）")


@rule("t3_outcome_total", "error", "表三（七）总计等于各项办理结果之和")
def t3_outcome_total(report: Report) -> Iterator[Finding]:
    yield from _check(
        report,
        "t3_outcome_total",
        "（七）总计为 {lhs}，（一）至（六）各项办理结果之和为 {rhs}，两者应相等（相差 {diff}）",
    )


@rule("t4_total", "error", "表四各组总计等于结果维持、纠正、其他、尚未审结之和")
def t4_total(report: Report) -> Iterator[Finding]:
    yield from _check(
        report,
        "t4_total",
        "总计为 {lhs}，结果维持、结果纠正、其他结果、尚未审结之和为 {rhs}，两者应相等（相差 {diff}）",
    )
