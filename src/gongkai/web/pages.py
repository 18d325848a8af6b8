"""The pages (Chinese, server-rendered; they read without JavaScript, htmx only makes some
actions quicker). Each handler calls the same service functions as the API."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gongkai.analysis.compare import TABLE_TITLES, previous_of
from gongkai.analysis.dashboard import RANK_MIN_APPLICATIONS, RANK_MIN_CASES
from gongkai.analysis.issues import IssueFilter, group_findings
from gongkai.analysis.labels import LEVEL_ORDER, rule_title
from gongkai.analysis.listing import ReportQuery, page_count, publication_grid
from gongkai.store.accounts import (
    LOGIN_MAX_FAILURES,
    ROLES,
    Principal,
    add_user,
    api_tokens,
    authenticate,
    end_session,
    login_blocked,
    new_api_token,
    new_session,
    revoke_token,
    set_password,
    users,
)
from gongkai.store.jobs import ITEM_NAMES, STATUS_NAMES, jobs
from gongkai.web import api, service
from gongkai.web.api import store_of
from gongkai.web.charts import draw
from gongkai.web.security import (
    SESSION_COOKIE,
    HTTPError,
    csrf_token,
    current_principal,
    require_admin,
    require_user,
    require_writer,
)
from gongkai.web.uploads import Incoming, submit

router = APIRouter(include_in_schema=False)
User = Annotated[Principal, Depends(require_user)]
Writer = Annotated[Principal, Depends(require_writer)]
Admin = Annotated[Principal, Depends(require_admin)]
FINDINGS_PER_PAGE = 200
"""Findings one page of the list shows (a province's hundred thousand are exported as XLSX)."""
LOGIN_IP_MAX = 50
"""Failed logins allowed from one address in the window (many users may share an office's)."""


def render(request: Request, name: str, status: int = 200, **ctx: Any) -> HTMLResponse:
    try:
        user = current_principal(request)
    except HTTPError:
        user = None
    ctx.setdefault("user", user)
    ctx["csrf"] = csrf_token(request)
    ctx["request_path"] = request.url.path
    ctx["htmx"] = request.headers.get("hx-request") == "true"
    return request.app.state.templates.TemplateResponse(request, name, ctx, status_code=status)  # type: ignore[no-any-return]


def _int(v: str | None) -> int | None:
    try:
        return int(v) if v not in (None, "") else None
    except ValueError:
        return None


# --- login ----------------------------------------------------------------------------------


@router.get("/login")
def login_page(request: Request, next: str = "/reports") -> HTMLResponse:
    return render(request, "login.html", next=_safe_next(next), error=None)


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") else "/reports"


@router.post("/login")
def login(
    request: Request,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    ip = request.client.host if request.client else "?"
    keys = [f"user:{username.strip()}", f"ip:{ip}"]
    store = store_of(request)
    with store.session() as s:
        blocked = login_blocked(s, keys[:1]) or _ip_blocked(s, keys[1])
    if blocked:
        return render(
            request,
            "login.html",
            status=429,
            next=_safe_next(next),
            error=f"登录失败次数过多（{LOGIN_MAX_FAILURES} 次），请 15 分钟后再试",
        )
    with store.session() as s:
        u = authenticate(s, username, password, keys)
        token = new_session(s, u.id) if u is not None else None
    if token is None:
        return render(request, "login.html", status=401, next=_safe_next(next), error="用户名或密码不正确")
    resp = RedirectResponse(_safe_next(next), status_code=303)
    resp.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="lax",
        secure=request.app.state.settings.secure_cookies,
        max_age=12 * 3600,
        path="/",
    )
    return resp


def _ip_blocked(s: Any, key: str) -> bool:
    import datetime as dt

    from sqlalchemy import func, select

    from gongkai.store.accounts import LOGIN_WINDOW_MINUTES, LoginFailure
    from gongkai.store.records import utcnow

    since = utcnow() - dt.timedelta(minutes=LOGIN_WINDOW_MINUTES)
    n = s.scalar(select(func.count(LoginFailure.id)).where(LoginFailure.key == key, LoginFailure.at >= since))
    return (n or 0) >= LOGIN_IP_MAX


@router.post("/logout")
def logout(request: Request) -> Response:
    sid = request.cookies.get(SESSION_COOKIE)
    if sid:
        with store_of(request).session() as s:
            end_session(s, sid)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(SESSION_COOKIE, path="/")
    return resp


# --- reports ----------------------------------------------------------------------------------


@router.get("/")
def home(request: Request) -> Response:
    return RedirectResponse("/reports", status_code=303)


@router.get("/reports")
def reports_page(
    request: Request,
    p: User,
    region: str = "",
    level: str = "",
    year: str = "",
    template: str = "",
    agency: str = "",
    has_errors: str = "",
    rule: str = "",
    sort: str = "agency",
    desc: str = "",
    page: int = 1,
) -> HTMLResponse:
    rq = ReportQuery(
        region or None,
        level or None,
        _int(year),
        template or None,
        agency or None,
        bool(has_errors),
        rule or None,
        sort,
        bool(desc),
        max(1, page),
    )
    res = service.get_list(store_of(request), p, rq)
    tree, all_years, rules = service.get_sidebar(store_of(request), p)
    params = {
        k: v
        for k, v in dict(
            region=region, level=level, year=year, template=template, agency=agency, has_errors=has_errors, rule=rule
        ).items()
        if v
    }

    def link(**over: Any) -> str:
        q = {**params, "sort": sort, "desc": desc, **over}
        return "/reports?" + urlencode({k: v for k, v in q.items() if v not in ("", None, False)})

    return render(
        request,
        "reports.html",
        res=res,
        q=rq,
        params=params,
        tree=tree,
        years=all_years,
        rules=[(r, rule_title(r)) for r in rules],
        levels=LEVEL_ORDER,
        link=link,
    )


@router.get("/reports/missing")
def missing_page(request: Request, p: User, region: str = "", level: str = "") -> HTMLResponse:
    with store_of(request).session() as s:
        grid = publication_grid(s, p.region, region or None, level or None)
    tree = service.get_sidebar(store_of(request), p)[0]
    return render(request, "missing.html", grid=grid, region=region, level=level, levels=LEVEL_ORDER, tree=tree)


@router.get("/reports/{report_id}")
def report_page(request: Request, p: User, report_id: int) -> HTMLResponse:
    v = service.get_view(store_of(request), p, report_id)
    return render(request, "report.html", v=v)


@router.get("/reports/{report_id}/cells/{key}")
def source_page(request: Request, p: User, report_id: int, key: str) -> HTMLResponse:
    src = service.get_source(store_of(request), request.app.state.files, p, report_id, key)
    return render(request, "source.html", src=src, report_id=report_id)


@router.get("/reports/{report_id}/cells/{key}/image.png")
def source_image(request: Request, p: User, report_id: int, key: str, page: int = 0) -> Response:
    png = service.get_crop(store_of(request), request.app.state.files, p, report_id, key, whole=bool(page))
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=600"})


@router.post("/findings/{finding_id}/verdict")
def verdict_form(
    request: Request,
    p: Writer,
    finding_id: int,
    verdict: Annotated[str, Form()],
    comment: Annotated[str, Form()] = "",
) -> Response:
    rid = service.record_verdict(store_of(request), p, finding_id, verdict, comment)
    if request.headers.get("hx-request") == "true":
        v = service.get_view(store_of(request), p, rid)
        f = next(x for x in v.findings if x.id == finding_id)
        return render(request, "_finding.html", f=f, v=v)
    return RedirectResponse(f"/reports/{rid}#f{finding_id}", status_code=303)


@router.post("/reports/{report_id}/reparse")
def reparse_form(request: Request, p: Writer, report_id: int) -> Response:
    jid = service.start_reparse(store_of(request), p, report_id)
    return RedirectResponse(f"/jobs/{jid}", status_code=303)


@router.get("/reports/{report_id}/export.{fmt}")
def export_page(request: Request, p: User, report_id: int, fmt: str) -> Response:
    if fmt not in ("json", "xlsx"):
        raise HTTPError(404, "只能导出 JSON 或 XLSX")
    return api.export_report(request, p, report_id, fmt)  # type: ignore[arg-type]


# --- compare, dashboard, findings -------------------------------------------------------------


@router.get("/compare")
def compare_page(request: Request, p: User, old: str = "", new: str = "") -> Response:
    new_id, old_id = _int(new), _int(old)
    if new_id is not None and old_id is None:
        with store_of(request).session() as s:
            old_id = previous_of(s, new_id)
        if old_id is None:
            raise HTTPError(404, "库中没有这个机关上一年度的报告，无法比较")
    if new_id is None or old_id is None:
        raise HTTPError(400, "请指定要比较的两份报告")
    c = service.get_compare(store_of(request), p, old_id, new_id)
    return render(request, "compare.html", c=c, titles=TABLE_TITLES)


@router.get("/dashboard")
def dashboard_page(request: Request, p: User, region: str = "", year: str = "") -> HTMLResponse:
    tree, all_years, _ = service.get_sidebar(store_of(request), p)
    y = _int(year) if year else (all_years[0] if all_years else None)
    d = service.get_dashboard(store_of(request), p, region or None, y)
    svgs = {c.key: draw(c) for c in d.charts}
    q = urlencode({k: v for k, v in {"region": region, "year": y}.items() if v})
    return render(
        request,
        "dashboard.html",
        d=d,
        svgs=svgs,
        years=all_years,
        region=region,
        year=y,
        tree=tree,
        q=q,
        rank_min=(RANK_MIN_APPLICATIONS, RANK_MIN_CASES),
    )


@router.get("/dashboard/data/{chart}.csv")
def dashboard_data(request: Request, p: User, chart: str, region: str = "", year: str = "") -> Response:
    return api.dashboard_csv(request, p, chart, region or None, _int(year))


@router.get("/findings")
def findings_page(
    request: Request, p: User, region: str = "", year: str = "", rule: str = "", by: str = "agency", page: int = 1
) -> HTMLResponse:
    by = by if by in ("agency", "rule") else "agency"
    f = IssueFilter(region=region or None, year=_int(year), rule=rule or None)
    store = store_of(request)

    def page_of(n: int) -> service.IssuePage:
        return service.get_issue_page(store, p, f, (n - 1) * FINDINGS_PER_PAGE, FINDINGS_PER_PAGE, None)

    page = max(1, page)
    res = page_of(page)
    pages = page_count(res.total, FINDINGS_PER_PAGE)
    if page > pages:  # past the end (the list got shorter): its last page
        page = pages
        res = page_of(page)
    shown, total = res.rows, res.total
    tree, all_years, rules = service.get_sidebar(store, p)
    q = urlencode({k: v for k, v in {"region": region, "year": year, "rule": rule, "by": by}.items() if v})
    return render(
        request,
        "findings.html",
        groups=group_findings(shown, by),
        total=total,
        shown=len(shown),
        first=(page - 1) * FINDINGS_PER_PAGE + 1,
        page=page,
        pages=pages,
        by=by,
        region=region,
        year=year,
        rule=rule,
        years=all_years,
        rules=[(r, rule_title(r)) for r in rules],
        tree=tree,
        q=q,
    )


@router.get("/findings/export.xlsx")
def findings_export(
    request: Request, p: User, region: str = "", year: str = "", rule: str = "", by: str = "agency"
) -> Response:
    return api.findings_xlsx(request, p, region or None, _int(year), rule or None, "rule" if by == "rule" else "agency")


@router.get("/agencies/{agency_id}/notice.docx")
def notice_page(request: Request, p: User, agency_id: int, year: str = "") -> Response:
    return api.notice(request, p, agency_id, _int(year))


# --- upload and jobs ------------------------------------------------------------------------------


@router.get("/upload")
def upload_page(request: Request, p: Writer) -> HTMLResponse:
    s = request.app.state.settings
    return render(request, "upload.html", settings=s, error=None)


@router.post("/upload")
def upload_form(
    request: Request,
    p: Writer,
    files: Annotated[list[UploadFile] | None, File()] = None,
    urls: Annotated[str, Form()] = "",
) -> Response:
    incoming = [Incoming(f.filename or "未命名", f.file, f.size) for f in (files or []) if f.filename]
    try:
        ids = submit(
            store_of(request), request.app.state.files, request.app.state.settings, p, incoming, urls.splitlines()
        )
    except HTTPError as e:
        return render(request, "upload.html", status=e.status, settings=request.app.state.settings, error=e.message)
    return RedirectResponse(f"/jobs/{ids[0]}" if len(ids) == 1 else "/jobs", status_code=303)


@router.get("/jobs")
def jobs_page(request: Request, p: User) -> HTMLResponse:
    with store_of(request).session() as s:
        rows = jobs(s, None if p.is_admin else p.user_id)
    return render(request, "jobs.html", jobs=rows, STATUS_NAMES=STATUS_NAMES)


@router.get("/jobs/{job_id}")
def job_page(request: Request, p: User, job_id: int) -> HTMLResponse:
    job, results = service.get_job(store_of(request), p, job_id)
    name = "_job.html" if request.headers.get("hx-request") == "true" else "job.html"
    return render(request, name, job=job, results=results, STATUS_NAMES=STATUS_NAMES, ITEM_NAMES=ITEM_NAMES)


# --- account and users ------------------------------------------------------------------------------


@router.get("/account")
def account_page(request: Request, p: User, new_token: str = "") -> HTMLResponse:
    tokens = []
    if p.user_id is not None:
        with store_of(request).session() as s:
            tokens = api_tokens(s, p.user_id)
    return render(request, "account.html", tokens=tokens, new_token=None, message=None)


@router.post("/account/tokens")
def account_token(request: Request, p: User, name: Annotated[str, Form()] = "脚本") -> HTMLResponse:
    if p.user_id is None:
        raise HTTPError(403, "请先登录")
    with store_of(request).session() as s:
        _, token = new_api_token(s, p.user_id, name)
        tokens = api_tokens(s, p.user_id)
    return render(request, "account.html", tokens=tokens, new_token=token, message=None)


@router.post("/account/tokens/{token_id}/revoke")
def account_revoke(request: Request, p: User, token_id: int) -> Response:
    if p.user_id is None:
        raise HTTPError(403, "请先登录")
    with store_of(request).session() as s:
        revoke_token(s, p.user_id, token_id)
    return RedirectResponse("/account", status_code=303)


@router.post("/account/password")
def account_password(
    request: Request, p: User, old: Annotated[str, Form()], new: Annotated[str, Form()]
) -> HTMLResponse:
    if p.user_id is None:
        raise HTTPError(403, "请先登录")
    store = store_of(request)
    with store.session() as s:
        ok = authenticate(s, p.username, old, [f"user:{p.username}"]) is not None
    message = "原密码不正确"
    if ok:
        try:
            with store.session() as s:
                set_password(s, p.user_id, new)
            message = "密码已修改，请重新登录"
        except ValueError as e:
            message = str(e)
    with store.session() as s:
        tokens = api_tokens(s, p.user_id)
    return render(request, "account.html", tokens=tokens, new_token=None, message=message)


@router.get("/users")
def users_page(request: Request, p: Admin) -> HTMLResponse:
    with store_of(request).session() as s:
        rows = users(s)
    return render(request, "users.html", users=rows, roles=ROLES, error=None)


@router.post("/users")
def users_add(
    request: Request,
    p: Admin,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    role: Annotated[str, Form()] = "viewer",
    region: Annotated[str, Form()] = "",
) -> Response:
    error = None
    try:
        with store_of(request).session() as s:
            add_user(s, username, password, role, region or None)
    except ValueError as e:
        error = str(e)
    if error is None:
        return RedirectResponse("/users", status_code=303)
    with store_of(request).session() as s:
        rows = users(s)
    return render(request, "users.html", status=400, users=rows, roles=ROLES, error=error)


# --- drafting ----------------------------------------------------------------------------------


def _compose_context(c: Any = None, form: Any = None) -> dict[str, Any]:
    import datetime as dt

    from gongkai.model.template import SECTION_KEYS
    from gongkai.web.composing import SECTION_NAMES

    return {
        "c": c,
        "form": form,
        "sections": [(k, SECTION_NAMES[k]) for k in SECTION_KEYS],
        "default_year": dt.date.today().year - 1,
        "rule_title": rule_title,
    }


@router.get("/compose")
def compose_page(request: Request, p: User) -> HTMLResponse:
    return render(request, "compose.html", **_compose_context())


@router.post("/compose/check")
def compose_check(request: Request, p: User, form: api.ComposeFormIn) -> HTMLResponse:
    from gongkai.web.composing import compose

    c = compose(store_of(request), p, form)
    name = "_compose_result.html" if request.headers.get("hx-request") == "true" else "compose.html"
    return render(request, name, **_compose_context(c, form))


@router.post("/compose/file")
def compose_file(
    request: Request, p: User, form: api.ComposeFormIn, format: Annotated[str, Form()] = "docx"
) -> Response:
    from gongkai.web.composing import DRAFT_FORMATS, compose, written

    c = compose(store_of(request), p, form)
    if c.report is None or format not in DRAFT_FORMATS:
        return render(request, "compose.html", status=400, **_compose_context(c, form))
    media, suffix = DRAFT_FORMATS[format]
    return api.download(written(c.report, format), f"{c.report.title or '年度报告'}.{suffix}", media)
