"""Shortcuts taken for speed give what the long way gives: each is checked against the plain
computation it stands in for, on generated text."""

from __future__ import annotations

import contextlib
import dataclasses
import re
from collections.abc import Callable
from difflib import SequenceMatcher

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lxml_html

from gongkai.model import text as text_module
from gongkai.model.report import Source
from gongkai.model.template import MEASURE_WORDS, SECTIONS, TEMPLATES, Identity, Row
from gongkai.model.text import _CJK, despace, fold_text, squeeze, to_simplified
from gongkai.parse import cells, decode, facts, labels, meta, table_text, tables
from gongkai.parse import report as report_module
from gongkai.parse.cells import Unit
from gongkai.parse.decode import row_readings, too_many
from gongkai.parse.report import parse_document
from gongkai.readers import ReadError, read_bytes
from gongkai.readers import docx as docx_reader
from gongkai.readers import html as html_reader
from gongkai.readers import text as text_reader
from gongkai.testing.corpus import make_document

_TEXTY = st.text(alphabet=st.sampled_from(list("發佈時間报告公开 \t\n\u3000\u200b（）：，12３-/无件")), max_size=40)


@given(_TEXTY)
def test_folding_without_offsets_is_squeezes_folding(text: str) -> None:
    assert fold_text(text) == squeeze(text)[0]


_SPACED = st.text(alphabet=st.sampled_from(list("未到“，、 \u3000\u00a0\t\na1.%-Z")), max_size=24)


@given(_SPACED)
@example("未 \u3000 \u3000a")
@example("2024 年 未 收 到 1 . 5 %")
def test_despacing_removes_the_spaces_a_lookbehind_over_the_run_removes(text: str) -> None:
    plain_cjk = re.compile(rf"(?<={_CJK})[ \u3000\u00a0]+(?={_CJK})")
    plain_ascii = re.compile(rf"(?<={_CJK})[ \u00a0]+(?=[0-9A-Za-z%.])|(?<=[0-9A-Za-z%.])[ \u00a0]+(?={_CJK})")
    assert despace(text) == plain_ascii.sub("", plain_cjk.sub("", text))


_LINED = st.lists(st.sampled_from([*" \t\n\r。；;！？a件无4", "四、", "4、"]), max_size=24).map("".join)


@given(_LINED)
def test_lines_are_joined_and_sentences_cut_as_the_plain_patterns_do(text: str) -> None:
    """Lines joined; one that opens with a section's number (``四、``) starts a sentence."""
    headed = re.sub(r"[ \t]*\n[ \t]*(?=(?:[一二三四五六七八九十]+|\d{1,2})、)", "。", text)
    assert facts._joined_lines(text) == re.sub(r"[ \t]*\n[ \t]*", "", headed)
    assert facts._sentences(text) == re.split(r"(?<=[。；;！？])", text)


@given(st.text(alphabet=st.sampled_from(list("万元件条个项次1２a 㐀一鿿")), max_size=16))
def test_table_text_finds_measure_words_and_counts_cjk_as_the_plain_patterns_do(text: str) -> None:
    plain = re.compile(r"(?<=\d)(?:" + "|".join(MEASURE_WORDS) + ")")
    assert table_text._UNIT_AFTER_NUMBER.sub(" ", text) == plain.sub(" ", text)
    assert sum(map(len, table_text._CJK_RUN.findall(text))) == len(re.findall(r"[\u3400-\u9fff]", text))


@given(st.text(alphabet=st.sampled_from(list("不予公开申请件数总计其他行政复议0")), max_size=12))
def test_the_words_a_table_line_may_hold_are_those_starting_with_its_characters(text: str) -> None:
    words = table_text.table_words(TEMPLATES["v2021"].tables["applications"])
    assert words.among(text) == [w for w in words.words if w[0] in text]


_TITLE_PIECES = st.lists(
    st.sampled_from(
        [
            "2023年度政府信息公开工作年度报告",
            "政府信息公开工作年度报告(2023年度)",
            "2022年政务公开年报",
            "2024",
            "年",
            "政府",
            "信息公开",
            "报告",
            "(",
            ")",
            "市",
            "局",
            "。",
            "1",
            "政务",
            "平潭综合实验区",
            "(以下简称",
            "北部湾办)",
        ]
    ),
    max_size=30,
).map("".join)


@given(_TITLE_PIECES)
def test_a_name_pattern_searched_from_its_tails_finds_what_it_finds_everywhere(text: str) -> None:
    for pattern, tail, reach in (
        (meta._TITLE, meta._TITLE_TAIL, meta.TITLE_NAME_CHARS),
        (meta._TITLE_YEAR_AFTER, meta._TITLE_YEAR_AFTER_TAIL, meta.TITLE_NAME_CHARS),
        (meta._ALIAS, meta._ALIAS_TAIL, meta.ALIAS_NAME_CHARS),
    ):
        found = [(m.span(), m.groups()) for m in meta._after_name(pattern, tail, text, reach)]
        assert found == [(m.span(), m.groups()) for m in pattern.finditer(text)]


@given(st.text(alphabet=st.sampled_from(list("一二十13２、.。a\n")), max_size=16), st.sets(st.integers(0, 16)))
def test_heading_numberings_are_found_at_their_marks_as_the_plain_pattern_finds_them(
    text: str, starts: set[int]
) -> None:
    plain = []
    for m in re.finditer(r"[一二三四五六七八九十][、.]|\d[、.]", text):
        s = m.start()
        glued = s > 0 and text[s - 1].isdigit() and m.group()[0].isdigit() and s not in starts
        plain.append((s, m.end(), m.group(), glued))
    plain.extend((p, p, "", False) for p in starts)
    assert labels.heading_candidates(text, starts) == sorted(plain)


@given(_TEXTY)
def test_simplifying_a_text_is_simplifying_each_character(text: str) -> None:
    assert to_simplified(text) == "".join(to_simplified(ch) for ch in text)


def test_traditional_characters_are_simplified_and_simplified_text_kept() -> None:
    assert to_simplified("發佈時間：2024年") == "发布时间：2024年"
    assert to_simplified("发布时间：2024年") == "发布时间：2024年"


_SENTENCE = st.builds(
    lambda name, basis, done, this: name + basis + "编制" + done + this,
    st.integers(0, 45).map("局".__mul__),
    st.one_of(st.just(""), st.integers(0, 85).map(lambda n: "根据" + "x" * n)),
    st.sampled_from(["", "了", "完成"]),
    st.sampled_from(["本", "此", "", "。"]),
)
_PREAMBLE = st.lists(st.one_of(_SENTENCE, st.sampled_from(["。", "由", "x" * 30, "编"])), max_size=6).map("".join)


@given(_PREAMBLE)
@example("。" + "局" * 41 + "根据" + "x" * 80 + "编制完成本")  # the farthest a match reaches
@settings(max_examples=300)
def test_the_compiled_by_pattern_finds_near_its_word_what_it_finds_everywhere(head: str) -> None:
    lo, hi = meta._near(head, "编制", *meta.COMPILED_BY_REACH)
    everywhere = [(m.span(), m.group(1)) for m in meta._COMPILED_BY.finditer(head)]
    assert [(m.span(), m.group(1)) for m in meta._COMPILED_BY.finditer(head, lo, hi)] == everywhere


@given(
    st.lists(
        st.sampled_from(["", " ", "正文。", "打印", "关闭窗口", "【打印】 【关闭】", "2024年1月1日", "附件："]),
        max_size=30,
    )
)
def test_the_last_lines_are_the_last_of_all_lines_without_chrome(lines: list[str]) -> None:
    every = [t for ln in lines if (t := meta._PAGE_CHROME_END.sub("", ln.strip()))]
    assert meta._last_lines(lines, meta.SIGNATURE_LINES) == every[-meta.SIGNATURE_LINES :]


@given(st.lists(st.sampled_from(["0", "12", "05", "1.5", "3,000", "-"]), min_size=1, max_size=6), st.booleans())
def test_a_row_of_one_unit_a_cell_reads_as_written_or_not_at_all(texts: list[str], glued: bool) -> None:
    units = [
        Unit("blank", t, offset=i) if t == "-" else Unit("number", t.lstrip("-"), offset=i) for i, t in enumerate(texts)
    ]
    readings = row_readings(units, ["count"] * len(units), glued=glued)
    assert len(readings) <= 1
    if readings:
        cells = readings[0].cells
        assert [c.raw for c in cells] == [u.text for u in units]
        assert [c.blank for c in cells] == [u.kind == "blank" for u in units]
        assert readings[0].cost == 0.0


def test_a_row_read_cell_for_cell_gives_up_where_the_search_would(monkeypatch: pytest.MonkeyPatch) -> None:
    units = [Unit("number", str(n), offset=2 * n) for n in range(7)]
    assert len(row_readings(units, ["count"] * 7)) == 1
    monkeypatch.setattr(decode, "MAX_STEPS_PER_ROW", 5)  # fewer steps than the row's units
    readings = row_readings(units, ["count"] * 7)
    assert not readings and too_many(readings)


_RUN = st.text(alphabet=st.sampled_from("0012789"), min_size=1, max_size=6)


@given(
    st.lists(st.tuples(_RUN, st.sampled_from([None, "件", "元"])), min_size=1, max_size=3),
    st.integers(1, 5),
    st.sampled_from([None, True, False]),
    st.sampled_from(["count", "amount", "signed"]),
)
@example([("7777166", None)], 2, True, "count")
@example([("100", None), ("05", "件")], 2, None, "count")
@settings(max_examples=300)
def test_a_row_of_bare_runs_is_cut_as_the_search_cuts_it(
    runs: list[tuple[str, str | None]], more: int, glued: bool | None, kind: str
) -> None:
    """Runs of digits for more cells than runs: the cuts walked directly give the search's
    readings, in its order, with its costs."""
    units = [Unit("number", t, unit=u, offset=3 * i) for i, (t, u) in enumerate(runs)]
    kinds = [kind] * (len(units) + more - 1)
    fast = row_readings(units, kinds, glued=glued)  # type: ignore[arg-type]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(decode, "_cuts_only", lambda *a: None)
        searched = row_readings(units, kinds, glued=glued)  # type: ignore[arg-type]
    assert fast == searched
    assert too_many(fast) == too_many(searched)


def test_a_row_of_bare_runs_is_searched_where_the_search_would_give_up(monkeypatch: pytest.MonkeyPatch) -> None:
    units = [Unit("number", "1234567")]
    assert len(row_readings(units, ["count"] * 3)) == 15
    monkeypatch.setattr(decode, "MAX_STEPS_PER_ROW", 5)  # fewer steps than the cuts take
    readings = row_readings(units, ["count"] * 3)
    assert not readings and too_many(readings)


def test_an_identity_s_rows_are_the_rows_its_sides_refer_to() -> None:
    identities = [i for tpl in TEMPLATES.values() for key in tpl.tables for i in tpl.identities_of(key)]
    assert identities
    for ident in identities:
        assert ident.rows == {r for r, _ in (*ident.lhs, *ident.rhs)}
        assert ident.rows is ident.rows  # worked out once


def _may_match_every_window(longest: str, title: str) -> bool:
    """``labels._may_match`` the long way: the shared characters counted one by one, and the
    bound of every window's ratio tried."""
    want: dict[str, int] = {}
    for ch in title:
        want[ch] = want.get(ch, 0) + 1
    shared = 0
    for ch in longest:
        if want.get(ch, 0) > 0:
            want[ch] -= 1
            shared += 1
    return any(
        2 * min(shared, n) / (n + len(title)) >= labels.HEADING_SIMILARITY
        for n in range(len(title) - 1, len(longest) + 1)
    )


_HEADING_CHARS = st.text(alphabet=st.sampled_from(list("政府信息公开情况主动申请收到处理行政复议诉讼")), max_size=16)


@given(_HEADING_CHARS, st.one_of(_HEADING_CHARS.filter(bool), st.sampled_from([s.titles[0] for s in SECTIONS])))
@example("", "政")
@example("主动公开政府信息情", "主动公开政府信息情况")
@settings(max_examples=500)
def test_a_place_may_match_a_heading_by_the_best_window_as_by_every_window(longest: str, title: str) -> None:
    """(Titles are the template's: never empty.)"""
    assert labels._may_match(longest, title) == _may_match_every_window(longest, title)


@given(st.lists(st.tuples(st.sampled_from([None, 0, 1, 2]), st.sampled_from([0.0, 1.0, 2.0])), min_size=1, max_size=1))
def test_a_row_read_one_way_is_a_class_of_its_own(cells: list[tuple[int | None, float]]) -> None:
    reading = decode.RowReading(tuple(decode.CellReading(v, str(v)) for v, _ in cells), cells[0][1])
    assert decode.numeric_classes([reading]) == {reading: [reading]}
    # the long way: the grouping of several readings, of which this is the only one
    other = decode.RowReading((decode.CellReading(99, "99"),) * len(cells), 0.0)
    assert decode.numeric_classes([reading, other])[reading] == [reading]


@given(
    st.sampled_from([(7,), (5, 5, 5), (2, 3), (3,)]).flatmap(
        lambda groups: st.tuples(
            st.just(groups), st.text(alphabet=st.sampled_from("0001239"), min_size=sum(groups), max_size=sum(groups))
        )
    )
)
@example(((7,), "0000000"))
@example(((7,), "1000001"))
@example(((5, 5, 5), "000000000000000"))
def test_a_run_of_a_digit_a_cell_is_cut_as_the_sums_cut_it(case: tuple[tuple[int, ...], str]) -> None:
    groups, digits = case
    assert list(decode._digit_a_cell(digits, groups)) == list(decode._sum_groups_runs(digits, groups))


_FACT_WORDS = st.lists(
    st.sampled_from(
        [
            "收到",
            "受理",
            "接收",
            "新收",
            "收到的",
            "结转",
            "转结",
            "转入",
            "顺延",
            "下一年度",
            "下年",
            "政府信息公开",
            "申请",
            "办理件",
            "共",
            "本年度",
            "5",
            "12",
            "三",
            "件",
            "个",
            "条",
            "，",
            "。",
            "将",
            "需",
            "至",
            "上年",
            "予以",
            "同意",
            "公开",
            "部分",
            "不予",
            "处理",
            "无法提供",
            "行政复议",
            "行政诉讼",
            "制发",
            "规范性文件",
            "现行有效",
            "废止",
            "规章",
        ]
    ),
    max_size=12,
).map("".join)


@given(_FACT_WORDS)
@example("本年度受理政府信息公开申请12件")
@example("另有5件结转下年度继续办理")
@example("3件申请顺延至下一年度")
@example("新收申请5件")
@example("接收办理件12条，转结下年2件")
def test_a_fact_pattern_matches_no_sentence_without_a_word_it_needs(sentence: str) -> None:
    """Sentences without any of a pattern's ``needs`` are not searched with it: it would find nothing."""
    for fp in (*facts.SUM_PATTERNS, *facts.PATTERNS):
        if fp.needs and fp.pattern.search(sentence):
            assert any(w in sentence for w in fp.needs), (fp.key, sentence)


_HTML_PIECE = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<td>",
        "</td>",
        "<tr>",
        "<table>",
        "</table>",
        "<br>",
        "<!-- 注释 -->",
        "<div class=nav>",
        "</div>",
        "<script>x</script>",
        "本年新收",
        "12",
        " ",
        "&nbsp;",
        "&amp;",
        "<b>",
        "</b>",
        "<?pi x?>",
        "\n",
    ]
)


@given(st.lists(_HTML_PIECE, max_size=30).map("".join))
@example("")
@example("<!-- 注释 -->")
def test_the_html_reader_s_tree_and_text_are_lxml_html_s(page: str) -> None:
    """The reader parses with lxml's plain HTML parser and reads an element's text by XPath,
    where lxml.html would pick a Python class for each element: same tree, same text."""

    def parsed(parse: Callable[[], etree._Element]) -> etree._Element | str:
        try:
            return parse()
        except (etree.ParserError, ValueError) as e:
            return f"{type(e).__name__}: {e}"

    ours = parsed(lambda: html_reader.parse_page(page, etree.HTMLParser(no_network=True, huge_tree=False)))
    theirs = parsed(lambda: lxml_html.document_fromstring(page, parser=lxml_html.HTMLParser(no_network=True)))
    if isinstance(theirs, str):  # a page lxml.html refuses: the reader refuses it alike
        assert ours == theirs
        return
    assert isinstance(ours, etree._Element) and isinstance(theirs, lxml_html.HtmlElement)
    pairs = list(zip(ours.iter(etree.Element), theirs.iter(etree.Element), strict=True))
    for a, b in pairs:
        assert (a.tag, html_reader._text_content(a)) == (b.tag, b.text_content())


_T3 = TEMPLATES["v2021"].table("applications")
_T3_IDENTITIES = TEMPLATES["v2021"].identities_of("applications")


_T3_ROW = st.tuples(st.lists(st.sampled_from([None, 0, 1, 2, 3, "unread"]), min_size=6, max_size=6), st.booleans())
"""Six cells and whether the seventh is their sum (a row that holds its identity) or not."""


@given(st.lists(_T3_ROW, min_size=1, max_size=len(_T3.rows)), st.sampled_from([0.0, 1.0]), st.integers(0, 1))
@settings(max_examples=300)
def test_a_table_read_one_way_a_row_is_decided_as_the_search_decides_it(
    rows: list[tuple[list[int | str | None], bool]], cost: float, doubt: int
) -> None:
    """Every row with one reading: the shortcut's choice is the search's, to the rows' order."""
    readings: dict[str, list[decode.RowReading]] = {}
    columns: dict[str, tuple[str, ...]] = {}
    for row, (head, sums) in zip(_T3.rows, rows, strict=False):
        total = sum(v for v in head if isinstance(v, int))
        values = [*head, total if sums else total + 1]
        cells = tuple(
            decode.CellReading(None, "x", unread=True)
            if v == "unread"
            else decode.CellReading(v if isinstance(v, int) else None, str(v), v is None)
            for v in values
        )
        readings[row.key] = [decode.RowReading(cells, cost, doubt)]
        columns[row.key] = tuple(c.key for c in _T3.row_columns(row))
    readings["unread_row"] = []
    fast = decode.decode_table(readings, columns, _T3_IDENTITIES)
    searched = decode._decode_search(readings, columns, _T3_IDENTITIES, {}, [r for r in readings if readings[r]])
    assert list(fast.rows.items()) == list(searched.rows.items())
    assert (fast.violations, fast.unbalanced, fast.broken_rules) == (
        searched.violations,
        searched.unbalanced,
        searched.broken_rules,
    )


def _t3_readings(
    rows: list[tuple[list[int | str | None], bool]], cost: float = 0.0, doubt: int = 0
) -> tuple[dict[str, list[decode.RowReading]], dict[str, tuple[str, ...]]]:
    """Table 3's rows read one way each (see ``_T3_ROW``); a blank cell printed empty has an
    offset, as a delimited one has."""
    readings: dict[str, list[decode.RowReading]] = {}
    columns: dict[str, tuple[str, ...]] = {}
    for row, (head, sums) in zip(_T3.rows, rows, strict=False):
        total = sum(v for v in head if isinstance(v, int))
        values = [*head, total if sums else (None if total == 2 else total + 1)]
        cells = tuple(
            decode.CellReading(None, "x", unread=True)
            if v == "unread"
            else decode.CellReading(v if isinstance(v, int) else None, str(v), v is None, offset=j)
            for j, v in enumerate(values)
        )
        readings[row.key] = [decode.RowReading(cells, cost, doubt)]
        columns[row.key] = tuple(c.key for c in _T3.row_columns(row))
    return readings, columns


@given(st.lists(_T3_ROW, min_size=1, max_size=len(_T3.rows)))
@settings(max_examples=200)
def test_the_identities_a_blank_total_cannot_mend_are_counted_alike_from_the_decoder_s_verdicts(
    rows: list[tuple[list[int | str | None], bool]],
) -> None:
    """Every row read one way: the decoder's verdicts on the identities stand for weighing them
    again against the chosen readings."""
    readings, columns = _t3_readings(rows)
    choice = decode.decode_table(readings, columns, _T3_IDENTITIES)
    assert choice.verdicts is not None
    plain = dataclasses.replace(choice, verdicts=None)
    assert tables._hard_violations(choice, columns, _T3_IDENTITIES) == tables._hard_violations(
        plain, columns, _T3_IDENTITIES
    )


@given(st.lists(_T3_ROW, min_size=1, max_size=len(_T3.rows)), st.integers(0, 1))
def test_a_reading_s_own_identities_are_weighed_once_as_holds_weighs_them(
    rows: list[tuple[list[int | str | None], bool]], doubt: int
) -> None:
    """The decoder's remembered verdicts on a row's own identities are ``holds`` of each, and
    their count of broken ones ``violations``, asked twice or once."""
    readings, columns = _t3_readings(rows, 0.0, doubt)
    layout = decode._layout(_T3_IDENTITIES, tuple(readings))
    values_of = decode._ValuesOf(columns, layout.local)
    for _ in range(2):
        for r, (rd,) in readings.items():
            values = decode.row_values(r, columns[r], rd)
            assert values_of.own(r, rd) == tuple(decode.holds(i, values) for i in layout.local[r])
            assert values_of.broken(r, rd) == decode.violations(layout.local[r], values)


@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 2), st.sampled_from([0.0, 1.0, 2.0, 3.0]), st.integers(0, 3)),
        min_size=1,
        max_size=12,
    )
)
def test_a_row_no_identity_weighs_is_decided_as_every_combination_of_it_is(
    entries: list[tuple[int, int, float, int]],
) -> None:
    """A row alone with no identity (table 2's): its best readings without a combination made
    of each, as the enumeration finds them, in its order."""
    pruned = [
        (decode.RowReading((decode.CellReading(value, str(value)),), cost), broken, misses)
        for broken, misses, cost, value in entries
    ]
    columns = {"r": ("c",)}
    search = decode._Search(["r"], {"r": pruned}, columns, (), {"r": ()}, {}, decode._ValuesOf(columns, {"r": ()}))
    v, winners, always = decode._enumerate(search)
    fast_v, fast_winners = decode._unweighed_row(search)
    assert (fast_v, always) == (v, set())
    assert [id(w) for w in fast_winners["r"]] == [id(w) for w in winners["r"]]


def _sum_by_loop(refs: list[tuple[str, str]], values: decode.Values) -> float | None:
    total = 0.0
    for ref in refs:
        if ref not in values:
            return None
        total += values[ref] or 0
    return total


_REFS = [(r, c) for r in "ab" for c in "xyz"]


@given(
    st.dictionaries(st.sampled_from(_REFS), st.one_of(st.none(), st.integers(0, 3), st.just(0.5))),
    st.dictionaries(st.sampled_from(_REFS), st.one_of(st.none(), st.integers(0, 3), st.just(0.5))),
)
def test_the_numbers_a_reading_misses_are_counted_from_the_text_s_as_from_the_reading_s(
    values: decode.Values, hints: decode.Values
) -> None:
    plain = sum(1 for ref, v in values.items() if hints.get(ref) is not None and (v or 0) != hints[ref])
    assert decode._hint_misses(values, hints) == plain


_VALUE = st.one_of(
    st.none(),
    st.integers(0, 3),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.1, 0.2, 0.3, 0.5]),
)
"""Small counts (sides that balance), huge ones (past a float's exact integers), amounts."""


@given(
    st.lists(_VALUE, min_size=len(_REFS), max_size=len(_REFS)).flatmap(
        lambda vs: st.sets(st.sampled_from(_REFS), max_size=1).map(
            lambda gone: {ref: v for ref, v in zip(_REFS, vs, strict=True) if ref not in gone}
        )
    ),
    st.lists(st.sampled_from(_REFS), max_size=8),
    st.lists(st.sampled_from(_REFS), max_size=8),
)
@settings(max_examples=300)
@example({("a", "x"): 2**53 + 1, ("a", "y"): 0.5, ("b", "x"): 2**53 + 2}, [("a", "y"), ("a", "x")], [("b", "x")])
@example({("a", "x"): 0.1, ("a", "y"): 0.2, ("b", "x"): 0.3}, [("a", "x"), ("a", "y")], [("b", "x")])
def test_an_identity_holds_as_the_plain_loop_sums_its_sides(
    values: decode.Values, lhs: list[tuple[str, str]], rhs: list[tuple[str, str]]
) -> None:
    a, b = _sum_by_loop(lhs, values), _sum_by_loop(rhs, values)
    plain = None if a is None or b is None else abs(a - b) < 1e-6
    assert decode.holds(Identity("rule", "name", tuple(lhs), tuple(rhs)), values) is plain


_CELL_TEXT = st.sampled_from(["0", "12", "05", "00", "1.5", "0.25", "3,000", "-3", "-0", "１２", "7"])


@given(
    st.lists(
        st.tuples(st.sampled_from(["number", "blank", "unread"]), _CELL_TEXT, st.sampled_from([None, "件"])), max_size=6
    ),
    st.sampled_from([None, True, False]),
    st.lists(st.sampled_from(["count", "amount", "signed"]), min_size=6, max_size=6),
)
@example([("number", "12", None), ("number", "05", None)], True, ["count"] * 6)
@example([("unread", "0", None)], None, ["count"] * 6)
@settings(max_examples=300)
def test_a_row_of_one_unit_a_cell_is_read_as_the_search_reads_it(
    cells_: list[tuple[str, str, str | None]], glued: bool | None, kinds: list[str]
) -> None:
    """A row whose units are its cells one for one (a count as written taken straight): the
    search's readings, in its order, with its costs."""
    units = [
        Unit(kind, text.lstrip("-"), -1 if text.startswith("-") else 1, unit if kind == "number" else None, 2 * i)  # type: ignore[arg-type]
        for i, (kind, text, unit) in enumerate(cells_)
    ]
    row_kinds = kinds[: len(units)]
    fast = row_readings(units, row_kinds, glued=glued)  # type: ignore[arg-type]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(decode, "_cell_for_cell", lambda *a: None)
        searched = row_readings(units, row_kinds, glued=glued)  # type: ignore[arg-type]
    assert fast == searched
    assert [[type(c.value) for c in rd.cells] for rd in fast] == [[type(c.value) for c in rd.cells] for rd in searched]


@given(_T3_ROW, st.sampled_from([0.0, 1.0]), st.integers(0, 1), st.integers(0, 2), st.booleans())
def test_a_row_read_one_way_is_chosen_as_every_case_is_weighed(
    row: tuple[list[int | str | None], bool], cost: float, doubt: int, violated: int, hinted: bool
) -> None:
    readings, columns = _t3_readings([row], cost, doubt)
    (rd,), cols = next(iter(readings.values())), next(iter(columns.values()))
    assert decode._row_choice(1, [rd], [rd], cols, violated, hinted) == decode._weighed_choice(
        1, [rd], [rd], cols, violated, hinted
    )


def _fuzzy_row_window_by_window(folded: str, row: Row, start: int, end: int) -> labels.Match | None:
    """``labels.fuzzy_row`` the long way: each window's first digit looked for in it, and its
    quick ratio asked of difflib at every place."""
    if end - start > labels.MAX_FUZZY_SPAN:
        return None
    best: tuple[float, int, int] | None = None
    for v in labels._folded_labels(row.labels):
        if len(v) < labels.MIN_FUZZY_LABEL:
            continue
        sm = labels._matcher(v)
        for i in range(start, max(start, end - len(v) + 2)):
            window = folded[i : i + len(v)]
            cut = next((j for j, ch in enumerate(window) if ch.isdigit()), len(window))
            prefix = labels.MIN_FUZZY_LABEL - 1 <= cut < len(v) and v.startswith(window[:cut])
            if prefix and cut >= labels.PREFIX_SHARE * len(v):
                r = cut / len(v) + labels.ROW_SIMILARITY
                if best is None or r > best[0]:
                    best = (r, i, i + cut)
                continue
            garbled = None
            if labels.MIN_FUZZY_LABEL <= cut < len(v):
                garbled = labels._garbled_score(sm, window[:cut], len(v))
            if garbled is not None:
                if best is None or garbled > best[0]:
                    best = (garbled, i, i + cut)
                continue
            sm.set_seq1(window)
            if sm.real_quick_ratio() < labels.ROW_SIMILARITY or sm.quick_ratio() < labels.ROW_SIMILARITY:
                continue
            r = sm.ratio()
            if r >= labels.ROW_SIMILARITY and (best is None or r > best[0]):
                best = (r, i, i + len(window))
    if best is None:
        return None
    s = best[1]
    forms = labels.numeral_forms(row.numbering) if row.numbering else ()
    num = next((f for f in forms if folded.startswith(f, s - len(f)) and s - len(f) >= start), None)
    if num:
        s -= len(num)
    return labels.Match(s, best[2], folded[s : best[2]], exact=False)


_T3_ROWS = [r for r in _T3.rows if len(r.label) >= labels.MIN_FUZZY_LABEL]
_ROW_TEXT = st.lists(
    st.one_of(
        st.sampled_from([r.label for r in _T3_ROWS] + ["(三)", "2.", "0", "12", "申请", "公开"]),
        st.text(alphabet=st.sampled_from(list("属于国家秘密其他法律行政不予公开申请人0123(四)、")), max_size=8),
    ),
    max_size=8,
).map("".join)


@given(_ROW_TEXT, st.sampled_from(_T3_ROWS), st.integers(0, 40), st.integers(0, 90))
@example("其他法律行政法规禁止公开", _T3.row("withheld_prohibited_by_law"), 0, 12)
@example("保护第三方合0000000", _T3.row("withheld_third_party"), 0, 19)
@settings(max_examples=500)
def test_a_row_label_is_found_by_its_sliding_count_as_by_difflib_at_every_window(
    folded: str, row: Row, start: int, span: int
) -> None:
    start = min(start, len(folded))
    end = start + span  # past the text's end too: windows there are shorter, or empty
    assert labels.fuzzy_row(folded, row, start, end) == _fuzzy_row_window_by_window(folded, row, start, end)


_NEAR_LABEL = st.sampled_from(_T3_ROWS).flatmap(
    lambda r: st.tuples(
        st.just(r), st.lists(st.sampled_from(list(r.label) + list("0123(、")), max_size=2 * len(r.label)).map("".join)
    )
)
"""A row and text of its own label's characters, some of them: near the share that may match."""


@given(_NEAR_LABEL, st.integers(0, 10), st.integers(0, 60))
@example((_T3.row("withheld_third_party"), "保护第三方合0000000"), 0, 19)
@settings(max_examples=500)
def test_a_label_is_looked_for_window_by_window_only_where_the_text_shares_enough_of_it(
    case: tuple[Row, str], start: int, span: int
) -> None:
    """The text's share of a label's characters bounds every window's: where it falls short
    no window matches, and the label is not looked for."""
    row, folded = case
    start = min(start, len(folded))
    fast = labels.fuzzy_row(folded, row, start, start + span)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(labels, "_may_hold", lambda *a: True)
        slow = labels.fuzzy_row(folded, row, start, start + span)
    assert fast == slow


@given(_ROW_TEXT, st.sampled_from([r.label for r in _T3_ROWS] + ["aab", "政政府"]), st.integers(0, 40))
def test_the_characters_a_sliding_window_shares_are_those_difflib_counts(text: str, label: str, start: int) -> None:
    start = min(start, len(text))
    stop = max(start, len(text) - len(label) + 2)
    sm = SequenceMatcher(None, "", label, autojunk=False)
    expected = []
    for i in range(start, stop):
        sm.set_seq1(text[i : i + len(label)])
        expected.append(round(sm.quick_ratio() * (len(sm.a) + len(label)) / 2))
    assert labels.shared_chars(text, label, start, stop) == expected


@given(st.text(alphabet=st.sampled_from(list(" 0129,.%件元无/abc\u3000增减")), max_size=10), st.integers(0, 50))
@example("12", 3)
@example("", 0)
def test_a_field_without_a_dash_reads_alike_whether_a_number_follows_it_or_not(field: str, offset: int) -> None:
    """A field's reading depends on whether it is its region's last only through a trailing
    dash: ASCII fields without one are remembered under one key."""
    if field.isascii() and "-" not in field:
        assert cells._tokenise(field, offset, False) == cells._tokenise(field, offset, True)


_FIELD = st.one_of(
    st.sampled_from(["", " ", "0", "12", " 7 ", "05", "１２", "1,000", "-3", "3件", "无", "/", "12 3", "\u3000", "²"]),
    st.text(alphabet=st.sampled_from(list(" 0129-/无件a")), max_size=5),
)


@given(st.lists(_FIELD, max_size=9), st.integers(1, 8), st.integers(0, 2))
@example(["12", " 7 ", "05"], 3, 0)
@example(["１２", "²"], 2, 0)
@settings(max_examples=300)
def test_a_grid_row_s_plain_counts_are_read_as_their_tokens_are(texts: list[str], k: int, trailing: int) -> None:
    """A field of ASCII digits taken straight as one number, in a row read by position and in
    the test of a clean row, as tokenising it gives."""
    fields = [(t, 10 * i) for i, t in enumerate(texts)]
    fast = (cells.positional_units(fields, k, trailing), cells.is_clean_row(fields, k))
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cells, "_plain_count", lambda field: None)
        tokenised = (cells.positional_units(fields, k, trailing), cells.is_clean_row(fields, k))
    assert fast == tokenised


_REGION = st.lists(
    st.one_of(_FIELD, st.sampled_from(["\t", "\n", " ", "申请", "总计", "1.属于", "5-", "无无", "——"])), max_size=10
).map("".join)


@given(_REGION, st.integers(0, 50))
@example("\t12\t0\t\t7\t", 3)
@example("12\n34", 0)
@example("其他 5\t6\n7 申请", 0)
@example("12\t申请\t5", 0)  # words after a number: the region ends there
@settings(max_examples=500)
def test_a_region_s_plain_counts_are_read_as_their_tokens_are(text: str, offset: int) -> None:
    """A piece of a row's region that is ASCII digits alone taken straight as one number."""
    fast = cells.region_units(text, offset)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(cells, "_plain_count", lambda field: None)
        tokenised = cells.region_units(text, offset)
    assert fast == tokenised


def test_records_compare_and_hash_by_value_as_frozen_dataclasses_do() -> None:
    """Records are built without frozen's per-field ``object.__setattr__``: still equal, and
    hashed alike, when their fields are, and changed only into new records."""
    a, b = Unit("number", "12", offset=3), Unit("number", "12", offset=3)
    assert a == b and hash(a) == hash(b) and a is not b
    c = dataclasses.replace(a, soft_next=True)
    assert c != a and not a.soft_next and c.soft_next
    readings = {decode.CellReading(1, "1"), decode.CellReading(1, "1")}
    assert len(readings) == 1
    assert labels.Match(0, 2, "ab") == labels.Match(0, 2, "ab", exact=True)


@given(
    st.integers(0, 10**6),
    st.sampled_from([("html", "none"), ("html", "cjk_spaces"), ("html", "word_html"), ("docx", "blank_zeros")]),
)
@settings(max_examples=30, deadline=None)
def test_a_section_s_text_is_the_same_whether_table_lines_inside_grids_are_weighed_or_not(
    seed: int, shape: tuple[str, str]
) -> None:
    """Lines of a grid are left out of the section's text as the grid's: whether they are also
    the table's lines changes nothing, and they are not weighed (the search for the table's
    lines beyond its numbers still weighs those it passes)."""
    doc = make_document(seed, *shape)
    read = read_bytes(doc.name, doc.data)
    fast = parse_document(read).sections
    with pytest.MonkeyPatch.context() as mp:
        every = report_module.table_line_spans
        mp.setattr(
            report_module,
            "table_line_spans",
            lambda text, region, extent, words, _=(): every(text, region, extent, words),
        )
        weighed = parse_document(read).sections
    assert fast == weighed


@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(0, 30)).map(lambda p: (p[0], p[0] + p[1])), max_size=20),
    st.integers(0, 70),
    st.integers(0, 40),
)
@example([(0, 50), (10, 12), (20, 22)], 30, 10)  # a span reaching past others it starts before
def test_the_spans_a_section_meets_are_found_by_bisection_as_by_testing_each(
    spans: list[tuple[int, int]], a: int, length: int
) -> None:
    b = a + length
    plain = [(x, y) for x, y in sorted(spans) if x < b and y > a]
    assert report_module.Cuts(spans).across(a, b) == plain


_PlainSource = dataclasses.make_dataclass(
    "_PlainSource", [(f.name, f.type, f.default) for f in dataclasses.fields(Source)], frozen=True
)
"""``Source`` as a frozen dataclass, from its own fields: what the record stands in for."""
_NUMBER_FIELDS = tuple(f.name for f in dataclasses.fields(Source) if f.name != "bbox")


_FIELD = st.none() | st.integers(-3, 500)


def _fields_of(source: object) -> list[tuple[str, object]]:
    return [(f.name, getattr(source, f.name)) for f in dataclasses.fields(source)]  # type: ignore[arg-type]


@given(st.lists(_FIELD, max_size=len(_NUMBER_FIELDS)), st.dictionaries(st.sampled_from(_NUMBER_FIELDS), _FIELD))
def test_a_source_is_built_compared_and_written_as_the_frozen_dataclass(
    args: list[int | None], kwargs: dict[str, int]
) -> None:
    """``Source`` is a record (slots, no frozen ``__setattr__`` per field: readers build one
    for every line and cell): the same fields, repr, equality, hash and JSON as the frozen
    dataclass, and no dict of its own."""
    kwargs = {k: v for k, v in kwargs.items() if k not in _NUMBER_FIELDS[: len(args)]}
    fast, plain = Source(*args, **kwargs), _PlainSource(*args, **kwargs)  # type: ignore[arg-type]
    assert _fields_of(fast) == _fields_of(plain)
    assert repr(fast) == repr(plain).replace("_PlainSource", "Source")
    again = Source(*args, **kwargs)  # type: ignore[arg-type]
    assert fast == again and hash(fast) == hash(again) and fast is not again
    assert fast.to_json() == {k: v for k, v in _fields_of(plain) if v is not None}
    assert _fields_of(dataclasses.replace(fast, col=7)) == _fields_of(dataclasses.replace(plain, col=7))
    assert not hasattr(fast, "__dict__")


_TEXT_LINES = st.lists(
    st.sampled_from(
        [
            *("一、总体情况", "", "0", "无", "规章", "|", "||", "|||", "0 |", "信息内容 |", " | "),
            *("**粗**文", "## 二、标题"),
            *("| a | b |", "|---|---|", "| 0 | 0 |", "一、本年新收 | 0 | | 0 |", "a|b", "```|||"),
        ]
    ),
    max_size=60,
)


@given(_TEXT_LINES, st.booleans())
@example(["说明", *["规章", "|", "0", "|"] * 7, "完"], False)  # a cell a line, each closed by a ``|`` line
@example(["说明", *["收到 |", "|", "|", "0 |", "||"] * 3, "完"], False)  # a cell a line, rows padded
@example(["## 一、总体", "| a | b |", "|---|---|", "| 0 | 0 |", "**完**"], True)
def test_lines_are_read_into_blocks_as_when_each_is_tested_for_a_table(lines: list[str], markdown: bool) -> None:
    """Lines before the line above a piped one are taken as text in one go: as the tests of
    every line for the forms of a table take them."""
    fast = text_reader.lines_to_blocks(lines, markdown)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(text_reader, "_plain_end", lambda with_pipes, i, n: i)
        plain = text_reader.lines_to_blocks(lines, markdown)
    assert fast == plain
    assert all("|" in line for line in lines if text_reader._MD_ROW.match(line))


_CHROME_TEXT = st.sampled_from(["本年新收", "主动公开政府信息情况", "政府信息公开", "12", "尾", "<br>", "<!-- c -->"])
_CHROME_ATTRS = st.sampled_from(["", ' class="nav"', ' id="footer_1"', ' class=""', ' class="menu x"', ' id="share"'])
_CHROME_PAGE = st.recursive(
    _CHROME_TEXT,
    lambda kids: st.builds(
        lambda tag, attrs, inner, tail: f"<{tag}{attrs}>{''.join(inner)}</{tag}>{tail}",
        st.sampled_from(["div", "p", "span", "nav", "header", "footer", "table", "td"]),
        _CHROME_ATTRS,
        st.lists(kids, max_size=4),
        _CHROME_TEXT | st.just(""),
    ),
    max_leaves=24,
)
"""Pages of nested elements, some of them named like a page's chrome (``nav``, ``footer_1``)."""


def _read_page(page: str) -> object:
    try:
        return html_reader.read_html("p.html", f"<html><body>{page}</body></html>".encode())
    except ReadError as e:
        return e.reason


@given(st.lists(_CHROME_PAGE, max_size=4).map("".join))
@example('<div class="nav">导航<div class="body">本年新收 12</div>尾</div><footer>页脚</footer>正文')
@example("正文<footer>页脚</footer>正文<header>页头</header>")
def test_the_page_s_chrome_is_looked_for_among_the_elements_that_may_be_it_as_among_all(page: str) -> None:
    """Only elements with a class or an id, and nav, header and footer, are looked at for the
    page's chrome (in document order): what a look at every element removes."""
    fast = _read_page(page)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(html_reader, "_chrome_candidates", lambda tree: list(tree.iter(etree.Element)))
        every = _read_page(page)
    assert fast == every


@given(st.text(alphabet=st.sampled_from(list(" \t\xa0\u3000\u2003\n\r0本年")), max_size=12))
def test_a_cell_s_spaces_are_squeezed_as_the_pattern_squeezes_them(text: str) -> None:
    assert html_reader._spaced(text) == html_reader._CELL_SPACE.sub(" ", text)


_SPACES_AND_WORDS = st.sampled_from(list(" \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000\u200b\ufeffab本年0"))


@given(st.text(alphabet=_SPACES_AND_WORDS, max_size=30))
@example("ab  a\u3000ab\nb")  # a word that recurs: each found at its own place
def test_the_offsets_squeeze_keeps_are_those_between_the_pattern_s_runs_of_spaces(text: str) -> None:
    plain: list[int] = []
    start = 0
    for m in re.finditer(r"[\s\u200b\ufeff]+", text):
        plain.extend(range(start, m.start()))
        start = m.end()
    plain.extend(range(start, len(text)))
    assert text_module._kept_offsets(text) == plain


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_TC_PROP = st.sampled_from(
    [
        *('<w:gridSpan w:val="2"/>', '<w:gridSpan w:val="x"/>', "<w:gridSpan/>", '<w:gridSpan w:val="99"/>'),
        *('<w:vMerge w:val="restart"/>', "<w:vMerge/>", '<w:tcW w:w="9"/>', "<w:shd/>", "<!-- c -->"),
    ]
)


@given(st.lists(st.lists(_TC_PROP, max_size=6).map("".join), max_size=2))
def test_a_docx_cell_s_merges_are_read_from_its_two_properties_as_from_all(props: list[str]) -> None:
    """gridSpan and vMerge picked by tag in C, in order: what a look at every property reads."""
    pr = "".join(f"<w:tcPr>{p}</w:tcPr>" for p in props)
    tc = etree.fromstring(f'<w:tc xmlns:w="{_W}">{pr}<w:p/></w:tc>')
    span, vmerge = 1, None  # read the plain way: every property looked at
    for tcpr in tc.iterchildren(f"{{{_W}}}tcPr"):
        for prop in tcpr:
            if prop.tag == f"{{{_W}}}gridSpan":
                try:
                    span = min(max(1, int(prop.get(f"{{{_W}}}val", "1"))), docx_reader.MAX_SPAN)
                except ValueError:
                    span = 1
            elif prop.tag == f"{{{_W}}}vMerge":
                vmerge = prop.get(f"{{{_W}}}val", "continue")
    # the cell between a merge's first cell and one that continues a merge
    first, last = '<w:tcPr><w:vMerge w:val="restart"/></w:tcPr>', "<w:tcPr><w:vMerge/></w:tcPr>"
    rows = "".join(f"<w:tr><w:tc>{p}<w:p/></w:tc></w:tr>" for p in (first, pr, last))
    grid = docx_reader._grid(etree.fromstring(f'<w:tbl xmlns:w="{_W}">{rows}</w:tbl>'), 0).rows
    if vmerge == "continue":  # under the first: all three one cell
        assert grid[0][0].rowspan == 3 and grid[1] == [None] * span  # type: ignore[union-attr]
        return
    assert grid[0][0].rowspan == 1 and grid[1][0].colspan == span and len(grid[1]) == span  # type: ignore[union-attr]
    assert grid[1][0].rowspan == (2 if vmerge == "restart" else 1)  # type: ignore[union-attr]


def test_the_bmp_s_fold_list_is_the_fold_dict_for_every_character() -> None:
    """The list ``str.translate`` indexes once folding has paid for it gives each character
    of the BMP what the dict's look-up gives it (whitespace dropped, the rest folded)."""
    table = text_module._bmp_fold_table()
    assert len(table) == text_module._BMP
    assert table == [text_module._FOLD[code] for code in range(text_module._BMP)]


_FOLDABLE = st.text(
    alphabet=st.sampled_from(list("發佈時間报告公开 \t\n\u3000\u00a0（）：，１２３ABCａ-—\u200b\ufeff😀\U00020000")),
    min_size=0,
    max_size=60,
)


@given(_FOLDABLE | st.text(max_size=60))
def test_long_text_is_folded_by_the_list_as_by_the_dict(text: str) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(text_module, "LIST_AFTER_CHARS", 0)
        by_list = text_module._fold_all(text)
    assert by_list == text.translate(text_module._FOLD)


def test_a_one_file_command_folds_without_building_the_list() -> None:
    """The list is built only once the dict has folded about as much text as it would save
    (a batch's): reading one report leaves it unbuilt."""
    doc = make_document(7, "flat", "none")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(text_module, "_folded_by_dict", [0])
        text_module._bmp_fold_table.cache_clear()
        parse_document(read_bytes(doc.name, doc.data))
        assert 0 < text_module._folded_by_dict[0] < text_module.LIST_AFTER_CHARS
        assert text_module._bmp_fold_table.cache_info().currsize == 0
        mp.setattr(text_module, "_folded_by_dict", [text_module.LIST_AFTER_CHARS])
        report = doc.data.decode("utf-8")
        assert squeeze(report)[0] == report.translate(text_module._FOLD)
        assert text_module._bmp_fold_table.cache_info().currsize == 1


@given(st.sampled_from(["", " ", "\t", "  ", "\u3000", "\xa0", " \u3000 ", "\r"]), st.integers(0, 99))
def test_an_empty_field_is_one_empty_unit_as_region_units_takes_it_without_tokenising(piece: str, offset: int) -> None:
    """``region_units`` passes over a field of spaces without tokenising it: an empty cell
    where a tab bounds it, nothing in a line. That is what its tokens are, whatever else."""
    for last in (True, False):
        for cell in (True, False):
            units, saw_text = cells._field_units(piece, offset, last=last, cell=cell)
            assert units == (Unit("empty", "", offset=offset),) and not saw_text


_PREAMBLE_BITS = st.lists(
    st.sampled_from(
        [
            *("清河市", "人民政府", "办公室", "统计局", "北部湾", "经济区"),
            *("(以下简称", "(以下简称“", "”)", ")", "自治区北部湾办", "《条例》", "市政府"),
            *("2024", "12019", "年", "年度", "以来", "，", ",", " ", "我", "本", "局"),
            *("政府信息公开工作年度报告", "发布机构", "发文机关", "发布单位", "单位", ":", "：", "|"),
            *("1月1日", "起", "至", "到", "-", "12月31日", "止", "自"),
        ]
    ),
    max_size=30,
).map("".join)


def _found(pattern: re.Pattern[str], text: str) -> list[tuple[int, tuple[str | None, ...]]]:
    return [(m.end(), m.groups()) for m in pattern.finditer(text)]


@given(_PREAMBLE_BITS)
@example("由广西壮族自治区北部湾经济区规划建设管理办公室(以下简称自治区北部湾办)编制")
@example("根据(以下简称《条例》)和清河市统计局(以下简称“市统计局”)")
@example("本报告由" + "清河市人民政府办公室" * 5 + "(以下简称清河办)编制")
def test_meta_s_patterns_that_open_with_a_character_find_what_the_plain_ones_do(text: str) -> None:
    """The preamble's patterns rewritten to open with a character (their years and the words
    before them looked behind at) match where, and read what, the plain patterns do."""
    name, words = meta._NAME, meta._REPORT_WORDS
    plain_year_first = re.compile(rf"(\d{{4}})年度?({name}{{2,40}}?){words}")
    assert [(m.start(), *_found(plain_year_first, text)[i]) for i, m in enumerate(plain_year_first.finditer(text))] == [
        (m.start(1), m.end(), m.groups()) for m in meta._TITLE_YEAR_FIRST.finditer(text)
    ]
    plain_agency = re.compile(r"\d{4}年(?:以来|度)?[,，]\s*((?:我|本)?)([\u4e00-\u9fff]{2,20})")
    assert _found(plain_agency, text) == _found(meta._AGENCY_IN_TEXT, text)
    plain_publisher = re.compile(
        r"(?:(?:发布机构|发文机关|发布单位)\s*[:：]?|(?<![\u4e00-\u9fff])单位\s*[:：])\s*\|?\s*([\u4e00-\u9fff()（）]{2,40})"
    )
    assert [(m.start(), m.end(), m.groups()) for m in plain_publisher.finditer(text)] == [
        (m.start(), m.end(), m.groups()) for m in meta._PUBLISHER.finditer(text)
    ]
    plain_period = re.compile(
        r"(\d{4})年(\d{1,2})月(\d{1,2})日(?:起|开始|始)?(?:[,，])?(?:至|到|-|—|~)(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日"
    )
    assert _found(plain_period, text) == _found(meta._PERIOD, text)
    plain_aliases = meta._after_name(meta._ALIAS, meta._ALIAS_TAIL, text, meta.ALIAS_NAME_CHARS)
    assert [(m.span(), m.groups()) for m in plain_aliases] == [(m.span(), m.groups()) for m in meta._aliases_in(text)]


_SENTENCE_BITS = st.lists(
    st.sampled_from(
        [
            *("共", "累计", "全年", "本年", "本年度", "新", "新收", "收到", "收到的", "受理", "接收"),
            *("政府信息公开", "依申请公开", "申请", "办理件", "予以公开", "同意公开", "部分", "不"),
            *("和", "及", "未", "没有", "无", "行政复议", "行政诉讼", "12", "3", "件", "个", "，", "的"),
        ]
    ),
    max_size=16,
).map("".join)


@given(_SENTENCE_BITS)
@example("全年共收到政府信息公开申请12件")
@example("部分予以公开3件，不予以公开1件，予以公开12件，不同意公开2件")
def test_facts_patterns_that_open_with_a_character_find_what_the_plain_ones_do(sentence: str) -> None:
    """The count patterns rewritten to open with a character match where, and read what, the
    plain ones do; and the denials hold the word tested for before they are searched."""
    gap, n = facts._GAP, facts._N
    by_key = {fp.key: fp.pattern for fp in facts.PATTERNS}
    plain = {
        "applications.received.total": re.compile(
            rf"(?:共|累计|全年|本年度?|新)?(?:收到|受理|接收|新收|收到的){gap}(?:政府信息公开|信息公开|依申请公开)?{gap}"
            rf"(?:申请|办理件|申请件){gap}{n}(?:件|个|份|条)"
        ),
        "applications.disclosed.total": re.compile(rf"(?<!部分)(?<!不)(?:予以|同意)公开{gap}{n}(?:件|个|份|条)"),
    }
    for key, pattern in plain.items():
        assert [(m.span(), m.groups()) for m in pattern.finditer(sentence)] == [
            (m.span(), m.groups()) for m in by_key[key].finditer(sentence)
        ]
    if facts._NONE_RECEIVED.search(sentence):
        assert "申请" in sentence
    if facts._NONE_APPEALS.search(sentence):
        assert "行政复议" in sentence


@st.composite
def _word_tables(draw: st.DrawFn) -> object:
    """A Word table (python-docx) with text, tabs and line breaks in its cells, and cells
    merged across and down."""
    import docx as python_docx
    from docx.exceptions import InvalidSpanError

    rows, cols = draw(st.integers(1, 5)), draw(st.integers(1, 5))
    table = python_docx.Document().add_table(rows=rows, cols=cols)
    for r in range(rows):
        for c in range(cols):
            table.cell(r, c).text = draw(st.sampled_from(["", "12", "无", "3\t4", "甲\n乙", " 5 "]))
    for _ in range(draw(st.integers(0, 3))):
        r0, c0 = draw(st.integers(0, rows - 1)), draw(st.integers(0, cols - 1))
        r1, c1 = draw(st.integers(r0, rows - 1)), draw(st.integers(c0, cols - 1))
        with contextlib.suppress(InvalidSpanError):  # a merge across an earlier one's edge
            table.cell(r0, c0).merge(table.cell(r1, c1))
    return table._tbl


@given(_word_tables())
@settings(max_examples=60, deadline=None)
def test_a_word_table_read_in_one_pass_is_the_table_read_cell_by_cell(tbl: object) -> None:
    """The one-pass reading of a table as Word lays it out gives the grid the general reading
    gives (spans, vertical merges, text of every paragraph, tabs and breaks)."""
    assert docx_reader._plain_grid(tbl, 3) == docx_reader._any_grid(tbl, 3)
