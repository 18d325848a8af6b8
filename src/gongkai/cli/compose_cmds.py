"""``gongkai render``, ``register``, ``compose`` and ``compile``: thin shells over
``gongkai.render``, ``gongkai.compose`` and ``gongkai.analysis.compile``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from gongkai.cli import app

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
EXIT_ERRORS = 1
EXIT_BAD_INPUT = 2

FormatOpt = Annotated[
    str | None, typer.Option("--format", "-f", help="输出格式：docx、pdf、html、md（默认按 -o 的扩展名）")
]
OfficialFontsOpt = Annotated[
    bool,
    typer.Option("--official-fonts", help="使用公文字体名（仿宋_GB2312、黑体、方正小标宋简体），供在 Word 中编辑"),
]


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> typer.Exit:
    err.print(f"[bold red]错误[/] {escape(message)}")
    return typer.Exit(code)


def _output_format(output: Path, fmt: str | None) -> str:
    from gongkai.render import RENDER_FORMATS, format_of

    fmt = (fmt or format_of(str(output)) or "").lower()
    if fmt == "markdown":
        fmt = "md"
    if fmt not in RENDER_FORMATS:
        raise _fail(f"无法确定输出格式（{output}）：请用 --format 指定 {'、'.join(RENDER_FORMATS)} 之一")
    return fmt


def write_report(report: object, output: Path, fmt: str, official_fonts: bool = False) -> None:
    from gongkai.render import render_file
    from gongkai.render.pdf import PdfExportError

    try:
        render_file(report, str(output), fmt, official_fonts=official_fonts)  # type: ignore[arg-type]
    except PdfExportError as e:
        raise _fail(str(e)) from None
    except OSError as e:
        raise _fail(f"无法写入 {output}：{e.strerror or e}") from None
    out.print(f"已写入 [bold]{escape(str(output))}[/]（{fmt}）")


@app.command("render")
def render_cmd(
    report: Annotated[Path, typer.Argument(help="报告：gongkai parse --json 的 JSON，或任何可读取的报告文件")],
    output: Annotated[Path, typer.Option("--output", "-o", help="输出文件")],
    fmt: FormatOpt = None,
    official_fonts: OfficialFontsOpt = False,
) -> None:
    """按国家统一格式排版输出报告（DOCX、PDF、HTML、Markdown）。"""
    from gongkai.readers.document import ReadError
    from gongkai.render.source import ReportSourceError, load_report

    kind = _output_format(output, fmt)
    try:
        r = load_report(str(report))
    except ReportSourceError as e:
        raise _fail(str(e)) from None
    except ReadError as e:
        raise _fail(f"{e.path}：{e.reason}") from None
    write_report(r, output, kind, official_fonts)


# --- gongkai register ------------------------------------------------------------------------

register_app = typer.Typer(help="依申请公开台账：模板、表三、单元格溯源、答复期限。", no_args_is_help=True)
app.add_typer(register_app, name="register")

RegisterArg = Annotated[Path, typer.Argument(help="台账文件（XLSX 或 CSV，一行一件申请）")]
YearOpt = Annotated[int, typer.Option("--year", help="报告年度")]
TemplateOpt = Annotated[str | None, typer.Option("--template", help="v2019 或 v2021（默认按年度）")]
HolidaysOpt = Annotated[
    Path | None,
    typer.Option("--holidays", help="节假日补充文件（每行「日期,休」或「日期,班」），用于软件尚未收录的年份"),
]


def _read_register(path: Path) -> object:
    from gongkai.compose.register import RegisterError, read_register

    try:
        reg = read_register(path)
    except RegisterError as e:
        raise _fail(str(e)) from None
    for p in reg.problems:
        err.print(f"[yellow]台账问题[/] {escape(p.describe(str(path)))}")
    if reg.problems:
        rows = len({p.row for p in reg.problems})
        err.print(f"[yellow]{rows} 行有问题，未计入统计[/]（共 {reg.rows} 行）")
    return reg


@register_app.command("template")
def register_template_cmd(
    output: Annotated[Path, typer.Option("--output", "-o", help="输出 XLSX 文件")] = Path("台账.xlsx"),
) -> None:
    """生成空白台账（XLSX，含下拉列表和填写说明）。"""
    from gongkai.compose.register_template import write_template

    if output.suffix.lower() != ".xlsx":
        raise _fail(f"台账模板只能是 XLSX 文件：{output}")
    try:
        write_template(output)
    except OSError as e:
        raise _fail(f"无法写入 {output}：{e.strerror or e}") from None
    out.print(f"已写入 [bold]{escape(str(output))}[/]")


@register_app.command("table3")
def register_table3_cmd(
    register: RegisterArg,
    year: YearOpt,
    template: TemplateOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（表三的行、列、数值）")] = False,
) -> None:
    """由台账生成年度报告表三（收到和处理政府信息公开申请情况）。"""
    import json
    import sys

    from gongkai.compose.table3 import table3
    from gongkai.model.template import TEMPLATES

    reg: Any = _read_register(register)
    try:
        t = table3(reg.applications, year, template)
    except (ValueError, KeyError) as e:
        raise _fail(str(e)) from None
    if as_json:
        data = {r: {c: t.count(r, c) for c in cols} for r, cols in t.rows.items()}
        sys.stdout.write(
            json.dumps({"year": year, "template": t.template, "applications": data}, ensure_ascii=False, indent=2)
            + "\n"
        )
        raise typer.Exit(EXIT_ERRORS if reg.problems else 0)
    from rich.table import Table

    spec = TEMPLATES[t.template].table("applications")
    tab = Table(
        title=f"{year} 年 表三（{t.template}，台账 {len(reg.applications)} 件）"
    )
    tab.add_column("项目")
    for c in spec.columns:
        tab.add_column(c.label, justify="right")
    for r in spec.rows:
        tab.add_row(r.numbering + r.label[:18], *(str(t.count(r.key, c.key)) for c in spec.columns))
    out.print(tab)
    raise typer.Exit(EXIT_ERRORS if reg.problems else 0)


@register_app.command("explain")
def register_explain_cmd(
    register: RegisterArg,
    cell: Annotated[str, typer.Argument(help="单元格，如 applications.disclosed.natural_person")],
    year: YearOpt,
    template: TemplateOpt = None,
) -> None:
    """列出构成表三某个单元格的台账行。"""
    from gongkai.compose.table3 import table3

    reg: Any = _read_register(register)
    t = table3(reg.applications, year, template)
    try:
        apps = t.applications(cell)
    except KeyError:
        raise _fail(
            f"表三没有单元格「{cell}」（应为 applications.行.列，如 applications.disclosed.natural_person）"
        ) from None
    out.print(f"[bold]{escape(cell)}[/] = {len(apps)}（{year} 年，{t.template}）")
    for a in apps:
        replied = a.replied.isoformat() if a.replied else "未办结"
        out.print(f"  第 {a.row} 行  {escape(a.id)}  收到 {a.received}  答复 {replied}  {escape(a.subject[:30])}")


@register_app.command("due")
def register_due_cmd(
    register: RegisterArg,
    today: Annotated[str | None, typer.Option("--today", help="以哪一天为准（默认今天），如 2025-01-10")] = None,
    near: Annotated[int, typer.Option("--near", help="剩余几个工作日以内算临近到期")] = 5,
    holidays: HolidaysOpt = None,
    show_late: Annotated[bool, typer.Option("--late/--no-late", help="同时列出已超期答复的申请")] = True,
) -> None:
    """逾期未答复、临近到期和超期答复的申请（按工作日计算，含节假日和调休）。"""
    import datetime as dt

    from gongkai.compose.calendar import CalendarFileError, WorkCalendar
    from gongkai.compose.deadlines import statuses

    try:
        day = dt.date.fromisoformat(today) if today else dt.date.today()
    except ValueError:
        raise _fail(f"无法识别的日期：{today}（应为 2025-01-10）") from None
    try:
        cal = WorkCalendar.load(holidays)
    except CalendarFileError as e:
        raise _fail(str(e)) from None
    reg: Any = _read_register(register)
    found = statuses(reg.applications, cal, day, near)
    groups = {"overdue": "逾期未答复", "near_due": "临近到期", "late": "超期答复", "waiting": "待补正（期限未起算）"}
    for key, title in groups.items():
        if key == "late" and not show_late:
            continue
        items = [s for s in found if s.status == key]
        out.print(f"[bold]{title}[/]：{len(items)} 件")
        for s in sorted(items, key=lambda s: (s.deadline.due or day, s.app.row)):
            due = s.deadline.due.isoformat() if s.deadline.due else "—"
            extra = ""
            if s.workdays_left is not None:
                extra = (
                    f"，逾期 {-s.workdays_left} 个工作日"
                    if s.workdays_left < 0
                    else f"，剩余 {s.workdays_left} 个工作日"
                )
            if key == "late" and s.app.replied:
                extra = f"，{s.app.replied} 答复"
            out.print(f"  第 {s.app.row} 行  {escape(s.app.id)}  收到 {s.app.received}  期限 {due}{extra}")
    unknown = sorted({s.deadline.missing_year for s in found if s.deadline.missing_year})
    if unknown:
        err.print(
            f"[red]缺少 {'、'.join(map(str, unknown))} 年的节假日安排[/]："
            "chinesecalendar 尚未收录，请用 --holidays 提供该年的放假和调休上班日期；这些申请的期限无法计算"
        )
    overdue = any(s.status == "overdue" for s in found)
    raise typer.Exit(EXIT_ERRORS if overdue or unknown else 0)
