"""``gongkai parse`` and ``gongkai check``: thin shells over ``gongkai.pipeline``."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gongkai.cli import LimitOpt, app, limits_from

if TYPE_CHECKING:
    from rich.console import Console

    from gongkai.model.report import Report

EXIT_ERRORS = 1
EXIT_UNREADABLE = 2
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}

FilesArg = Annotated[
    list[Path], typer.Argument(help="报告文件（TXT、Markdown、HTML、DOCX、PDF、图片）", show_default=False)
]


JobsOpt = Annotated[int | None, typer.Option("--jobs", "-j", help="并行进程数（默认：文件数与 CPU 核数中较小者）")]


def _load_all(files: list[Path], err: Console, limits: Any, jobs: int | None) -> tuple[list[Report], int]:
    """Parse every file, each in a worker process under the limits (neighbouring years of one
    agency help each other); print one line per unreadable file. Returns the reports and the
    count of unreadable files."""
    from rich.markup import escape

    from gongkai.pipeline import parse_paths
    from gongkai.readers.document import ReadError

    reports: list[Report] = []
    unreadable = 0
    workers = jobs if jobs is not None else min(len(files), os.cpu_count() or 1)
    try:
        items = parse_paths([str(f) for f in files], limits=limits, workers=max(1, workers))
    except KeyboardInterrupt:
        err.print("[yellow]已中断。[/yellow]")
        raise typer.Exit(130) from None
    for item in items:
        if isinstance(item, ReadError):
            unreadable += 1
            err.print(f"[bold red]无法读取[/] {escape(item.path)}：{escape(item.reason)}")
        else:
            reports.append(item)
    return reports, unreadable


@app.command("parse")
def parse_cmd(
    files: FilesArg,
    as_json: Annotated[bool, typer.Option("--json", help="输出 gongkai.report/1 JSON")] = False,
    provenance: Annotated[bool, typer.Option("--provenance/--no-provenance", help="JSON 中包含单元格来源")] = False,
    limit: LimitOpt = None,
    jobs: JobsOpt = None,
) -> None:
    """读取报告，输出规范化的结构（表格、章节、日期）。"""
    from rich.console import Console

    out = Console(soft_wrap=True)
    err = Console(stderr=True, soft_wrap=True)
    reports, unreadable = _load_all(files, err, limits_from(limit), jobs)
    if as_json:
        objs = [r.to_json(provenance=provenance) for r in reports]
        payload = objs[0] if len(files) == 1 and objs else objs
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        for r in reports:
            _summary(out, r)
    raise typer.Exit(EXIT_UNREADABLE if unreadable else 0)


def _summary(out: Console, r: Report) -> None:
    from rich.markup import escape

    out.print(f"[bold]{escape(r.source.path)}[/]")
    out.print(f"  机关：{escape(r.agency or '（未识别）')}  年度：{r.year or '？'}  模板：{r.template or '？'}")
    if r.signed_on or r.published_on:
        out.print(f"  落款：{r.signed_on or '—'}  发布：{r.published_on or '—'}")
    found = [k for k in r.section_titles]
    out.print(f"  章节：{len(found)}/6")
    for key, cells in r.tables.items():
        if cells is None:
            out.print(f"  {key}：[red]缺失[/]")
            continue
        n = sum(len(row) for row in cells.values() if row)
        unc = sum(1 for row in cells.values() if row for c in row.values() if c.uncertain)
        out.print(f"  {key}：{n} 个单元格" + (f"，[yellow]{unc} 个不确定[/]" if unc else ""))
    if r.tables.get("applications"):
        rec = r.value("applications", "received", "total")
        done = r.value("applications", "processed_total", "total")
        out.print(f"  本年新收申请：{rec if rec is not None else '？'}  办理总计：{done if done is not None else '？'}")


@app.command("check")
def check_cmd(
    files: FilesArg,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出核查结果")] = False,
    show_info: Annotated[bool, typer.Option("--info/--no-info", help="显示提示级别的结果")] = True,
    limit: LimitOpt = None,
    jobs: JobsOpt = None,
) -> None:
    """核查报告：表内勾稽、完整性、日期、正文与表格一致性。发现错误时退出码为 1，无法读取为 2。"""
    from rich.console import Console
    from rich.markup import escape

    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, soft_wrap=True)
    totals: Counter[str] = Counter()
    results = []
    reports, unreadable = _load_all(files, err, limits_from(limit), jobs)
    for r in reports:
        f = r.source.path
        counts = Counter(x.severity for x in r.findings)
        totals.update(counts)
        if as_json:
            results.append({"path": str(f), "findings": [x.to_json() for x in r.findings]})
            continue
        head = f"[bold]{escape(str(f))}[/]  {escape(r.agency or '（未识别机关）')} {r.year or ''} {r.template or ''}"
        out.print(head)
        shown = [x for x in r.findings if show_info or x.severity != "info"]
        if not shown:
            out.print("  [green]未发现问题[/]")
        for x in shown:
            style = SEVERITY_STYLE[x.severity]
            out.print(
                f"  [{style}]{SEVERITY_ZH[x.severity]}[/] [cyan]{x.rule}[/] {escape(x.where)}：{escape(x.message)}"
            )
    if as_json:
        sys.stdout.write(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    elif len(files) > 1:
        out.print(
            f"共 {len(files)} 个文件：错误 {totals['error']}，警告 {totals['warning']}，提示 {totals['info']}"
            + (f"，无法读取 {unreadable}" if unreadable else "")
        )
    if unreadable:
        raise typer.Exit(EXIT_UNREADABLE)
    raise typer.Exit(EXIT_ERRORS if totals["error"] else 0)
