"""``gongkai ingest``, ``recheck``, ``reports``, ``findings``, ``review``, ``agencies``, ``export``."""

from __future__ import annotations

import faulthandler
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gongkai.cli import LimitOpt, app, limits_from
from gongkai.cli.console import LazyConsole, Table
from gongkai.store.levels import LEVELS

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="数据库地址（SQLAlchemy URL 或 SQLite 文件路径；默认 GONGKAI_DB 或 ./gongkai.db）"),
]
RegionOpt = Annotated[str | None, typer.Option("--region", help="地区（包含匹配）")]
LevelOpt = Annotated[str | None, typer.Option("--level", help=f"层级：{'/'.join(LEVELS)}")]
YearOpt = Annotated[int | None, typer.Option("--year", help="报告年度")]
AgencyOpt = Annotated[str | None, typer.Option("--agency", help="机关名称（包含匹配）")]
RuleOpt = Annotated[str | None, typer.Option("--rule", help="规则编号，如 t3_balance")]
SEVERITY_CN = {"error": "错误", "warning": "警告", "info": "提示"}


_OUT, _ERR = LazyConsole(), LazyConsole(stderr=True)


def _out() -> Console:
    return _OUT.console  # type: ignore[no-any-return]


def _err() -> Console:
    return _ERR.console  # type: ignore[no-any-return]


def _store(db: str | None) -> Any:
    from gongkai.store import Store

    try:
        return Store(db)
    except Exception as e:  # a wrong URL or an unreachable server: say so plainly
        _err().print(f"[red]无法打开数据库[/red] {db or ''}：{e}")
        raise typer.Exit(2) from None


class _Bar:
    """Ingest progress drawn with rich: counts by outcome and reports per second."""

    def __init__(self, progress: Progress) -> None:
        self.p = progress
        self.task = progress.add_task("入库", total=None, new=0, same=0, bad=0, rate="")
        self.counts = {"new": 0, "unchanged": 0, "failed": 0}
        self.t0 = time.monotonic()
        self.cross: Any = None

    def start(self, total: int | None) -> None:
        self.p.update(self.task, total=total)

    def advance(self, outcome: str) -> None:
        self.counts[outcome] += 1
        done = sum(self.counts.values())
        rate = done / max(time.monotonic() - self.t0, 1e-6)
        self.p.update(
            self.task,
            advance=1,
            new=self.counts["new"],
            same=self.counts["unchanged"],
            bad=self.counts["failed"],
            rate=f"{rate:.1f} 份/秒",
        )

    def across(self, done: int, total: int) -> None:
        if self.cross is None:
            self.cross = self.p.add_task("跨报告核查", total=total, new=0, same=0, bad=0, rate="")
        self.p.update(self.cross, completed=done)


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[list[str], typer.Argument(help="文件、文件夹、ZIP 压缩包或网址（报告页或年报列表页）")],
    db: DbOpt = None,
    reparse: Annotated[bool, typer.Option("--reparse", help="用当前解析器版本重新解析已入库的文件")] = False,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="并行进程数（默认为 CPU 核数）")] = None,
    delay: Annotated[float, typer.Option("--delay", help="抓取网页时两次请求的最小间隔（秒）")] = 1.0,
    no_across: Annotated[bool, typer.Option("--no-across", help="不运行跨报告核查")] = False,
    limit: LimitOpt = None,
    engine: Annotated[
        str, typer.Option("--engine", help="local（本机进程，默认）或 dask（集群；需 pip install 'gongkai[cluster]'）")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="dask 调度器地址，如 tcp://10.0.0.5:8786（不给则在本机启动一个临时集群）"),
    ] = None,
) -> None:
    """把报告批量入库：可重复运行，中断后重跑会接着做，已入库的文件不会重复。"""
    import signal

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from gongkai.store.ingest import Interrupted, ingest

    lim = limits_from(limit)
    if engine not in ("local", "dask"):
        _err().print(f"[red]--engine 只能是 local 或 dask：{engine}[/red]")
        raise typer.Exit(2)
    store = _store(db)
    runner = None
    closer: Any = None
    if engine == "dask":
        runner, closer = _dask_runner(scheduler, jobs, lim)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(
            "新增 {task.fields[new]} · 未变 {task.fields[same]} · 失败 {task.fields[bad]} · {task.fields[rate]}"
        ),
        TimeElapsedColumn(),
    )

    def stop(_sig: int, _frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # kill (not -9) stops like Ctrl-C: what was parsed is written
    if hasattr(signal, "SIGUSR1"):  # kill -USR1 prints where every thread is (a batch that seems stuck)
        faulthandler.register(signal.SIGUSR1, all_threads=True)
    try:
        with Progress(*columns, console=_err(), transient=False) as p:
            summary = ingest(
                store,
                paths,
                workers=jobs,
                reparse=reparse,
                delay=delay,
                progress=_Bar(p),
                across=not no_across,
                limits=lim,
                runner=runner,
            )
    except Interrupted as e:
        done = e.summary
        _err().print(
            f"[yellow]已中断。[/yellow]本次已写入新增 {done.new} 份、失败 {len(done.failed)} 个；"
            "已写入的报告都是完整的，再次运行同一命令即可继续。"
        )
        raise typer.Exit(130) from None
    except KeyboardInterrupt:
        _err().print("[yellow]已中断。[/yellow]已写入的报告都是完整的；再次运行同一命令即可继续。")
        raise typer.Exit(130) from None
    finally:
        if closer is not None:
            closer()
    rate = summary.total / summary.seconds if summary.seconds else 0.0
    _out().print(
        f"共 {summary.total} 个文件：新增 [green]{summary.new}[/green]，未变 {summary.unchanged}，"
        f"失败 [red]{len(summary.failed)}[/red]；用时 {summary.seconds:.1f} 秒（{rate:.1f} 份/秒）"
    )
    if summary.findings:
        _out().print(
            "发现问题：" + "，".join(f"{SEVERITY_CN.get(k, k)} {v}" for k, v in sorted(summary.findings.items()))
        )
    if summary.failed:
        from rich.table import Column

        # folded, never cut: the file name is what the user needs to find
        t = Table(Column("失败的文件", overflow="fold"), Column("原因", overflow="fold"), title="未能入库")
        for f in summary.failed:
            t.add_row(f.location, f.reason)
        _out().print(t)
    raise typer.Exit(1 if summary.failed else 0)


def _dask_runner(scheduler: str | None, jobs: int | None, lim: Any) -> tuple[Any, Any]:
    try:
        from gongkai.cluster import dask_runner
    except ImportError:
        _err().print("[red]未安装集群组件：请先运行 pip install 'gongkai[cluster]'[/red]")
        raise typer.Exit(2) from None
    try:
        return dask_runner(scheduler, workers=jobs, limits=lim)
    except (OSError, TimeoutError) as e:
        _err().print(f"[red]无法连接 dask 调度器 {scheduler}：{type(e).__name__}[/red]")
        raise typer.Exit(2) from None


@app.command("recheck")
def recheck_cmd(
    db: DbOpt = None,
    jobs: Annotated[int | None, typer.Option("--jobs", "-j", help="并行进程数（默认为 CPU 核数）")] = None,
) -> None:
    """重新运行跨报告核查（上年结转、现行有效件数衔接、废止件数上限、文字雷同、表格雷同、汇总对比）。"""
    from gongkai.store.crosscheck import run_across

    store = _store(db)
    result = run_across(store, everything=True, workers=jobs or os.cpu_count() or 1)
    counts = "，".join(f"{SEVERITY_CN.get(k, k)} {v}" for k, v in sorted(result.findings.items())) or "无"
    _out().print(f"已核查 {result.checked} 份报告；跨报告问题：{counts}")


@app.command("reports")
def reports_cmd(
    db: DbOpt = None,
    region: RegionOpt = None,
    level: LevelOpt = None,
    year: YearOpt = None,
    agency: AgencyOpt = None,
    has_errors: Annotated[bool, typer.Option("--has-errors", help="只列出有错误的报告")] = False,
    rule: RuleOpt = None,
    limit: Annotated[int | None, typer.Option("--limit", help="最多列出多少份")] = None,
) -> None:
    """列出库中的报告。"""
    from gongkai.store.queries import Filters, reports

    store = _store(db)
    with store.session() as s:
        rows = reports(s, Filters(region, level, year, agency, has_errors, rule), limit)
    t = Table(
        "编号", "机关", "地区", "层级", "年度", "模板", "错误", "警告", "提示", "来源", title=f"报告（{len(rows)} 份）"
    )
    for r in rows:
        t.add_row(
            str(r["id"]),
            r["agency"] or "（未识别）",
            r["region"] or "",
            r["level"] or "",
            str(r["year"] or ""),
            r["template"] or "",
            str(r["errors"] or 0),
            str(r["warnings"] or 0),
            str(r["infos"] or 0),
            r["location"],
        )
    _out().print(t)


@app.command("findings")
def findings_cmd(
    db: DbOpt = None,
    by: Annotated[str, typer.Option("--by", help="分组：rule / agency / severity")] = "rule",
    region: RegionOpt = None,
    level: LevelOpt = None,
    year: YearOpt = None,
    agency: AgencyOpt = None,
    rule: RuleOpt = None,
    severity: Annotated[str | None, typer.Option("--severity", help="error / warning / info")] = None,
    list_: Annotated[bool, typer.Option("--list", help="逐条列出，而不是分组计数")] = False,
    limit: Annotated[int | None, typer.Option("--limit", help="逐条列出时最多多少条")] = None,
) -> None:
    """按规则、机关或严重程度汇总核查发现的问题。"""
    from gongkai.store.queries import GROUPS, Filters, finding_groups, findings

    if by not in GROUPS:
        _err().print(f"[red]--by 只能是 {' / '.join(GROUPS)}[/red]")
        raise typer.Exit(2)
    store = _store(db)
    f = Filters(region, level, year, agency, False, rule, severity)
    with store.session() as s:
        if list_:
            rows = findings(s, f, limit)
            t = Table("编号", "机关", "年度", "规则", "程度", "位置", "说明", "复核", title=f"问题（{len(rows)} 条）")
            for r in rows:
                verdict = {"confirmed": "确认", "dismissed": "排除"}.get(r["verdict"] or "", "")
                if r["comment"]:
                    verdict += f"：{r['comment']}"
                t.add_row(
                    str(r["id"]),
                    r["agency"] or "",
                    str(r["year"] or ""),
                    r["rule"],
                    SEVERITY_CN.get(r["severity"], r["severity"]),
                    r["location"],
                    r["message"],
                    verdict,
                )
            _out().print(t)
            return
        groups = finding_groups(s, by, f)
    head = {"rule": "规则", "agency": "机关", "severity": "程度"}[by]
    t = Table(head, "错误", "警告", "提示", "合计", "涉及报告", "已确认", "已排除", title="问题汇总")
    for g in groups:
        name = SEVERITY_CN.get(g["group"], g["group"]) if by == "severity" else (g["group"] or "（未识别）")
        t.add_row(
            name,
            *(str(g[k] or 0) for k in ("errors", "warnings", "infos", "total", "reports", "confirmed", "dismissed")),
        )
    _out().print(t)


@app.command("review")
def review_cmd(
    finding_id: Annotated[int, typer.Argument(help="问题编号（gongkai findings --list 中的编号）")],
    verdict: Annotated[str, typer.Argument(help="confirmed（确认）或 dismissed（排除）")],
    comment: Annotated[str | None, typer.Option("--comment", "-m", help="复核意见")] = None,
    db: DbOpt = None,
) -> None:
    """记录复核结论；重新解析同一文件后结论仍然保留。"""
    from gongkai.store.queries import set_verdict

    verdict = {"确认": "confirmed", "排除": "dismissed"}.get(verdict, verdict)
    store = _store(db)
    try:
        with store.session() as s:
            set_verdict(s, finding_id, verdict, comment)
    except (KeyError, ValueError) as e:
        _err().print(f"[red]{e.args[0]}[/red]")
        raise typer.Exit(2) from None
    _out().print("已记录。")


@app.command("agencies")
def agencies_cmd(
    db: DbOpt = None,
    corrections: Annotated[
        Path | None,
        typer.Option(
            "--import", help="用 CSV 更正机关信息（列：name, norm_name, level, region, parent, is_government）"
        ),
    ] = None,
) -> None:
    """列出机关（名称归并、地区、层级）；可用 CSV 更正。"""
    from gongkai.store.agencies import load_corrections
    from gongkai.store.queries import agencies, apply_corrections

    store = _store(db)
    if corrections is not None:
        try:
            rows = load_corrections(corrections)
        except (OSError, ValueError) as e:
            _err().print(f"[red]无法读取机关表：{e}[/red]")
            raise typer.Exit(2) from None
        with store.session() as s:
            n = apply_corrections(s, rows)
        _out().print(f"已更正 {n} 个机关；运行 gongkai recheck 以更新跨报告核查。")
        return
    with store.session() as s:
        rows2 = agencies(s)
    t = Table(
        "编号", "名称", "归并名", "层级", "地区", "政府", "上级", "报告数", "年度", title=f"机关（{len(rows2)} 个）"
    )
    for a in rows2:
        years = f"{a['first_year']}–{a['last_year']}" if a["first_year"] else ""
        t.add_row(
            str(a["id"]),
            a["name"],
            a["norm_name"],
            a["level"] or "",
            a["region"] or "",
            "是" if a["is_government"] else "",
            a["parent"] or "",
            str(a["reports"] or 0),
            years,
        )
    _out().print(t)


@app.command("export")
def export_cmd(
    output: Annotated[Path, typer.Option("-o", "--output", help="输出文件")],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="csv / xlsx / parquet / json（默认按扩展名）")
    ] = None,
    shape: Annotated[str, typer.Option("--shape", help="wide（每份报告一行）或 long（每个单元格一行）")] = "wide",
    long: Annotated[bool, typer.Option("--long", help="同 --shape long")] = False,
    db: DbOpt = None,
    region: RegionOpt = None,
    level: LevelOpt = None,
    year: YearOpt = None,
    agency: AgencyOpt = None,
    has_errors: Annotated[bool, typer.Option("--has-errors", help="只导出有错误的报告")] = False,
    rule: RuleOpt = None,
) -> None:
    """导出数据集：宽表（每份报告一行、每个单元格一列）或长表（每个单元格一行）。"""
    from gongkai.store.export import FORMATS, export
    from gongkai.store.queries import Filters

    fmt = fmt or output.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        _err().print(f"[red]不支持的导出格式：{fmt}（可选 {'、'.join(FORMATS)}）[/red]")
        raise typer.Exit(2)
    store = _store(db)
    with store.session() as s:
        n = export(s, fmt, output, "long" if long else shape, Filters(region, level, year, agency, has_errors, rule))
    _out().print(f"已导出 {n} 行到 {output}")
