"""A section read from text keeps its prose and leaves its table's lines to the table."""

from __future__ import annotations

import pytest

from conftest import shared_file
from gongkai.model.template import TEMPLATES
from gongkai.model.text import squeeze
from gongkai.parse import parse_document
from gongkai.parse.table_text import TableWords, table_line_spans
from gongkai.pipeline import parse_path
from gongkai.readers import read_bytes
from gongkai.render.text import render_markdown
from gongkai.testing.corpus import make_document
from gongkai.testing.roundtrip import section_text

T3 = TableWords(TEMPLATES["v2021"].table("applications").printed_words)
T2 = TableWords(TEMPLATES["v2021"].table("active_disclosure").printed_words)


def _kept(text: str, words: TableWords, first: str, last: str) -> str:
    extent = (text.index(first), text.index(last))
    cut = table_line_spans(text, (0, len(text)), extent, words)
    out, pos = [], 0
    for a, b in cut:
        out.append(text[pos:a])
        pos = b
    out.append(text[pos:])
    return squeeze("".join(out))[0]


def test_a_sentence_run_together_with_its_table_is_kept_and_the_table_left_out() -> None:
    text = (
        "全年共制发行政规范性文件9件，均已按规定公开。"
        "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件91144\n"
    )
    assert _kept(text, T2, "000", "91144") == squeeze("全年共制发行政规范性文件9件，均已按规定公开。")[0]


def test_headings_wrapped_in_columns_and_a_misprinted_label_are_the_tables() -> None:
    text = (
        "本年度共收到申请10件。\n"
        "（本列数据的钩稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况\n"
        "科研机 社会公 法律服\n构\n益组织 务机构\n"
        "一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n"
        "（七）总计\n四、结转下年度继续办理\n"
    )
    assert _kept(text, T3, "\t1", "\t1\n") == squeeze("本年度共收到申请10件。")[0]


@pytest.mark.parametrize("after", ["无。", "本机关将进一步规范依申请公开工作。"])
def test_a_short_line_or_a_sentence_after_the_table_is_the_sections(after: str) -> None:
    text = f"一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1\n\n{after}\n"
    assert _kept(text, T3, " 1", "0 1\n") == squeeze(after)[0]


@pytest.mark.parametrize("fmt", ["tsv", "flat", "onecell", "layout", "pdftext", "cells"])
@pytest.mark.parametrize("seed", [3, 17])
def test_generated_reports_read_from_text_give_back_each_tables_section_prose(fmt: str, seed: int) -> None:
    doc = make_document(seed, fmt, "none")
    got = parse_document(read_bytes(doc.name, doc.data))
    for key in ("active_disclosure", "applications", "appeals"):
        want = section_text(doc.truth.report, key)
        assert want is not None
        assert squeeze(section_text(got, key) or "")[0] == squeeze(want)[0], (fmt, key)


def test_a_web_page_text_rendered_again_prints_each_table_once() -> None:
    path = shared_file("corpus", "pingtan-2022.txt")
    md = render_markdown(parse_path(str(path)))
    prose = [ln for ln in md.split("\n") if ln and not ln.startswith("|")]
    assert not [ln for ln in prose if "本年新收政府信息公开申请数量" in ln or "本年制发件数" in ln]
    assert sum(1 for ln in md.split("\n") if ln.startswith("| 一、本年新收政府信息公开申请数量")) == 1
