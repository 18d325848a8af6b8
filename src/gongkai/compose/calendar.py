"""China's working days: the State Council's holidays and make-up working days (调休).

The years published so far come from the ``chinesecalendar`` package (the State Council
announces the next year each November; the package follows within weeks). A year it does not
know yet is read from a local override file, one date a line::

    # 2027 年节假日安排（国务院办公厅通知）
    2027-01-01,休
    2027-02-06,班

``休`` (or ``holiday``) marks a day off that would be a working day, ``班`` (or ``workday``)
a weekend day that is worked. A date the file names overrides the package. A year neither
knows is *missing*: counting through it raises ``CalendarMissing`` naming the year, never
guesses from weekends alone.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

OVERRIDE_ENV = "GONGKAI_HOLIDAYS"
"""Path of the override file when none is given."""
HOLIDAY_WORDS = frozenset({"休", "假", "节假日", "holiday", "off"})
WORKDAY_WORDS = frozenset({"班", "上班", "补班", "调休上班", "workday", "work"})


class CalendarMissing(LookupError):
    def __init__(self, year: int) -> None:
        super().__init__(year)
        self.year = year

    def __str__(self) -> str:
        return (
            f"缺少 {self.year} 年的节假日安排：chinesecalendar 尚未收录该年，"
            f"请在节假日文件（--holidays 或环境变量 {OVERRIDE_ENV}）中按国务院通知填写该年的放假和调休上班日期"
        )


class CalendarFileError(ValueError):
    pass


def _package_days() -> tuple[dict[dt.date, bool], set[int]]:
    """date → is a working day, for the dates the package marks; and the years it covers."""
    try:
        from chinese_calendar import constants  # type: ignore[import-untyped]
    except ImportError:
        return {}, set()
    days: dict[dt.date, bool] = {d: False for d in constants.holidays}
    days.update({d: True for d in constants.workdays if d.weekday() >= 5})
    # the package marks every weekend day of a covered year too; keep only the exceptions
    exceptions = {d: w for d, w in days.items() if w != (d.weekday() < 5)}
    return exceptions, {d.year for d in constants.holidays}


def read_override(path: str | Path) -> tuple[dict[dt.date, bool], set[int]]:
    """The override file: (date → is a working day, the years it declares)."""
    days: dict[dt.date, bool] = {}
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except OSError as e:
        raise CalendarFileError(f"{path}：无法读取节假日文件（{e.strerror or e}）") from None
    for n, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        parts = [p.strip() for p in text.replace("，", ",").replace("\t", ",").split(",")]
        if len(parts) != 2:
            raise CalendarFileError(f"{path} 第 {n} 行：应为「日期,休」或「日期,班」，实为「{line.strip()}」")
        try:
            day = dt.date.fromisoformat(parts[0])
        except ValueError:
            raise CalendarFileError(f"{path} 第 {n} 行：无法识别的日期「{parts[0]}」（应为 2027-01-01）") from None
        word = parts[1].lower()
        if word in HOLIDAY_WORDS:
            days[day] = False
        elif word in WORKDAY_WORDS:
            days[day] = True
        else:
            raise CalendarFileError(f"{path} 第 {n} 行：「{parts[1]}」应为「休」或「班」")
    return days, {d.year for d in days}


@dataclass
class WorkCalendar:
    exceptions: dict[dt.date, bool] = field(default_factory=dict)
    """Dates whose status differs from Monday–Friday work: False = day off, True = worked."""
    years: set[int] = field(default_factory=set)
    """Years whose arrangement is known."""
    source: str = ""

    @classmethod
    def load(cls, override: str | Path | None = None, use_package: bool = True) -> WorkCalendar:
        days, years = _package_days() if use_package else ({}, set())
        source = "chinesecalendar" if years else ""
        path = override or os.environ.get(OVERRIDE_ENV)
        if path:
            extra, extra_years = read_override(path)
            days = {**days, **extra}
            years |= extra_years
            source = f"{source} + {path}" if source else str(path)
        return cls(days, years, source)

    def knows(self, year: int) -> bool:
        return year in self.years

    def missing(self, years: Iterable[int]) -> list[int]:
        return sorted({y for y in years if not self.knows(y)})

    def is_workday(self, day: dt.date) -> bool:
        if day.year not in self.years:
            raise CalendarMissing(day.year)
        return self.exceptions.get(day, day.weekday() < 5)

    def add_workdays(self, start: dt.date, n: int, paused: Iterable[tuple[dt.date, dt.date]] = ()) -> dt.date:
        """The ``n``-th working day after ``start`` (the day itself not counted, as periods are
        counted in Chinese law), skipping the working days inside each paused span
        ``(first, last)`` (inclusive)."""
        spans = list(paused)
        day = start
        left = n
        while left > 0:
            day += dt.timedelta(days=1)
            if self.is_workday(day) and not any(a <= day <= b for a, b in spans):
                left -= 1
        return day

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end ≤ start)."""
        n = 0
        day = start
        while day < end:
            day += dt.timedelta(days=1)
            n += self.is_workday(day)
        return n
