"""Text normalisation shared by readers and parsers.

Real reports carry full-width digits, Kangxi radicals from PDF fonts, curly and straight
quotes, traditional characters and spaces between CJK characters. Label matching works on a
*folded* text (every character mapped to one canonical character, whitespace dropped) and
keeps a map back to the original offsets so values keep their provenance.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache

from gongkai.model.template import WORD_BLANK_MARKERS

_PUNCT_FOLD = {
    "“": '"',
    "”": '"',
    "„": '"',
    "＂": '"',
    "‘": "'",
    "’": "'",
    "「": '"',
    "」": '"',
    "『": '"',
    "』": '"',
    "〔": "[",
    "〕": "]",
    "【": "[",
    "】": "]",
    "〈": "《",
    "〉": "》",
    "<": "《",
    ">": "》",
    "—": "-",
    "–": "-",
    "－": "-",
    "―": "-",
    "‐": "-",
    "─": "-",
    "．": ".",
    "。": "。",
    "，": ",",
    "、": "、",
    "：": ":",
    "；": ";",
    "（": "(",
    "）": ")",
    "﹒": ".",
    "·": ".",
    "•": ".",
    "﹐": ",",
}
_WS = frozenset(" \t\r\n\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff\x0b\x0c")


@lru_cache(maxsize=8192)
def fold_char(ch: str) -> str:
    """One canonical character for ``ch`` (length 1), for matching only."""
    n = unicodedata.normalize("NFKC", ch)
    if len(n) != 1:
        n = ch
    n = _PUNCT_FOLD.get(n, n)
    if "\u3400" <= n <= "\u9fff":
        n = _simplified(n)
    return n


@lru_cache(maxsize=8192)
def _simplified(ch: str) -> str:
    s = _simplified_chars().get(ch, ch)
    return s if len(s) == 1 else ch


@lru_cache(maxsize=1)
def _simplified_chars() -> dict[str, str]:
    """zhconv's zh-cn table (zh2Hans, then zh2CN over it): what ``zhconv.convert(ch, "zh-cn")``
    looks up for one character. Read from zhconv's own data file without importing zhconv, whose
    import loads pkg_resources and whose first conversion indexes every phrase (half a second)."""
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec("zhconv")
    if spec is None or spec.origin is None:  # pragma: no cover - zhconv is a declared dependency
        return {}
    data = json.loads((Path(spec.origin).parent / "zhcdict.json").read_bytes())
    table: dict[str, str] = dict(data["zh2Hans"])
    table.update(data["zh2CN"])
    return {k: v for k, v in table.items() if len(k) == 1}


class _Table(dict[int, str | None]):
    """A ``str.translate`` table filled on first sight of each character, so that whole
    documents are mapped at C speed."""

    def __init__(self, fn: Callable[[str], str | None]) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, code: int) -> str | None:
        value = self.fn(chr(code))
        self[code] = value
        return value


def _fold_or_drop(ch: str) -> str | None:
    """What folding makes of ``ch``: nothing for whitespace, else ``fold_char``."""
    return None if ch in _WS or ch.isspace() else fold_char(ch)


_SIMPLIFY = _Table(lambda ch: _simplified(ch) if "\u3400" <= ch <= "\u9fff" else ch)
_FOLD = _Table(_fold_or_drop)
_SPACE_RUN = re.compile(r"[\s\u200b\ufeff]+")
_BMP = 0x10000
"""Code points of the Basic Multilingual Plane, where nearly every document's text lies."""


@lru_cache(maxsize=1)
def _bmp_fold_table() -> list[str | None]:
    """``_FOLD`` for every character of the BMP, as a list: ``str.translate`` indexes a list
    in about half the time it looks a character up in a dict subclass (30 against 54 ns a
    character here), and folding is done to every document's whole text. Built once, in
    some 30 ms."""
    fold_uncached = fold_char.__wrapped__  # not 65,536 entries through its cache
    return [None if (ch := chr(code)) in _WS or ch.isspace() else fold_uncached(ch) for code in range(_BMP)]


_LIST_FROM = 24
"""Characters from which the list's quicker look-ups pay for making sure of the text's
characters first (a table's cells, mostly shorter, are folded by the dict)."""
LIST_AFTER_CHARS = 1_200_000
"""Characters folded by the dict before the list is built: about what the list would have
saved by then (24 ns a character against its 30 ms), so that a one-file command, which folds
a few thousand, never pays for it, and a batch never pays more than twice what it could have
(the list built once its cost is earned, some 400 reports in)."""
_folded_by_dict = [0]
"""Characters of long texts folded by the dict so far (in this process; a count that
threads may race on costs no more than a list built a little late or early)."""


def _fold_all(text: str) -> str:
    """``text.translate(_FOLD)``, by the BMP's list (once it has paid for itself: see
    ``LIST_AFTER_CHARS``) when no character lies beyond it (each of them two bytes in UTF-16;
    a lone surrogate is one of the BMP's too). ASCII text is translated by the dict:
    ``str.translate`` remembers its ASCII look-ups as it goes."""
    if len(text) < _LIST_FROM or text.isascii():
        return text.translate(_FOLD)
    if _folded_by_dict[0] < LIST_AFTER_CHARS:
        _folded_by_dict[0] += len(text)
        return text.translate(_FOLD)
    if len(text.encode("utf-16-le", "surrogatepass")) == 2 * len(text):
        return text.translate(_bmp_fold_table())
    return text.translate(_FOLD)


_OFFSETS = tuple(range(1 << 16))
"""The offsets of a document's first 65,536 characters, made once: a slice of them shares
these int objects, where ``range`` would make each anew."""


def to_simplified(text: str) -> str:
    """Traditional characters to simplified, one character at a time (lengths kept)."""
    if not _traditional().search(text):
        return text  # most reports: one scan at C speed instead of a lookup per character
    return text.translate(_SIMPLIFY)


@lru_cache(maxsize=1)
def _traditional() -> re.Pattern[str]:
    """The characters ``to_simplified`` changes, as one character class."""
    chars = sorted(k for k, v in _simplified_chars().items() if len(v) == 1 and v != k and "\u3400" <= k <= "\u9fff")
    return re.compile(f"[{''.join(chars)}]" if chars else "(?!)")


def squeeze(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` and drop whitespace; return the folded text and, for each of its
    characters, the offset of the character it came from in ``text``."""
    folded = _fold_all(text)
    index = _kept_offsets(text)
    if len(index) != len(folded):  # a character the two views disagree on: slow, exact path
        index = [i for i, ch in enumerate(text) if not (ch in _WS or ch.isspace())]
        folded = "".join(fold_char(text[i]) for i in index)
    return folded, index


def _kept_offsets(text: str) -> list[int]:
    """Offsets of the characters ``_SPACE_RUN`` leaves, a range at a time between its runs:
    the words ``str.split`` cuts at whitespace (``\\s``, at C speed; the pattern is tried at
    every character), each found where it starts (only whitespace comes before it)."""
    index: list[int] = []
    start = 0
    if "\u200b" in text or "\ufeff" in text:  # spaces the pattern has and ``split`` does not
        for m in _SPACE_RUN.finditer(text):
            index.extend(range(start, m.start()))
            start = m.end()
        index.extend(range(start, len(text)))
        return index
    for word in text.split():
        start = text.find(word, start)
        end = start + len(word)
        index.extend(_OFFSETS[start:end] if end <= len(_OFFSETS) else range(start, end))
        start = end
    return index


def fold_text(text: str) -> str:
    """``squeeze(text)[0]`` without the offsets, for text that is only tested, not mapped back
    (squeeze's exact path folds the same characters the same way: only its offsets differ)."""
    return _fold_all(text)


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Folded form of a (short) string such as a label; cached because labels repeat
    (``fold_text``'s: no offsets made to be dropped)."""
    return fold_text(text)


_CJK = r"[\u3400-\u9fff\u3000-\u303f\uff00-\uff0c\uff0e\uff1a-\uffef“”‘’]"
"""Characters PDF extraction spaces apart; not the full-width digits (\uff10-\uff19), which are
numbers (``１３ １３ １４８`` are three cells, as ``13 13 148`` are), nor the full-width dash and
slash (\uff0d, \uff0f), which mark blank cells (``／ ／ 0`` is three cells too)."""
_SPACE = "[ \u3000\u00a0]"
_ASCII_SPACE = "[ \u00a0]"
_ASCII_WORD = "[0-9A-Za-z%.\uff10-\uff19]"
_LONE_MARK = "[" + "".join(sorted(WORD_BLANK_MARKERS)) + "]"
"""A blank cell's marker that is a Chinese character: standing alone between spaces, among a
row's numbers (``2 无 0``, ``0 无 无 0``), it is a cell, and the spaces around it are the cells' edges."""
_MARKED_CELL = rf"{_SPACE}*{_LONE_MARK}{_SPACE}+(?:[0-9０-９/／\-－—]|{_LONE_MARK})"
"""Spaces before a lone mark that a row's next value follows (``…不计    无    0``): its cell."""
# Each pattern opens with the space it removes and looks behind that space for the character
# before it (not behind the run, from every position): a pattern that starts with a character
# class lets the regex engine skip to the spaces at C speed. The matches are those of
# ``(?<=CJK)SPACE+(?=CJK)``, whose first space has CJK before it and the rest any,
# except the spaces around a lone mark (``_LONE_MARK``).
_SPACED_CJK = re.compile(
    rf"{_SPACE}(?<={_CJK}{_SPACE})(?!(?<={_LONE_MARK}{_SPACE}){_SPACE}*{_LONE_MARK}(?:{_SPACE}|$))"
    rf"(?!{_MARKED_CELL}){_SPACE}*(?={_CJK})"
)
_SPACE_CJK_ASCII = re.compile(
    rf"{_ASCII_SPACE}(?:(?<={_CJK}{_ASCII_SPACE})(?<![ \t]{_LONE_MARK} )(?<!^{_LONE_MARK} )"
    rf"{_ASCII_SPACE}*(?={_ASCII_WORD})"
    rf"|(?<={_ASCII_WORD}{_ASCII_SPACE}){_ASCII_SPACE}*(?={_CJK})(?!{_LONE_MARK}(?:[ \t]|$)))"
)
"""Both alternatives open with the space, outside them (an alternation of classes gets no
skipping at C speed, a class does)."""


def despace(text: str) -> str:
    """Remove the spaces PDF extraction puts between CJK characters and around numbers
    (``未 收 到 有 关`` → ``未收到有关``, ``2024 年`` → ``2024年``). Keeps spaces between
    two numbers, which may separate table cells, and around a blank cell's lone mark among
    them (``2 无 0``)."""
    if " " not in text and "\u3000" not in text and "\u00a0" not in text:
        return text  # most lines and cells: nothing to remove, no need to run the patterns
    text = _SPACED_CJK.sub("", text)
    return _SPACE_CJK_ASCII.sub("", text)


CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def chinese_number(s: str) -> int | None:
    """``二十三`` → 23, ``一百零五`` → 105; None when ``s`` is not a plain Chinese number."""
    if not s:
        return None
    if all(c in CN_DIGITS for c in s) and len(s) > 1:
        return int("".join(str(CN_DIGITS[c]) for c in s))
    total, section, num = 0, 0, 0
    units = {"十": 10, "百": 100, "千": 1000}
    for c in s:
        if c in CN_DIGITS:
            num = CN_DIGITS[c]
        elif c in units:
            section += (num or 1) * units[c]
            num = 0
        elif c == "万":
            total += (section + num) * 10000
            section, num = 0, 0
        else:
            return None
    return total + section + num


_PUBLISHED = re.compile(
    r"(?:发布|发表|发文|成文|公开|印发)(?:日期|时间)\s*[:：]?\s*\|?\s*(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})"
)
_PORTAL_DATE = re.compile(
    r"(?<![发表成公印统计文])(?:日期|时间)\s*[:：]\s*(\d{4})\s*[-年/]\s*(\d{1,2})\s*[-月/]\s*(\d{1,2})(?!\d)"
    r"|(?:^|\s)(\d{4})-(\d{1,2})-(\d{1,2})\s+\d{1,2}:\d{2}(?!\d)"
    r"|(?:^|\s)(\d{4})年(\d{1,2})月(\d{1,2})日\s*来源"
)
"""A portal's bare ``日期:2023-01-11`` or ``时间: 2024-03-31 18:46:07`` (or ``时间:2024年01月25日``,
``日期:2021-01-22来源:…``), a date and time alone (``2024-01-30 18:26 来源:…``), or a date
right before the 来源 (``2024年01月26日来源:于洪区教育局``), taken only on a line that also
names the page's 来源 (the metadata line), never from the report's sentences."""
PUBLISHED_WINDOW = 3000
"""Characters at the start of a page in which its publication date is looked for."""


def publication_date(text: str, window: int | None = PUBLISHED_WINDOW) -> dt.date | None:
    """The date a page says it was published (``发布日期：2025-01-20``, ``發佈時間``) within
    its first ``window`` characters (None: anywhere), or None. Shared by the HTML reader (the
    portal's header, before it is cut away) and the parser."""
    head = to_simplified(text[:window])
    m = _PUBLISHED.search(head)
    if not m:
        m = next((p for line in head.split("\n") if "来源" in line and (p := _PORTAL_DATE.search(line))), None)
    if not m:
        return None
    y, mo, d = [g for g in m.groups() if g is not None][:3]  # the alternative that matched
    try:
        return dt.date(int(y), int(mo), int(d))
    except ValueError:
        return None


_NUMERALS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """0–9999 in Chinese numerals, as documents number their parts and write counts: 12 → 十二,
    40 → 四十, 105 → 一百零五, 110 → 一百一十 (``chinese_number`` reads them back); a notice may
    number a hundred items and more."""
    if not 0 <= n < 10000:
        raise ValueError(f"{n} is outside 0–9999")
    if n < 10:
        return _NUMERALS[n]
    if n < 20:
        return "十" + (_NUMERALS[n - 10] if n > 10 else "")
    out, gap = "", False
    for unit, size in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        digit, n = divmod(n, size)
        if digit:
            out += ("零" if gap and out else "") + _NUMERALS[digit] + unit
            gap = False
        else:
            gap = True
    return out


def chinese_date(d: dt.date) -> str:
    """A date as Chinese documents write it: ``2024年3月1日``."""
    return f"{d.year}年{d.month}月{d.day}日"
