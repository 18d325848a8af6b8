"""The case register's pages (「依申请」): the office's cases with their deadlines, a form to
register one, each case with its history, the next steps it may take and its letters, and
table 3 as the cases make it on any day. Plain forms; the same store functions as the API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from gongkai.compose.calendar import CalendarMissing
from gongkai.compose.cases import EVENT_LABELS, LAPSED, OUTCOMES, TRANSITIONS, CaseError, Event
from gongkai.compose.letters import LETTER_KINDS, ROW_LABELS, row_label
from gongkai.compose.vocabulary import APPLICANT_CHOICES
from gongkai.model.template import V2021
from gongkai.store.cases import (
    CHANNELS,
    CaseNotFound,
    NewCase,
    case_json,
    case_list,
    cases_of,
    due_list,
    letter_texts,
    office_year,
    record_event,
    register_case,
    set_letter_text,
    table3_on,
)
from gongkai.web.api import store_of
from gongkai.web.cases_api import NOT_FOUND, attach, calendar
from gongkai.web.pages import User, Writer, render
from gongkai.web.security import HTTPError

router = APIRouter(include_in_schema=False)
REPLY_OUTCOMES = [(o, row_label(o)) for o in OUTCOMES if o not in LAPSED]


def _date(v: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(v)
    except ValueError:
        raise HTTPError(400, f"{what}应为日期，如 2024-03-01") from None


@router.get("/cases")
def cases_page(request: Request, p: User, error: str = "") -> HTMLResponse:
    today = dt.date.today()
    cal = calendar(request)
    with store_of(request).session() as s:
        cases = cases_of(s, p.region)  # read once: the list, the urgent ones and the year's figures
    rows = case_list(cases, cal, today)
    by_state: dict[str, int] = {}
    for r in rows:
        by_state[r["state_label"]] = by_state.get(r["state_label"], 0) + 1
    this_year = sum(1 for r in rows if r["received"].year == today.year)
    return render(
        request,
        "cases.html",
        by_state=by_state,
        this_year=this_year,
        year=office_year(cases, cal, today),
        cases=rows,
        urgent=due_list(cases, cal, today),
        today=today,
        applicants=APPLICANT_CHOICES,
        channels=CHANNELS,
        error=error,
    )


@router.post("/cases")
def register_form(
    request: Request,
    p: Writer,
    agency: Annotated[str, Form()],
    received: Annotated[str, Form()],
    applicant: Annotated[str, Form()],
    applicant_name: Annotated[str, Form()] = "",
    channel: Annotated[str, Form()] = "",
    subject: Annotated[str, Form()] = "",
) -> Response:
    new = NewCase(agency, _date(received, "收到日期"), applicant, applicant_name or None, channel or None, subject)
    try:
        with store_of(request).session() as s:
            cid = register_case(s, new, p.user_id, p.region)
    except CaseError as e:
        return cases_page(request, p, error=str(e))
    return RedirectResponse(f"/cases/{cid}", status_code=303)


@router.get("/cases/table3")
def table3_page(request: Request, p: User, on: str = "", agency: str = "") -> HTMLResponse:
    day = _date(on, "日期") if on else dt.date.today()
    with store_of(request).session() as s:
        t = table3_on(s, day, p.region, agency or None)
    return render(request, "cases_table3.html", t=t, on=day, agency=agency, labels=ROW_LABELS, columns=t_columns())


@router.get("/cases/table3/cell")
def table3_cell_page(request: Request, p: User, on: str, row: str, col: str, agency: str = "") -> HTMLResponse:
    """The cases one cell of table 3 counts."""
    day = _date(on, "日期")
    with store_of(request).session() as s:
        t = table3_on(s, day, p.region, agency or None)
        ids = {a.row for a in t.rows.get(row, {}).get(col, [])}
        rows = [r for r in case_list(cases_of(s, p.region, agency or None), calendar(request), day) if r["id"] in ids]
    title = f"{ROW_LABELS.get(row, row)} · {dict(t_columns()).get(col, col)}（截至 {day}）"
    return render(request, "cases_cell.html", cases=rows, title=title, applicants=APPLICANT_CHOICES)


def t_columns() -> list[tuple[str, str]]:
    return [(c.key, c.label) for c in V2021.table("applications").columns]


@router.get("/cases/letters")
def letters_page(request: Request, p: User, saved: str = "", error: str = "") -> HTMLResponse:
    with store_of(request).session() as s:
        texts = letter_texts(s)
    kinds = [(k, LETTER_KINDS[k].title, t) for k, t in texts.items()]
    return render(request, "case_letters.html", kinds=kinds, saved=saved, error=error)


@router.post("/cases/letters/{kind}")
def letter_form(request: Request, p: Writer, kind: str, text: Annotated[str, Form()]) -> Response:
    try:
        with store_of(request).session() as s:
            set_letter_text(s, kind, text, p.user_id)
    except CaseError as e:
        return letters_page(request, p, error=str(e))
    return RedirectResponse(f"/cases/letters?saved={kind}#{kind}", status_code=303)


@router.get("/cases/{case_id}")
def case_page(request: Request, p: User, case_id: int, error: str = "") -> HTMLResponse:
    try:
        with store_of(request).session() as s:
            case = case_json(s, case_id, calendar(request), dt.date.today(), p.region)
    except CaseNotFound:
        raise HTTPError(404, NOT_FOUND) from None
    steps = [k for k, (before, _) in TRANSITIONS.items() if case["state"] in before]
    letters = [(e["kind"], LETTER_KINDS[e["kind"]].title) for e in case["events"] if e["kind"] in LETTER_KINDS]
    if case["events"] and case["events"][-1]["outcome"] in LETTER_KINDS:
        o = case["events"][-1]["outcome"]
        letters.append((o, LETTER_KINDS[o].title))
    return render(
        request,
        "case.html",
        case=case,
        steps=[(k, EVENT_LABELS[k]) for k in steps],
        outcomes=REPLY_OUTCOMES,
        letters=letters,
        applicants=APPLICANT_CHOICES,
        rows=ROW_LABELS,
        error=error,
        today=dt.date.today(),
    )


@router.post("/cases/{case_id}/attachments")
def attach_form(request: Request, p: Writer, case_id: int, file: Annotated[UploadFile, File()]) -> Response:
    try:
        attach(request, p, case_id, file)
    except HTTPError as e:
        if e.status == 404:
            raise
        return case_page(request, p, case_id, error=e.message)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/events")
def event_form(
    request: Request,
    p: Writer,
    case_id: int,
    kind: Annotated[str, Form()],
    on: Annotated[str, Form()],
    outcome: Annotated[str, Form()] = "",
    days: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    ev = Event(kind, _date(on, "日期"), outcome or None, int(days) if days.strip().isdigit() else None)
    try:
        with store_of(request).session() as s:
            record_event(s, case_id, ev, p.user_id, calendar(request), p.region, note or None)
    except CaseNotFound:
        raise HTTPError(404, NOT_FOUND) from None
    except (CaseError, CalendarMissing) as e:
        return case_page(request, p, case_id, error=str(e))
    return RedirectResponse(f"/cases/{case_id}", status_code=303)
