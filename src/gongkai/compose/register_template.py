"""``gongkai register template``: an empty register as XLSX, with drop-down lists of the
template's applicant types and outcomes (openpyxl data validation), date-checked date columns,
and a sheet of instructions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from gongkai.compose.register import COLUMNS, MAX_EXTENSION
from gongkai.compose.vocabulary import APPLICANT_CHOICES, OUTCOME_CHOICES

SHEET = "台账"
LISTS = "选项"
ROWS = 2000
"""Rows the drop-down lists and date checks cover."""
DATE_COLUMNS = frozenset(
    {"received", "replied", "correction_sent", "correction_received", "consulted", "consult_replied"}
    | {"fee_notice", "fee_paid"}
)
FIRST_DAY = str((dt.date(2008, 5, 1) - dt.date(1899, 12, 30)).days)
"""Excel's day number of 1 May 2008, when the first 条例 came into force: no date before it."""
WIDE = {"subject": 40, "outcome": 34, "notes": 24, "applicant_name": 16}

INSTRUCTIONS = (
    "政府信息公开申请办理台账 填写说明",
    "",
    "1. 每件申请填一行；「申请编号」不重复。表头文字请勿修改（gongkai 按表头识别各列）。",
    "2. 「申请人类型」「办理结果」请从下拉列表中选择；手工填写常见说法（如「个人」「信息不存在」「撤回」）也可识别，"
    "无法识别的会报告其行号，不会猜测。",
    "3. 日期写作 2024-01-05 或 2024年1月5日。尚未办结的申请，「办理结果」「答复日期」留空。",
    f"4. 「延期答复」填「是」（按延长 {MAX_EXTENSION} 个工作日计）、「否」或延长的工作日数。",
    "5. 要求补正的，填「补正告知日期」；收到补正后填「收到补正日期」——"
    "答复期限自收到补正之日起重新计算（条例第三十条）。",
    "6. 征求第三方或其他机关意见的，填开始和回复日期；期间不计入答复期限（条例第三十二条）。"
    "收费通知至缴费的时间同样不计。",
    "7. 申请人撤回申请的，「撤回申请」填「是」，「答复日期」填撤回之日；未填办理结果的按「其他处理-其他」统计。",
    "8. 答复期限为收到申请之日起 20 个工作日（不含当日），节假日和调休上班日按国务院办公厅通知计算。",
    "",
    "生成年度报告表三：gongkai register table3 台账.xlsx --year 2024",
    "查看某个单元格由哪些申请构成："
    "gongkai register explain 台账.xlsx applications.disclosed.natural_person --year 2024",
    "逾期和临近到期的申请：gongkai register due 台账.xlsx",
)


def write_template(path: str | Path | IO[bytes], rows: Sequence[dict[str, Any]] = ()) -> None:
    """The register template at ``path`` (a path or a binary file); ``rows``: applications to
    fill it with, each a dict by column key (an exported register)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    head_font = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for j, col in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=1, column=j, value=col.title + ("*" if col.required else ""))
        cell.font = head_font
        cell.fill = fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = WIDE.get(col.key, 14)
        if col.key in DATE_COLUMNS:
            for r in range(2, ROWS + 2):
                ws.cell(row=r, column=j).number_format = "yyyy-mm-dd"
    ws.freeze_panes = "B2"
    for i, values in enumerate(rows, start=2):
        for j, col in enumerate(COLUMNS, start=1):
            value = values.get(col.key)
            if value not in (None, ""):
                ws.cell(row=i, column=j, value=value)

    lists = wb.create_sheet(LISTS)
    for i, label in enumerate(APPLICANT_CHOICES.values(), start=1):
        lists.cell(row=i, column=1, value=label)
    for i, label in enumerate(OUTCOME_CHOICES.values(), start=1):
        lists.cell(row=i, column=2, value=label)
    for i, label in enumerate(("是", "否"), start=1):
        lists.cell(row=i, column=3, value=label)
    lists.sheet_state = "hidden"

    def column_of(key: str) -> str:
        return get_column_letter(next(j for j, c in enumerate(COLUMNS, start=1) if c.key == key))

    def add(dv: Any, key: str) -> None:
        dv.add(f"{column_of(key)}2:{column_of(key)}{ROWS + 1}")
        ws.add_data_validation(dv)

    n_app, n_out = len(APPLICANT_CHOICES), len(OUTCOME_CHOICES)
    add(_list(f"={LISTS}!$A$1:$A${n_app}", "申请人类型", "请从下拉列表选择申请人类型"), "applicant")
    add(_list(f"={LISTS}!$B$1:$B${n_out}", "办理结果", "请从下拉列表选择办理结果（尚未办结的留空）"), "outcome")
    add(_list(f"={LISTS}!$C$1:$C$2", "撤回申请", "填「是」或「否」"), "withdrawn")
    ext = DataValidation(
        type="custom",
        formula1=f'OR({column_of("extended")}2="是",{column_of("extended")}2="否",'
        f"AND(ISNUMBER({column_of('extended')}2),{column_of('extended')}2>=0,"
        f"{column_of('extended')}2<={MAX_EXTENSION}))",
        allow_blank=True,
    )
    ext.error, ext.errorTitle, ext.showErrorMessage = f"填「是」「否」或 0–{MAX_EXTENSION} 的工作日数", "延期答复", True
    add(ext, "extended")
    for key in sorted(DATE_COLUMNS):
        dv = DataValidation(type="date", operator="greaterThan", formula1=FIRST_DAY, allow_blank=True)
        dv.error, dv.errorTitle, dv.showErrorMessage = "请填写日期，如 2024-01-05", "日期", True
        add(dv, key)

    notes = wb.create_sheet("填写说明")
    for i, line in enumerate(INSTRUCTIONS, start=1):
        notes.cell(row=i, column=1, value=line).font = Font(bold=i == 1, size=14 if i == 1 else 11)
    notes.column_dimensions["A"].width = 120
    start = len(INSTRUCTIONS) + 2
    notes.cell(row=start, column=1, value="各列说明").font = head_font
    for i, col in enumerate(COLUMNS, start=start + 1):
        alias = "、".join(col.aliases)
        text = f"{col.title}{'（必填）' if col.required else ''}：{col.note or ''}"
        text += f"　也可写作：{alias}" if alias else ""
        notes.cell(row=i, column=1, value=text)
    wb.save(str(path) if isinstance(path, (str, Path)) else path)


def _list(formula: str, title: str, prompt: str) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    dv = DataValidation(type="list", formula1=formula, allow_blank=True)
    dv.error, dv.errorTitle, dv.showErrorMessage = prompt, title, True
    dv.prompt, dv.promptTitle, dv.showInputMessage = prompt, title, True
    return dv
