"""Numbers stated in the text: applications received, outcomes, appeals, documents issued.

Each pattern names the table cell it speaks about, so checks can compare text and table and
the decoder can use the text to settle an ambiguous run of digits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gongkai.model.report import Fact
from gongkai.model.text import chinese_number, to_simplified

_N = r"(\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+(?=件))"
"""A count: digits, or a Chinese numeral directly before 件 (``三个第一时间`` is no count)."""
_GAP = r"[^。；;，,\d件“”\"]{0,16}?"
"""Words between the subject and its number; never across another count (``一件、部分公开…``)."""


_RECEIVED = "(?:收到|受理|接收|新收|收到的)"
_GAP_NOT_RECEIVED = r"(?:(?!新收|收到|受理|接收)[^。；;，,\d件“”\"]){0,16}?"
"""As ``_GAP``, not across the words of another count (a heading ``…办理情况`` run into the
sentence ``全年新收…申请45件`` does not make 45 the number processed)."""


@dataclass(frozen=True)
class FactPattern:
    key: str
    """Dotted cell path the number speaks about (``applications.received.total``)."""
    pattern: re.Pattern[str]
    needs: tuple[str, ...] = ()
    """Words the pattern cannot match without (one of them at least; empty: none declared): a
    sentence holding none of them is not searched with it (its lazy gaps are tried at every
    number of the sentence)."""


def _p(key: str, regex: str, needs: tuple[str, ...] = ()) -> FactPattern:
    return FactPattern(key, re.compile(regex), needs)


SUM_PATTERNS: tuple[FactPattern, ...] = (
    _p(
        "applications.disclosed_and_partly.total",
        rf"(?<!不)予以公开(?:及|和|与|、|或)部分公开{_GAP}{_N}(?:件|个|份|条)",
        ("部分公开",),
    ),
)
"""One number for two rows (``予以公开及部分公开12件``): read before the rows' own patterns,
which then do not see it."""
PART_OF_TOTAL = re.compile(r"纠错|纠正|败诉|撤销|确认违法|维持")
"""Words that make a review or litigation count a count of one outcome (``被行政复议纠错0件``),
not of all cases."""
_APPEAL_KEYS = frozenset({"appeals.review.total", "appeals.litigation.total"})
PATTERNS: tuple[FactPattern, ...] = (
    _p("applications.carried_over.total", rf"上年(?:度)?(?:结转|转结|遗留){_GAP}{_N}(?:件|个|份|条)", ("上年",)),
    _p(
        "applications.carried_forward.total",
        rf"(?:结转|转结|转入|顺延)(?:至|到)?下(?:一)?年(?:度)?{_GAP}{_N}(?:件|个|份|条)",
        ("结转", "转结", "转入", "顺延"),
    ),
    # the number first: ``另有4件结转下年度继续办理``
    _p(
        "applications.carried_forward.total",
        rf"{_N}(?:件|个|份|条)(?:申请)?(?:需|将|仍)?(?:结转|转结|转入|顺延)(?:至|到)?下(?:一)?年(?:度)?",
        ("结转", "转结", "转入", "顺延"),
    ),
    _p(
        "applications.received.total",
        # ``(?:共|累计|全年|本年度?|新)?{_RECEIVED}`` with the lead word's alternatives each written
        # with the verb after it: every alternative opens with a character, to be skipped to at C speed
        rf"(?:共{_RECEIVED}|累计{_RECEIVED}|全年{_RECEIVED}|本年度?{_RECEIVED}|新{_RECEIVED}|收到|受理|接收|新收|收到的)"
        rf"{_GAP}(?:政府信息公开|信息公开|依申请公开)?{_GAP}(?:申请|办理件|申请件){_GAP}{_N}(?:件|个|份|条)",
        ("收到", "受理", "接收", "新收"),
    ),
    _p(
        "applications.processed_total.total",
        # ``办结的申请中同意公开9件`` counts one outcome among them, not all
        rf"(?:办结|办理完毕|已办结|答复|办理){_GAP_NOT_RECEIVED}(?:政府信息公开|依申请公开)?(?:申请)(?!中){_GAP}{_N}(?:件|个|份|条)",
        ("申请",),
    ),
    _p(
        "applications.disclosed.total",
        # not after 部分 or 不, looked behind at from after the verb (a pattern that opens with a
        # look-behind is tried at every character)
        rf"(?:予以(?<!部分予以)(?<!不予以)|同意(?<!部分同意)(?<!不同意))公开{_GAP}{_N}(?:件|个|份|条)",
        ("予以公开", "同意公开"),
    ),
    _p("applications.partly_disclosed.total", rf"部分公开{_GAP}{_N}(?:件|个|份|条)", ("部分公开",)),
    _p("applications.withheld.total", rf"不予公开{_GAP}{_N}(?:件|个|份|条)", ("不予公开",)),
    _p("applications.unavailable.total", rf"无法提供{_GAP}{_N}(?:件|个|份|条)", ("无法提供",)),
    _p("applications.not_processed.total", rf"不予处理{_GAP}{_N}(?:件|个|份|条)", ("不予处理",)),
    _p("appeals.review.total", rf"行政复议(?:案件|申请)?{_GAP}{_N}(?:件|起|宗|个)", ("行政复议",)),
    _p("appeals.litigation.total", rf"行政诉讼(?:案件)?{_GAP}{_N}(?:件|起|宗|个)", ("行政诉讼",)),
    _p(
        "active_disclosure.normative_documents.issued",
        rf"(?:制发|制定|出台|印发){_GAP}规范性文件{_GAP}{_N}件",
        ("规范性文件",),
    ),
    _p("active_disclosure.normative_documents.in_force", rf"现行有效{_GAP}规范性文件{_GAP}{_N}件", ("现行有效",)),
    _p("active_disclosure.normative_documents.repealed", rf"废止{_GAP}规范性文件{_GAP}{_N}件", ("废止",)),
    _p("active_disclosure.regulations.issued", rf"(?:制发|制定|出台){_GAP}规章{_GAP}{_N}件", ("规章",)),
)
_NEEDED = tuple(dict.fromkeys(w for fp in PATTERNS for w in fp.needs))
"""Every word some pattern needs."""
_ATTRIBUTES = (
    re.compile(rf"主动公开(?:政府信息|信息数?)?{_N}"),
    re.compile(rf"依申请公开(?:政府信息|信息数?|及不予公开)?{_N}"),
)
"""Documents counted by how each is to be disclosed (``制发公文383条，其中主动公开54条、依申请公开
316条、不予公开13条``; ``主动公开政府信息55条（…）、依申请公开341条``; ``主动公开138份、依申请公开
及不予公开431份``; ``主动公开信息数169，依申请公开信息数317条``): both attributes with a count
right after them. Its 不予公开 counts documents,
not applications (``依申请公开办理10件`` is applications: no count right after the words)."""
_DOCUMENTS_MADE = re.compile(rf"(?:制发|制作|印发|发文)[^。；;，,]{{0,12}}?(?:政府信息|公文|文件){_GAP}{_N}")
"""A sentence counting the documents made (``共制发政府信息130件，其中主动公开18件，不予公开112件``,
a 温州 page): its 不予公开 counts documents too, with or without 依申请公开 beside it."""
_OUTCOME_KEYS = frozenset(
    {"applications.disclosed.total", "applications.partly_disclosed.total", "applications.withheld.total"}
)
_SECTION_NUMBER = r"(?:[一二三四五六七八九十]+|\d{1,2})、"
"""The number a section's heading opens with (``四、``, a renumbered ``4、``)."""
_IN_SENTENCE = rf"(?:(?!{_SECTION_NUMBER})[^。；;])"
"""A character of the same sentence, not the start of a section's heading run into it (a
table's last ``无`` before ``四、政府信息公开行政复议、行政诉讼情况``, in text without lines)."""
_NONE_RECEIVED = re.compile(
    rf"(?:未|没有|无)(?:收到|受理|接到){_IN_SENTENCE}{{0,14}}?(?:政府信息公开|依申请公开|公开)?申请"
)
_NONE_APPEALS = re.compile(
    rf"(?:未|没有|无)(?:发生|出现|收到)?{_IN_SENTENCE}{{0,10}}?行政复议{_IN_SENTENCE}{{0,6}}?(?:行政诉讼|诉讼)"
)
_A_COUNT = re.compile(r"[\d零〇一二两三四五六七八九十百千万](?:件|个|份|条|起|宗)")
"""What every pattern above ends in (a number and its measure word): a sentence without one
states no count, and is not searched with each pattern."""
NEGATION_TAIL = 8
"""Characters after a denial of reviews and suits in which a qualifier (败诉) may still come."""
FEE_WORDS = re.compile(
    r"信息处理费|处理费|(?:信息公开|依申请|申请人)[^。；]{0,20}(?:收费|收取费用|费用)|未收取(?:任何)?费用"
)
"""A statement on the 信息处理费: by its name, or as ``政府信息公开未发生收费情况``,
``无向申请人收取政府信息公开费用的情况``."""


def _number(raw: str) -> int | float | None:
    if raw[0].isdigit():
        return float(raw) if "." in raw else int(raw)
    return chinese_number(raw)


_LINE_SPACE = " \t"
"""What is dropped around a line break with it (the indentation of the line after)."""
_SENTENCE_END = re.compile(r"[。；;！？]")


_HEADING_START = re.compile(rf"[ \t]*{_SECTION_NUMBER}")


def _joined_lines(text: str) -> str:
    """``text`` with its line breaks and the spaces and tabs around them taken out: what
    ``re.sub(r"[ \t]*\n[ \t]*", "", text)`` gives, a line at a time (a pattern that may start
    with nothing is tried at every character); except that a line opening with a section's
    number (``四、…``, ``4、…``) starts a sentence: a table row's last ``无`` before it is no 无 of its words."""
    lines = text.split("\n")
    if len(lines) == 1:
        return text
    parts = [lines[0].rstrip(_LINE_SPACE)]
    last = len(lines) - 1
    for i, ln in enumerate(lines[1:], 1):
        if _HEADING_START.match(ln):
            parts.append("。")
        parts.append(ln.lstrip(_LINE_SPACE) if i == last else ln.strip(_LINE_SPACE))
    return "".join(parts)


def _sentences(text: str) -> list[str]:
    """``text`` cut after each sentence's end: what ``re.split(r"(?<=[。；;！？])", text)``
    gives, from the ends found at C speed (a look-behind is tried at every character)."""
    out: list[str] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        out.append(text[start : m.end()])
        start = m.end()
    out.append(text[start:])
    return out


def _read_counts(sentence: str, seen: set[str], out: list[Fact]) -> str:
    """Add to ``out`` the facts the count patterns read in ``sentence`` (each key once, in
    ``seen``); return the sentence with the sums read blotted out."""
    for fp in SUM_PATTERNS:
        if fp.needs and not any(w in sentence for w in fp.needs):
            continue
        for m in fp.pattern.finditer(sentence):
            value = _number(m.group(1))
            if value is not None and fp.key not in seen:
                out.append(Fact(fp.key, value, m.group(0)))
                seen.add(fp.key)
            # the rows' own patterns must not read the sum as theirs
            sentence = sentence[: m.start()] + "；" * (m.end() - m.start()) + sentence[m.end() :]
    attributes = all(p.search(sentence) for p in _ATTRIBUTES) or _DOCUMENTS_MADE.search(sentence) is not None
    # the words patterns need that the sentence holds, each looked for once (not once for
    # every pattern that needs it)
    present = {w for w in _NEEDED if w in sentence}
    for fp in PATTERNS:
        if attributes and fp.key in _OUTCOME_KEYS:
            continue
        if fp.needs and present.isdisjoint(fp.needs):
            continue  # none of the words it cannot match without
        for m in fp.pattern.finditer(sentence):
            if fp.key in seen:
                break
            if fp.key in _APPEAL_KEYS and PART_OF_TOTAL.search(m.group(0)):
                continue
            raw = m.group(1)
            value = _number(raw)
            if value is None:
                continue
            out.append(Fact(fp.key, value, m.group(0)))
            seen.add(fp.key)
    return sentence


def extract_facts(text: str) -> list[Fact]:
    """Facts from prose (table text must not be passed in)."""
    out: list[Fact] = []
    # PDF text breaks lines mid-sentence (``受理政府信息公开申\n请17件``): sentences end at punctuation
    for sentence in _sentences(_joined_lines(to_simplified(text))):
        if not sentence.strip():
            continue
        seen: set[str] = set()
        if _A_COUNT.search(sentence) is not None:  # most sentences state no count
            sentence = _read_counts(sentence, seen, out)
        # each denial below holds a word tested for first (a test, not a search, where it is not)
        if "申请" in sentence and _NONE_RECEIVED.search(sentence) and "applications.received.total" not in seen:
            out.append(Fact("applications.received.total", 0, _NONE_RECEIVED.search(sentence).group(0)))  # type: ignore[union-attr]
        m2 = _NONE_APPEALS.search(sentence) if "行政复议" in sentence else None
        if m2 and not PART_OF_TOTAL.search(sentence[m2.start() : m2.end() + NEGATION_TAIL]):
            # ``未发生…被行政复议纠错或行政诉讼败诉的情况`` denies one outcome, not every case
            out.append(Fact("appeals.review.total", 0, m2.group(0)))
            out.append(Fact("appeals.litigation.total", 0, m2.group(0)))
    return out
