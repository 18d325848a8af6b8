"""Title, agency, report year, statistics period, signature and publication dates."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

from gongkai.model.text import chinese_number

TITLE_WINDOW = 600
"""Folded characters at the start of the document in which the title is looked for."""
SIGNATURE_LINES = 12
"""Non-empty lines at the end of the document that may hold the signature block."""

_TITLE = re.compile(r"([\u4e00-\u9fff()（）]{2,40}?)?(\d{4})年度?(?:政府信息公开|政务公开)工作(?:年度)?报告")
_AGENCY_SUFFIX = (
    "人民政府办公室|人民政府办公厅|人民政府|管理委员会|管委会|委员会|办公室|办公厅|综合实验区|新区|开发区|"
    "局|委|厅|署|院|中心|县|市|区|镇|乡|街道|处|所|站|队|会"
)
_AGENCY_IN_TEXT = re.compile(rf"\d{{4}}年(?:以来|度)?[,，]\s*(?:我|本)?([\u4e00-\u9fff]{{2,20}}?(?:{_AGENCY_SUFFIX}))")
_HEADER_NOISE = re.compile(r"^(?:标题|题目|名称)[:：]")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CN_DATE = re.compile(
    r"([〇零一二三四五六七八九○Ｏ]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_PERIOD = re.compile(r"(\d{4})年1月1日(?:起|开始|始)?(?:[,，])?(?:至|到|-|—|~)(\d{4})年12月31日")
_YEAR_MENTION = re.compile(r"(20\d{2})年")


def find_title(folded: str) -> tuple[str | None, str | None, int | None]:
    """(title, agency, year) from the title at the top of the document (folded text)."""
    head = folded[:TITLE_WINDOW]
    m = _TITLE.search(head)
    if not m:
        return None, None, None
    agency = m.group(1)
    if agency:
        agency = _HEADER_NOISE.sub("", agency)
        agency = re.sub(r"^[:：]", "", agency)
    title_start = m.start(1) if m.group(1) else m.start(2)
    return folded[title_start : m.end()], agency or None, int(m.group(2))


def agency_from_text(text: str) -> str | None:
    m = _AGENCY_IN_TEXT.search(text[:3000])
    return m.group(1) if m else None


def _date(y: int, mo: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


def _cn_date(m: re.Match[str]) -> dt.date | None:
    digits = {"〇": "0", "零": "0", "○": "0", "Ｏ": "0"}
    ys = "".join(digits.get(c, str(chinese_number(c) or 0)) for c in m.group(1))
    mo, d = chinese_number(m.group(2)), chinese_number(m.group(3))
    if mo is None or d is None:
        return None
    return _date(int(ys), mo, d)


def find_signature(lines: list[str]) -> tuple[dt.date | None, str | None]:
    """The closing date (落款) and the agency line above it, from the last lines.

    Only a line that is (nearly) just a date counts: dates inside sentences are not a signature."""
    tail = [ln.strip() for ln in lines if ln.strip()][-SIGNATURE_LINES:]
    for i in range(len(tail) - 1, -1, -1):
        ln = tail[i].replace(" ", "")
        m = _DATE.fullmatch(ln) or _ISO_DATE.fullmatch(ln)
        date = _date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
        if date is None:
            cm = _CN_DATE.fullmatch(ln)
            date = _cn_date(cm) if cm else None
        if date is not None:
            agency = tail[i - 1].replace(" ", "") if i > 0 and len(tail[i - 1]) <= 40 else None
            if agency and not re.search(r"(?:" + _AGENCY_SUFFIX + r")$", agency):
                agency = None
            return date, agency
    return _run_on_signature(tail[-1].replace(" ", "")) if tail else (None, None)


_RUN_ON_SIGNATURE = re.compile(
    r"[。）)]\s*([^。，,；;\s]{2,40}?(?:" + _AGENCY_SUFFIX + r"))" + r"(\d{4})年(\d{1,2})月(\d{1,2})日$"
)


def _run_on_signature(last: str) -> tuple[dt.date | None, str | None]:
    """Text without line breaks (a web page copied flat) ends ``…办结。隆松市统计局2019年1月11日``:
    the signature is the agency name and the date after the last sentence."""
    m = _RUN_ON_SIGNATURE.search(last)
    if not m:
        return None, None
    return _date(int(m.group(2)), int(m.group(3)), int(m.group(4))), m.group(1)


def find_period(folded: str) -> tuple[dt.date, dt.date] | None:
    m = _PERIOD.search(folded)
    if not m:
        return None
    a, b = _date(int(m.group(1)), 1, 1), _date(int(m.group(2)), 12, 31)
    return (a, b) if a and b else None


def guess_year(folded: str) -> int | None:
    """The most mentioned year in the first part of the text (last resort)."""
    years = Counter(int(y) for y in _YEAR_MENTION.findall(folded[:4000]) if 2007 <= int(y) <= 2100)
    return years.most_common(1)[0][0] if years else None


def is_government(agency: str | None) -> bool:
    """A 人民政府 (or a body that reports as one) rather than one of its departments."""
    if not agency:
        return False
    return bool(re.search(r"人民政府$|管理委员会$|管委会$|综合实验区$", agency))
