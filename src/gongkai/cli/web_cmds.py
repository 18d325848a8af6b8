"""``gongkai serve``, ``worker``, ``user``, ``token``, ``compare``, ``dashboard``, ``issues``, ``notice``:
the web app and the analyses it shows, from the command line (same functions as the pages)."""

from __future__ import annotations

import getpass
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from gongkai.cli import app
from gongkai.cli.console import LazyConsole, Table

console = LazyConsole()
err = LazyConsole(stderr=True)
DbOpt = Annotated[
    str | None,
    typer.Option("--db", help="数据库地址（SQLAlchemy URL 或 SQLite 文件路径；默认 GONGKAI_DB 或 ./gongkai.db）"),
]
user_app = typer.Typer(help="管理网页用户（管理员、审核人员、只读用户）", no_args_is_help=True)
token_app = typer.Typer(help="API 令牌（供脚本调用 /api）", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(token_app, name="token")


def _store(db: str | None) -> Any:
    from gongkai.store import Store

    try:
        return Store(db)
    except Exception as e:
        err.print(f"[red]无法打开数据库[/red] {db or ''}：{e}")
        raise typer.Exit(2) from None


@app.command("serve")
def serve_cmd(
    db: DbOpt = None,
    host: Annotated[str, typer.Option("--host", help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
    files: Annotated[
        str | None, typer.Option("--files", help="上传文件的存放目录（默认 GONGKAI_FILES 或 ./gongkai-files）")
    ] = None,
    public: Annotated[bool, typer.Option("--public", help="公开只读模式：未登录的访客也可以查看")] = False,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="后台解析进程数")] = 1,
    no_worker: Annotated[bool, typer.Option("--no-worker", help="不启动后台任务进程（另用 gongkai worker）")] = False,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="Cookie 只经 HTTPS 发送（部署在 HTTPS 后面时）")
    ] = False,
    max_file_mb: Annotated[int, typer.Option("--max-file-mb", help="单个上传文件的大小上限（MB）")] = 50,
    workers: Annotated[int, typer.Option("--workers", help="网页服务进程数（多核机器上可设为核数）")] = 1,
    threads: Annotated[
        int | None, typer.Option("--threads", help="每个服务进程同时处理的请求数（默认 4；多用核请加 --workers）")
    ] = None,
) -> None:
    """启动网页服务（含 /api 和 /docs），并启动一个后台任务进程解析上传的报告。"""
    import uvicorn

    from gongkai.store.db import resolve_url
    from gongkai.web import Settings, create_app

    url = resolve_url(db)
    settings = Settings(db=url, files=files, max_file_mb=max_file_mb)
    if threads is not None:
        settings.threads = threads
    settings.public = settings.public or public
    settings.secure_cookies = settings.secure_cookies or secure_cookies
    web = create_app(settings)
    with web.state.store.session() as s:
        from gongkai.store.accounts import count_users

        if count_users(s) == 0 and not settings.public:
            err.print("[yellow]还没有用户。[/yellow]先创建管理员：gongkai user add 用户名 --role admin")
    worker: subprocess.Popen[bytes] | None = None
    if not no_worker:
        cmd = [
            sys.executable,
            "-m",
            "gongkai.web.worker",
            "--db",
            url,
            "--files",
            str(settings.files_root),
            "--jobs",
            str(jobs),
            "--parent",
            str(os.getpid()),
        ]
        worker = subprocess.Popen(cmd)
    err.print(f"gongkai 网页服务：http://{host}:{port}/  （数据库 {url.split('@')[-1]}，文件 {settings.files_root}）")
    try:
        if workers > 1:
            # several processes each build the app from the environment
            os.environ.update(
                GONGKAI_DB=url,
                GONGKAI_FILES=str(settings.files_root),
                GONGKAI_PUBLIC="1" if settings.public else "",
                GONGKAI_SECURE_COOKIES="1" if settings.secure_cookies else "",
                GONGKAI_MAX_FILE_MB=str(max_file_mb),
                GONGKAI_THREADS=str(settings.threads),
            )
            web.state.store.close()
            uvicorn.run(
                "gongkai.web.app:create_app_from_env",
                factory=True,
                host=host,
                port=port,
                workers=workers,
                log_level="warning",
            )
        else:
            uvicorn.run(web, host=host, port=port, log_level="warning")
    finally:
        if worker is not None and worker.poll() is None:
            worker.send_signal(signal.SIGINT)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()


@app.command("worker")
def worker_cmd(
    db: DbOpt = None,
    files: Annotated[str | None, typer.Option("--files", help="上传文件的存放目录")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="解析进程数")] = 1,
    once: Annotated[bool, typer.Option("--once", help="处理完排队的任务就退出")] = False,
) -> None:
    """运行后台任务进程（解析网页上传的文件、抓取网址、重新解析）。"""
    from gongkai.store.db import resolve_url
    from gongkai.web.worker import run_worker

    n = run_worker(resolve_url(db), files, jobs, once)
    if once:
        console.print(f"已处理 {n} 个任务")


def _password(given: str | None) -> str:
    if given:
        return given
    env = os.environ.get("GONGKAI_PASSWORD")
    if env:
        return env
    p1 = getpass.getpass("密码：")
    p2 = getpass.getpass("再输一次：")
    if p1 != p2:
        err.print("[red]两次输入的密码不一致[/red]")
        raise typer.Exit(2)
    return p1


@user_app.command("add")
def user_add_cmd(
    username: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[
        str, typer.Option("--role", help="admin（管理员）/ reviewer（审核人员）/ viewer（只读）")
    ] = "viewer",
    region: Annotated[str | None, typer.Option("--region", help="负责的地区（该地区及下辖），不填为全部")] = None,
    password: Annotated[
        str | None, typer.Option("--password", help="密码（不填则提示输入，或取 GONGKAI_PASSWORD）")
    ] = None,
    db: DbOpt = None,
) -> None:
    """新建用户（首个管理员用它创建）。"""
    from gongkai.store.accounts import add_user

    store = _store(db)
    try:
        with store.session() as s:
            u = add_user(s, username, _password(password), role, region)
            console.print(f"已创建用户 {u.username}（{u.role}{'，' + u.region if u.region else ''}）")
    except ValueError as e:
        err.print(f"[red]{e}[/red]")
        raise typer.Exit(2) from None


@user_app.command("list")
def user_list_cmd(db: DbOpt = None) -> None:
    """列出用户。"""
    from gongkai.store.accounts import ROLE_NAMES, users

    store = _store(db)
    t = Table("编号", "用户名", "角色", "地区", "状态", title="用户")
    with store.session() as s:
        for u in users(s):
            t.add_row(
                str(u.id),
                u.username,
                ROLE_NAMES.get(u.role, u.role),
                u.region or "全部",
                "正常" if u.active else "停用",
            )
    console.print(t)


@user_app.command("passwd")
def user_passwd_cmd(
    username: Annotated[str, typer.Argument(help="用户名")],
    password: Annotated[str | None, typer.Option("--password", help="新密码")] = None,
    db: DbOpt = None,
) -> None:
    """重设密码（该用户的登录会话全部失效）。"""
    from sqlalchemy import select

    from gongkai.store.accounts import User, set_password

    store = _store(db)
    with store.session() as s:
        uid = s.scalar(select(User.id).where(User.username == username))
        if uid is None:
            err.print(f"[red]没有用户 {username}[/red]")
            raise typer.Exit(2)
        try:
            set_password(s, uid, _password(password))
        except ValueError as e:
            err.print(f"[red]{e}[/red]")
            raise typer.Exit(2) from None
    console.print("密码已重设。")


@token_app.command("add")
def token_add_cmd(
    username: Annotated[str, typer.Argument(help="令牌属于哪个用户（权限与之相同）")],
    name: Annotated[str, typer.Option("--name", help="用途")] = "脚本",
    db: DbOpt = None,
) -> None:
    """新建 API 令牌并打印（只显示这一次）。"""
    from sqlalchemy import select

    from gongkai.store.accounts import User, new_api_token

    store = _store(db)
    with store.session() as s:
        uid = s.scalar(select(User.id).where(User.username == username))
        if uid is None:
            err.print(f"[red]没有用户 {username}[/red]")
            raise typer.Exit(2)
        _, token = new_api_token(s, uid, name)
    print(token)


@app.command("compare")
def compare_cmd(
    old: Annotated[int, typer.Argument(help="较早的报告编号")],
    new: Annotated[int, typer.Argument(help="较新的报告编号")],
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
) -> None:
    """比较两份报告：有变化的单元格、正文相似度、跨年度问题。"""
    from gongkai.analysis.compare import compare

    store = _store(db)
    with store.session() as s:
        c = compare(s, old, new)
    if c is None:
        err.print("[red]没有找到这两份报告[/red]")
        raise typer.Exit(2)
    if as_json:
        sys.stdout.write(json.dumps(c.to_json(), ensure_ascii=False, indent=2, default=str) + "\n")
        return
    console.print(
        f"{c.old['agency']} {c.old['year']} → {c.new['agency']} {c.new['year']}：有变化的单元格 {c.changed} 个"
    )
    t = Table("单元格", str(c.old["year"]), str(c.new["year"]), "变化", title="有变化的单元格")
    for rows in c.tables.values():
        for d in rows:
            if d.status == "changed":
                t.add_row(d.label, str(d.old), str(d.new), f"{d.change:+}" if d.change is not None else "")
    console.print(t)
    for sd in c.sections:
        if sd.similarity is not None:
            console.print(f"{sd.title}：相似度 {sd.similarity:.0%}")
    for f in c.findings:
        console.print(f"[yellow]{f.rule}[/yellow] {f.message}")


@app.command("dashboard")
def dashboard_cmd(
    region: Annotated[str | None, typer.Option("--region", help="地区")] = None,
    year: Annotated[int | None, typer.Option("--year", help="年度")] = None,
    db: DbOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出全部图表数据（JSON）")] = False,
) -> None:
    """地区和年度的统计：报告数、问题、申请办理结果、复议诉讼纠正率、趋势、排名。"""
    from gongkai.analysis.dashboard import dashboard

    store = _store(db)
    with store.session() as s:
        d = dashboard(s, region, year)
    if as_json:
        sys.stdout.write(json.dumps(d.to_json(), ensure_ascii=False, indent=2, default=str) + "\n")
        return
    f = d.figures
    console.print(
        f"{region or '全部地区'} {year or '全部年度'}：报告 {f['reports']} 份，有错误 {f['reports_with_errors']} 份，"
        f"新收申请 {f['applications_received']} 件"
    )
    for c in d.charts:
        t = Table(*c.columns, title=c.title)
        for r in c.rows:
            t.add_row(*("" if v is None else str(v) for v in r))
        console.print(t)
        if c.note:
            console.print(f"  {c.note}")


@app.command("issues")
def issues_cmd(
    output: Annotated[Path | None, typer.Option("-o", "--output", help="写成 XLSX 文件")] = None,
    region: Annotated[str | None, typer.Option("--region", help="地区")] = None,
    year: Annotated[int | None, typer.Option("--year", help="年度")] = None,
    by: Annotated[str, typer.Option("--by", help="分组：agency（机关）/ rule（规则）")] = "agency",
    db: DbOpt = None,
) -> None:
    """问题清单：未排除的错误和警告，按机关或规则分组；-o 导出 XLSX。"""
    from gongkai.analysis.issues import GROUP_BY, IssueFilter, group_findings, issues_xlsx, open_findings

    if by not in GROUP_BY:
        err.print("[red]--by 只能是 agency 或 rule[/red]")
        raise typer.Exit(2)
    store = _store(db)
    with store.session() as s:
        rows = open_findings(s, IssueFilter(region=region, year=year))
    if output is not None:
        output.write_bytes(issues_xlsx(rows, by, f"问题清单（{region or '全部地区'}，{year or '全部年度'}）"))
        console.print(f"已导出 {len(rows)} 条问题到 {output}")
        return
    for name, items in group_findings(rows, by):
        console.print(f"[bold]{name}[/bold]（{len(items)} 条）")
        for r in items:
            console.print(f"  {r['year'] or ''} {r['where']}：{r['message']}")


@app.command("notice")
def notice_cmd(
    agency: Annotated[str, typer.Argument(help="机关名称（包含匹配，须只匹配一个机关）")],
    output: Annotated[Path, typer.Option("-o", "--output", help="DOCX 文件")],
    year: Annotated[int | None, typer.Option("--year", help="年度")] = None,
    issuer: Annotated[str, typer.Option("--issuer", help="落款单位")] = "政务公开办公室",
    db: DbOpt = None,
) -> None:
    """给一个机关的整改通知（DOCX），列出它未排除的问题。"""
    from sqlalchemy import select

    from gongkai.analysis.issues import IssueFilter, notice_paragraphs, open_findings
    from gongkai.render.letter import notice_docx
    from gongkai.store.schema import Agency

    store = _store(db)
    with store.session() as s:
        hits = s.execute(select(Agency.id, Agency.name).where(Agency.name.like(f"%{agency}%"))).all()
        if len(hits) != 1:
            names = "、".join(n for _, n in hits[:10]) or "无"
            err.print(f"[red]“{agency}”匹配到 {len(hits)} 个机关：{names}[/red]")
            raise typer.Exit(2)
        rows = open_findings(s, IssueFilter(agency_id=hits[0][0], year=year))
    if not rows:
        err.print("该机关没有待整改的问题")
        raise typer.Exit(1)
    output.write_bytes(notice_docx(notice_paragraphs(rows, issuer=issuer)))
    console.print(f"已写出整改通知（{len(rows)} 项问题）：{output}")
