"""An agency's register of applications (依申请公开台账): one row per application, CSV or XLSX.

Columns are found by their header, in the wordings registers use (``收到日期``, ``受理日期``,
``申请日期``…, declared in ``COLUMNS``). Dates may be written ``2024-01-05``, ``2024/1/5``,
``2024年1月5日``, ``2024.1.5`` or be Excel dates. Applicant types and outcomes are mapped by
``compose.vocabulary``; a value that maps to nothing is reported with its row number and the
row is left out of every count (the report says so), never guessed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gongkai.compose.vocabulary import WITHDRAWN_ROW, applicant_of, outcome_of
from gongkai.model.text import fold


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    """The header the template writes."""
    aliases: tuple[str, ...] = ()
    required: bool = False
    note: str = ""


COLUMNS: tuple[Column, ...] = (
    Column("id", "申请编号", ("编号", "序号", "流水号", "申请号", "登记号"), note="每件申请一个编号，不重复"),
    Column(
        "received",
        "收到申请日期",
        ("收到日期", "受理日期", "申请日期", "收到申请时间", "登记日期", "接收日期"),
        required=True,
        note="条例第三十一条：当面提交为提交之日，邮寄为签收之日，网络提交为双方确认之日",
    ),
    Column("applicant", "申请人类型", ("申请人情况", "申请人类别", "申请主体", "申请人身份"), required=True),
    Column("applicant_name", "申请人", ("申请人姓名", "申请人名称")),
    Column("subject", "申请内容", ("申请事项", "申请公开内容", "所需信息")),
    Column("outcome", "办理结果", ("答复结果", "处理结果", "办理情况", "答复类型", "答复方式")),
    Column("replied", "答复日期", ("办结日期", "答复时间", "办结时间", "告知日期")),
    Column(
        "extended", "延期答复", ("是否延期", "延长答复", "延期", "延长期限"), note="是／否；或延长的工作日数（≤20）"
    ),
    Column("correction_sent", "补正告知日期", ("告知补正日期", "补正通知日期", "要求补正日期")),
    Column("correction_received", "收到补正日期", ("补正收到日期", "补正日期", "补正材料收到日期")),
    Column("consulted", "征求意见日期", ("征求第三方意见日期", "征求意见开始日期", "书面征求意见日期")),
    Column("consult_replied", "征求意见回复日期", ("意见回复日期", "第三方答复日期", "征求意见结束日期")),
    Column("fee_notice", "收费通知日期", ("发出收费通知日期", "缴费通知日期")),
    Column("fee_paid", "缴费日期", ("缴纳费用日期", "申请人缴费日期")),
    Column("withdrawn", "撤回申请", ("是否撤回", "撤回", "申请人撤回"), note="是／否；撤回申请的，答复日期填撤回之日"),
    Column("notes", "备注", ("说明",)),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
YES = frozenset({"是", "有", "y", "yes", "true", "1", "√", "✓", "已延期", "延期", "已撤回", "撤回"})
NO = frozenset({"", "否", "无", "n", "no", "false", "0", "×", "未延期", "不延期", "未撤回"})
MAX_EXTENSION = 20
PAIRS = (("correction_sent", "correction_received"), ("consulted", "consult_replied"), ("fee_notice", "fee_paid"))
"""Dates that come in order: a letter, then its answer."""


class RegisterError(ValueError):
    """The register cannot be read at all (no header, wrong file type)."""


@dataclass(frozen=True)
class Problem:
    row: int
    """Row number as the spreadsheet shows it (the header is row 1)."""
    column: str | None
    message: str

    def describe(self, path: str = "") -> str:
        where = f"第 {self.row} 行" + (f"「{COLUMN_BY_KEY[self.column].title}」" if self.column else "")
        return f"{path + '：' if path else ''}{where}：{self.message}"


@dataclass
class Application:
    row: int
    id: str
    received: dt.date
    applicant: str
    """Column key of table 3 (``natural_person`` …)."""
    outcome: str | None = None
    """Row key of the v2021 table 3 (``disclosed`` …), None while open."""
    replied: dt.date | None = None
    extension: int = 0
    """Working days the reply period was extended by (0–20)."""
    correction_sent: dt.date | None = None
    correction_received: dt.date | None = None
    consulted: dt.date | None = None
    consult_replied: dt.date | None = None
    fee_notice: dt.date | None = None
    fee_paid: dt.date | None = None
    withdrawn: bool = False
    subject: str = ""

    def closed_by(self, day: dt.date) -> bool:
        return self.replied is not None and self.replied <= day


@dataclass
class Register:
    path: str
    applications: list[Application] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rows: int = 0
    """Data rows read (blank rows aside)."""


# --- reading ------------------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: Any) -> dt.date | None:
    """A date as registers write it; None for blank. Raises ValueError for anything else."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial day number that lost its format
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        raise ValueError(str(value))
    text = fold(str(value)).strip()
    if not text:
        return None
    for pat in _DATE_PATTERNS:
        m = pat.match(text)
        if m:
            try:
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                raise ValueError(text) from None
    raise ValueError(text)


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _header_key(title: str) -> str | None:
    t = re.sub(r"[\s（(].*$", "", fold(title).strip()) if title else ""
    t = t.replace("*", "").strip()
    for c in COLUMNS:
        if t == c.title or t in c.aliases:
            return c.key
    return None


def _rows_csv(data: bytes) -> Iterator[list[Any]]:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RegisterError("CSV 文件编码无法识别（应为 UTF-8 或 GBK）")
    dialect = csv.excel_tab if text.count("\t") > text.count(",") else csv.excel
    yield from csv.reader(io.StringIO(text), dialect)


def _rows_xlsx(data: bytes) -> Iterator[list[Any]]:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a broken file
        raise RegisterError(f"XLSX 文件无法打开（{type(e).__name__}）") from None
    sheet = next((ws for ws in wb.worksheets if _has_header(ws)), wb.worksheets[0])
    for row in sheet.iter_rows(values_only=True):
        yield list(row)


def _has_header(ws: Any) -> bool:
    for row in ws.iter_rows(min_row=1, max_row=5, values_only=True):
        keys = {_header_key(_cell_text(v)) for v in row}
        if {"received", "applicant"} <= keys:
            return True
    return False


def read_register(path: str | Path) -> Register:
    """Read a register (``.csv``/``.txt`` or ``.xlsx``). Raises ``RegisterError`` when it has no
    recognisable header; row-level problems are collected in ``Register.problems``."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise RegisterError(f"{path}：无法读取（{e.strerror or e}）") from None
    return register_from_bytes(data, str(path))


def register_from_bytes(data: bytes, name: str) -> Register:
    """``read_register`` of a file's content (an upload); messages name ``name``."""
    try:
        rows = list(_rows_xlsx(data) if data.startswith(b"PK\x03\x04") else _rows_csv(data))
    except RegisterError as e:
        raise RegisterError(f"{name}：{e}") from None
    return parse_rows(rows, name)


def parse_rows(rows: list[list[Any]], path: str = "") -> Register:
    reg = Register(path)
    head_at = next(
        (i for i, r in enumerate(rows[:10]) if {"received", "applicant"} <= {_header_key(_cell_text(v)) for v in r}),
        None,
    )
    if head_at is None:
        wanted = "、".join(c.title for c in COLUMNS if c.required)
        raise RegisterError(f"{path}：前 10 行中没有找到表头（至少需要「{wanted}」两列）")
    keys = [_header_key(_cell_text(v)) for v in rows[head_at]]
    seen_ids: dict[str, int] = {}
    for i, raw in enumerate(rows[head_at + 1 :], start=head_at + 2):
        values = {k: raw[j] if j < len(raw) else None for j, k in enumerate(keys) if k}
        if all(_cell_text(v) == "" for v in values.values()):
            continue
        reg.rows += 1
        app = _application(i, values, reg.problems)
        if app is None:
            continue
        if app.id in seen_ids:
            reg.problems.append(Problem(i, "id", f"编号「{app.id}」与第 {seen_ids[app.id]} 行重复"))
            continue
        seen_ids[app.id] = i
        reg.applications.append(app)
    return reg


def _date_field(row: int, values: dict[str, Any], key: str, problems: list[Problem]) -> tuple[dt.date | None, bool]:
    try:
        return parse_date(values.get(key)), True
    except ValueError as e:
        problems.append(Problem(row, key, f"无法识别的日期「{e}」（应写作 2024-01-05 或 2024年1月5日）"))
        return None, False


def _yes_no(row: int, values: dict[str, Any], key: str, problems: list[Problem]) -> bool | None:
    text = fold(_cell_text(values.get(key))).lower()
    if text in YES:
        return True
    if text in NO:
        return False
    problems.append(Problem(row, key, f"「{text}」应为「是」或「否」"))
    return None


def _application(row: int, values: dict[str, Any], problems: list[Problem]) -> Application | None:
    """One register row as an Application, or None (problems appended) when it cannot count."""
    before = len(problems)
    ok = True
    dates: dict[str, dt.date | None] = {}
    for key in ("received", "replied", "correction_sent", "correction_received", "consulted", "consult_replied"):
        dates[key], good = _date_field(row, values, key, problems)
        ok &= good
    for key in ("fee_notice", "fee_paid"):
        dates[key], good = _date_field(row, values, key, problems)
        ok &= good
    if dates["received"] is None and ok:
        problems.append(Problem(row, "received", "缺少收到申请日期"))
    applicant_text = _cell_text(values.get("applicant"))
    applicant = applicant_of(applicant_text) if applicant_text else None
    if applicant is None:
        why = f"无法识别的申请人类型「{applicant_text}」" if applicant_text else "缺少申请人类型"
        problems.append(Problem(row, "applicant", why))
    outcome_text = _cell_text(values.get("outcome"))
    outcome = outcome_of(outcome_text) if outcome_text else None
    if outcome_text and outcome is None:
        problems.append(Problem(row, "outcome", f"无法识别的办理结果「{outcome_text}」"))
    withdrawn = _yes_no(row, values, "withdrawn", problems)
    extension = _extension(row, values, problems)
    if withdrawn and outcome is None and not outcome_text:
        outcome = WITHDRAWN_ROW
    replied = dates["replied"]
    if outcome is not None and replied is None:
        problems.append(Problem(row, "replied", "已有办理结果，但缺少答复日期（无法确定办结年度）"))
    if replied is not None and outcome is None and not outcome_text:
        problems.append(Problem(row, "outcome", "已有答复日期，但缺少办理结果"))
    received = dates["received"]
    if received and replied and replied < received:
        problems.append(Problem(row, "replied", f"答复日期 {replied} 早于收到申请日期 {received}"))
    for a, b in PAIRS:
        first, then = dates[a], dates[b]
        if first is not None and then is not None and then < first:
            title_a, title_b = COLUMN_BY_KEY[a].title, COLUMN_BY_KEY[b].title
            problems.append(Problem(row, b, f"{title_b} {then} 早于 {title_a} {first}"))
    if len(problems) > before:
        return None
    assert received is not None and applicant is not None
    return Application(
        row=row,
        id=_cell_text(values.get("id")) or f"第{row}行",
        received=received,
        applicant=applicant,
        outcome=outcome,
        replied=replied,
        extension=extension or 0,
        correction_sent=dates["correction_sent"],
        correction_received=dates["correction_received"],
        consulted=dates["consulted"],
        consult_replied=dates["consult_replied"],
        fee_notice=dates["fee_notice"],
        fee_paid=dates["fee_paid"],
        withdrawn=bool(withdrawn),
        subject=_cell_text(values.get("subject")),
    )


def _extension(row: int, values: dict[str, Any], problems: list[Problem]) -> int | None:
    text = fold(_cell_text(values.get("extended"))).lower().removesuffix("个工作日").removesuffix("工作日").strip()
    if text.isdigit():
        n = int(text)
        if n > MAX_EXTENSION:
            problems.append(Problem(row, "extended", f"延长 {n} 个工作日，超过条例第三十三条允许的 {MAX_EXTENSION} 个"))
            return None
        return n
    if text in YES:
        return MAX_EXTENSION
    if text in NO:
        return 0
    problems.append(Problem(row, "extended", f"「{text}」应为「是」「否」或延长的工作日数"))
    return None
