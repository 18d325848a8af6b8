"""An application's life as a case: the events an office records as it works, and what they
make of it (issue 15).

A case is registered (登记) with its receipt date and applicant type; after that only events
are added, each dated, none removed. The events allowed depend on the state the earlier ones
left: a correction (补正) is asked and then received or lapses; a third party is consulted and
answers; a fee is noticed and then paid or lapses; the period is extended once, by up to 20
working days, before it runs out; the case ends with a reply whose outcome is one row of
table 3, or with a withdrawal. From the events the case is an ``Application`` of the register
(``compose.register``), so its deadline (``compose.deadlines``) and its place in table 3
(``compose.table3``) are those of the register, on any day: the events up to that day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from gongkai.compose.calendar import WorkCalendar
from gongkai.compose.deadlines import REPLY_DAYS, deadline
from gongkai.compose.register import Application
from gongkai.compose.vocabulary import APPLICANT_CHOICES, OUTCOME_CHOICES
from gongkai.model.template import APPLICANT_PARTS, V2021, outcome_rows

EVENT_LABELS: dict[str, str] = {
    "correction_requested": "告知补正",
    "correction_received": "收到补正材料",
    "correction_lapsed": "逾期未补正",
    "consultation_started": "征求第三方意见",
    "consultation_replied": "收到第三方意见",
    "extended": "延期答复",
    "fee_notice": "发出收费通知",
    "fee_paid": "缴纳费用",
    "fee_lapsed": "逾期未缴费",
    "replied": "答复",
    "withdrawn": "申请人撤回",
}
STATE_LABELS: dict[str, str] = {
    "open": "办理中",
    "awaiting_correction": "待补正",
    "consulting": "征求意见中",
    "awaiting_fee": "待缴费",
    "closed": "已办结",
}
OPEN_STATES = frozenset({"open", "awaiting_correction", "consulting", "awaiting_fee"})
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "correction_requested": (frozenset({"open"}), "awaiting_correction"),
    "correction_received": (frozenset({"awaiting_correction"}), "open"),
    "correction_lapsed": (frozenset({"awaiting_correction"}), "closed"),
    "consultation_started": (frozenset({"open"}), "consulting"),
    "consultation_replied": (frozenset({"consulting"}), "open"),
    "extended": (frozenset({"open", "consulting"}), ""),
    "fee_notice": (frozenset({"open"}), "awaiting_fee"),
    "fee_paid": (frozenset({"awaiting_fee"}), "open"),
    "fee_lapsed": (frozenset({"awaiting_fee"}), "closed"),
    "replied": (frozenset({"open", "consulting"}), "closed"),
    "withdrawn": (OPEN_STATES, "closed"),
}
"""Event → (the states it may follow, the state it leaves; "" keeps the state)."""
OUTCOMES: tuple[str, ...] = tuple(outcome_rows(V2021.table("applications")))
"""Table 3 rows a reply may have as its outcome (v2021 keys; v2019 folds three of them)."""
CLOSING_OUTCOME = {
    "correction_lapsed": "other_no_correction",
    "fee_lapsed": "other_unpaid_fee",
    "withdrawn": "other_other",
}
"""Outcomes the closing events imply (条例: 申请人逾期不补正、不缴费, and a withdrawal is 其他)."""
LAPSED = frozenset({"other_no_correction", "other_unpaid_fee"})
"""Outcomes only a lapse gives (a reply cannot claim them)."""
MAX_EXTENSION = REPLY_DAYS


class CaseError(ValueError):
    """An event the case cannot take (the message says why, in Chinese)."""


@dataclass(frozen=True)
class Event:
    kind: str
    on: dt.date
    outcome: str | None = None
    """``replied``: the table 3 row of the reply."""
    days: int | None = None
    """``extended``: working days added."""


@dataclass(frozen=True)
class Case:
    id: int
    received: dt.date
    applicant: str
    """Table 3 column (``natural_person`` …)."""
    events: tuple[Event, ...] = field(default_factory=tuple)
    subject: str = ""
    agency: str = ""
    applicant_name: str | None = None


def check_applicant(applicant: str) -> None:
    if applicant not in APPLICANT_PARTS:
        raise CaseError(f"申请人类型「{applicant}」不在表三的申请人栏目中（{'、'.join(APPLICANT_PARTS)}）")


def state_of(case: Case) -> str:
    state = "open"
    for ev in case.events:
        state = TRANSITIONS[ev.kind][1] or state
    return state


def check_event(case: Case, ev: Event, cal: WorkCalendar | None = None) -> None:
    """Raise ``CaseError`` unless ``ev`` may follow the case's events."""
    if ev.kind not in TRANSITIONS:
        raise CaseError(f"未知的办理环节「{ev.kind}」")
    label = EVENT_LABELS[ev.kind]
    if ev.on < case.received:
        raise CaseError(f"「{label}」的日期 {ev.on} 早于收到申请之日 {case.received}")
    last = case.events[-1].on if case.events else case.received
    if ev.on < last:
        raise CaseError(f"「{label}」的日期 {ev.on} 早于上一个环节的日期 {last}：办理记录只能按时间顺序添加")
    state = state_of(case)
    allowed, _ = TRANSITIONS[ev.kind]
    if state not in allowed:
        raise CaseError(f"案件{STATE_LABELS[state]}，不能「{label}」")
    kinds = {e.kind for e in case.events}
    if ev.kind == "correction_requested" and "correction_requested" in kinds:
        raise CaseError("补正只能告知一次（条例第三十条）")
    if ev.kind == "replied" and (ev.outcome not in OUTCOMES or ev.outcome in LAPSED):
        raise CaseError(f"答复的办理结果「{ev.outcome}」不是表三的一种答复结果")
    if ev.kind == "extended":
        if "extended" in kinds:
            raise CaseError("答复期限只能延长一次（条例第三十三条）")
        if ev.days is None or not 1 <= ev.days <= MAX_EXTENSION:
            raise CaseError(f"延长的期限应为 1 至 {MAX_EXTENSION} 个工作日")
        if cal is not None:
            due = deadline(application(case), cal, ev.on).due
            if due is not None and ev.on > due:
                raise CaseError(f"答复期限已于 {due} 届满，不能再延期（延期须在期限内决定）")


def stored(ev: Event) -> Event:
    """The event as kept: a closing event with the outcome it implies, and only the fields
    its kind has (an outcome for a reply, days for an extension)."""
    outcome = CLOSING_OUTCOME.get(ev.kind, ev.outcome if ev.kind == "replied" else None)
    return Event(ev.kind, ev.on, outcome, ev.days if ev.kind == "extended" else None)


def add_event(case: Case, ev: Event, cal: WorkCalendar | None = None) -> Case:
    check_event(case, ev, cal)
    return replace(case, events=(*case.events, stored(ev)))


def application(case: Case, on: dt.date | None = None) -> Application:
    """The case as a register row, as it stood at the end of ``on`` (default: now)."""
    events = [e for e in case.events if on is None or e.on <= on]
    first: dict[str, dt.date] = {}
    outcome = None
    replied = None
    extension = 0
    for e in events:
        first.setdefault(e.kind, e.on)
        if e.kind in ("replied", *CLOSING_OUTCOME):
            outcome, replied = e.outcome, e.on
        if e.kind == "extended":
            extension = e.days or 0
    return Application(
        row=case.id,
        id=str(case.id),
        received=case.received,
        applicant=case.applicant,
        outcome=outcome,
        replied=replied,
        extension=extension,
        correction_sent=first.get("correction_requested"),
        correction_received=first.get("correction_received"),
        consulted=first.get("consultation_started"),
        consult_replied=first.get("consultation_replied"),
        fee_notice=first.get("fee_notice"),
        fee_paid=first.get("fee_paid"),
        withdrawn="withdrawn" in first,
        subject=case.subject,
    )


def applications(cases: Iterable[Case], on: dt.date) -> list[Application]:
    """The register on ``on``: cases received by then, each as it stood that day."""
    return [application(c, on) for c in cases if c.received <= on]


def due_on(case: Case, cal: WorkCalendar, today: dt.date) -> dt.date | None:
    """The reply deadline of an open case (None: none runs, or the calendar lacks a year)."""
    return deadline(application(case, today), cal, today).due


# --- registers in and out -------------------------------------------------------------------


def events_of(app: Application, cal: WorkCalendar) -> list[Event]:
    """A register row's events in the order they happened. The register does not date an
    extension: it is taken as decided on the last day of the period (or the reply's day)."""
    # (day, order on the same day, event): a letter before its answer, the reply last
    dated: list[tuple[dt.date, int, Event]] = [
        (day, order, Event(kind, day))
        for order, (day, kind) in enumerate(
            (
                (app.correction_sent, "correction_requested"),
                (app.correction_received, "correction_received"),
                (app.consulted, "consultation_started"),
                (app.consult_replied, "consultation_replied"),
                (app.fee_notice, "fee_notice"),
                (app.fee_paid, "fee_paid"),
            )
        )
        if day is not None
    ]
    if app.extension:
        base = replace(app, extension=0, replied=None, outcome=None)
        due = deadline(base, cal, app.replied or app.received).due
        on = min(due, app.replied) if due and app.replied else (due or app.replied or app.received)
        dated.append((on, 7, Event("extended", on, days=app.extension)))
    if app.replied is not None:
        closing = {v: k for k, v in CLOSING_OUTCOME.items()}
        if app.withdrawn:
            last = Event("withdrawn", app.replied)
        elif app.outcome in LAPSED:
            last = Event(closing[app.outcome or ""], app.replied)
        else:
            last = Event("replied", app.replied, app.outcome)
        dated.append((app.replied, 9, last))
    return [stored(ev) for _, _, ev in sorted(dated, key=lambda x: (x[0], x[1]))]


def register_row(case: Case) -> dict[str, object]:
    """The case as a row of the register template (by column key; labels as the lists say)."""
    app = application(case)
    return {
        "id": str(case.id),
        "received": app.received,
        "applicant": APPLICANT_CHOICES.get(app.applicant, app.applicant),
        "applicant_name": case.applicant_name,
        "subject": case.subject,
        "outcome": OUTCOME_CHOICES.get(app.outcome or "", "") if not app.withdrawn else "",
        "replied": app.replied,
        "extended": app.extension or "否",
        "correction_sent": app.correction_sent,
        "correction_received": app.correction_received,
        "consulted": app.consulted,
        "consult_replied": app.consult_replied,
        "fee_notice": app.fee_notice,
        "fee_paid": app.fee_paid,
        "withdrawn": "是" if app.withdrawn else "否",
    }
