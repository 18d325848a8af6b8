"""``gongkai parse`` and ``gongkai check``: thin shells over ``gongkai.pipeline``.

They print with click's styles (typer's own), not rich: a one-file command starts without
loading rich (tens of milliseconds)."""

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
    from gongkai.model.report import Report

EXIT_ERRORS = 1
EXIT_UNREADABLE = 2
SEVERITY_STYLE: dict[str, dict[str, Any]] = {
    "error": {"fg": "red", "bold": True},
    "warning": {"fg": "yellow"},
    "info": {"dim": True},
}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}

FilesArg = Annotated[
    list[Path], typer.Argument(help="报告文件（TXT、Markdown、HTML、DOCX、PDF、图片）", show_default=False)
]
JobsOpt = Annotated[int | None, typer.Option("--jobs", "-j", help="并行进程数（默认：文件数与 CPU 核数中较小者）")]


def _say(text: str = "", err: bool = False) -> None:
    typer.echo(text, err=err)


def _style(text: str, **style: Any) -> str:
    return typer.style(text, **style)


def _load_all(files: list[Path], limits: Any, jobs: int | None) -> tuple[list[Report], int]:
    """Parse every file, each in a worker process under the limits (neighbouring years of one
    agency help each other); print one line per unreadable file. Returns the reports and the
    count of unreadable files."""
    from gongkai.pipeline import needs_sandbox, parse_paths
    from gongkai.readers.document import ReadError

    reports: list[Report] = []
    unreadable = 0
    workers = max(1, jobs if jobs is not None else min(len(files), os.cpu_count() or 1))
    if len(files) == 1 and jobs is None and not needs_sandbox(str(files[0])):
        workers = 0  # one text/HTML file: read here (starting a worker would cost more than reading it)
    try:
        items = parse_paths([str(f) for f in files], limits=limits, workers=workers)
    except KeyboardInterrupt:
        _say(_style("已中断。", fg="yellow"), err=True)
        raise typer.Exit(130) from None
    for item in items:
        if isinstance(item, ReadError):
            unreadable += 1
            _say(f"{_style('无法读取', fg='red', bold=True)} {item.path}：{item.reason}", err=True)
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
    reports, unreadable = _load_all(files, limits_from(limit), jobs)
    if as_json:
        objs = [r.to_json(provenance=provenance) for r in reports]
        payload = objs[0] if len(files) == 1 and objs else objs
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        for r in reports:
            _summary(r)
    raise typer.Exit(EXIT_UNREADABLE if unreadable else 0)


def _summary(r: Report) -> None:
    _say(_style(r.source.path, bold=True))
    _say(f"  机关：{r.agency or '（未识别）'}  年度：{r.year or '？'}  模板：{r.template or '？'}")
    if r.signed_on or r.published_on:
        _say(f"  落款：{r.signed_on or '—'}  发布：{r.published_on or '—'}")
    found = [k for k in r.section_titles]
    _say(f"  章节：{len(found)}/6")
    for key, cells in r.tables.items():
        if cells is None:
            _say(f"  {key}：{_style('缺失', fg='red')}")
            continue
        n = sum(len(row) for row in cells.values() if row)
        unc = sum(1 for row in cells.values() if row for c in row.values() if c.uncertain)
        _say(f"  {key}：{n} 个单元格" + (f"，{_style(f'{unc} 个不确定', fg='yellow')}" if unc else ""))
    if r.tables.get("applications"):
        rec = r.value("applications", "received", "total")
        done = r.value("applications", "processed_total", "total")
        _say(f"  本年新收申请：{rec if rec is not None else '？'}  办理总计：{done if done is not None else '？'}")


@app.command("check")
def check_cmd(
    files: FilesArg,
    as_json: Annotated[bool, typer.Option("--json", help="以 JSON 输出核查结果")] = False,
    show_info: Annotated[bool, typer.Option("--info/--no-info", help="显示提示级别的结果")] = True,
    limit: LimitOpt = None,
    jobs: JobsOpt = None,
) -> None:
    """核查报告：表内勾稽、完整性、日期、正文与表格一致性。发现错误时退出码为 1，无法读取为 2。"""
    totals: Counter[str] = Counter()
    results = []
    reports, unreadable = _load_all(files, limits_from(limit), jobs)
    for r in reports:
        f = r.source.path
        counts = Counter(x.severity for x in r.findings)
        totals.update(counts)
        if as_json:
            results.append({"path": str(f), "findings": [x.to_json() for x in r.findings]})
            continue
        _say(f"{_style(str(f), bold=True)}  {r.agency or '（未识别机关）'} {r.year or ''} {r.template or ''}")
        shown = [x for x in r.findings if show_info or x.severity != "info"]
        if not shown:
            _say("  " + _style("未发现问题", fg="green"))
        for x in shown:
            label = _style(SEVERITY_ZH[x.severity], **SEVERITY_STYLE[x.severity])
            _say(f"  {label} {_style(x.rule, fg='cyan')} {x.where}：{x.message}")
    if as_json:
        sys.stdout.write(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    elif len(files) > 1:
        _say(
            f"共 {len(files)} 个文件：错误 {totals['error']}，警告 {totals['warning']}，提示 {totals['info']}"
            + (f"，无法读取 {unreadable}" if unreadable else "")
        )
    if unreadable:
        raise typer.Exit(EXIT_UNREADABLE)
    raise typer.Exit(EXIT_ERRORS if totals["error"] else 0)
