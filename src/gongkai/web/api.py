"""The JSON API under ``/api``: everything the pages do. Scripts authenticate with an API token
(``Authorization: Bearer gk_…``); the pages' htmx calls use the session cookie and send the
CSRF token in the ``X-CSRF-Token`` header."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from gongkai.analysis.issues import GROUP_BY, IssueFilter, issues_xlsx, notice_paragraphs
from gongkai.analysis.listing import ReportQuery, publication_grid, region_tree
from gongkai.analysis.report_view import cell_json, report_json
from gongkai.render.letter import notice_docx
from gongkai.store import Store
from gongkai.store.accounts import ROLES, Principal, add_user, api_tokens, new_api_token, revoke_token, users
from gongkai.store.jobs import STATUS_NAMES, JobRow, jobs
from gongkai.web import service
from gongkai.web.report_xlsx import report_xlsx
from gongkai.web.security import HTTPError, require_admin, require_user, require_writer
from gongkai.web.uploads import Incoming, submit

router = APIRouter(prefix="/api", tags=["api"])
User = Annotated[Principal, Depends(require_user)]
Writer = Annotated[Principal, Depends(require_writer)]
Admin = Annotated[Principal, Depends(require_admin)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FINDINGS_PAGE = 1000
"""Findings one ``/api/findings`` answer holds unless asked otherwise (the export has them all)."""
FINDINGS_MAX_PAGE = 10000


def download(data: bytes, name: str, media: str) -> Response:
    return Response(
        data, media_type=media, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}
    )


def store_of(request: Request) -> Store:
    """The app's store (opened once by ``create_app``)."""
    return request.app.state.store  # type: ignore[no-any-return]


def _files(request: Request) -> Any:
    return request.app.state.files


class VerdictIn(BaseModel):
    verdict: Literal["confirmed", "dismissed"] = Field(description="confirmed 确认 / dismissed 排除")
    comment: str | None = Field(None, description="复核意见（排除时必填）")


class UserIn(BaseModel):
    username: str
    password: str
    role: Literal["admin", "reviewer", "viewer"] = "viewer"
    region: str | None = Field(None, description="负责的地区（为空表示全部）")


class TokenIn(BaseModel):
    name: str = "脚本"


def _me(p: Principal) -> dict[str, Any]:
    return {"username": p.username, "role": p.role, "region": p.region, "can_write": p.can_write}


@router.get("/me", summary="当前用户")
def me(p: User) -> dict[str, Any]:
    return _me(p)


@router.get("/reports", summary="报告列表（筛选、排序、分页）")
def reports(
    request: Request,
    p: User,
    region: str | None = None,
    level: str | None = None,
    year: int | None = None,
    template: str | None = None,
    agency: str | None = None,
    has_errors: bool = False,
    rule: str | None = None,
    sort: Literal["agency", "year", "region", "errors"] = "agency",
    desc: bool = False,
    page: int = Query(1, ge=1),
    per_page: int = Query(50, ge=1, le=500),
) -> dict[str, Any]:
    rq = ReportQuery(region, level, year, template, agency, has_errors, rule, sort, desc, page, per_page)
    res = service.get_list(store_of(request), p, rq)
    return {"total": res.total, "page": res.page, "pages": res.pages, "counts": res.counts, "reports": res.rows}


@router.get("/regions", summary="地区树（含报告数）")
def regions(request: Request, p: User, year: int | None = None) -> list[dict[str, Any]]:
    with store_of(request).session() as s:
        return [n.to_json() for n in region_tree(s, p.region, year)]


@router.get("/publication", summary="年度 × 机关：谁没有发布报告")
def publication(request: Request, p: User, region: str | None = None, level: str | None = None) -> dict[str, Any]:
    with store_of(request).session() as s:
        g = publication_grid(s, p.region, region, level)
    return {"years": g.years, "missing": g.missing, "agencies": g.total_agencies, "rows": g.rows}


@router.get("/reports/{report_id}", summary="一份报告：表格、章节、问题（含复核结论）和每个单元格的出处")
def report(request: Request, p: User, report_id: int) -> dict[str, Any]:
    return report_json(service.get_view(store_of(request), p, report_id))


@router.get("/reports/{report_id}/cells", summary="报告的全部单元格（数值、原文、不确定原因、候选读法、出处）")
def cells(request: Request, p: User, report_id: int) -> list[dict[str, Any]]:
    v = service.get_view(store_of(request), p, report_id)
    return [cell_json(k, cv.cell, v.meta["template"]) for k, cv in v.cells.items()]


@router.get("/reports/{report_id}/cells/{key}", summary="一个单元格的出处（原文行、网页表格单元格或 PDF 页面截图）")
def cell_source(request: Request, p: User, report_id: int, key: str) -> dict[str, Any]:
    return service.get_source(store_of(request), _files(request), p, report_id, key).to_json()


@router.get("/reports/{report_id}/findings", summary="报告的核查问题（含复核结论）")
def report_findings(request: Request, p: User, report_id: int) -> list[dict[str, Any]]:
    return [f.to_json() for f in service.get_view(store_of(request), p, report_id).findings]


@router.post("/findings/{finding_id}/verdict", summary="记录复核结论（重新解析后仍保留）")
def verdict(request: Request, p: Writer, finding_id: int, body: VerdictIn) -> dict[str, Any]:
    rid = service.record_verdict(store_of(request), p, finding_id, body.verdict, body.comment)
    return {"ok": True, "report_id": rid}


@router.post("/reports/{report_id}/reparse", summary="重新解析报告（后台任务）", status_code=202)
def reparse(request: Request, p: Writer, report_id: int) -> dict[str, Any]:
    return {"job_id": service.start_reparse(store_of(request), p, report_id)}


@router.get("/reports/{report_id}/export.{fmt}", summary="下载解析结果（json / xlsx）")
def export_report(request: Request, p: User, report_id: int, fmt: Literal["json", "xlsx"]) -> Response:
    v = service.get_view(store_of(request), p, report_id)
    name = f"{v.meta['agency'] or '报告'}-{v.meta['year'] or ''}-{report_id}"
    if fmt == "json":
        data = json.dumps(report_json(v), ensure_ascii=False, indent=2, default=str).encode()
        return download(data, f"{name}.json", "application/json")
    return download(report_xlsx(v), f"{name}.xlsx", XLSX)


@router.get("/compare", summary="比较两份报告（单元格、正文相似度、跨年度问题）")
def compare(request: Request, p: User, old: int, new: int) -> dict[str, Any]:
    return service.get_compare(store_of(request), p, old, new).to_json()


@router.get("/dashboard", summary="地区 × 年度统计（图表数据）")
def dashboard(request: Request, p: User, region: str | None = None, year: int | None = None) -> dict[str, Any]:
    return service.get_dashboard(store_of(request), p, region, year).to_json()


@router.get("/dashboard/{chart}.csv", summary="图表数据（CSV）")
def dashboard_csv(
    request: Request, p: User, chart: str, region: str | None = None, year: int | None = None
) -> Response:
    d = service.get_dashboard(store_of(request), p, region, year)
    c = d.chart(chart)
    if c is None:
        raise HTTPError(404, "没有这个图表")
    return download(chart_csv(c.columns, c.rows), f"{c.title}-{region or '全部'}-{year or '全部年度'}.csv", "text/csv")


def chart_csv(columns: list[str], rows: list[list[Any]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    w.writerows(["" if v is None else v for v in r] for r in rows)
    return ("\ufeff" + buf.getvalue()).encode()  # BOM: Excel and WPS open it as UTF-8


def _issue_filter(region: str | None, year: int | None, rule: str | None, agency_id: int | None = None) -> IssueFilter:
    return IssueFilter(region=region or None, year=year, rule=rule or None, agency_id=agency_id)


@router.get("/findings", summary="问题清单：地区内全部未排除的问题（可按机关或规则分组）")
def findings(
    request: Request,
    p: User,
    region: str | None = None,
    year: int | None = None,
    rule: str | None = None,
    agency_id: int | None = None,
    by: Literal["agency", "rule"] | None = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=FINDINGS_MAX_PAGE)] = FINDINGS_PAGE,
) -> dict[str, Any]:
    """A page of the findings (``offset``, ``limit``) with their total; ``groups`` count every
    finding of the region, not only the page's (a province has a hundred thousand)."""
    f = _issue_filter(region, year, rule, agency_id)
    page = service.get_issue_page(store_of(request), p, f, offset, limit, by)
    out: dict[str, Any] = {"total": page.total, "offset": offset, "limit": limit, "findings": page.rows}
    if by:
        out["groups"] = [{"group": g, "count": n} for g, n in page.groups]
    return out


@router.get("/findings/export.xlsx", summary="问题清单（XLSX）")
def findings_xlsx(
    request: Request,
    p: User,
    region: str | None = None,
    year: int | None = None,
    rule: str | None = None,
    by: Literal["agency", "rule"] = "agency",
) -> Response:
    if by not in GROUP_BY:
        raise HTTPError(400, "分组只能是 agency 或 rule")
    rows = service.get_issues(store_of(request), p, _issue_filter(region, year, rule))
    title = f"问题清单（{region or p.region or '全部地区'}，{year or '全部年度'}）"
    return download(issues_xlsx(rows, by, title), f"问题清单-{region or '全部'}-{year or '全部'}.xlsx", XLSX)


@router.get("/agencies/{agency_id}/notice.docx", summary="整改通知（DOCX）")
def notice(
    request: Request, p: User, agency_id: int, year: int | None = None, issuer: str = "政务公开办公室"
) -> Response:
    rows = service.get_issues(store_of(request), p, IssueFilter(agency_id=agency_id, year=year))
    if not rows:
        raise HTTPError(404, "该机关没有待整改的问题")
    name = f"整改通知-{rows[0]['agency']}-{year or '全部年度'}.docx"
    return download(notice_docx(notice_paragraphs(rows, issuer=issuer[:60])), name, DOCX)


@router.post("/uploads", summary="上传报告文件（可多个、可为 ZIP）或网址；后台解析", status_code=202)
def upload(
    request: Request,
    p: Writer,
    files: Annotated[list[UploadFile] | None, File(description="报告文件")] = None,
    urls: Annotated[str, Form(description="网址，每行一个")] = "",
) -> dict[str, Any]:
    incoming = [Incoming(f.filename or "未命名", f.file, f.size) for f in (files or []) if f.filename]
    ids = submit(store_of(request), _files(request), request.app.state.settings, p, incoming, urls.splitlines())
    return {"jobs": ids}


def job_json(job: JobRow, results: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "status_name": STATUS_NAMES.get(job.status, job.status),
        "total": job.total,
        "done": job.done,
        "new": job.new,
        "unchanged": job.unchanged,
        "failed": job.failed,
        "message": job.message,
        "created_at": job.created_at.isoformat(timespec="seconds"),
        "finished_at": job.finished_at.isoformat(timespec="seconds") if job.finished_at else None,
    }
    if results is not None:
        out["results"] = results
    return out


@router.get("/jobs", summary="我的任务")
def job_list(request: Request, p: User) -> list[dict[str, Any]]:
    with store_of(request).session() as s:
        return [job_json(j) for j in jobs(s, None if p.is_admin else p.user_id)]


@router.get("/jobs/{job_id}", summary="任务进度和每个文件的结果")
def job_detail(request: Request, p: User, job_id: int) -> dict[str, Any]:
    job, results = service.get_job(store_of(request), p, job_id)
    return job_json(job, results)


@router.get("/users", summary="用户列表（管理员）")
def user_list(request: Request, p: Admin) -> list[dict[str, Any]]:
    with store_of(request).session() as s:
        return [
            {"id": u.id, "username": u.username, "role": u.role, "region": u.region, "active": u.active}
            for u in users(s)
        ]


@router.post("/users", summary="新建用户（管理员）", status_code=201)
def user_add(request: Request, p: Admin, body: UserIn) -> dict[str, Any]:
    if body.role not in ROLES:
        raise HTTPError(400, "角色无效")
    try:
        with store_of(request).session() as s:
            u = add_user(s, body.username, body.password, body.role, body.region)
            return {"id": u.id, "username": u.username, "role": u.role, "region": u.region}
    except ValueError as e:
        raise HTTPError(400, str(e)) from None


@router.get("/tokens", summary="我的 API 令牌")
def token_list(request: Request, p: User) -> list[dict[str, Any]]:
    if p.user_id is None:
        raise HTTPError(403, "请先登录")
    with store_of(request).session() as s:
        return [
            {"id": t.id, "name": t.name, "created_at": t.created_at.isoformat(timespec="seconds"), "revoked": t.revoked}
            for t in api_tokens(s, p.user_id)
        ]


@router.post("/tokens", summary="新建 API 令牌（只显示一次）", status_code=201)
def token_add(request: Request, p: User, body: TokenIn) -> dict[str, Any]:
    if p.user_id is None:
        raise HTTPError(403, "请先登录")
    with store_of(request).session() as s:
        tid, token = new_api_token(s, p.user_id, body.name)
    return {"id": tid, "token": token}


@router.delete("/tokens/{token_id}", summary="撤销 API 令牌")
def token_revoke(request: Request, p: User, token_id: int) -> dict[str, Any]:
    if p.user_id is None:
        raise HTTPError(403, "请先登录")
    with store_of(request).session() as s:
        if not revoke_token(s, p.user_id, token_id):
            raise HTTPError(404, "没有这个令牌")
    return {"ok": True}


# --- drafting -------------------------------------------------------------------------------------


async def compose_form_of(request: Request) -> Any:
    """The drafting form's fields (the page and the API send the same multipart form)."""
    import datetime as dt

    from gongkai.model.template import SECTION_KEYS
    from gongkai.web.composing import ComposeForm, Upload

    form = await request.form()

    def text(name: str) -> str:
        v = form.get(name)
        return v.strip() if isinstance(v, str) else ""

    async def upload(name: str) -> Upload | None:
        v = form.get(name)
        if v is None or isinstance(v, str) or not v.filename:
            return None
        data = await v.read()
        return Upload(v.filename, data) if data else None

    year_text = text("year")
    if not year_text.isdigit():
        raise HTTPError(400, f"年度应为数字，如 {dt.date.today().year - 1}")
    try:
        signed_on = dt.date.fromisoformat(text("signed_on")) if text("signed_on") else None
    except ValueError:
        raise HTTPError(400, f"无法识别的落款日期：{text('signed_on')}（应为 2025-01-20）") from None
    return ComposeForm(
        agency=text("agency"),
        year=int(year_text),
        template=text("template") or None,
        signed_on=signed_on,
        register=await upload("register"),
        from_cases=text("from_cases") in ("1", "on", "true", "yes"),
        table2=await upload("table2"),
        table4=await upload("table4"),
        sections={k: text(f"section_{k}") for k in SECTION_KEYS},
    )


ComposeFormIn = Annotated[Any, Depends(compose_form_of)]


@router.post(
    "/compose",
    summary="撰写年度报告：台账、表二表四、六部分正文 → 报告草稿（核查结果，或 format 指定的文件）",
    openapi_extra={
        "requestBody": {
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["agency", "year"],
                        "properties": {
                            "agency": {"type": "string", "description": "机关名称"},
                            "year": {"type": "integer"},
                            "template": {"type": "string", "enum": ["v2019", "v2021"]},
                            "signed_on": {"type": "string", "format": "date"},
                            "register": {"type": "string", "format": "binary", "description": "依申请公开台账"},
                            "from_cases": {"type": "boolean", "description": "表三由「依申请」的案件生成"},
                            "table2": {"type": "string", "format": "binary"},
                            "table4": {"type": "string", "format": "binary"},
                            "section_overview": {"type": "string", "description": "各部分正文 section_<key>"},
                        },
                    }
                }
            }
        }
    },
)
def compose_draft(
    request: Request,
    p: User,
    form: ComposeFormIn,
    format: Annotated[Literal["json", "docx", "html", "md"] | None, Query(description="写出的文件格式")] = None,
) -> Any:
    from gongkai.web.composing import DRAFT_FORMATS, compose, written

    c = compose(store_of(request), p, form)
    if format is not None:
        if c.report is None:
            raise HTTPError(400, "；".join(c.problems))
        media, suffix = DRAFT_FORMATS[format]
        return download(written(c.report, format), f"{c.report.title or '年度报告'}.{suffix}", media)
    return {
        "report": c.report.to_json(provenance=False) if c.report else None,
        "notes": c.notes,
        "problems": c.problems,
        "findings": [
            {"rule": f.rule, "severity": f.severity, "where": f.where, "message": f.message} for f in c.findings
        ],
    }


@router.get("/register/template", summary="依申请公开台账模板（XLSX，含下拉选项和填写说明）")
def register_template(p: User) -> Response:
    import tempfile
    from pathlib import Path

    from gongkai.compose.register_template import write_template

    with tempfile.TemporaryDirectory(prefix="gongkai-register-") as d:
        path = Path(d) / "台账.xlsx"
        write_template(path)
        return download(path.read_bytes(), "依申请公开台账模板.xlsx", XLSX)
