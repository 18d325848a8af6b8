"""Cases: disclosure applications an office registers and works on all year (issue 15).

A case row holds what the application said when it arrived; everything done afterwards is a
``case_events`` row, dated and attributed to a user, never changed or deleted. The rules of
which event may follow which are ``compose.cases``; this module keeps them and answers the
office's questions (what is due, table 3 on a given day) with the register's own functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from gongkai.compose.calendar import CalendarMissing, WorkCalendar
from gongkai.compose.cases import (
    EVENT_LABELS,
    STATE_LABELS,
    Case,
    CaseError,
    Event,
    add_event,
    application,
    applications,
    check_applicant,
    due_on,
    events_of,
    register_row,
    state_of,
)
from gongkai.compose.deadlines import DueStatus, due_status
from gongkai.compose.letters import LETTER_KINDS, fill
from gongkai.compose.register import Register
from gongkai.compose.register_template import write_template
from gongkai.compose.table3 import Table3, table3
from gongkai.model.text import chinese_date
from gongkai.store.accounts import in_scope, region_contains
from gongkai.store.agencies import infer
from gongkai.store.records import utcnow
from gongkai.store.schema import Base

CHANNELS = ("当面", "信函", "网络", "传真", "电子邮件", "其他")


class CaseRow(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency: Mapped[str] = mapped_column(Text)
    """The agency that handles the application (its name)."""
    region: Mapped[str | None] = mapped_column(String(100), index=True)
    """The agency's region (from its name): whose users may see the case."""
    received: Mapped[dt.date] = mapped_column(Date, index=True)
    applicant: Mapped[str] = mapped_column(String(24))
    """Table 3 column of the applicant (``natural_person`` …)."""
    applicant_name: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(12))
    subject: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class CaseEventRow(Base):
    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    on: Mapped[dt.date] = mapped_column(Date)
    outcome: Mapped[str | None] = mapped_column(String(40))
    days: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)


class CaseAttachment(Base):
    __tablename__ = "case_attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    """The file is kept by its SHA-256 in the web app's file store (``FileStore.keep``)."""
    size: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[dt.datetime] = mapped_column(DateTime)


class LetterTemplate(Base):
    __tablename__ = "letter_templates"

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime)


class CaseNotFound(LookupError):
    pass


@dataclass(frozen=True)
class NewCase:
    agency: str
    received: dt.date
    applicant: str
    applicant_name: str | None = None
    channel: str | None = None
    subject: str = ""


def register_case(s: Session, new: NewCase, user_id: int | None, scope: str | None = None) -> int:
    """A new case; ``scope``: the registering user's region, which the agency must be within."""
    check_applicant(new.applicant)
    if not new.agency.strip():
        raise CaseError("请填写办理机关")
    if new.channel is not None and new.channel not in CHANNELS:
        raise CaseError(f"申请方式应为{'、'.join(CHANNELS)}之一")
    region = infer(new.agency).region
    if not in_scope(region, scope):
        raise CaseError(f"{new.agency} 不在您负责的地区（{scope}）范围内")
    row = CaseRow(
        agency=new.agency.strip(),
        region=region,
        received=new.received,
        applicant=new.applicant,
        applicant_name=new.applicant_name,
        channel=new.channel,
        subject=new.subject,
        created_by=user_id,
        created_at=utcnow(),
    )
    s.add(row)
    s.flush()
    return row.id


def _case(row: CaseRow, events: list[CaseEventRow]) -> Case:
    return Case(
        row.id,
        row.received,
        row.applicant,
        tuple(Event(e.kind, e.on, e.outcome, e.days) for e in events),
        row.subject,
        row.agency,
        row.applicant_name,
    )


def _event_row(case_id: int, ev: Event, user_id: int | None, note: str | None) -> CaseEventRow:
    """An event as stored (``ev`` as ``compose.cases.stored`` keeps it)."""
    return CaseEventRow(
        case_id=case_id,
        kind=ev.kind,
        on=ev.on,
        outcome=ev.outcome,
        days=ev.days,
        note=note,
        user_id=user_id,
        recorded_at=utcnow(),
    )


def _standing(case: Case, cal: WorkCalendar, today: dt.date) -> tuple[str, DueStatus]:
    """The case's state and, on ``today``, where it stands against its deadline."""
    return state_of(case), due_status(application(case, max(today, case.received)), cal, today)


def _events(s: Session, case_id: int) -> list[CaseEventRow]:
    q = select(CaseEventRow).where(CaseEventRow.case_id == case_id).order_by(CaseEventRow.id)
    return list(s.scalars(q))


def case_row(s: Session, case_id: int, scope: str | None) -> CaseRow:
    """The case, if it is within ``scope`` (``CaseNotFound`` otherwise: out of scope is absent)."""
    row = s.get(CaseRow, case_id)
    if row is None or not in_scope(row.region, scope):
        raise CaseNotFound(case_id)
    return row


def record_event(
    s: Session,
    case_id: int,
    ev: Event,
    user_id: int | None,
    cal: WorkCalendar,
    scope: str | None = None,
    note: str | None = None,
) -> int:
    """Add ``ev`` to the case after checking it may follow (``CaseError`` says why not)."""
    row = case_row(s, case_id, scope)
    case = add_event(_case(row, _events(s, case_id)), ev, cal)
    e = _event_row(case_id, case.events[-1], user_id, note)
    s.add(e)
    s.flush()
    return e.id


def case_json(s: Session, case_id: int, cal: WorkCalendar, today: dt.date, scope: str | None = None) -> dict[str, Any]:
    row = case_row(s, case_id, scope)
    events = _events(s, case_id)
    state, st = _standing(_case(row, events), cal, today)
    return {
        "attachments": attachments_of(s, case_id),
        "id": row.id,
        "agency": row.agency,
        "region": row.region,
        "received": row.received.isoformat(),
        "applicant": row.applicant,
        "applicant_name": row.applicant_name,
        "channel": row.channel,
        "subject": row.subject,
        "state": state,
        "state_label": STATE_LABELS[state],
        "due": st.deadline.due.isoformat() if st.deadline.due else None,
        "due_status": st.status,
        "events": [
            {
                "id": e.id,
                "kind": e.kind,
                "label": EVENT_LABELS[e.kind],
                "on": e.on.isoformat(),
                "outcome": e.outcome,
                "days": e.days,
                "note": e.note,
                "user_id": e.user_id,
            }
            for e in events
        ],
    }


def cases_of(s: Session, scope: str | None = None, agency: str | None = None) -> list[Case]:
    """Every case within ``scope`` (of ``agency`` when given), with its events."""
    q = select(CaseRow).order_by(CaseRow.id)
    clause = region_contains(CaseRow.region, scope)
    if clause is not None:
        q = q.where(clause)
    if agency:
        q = q.where(CaseRow.agency == agency)
    rows = list(s.scalars(q))
    ids = [r.id for r in rows]
    by_case: dict[int, list[CaseEventRow]] = {i: [] for i in ids}
    if ids:
        for e in s.scalars(select(CaseEventRow).where(CaseEventRow.case_id.in_(ids)).order_by(CaseEventRow.id)):
            by_case[e.case_id].append(e)
    return [_case(r, by_case[r.id]) for r in rows]


def table3_on(
    s: Session, on: dt.date, scope: str | None = None, agency: str | None = None, template: str | None = None
) -> Table3:
    """Table 3 of ``on``'s year as the cases stood at the end of ``on`` (on 31 December: the
    annual report's table)."""
    return table3(applications(cases_of(s, scope, agency), on), on.year, template)


def due_list(cases: list[Case], cal: WorkCalendar, today: dt.date) -> list[DueStatus]:
    """Of the cases (``cases_of``), the open ones overdue or near due on ``today``, most urgent first."""
    out = [due_status(a, cal, today) for a in applications(cases, today) if a.replied is None]
    urgent = [d for d in out if d.status in ("overdue", "near_due")]
    return sorted(urgent, key=lambda d: (d.workdays_left if d.workdays_left is not None else 0, d.app.row))


def letter_texts(s: Session) -> dict[str, str]:
    """Each letter's text: the office's own where it wrote one, else the default."""
    own = {t.kind: t.text for t in s.scalars(select(LetterTemplate))}
    return {k: own.get(k, kind.default) for k, kind in LETTER_KINDS.items()}


def set_letter_text(s: Session, kind: str, text: str, user_id: int | None) -> None:
    if kind not in LETTER_KINDS:
        raise CaseError(f"没有「{kind}」这种文书")
    if not text.strip():
        raise CaseError("文书内容不能为空")
    row = s.get(LetterTemplate, kind)
    if row is None:
        s.add(LetterTemplate(kind=kind, text=text, updated_by=user_id, updated_at=utcnow()))
    else:
        row.text, row.updated_by, row.updated_at = text, user_id, utcnow()


@dataclass(frozen=True)
class Letter:
    title: str
    paragraphs: list[str]
    signature: list[str]


def case_letter(s: Session, case_id: int, kind: str | None, cal: WorkCalendar, scope: str | None = None) -> Letter:
    """The letter for the case: ``kind`` (default: the reply its outcome calls for, or the
    notice of its last event), filled from the case."""
    row = case_row(s, case_id, scope)
    case = _case(row, _events(s, case_id))
    last = case.events[-1] if case.events else None
    if kind is None:
        if last is None:
            raise CaseError("案件还没有办理环节，无文书可生成")
        kind = last.outcome if last.kind in ("replied", "withdrawn") else last.kind
    if kind not in LETTER_KINDS:
        raise CaseError(f"没有「{kind}」这种文书")
    app = application(case)
    on = last.on if last is not None else row.received
    due = due_on(case, cal, on)
    fields = {
        "申请人": row.applicant_name or "申请人",
        "收到日期": chinese_date(row.received),
        "申请内容": row.subject or "见申请书",
        "机关": row.agency,
        "答复日期": chinese_date(app.replied or on),
        "答复期限": chinese_date(due) if due else "",
        "延长天数": str(app.extension or ""),
    }
    text = fill(letter_texts(s)[kind], fields)
    lines = [ln for ln in text.split("\n") if ln.strip()]
    return Letter(LETTER_KINDS[kind].title, lines, [row.agency, chinese_date(app.replied or on)])


def case_list(cases: list[Case], cal: WorkCalendar, today: dt.date) -> list[dict[str, Any]]:
    """The cases (``cases_of``), newest first: each one's state and, while open, its deadline."""
    out = []
    for case in reversed(cases):
        state, st = _standing(case, cal, today)
        out.append(
            {
                "id": case.id,
                "agency": case.agency,
                "received": case.received,
                "applicant": case.applicant,
                "applicant_name": case.applicant_name,
                "subject": case.subject,
                "state": state,
                "state_label": STATE_LABELS[state],
                "due": st.deadline.due,
                "due_status": st.status,
                "workdays_left": st.workdays_left,
            }
        )
    return out


@dataclass
class Imported:
    ids: list[int]
    problems: list[str]
    """Rows not imported, each with its row number and why (in Chinese)."""


def import_register(
    s: Session, register: Register, agency: str, user_id: int | None, cal: WorkCalendar, scope: str | None = None
) -> Imported:
    """The register's applications as cases of ``agency``, their history as the register
    records it (rows it could not read are listed with the reason and left out)."""
    out = Imported([], [p.describe(register.path) for p in register.problems])
    for app in register.applications:
        try:
            events = events_of(app, cal)
        except CalendarMissing as e:
            out.problems.append(f"第 {app.row} 行：{e}")
            continue
        cid = register_case(s, NewCase(agency, app.received, app.applicant, None, None, app.subject), user_id, scope)
        # what the register says happened is kept as it says it (a reply before the third
        # party answered, a fee lapse with no notice dated): the live rules are for new work
        note = IMPORTED_NOTE.format(row=app.row, path=register.path)
        s.add_all(_event_row(cid, ev, user_id, note) for ev in events)
        out.ids.append(cid)
    s.flush()
    return out


IMPORTED_NOTE = "自台账 {path} 第 {row} 行导入"


def export_register(s: Session, scope: str | None = None, agency: str | None = None) -> bytes:
    """The cases as a register in the template's form (XLSX), readable by ``read_register``."""
    import io

    rows = [register_row(c) for c in cases_of(s, scope, agency)]
    buf = io.BytesIO()
    write_template(buf, rows)
    return buf.getvalue()


def add_attachment(
    s: Session, case_id: int, name: str, sha256: str, size: int, user_id: int | None, scope: str | None = None
) -> int:
    """Record a file kept for the case (the application form, an ID, a letter received)."""
    case_row(s, case_id, scope)
    a = CaseAttachment(case_id=case_id, name=name, sha256=sha256, size=size, user_id=user_id, added_at=utcnow())
    s.add(a)
    s.flush()
    return a.id


def attachment(s: Session, case_id: int, attachment_id: int, scope: str | None = None) -> CaseAttachment:
    case_row(s, case_id, scope)
    a = s.get(CaseAttachment, attachment_id)
    if a is None or a.case_id != case_id:
        raise CaseNotFound(attachment_id)
    return a


def attachments_of(s: Session, case_id: int) -> list[dict[str, Any]]:
    q = select(CaseAttachment).where(CaseAttachment.case_id == case_id).order_by(CaseAttachment.id)
    return [{"id": a.id, "name": a.name, "size": a.size, "added_at": a.added_at.isoformat()} for a in s.scalars(q)]


def office_year(cases: list[Case], cal: WorkCalendar, today: dt.date) -> dict[str, int]:
    """The office's year so far, of the cases (``cases_of``): received and closed this year,
    closed within the legal period and after it, and open ones now overdue or near due."""
    apps = applications(cases, today)
    year = [a for a in apps if a.replied is not None and a.replied.year == today.year]
    closed = [due_status(a, cal, today).status for a in year]
    now = [due_status(a, cal, today).status for a in apps if a.replied is None]
    return {
        "received": sum(1 for a in apps if a.received.year == today.year),
        "closed": len(year),
        "on_time": closed.count("on_time"),
        "late": closed.count("late"),
        "overdue": now.count("overdue"),
        "near_due": now.count("near_due"),
    }
