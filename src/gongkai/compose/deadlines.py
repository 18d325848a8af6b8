"""Reply deadlines in working days (条例 第三十三条, 第三十条, 第三十二条; 国办函〔2020〕109号).

- 20 working days from receipt, the day of receipt not counted; an extension adds up to 20.
- When the agency asked for a correction (补正) and got it, the period runs from the day the
  corrected application arrived (第三十条). Asked and never answered: no deadline runs (the
  application closes as 逾期不补正).
- Time spent consulting a third party or another agency (征求意见) is not counted (第三十二条),
  nor the time from a fee notice to payment: working days from the day after the letter to the
  day of the answer (inclusive) are skipped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from gongkai.compose.calendar import CalendarMissing, WorkCalendar
from gongkai.compose.register import Application

REPLY_DAYS = 20
NEAR_DUE_DAYS = 5
"""Working days before the deadline at which an open application is listed as near due."""


@dataclass(frozen=True)
class Deadline:
    app: Application
    due: dt.date | None
    """None: no deadline runs (waiting for a correction), or the calendar lacks a year."""
    start: dt.date
    paused: tuple[tuple[dt.date, dt.date], ...]
    missing_year: int | None = None
    waiting: str | None = None
    """Why no deadline runs (补正 asked, never received)."""


def _paused(app: Application, today: dt.date) -> list[tuple[dt.date, dt.date]]:
    spans = []
    for a, b in ((app.consulted, app.consult_replied), (app.fee_notice, app.fee_paid)):
        if a is not None:
            spans.append((a + dt.timedelta(days=1), b or max(today, a + dt.timedelta(days=1))))
    return spans


def deadline(app: Application, cal: WorkCalendar, today: dt.date) -> Deadline:
    start = app.received
    waiting = None
    if app.correction_sent is not None:
        if app.correction_received is not None:
            start = app.correction_received
        else:
            waiting = "已告知补正，尚未收到补正材料"
    paused = _paused(app, app.replied or today)
    if waiting:
        return Deadline(app, None, start, tuple(paused), waiting=waiting)
    try:
        due = cal.add_workdays(start, REPLY_DAYS + app.extension, paused)
    except CalendarMissing as e:
        return Deadline(app, None, start, tuple(paused), missing_year=e.year)
    return Deadline(app, due, start, tuple(paused), waiting=waiting)


@dataclass(frozen=True)
class DueStatus:
    deadline: Deadline
    status: str
    """``overdue`` (open, past due), ``near_due``, ``late`` (answered after the deadline),
    ``on_time``, ``open`` (due later), ``waiting`` (no deadline runs), ``unknown`` (calendar)."""
    workdays_left: int | None = None
    """Open applications: working days from today to the deadline (negative when overdue)."""

    @property
    def app(self) -> Application:
        return self.deadline.app


def due_status(app: Application, cal: WorkCalendar, today: dt.date, near: int = NEAR_DUE_DAYS) -> DueStatus:
    d = deadline(app, cal, today)
    if d.missing_year is not None:
        return DueStatus(d, "unknown")
    if d.due is None:
        # closed without the correction ever arriving: no period ran, so none was missed
        return DueStatus(d, "on_time" if app.replied is not None else "waiting")
    if app.replied is not None:
        return DueStatus(d, "late" if app.replied > d.due else "on_time")
    if not app.received <= today:
        return DueStatus(d, "open")
    try:
        if today > d.due:
            return DueStatus(d, "overdue", -cal.workdays_between(d.due, today))
        left = cal.workdays_between(today, d.due)
    except CalendarMissing:
        return DueStatus(d, "unknown")
    return DueStatus(d, "near_due" if left <= near else "open", left)


def statuses(
    apps: Iterable[Application], cal: WorkCalendar, today: dt.date, near: int = NEAR_DUE_DAYS
) -> list[DueStatus]:
    return [due_status(a, cal, today, near) for a in apps]
