"""``gongkai render``, ``register``, ``compose`` and ``compile``: thin shells over
``gongkai.render``, ``gongkai.compose`` and ``gongkai.analysis.compile``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from gongkai.cli import app
from gongkai.cli.console import LazyConsole, escape

out = LazyConsole(highlight=False, soft_wrap=True)
err = LazyConsole(stderr=True, highlight=False, soft_wrap=True)
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
    tab = Table(title=f"{year} 年 表三（{t.template}，台账 {len(reg.applications)} 件）")
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


# --- gongkai compose / compile ---------------------------------------------------------------

DbOpt = Annotated[
    str | None, typer.Option("--db", help="数据库（SQLAlchemy URL 或 SQLite 文件；默认 GONGKAI_DB 或 ./gongkai.db）")
]
SignedOpt = Annotated[str | None, typer.Option("--signed-on", help="落款日期（默认今天），如 2025-01-20")]
SectionsOpt = Annotated[
    Path | None, typer.Option("--sections", help="正文：含六个部分标题的 Markdown 文件，或每部分一个 .md 的文件夹")
]
ForceOpt = Annotated[bool, typer.Option("--force", help="核查发现错误时仍然写出")]


def _date_opt(text: str | None) -> Any:
    import datetime as dt

    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _fail(f"无法识别的日期：{text}（应为 2025-01-20）") from None


def _open_store(db: str | None, required: bool) -> Any:
    import os

    from gongkai.store import Store, resolve_url

    url = resolve_url(db)
    if url.startswith("sqlite:///") and not os.path.exists(url.removeprefix("sqlite:///")):
        if required:
            raise _fail(f"数据库不存在：{url.removeprefix('sqlite:///')}")
        return None
    try:
        return Store(url)
    except Exception as e:  # an unreachable server or a wrong URL: say so plainly
        raise _fail(f"无法打开数据库 {db or url}：{e}") from None


def _check_and_write(report: Any, output: Path | None, fmt: str | None, force: bool, official_fonts: bool) -> None:
    from gongkai.checks import run_checks

    report.findings = run_checks(report)
    errors = [f for f in report.findings if f.severity == "error"]
    style = {"error": "bold red", "warning": "yellow", "info": "dim"}
    names = {"error": "错误", "warning": "警告", "info": "提示"}
    for f in report.findings:
        out.print(
            f"  [{style[f.severity]}]{names[f.severity]}[/] [cyan]{f.rule}[/] {escape(f.where)}：{escape(f.message)}"
        )
    if not report.findings:
        out.print("  [green]核查未发现问题[/]")
    if output is None:
        raise typer.Exit(EXIT_ERRORS if errors else 0)
    kind = "json" if output.suffix.lower() == ".json" and fmt is None else _output_format(output, fmt)
    if errors and not force:
        raise _fail(f"核查发现 {len(errors)} 个错误，未写出 {output}（改正后重试，或加 --force）", EXIT_ERRORS)
    if kind == "json":
        import json

        output.write_text(json.dumps(report.to_json(provenance=False), ensure_ascii=False, indent=2), encoding="utf-8")
        out.print(f"已写入 [bold]{escape(str(output))}[/]（json）")
    else:
        write_report(report, output, kind, official_fonts)
    raise typer.Exit(EXIT_ERRORS if errors else 0)


@app.command("compose")
def compose_cmd(
    agency: Annotated[str, typer.Option("--agency", help="机关名称，如 某市教育局")],
    year: YearOpt,
    register: Annotated[Path | None, typer.Option("--register", help="依申请公开台账（XLSX 或 CSV）")] = None,
    table2: Annotated[Path | None, typer.Option("--table2", help="表二：主动公开情况（CSV、XLSX 或 JSON）")] = None,
    table4: Annotated[
        Path | None, typer.Option("--table4", help="表四：行政复议、行政诉讼情况（CSV、XLSX 或 JSON）")
    ] = None,
    sections: SectionsOpt = None,
    db: DbOpt = None,
    signed_on: SignedOpt = None,
    template: TemplateOpt = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="输出：.docx、.pdf、.html、.md 或 .json")
    ] = None,
    fmt: FormatOpt = None,
    force: ForceOpt = False,
    official_fonts: OfficialFontsOpt = False,
) -> None:
    """由台账、表二表四数据和正文撰写年度报告；上年报告（数据库中）预填结转数；写出前先核查。"""
    from gongkai.analysis.compile import last_year_report
    from gongkai.compose.draft import draft, last_year_note
    from gongkai.compose.inputs import InputError, read_sections, read_table
    from gongkai.model.template import TEMPLATES, template_for_year

    tpl = TEMPLATES.get(template or "") or template_for_year(year)
    if tpl is None:
        raise _fail(f"{year} 年没有统一的报告格式（2019 年起才有）")
    try:
        t2 = read_table(table2, tpl, "active_disclosure") if table2 else None
        t4 = read_table(table4, tpl, "appeals") if table4 else None
        texts = read_sections(sections) if sections else {}
    except InputError as e:
        raise _fail(str(e)) from None
    reg: Any = _read_register(register) if register else None
    store = _open_store(db, required=db is not None)
    last = None
    if store is not None:
        with store.session() as s:
            last = last_year_report(s, agency, year - 1)
        out.print(escape(last_year_note(year, last)))
    d = draft(
        agency=agency,
        year=year,
        register=reg,
        table2=t2,
        table4=t4,
        sections=texts,
        last=last,
        template=tpl.version,
        signed_on=_date_opt(signed_on),
    )
    for note in d.notes:
        out.print(f"[blue]说明[/] {escape(note)}")
    out.print(f"[bold]{escape(d.report.title or '')}[/]")
    try:
        _check_and_write(d.report, output, fmt, force, official_fonts)
    except typer.Exit as e:
        # rows of the register that could not count make the report incomplete: say so in the exit code
        raise typer.Exit(EXIT_ERRORS if reg is not None and reg.problems and not e.exit_code else e.exit_code) from None


@app.command("compile")
def compile_cmd(
    government: Annotated[str, typer.Option("--government", help="本级政府，如 淮安市人民政府")],
    year: YearOpt,
    db: DbOpt = None,
    subordinates: Annotated[bool, typer.Option("--subordinates/--no-subordinates", help="是否汇入下一级政府")] = True,
    sections: SectionsOpt = None,
    signed_on: SignedOpt = None,
    explain: Annotated[str | None, typer.Option("--explain", help="列出某个单元格的来源报告")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="输出：.docx、.pdf、.html、.md 或 .json")
    ] = None,
    fmt: FormatOpt = None,
    force: ForceOpt = False,
    official_fonts: OfficialFontsOpt = False,
) -> None:
    """汇编本级政府年度数据：汇总所属部门（和下级政府）在数据库中的报告，列出缺报单位。"""
    from gongkai.analysis.compile import CompileError, compile_region
    from gongkai.compose.inputs import InputError, read_sections

    try:
        texts = read_sections(sections) if sections else {}
    except InputError as e:
        raise _fail(str(e)) from None
    store = _open_store(db, required=True)
    with store.session() as s:
        try:
            comp = compile_region(
                s, government, year, subordinates=subordinates, sections=texts, signed_on=_date_opt(signed_on)
            )
        except CompileError as e:
            raise _fail(str(e)) from None
    roles = {"own": "本级", "department": "部门", "subordinate": "下级政府"}
    out.print(f"[bold]{escape(comp.government.name)} {year} 年汇编[/]：{len(comp.members)} 份报告")
    for m, rid in comp.members:
        out.print(f"  {roles[m.role]}  {escape(m.name)}  （报告 #{rid}）")
    if comp.missing:
        out.print(f"[yellow]缺报 {len(comp.missing)} 个单位[/]：")
        for m, years in comp.missing:
            seen = f"（数据库中有 {'、'.join(map(str, years))} 年报告）" if years else ""
            out.print(f"  {roles[m.role]}  {escape(m.name)}{seen}")
    for m, rid, why in comp.skipped:
        out.print(f"[yellow]未汇入[/] {escape(m.name)}（报告 #{rid}）：{escape(why)}")
    if explain:
        try:
            parts = comp.explain(explain)
        except KeyError:
            raise _fail(f"没有单元格「{explain}」（如 applications.received.total）") from None
        cell = comp.report.cell(*explain.split(".", 2))
        out.print(f"[bold]{escape(explain)}[/] = {cell.value if cell else None}")
        for c in parts:
            shown = "空白" if c.blank else c.value
            out.print(f"  {escape(c.member.name)}  报告 #{c.report_id}：{shown}")
    _check_and_write(comp.report, output, fmt, force, official_fonts)
