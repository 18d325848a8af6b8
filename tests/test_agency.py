"""Agency names: what is a name, short forms, cross-checking title, preamble and signature."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.model.agency import (
    SENTENCE_WORDS,
    canonical_agency,
    is_agency_name,
    is_partial_name,
    related_bodies,
    same_body,
    trim_lead_in,
)
from gongkai.model.text import fold
from gongkai.parse.meta import decide_agency, find_signature, find_title, preamble_agencies
from gongkai.testing.generate import TITLE_SHAPES, generate
from gongkai.testing.names import LEVELS, make_agency, partial_name, short_names, vary_department
from gongkai.testing.strategies import SEEDS


@pytest.mark.parametrize(
    "name",
    [
        "沂源县行政审批服务局",
        "平潭综合实验区",
        "淮安市洪泽区人民政府",
        "沂源县",
        "清河区府办",
        "北京市科委",
        "本溪市人民政府",
        "和平区人民政府",
        "市中区统计局",
        "中国(上海)自由贸易试验区管理委员会",
        "生态环境部",
        "安平街道办事处",
        "全州县人民政府",  # 全州 and 全椒 are places, not 全 + a unit
        "全椒县财政局",
    ],
)
def test_names_are_names(name: str) -> None:
    assert is_agency_name(name), name


@pytest.mark.parametrize(
    "fragment",
    [
        "单位坚持以人民为中心",  # ``2019年，我单位坚持…`` read as ``我`` + a name
        "局坚持以习近平新时代中国特色社会",
        "在省政府办公厅",
        "现公布县行政审批服务局",
        "根据条例规定现公布",
        "本机关",
        "本局",
        "沂源县行政审批服务局2020年",
        "清河市统计局,安平县民政局",
        "清河市统计局深入贯彻落实条例",
        "政务公开工作取得新进展",
        "清河市统计局关于印发政府信息公开工作年度报告的通知的附件所列的全部单位",
        "全镇政府",  # ``2022年，全镇政府信息公开566条``: the whole town, not a name
        "全县人民政府",
    ],
)
def test_fragments_are_not_names(fragment: str) -> None:
    assert not is_agency_name(fragment), fragment


def _agency(seed: int):
    rng = random.Random(seed)
    return vary_department(rng, make_agency(rng, rng.choice(LEVELS)))


@given(SEEDS)
def test_every_generated_name_and_its_short_forms_are_names(seed: int) -> None:
    agency = _agency(seed)
    assert is_agency_name(agency.name)
    assert not is_partial_name(agency.name)
    for short in short_names(agency.name):
        assert is_agency_name(short)
        assert canonical_agency(short) == canonical_agency(agency.name), short
        assert same_body(short, agency.name)


@given(SEEDS, st.sampled_from(SENTENCE_WORDS), st.booleans())
def test_a_name_with_words_of_a_sentence_is_a_fragment(seed: int, word: str, before: bool) -> None:
    name = _agency(seed).name
    assert not is_agency_name(word + name if before else name + word)


@given(SEEDS)
def test_a_partial_name_is_the_same_body_and_said_partial(seed: int) -> None:
    agency = _agency(seed)
    partial = partial_name(agency.name)
    if partial is None:
        return
    assert is_agency_name(partial) and is_partial_name(partial)
    assert same_body(partial, agency.name)


def test_a_street_office_named_short_is_the_same_body() -> None:
    assert canonical_agency("东风路街办") == canonical_agency("东风路街道办") == "东风路街道办事处"
    # named under its district's government (a 昆明 page's title and signature)
    assert same_body("官渡区人民政府太和街道办事处", "太和街道办事处")
    assert same_body("官渡区人民政府太和街道办事处", "昆明市官渡区太和街道办事处")
    assert not same_body("官渡区人民政府", "太和街道办事处")
    assert not same_body("官渡区人民政府办公室太和街道办事处", "太和街道办事处")


def test_short_forms_expand_to_the_full_name() -> None:
    assert canonical_agency("清河区府办") == "清河区人民政府办公室"
    assert canonical_agency("清河县政府办") == "清河县人民政府办公室"
    assert canonical_agency("清河市科委") == "清河市科学技术委员会"
    assert canonical_agency("清河市发改委") == "清河市发展和改革委员会"
    assert canonical_agency("云南省卫生健康委") == "云南省卫生健康委员会"  # real pages' short forms
    assert canonical_agency("清河市国资委") == "清河市国有资产监督管理委员会"
    assert canonical_agency("清 河 市 人 民 政 府") == "清河市人民政府"
    assert canonical_agency("蘭谿市人民政府") == canonical_agency("兰溪市人民政府")
    assert canonical_agency("清河市人民政府") != canonical_agency("清河市人民政府办公室")


def test_bodies_and_their_offices_are_related_but_not_the_same() -> None:
    assert same_body("洪泽区人民政府", "淮安市洪泽区人民政府")
    assert not same_body("洪泽区人民政府", "淮安市洪泽区人民政府办公室")
    assert related_bodies("洪泽区人民政府", "淮安市洪泽区人民政府办公室")
    assert not related_bodies("清河市统计局", "安平县民政局")
    assert not same_body("泽区人民政府", "淮安市洪泽区人民政府")


@pytest.mark.parametrize(
    ("text", "agency", "year"),
    [
        ("2019年清河市人民政府办公厅政府信息公开工作年度报告根据…", "清河市人民政府办公厅", 2019),
        ("清河市统计局2023年度政府信息公开工作年度报告", "清河市统计局", 2023),
        ("2024 年清河市科委政府信息公开工作\n年度报告", "清河市科委", 2024),
        ("2023年度政府信息公开工作年度报告本报告由清河市统计局编制", None, 2023),
        ("当前位置:首页政务公开政府信息公开年报平潭综合实验区2021年度政府信息公开工作年度报告", "平潭综合实验区", 2021),
        ("清河市统计局2023年政府信息公开工作报告", "清河市统计局", 2023),
        ("清河市统计局关于2023年政府信息公开工作年度报告", "清河市统计局", 2023),
        ("清河市统计局政府信息公开工作年度报告（2023年度）", "清河市统计局", 2023),
        ("标题: 平潭综合实验区2019年度政府信息公开工作年度报告", "平潭综合实验区", 2019),
    ],
)
def test_title_in_either_order(text: str, agency: str | None, year: int) -> None:
    hit = find_title(fold(text))
    assert hit is not None
    assert hit.agency == agency and hit.year == year
    assert "报告" in hit.title and (agency is None or hit.title.startswith(agency) or hit.title.startswith(str(year)))


@pytest.mark.parametrize(
    "text",
    [
        "根据条例规定，现公布县行政审批服务局2020年政府信息公开工作年度报告",
        "根据《条例》要求,现向社会公布沭阳县发展和改革局2023年度政府信息公开年度报告。",
        "根据《条例》规定,现公布2023年政府信息公开工作年度报告。",
        "根据《条例》的规定,现公开清河区统计局2019年政府信息公开工作年度报告。",
        "为认真贯彻落实上级关于切实做好2024年政府信息公开年度报告编制发布工作要求,东亭街道及时发布报告。",
    ],
)
def test_a_sentence_naming_the_report_is_not_its_title(text: str) -> None:
    assert find_title(fold(text)) is None


@pytest.mark.parametrize(
    ("lines", "agency", "year"),
    [
        (["昌图县七家子镇2023年政府信息公开 工作告年度报", "来源:昌图县人民政府办公室"], "昌图县七家子镇", 2023),
        (["2019年清河市统计局政府信息公开工作年度", "一、总体情况"], "清河市统计局", 2019),
        (["2024年政府信息公开工作告年度报", "清河市人民政府根据《条例》要求，编制了本报告。"], None, 2024),
        # a page's metadata line before its text runs the title into the preamble
        (["发布时间: 2020-03-08", "标题: 2019年清河市统计局政府信息公开工作告年度报", "正文"], "清河市统计局", 2019),
    ],
)
def test_a_title_line_garbled_or_cut_after_its_report_words_is_still_the_title(
    lines: list[str], agency: str | None, year: int
) -> None:
    """A real 辽宁 page's title transposes 年度报告 (``…工作告年度报``): the line is the title
    (``title_form`` finds it off the form); the preamble below it is not read from inside it."""
    text = "\n".join(lines)
    folded = fold(text)
    starts = [len(fold(text[: text.index(line)])) for line in lines]
    hit = find_title(folded, starts)
    assert hit is not None and hit.agency == agency and hit.year == year
    assert preamble_agencies(folded, hit.start + len(hit.title)) == ([] if agency else ["清河市人民政府"])
    assert hit.title.startswith(("2019", "2023", "2024", "昌图"))
    # a sentence that mentions 信息公开 is no title line
    assert find_title(fold("2023年政府信息公开工作扎实推进,成效明显。"), [0]) is None


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("2023年度政府信息公开工作年度报告清河市统计局根据《条例》要求,编制了本报告。", ["清河市统计局"]),
        ("本报告由淮安市洪泽区人民政府办公室根据《条例》要求编制此报告。", ["淮安市洪泽区人民政府办公室"]),
        ("根据《条例》规定,现公布区统计局2023年政府信息公开工作年度报告。", ["区统计局"]),
        ("本报告根据《条例》和《格式》要求编制。", []),
        ("由党政办负责人具体抓政务公开,配备2名工作人员。", []),  # staffing, not the author
        ("本报告由清河市统计局负责编制。", ["清河市统计局"]),
        # a provincial reporting platform's template (Shandong), and other real wordings
        ("根据《条例》要求,结合2025年荣成市信访局政府信息公开工作实际,编制发布本报告。", ["荣成市信访局"]),
        ("现向社会公布2024年深圳市公安局龙华分局政府信息公开工作年度报告。", ["深圳市公安局龙华分局"]),
        (
            "现将深圳市市场监督管理局龙华监管局(以下简称龙华局)2023年信息公开年度报告进行公布。",
            ["深圳市市场监督管理局龙华监管局"],
        ),
        ("本年度报告根据《条例》要求,由安康市统计局围绕2020年度政府信息公开工作情况编制而成。", ["安康市统计局"]),
        # 现公开 (温州, 大冶); a 街道's 综合办公室 compiles its 办事处's report (无锡)
        ("根据《条例》的规定,现公开清河区七都街道办事处2024年政府信息公开工作年度报告。", ["清河区七都街道办事处"]),
        ("根据《条例》规定,现公开2024年东风路街办政府信息公开工作年度报告。", ["东风路街办"]),
        ("本报告由东亭街道综合办公室编制,全文包括总体情况。", ["东亭街道办事处"]),
        # 编制 with no 了; 结合{name}{year}年…工作编制而成 (安徽 pages)
        ("根据《条例》要求,编制老洲乡人民政府2024年度政府信息公开工作年度报告。", ["老洲乡人民政府"]),
        ("本报告依据《条例》要求,结合青山乡人民政府2024年政府信息公开工作编制而成。", ["青山乡人民政府"]),
    ],
)
def test_preamble_names_its_author(text: str, names: list[str]) -> None:
    assert preamble_agencies(fold(text)) == names


def test_decide_agency_cross_checks() -> None:
    # agreeing, in the fullest form printed
    r = decide_agency([("title", "清河市科委"), ("signature", "清河市科学技术委员会")])
    assert (r.agency, r.uncertain) == ("清河市科学技术委员会", None)
    r = decide_agency([("title", None), ("signature", "清河区统计局"), ("preamble", "区统计局")])
    assert (r.agency, r.uncertain) == ("清河区统计局", None)
    r = decide_agency([("title", "洪泽区人民政府"), ("preamble", "淮安市洪泽区人民政府办公室")])
    assert (r.agency, r.uncertain) == ("洪泽区人民政府", None)
    # disagreeing: the title's, said uncertain with the other
    r = decide_agency([("title", "清河市统计局"), ("signature", "安平县民政局")])
    assert r.agency == "清河市统计局" and r.uncertain and "安平县民政局" in r.uncertain
    # the contact point and the first sentence are no witnesses against the title
    r = decide_agency([("title", "平潭综合实验区"), ("contact", "平潭综合实验区管委会办公室保密与电子政务处")])
    assert r.uncertain is None
    # only a partial name: kept, said uncertain
    r = decide_agency([("preamble", "区统计局")])
    assert r.agency == "区统计局" and r.uncertain
    # only fragments: none, said why
    r = decide_agency([("title", "根据条例规定现公布"), ("text", "单位坚持以人民为中心")])
    assert r.agency is None and r.uncertain


def test_lead_in_is_trimmed() -> None:
    assert trim_lead_in("现公布县行政审批服务局") == "县行政审批服务局"
    assert trim_lead_in("清河市统计局") == "清河市统计局"


def test_signature_broken_across_the_last_lines() -> None:
    date, agency = find_signature(["……责任追究情况。竹石省人", "民政府2024年1月7日"])
    assert date is not None and agency == "竹石省人民政府"
    date, agency = find_signature(["无。", "蘭谿市人民政府", "2025年3月29日"])
    assert agency == "兰谿市人民政府" and canonical_agency(agency) == canonical_agency("兰溪市人民政府")


@settings(max_examples=40)
@given(SEEDS, st.sampled_from(("markdown", "pdftext", "flat", "tsv")))
def test_generated_agency_reads_back_in_every_title_shape(seed: int, fmt: str) -> None:
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes
    from gongkai.render.text import FILE_SUFFIX, TEXT_RENDERERS

    gen = generate(seed)
    name = f"doc{FILE_SUFFIX[fmt]}"
    got = parse_document(read_bytes(name, TEXT_RENDERERS[fmt](gen.report).encode()))
    assert got.agency is not None, gen.title_shape
    assert canonical_agency(got.agency) == canonical_agency(gen.report.agency), gen.title_shape
    assert got.agency_uncertain is None


def test_every_title_shape_is_drawn() -> None:
    shapes = {generate(seed).title_shape for seed in range(200)}
    assert shapes == set(TITLE_SHAPES)


@pytest.mark.parametrize(
    ("name", "government"),
    [
        ("清河县人民政府", True),
        ("清河县湖金乡政府", True),
        ("平潭综合实验区管委会", True),
        ("平潭综合实验区", True),
        ("清河县人民政府办公室", False),
        ("清河区府办", False),
        ("清河市统计局", False),
    ],
)
def test_a_government_in_any_form_reports_by_31_march(name: str, government: bool) -> None:
    from gongkai.parse.meta import is_government

    assert is_government(name) is government


_UNITS = ("江苏省", "淮安市", "洪泽区", "清河县", "高良涧镇", "山东省", "淄博市", "沂源县")
_BODIES = ("司法局", "教育局", "人民政府", "人民政府办公室", "卫生健康委员会")


@given(
    st.lists(
        st.tuples(st.lists(st.sampled_from(_UNITS), max_size=3), st.sampled_from(_BODIES)), min_size=1, max_size=30
    ),
    st.lists(st.sampled_from(_UNITS), max_size=3),
    st.sampled_from(_BODIES),
)
def test_norm_index_finds_the_variants_a_scan_finds(stored, units, body):
    """The resolver's index of identity keys gives the agencies that comparing with every
    stored key gives (``same_agency``), also after keys are renamed."""
    from gongkai.store.agencies import NormIndex, same_agency

    keys = {"".join(u) + b: i for i, (u, b) in enumerate(stored)}
    index = NormIndex(keys)
    renamed = sorted(keys)[: len(keys) // 3]
    for k in renamed:  # a variant merged under its fuller key: old key out, new one in
        index.remove(k)
        index.add("江苏省" + k, keys.pop(k))
        keys["江苏省" + k] = index.get("江苏省" + k)  # type: ignore[assignment]
    key = "".join(units) + body
    scan = sorted(a for n, a in keys.items() if n != key and same_agency(n, key))
    assert sorted(index.variants(key)) == scan


BREADCRUMBS = (
    "当前位置：首页 > 政务公开 > 区县开发区",
    "您现在的位置：首页 >> 信息公开 >> 市直部门",
    "首页 > 政府信息公开年报",
)
"""Navigation lines of real web pages above a report's title (their last crumb a category)."""


@pytest.mark.parametrize("crumb", BREADCRUMBS)
@pytest.mark.parametrize("seed", range(8))
def test_a_web_pages_navigation_line_does_not_run_into_the_title(seed: int, crumb: str) -> None:
    """``当前位置：首页 > … > 区县开发区`` above ``勉县人民政府2023年…报告`` read as the agency
    ``区县开发区勉县人民政府`` (and a county government taken for a department is late after
    31 January): the line is the page's, not the report's."""
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes
    from gongkai.render.text import render_flat, render_markdown

    gen = generate(seed, title_shape="standard")
    for name, text in (("doc.txt", render_flat(gen.report)), ("doc.md", render_markdown(gen.report))):
        got = parse_document(read_bytes(name, f"{crumb}\n{text}".encode()))
        assert got.agency is not None and canonical_agency(got.agency) == canonical_agency(gen.report.agency), name
        assert got.is_government == gen.report.is_government


@pytest.mark.parametrize(
    ("title", "agency"),
    [
        ("铁边城镇2022年度政府信息公开年报", "铁边城镇"),
        ("宁强县自然资源局关于2021年度政府信息公开情况的报告", "宁强县自然资源局"),
    ],
)
def test_a_title_in_another_form_is_still_the_title(title: str, agency: str) -> None:
    """Real titles that are not the template's wording: found (title_form then says the form
    is off), never "未找到报告标题"."""
    from gongkai.checks import run_checks
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes

    hit = find_title(fold(title))
    assert hit is not None and hit.agency == agency
    report = parse_document(read_bytes("doc.txt", f"{title}\n一、总体情况\n本年度工作有序开展。\n".encode()))
    messages = [f.message for f in run_checks(report) if f.rule == "title_form"]
    assert messages and all("未找到" not in m and title in m for m in messages)


@pytest.mark.parametrize(
    ("sentence", "body"),
    [
        ("如对本报告有疑问,请与荣成市信访局办公室联系(电话:0631-1)。", "荣成市信访局"),
        ("对本报告如有疑问,请联系清河市市场监督管理局办公室,联系电话:0591-1。", "清河市市场监督管理局"),
        ("如有疑问,请与淮安市洪泽区人民政府办公室联系。", "淮安市洪泽区人民政府办公室"),  # reports as itself
        # a town's office stands for its government (安徽 pages)
        ("如对本报告有任何疑问,请与青山乡党政办联系(地址:东至县)。", "青山乡人民政府"),
        ("如对本报告有任何疑问,请与青阳县杜村乡办公室联系,地址:安徽省。", "青阳县杜村乡人民政府"),
    ],
)
def test_a_departments_office_as_contact_stands_for_the_department(sentence: str, body: str) -> None:
    from gongkai.parse.meta import contact_agency

    assert contact_agency(fold(sentence)) == body


def test_an_agency_named_only_by_the_contact_point_is_said_uncertain() -> None:
    r = decide_agency([("title", None), ("signature", None), ("contact", "荣成市信访局")])
    assert r.agency == "荣成市信访局" and r.uncertain and "联系方式" in r.uncertain


def test_the_title_of_a_cited_notice_is_not_the_reports() -> None:
    """``《关于做好2022年度政府信息公开年度报告编制公布工作的通知》`` in the preamble: another
    document's title (the report's own may stand in 《》 by itself)."""
    cited = "根据《关于做好2022年度政府信息公开年度报告编制公布工作的通知》要求,现将本镇报告公布。"
    assert find_title(fold(cited)) is None
    own = find_title(fold("《清河市统计局2023年政府信息公开工作年度报告》"))
    assert own is not None and own.agency == "清河市统计局"


def test_an_agency_on_its_own_line_below_a_title_without_one_is_the_titles() -> None:
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes

    text = "2022年政府信息公开工作年度报告\n桃江县松木塘镇人民政府\n2022年,松木塘镇人民政府认真贯彻落实条例。\n"
    report = parse_document(read_bytes("doc.txt", (text + "一、总体情况\n本年度工作有序开展。\n").encode()))
    assert (report.agency, report.agency_uncertain) == ("桃江县松木塘镇人民政府", None)


@pytest.mark.parametrize(
    ("meta", "published"),
    [
        ("发布机构: | 汉中市自然资源局\n发布时间: | 2022年01月24日 08:47", "2022-01-24"),
        ("发布机构：汉中市自然资源局\n发表日期:2022-01-26", "2022-01-26"),
        ("单位: 汉中市自然资源局 2021年度\n发文日期: 2022年01月26日", "2022-01-26"),  # an 东阳 page's block
    ],
)
def test_a_portal_pages_metadata_names_publisher_and_date(meta: str, published: str) -> None:
    """A title without agency under a portal's metadata block: the page's 发布机构 is the
    agency, said uncertain (a county portal lists its own government for a town's report);
    its 发布时间 / 发表日期 the publication date."""
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes

    text = f"{meta}\n2021年度政府信息公开工作年度报告\n\n根据条例,编制本报告。\n一、总体情况\n工作有序开展。\n"
    report = parse_document(read_bytes("doc.txt", text.encode()))
    assert report.agency == "汉中市自然资源局"
    assert report.agency_uncertain is not None and "发布机构" in report.agency_uncertain
    assert report.published_on is not None and report.published_on.isoformat() == published


@pytest.mark.parametrize(
    ("head", "agency"),
    [
        # a page's accessibility menu, a breadcrumb with slashes, a site menu above the title
        ("长者版 无障碍阅读\n\n大冶市自然资源和规划局2025年政府信息公开工作报告", "大冶市自然资源和规划局"),
        (
            "首页/ 政府信息公开 / 政府信息公开年报 / 镇街 / 2022年 / 正文\n\n铁边城镇2022年度政府信息公开年报",
            "铁边城镇",
        ),
        (
            "首页 走进宁强 新闻中心 政务服务 互动交流 专题专栏\n\n宁强县自然资源局2021年政府信息公开工作年度报告",
            "宁强县自然资源局",
        ),
        # a name broken after its region stays whole
        ("淮安市\n洪泽区人民政府2023年政府信息公开工作年度报告", "淮安市洪泽区人民政府"),
    ],
)
def test_a_title_starts_on_its_own_line_not_in_the_page_menu_above(head: str, agency: str) -> None:
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes

    report = parse_document(read_bytes("doc.txt", f"{head}\n一、总体情况\n工作有序开展。\n".encode()))
    assert report.agency == agency
    assert report.title is not None and report.title.startswith(agency)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("现将绥阳县人民政府(县人民政府办公室)2023年政府信息公开工作年度报告予以公布。", ["绥阳县人民政府"]),
        ("本报告由中国(上海)自由贸易试验区管理委员会编制。", ["中国(上海)自由贸易试验区管理委员会"]),
    ],
)
def test_brackets_after_a_name_are_its_issuing_office_inside_a_name_part_of_it(text: str, names: list[str]) -> None:
    assert preamble_agencies(fold(text)) == names


def test_a_place_alone_takes_its_governments_full_name_from_the_text() -> None:
    """``现将茅坪回族镇2022年度…报告如下`` names the place; the text names its government."""
    r = decide_agency([("preamble", "茅坪回族镇"), ("text", "茅坪回族镇人民政府")])
    assert (r.agency, r.uncertain) == ("茅坪回族镇人民政府", None)
    r = decide_agency([("preamble", "龙岗区")])  # no fuller name anywhere: the place, as printed
    assert r.agency == "龙岗区"


@pytest.mark.parametrize(
    ("overview", "name"),
    [
        ("茅坪回族镇人民政府严格按照条例要求开展工作。", "茅坪回族镇人民政府"),
        ("县委县政府高度重视政务公开工作。", None),  # a unit word, no named place
        ("今年以来,在县委、县政府的领导下开展工作。", None),
    ],
)
def test_the_overviews_first_words_name_the_body_only_in_full(overview: str, name: str | None) -> None:
    """``现将茅坪回族镇2022年度…报告如下`` / ``一、总体情况`` / ``茅坪回族镇人民政府严格按照…``: the
    overview's subject gives the government's full name (a real page's)."""
    from gongkai.parse.meta import agency_from_text

    assert agency_from_text(f"一、总体情况\n{overview}") == name


@pytest.mark.parametrize(
    ("title", "agency"),
    [
        ("2022年上海市政府信息公开工作年度报告", "上海市人民政府"),
        ("2019年度永东县安和镇政府信息公开工作年度报告", "永东县安和镇人民政府"),
        ("浦东新区政府信息公开工作年度报告(2023年度)", "浦东新区人民政府"),
        ("平潭综合实验区2023年政府信息公开工作年度报告", "平潭综合实验区"),
        ("2023年清河县统计局政府信息公开工作年度报告", "清河县统计局"),
    ],
)
def test_a_place_alone_before_the_report_s_name_shares_its_government(title: str, agency: str) -> None:
    """``2022年上海市政府信息公开…`` is 上海市政府's report (a real title); a place before the
    year shares nothing (平潭综合实验区 is no 人民政府), nor does a department."""
    hit = find_title(fold(title))
    assert hit is not None and hit.agency is not None
    assert canonical_agency(hit.agency) == canonical_agency(agency)


@pytest.mark.parametrize(
    ("name", "units"),
    [
        ("杭州市西湖区人民政府", ["杭州市", "西湖区"]),
        ("柳州市鱼峰区里雍镇人民政府", ["柳州市", "鱼峰区", "里雍镇"]),
        ("北京市通州区", ["北京市", "通州区"]),
        ("全州县", ["全州县"]),
        ("恩施州利川市", ["恩施州", "利川市"]),
        ("恩施州市场监督管理局", ["恩施州"]),
    ],
)
def test_a_name_ending_in_zhou_is_not_cut_before_its_unit(name: str, units: list[str]) -> None:
    """杭州市 is one unit, not 杭州 and 市…: 州 ends a unit only where no unit character follows
    (恩施州, and 恩施州 before 市场监督管理局). Cut, 柳州市柳南区人民政府 and the preamble's
    柳南区人民政府 read as two bodies (a real page), and the store kept them apart."""
    from gongkai.model.agency import regions
    from gongkai.store.agencies import infer, same_agency

    assert regions(name) == units
    assert related_bodies("柳南区人民政府", "柳州市柳南区人民政府")
    assert same_agency("西湖区", "杭州市西湖区")
    assert infer("杭州市统计局").region == "杭州市"


def test_a_short_name_the_preamble_declares_is_that_body() -> None:
    """``由…办公室(以下简称自治区北部湾办)编制`` under the title ``自治区北部湾办2022年…``
    (a real page): one body, named in full; the alias note is no part of the preamble's name."""
    from gongkai.parse import parse_document
    from gongkai.parse.meta import declared_aliases
    from gongkai.readers import read_bytes

    full = "广西壮族自治区北部湾经济区规划建设管理办公室"
    preamble = f"本年度报告根据《条例》要求，由{full}（以下简称自治区北部湾办）编制。"
    assert declared_aliases(fold(preamble)) == {canonical_agency("自治区北部湾办"): full}
    assert preamble_agencies(fold(preamble)) == [full]
    text = f"自治区北部湾办2022年政府信息公开工作年度报告\n{preamble}\n一、总体情况\n2022年，我办扎实推进政务公开。\n"
    report = parse_document(read_bytes("doc.txt", text.encode()))
    assert report.agency == full and report.agency_uncertain is None


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        # real pages of Inner Mongolia: 苏木 is a township; a contents sentence names the body
        (
            "辉苏木2025年政府信息公开工作年度报告\n本年度报告根据《条例》制作。全文包括辉苏木人民政府信息公开总体情况，"
            "主动公开政府信息情况。\n一、总体情况\n2025年，辉苏木认真贯彻落实《条例》。\n",
            "辉苏木人民政府",
        ),
        (
            "九原区阿嘎如泰苏木\n2025年政府信息公开工作年度报告\n特向社会公布包头市九原区阿嘎如泰苏木人民政府2025年度"
            "政府信息公开情况。本报告由包头市九原区阿嘎如泰苏木党政综合办公室编制。\n一、总体情况\n本年度工作有序开展。\n",
            "包头市九原区阿嘎如泰苏木人民政府",
        ),
        (
            "本年度报告根据《条例》制作。全文包括扎赉特旗好力保镇政府信息公开总体情况，主动公开政府信息情况。"
            "如对本年度报告有疑问，请与扎赉特旗好力保镇联系。\n一、总体情况\n本年度工作有序开展。\n",
            "扎赉特旗好力保镇人民政府",
        ),
        (
            "乌拉特中旗巴音乌兰苏木 2021 年政府信息 公开工作年度报告\n一、总体情况\n本年度工作有序开展。\n",
            "乌拉特中旗巴音乌兰苏木",
        ),
    ],
)
def test_a_sumu_and_the_contents_sentence(text: str, agency: str) -> None:
    from gongkai.model.agency import regions
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes

    assert regions("扎赉特旗宝力根花苏木") == ["扎赉特旗", "宝力根花苏木"]
    report = parse_document(read_bytes("doc.txt", text.encode()))
    assert report.agency is not None and canonical_agency(report.agency) == canonical_agency(agency)
    assert report.agency_uncertain is None


@pytest.mark.parametrize(
    ("title", "agency"),
    [
        ("西藏自治区审计厅2025年政务信息公开工作开展年度报告", "西藏自治区审计厅"),
        ("西藏自治区政府国资委2023年度信息公开工作报告", "西藏自治区政府国资委"),
    ],
)
def test_titles_that_name_the_report_in_other_words(title: str, agency: str) -> None:
    """Real titles (Tibet's portal): the report's name in other words is still the title."""
    hit = find_title(fold(title))
    assert hit is not None and hit.agency == agency


def test_a_preamble_that_compiles_from_others_names_its_compiler() -> None:
    """``由区人民政府办公室综合各乡镇(街道)和区直各部门编制而成`` (a real page): the office, not
    the office and the bodies it compiled from."""
    text = "本报告由区人民政府办公室综合各乡镇（街道）和区直各部门编制而成。"
    assert preamble_agencies(fold(text)) == ["区人民政府办公室"]


def test_a_preamble_that_reports_the_work_names_the_body() -> None:
    """``现将西安临潼旅游商贸开发区管理委员会2024年度政府信息公开工作情况报告如下`` (a real page)."""
    text = "本报告依据《条例》编制。现将西安临潼旅游商贸开发区管理委员会2024年度政府信息公开工作情况报告如下："
    assert preamble_agencies(fold(text)) == ["西安临潼旅游商贸开发区管理委员会"]


def test_a_sentence_that_compiles_the_report_is_not_its_title() -> None:
    """``汇总2024年小河镇的政府信息公开年度报告编制而成`` (a real page whose title the portal kept
    apart): a sentence naming the report, not its title."""
    assert find_title(fold("本年度报告根据《条例》要求，汇总2024年小河镇的政府信息公开年度报告编制而成。")) is None


@pytest.mark.parametrize(
    ("text", "agency"),
    [
        # real pages of 吉林: 人民政府 sharing its 政府, a 街道 (no government: its 办事处 reports),
        # and 编制了… naming the body
        (
            "根据《条例》规定，现公布2023年长春市二道区人民政府信息公开工作年度报告。\n一、总体情况\n",
            "长春市二道区人民政府",
        ),
        (
            "2025年南关区永吉街道政府信息公开工作年度报告\n现公布南关区永吉街道2025年度政府信息公开工作年度报告。"
            "如对本报告有任何疑问，请与永吉街道办事处联系。\n一、总体情况\n",
            "南关区永吉街道办事处",
        ),
        (
            "根据《条例》的规定，我街编制了吉林市昌邑区文庙街道办事处2023年政府信息公开工作年度报告（以下简称年报）。"
            "\n一、总体情况\n",
            "吉林市昌邑区文庙街道办事处",
        ),
    ],
)
def test_a_street_office_and_a_government_that_shares_its_zhengfu(text: str, agency: str) -> None:
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes

    report = parse_document(read_bytes("doc.txt", text.encode()))
    assert report.agency is not None and canonical_agency(report.agency) == canonical_agency(agency)
    assert report.agency_uncertain is None


def test_a_department_s_own_office_compiles_the_department_s_report() -> None:
    """``由海南省地震局办公室编制`` (a real page): 海南省地震局's report; a 苏木's 党政综合办公室
    compiles its government's; a government's office may report for itself, so it stays."""
    assert preamble_agencies(fold("本报告由海南省地震局办公室编制并依法公开。")) == ["海南省地震局"]
    assert preamble_agencies(fold("本报告由包头市九原区阿嘎如泰苏木党政综合办公室编制。")) == [
        "包头市九原区阿嘎如泰苏木人民政府"
    ]
    assert preamble_agencies(fold("本报告由清河县人民政府办公室编制。")) == ["清河县人民政府办公室"]


def test_a_preamble_that_releases_the_report_in_brackets_names_the_body() -> None:
    """``现发布《白银区四龙镇2025年政府信息公开工作年度报告》`` (a real page of 甘肃)."""
    text = "根据《条例》要求，现发布《白银区四龙镇2025年政府信息公开工作年度报告》。"
    assert preamble_agencies(fold(text)) == ["白银区四龙镇"]
    assert find_title(fold(text)) is None


@pytest.mark.parametrize("office", ["人民政府研究室", "人民政府参事室"])
def test_a_government_s_research_or_counsellors_office_is_its_own_agency(office: str) -> None:
    """``海口市人民政府研究室2022年…``: the 室 is the body, not the 人民政府 before it (which would
    also take it for a government, owing 考核 results it does not owe)."""
    from gongkai.pipeline import parse_bytes
    from gongkai.testing.corpus import make_document

    checked = 0
    for seed in range(600):
        doc = make_document(seed, "html")
        want = doc.truth.report.agency or ""
        if not want.endswith(office):
            continue
        report = parse_bytes(doc.name, doc.data)
        assert canonical_agency(report.agency or "") == canonical_agency(want), (seed, report.agency)
        assert not report.is_government
        checked += 1
    assert checked >= 3


@given(seed=SEEDS, word=st.sampled_from(["在", "通过", "按照", "依托"]))
def test_a_body_s_name_followed_by_a_preposition_and_more_is_no_name(seed: int, word: str) -> None:
    """``东湖街道办事处在越城区政府`` (…在越城区政府信息公开系统上主动公开): a sentence, not a name."""
    rng = random.Random(seed)
    body, other = make_agency(rng, rng.choice(LEVELS)), make_agency(rng, "county")
    assert is_agency_name(body.name)
    assert not is_agency_name(body.name + word + other.name)


def test_a_title_with_the_year_inside_its_report_words_is_the_title() -> None:
    """``天津东疆保税港区管理委员会政府信息公开工作2020年度报告``: title, agency and year read;
    ``title_form`` says the form is off, not that the title is missing."""
    from gongkai.checks import run_checks
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes
    from gongkai.render.text import TEXT_RENDERERS

    seeds = [s for s in range(600) if generate(s).title_shape == "year_inside"][:8]
    assert len(seeds) >= 3
    for seed in seeds:
        gen = generate(seed)
        got = parse_document(read_bytes("doc.md", TEXT_RENDERERS["markdown"](gen.report).encode()))
        assert (got.title, got.year) == (gen.report.title, gen.report.year), seed
        assert canonical_agency(got.agency or "") == canonical_agency(gen.report.agency or ""), seed
        (form,) = [f for f in run_checks(got, ["title_form"])]
        assert "不符合" in form.message


@pytest.mark.parametrize("zone", ["运城经济技术开发区", "某市高新区", "天津东疆保税港区"])
def test_a_development_zone_named_alone_is_no_government(zone: str) -> None:
    """``运城经济技术开发区 2020年政府信息公开年度报告`` (a 山西 page): a zone has a 管委会, not a
    人民政府; the agency is the zone as named, and no 人民政府 rule applies to it."""
    from gongkai.parse import parse_document
    from gongkai.parse.meta import is_government
    from gongkai.readers import read_bytes

    text = f"{zone} 2020年政府信息公开年度报告\n\n一、总体情况\n本年度工作有序开展。\n"
    report = parse_document(read_bytes("doc.txt", text.encode()))
    assert report.agency == zone
    assert not report.is_government and not is_government(zone)
    assert is_government("清河县") and is_government("浦东新区")


@pytest.mark.parametrize(
    ("head", "title"),
    [
        ("西藏自治区政府国资委2020政府信息公开工作年度报告", "西藏自治区政府国资委2020政府信息公开工作年度报告"),
        ("自治区人民政府办公厅2022\n\n政府信息公开工作年度报告", "自治区人民政府办公厅2022政府信息公开工作年度报告"),
    ],
)
def test_a_title_whose_year_goes_without_its_nian_is_the_title(head: str, title: str) -> None:
    """Real pages (西藏, 新疆) print the year bare: the title, its agency and year, and the page a
    report (it was refused as none)."""
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes

    text = head + "\n\n根据条例，编制本报告。\n一、总体情况\n本年度工作有序开展。\n"
    report = parse_document(read_bytes("doc.txt", text.encode()))
    assert (report.title, report.year) == (title, int(title[title.index("20") : title.index("20") + 4]))
    assert report.agency == title[: title.index("20")]


def test_a_column_label_above_the_title_is_not_the_title() -> None:
    """``2020年信息公开年报`` / ``蒲纺工业园区2020年政府信息公开工作年度报告`` (a 湖北 page): the line
    that names the agency is the title; a title without agency over a line that is none stays."""
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes

    def read(head: str) -> tuple[str | None, str | None]:
        text = head + "\n\n根据条例，编制本报告。\n一、总体情况\n本年度工作有序开展。\n"
        report = parse_document(read_bytes("doc.txt", text.encode()))
        return report.title, report.agency

    title = "蒲纺工业园区2020年政府信息公开工作年度报告"
    assert read("2020年信息公开年报\n" + title) == (title, "蒲纺工业园区")
    assert read("2022年政府信息公开工作年度报告\n桃江县松木塘镇人民政府")[0] == "2022年政府信息公开工作年度报告"


def test_a_portal_source_line_above_a_title_is_not_part_of_its_name() -> None:
    """``日期:2021-01-22来源:重庆合川工业园区管委会`` / ``重庆合川工业园区管理委员会`` / ``2020年…``
    (a 重庆 page): the line above names the same body; the title's name is the line's own."""
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes

    head = "日期:2021-01-22来源:重庆合川工业园区管委会\n重庆合川工业园区管理委员会\n2020年政府信息公开工作年度报告"
    text = head + "\n\n根据条例，编制本报告。\n一、总体情况\n本年度工作有序开展。\n"
    report = parse_document(read_bytes("doc.txt", text.encode()))
    assert report.agency == "重庆合川工业园区管理委员会"
    assert report.title == "重庆合川工业园区管理委员会2020年政府信息公开工作年度报告"
    assert report.published_on is not None and report.published_on.isoformat() == "2021-01-22"



def test_a_sentence_that_says_how_the_report_was_written_is_no_title() -> None:
    """``常熟经济技术开发区整理一年政府信息公开运转情况编写2020年度政府信息公开工作年度报告``
    (a 江苏 page): 编写 makes it a sentence; no title, the agency from elsewhere."""
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes

    text = (
        "常熟经济技术开发区整理一年政府信息公开运转情况编写2020年度政府信息公开工作年度报告。"
        "如有疑问请联系常熟经济技术开发区管委会办公室。\n一、总体情况\n本年度工作有序开展。\n"
    )
    report = parse_document(read_bytes("doc.txt", text.encode()))
    assert report.title is None and report.year == 2020
    assert report.agency is not None and report.agency.startswith("常熟经济技术开发区")


def test_the_overview_s_first_words_give_the_body_without_the_sentence_around_it() -> None:
    """``为认真做好京山市卫生健康局政府信息公开工作，我局…`` (a 湖北 page): the body is
    京山市卫生健康局, never ``为认真做好…局政府`` (a sentence's words and the report's 政府)."""
    from gongkai.parse.meta import agency_from_text

    text = "一、总体情况\n为认真做好京山市卫生健康局政府信息公开工作，我局落实条例。"
    assert agency_from_text(text) == "京山市卫生健康局"
    assert not is_agency_name("为认真做好京山市卫生健康局政府")
    assert agency_from_text("一、总体情况\n茅坪回族镇人民政府严格按照条例要求。") == "茅坪回族镇人民政府"


@pytest.mark.parametrize("seed", range(6))
def test_a_title_cut_before_its_report_running_into_the_preamble_leaves_the_name(seed: int) -> None:
    """``2020年政府信息公开工作年度安远区宁东镇人民政府根据《条例》要求，编制了本报告``: a page
    whose title lost 报告 and runs into the preamble (no agency was read, and the report was then
    judged against a department's deadline)."""
    rng = random.Random(seed)
    level = rng.choice(LEVELS)
    name = make_agency(rng, level).name
    text = f"2020年政府信息公开工作年度{name}根据《中华人民共和国政府信息公开条例》要求，编制了本报告。"
    assert preamble_agencies(fold(text)) == [fold(name)]
