"""One report's parsed data as an XLSX workbook: the three tables in the official layout (merged
header cells), the findings with the reviewer's verdicts, and every cell with its raw text,
doubts and source."""

from __future__ import annotations

import io
from typing import Any

from gongkai.analysis.labels import SEVERITY_NAMES, TABLE_NAMES, cell_label
from gongkai.analysis.report_view import ReportView
from gongkai.render.layout import layout_width, placed

META_ROWS = (
    ("机关", "agency"),
    ("报告所署机关名称", "agency_as_printed"),
    ("地区", "region"),
    ("层级", "level"),
    ("年度", "year"),
    ("模板", "template"),
    ("标题", "title"),
    ("落款日期", "signed_on"),
    ("发布日期", "published_on"),
    ("来源", "location"),
    ("文件SHA256", "sha256"),
    ("解析器版本", "parser_version"),
)


def report_xlsx(view: ReportView) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "概况"
    for label, key in META_ROWS:
        ws.append([label, view.meta.get(key)])
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 80
    thin = Side(style="thin", color="888888")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    flag = {"error": PatternFill("solid", fgColor="F8D7DA"), "warning": PatternFill("solid", fgColor="FFF3CD")}
    doubt = PatternFill("solid", fgColor="E2E3F3")
    for sec in view.sections:
        t = sec.table
        if t is None:
            continue
        sh = wb.create_sheet(TABLE_NAMES[t.key])
        sh.append([t.title])
        sh.cell(1, 1).font = Font(bold=True, size=12)
        layout = [[lc for lc, _ in row] for row in t.rows]
        views = {lc.path: cv for row in t.rows for lc, cv in row if cv is not None}
        width = layout_width(layout)
        for pc in placed(layout):
            r, c = pc.row + 3, pc.col + 1
            cell = sh.cell(r, c)
            cv = views.get(pc.cell.path) if pc.cell.path else None
            if cv is not None and cv.cell is not None and cv.cell.value is not None and not cv.cell.uncertain:
                cell.value = cv.cell.value
            else:
                cell.value = pc.cell.text or None
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            if cv is not None and cv.severity in flag:
                cell.fill = flag[cv.severity]
            elif cv is not None and cv.uncertain:
                cell.fill = doubt
            if pc.cell.rowspan > 1 or pc.cell.colspan > 1:
                sh.merge_cells(
                    start_row=r, start_column=c, end_row=r + pc.cell.rowspan - 1, end_column=c + pc.cell.colspan - 1
                )
            for dr in range(pc.cell.rowspan):
                for dc in range(pc.cell.colspan):
                    sh.cell(r + dr, c + dc).border = border
        for i, w in enumerate(t.widths[:width], 1):
            sh.column_dimensions[get_column_letter(i)].width = 6 * w + 2
    fs = wb.create_sheet("问题")
    fs.append(["编号", "程度", "规则", "规则说明", "位置", "说明", "期望", "实际", "复核结论", "复核意见"])
    for f in view.findings:
        fs.append(
            [
                f.number,
                SEVERITY_NAMES.get(f.severity, f.severity),
                f.rule,
                f.rule_title,
                f.where,
                f.message,
                _plain(f.expected),
                _plain(f.found),
                f.verdict_name,
                f.comment or "",
            ]
        )
    fs.column_dimensions["F"].width = 80
    cs = wb.create_sheet("单元格")
    cs.append(["字段", "名称", "数值", "原文", "空白", "不确定原因", "候选读法", "置信度", "出处"])
    for key, cv in view.cells.items():
        rc = cv.cell
        if rc is None:
            cs.append([key, cell_label(key, view.meta.get("template"))])
            continue
        cs.append(
            [
                key,
                cell_label(key, view.meta.get("template")),
                rc.value,
                rc.raw,
                "是" if rc.blank else "",
                cv.uncertain or "",
                "、".join(cv.candidates),
                round(rc.confidence, 4),
                rc.source.describe() if rc.source else "",
            ]
        )
    cs.column_dimensions["A"].width = 50
    cs.column_dimensions["B"].width = 50
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _plain(v: Any) -> Any:
    return v if isinstance(v, int | float | str) or v is None else str(v)
