"""Agency names: what one looks like, its short forms, and one canonical form for comparing.

Shared by the parser (is a title's, preamble's or signature's candidate a name at all, and do
they name the same body?), the store (agency identity) and the evaluation (agency exact after
canonicalisation). Short forms are declared here as data, never special-cased elsewhere.
"""

from __future__ import annotations

import re
from functools import lru_cache

from gongkai.model.text import fold

AGENCY_SUFFIXES: tuple[str, ...] = (
    "人民政府办公室",
    "人民政府办公厅",
    "人民政府",
    "政府",
    "管理委员会",
    "管委会",
    "委员会",
    "办公室",
    "研究室",
    "参事室",
    "办公厅",
    "办事处",
    "行政公署",
    "综合实验区",
    "新区",
    "开发区",
    "局",
    "委",
    "厅",
    "署",
    "院",
    "部",
    "办",
    "中心",
    "县",
    "市",
    "区",
    "州",
    "盟",
    "旗",
    "省",
    "镇",
    "乡",
    "街道",
    "苏木",
    "处",
    "所",
    "站",
    "队",
    "会",
    "馆",
)
"""Words an agency's name ends with (a body, or a place whose government reports)."""

SHORT_FORMS: tuple[tuple[str, str], ...] = (
    ("政府办公室", "人民政府办公室"),
    ("政府办公厅", "人民政府办公厅"),
    ("政府办", "人民政府办公室"),
    ("府办", "人民政府办公室"),
    ("政府", "人民政府"),
    ("管委会", "管理委员会"),
    ("科委", "科学技术委员会"),
    ("科技局", "科学技术局"),
    ("发改委", "发展和改革委员会"),
    ("发改局", "发展和改革局"),
    ("卫健委", "卫生健康委员会"),
    ("卫生健康委", "卫生健康委员会"),
    ("国资委", "国有资产监督管理委员会"),
    ("卫健局", "卫生健康局"),
    ("教委", "教育委员会"),
    ("教体局", "教育和体育局"),
    ("住建局", "住房和城乡建设局"),
    ("住建委", "住房和城乡建设委员会"),
    ("人社局", "人力资源和社会保障局"),
    ("人社厅", "人力资源和社会保障厅"),
    ("市场监管局", "市场监督管理局"),
    ("市监局", "市场监督管理局"),
    ("文旅局", "文化和旅游局"),
    ("审批局", "行政审批服务局"),
    ("医保局", "医疗保障局"),
    ("退役军人局", "退役军人事务局"),
    ("应急局", "应急管理局"),
    ("交通局", "交通运输局"),
    ("农业农村委", "农业农村委员会"),
    ("街道办", "街道办事处"),
    ("街办", "街道办事处"),
)
"""(short form, full form) of the last words of a name, as agencies abbreviate themselves
(区府办, 县政府办, 市科委, 市发改委). Longest first where one ends another."""

MAX_AGENCY_CHARS = 32
"""The longest names (中国（上海）自由贸易试验区临港新片区管理委员会) stay well under this."""
SENTENCE_WORDS: tuple[str, ...] = (
    "根据",
    "按照",
    "依据",
    "编制",
    "公布",
    "发布",
    "印发",
    "报告",
    "条例",
    "规定",
    "简称",
    "现将",
    "特此",
    "深入",
    "贯彻",
    "落实",
    "坚持",
    "推进",
    "本年",
    "年度",
    "全年",
    "截至",
    "其中",
    "联系",
    "疑问",
    "位置",
    "首页",
    "年报",
    "信息公开",
    "我",
)
"""Words of a sentence that no agency's name holds: a candidate holding one is a fragment."""
_PRONOUN = re.compile(r"^(?:本|该)(?:局|委|厅|办|署|院|部|单位|机关|部门|中心|镇|乡|街道|区|县|市|府)")
"""本局, 本机关: a report speaking of itself, not a name (本溪市 is one)."""
_COLLECTIVE = re.compile(r"^全(?:镇|乡|县|市|区|省|局|委|旗|盟|街道|系统)")
"""全镇, 全县: the whole of a place, as a sentence says it (``全镇政府信息公开566条``), not a
name (全州县 and 全椒县 are places: 州 and 椒 are not listed)."""
_LEADING_WORD = re.compile(r"^(?:在|被|经过|通过|由|对于|关于|为了?)")
"""Words a sentence puts before a name (``在省政府办公厅…``, ``为认真做好…``); no place name
starts with them."""
_BODY_THEN_WORD = re.compile(r"(?:处|局|府|委|会|室|厅|办|中心)(在|向|将|把|通过|按照|依托|围绕)(?!$)")
"""A body's name followed by a preposition and more: ``东湖街道办事处在越城区政府`` is the
start of a sentence (…在越城区政府信息公开系统上主动公开), not a name."""
_NAME_CHARS = re.compile(r"[\u4e00-\u9fff()]+")
_SUFFIX_END = re.compile("(?:" + "|".join(AGENCY_SUFFIXES) + ")$")
_LEAD_IN = re.compile(
    r"^.*(?:公布|发布|印发|编制|报告|以下简称|当前位置|首页|年报|标题|题目|名称|关于|(?<!自)由|请与|现将|现公开|特此|做好"
    r"|信息公开工作年度)"
)
"""Words that may run into a name from the text before it (``现公布县行政审批服务局…``; a title
cut before its 报告, ``2020年政府信息公开工作年度安远区宁东镇人民政府…``); 由 but not the 由
of 自由 (``中国(上海)自由贸易试验区…``)."""

UNIT_CHARS = "省市区县镇乡州盟旗"
"""The characters that end an administrative unit's name (清河县, 平潭综合实验区 aside)."""
_PUNCT = re.compile(r"[\s\"'“”《》<>()（）\[\]【】:：,，。.、]")

# Admin units, in the order a full name nests them. Names of units are 1–8 characters; words that
# end with a unit character but are not units (城市管理局, 社区, 景区) are excluded below.
_UNIT = re.compile(
    r"(?P<name>[\u4e00-\u9fff]{1,8}?)"
    r"(?P<suffix>特别行政区|自治区|自治州|自治县|自治旗|地区|街道|苏木|省|市|州(?![市区县旗](?!场))|盟|县|旗|区|镇|乡)"
)
"""州 ends a unit (恩施州, 恩施州市场监督管理局) except where a unit character follows it: then it
is part of the name (杭州市, 柳州市柳南区, 北京市通州区, 全州县), which the shortest match would
cut into 杭州 and 市西湖区. 苏木 is Inner Mongolia's township (扎赉特旗宝力根花苏木)."""
_NOT_UNITS = frozenset(("山区", "库区", "矿区", "林区", "牧区", "军区", "辖区", "片区", "城区", "老区", "市区", "郊区"))
"""Words that are not a unit when they stand alone (兰山区 is one, 山区 is not)."""
_NOT_UNIT_ENDINGS = (
    "城市",
    "都市",
    "超市",
    "社区",
    "园区",
    "景区",
    "小区",
    "街区",
    "城乡",
    "乡村",
    "乡镇",
    "开发区",
    "高新区",
    "保税区",
    "保税港区",
)
"""Endings of department words that look like units (住房和城乡建设局, 城市管理局), and of zones
that are no admin unit (运城经济技术开发区 has a 管委会, no 人民政府)."""
_PHRASE = re.compile(r"[\u4e00-\u9fff]{2}[和与及][\u4e00-\u9fff]{2}|、")
"""Words of two characters or more joined by 和/与/及 are a department's name (住房和城乡建设局),
not a place; a place name may hold 和 itself (和平区, 呼和浩特市, 太和县, 平和县)."""


def clean(name: str) -> str:
    """The name with folded characters, no spaces and no punctuation."""
    return _PUNCT.sub("", fold(name))


def _bare_unit(unit: str) -> bool:
    """Two unit characters (``县市`` of 县市场监督管理局): no place is named so."""
    return len(unit) == 2 and unit[0] in UNIT_CHARS


def regions(name: str) -> list[str]:
    """The admin units a name starts with: ``淮安市洪泽区人民政府`` → [淮安市, 洪泽区]."""
    return list(_regions(name))


def is_place(name: str) -> bool:
    """Whether ``name`` is a chain of admin units and nothing more (``淮安市洪泽区``, ``辉苏木``):
    a place, not a body."""
    return bool(name) and "".join(_regions(name)) == name


@lru_cache(maxsize=1 << 17)
def _regions(name: str) -> tuple[str, ...]:
    """``regions``, remembered: a national store's region tree splits its 40,000 regions again
    each time the store changes."""
    out: list[str] = []
    pos = 0
    while pos < len(name):
        m = _UNIT.match(name, pos)
        if not m:
            break
        unit = m.group(0)
        if unit in _NOT_UNITS or unit.endswith(_NOT_UNIT_ENDINGS) or _PHRASE.search(unit) or _bare_unit(unit):
            # the shortest match may have cut a longer unit (沂源县城市管理局: 沂源县 then 城市…)
            break
        out.append(unit)
        pos = m.end()
    return tuple(out)


def expand_short_form(name: str) -> str:
    """``清河市科委`` → ``清河市科学技术委员会``, ``清河区府办`` → ``清河区人民政府办公室``;
    a name already in full form is returned as it is."""
    for short, full in SHORT_FORMS:
        if name.endswith(full):
            return name
        if name.endswith(short) and len(name) > len(short):
            return name[: -len(short)] + full
    return name


_VARIANT_CHARS = str.maketrans({"谿": "溪"})
"""Characters of place names that stay apart from their simplified form after folding (谿 is a
character of its own in simplified text too: 蘭谿市 folds to 兰谿市, which is 兰溪市)."""


@lru_cache(maxsize=1 << 14)
def canonical_agency(name: str) -> str:
    """One form for every way a document prints the same name (folded, no spaces or
    punctuation, short forms in full): the key names are compared under. Remembered: the
    parser compares each candidate name with every other, a dozen times a document."""
    return expand_short_form(clean(name).translate(_VARIANT_CHARS))


@lru_cache(maxsize=1 << 14)
def agency_name_problem(name: str | None) -> str | None:
    """Why ``name`` is not an agency's name (a sentence fragment, a pronoun, too long, no
    body or place at its end), in Chinese; None when it is one. Remembered: the parser asks
    of the same candidate names again at each step of deciding the agency."""
    if name is None:
        return "没有名称"
    n = re.sub(r"\s", "", fold(name))
    if len(n) < 2:
        return "过短"
    if len(n) > MAX_AGENCY_CHARS:
        return f"长度 {len(n)} 超过 {MAX_AGENCY_CHARS} 个字"
    if not _NAME_CHARS.fullmatch(n):
        return "含有数字或标点"
    word = next((w for w in SENTENCE_WORDS if w in n), None)
    if word is not None:
        return f"含有“{word}”，是句子的一部分"
    if m := _LEADING_WORD.match(n):
        return f"以“{m.group()}”开头，是句子的一部分"
    if m := _BODY_THEN_WORD.search(n):
        return f"机关名称后接“{m.group(1)}”，是句子的一部分"
    if _PRONOUN.match(n):
        return "是代称（本局、本机关）"
    if _COLLECTIVE.match(n):
        return "是泛称（全镇、全县），不是名称"
    if not _SUFFIX_END.search(n):
        return "不以机关或地名结尾"
    return None


def is_agency_name(name: str | None) -> bool:
    """A name (``清河市统计局``, ``平潭综合实验区``, ``区府办``), not a sentence fragment."""
    return agency_name_problem(name) is None


def is_partial_name(name: str) -> bool:
    """A name that starts with the unit its place would end with (``区统计局``, ``市科委``,
    ``县政府办``): the document left out which 区 or 市."""
    n = clean(name)
    return bool(n) and n[0] in UNIT_CHARS and not regions(n)


def trim_lead_in(text: str) -> str:
    """The name at the end of ``text`` without words of the sentence that ran into it
    (``现公布县行政审批服务局`` → ``县行政审批服务局``)."""
    return _LEAD_IN.sub("", text)


def same_body(a: str, b: str) -> bool:
    """Whether two names found in one document name the same body: equal once canonical, one
    with more of its region (洪泽区人民政府 / 淮安市洪泽区人民政府), or one a partial name the
    other completes (区统计局 / 清河区统计局)."""
    ca, cb = _street_office(canonical_agency(a)), _street_office(canonical_agency(b))
    if ca == cb:
        return True
    short, long = sorted((ca, cb), key=len)
    if not long.endswith(short):
        return False
    prefix = long[: -len(short)]
    if is_place(prefix):
        return True
    # 区统计局 in 清河区统计局: the prefix completes the unit the short name starts with
    return short[0] in UNIT_CHARS and bool(regions(prefix + short[0]))


_UNDER_GOVERNMENT = re.compile(r"(.+?)人民政府(.+街道办事处)")


def _street_office(name: str) -> str:
    """``官渡区人民政府太和街道办事处`` → ``官渡区太和街道办事处``: a 街道's office named under its
    district's government is the same office named under the district."""
    m = _UNDER_GOVERNMENT.fullmatch(name)
    return m.group(1) + m.group(2) if m and is_place(m.group(1)) else name


ISSUING_OFFICES = ("党政综合办公室", "党政办公室", "综合办公室", "党政办", "办公室", "办公厅")
"""Offices that issue a body's report, longest first (a town's or 苏木's 党政综合办公室, a
街道's 综合办公室)."""


def related_bodies(a: str, b: str) -> bool:
    """The same body, or a body and the office that issues its report (洪泽区人民政府 and
    淮安市洪泽区人民政府办公室), where a place alone stands for its government (a title's 辉苏木
    and the preamble's 辉苏木人民政府)."""
    if _one_body(a, b):
        return True
    ca, cb = canonical_agency(a), canonical_agency(b)
    for x, y in ((ca, cb), (cb, ca)):
        for office in ISSUING_OFFICES:
            if y.endswith(office) and not x.endswith(office) and _one_body(x, y[: -len(office)]):
                return True
    return False


def _one_body(a: str, b: str) -> bool:
    return same_body(a, b) or same_body(_place_of(a), _place_of(b))


def governing_body(place: str) -> str:
    """The body that governs a place and reports for it: its 人民政府, a 街道's 办事处
    (永吉街道办事处; a 街道 has no government)."""
    return place + ("办事处" if place.endswith("街道") else "人民政府")


def _place_of(name: str) -> str:
    """The place a government governs (清河县 for 清河县人民政府, 永吉街道 for 永吉街道办事处);
    other names as they are."""
    n = canonical_agency(name)
    base = n.removesuffix("人民政府") if n.endswith("人民政府") else n.removesuffix("办事处")
    return base if is_place(base) else name
