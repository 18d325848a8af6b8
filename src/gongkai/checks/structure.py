"""Structure and completeness: sections, tables, cells, title, statistics period."""

from __future__ import annotations

import re
from collections.abc import Iterator

from gongkai.checks.common import col_label, fmt, row_label, section_label, table_label
from gongkai.checks.registry import rule
from gongkai.model.report import Cell, Finding, Number, Report
from gongkai.model.template import REVISED_REGULATION_FIRST_YEAR, SECTIONS, TABLE_KEYS, TEMPLATES, template_for_year
from gongkai.model.text import fold


@rule("section_missing", "error", "六个部分齐全")
def section_missing(report: Report) -> Iterator[Finding]:
    for s in SECTIONS:
        if s.key not in report.section_titles:
            yield Finding(
                "section_missing", "error", f"sections.{s.key}", f"缺少第{s.number}部分“{section_label(s.key)}”"
            )


@rule("section_title", "warning", "标题措辞或编号与模板一致")
def section_title(report: Report) -> Iterator[Finding]:
    if report.year is not None and report.year < REVISED_REGULATION_FIRST_YEAR:
        return  # the old 条例 set no national headings
    for s in SECTIONS:
        found = report.section_titles.get(s.key)
        if found is None:
            continue
        if any(found == fold(f"{s.number}、{t}") for t in s.titles):
            continue
        if not found:
            first = (report.sections.get(s.key) or "").split("\n", 1)[0][:20]
            yield Finding(
                "section_title",
                "warning",
                f"sections.{s.key}",
                f"第{s.number}部分没有标题（从“{first}”起的内容属于这一部分），应为“{s.canonical}”",
                expected=s.canonical,
                found=None,
            )
            continue
        yield Finding(
            "section_title",
            "warning",
            f"sections.{s.key}",
            f"第{s.number}部分标题为“{found}”，与模板“{s.canonical}”的编号或措辞不一致",
            expected=s.canonical,
            found=found,
        )


@rule("table_missing", "error", "三张统计表齐全")
def table_missing(report: Report) -> Iterator[Finding]:
    for key in TABLE_KEYS:
        if report.tables.get(key) is None:
            yield Finding(
                "table_missing", "error", f"tables.{key}", f"未找到{table_label(key)}，或无法读取其中任何数据"
            )


@rule("table_incomplete", "error", "统计表行列完整")
def table_incomplete(report: Report) -> Iterator[Finding]:
    tpl = report.spec
    if tpl is None:
        return
    for key in TABLE_KEYS:
        cells = report.tables.get(key)
        if cells is None:
            continue
        spec = tpl.table(key).effective({k for k, v in cells.items() if v is not None})
        missing_rows = [r.key for r in spec.rows if cells.get(r.key) is None]
        missing_cells = [
            f"{key}.{r}.{c}"
            for r, row in cells.items()
            if row is not None
            for c, cell in row.items()
            if cell.value is None and not cell.blank and not cell.uncertain
        ]
        total = spec.cell_count
        n_missing = sum(len(spec.row_columns(spec.row(r))) for r in missing_rows) + len(missing_cells)
        if not n_missing:
            continue
        labels = "、".join(row_label(key, r, report.template) for r in missing_rows[:4])
        more = f"等 {len(missing_rows)} 行" if len(missing_rows) > 4 else ""
        msg = f"{table_label(key)}不完整：模板共 {total} 个单元格，缺少 {n_missing} 个"
        if missing_rows:
            msg += f"（缺少“{labels}”{more}）"
        yield Finding(
            "table_incomplete",
            "error",
            f"tables.{key}",
            msg,
            expected=total,
            found=total - n_missing,
            cells=tuple(missing_cells[:40]) or tuple(f"{key}.{r}" for r in missing_rows),
        )


@rule("template_mismatch", "error", "统计表版本与报告年度相符")
def template_mismatch(report: Report) -> Iterator[Finding]:
    want = template_for_year(report.year)
    if want is None or report.template is None or report.template == want.version:
        return
    if all(report.tables.get(k) is None for k in TABLE_KEYS):
        return
    used = TEMPLATES[report.template]
    yield Finding(
        "template_mismatch",
        "error",
        "tables",
        f"{report.year} 年度报告应使用 {want.version} 版表格（{want.years[0]} 年起），实际使用的是 {used.version} 版",
        expected=want.version,
        found=used.version,
    )


@rule("blank_cells", "warning", "统计表中不应留空")
def blank_cells(report: Report) -> Iterator[Finding]:
    for key in TABLE_KEYS:
        cells = report.tables.get(key)
        if not cells:
            continue
        blanks = [(r, c, cell.raw) for r, row in cells.items() if row for c, cell in row.items() if cell.blank]
        unplaced = _unplaced_blanks(report, key)
        if not blanks and unplaced:
            row0 = unplaced[0][0]
            shown = f"“{row_label(key, row0, report.template)}”" if row0 else ""
            yield Finding(
                "blank_cells",
                "warning",
                f"tables.{key}",
                f"{table_label(key)}有 {len(unplaced)} 处数字个数少于栏目数{'（如' + shown + '）' if shown else ''}，"
                f"至少 {sum(n for _, n in unplaced)} 个单元格未填数字，无法确定是哪一栏；没有发生应填 0",
                cells=tuple(f"{key}.{r}" if r else key for r, _ in unplaced),
                uncertain=True,
            )
            continue
        if not blanks:
            continue
        first = blanks[0]
        shown = f"“{row_label(key, first[0], report.template)}”行“{col_label(key, first[1], report.template)}”列"
        raw = f"写作“{first[2]}”" if first[2] else "为空白"
        yield Finding(
            "blank_cells",
            "warning",
            f"tables.{key}",
            f"{table_label(key)}有 {len(blanks)} 个单元格未填数字（如{shown}{raw}）；没有发生应填 0",
            cells=tuple(f"{key}.{r}.{c}" for r, c, _ in blanks[:40]),
        )


def _unplaced_blanks(report: Report, table: str) -> list[tuple[str, int]]:
    """Rows (``""``: the whole table, as table 4's one line) that hold fewer numbers than cells
    under every reading the decoder weighed, but whose blank cells are not placed: (row, how
    many blanks at least)."""
    out = []
    for d in report.decisions:
        where = d.where.split(".")
        if not d.blanks or where[0] != table:
            continue
        row = where[1] if len(where) > 1 else ""
        rows = [report.tables[table].get(row)] if row else list(report.tables[table].values())  # type: ignore[union-attr]
        placed = sum(1 for r in rows if r for c in r.values() if c.blank)
        if placed < d.blanks:
            out.append((row, d.blanks))
    return out


_KIND_ZH = {"count": "件数（非负整数）", "amount": "金额", "signed": "增减数"}


@rule("bad_number", "error", "单元格是所需类型的数字")
def bad_number(report: Report) -> Iterator[Finding]:
    tpl = report.spec
    if tpl is None:
        return
    # the negative readings of each table's cells in doubt, gathered on this pass over the
    # cells for the last finding (not on a pass of its own)
    negatives: dict[str, set[Number]] = {}
    # the cells of ``report.iter_cells()``, in its order, with their keys as they are (a path
    # is made only for a finding)
    for key, table in report.tables.items():
        kinds: dict[str, str] = {}  # each column's kind, looked up at its first number (not for every cell)
        for r, row_cells in (table or {}).items():
            for c, cell in (row_cells or {}).items():
                if cell.value is None:
                    if cell.candidates:
                        negatives.setdefault(key, set()).update(v for v in cell.candidates if v is not None and v < 0)
                    continue
                kind = kinds.get(c) or kinds.setdefault(c, tpl.table(key).column(c).kind)
                bad = (kind == "count" and (cell.value < 0 or not float(cell.value).is_integer())) or (
                    kind == "amount" and cell.value < 0
                )
                if bad:
                    yield _bad_number(report, key, r, c, cell, kind)
    reported: set[str] = set()
    for d in report.decisions:
        if d.negatives:
            # the row prints a negative count, in a cell its lost boundaries do not show
            key, _, row = d.where.partition(".")
            reported.add(key)
            where = f"{table_label(key)}“{row_label(key, row, report.template)}”行" if row else table_label(key)
            yield Finding(
                "bad_number",
                "error",
                f"tables.{d.where}",
                f"{where}有负数 {'、'.join(fmt(v) for v in d.negatives)}，件数不能为负（所在栏目无法确定）",
                found=d.raw,
                uncertain=True,
            )
    for key, table in report.tables.items():
        if not table or key in reported or any(c.kind != "count" for c in tpl.table(key).columns):
            continue
        # a cell in doubt (its placement open) with a negative count among its readings: the
        # document prints that number, a bad one in whichever count cell it stands
        doubted = sorted(negatives.get(key, ()))
        if doubted:
            yield Finding(
                "bad_number",
                "error",
                f"tables.{key}",
                f"{table_label(key)}有负数 {'、'.join(fmt(v) for v in doubted)}，件数不能为负（所在栏目无法确定）",
                uncertain=True,
            )


def _bad_number(report: Report, key: str, r: str, c: str, cell: Cell, kind: str) -> Finding:
    path = f"{key}.{r}.{c}"
    return Finding(
        "bad_number",
        "error",
        path,
        f"{table_label(key)}“{row_label(key, r, report.template)}”行"
        f"“{col_label(key, c, report.template)}”列的值 {cell.raw} 不是合法的{_KIND_ZH[kind]}",
        found=cell.raw,
        cells=(path,),
        source=cell.source,
    )


_TITLE_FORM = re.compile(r"(\d{4})年度?(?:[\u4e00-\u9fff()]{2,40})?政府信息公开工作年度报告$")
"""``{agency}{year}年(度)政府信息公开工作年度报告``, or with the year first (``2019年{agency}…``)."""


@rule("title_form", "warning", "标题为“…年政府信息公开工作年度报告”")
def title_form(report: Report) -> Iterator[Finding]:
    if report.title is None:
        yield Finding("title_form", "warning", "title", "未找到报告标题（应为“××××年政府信息公开工作年度报告”）")
        return
    m = _TITLE_FORM.search(report.title)
    if m is None:
        yield Finding(
            "title_form", "warning", "title", f"标题“{report.title}”不符合“××××年政府信息公开工作年度报告”的格式"
        )
    elif report.year is not None and int(m.group(1)) != report.year:
        yield Finding("title_form", "warning", "title", f"标题年份 {m.group(1)} 与报告年度 {report.year} 不一致")


@rule("statistics_period", "warning", "说明统计期限（报告年度1月1日至12月31日）")
def statistics_period(report: Report) -> Iterator[Finding]:
    if report.statistics_period is None and report.period_statement:
        yield Finding(
            "statistics_period",
            "warning",
            "preamble",
            f"统计期限的写法无法识别为起止日期（“{report.period_statement}”），"
            "应写明“自××××年1月1日起至××××年12月31日止”",
        )
        return
    if report.statistics_period is None:
        yield Finding(
            "statistics_period",
            "warning",
            "preamble",
            "未说明数据的统计期限（应写明“自××××年1月1日起至××××年12月31日止”）",
        )
        return
    start, end = report.statistics_period
    whole = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
    if report.year is not None and start.year == end.year == report.year and not whole:
        yield Finding(
            "statistics_period",
            "warning",
            "preamble",
            f"统计期限写为 {start.isoformat()} 至 {end.isoformat()}，"
            "不是报告年度全年（如机构年内设立，请在报告中说明）",
            expected=f"{report.year}-01-01 至 {report.year}-12-31",
            found=f"{start.isoformat()} 至 {end.isoformat()}",
        )
        return
    if report.year is not None and (start.year != report.year or end.year != report.year):
        yield Finding(
            "statistics_period",
            "warning",
            "preamble",
            f"统计期限写为 {start.isoformat()} 至 {end.isoformat()}，与报告年度 {report.year} 不符",
            expected=str(report.year),
            found=f"{start.year}-{end.year}",
        )
