"""The case register under ``/api/cases`` (issue 15): register applications, record what is
done with them, and ask what is due and what table 3 says on any day. A viewer reads; a
reviewer or admin registers and records, within their region."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from gongkai.compose.calendar import CalendarMissing, WorkCalendar
from gongkai.compose.cases import EVENT_LABELS, CaseError, Event
from gongkai.compose.letters import LETTER_KINDS
from gongkai.compose.register import RegisterError, register_from_bytes
from gongkai.render.letter import letter_docx
from gongkai.store.cases import (
    CaseNotFound,
    NewCase,
    add_attachment,
    attachment,
    case_json,
    case_letter,
    case_row,
    cases_of,
    due_list,
    export_register,
    import_register,
    letter_texts,
    record_event,
    register_case,
    set_letter_text,
    table3_on,
)
from gongkai.store.files import safe_name
from gongkai.web.api import DOCX, XLSX, User, Writer, download, store_of
from gongkai.web.security import HTTPError

router = APIRouter(prefix="/api/cases", tags=["cases"])
NOT_FOUND = "没有找到该案件（或不在您负责的地区范围内）"
MAX_REGISTER_BYTES = 20 * 2**20
"""A register of a busy office for a year is well under a megabyte."""


class CaseIn(BaseModel):
    agency: str = Field(description="办理机关")
    received: dt.date = Field(description="收到申请之日")
    applicant: str = Field(description="申请人类型（表三栏目：natural_person、business …）")
    applicant_name: str | None = Field(None, description="申请人")
    channel: str | None = Field(None, description="申请方式")
    subject: str = Field("", description="申请内容")


class EventIn(BaseModel):
    kind: str = Field(description="办理环节：" + "、".join(f"{k}（{v}）" for k, v in EVENT_LABELS.items()))
    on: dt.date = Field(description="日期")
    outcome: str | None = Field(None, description="答复的办理结果（表三行，如 disclosed）")
    days: int | None = Field(None, description="延期的工作日数（1–20）")
    note: str | None = Field(None, description="备注")


def calendar(request: Request) -> WorkCalendar:
    cal = getattr(request.app.state, "calendar", None)
    if cal is None:
        cal = request.app.state.calendar = WorkCalendar.load()
    return cal  # type: ignore[no-any-return]


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


@router.post("", summary="登记一件政府信息公开申请", status_code=201)
def create(request: Request, p: Writer, body: CaseIn) -> dict[str, Any]:
    new = NewCase(body.agency, body.received, body.applicant, body.applicant_name, body.channel, body.subject)
    try:
        with store_of(request).session() as s:
            cid = register_case(s, new, p.user_id, p.region)
            return case_json(s, cid, calendar(request), _today(None), p.region)
    except CaseError as e:
        raise HTTPError(400, str(e)) from None


@router.get("/due", summary="逾期和临近期限的案件")
def due(request: Request, p: User, today: dt.date | None = None, agency: str | None = None) -> dict[str, Any]:
    day = _today(today)
    with store_of(request).session() as s:
        rows = due_list(cases_of(s, p.region, agency), calendar(request), day)
    return {
        "today": day.isoformat(),
        "cases": [
            {
                "id": d.app.row,
                "status": d.status,
                "due": d.deadline.due.isoformat() if d.deadline.due else None,
                "workdays_left": d.workdays_left,
            }
            for d in rows
        ],
    }


@router.get("/table3", summary="某日的表三（由案件汇总；12 月 31 日即年度报告的表三）")
def table_3(
    request: Request, p: User, on: dt.date, agency: str | None = None, template: str | None = None
) -> dict[str, Any]:
    with store_of(request).session() as s:
        t = table3_on(s, on, p.region, agency, template)
    return {
        "on": on.isoformat(),
        "year": t.year,
        "template": t.template,
        "cells": {r: {c: len(apps) for c, apps in cols.items()} for r, cols in t.rows.items()},
        "cases": {r: {c: [a.row for a in apps] for c, apps in cols.items() if apps} for r, cols in t.rows.items()},
    }


class LetterIn(BaseModel):
    text: str = Field(description="文书内容；花括号中的字段（如 {申请人}）由案件填写")


@router.get("/letters", summary="文书模板（答复书、告知书）")
def letters(request: Request, p: User) -> list[dict[str, Any]]:
    with store_of(request).session() as s:
        texts = letter_texts(s)
    return [{"kind": k, "title": LETTER_KINDS[k].title, "text": t} for k, t in texts.items()]


@router.put("/letters/{kind}", summary="修改文书模板")
def letter_set(request: Request, p: Writer, kind: str, body: LetterIn) -> dict[str, Any]:
    try:
        with store_of(request).session() as s:
            set_letter_text(s, kind, body.text, p.user_id)
    except CaseError as e:
        raise HTTPError(400, str(e)) from None
    return {"kind": kind, "title": LETTER_KINDS[kind].title, "text": body.text}


@router.post("/import", summary="导入依申请公开台账（XLSX/CSV，撰写所用的台账格式）为案件", status_code=201)
def import_cases(
    request: Request,
    p: Writer,
    agency: Annotated[str, Form(description="这些申请的办理机关")],
    file: Annotated[UploadFile, File(description="台账文件")],
) -> dict[str, Any]:
    data = file.file.read(MAX_REGISTER_BYTES + 1)
    if len(data) > MAX_REGISTER_BYTES:
        raise HTTPError(413, f"台账文件超过 {MAX_REGISTER_BYTES // 2**20} MB")
    try:
        reg = register_from_bytes(data, file.filename or "台账.xlsx")
    except RegisterError as e:
        raise HTTPError(400, f"{file.filename}：{e}") from None
    try:
        with store_of(request).session() as s:
            got = import_register(s, reg, agency, p.user_id, calendar(request), p.region)
    except CaseError as e:
        raise HTTPError(400, str(e)) from None
    return {"imported": len(got.ids), "ids": got.ids, "problems": got.problems}


@router.get("/export.xlsx", summary="导出案件为依申请公开台账（XLSX）")
def export_cases(request: Request, p: User, agency: str | None = None) -> Response:
    with store_of(request).session() as s:
        data = export_register(s, p.region, agency)
    return download(data, "依申请公开台账.xlsx", XLSX)


@router.post("/{case_id}/attachments", summary="为案件上传附件（申请书、身份证明、补正材料等）", status_code=201)
def attach(request: Request, p: Writer, case_id: int, file: Annotated[UploadFile, File(description="附件")]) -> Any:
    limit = request.app.state.settings.max_file_mb * 2**20
    data = file.file.read(limit + 1)
    if len(data) > limit:
        raise HTTPError(413, f"附件「{file.filename}」超过 {limit // 2**20} MB")
    if not data:
        raise HTTPError(400, f"附件「{file.filename}」是空文件")
    name = safe_name(file.filename or "附件")
    try:
        with store_of(request).session() as s:
            case_row(s, case_id, p.region)  # out of scope: nothing is kept
            aid = add_attachment(s, case_id, name, request.app.state.files.keep(data), len(data), p.user_id, p.region)
    except CaseNotFound:
        raise HTTPError(404, NOT_FOUND) from None
    return {"id": aid, "name": name, "size": len(data)}


@router.get("/{case_id}/attachments/{attachment_id}", summary="下载案件附件")
def attachment_file(request: Request, p: User, case_id: int, attachment_id: int) -> Response:
    try:
        with store_of(request).session() as s:
            a = attachment(s, case_id, attachment_id, p.region)
            name, sha = a.name, a.sha256
    except CaseNotFound:
        raise HTTPError(404, NOT_FOUND) from None
    path = request.app.state.files.blob(sha)
    if not path.is_file():
        raise HTTPError(404, f"附件「{name}」的文件已不在文件目录中")
    return download(path.read_bytes(), name, "application/octet-stream")


@router.get("/{case_id}/letter.docx", summary="生成案件的答复书或告知书（DOCX）")
def letter(request: Request, p: User, case_id: int, kind: str | None = None) -> Response:
    try:
        with store_of(request).session() as s:
            lt = case_letter(s, case_id, kind, calendar(request), p.region)
    except CaseNotFound:
        raise HTTPError(404, NOT_FOUND) from None
    except CaseError as e:
        raise HTTPError(400, str(e)) from None
    data = letter_docx(lt.title, lt.paragraphs, lt.signature)
    return download(data, f"{lt.title}-{case_id}.docx", DOCX)


@router.get("/{case_id}", summary="案件及其办理记录")
def get_case(request: Request, p: User, case_id: int, today: dt.date | None = None) -> dict[str, Any]:
    try:
        with store_of(request).session() as s:
            return case_json(s, case_id, calendar(request), _today(today), p.region)
    except CaseNotFound:
        raise HTTPError(404, NOT_FOUND) from None


@router.post("/{case_id}/events", summary="记录一个办理环节（补正、征求意见、延期、收费、答复、撤回）", status_code=201)
def add(request: Request, p: Writer, case_id: int, body: EventIn) -> dict[str, Any]:
    ev = Event(body.kind, body.on, body.outcome, body.days)
    try:
        with store_of(request).session() as s:
            record_event(s, case_id, ev, p.user_id, calendar(request), p.region, body.note)
            return case_json(s, case_id, calendar(request), _today(None), p.region)
    except CaseNotFound:
        raise HTTPError(404, NOT_FOUND) from None
    except CalendarMissing as e:
        raise HTTPError(400, str(e)) from None
    except CaseError as e:
        raise HTTPError(400, str(e)) from None
