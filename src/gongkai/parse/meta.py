"""Title, agency, report year, statistics period, signature and publication dates."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from gongkai.model.agency import (
    AGENCY_SUFFIXES,
    ISSUING_OFFICES,
    UNIT_CHARS,
    canonical_agency,
    governing_body,
    is_agency_name,
    is_partial_name,
    is_place,
    regions,
    related_bodies,
    same_body,
    trim_lead_in,
)
from gongkai.model.text import chinese_number, fold

TITLE_WINDOW = 600
"""Folded characters at the start of the document in which the title is looked for."""
RUN_ON_LINES = 3
"""Last lines joined to look for a signature run on after the last sentence."""
SIGNATURE_LINES = 12
"""Non-empty lines at the end of the document that may hold the signature block."""

_NAME = r"[\u4e00-\u9fff()]"
_REPORT_WORDS = (
    r"(?:政府信息公开|政务信息公开|政务公开|(?<!政府)(?<!政务)信息公开)(?:工作)?(?:开展)?(?:情况的?)?(?:年度)?(?:报告|年报)"
)
"""The report's name in a title, the template's and the forms real titles take
(``…政府信息公开年报``, ``…关于2021年度政府信息公开情况的报告``, ``…审计厅2025年政务信息公开
工作开展年度报告``, ``…政府国资委2023年度信息公开工作报告``)."""
TITLE_NAME_CHARS = 40
"""The longest name the title patterns take before the rest of the title."""
GARBLED_TAIL_CHARS = 8
"""Characters after 信息公开 in a title line whose report words are cut or garbled."""
_TITLE_NAME = rf"({_NAME}{{2,{TITLE_NAME_CHARS}}}?)"
_TITLE_TAIL = re.compile(rf"\d\d\d\d(?:年度?)?{_REPORT_WORDS}")
"""The title's year and report words; the year's digits one by one, not as a repeat: a pattern
that opens with a character class is skipped through at C speed to where it may start."""
_TITLE = re.compile(rf"{_TITLE_NAME}?(\d{{4}})(?:年度?)?{_REPORT_WORDS}")
"""``{agency}{year}年…报告``; the 年 may be left out (``西藏自治区政府国资委2020政府信息公开工作年度
报告``, a real page)."""
_TITLE_YEAR_FIRST = re.compile(rf"年(?<=(\d\d\d\d)年)度?({_NAME}{{2,40}}?){_REPORT_WORDS}")
"""``2019年清河市人民政府办公厅政府信息公开工作年度报告``: the year before the agency. The match
opens at the 年, its year looked behind at (the title starts at the year's group): a pattern
that opens with a character is searched for at C speed, one that opens with digits is tried
at each of them."""
_TITLE_YEAR_AFTER_TAIL = re.compile(rf"{_REPORT_WORDS}\(\d{{4}}年度?\)")
_TITLE_YEAR_AFTER = re.compile(rf"{_TITLE_NAME}{_REPORT_WORDS}\((\d{{4}})年度?\)")
_YEAR_IN_BRACKETS = re.compile(r"\(\d\d\d\d年")
"""What ``_TITLE_YEAR_AFTER`` cannot match without: looked for first, at C speed (its tail,
which opens with the report's words, is tried at every character)."""
"""``清河市统计局政府信息公开工作年度报告（2023年度）``: the year in brackets after it."""
_YEAR_INSIDE_WORDS = r"(?:政府信息公开|政务信息公开|政务公开)(?:工作)?"
_TITLE_YEAR_INSIDE_TAIL = re.compile(rf"{_YEAR_INSIDE_WORDS}\d{{4}}年度?(?:报告|年报)")
_TITLE_YEAR_INSIDE = re.compile(rf"{_TITLE_NAME}{_YEAR_INSIDE_WORDS}(\d{{4}})年度?(?:报告|年报)")
"""``天津东疆保税港区管理委员会政府信息公开工作2020年度报告`` (a real page): the year inside
the report's words."""
_PREAMBLE_REPORT = r"(?:政府)?信息公开(?:工作)?(?:年度)?(?:工作)?(?:情况)?报告"
"""How a preamble may name the report it introduces (``…2023年信息公开年度报告进行公布``,
``现将…2024年度政府信息公开工作情况报告如下``)."""
_AGENCY_SUFFIX = "|".join(AGENCY_SUFFIXES)
_AGENCY_IN_TEXT = re.compile(r"年(?<=\d\d\d\d年)(?:以来|度)?[,，]\s*((?:我|本)?)([\u4e00-\u9fff]{2,20})")
"""``2024年，沂源县司法局…``, from its 年 (the year looked behind at): searched for at C speed."""
_CONTACT_AGENCY = (
    re.compile(rf"请与({_NAME}{{2,40}}?)联系"),
    re.compile(rf"请联系({_NAME}{{2,40}}?)(?=[,;。(]|联系|电话)"),
)
"""The contact point, often a unit inside the agency (its office, a 领导小组办公室)."""
_OFFICE = "办公室"
_PUBLISHER = re.compile(
    r"(?:发布机构\s*[:：]?|发文机关\s*[:：]?|发布单位\s*[:：]?|单位(?<![\u4e00-\u9fff]单位)\s*[:：])"
    r"\s*\|?\s*([\u4e00-\u9fff()（）]{2,40})"
)
"""A portal page's metadata (``发布机构：| 汉中市自然资源局``, ``单位: 东阳市自然资源和规划局``).
Every alternative opens with its word (单位's look-behind after it): the regex engine skips
to their first characters at C speed, where a look-behind first is tried at every character."""
_COMPILED_BY = re.compile(rf"({_NAME}{{2,40}}?)(?:根据[^。;]{{0,80}}?)?编制(?:了|完成)?(?:本|此)")
COMPILED_BY_REACH = (122, 5)
"""Characters from the start of a ``_COMPILED_BY`` match to its 编制 at most (a name of 40,
根据 and 80 more), and from the 编制 to the match's end: the pattern, slow where it fails (a
name of every length at every character), is tried only that near the word."""
_CONTENTS = re.compile(rf"全文包括({_NAME}{{2,40}}?)(?:\d{{4}}年度?政府)?信息公开总体情况")
"""``全文包括扎赉特旗宝力根花苏木人民政府信息公开总体情况`` (the body's 政府 shared with 政府信息公开,
or ``…人民政府2025年政府信息公开总体情况``): the contents sentence names whose work it reports."""
_BY_WHOM = re.compile(
    rf"由({_NAME}{{2,40}}?)(?:根据|按照|依据|结合|围绕|综合(?!办公)|负责(?:编制|组织|起草|撰写)|组织|编制)"
)
"""``由…编制``, ``由…负责编制``, not ``由党政办负责人具体抓政务公开`` (a unit's staffing)."""
_PREAMBLE_AGENCY = (
    _BY_WHOM,
    _COMPILED_BY,
    re.compile(rf"(?:公布|发布|现公开)《?({_NAME}{{2,40}}?)\d{{4}}年度?(?:{_REPORT_WORDS}|政府信息公开(?:工作)?情况)"),
    re.compile(rf"(?:公布|发布|现公开)《?\d{{4}}年度?({_NAME}{{2,40}}?){_REPORT_WORDS}"),
    re.compile(rf"结合\d{{4}}年度?({_NAME}{{2,40}}?)政府信息公开工作实际"),
    re.compile(rf"结合({_NAME}{{2,40}}?)\d{{4}}年度?政府信息公开工作(?:实际|编制)"),
    re.compile(rf"现将({_NAME}{{2,40}}?)(?:\(以下简称[^)]{{1,12}}\))?\d{{4}}年度?{_PREAMBLE_REPORT}"),
    _CONTENTS,
    re.compile(rf"汇总\d{{4}}年度?({_NAME}{{2,40}}?)的?{_PREAMBLE_REPORT}"),
    re.compile(rf"编制了?({_NAME}{{2,40}}?)\d{{4}}年度?{_PREAMBLE_REPORT}"),
)
"""Where a preamble names the agency (folded text): ``本报告由…编制``,
``…编制了本报告``, ``现公布…2023年政府信息公开工作年度报告`` (or the year first), the
reporting platform's ``结合2025年…政府信息公开工作实际，编制发布本报告``, and ``现将…(以下简称…)
2023年信息公开年度报告进行公布``."""
_COMPILERS = (_BY_WHOM, _COMPILED_BY)
"""The patterns that name who compiled the report (an office may compile it for its body)."""
_LEAD_IN_VERBS = ("公布", "发布", "印发", "编制", "编写", "现将", "现公开", "特此", "请与", "汇总")
"""Verbs of a sentence that names the report (``现公布…``, ``…编写2020年度…报告``)."""
_SENTENCE_LEAD_IN = re.compile(
    "(?:" + "|".join((*_LEAD_IN_VERBS, "由")) + ")$|(?:" + "|".join((*_LEAD_IN_VERBS, "做好")) + ")"
)
"""One of ``_LEAD_IN_VERBS`` (or ``做好``) just before a title-like phrase, or 由 right before it."""
LEAD_IN_CHARS = 4
"""Characters before a title-like phrase in which a verb shows it is inside a sentence."""
PREAMBLE_WINDOW = 1500
"""Folded characters at the start in which the preamble is looked for."""
_HEADER_LABEL = re.compile(r"(?:标题|题目|名称)[:：]")
_HEADER_NOISE = re.compile(r"^" + _HEADER_LABEL.pattern)
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_CN_DATE = re.compile(
    r"([〇零一二三四五六七八九○Ｏ]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日"
)
_ISO_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_PERIOD = re.compile(
    r"年(?<=(\d\d\d\d)年)(\d{1,2})月(\d{1,2})日(?:起|开始|始)?(?:[,，])?(?:至|到|-|—|~)(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日"
)
"""``自2024年1月1日起至2024年12月31日止``; the second year may be left out (``从2019年1月1日
到12月31日止``, ``为2025年1月1日至12月31日``), and a body formed in the year states a part.
The match opens at the 年 (its year looked behind at): a pattern that opens with a character
is searched for at C speed, one that opens with digits is tried at each of them."""
_YEAR_MENTION = re.compile(r"(20\d{2})年")


@dataclass(frozen=True)
class TitleHit:
    title: str
    """The title as found (folded), from the agency (or the year) to 报告."""
    agency: str | None
    """The name the title gives, trimmed of words that ran into it; None when it gives none
    (``2023年度政府信息公开工作年度报告``). Not yet judged to be a name."""
    year: int
    start: int


def find_title(folded: str, line_starts: Sequence[int] = ()) -> TitleHit | None:
    """The title at the top of the document (folded text), agency first or year first; not
    a sentence that names the report (``现向社会公布…2023年度政府信息公开年度报告``).
    ``line_starts``: folded positions where the document's lines start (a page's menu line
    above the title folds into it: ``长者版无障碍阅读`` / ``大冶市自然资源和规划局2025年…``)."""
    head = folded[:TITLE_WINDOW]
    hits: list[TitleHit | None] = []
    for m in _after_name(_TITLE, _TITLE_TAIL, head):
        hit = _title_hit(folded, m.group(1), m.start(1) if m.group(1) else m.start(2), m.end(), m.group(2))
        hits.append(_from_line_start(folded, hit, line_starts) if hit else None)
    for y in _TITLE_YEAR_FIRST.finditer(head):
        if y.group(2).lstrip("度").startswith("的"):
            continue  # ``…以及某市2019年度的政府信息公开年度报告提纲编制``: a sentence's phrase
        start = y.start(1)
        if not _SENTENCE_LEAD_IN.search(head, max(0, start - LEAD_IN_CHARS), start):
            agency = _shared_government(_trim(y.group(2)), folded, y.end(2))
            hits.append(TitleHit(folded[start : y.end()], agency or None, int(y.group(1)), start))
    # the year after the report's words (in brackets) or inside them
    after = _YEAR_IN_BRACKETS.search(head) is not None
    for pattern, tail in ((_TITLE_YEAR_AFTER, _TITLE_YEAR_AFTER_TAIL), (_TITLE_YEAR_INSIDE, _TITLE_YEAR_INSIDE_TAIL)):
        if pattern is _TITLE_YEAR_AFTER and not after:
            continue
        for a in _after_name(pattern, tail, head):
            hit = _title_hit(folded, a.group(1), a.start(1), a.end(), a.group(2))
            if hit is not None and hit.agency:
                hit = replace(hit, agency=_shared_government(hit.agency, folded, a.end(1)))
            hits.append(hit)
    found = [h for h in hits if h is not None and not _cited(head, h)]
    if not found:
        found = [h for h in (_garbled_title(folded, s, e) for s, e in _lines_in(line_starts, len(head))) if h]
    if not found:
        return None
    first = min(found, key=lambda h: h.start)
    if first.agency is None and line_starts:
        # a portal's column label above the title (``2020年信息公开年报`` / ``蒲纺工业园区2020年
        # 政府信息公开工作年度报告``, a real page): the next line, a title of the same year
        # that names its agency, is the page's
        starts = set(line_starts)
        below = [h for h in found if h.agency and h.year == first.year and h.start in starts and h.start > first.start]
        if below and _lines_between(line_starts, first.start, min(h.start for h in below)) <= TITLE_LABEL_LINES:
            return min(below, key=lambda h: h.start)
    return first


TITLE_LABEL_LINES = 2
"""Lines from a title without agency to the title below it that names one, at most, for the
first to be a column label above the page's title."""


def _lines_between(line_starts: Sequence[int], a: int, b: int) -> int:
    """Line starts after ``a`` up to and including ``b``."""
    return sum(1 for s in line_starts if a < s <= b)


_GARBLED_TITLE = re.compile(
    rf"(?:{_TITLE_NAME}?(\d{{4}})年度?|(\d{{4}})年度?({_NAME}{{2,{TITLE_NAME_CHARS}}}?)??)"
    rf"(?:政府|政务)?信息公开[\u4e00-\u9fff]{{0,{GARBLED_TAIL_CHARS}}}"
)
"""A line that opens as a title and whose report words after 信息公开 are cut or garbled
(``昌图县七家子镇2023年政府信息公开工作告年度报``, a real page): still the title, which
``title_form`` then finds off the template's form."""


def _lines_in(line_starts: Sequence[int], end: int) -> Iterator[tuple[int, int]]:
    """The (start, end) of each line that starts before ``end``, in folded positions (no line
    starts given: the text is one line, a page's <title>)."""
    starts = sorted({0, *(s for s in line_starts if s < end)})
    yield from zip(starts, [*starts[1:], end], strict=True)


def _garbled_title(folded: str, start: int, end: int) -> TitleHit | None:
    label = _HEADER_LABEL.match(folded, start)  # a page's metadata line: ``标题：…``
    start = label.end() if label else start
    m = _GARBLED_TITLE.fullmatch(folded, start, end)
    if m is None:
        return None
    if m.group(2):  # the agency before the year
        hit = _title_hit(folded, m.group(1), start, end, m.group(2))
        if hit is None or not hit.agency:
            return hit
        return replace(hit, agency=_shared_government(hit.agency, folded, m.end(1)))
    agency = _trim(m.group(4)) if m.group(4) else ""
    agency = _shared_government(agency, folded, m.end(4)) if agency else ""
    return TitleHit(folded[start:end], agency or None, int(m.group(3)), start)


def _after_name(
    pattern: re.Pattern[str], tail: re.Pattern[str], text: str, reach: int = TITLE_NAME_CHARS
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)`` for a pattern that is a name of at most ``reach`` characters
    (or none), then what ``tail`` matches. A match starts at most that far before the first
    tail from where the search is, so it is searched from there only, and not at all past the
    last tail: a pattern that opens with a name of every length is slow where it fails, at
    every character."""
    pos = 0
    while (t := tail.search(text, pos)) is not None:
        m = pattern.search(text, max(pos, t.start() - reach))
        if m is None:
            return
        yield m
        pos = m.end()  # where finditer goes on (a title is never empty)


def _shared_government(agency: str, folded: str, end: int) -> str:
    """``2022年上海市政府信息公开工作年度报告``: a place alone right before 政府信息公开 shares
    its 政府 with the report's name; the report is its government's (上海市政府), not a place's.
    (A place before the year, ``平潭综合实验区2023年政府信息…``, shares nothing.)"""
    if is_place(agency) and folded.startswith("政府信息公开", end):
        # a 街道 has no government: its 办事处 reports (南关区永吉街道政府信息公开…)
        return governing_body(agency) if agency.endswith("街道") else agency + "政府"
    if agency.endswith("人民") and folded.startswith("政府", end):
        return agency + "政府"  # ``长春市二道区人民政府信息公开…``: 人民政府 shares its 政府
    return agency


def _cited(text: str, hit: TitleHit) -> bool:
    """Inside the 《…》 of another document the text cites (``《关于做好2022年度政府信息公开
    年度报告编制公布工作的通知》``), not the report's title (which may stand in 《》 by itself)."""
    opened = text.rfind("《", 0, hit.start)
    if opened <= text.rfind("》", 0, hit.start):
        return False
    end = hit.start + len(hit.title)
    if opened + 1 != hit.start or not text.startswith("》", end):
        return True
    # the report's whole name in 《》, and a sentence about it goes on: a page about the report
    # (``《…年度报告》已经编制完成…现就年报内容进行如下解读``, ``关于《…》的解读``), not the report
    return _ABOUT_THE_REPORT.match(text, end + 1) is not None or text.endswith("关于", 0, opened)


_ABOUT_THE_REPORT = re.compile(r"的?解读|图解|已经?(?:编制|发布|公开|公布)")
"""Words right after a report's name in 《》 that make it the subject of a page about it."""


AUTHOR_LINE_CHARS = 30
"""The longest line below a title that may be its author line (an agency's name alone)."""


def agency_below_title(lines: list[str], title: str) -> str | None:
    """The agency on a line of its own right below a title that names none
    (``2022年政府信息公开工作年度报告`` / ``桃江县松木塘镇人民政府``)."""
    tail = fold(title)[-8:]
    for i, line in enumerate(lines[:40]):
        if tail and tail in fold(line):
            below = next((fold(x) for x in lines[i + 1 : i + 4] if x.strip()), "")
            return below if len(below) <= AUTHOR_LINE_CHARS and is_agency_name(below) else None
    return None


def _trim(agency: str) -> str:
    """The name without the words a title or sentence ran into it (``…关于``, ``现公布…``)."""
    return trim_lead_in(_HEADER_NOISE.sub("", agency).lstrip(":").removesuffix("关于"))


def _from_line_start(folded: str, hit: TitleHit, line_starts: Sequence[int]) -> TitleHit:
    """The title from the line its name starts on, when the words before that line are no
    place of the name (a menu, a breadcrumb's last crumb) and the rest is a full name: a name
    broken after its region (``淮安市`` / ``洪泽区人民政府…``) stays whole."""
    if not hit.agency:
        return hit
    end = hit.start + len(hit.agency)
    for s in line_starts:
        if not hit.start < s < end:
            continue
        before, name = folded[hit.start : s], folded[s:end]
        if not is_agency_name(name):
            continue
        full = not is_place(before) and bool(regions(name)) and not is_partial_name(name)
        # or the line above ends with the same body's name (a portal's ``来源:重庆合川工业园区
        # 管委会`` over ``重庆合川工业园区管理委员会`` / ``2020年…``, a real page): two names, not one
        if full or same_body(before, name):
            return TitleHit(folded[s : hit.start + len(hit.title)], name, hit.year, s)
    return hit


def _title_hit(folded: str, agency: str | None, start: int, end: int, year: str) -> TitleHit | None:
    """The title from its agency (trimmed of words run into it) to its end; None when a
    sentence runs into it (it names the report, it is not its title)."""
    if _SENTENCE_LEAD_IN.search(folded, max(0, start - LEAD_IN_CHARS), start) or (
        agency and _SENTENCE_LEAD_IN.search(agency)
    ):
        return None
    if agency:
        trimmed = _trim(agency)
        start += agency.rfind(trimmed) if trimmed else len(agency)
        agency = trimmed
    return TitleHit(folded[start:end], agency or None, int(year), start)


def _compiled_for(name: str) -> str:
    """The body an office compiles the report for: a department's or a town's own office is
    no reporting body of its own (由海南省地震局办公室编制 is 海南省地震局's report, 由…苏木党政综合
    办公室编制 its 苏木's government's); a government's office is (it reports for itself too),
    so it stays as named."""
    for office in ISSUING_OFFICES:
        body = name.removesuffix(office)
        if body == name or not body:
            continue
        if is_place(body):
            return governing_body(body)
        if is_agency_name(body) and not canonical_agency(body).endswith("人民政府"):  # 政府 expands
            return body
        return name
    return name


def preamble_agencies(folded: str, after: int = 0) -> list[str]:
    """Names the preamble gives as the report's author (``由…编制``, ``现公布…年度报告``), in
    order of appearance, each once. ``after``: where the title ends (the preamble follows it; a
    name is not looked for from inside it, which a title cut before 报告 would run into)."""
    head = folded[:PREAMBLE_WINDOW]
    found: list[tuple[int, str]] = []
    for pattern in _PREAMBLE_AGENCY:
        lo, hi = _near(head, "编制", *COMPILED_BY_REACH) if pattern is _COMPILED_BY else (0, len(head))
        for m in pattern.finditer(head, max(lo, after), hi):
            name = _shared_government(_without_issuer(trim_lead_in(_ALIAS_NOTE.sub("", m.group(1)))), head, m.end(1))
            if pattern in _COMPILERS:
                name = _compiled_for(name)
            if name:
                found.append((m.start(1), name))
    return list(dict.fromkeys(n for _, n in sorted(found)))


_ALIAS_NOTE = re.compile(r"\(以下简称[^)]*\)$")
"""The alias note after a name, not part of it."""
ALIAS_NAME_CHARS = 40
"""The longest full name a declared alias stands for."""
_ALIAS = re.compile(rf"([\u4e00-\u9fff]{{2,{ALIAS_NAME_CHARS}}}?)\(以下简称[“\"]?([\u4e00-\u9fff]{{2,12}})[”\"]?\)")
"""``由广西壮族自治区北部湾经济区规划建设管理办公室(以下简称自治区北部湾办)编制``."""
_ALIAS_TAIL = re.compile(r"\(以下简称")


def declared_aliases(folded: str) -> dict[str, str]:
    """Short names the preamble declares for the agency (``…办公室(以下简称自治区北部湾办)``),
    by their canonical form, each with the full name it stands for: the title's 自治区北部湾办
    is then that body, not another one."""
    out: dict[str, str] = {}
    for m in _aliases_in(folded[:PREAMBLE_WINDOW]):
        name = trim_lead_in(m.group(1))
        if is_agency_name(name) and is_agency_name(m.group(2)):
            out.setdefault(canonical_agency(m.group(2)), name)
    return out


def _aliases_in(text: str) -> Iterator[re.Match[str]]:
    """``_ALIAS.finditer(text)``, from its tails: the name, all CJK, runs right up to the
    tail's ``(`` (no CJK), so a match with that tail starts where the run of CJK before it does
    (at most ``ALIAS_NAME_CHARS`` back), or there is none. ``_after_name`` would search on from
    a tail with no alias after it (``(以下简称《条例》)``) to the end, a name of every length at
    every character."""
    pos = 0
    while (t := _ALIAS_TAIL.search(text, pos)) is not None:
        start = lo = t.start()
        while start > max(pos, lo - ALIAS_NAME_CHARS) and "\u4e00" <= text[start - 1] <= "\u9fff":
            start -= 1
        m = _ALIAS.match(text, start) if lo - start >= 2 else None
        if m is not None:
            yield m
        pos = m.end() if m is not None else lo + 1


_ISSUER = re.compile(r"\(([^()]*)\)$")


def _without_issuer(name: str) -> str:
    """``绥阳县人民政府(县人民政府办公室)``: the body, without the office that issues its report
    in brackets after it (a bracket inside a name, ``中国(上海)自由贸易试验区…``, stays)."""
    body = _ISSUER.sub("", name)
    return body if body != name and is_agency_name(body) else name


def publisher_agency(text: str) -> str | None:
    """The body a portal page's metadata names as publisher, when it is a name."""
    m = _PUBLISHER.search(text[:PREAMBLE_WINDOW])
    return m.group(1) if m and is_agency_name(m.group(1)) else None


def _near(text: str, word: str, before: int, after: int) -> tuple[int, int]:
    """The stretch of ``text`` in which a match holding ``word`` can lie, when a match starts
    at most ``before`` characters ahead of the word and ends at most ``after`` past its start
    ((0, 0) without the word)."""
    first = text.find(word)
    if first < 0:
        return 0, 0
    return max(0, first - before), min(len(text), text.rfind(word) + after)


def contact_agency(folded: str) -> str | None:
    """The body the preamble gives as contact (``请与…联系``, ``请联系…，联系电话``): a
    department's office stands for the department (荣成市信访局办公室 → 荣成市信访局), a town's
    for its government (青山乡党政办 → 青山乡人民政府); a government's office reports as a body of
    its own and stays (as for the office that compiles the report)."""
    head = folded[:PREAMBLE_WINDOW]
    hits = [m for p in _CONTACT_AGENCY if (m := p.search(head))]
    if not hits:
        return None
    return _compiled_for(trim_lead_in(min(hits, key=lambda m: m.start()).group(1)))


def agency_from_text(text: str) -> str | None:
    """The body a report's first sentence names (``2024年，沂源县司法局深入…``): the longest
    name there that ends with a body (局, 委, 人民政府…), else the longest place."""
    m = _AGENCY_IN_TEXT.search(text[:3000])
    if not m:
        # the overview's first words, when they are a body's name (``一、总体情况`` /
        # ``茅坪回族镇人民政府严格按照…``): never a place alone there
        first = _OVERVIEW_SUBJECT.search(text[:3000])
        # the words before the report's own (``为认真做好京山市卫生健康局政府信息公开工作``, a
        # 湖北 page), less a sentence's lead-in
        words = trim_lead_in(_REPORT_WORK.split(first.group(1))[0]) if first else ""
        name = _longest_body(words, places=False) if words else None
        places = regions(name) if name else []
        # a named place first (茅坪回族镇…), not a unit word (县委县政府, 区统计局)
        return name if places and places[0][0] not in UNIT_CHARS else None
    if m.group(1):
        return None  # 我局, 本机关: a report speaking of itself
    return _longest_body(m.group(2), places=True)


_OVERVIEW_SUBJECT = re.compile(r"总体情况[ \t]*\n\s*([\u4e00-\u9fff]{2,20})")
_REPORT_WORK = re.compile(r"政府信息公开|政务公开|信息公开")


def _longest_body(words: str, places: bool) -> str | None:
    """The longest name ``words`` start with that ends with a body (局, 委, 人民政府…), else
    (``places``) the longest place."""
    names = [words[:n] for n in range(len(words), 1, -1) if is_agency_name(words[:n])]
    bodies = [n for n in names if not _PLACE_END.search(n)]
    found = bodies or (names if places else [])
    return found[0] if found else None


_PLACE_END = re.compile(r"(?:县|市|区|州|盟|旗|省|镇|乡|街道)$")


@dataclass(frozen=True)
class AgencyReading:
    agency: str | None
    uncertain: str | None
    """Why the agency is not certain (in Chinese), or None."""
    candidates: tuple[tuple[str, str], ...]
    """(where, name as printed) of every candidate found: title, signature, preamble, contact, text."""


SOURCE_ZH = {
    "title": "标题",
    "signature": "落款",
    "preamble": "前言",
    "publisher": "网页所列发布机构",
    "contact": "联系方式",
    "text": "正文",
}
CROSS_CHECKED = frozenset({"title", "signature", "preamble"})
INDIRECT = frozenset({"contact", "publisher"})
"""Sources that name a body the report points to without saying it made the report: the
contact point (an office inside the agency, or another body) and the portal's 发布机构 (a
county portal lists its own government for a town's report): alone, they leave it uncertain.
The first sentence's subject (``2024年，沂源县司法局深入…``) is the body whose work it reports."""
"""Sources that state who made the report; the contact point (often a unit inside the agency)
and the first sentence's subject are used only when these give no name."""


def decide_agency(candidates: list[tuple[str, str | None]]) -> AgencyReading:
    """The agency from the candidates in order of trust (title, signature, preamble, publisher, contact,
    text): the first complete name, in its fullest form that another candidate prints (more of
    its region, no short form). Candidates that are not names are dropped; when the names
    disagree, or only a partial name is found, the reading says so."""
    found = tuple((w, re.sub(r"\s", "", n)) for w, n in candidates if n)
    names = [(w, n) for w, n in found if is_agency_name(n)]
    if not names:
        reason = "未找到机关名称" if not found else "找到的机关名称均不是名称（句子片段）"
        return AgencyReading(None, reason if found else None, found)
    complete = [x for x in names if not is_partial_name(x[1])]
    where, primary = (complete or names)[0]
    best = primary
    for _, n in names:
        if same_body(n, best) and _fuller(n, best):
            best = n
    if is_place(best):
        best = _governed(best, [n for _, n in names])
    others = [
        f"{SOURCE_ZH.get(w, w)}“{n}”"
        for w, n in dict.fromkeys(names)
        if w in CROSS_CHECKED and where in CROSS_CHECKED and not related_bodies(n, primary)
    ]
    if others:
        reason = f"{SOURCE_ZH.get(where, where)}所署机关“{primary}”与" + "、".join(others) + "不一致"
        return AgencyReading(best, reason, found)
    if is_partial_name(best):
        return AgencyReading(best, f"机关名称“{best}”不完整（未写明所属地区）", found)
    if where in INDIRECT:
        # the contact point or the portal: a body the report points to, not who signed it
        reason = f"机关名称“{best}”仅见于{SOURCE_ZH.get(where, where)}，标题、落款和前言均未写明"
        return AgencyReading(best, reason, found)
    return AgencyReading(best, None, found)


def _governed(place: str, names: list[str]) -> str:
    """A place alone (茅坪回族镇) where another candidate names the body that governs it, maybe
    with more of its region (包头市九原区阿嘎如泰苏木人民政府): that body in its fullest form (the
    place may carry more of its region than they do: 南关区永吉街道 / 永吉街道办事处); else the
    place."""
    governing = [n for n in names if same_body(n, governing_body(place))]
    if not governing:
        return place
    best = governing[0]
    for n in (*governing[1:], governing_body(place)):
        if _fuller(n, best):
            best = n
    return best


def _fuller(a: str, b: str) -> bool:
    """``a`` names the same body as ``b`` more fully: more of its region, or in full where
    ``b`` is a short form."""
    ca, cb = canonical_agency(a), canonical_agency(b)
    if len(ca) != len(cb):
        return len(ca) > len(cb)
    return a == ca and b != cb


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


def _last_lines(lines: list[str], n: int) -> list[str]:
    """The last ``n`` lines that keep some text without the page chrome, read from the end
    (the chrome pattern need not run over the whole document)."""
    out: list[str] = []
    for ln in reversed(lines):
        if len(out) == n:
            break
        t = ln.strip()
        if t and t[-1] in _CHROME_LAST_CHARS:  # else no chrome word ends the line
            t = _without_chrome(t)
        if t:
            out.append(t)
    return out[::-1]


def find_signature(lines: list[str]) -> tuple[dt.date | None, str | None]:
    """The closing date (落款) and the agency line above it, from the last lines.

    Only a line that is (nearly) just a date counts: dates inside sentences are not a signature."""
    tail = _last_lines(lines, SIGNATURE_LINES)
    for i in range(len(tail) - 1, -1, -1):
        ln = tail[i].replace(" ", "")
        m = _DATE.fullmatch(ln) or _ISO_DATE.fullmatch(ln)
        date = _date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
        if date is None:
            cm = _CN_DATE.fullmatch(ln)
            date = _cn_date(cm) if cm else None
        if date is not None:
            agency = fold(tail[i - 1]) if i > 0 and len(tail[i - 1]) <= 40 else None
            if agency and not is_agency_name(agency):
                agency = None
            return date, agency
    # the run-on signature may be broken across the last lines (``…竹石省人`` / ``民政府2024年1月7日``)
    return _run_on_signature(fold("".join(tail[-RUN_ON_LINES:]))) if tail else (None, None)


PAGE_CHROME = (
    "附件下载",
    "附件：",
    "相关附件",
    "相关链接",
    "打印本页",
    "关闭窗口",
    "【打印】",
    "【关闭】",
    "打印",
    "关闭",
    "分享到",
)
"""Words a web page puts after the text (buttons, links), which a copy of the page keeps."""
_PAGE_CHROME_END = re.compile(r"(?:\s*(?:" + "|".join(re.escape(w) for w in PAGE_CHROME) + r"))+\s*$")
_CHROME_LAST_CHARS = frozenset(w[-1] for w in PAGE_CHROME)
_CHROME_REVERSED = re.compile(r"(?:(?:" + "|".join(re.escape(w[::-1]) for w in PAGE_CHROME) + r")\s*)+")
"""``_PAGE_CHROME_END`` read from the end of the line: matched at the start of the reversed line,
where the pattern, anchored at the end, is tried at every character of the line (a page copied
as one line is thousands). No chrome word ends another, so the words read from the end are
one way only and the match is the longest run of them."""


def _without_chrome(line: str) -> str:
    """``_PAGE_CHROME_END.sub("", line)`` for a stripped line."""
    m = _CHROME_REVERSED.match(line[::-1])
    return line[: len(line) - m.end()] if m else line

_RUN_ON_SIGNATURE = re.compile(
    r"[。）)]\s*([^。，,；;\s]{2,40}?(?:" + _AGENCY_SUFFIX + r"))" + r"(\d{4})年(\d{1,2})月(\d{1,2})日$"
)


def _run_on_signature(last: str) -> tuple[dt.date | None, str | None]:
    """Text without line breaks (a web page copied flat) ends ``…办结。隆松市统计局2019年1月11日``:
    the signature is the agency name and the date after the last sentence."""
    m = _RUN_ON_SIGNATURE.search(last) if last.endswith("日") else None  # the pattern ends there
    if not m:
        return None, None
    return _date(int(m.group(2)), int(m.group(3)), int(m.group(4))), m.group(1)


_STATED = r"统计(?:期限|时间|期间|日期|时限|范围)[^。;\d]{0,8}?"
_PERIOD_DOTTED = re.compile(
    _STATED + r"(\d{4})[./-](\d{1,2})[./-](\d{1,2})日?(?:起)?(?:至|到|-|—|~)(?:(\d{4})[./-])?(\d{1,2})[./-](\d{1,2})"
)
"""``统计期限：2024.1.1-2024.12.31`` (or ``2024-01-01至2024-12-31``): only in the statement itself,
where a dotted range is the period and no other date range of the text."""
_PERIOD_WHOLE_YEAR = re.compile(_STATED + r"(\d{4})年度?全年")
"""``统计期限为2023年全年``: the whole year, 1 January to 31 December."""


def find_period(folded: str) -> tuple[dt.date, dt.date] | None:
    for m in (*_PERIOD.finditer(folded), *_PERIOD_DOTTED.finditer(folded)):
        y1 = int(m.group(1))
        y2 = int(m.group(4)) if m.group(4) else y1
        a = _date(y1, int(m.group(2)), int(m.group(3)))
        b = _date(y2, int(m.group(5)), int(m.group(6)))
        if a and b and a <= b and (b - a).days <= 366:
            return a, b
    whole = _PERIOD_WHOLE_YEAR.search(folded)
    if whole:
        year = int(whole.group(1))
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    return None


_PERIOD_STATEMENT = re.compile(r"统计期限[^。;]{0,40}|自\d{4}[^。;]{0,30}止")


def period_statement(folded: str) -> str | None:
    """A statistics-period statement, whether or not its dates can be read."""
    m = _PERIOD_STATEMENT.search(folded[: PREAMBLE_WINDOW * 2])
    return m.group() if m else None


def guess_year(folded: str) -> int | None:
    """The most mentioned year in the first part of the text (last resort)."""
    years = Counter(int(y) for y in _YEAR_MENTION.findall(folded[:4000]) if 2007 <= int(y) <= 2100)
    return years.most_common(1)[0][0] if years else None


def is_government(agency: str | None) -> bool:
    """A 人民政府 (or a body that reports as one) rather than one of its departments."""
    if not agency:
        return False
    # in full form: 清河县政府 is a 人民政府 too; a place named alone (天津市, 正蓝旗) is its
    # government's name for itself, but a 街道 has none (its 办事处 reports)
    name = canonical_agency(agency)
    if is_place(name):
        return governing_body(name).endswith("人民政府")
    return bool(re.search(r"人民政府$|管理委员会$|综合实验区$", name))
