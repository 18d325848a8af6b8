"""Section headings in other words: declared wordings, held-out ones, other numbering."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.checks import run_checks
from gongkai.model.template import SECTIONS
from gongkai.model.text import fold
from gongkai.parse import parse_document
from gongkai.readers import read_bytes
from gongkai.render.text import FILE_SUFFIX, TEXT_RENDERERS
from gongkai.testing.damage import HELD_OUT_HEADINGS, heading_rewording, headings_reworded
from gongkai.testing.generate import generate
from gongkai.testing.strategies import SEEDS

FORMATS = ("tsv", "cells", "markdown", "flat", "pdftext")


def _rules(text: str, fmt: str) -> tuple[dict[str, str], set[str]]:
    report = parse_document(read_bytes(f"doc{FILE_SUFFIX[fmt]}", text.encode()))
    missing = {f.where.removeprefix("sections.") for f in run_checks(report) if f.rule == "section_missing"}
    return report.section_titles, missing


def test_held_out_wordings_are_not_declared() -> None:
    """The held-out wordings test what the parser was not told: none is a declared wording."""
    for s in SECTIONS:
        declared = {fold(t) for t in s.titles}
        assert not declared & {fold(h) for h in HELD_OUT_HEADINGS[s.key]}, s.key
        # and each still holds a keyword of its section (what a heading keeps)
        assert all(any(k in h for k in s.keywords) for h in HELD_OUT_HEADINGS[s.key]), s.key


@settings(max_examples=40)
@given(SEEDS, st.sampled_from(FORMATS))
def test_reworded_headings_are_their_sections(seed: int, fmt: str) -> None:
    gen = generate(seed, defects=())
    text = headings_reworded(TEXT_RENDERERS[fmt](gen.report), seed)
    titles, missing = _rules(text, fmt)
    assert not missing, (missing, heading_rewording(seed))
    assert set(titles) == {s.key for s in SECTIONS}


@pytest.mark.parametrize("section", SECTIONS, ids=lambda s: s.key)
@pytest.mark.parametrize("fmt", ["markdown", "flat"])
def test_every_declared_and_held_out_wording(section, fmt: str) -> None:
    gen = generate(5, "v2021", defects=())
    base = TEXT_RENDERERS[fmt](gen.report)
    for words in (*section.variants, *HELD_OUT_HEADINGS[section.key]):
        text = base.replace(section.canonical, f"{section.number}、{words}", 1)
        titles, missing = _rules(text, fmt)
        assert not missing, words
        assert fold(titles[section.key]).startswith(fold(f"{section.number}、{words}")[:6]), (words, titles)


def test_unnumbered_and_renumbered_declared_wordings() -> None:
    gen = generate(5, "v2021", defects=())
    base = TEXT_RENDERERS["markdown"](gen.report)
    six = SECTIONS[-1]
    for heading in (
        "七、其他需要报告的事项",
        "6、其他需要报告的事项",
        "其他需要报告的事项",
        "收到和处理政府信息公开申请情况",
    ):
        target = six if "其他" in heading else SECTIONS[2]
        _, missing = _rules(base.replace(target.canonical, heading, 1), "markdown")
        assert not missing, heading


def test_a_keyword_in_a_table_row_is_no_heading() -> None:
    """With the headings of 四 and 五 (or 六) gone, the search for 五 (六) runs over table 3,
    whose rows are numbered like sections (``5.属于三类内部事务信息``, ``（六）其他处理``) and
    hold keywords (``其他``) but carry numbers: none is taken for a heading. (五's text, its
    heading gone, is still found by its first sub-heading ``（一）存在的主要问题``, with no heading.)"""
    for template in ("v2019", "v2021"):
        gen = generate(5, template, defects=())
        for fmt in ("tsv", "cells", "pdftext"):
            base = TEXT_RENDERERS[fmt](gen.report).replace(SECTIONS[3].canonical + "\n", "", 1)
            for s in (SECTIONS[4], SECTIONS[5]):
                titles, missing = _rules(base.replace(s.canonical + "\n", "", 1), fmt)
                assert not titles.get(s.key), (template, fmt, titles.get(s.key))
                assert (s.key in missing) == (not s.opened_by_subheading), (template, fmt)


@pytest.mark.parametrize(
    ("text", "key", "heading"),
    [
        ("存在的不足及改进方向\n一是", "problems", "存在的不足及改进方向"),
        ("存在的不足及改进方向一是部分信息更新不够及时,二是", "problems", "存在的不足及改进方向"),
        ("其他需要说明的事项本年度无", "other_matters", "其他需要说明的事项"),
        ("其他处理情况000000", "other_matters", None),  # a table row: numbers follow its words
        ("其他处理\n0\n0", "other_matters", "其他处理"),  # alone on its line: as a heading would be
        ("推进政务公开工作,全年", "problems", None),  # no keyword of 五
    ],
)
def test_keyword_heading(text: str, key: str, heading: str | None) -> None:
    from gongkai.parse.sections import keyword_heading

    spec = next(s for s in SECTIONS if s.key == key)
    line = text.find("\n")
    # no line break: flat text, whose line runs on far beyond the heading
    end = keyword_heading(text.replace("\n", "") + "。" * 100, 0, spec, line if line >= 0 else len(text) + 100)
    assert (text[:end] if end is not None else None) == heading


@pytest.mark.parametrize(
    "heading",
    ["四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", "四、因政府信息公开工作被申请行政复议提起行政诉讼情况"],
)
def test_real_wordings_of_section_four_are_declared_variants(heading: str) -> None:
    """Wordings real reports print (平潭 2020, a 2022 town report): the section, no warning."""
    report = parse_document(read_bytes("doc.txt", f"一、总体情况\n工作有序开展。\n{heading}\n无。\n".encode()))
    assert "appeals" in report.section_titles
    assert not [f for f in run_checks(report) if f.rule == "section_title" and f.where == "sections.appeals"]


def test_a_section_whose_heading_was_lost_is_found_by_its_first_subheading() -> None:
    """A converter dropped 五's heading line (two real Shanghai reports): its text, opened by
    ``（一）…存在的主要问题``, is still 五 — a section_title warning saying it has no heading,
    never section_missing. A section that has no such sub-heading stays missing."""
    from gongkai.checks import run_checks
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes

    gen = generate(5, "v2021", defects=())
    text = TEXT_RENDERERS["tsv"](gen.report).replace(SECTIONS[4].canonical + "\n", "", 1)
    report = parse_document(read_bytes("doc.txt", text.encode()))
    assert (report.sections.get("problems") or "").startswith("（一）存在的主要问题")
    found = {f.rule: f for f in run_checks(report) if f.where == "sections.problems"}
    assert "section_missing" not in found and found["section_title"].severity == "warning"
    assert "没有标题" in found["section_title"].message
    gone = text.replace("（一）存在的主要问题", "一是", 1)
    report = parse_document(read_bytes("doc.txt", gone.encode()))
    assert "problems" not in report.section_titles


def test_a_section_s_title_under_another_number_inside_the_section_before_is_a_part_of_it() -> None:
    """``1.主动公开情况`` under 一、总体情况 (a real page), with ``二、主动公开政府信息情况`` below:
    section 二 starts at its own heading, and no section_title is said."""
    from gongkai.checks import run_checks
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes
    from gongkai.testing.corpus import render_text
    from gongkai.testing.generate import generate

    for seed in range(6):
        gen = generate(seed, defects=())
        text = render_text(gen, "markdown")
        end = text.index("\n", text.index("一、总体情况"))
        text = text[: end + 1] + "\n1.主动公开情况\n\n本年度主动公开信息100条。\n" + text[end + 1 :]
        report = parse_document(read_bytes("report.md", text.encode()))
        assert report.section_titles.get("active_disclosure") == "二、主动公开政府信息情况", seed
        assert not [f for f in run_checks(report, ["section_title"]) if f.where == "sections.active_disclosure"]
        assert "1.主动公开情况" in (report.sections.get("overview") or "")


@pytest.mark.parametrize("fmt", ["markdown", "flat"])
def test_a_heading_that_opens_with_the_year_is_that_section(fmt: str) -> None:
    """``一、2019年政府信息公开工作的总体情况`` (a 甘肃 page): section 一 reworded, a
    section_title warning at most, never section_missing (an error)."""
    from gongkai.checks import run_checks
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes
    from gongkai.testing.corpus import render_text
    from gongkai.testing.generate import generate

    for seed in range(4):
        gen = generate(seed, defects=())
        text = render_text(gen, fmt).replace("一、总体情况", f"一、{gen.report.year}年政府信息公开工作的总体情况", 1)
        report = parse_document(read_bytes("report.md" if fmt == "markdown" else "report.txt", text.encode()))
        rules = {f.rule for f in run_checks(report, ["section_missing", "section_title"])}
        assert rules == {"section_title"}, seed
