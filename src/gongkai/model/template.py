"""The national template of the annual report, declared once, as data.

Every other stage reads this module: parsers match labels from it, checks take their
identities from it, renderers draw the tables from it, exports name columns from it.
A label variant seen in a real report (a typo, a traditional character, another wording)
is added here, never special-cased in a parser.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from functools import cached_property
from typing import Literal

CellKind = Literal["count", "amount", "signed"]
TemplateVersion = Literal["v2019", "v2021"]
REVISED_REGULATION_FIRST_YEAR = 2019
"""The first report year under the revised 条例 (2019): the national template, its section
headings and 第五十条's 考核 results. Reports before it followed the old 条例 (31 March for
everyone, no national format)."""
TABLE_KEYS: tuple[str, ...] = ("active_disclosure", "applications", "appeals")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    variants: tuple[str, ...] = ()
    kind: CellKind = "count"
    unit: str | None = None


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    """The label as the template prints it, without its numbering."""
    numbering: str = ""
    """The numbering the template puts before the label (``一、``, ``（一）``, ``2.``)."""
    variants: tuple[str, ...] = ()
    """Other forms of the label seen in real reports (matched after normalisation)."""
    columns: tuple[str, ...] = ()
    """Column keys of this row; empty means all columns of the table."""
    group: str | None = None
    caption: str | None = None
    """Table 2: the 第二十条 caption of the block the row opens or belongs to."""
    replaces: tuple[str, ...] = ()
    """An alternate row that some reports print instead of these rows (their sum)."""

    @property
    def labels(self) -> tuple[str, ...]:
        return (self.label, *self.variants)


@dataclass(frozen=True)
class Identity:
    """``sum(lhs) == sum(rhs)``; each side lists (row, column) cell references."""

    rule: str
    name: str
    lhs: tuple[tuple[str, str], ...]
    rhs: tuple[tuple[str, str], ...]

    @cached_property
    def rows(self) -> frozenset[str]:
        """The rows the identity refers to (the decoder groups rows by them in every table it
        reads: worked out once per identity of the template)."""
        return frozenset(ref[0] for ref in (*self.lhs, *self.rhs))

    def __hash__(self) -> int:
        return self._hash

    @cached_property
    def _hash(self) -> int:
        """The dataclass's own hash, worked out once: the decoder looks up the layout of a
        table's identities (a tuple of them) for every table it reads."""
        return hash((self.rule, self.name, self.lhs, self.rhs))


@dataclass(frozen=True)
class Continuity:
    """An identity between a report and the same agency's report of the year before:
    ``sum(sign * value)`` over the terms is 0; a term is (sign, 0 = last year / 1 = this year,
    column), applied to each of ``rows`` of table 2."""

    rule: str
    rows: tuple[str, ...]
    terms: tuple[tuple[int, int, str], ...]


@dataclass(frozen=True)
class TableSpec:
    key: str
    number: int
    title: str
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    anchors: tuple[str, ...] = ()
    """Texts that mark where the table starts (besides its first row label)."""
    alternates: tuple[Row, ...] = ()
    """Rows a report may print in place of several template rows (``Row.replaces``)."""

    def with_alternate(self, alt: Row) -> TableSpec:
        """This table with ``alt`` standing in the place of the rows it replaces."""
        rows: list[Row] = []
        for r in self.rows:
            if r.key in alt.replaces:
                if alt not in rows:
                    rows.append(alt)
            else:
                rows.append(r)
        return TableSpec(self.key, self.number, self.title, tuple(rows), self.columns, self.anchors, ())

    def effective(self, present: Collection[str]) -> TableSpec:
        """The row layout a report actually used (an alternate row present → swapped in)."""
        for alt in self.alternates:
            if alt.key in present:
                return self.with_alternate(alt)
        return self

    def column(self, key: str) -> Column:
        return self._by_key[0][key]

    def row(self, key: str) -> Row:
        return self._by_key[1][key]

    def row_columns(self, row: Row) -> tuple[Column, ...]:
        if not row.columns:
            return self.columns
        columns = self._by_key[0]
        return tuple(columns[k] for k in row.columns)

    @cached_property
    def _by_key(self) -> tuple[dict[str, Column], dict[str, Row]]:
        """Columns and rows by key, the first of a key (looked up for every row of every
        table a parser reads: built once per table spec)."""
        columns: dict[str, Column] = {}
        rows: dict[str, Row] = {}
        for c in self.columns:
            columns.setdefault(c.key, c)
        for r in self.rows:
            rows.setdefault(r.key, r)
        return columns, rows

    @property
    def cell_count(self) -> int:
        return sum(len(self.row_columns(r)) for r in self.rows)

    @property
    def printed_words(self) -> tuple[str, ...]:
        """Every text the table prints besides its numbers: headings, captions, group and
        row labels (with their numbering) and their variants."""
        words: list[str] = [self.title, *self.anchors, *TABLE_HEADINGS.get(self.key, ())]
        words.extend(f"表{n}" for n in (str(self.number), "一二三四"[self.number - 1]))
        for c in (*self.columns,):
            words.extend((c.label, *c.variants))
        for r in (*self.rows, *self.alternates):
            words.extend(x for x in (r.group, r.caption) if x)
            words.extend(r.labels)
            words.extend(r.numbering + x for x in r.labels if r.numbering)
        return tuple(dict.fromkeys(w for w in words if w))

    def cells(self) -> list[tuple[str, str]]:
        return [(r.key, c.key) for r in self.rows for c in self.row_columns(r)]


@dataclass(frozen=True)
class SectionSpec:
    key: str
    number: str
    title: str
    variants: tuple[str, ...] = ()
    """Other wordings of the heading seen in real reports (matched as the title is)."""
    keywords: tuple[str, ...] = ()
    """Words every wording of the heading keeps: a heading numbered as this section, worded in
    none of the declared ways, is this section when it holds one (at most a ``section_title``)."""
    opened_by_subheading: bool = False
    """Whether the section, its heading lost (a converter dropped the line), is still found by
    its first sub-heading holding a keyword (``（一）2025年工作中存在的主要问题``) between the
    sections around it: only where no other section has sub-headings so worded."""

    @property
    def canonical(self) -> str:
        return f"{self.number}、{self.title}"

    @property
    def titles(self) -> tuple[str, ...]:
        return (self.title, *self.variants)


@dataclass(frozen=True)
class Template:
    version: TemplateVersion
    years: tuple[int, int]
    """First and last report year the template applies to (inclusive)."""
    sections: tuple[SectionSpec, ...]
    tables: dict[str, TableSpec]
    identities: tuple[Identity, ...]
    markers: tuple[str, ...] = field(default=())
    """Texts found only in reports of this version; they tell versions apart."""
    continuity: tuple[Continuity, ...] = ()
    """Identities with last year's report of the same agency (same template)."""

    def table(self, key: str) -> TableSpec:
        return self.tables[key]

    def identities_of(
        self, table_key: str, present: set[str] | dict[str, object] | None = None
    ) -> tuple[Identity, ...]:
        """Identities of a table; with ``present`` (the rows a report has), for its actual layout."""
        spec = self.tables[table_key]
        alternate = None
        if present is not None and table_key == "applications":
            alternate = next((a for a in spec.alternates if a.key in present), None)
        key = (table_key, alternate.key if alternate else None)
        if key not in self._identities_memo:
            # worked out once per table layout: checks and parsers ask for every table they read
            if alternate is not None:
                found = tuple(i for i in _identities(spec.with_alternate(alternate)) if i.rule.startswith("t3_"))
            else:
                rows = {r.key for r in spec.rows}
                found = tuple(i for i in self.identities if i.lhs[0][0] in rows)
            self._identities_memo[key] = found
        return self._identities_memo[key]

    @cached_property
    def _identities_memo(self) -> dict[tuple[str, str | None], tuple[Identity, ...]]:
        return {}

    def applies_to(self, year: int) -> bool:
        return self.years[0] <= year <= self.years[1]


# --- sections -------------------------------------------------------------------------

SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "overview",
        "一",
        "总体情况",
        ("概述", "基本情况", "概况", "总体工作情况", "工作概述", "政府信息公开工作总体情况"),
        ("总体", "概述", "概况", "基本情况"),
    ),
    SectionSpec(
        "active_disclosure",
        "二",
        "主动公开政府信息情况",
        ("主动公开情况", "主动公开政府信息的情况", "主动公开政府信息工作情况"),
        ("主动公开",),
    ),
    SectionSpec(
        "applications",
        "三",
        "收到和处理政府信息公开申请情况",
        ("依申请公开政府信息情况", "收到和处理政府信息公开申请的情况", "收到和处理政府信息公开申请工作情况"),
        ("申请",),
    ),
    SectionSpec(
        "appeals",
        "四",
        "政府信息公开行政复议、行政诉讼情况",
        (
            "因政府信息公开工作被申请行政复议和提起行政诉讼情况",
            "因政府信息公开工作被申请行政复议、提起行政诉讼情况",
            "因政府信息公开工作被申请行政复议提起行政诉讼情况",
            "因政府信息公开申请行政复议、提起行政诉讼的情况",
            "政府信息公开行政复议和行政诉讼情况",
            "政府信息公开行政复议、诉讼情况",
            "政府信息公开行政复议及行政诉讼情况",
        ),
        ("复议", "诉讼"),
    ),
    SectionSpec(
        "problems",
        "五",
        "存在的主要问题及改进情况",
        (
            "政府信息公开工作存在的主要问题及改进情况",
            "存在的主要问题和改进情况",
            "存在问题及改进措施",
            "存在的主要问题及整改措施",
            "存在的主要问题及改进措施",
            "存在的主要问题和改进措施",
            "存在的问题及改进措施",
            "存在的主要问题及整改情况",
            "主要问题及改进措施",
        ),
        ("问题", "不足", "改进", "整改"),
        opened_by_subheading=True,
    ),
    SectionSpec(
        "other_matters",
        "六",
        "其他需要报告的事项",
        ("其他需要报告事项", "其他需要报告的情况", "需要报告的其他事项", "其他事项"),
        ("其他",),
    ),
)
"""The six sections with the template's wording and the real wordings agencies use; a new
wording seen in a real report is added here, never special-cased in the parser."""
HEADING_ENDINGS: tuple[str, ...] = ("情况", "措施", "事项", "打算", "方向", "说明", "统计", "概述", "概况")
"""Words a section heading ends with: where a heading run into its text ends."""
SECTION_KEYS: tuple[str, ...] = tuple(s.key for s in SECTIONS)

# --- table 3 ----------------------------------------------------------------------------

APPLICANT_COLUMNS: tuple[Column, ...] = (
    Column("natural_person", "自然人"),
    Column("business", "商业企业"),
    Column("research", "科研机构"),
    Column("public_interest", "社会公益组织", ("社会组织",)),
    Column("legal_service", "法律服务机构"),
    Column("other_org", "其他"),
    Column("total", "总计"),
)
APPLICANT_PARTS: tuple[str, ...] = tuple(c.key for c in APPLICANT_COLUMNS[:-1])

_T3_HEAD: tuple[Row, ...] = (
    Row("received", "本年新收政府信息公开申请数量", "一、", ("本年新收政府信息公开申请", "本年新收申请数量")),
    Row("carried_over", "上年结转政府信息公开申请数量", "二、", ("上年结转政府信息公开申请", "上年结转申请数量")),
    Row("disclosed", "予以公开", "（一）", group="三、本年度办理结果"),
    Row(
        "partly_disclosed",
        "部分公开（区分处理的，只计这一情形，不计其他情形）",
        "（二）",
        ("部分公开(区分处理的,只计这一情形,不计其他情形)", "部分公开"),
    ),
    Row("withheld_state_secret", "属于国家秘密", "1.", group="（三）不予公开"),
    Row(
        "withheld_prohibited_by_law",
        "其他法律行政法规禁止公开",
        "2.",
        ("其他法律行政止公开", "其它法律行政法规禁止公开", "其他法律、行政法规禁止公开", "其他法律行政法规禁止公示"),
        group="（三）不予公开",
    ),
    Row(
        "withheld_security_stability",
        "危及“三安全一稳定”",
        "3.",
        ('危及"三安全一稳定"', "危及三安全一稳定"),
        group="（三）不予公开",
    ),
    Row("withheld_third_party", "保护第三方合法权益", "4.", group="（三）不予公开"),
    Row("withheld_internal_affairs", "属于三类内部事务信息", "5.", group="（三）不予公开"),
    Row("withheld_process_info", "属于四类过程性信息", "6.", group="（三）不予公开"),
    Row("withheld_enforcement_file", "属于行政执法案卷", "7.", group="（三）不予公开"),
    Row("withheld_query_matter", "属于行政查询事项", "8.", group="（三）不予公开"),
    Row("unavailable_not_held", "本机关不掌握相关政府信息", "1.", group="（四）无法提供"),
    Row("unavailable_needs_creation", "没有现成信息需要另行制作", "2.", group="（四）无法提供"),
    Row("unavailable_unclear", "补正后申请内容仍不明确", "3.", group="（四）无法提供"),
    Row("not_processed_complaint", "信访举报投诉类申请", "1.", group="（五）不予处理"),
    Row("not_processed_duplicate", "重复申请", "2.", group="（五）不予处理"),
    Row("not_processed_publication", "要求提供公开出版物", "3.", group="（五）不予处理"),
    Row(
        "not_processed_excessive",
        "无正当理由大量反复申请",
        "4.",
        ("无正当理由大量反覆申请",),  # 反覆: the traditional spelling, which 简体 also writes 覆
        group="（五）不予处理",
    ),
    Row(
        "not_processed_confirmation",
        "要求行政机关确认或重新出具已获取信息",
        "5.",
        group="（五）不予处理",
    ),
)
_T3_OTHER_V2021: tuple[Row, ...] = (
    Row(
        "other_no_correction",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "1.",
        ("申请人无正当理由逾期不补正",),
        group="（六）其他处理",
    ),
    Row(
        "other_unpaid_fee",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "2.",
        ("申请人逾期未按收费通知要求缴纳费用",),
        group="（六）其他处理",
    ),
    Row("other_other", "其他", "3.", group="（六）其他处理"),
)
_T3_OTHER_V2019: tuple[Row, ...] = (Row("other", "其他处理", "（六）"),)
_T3_TAIL: tuple[Row, ...] = (
    Row("processed_total", "总计", "（七）"),
    Row("carried_forward", "结转下年度继续办理", "四、", ("结转下年度继续", "结转下年度")),
)
T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANTS = "申请人情况"
T3_ORGANISATIONS = "法人或其他组织"
T3_ANCHORS = ("本列数据的勾稽关系", T3_APPLICANTS)


def _applications(other_rows: tuple[Row, ...], alternates: tuple[Row, ...] = ()) -> TableSpec:
    return TableSpec(
        "applications",
        3,
        "收到和处理政府信息公开申请情况",
        _T3_HEAD + other_rows + _T3_TAIL,
        APPLICANT_COLUMNS,
        T3_ANCHORS,
        alternates,
    )


# Some v2021 reports keep the v2019 layout of （六）其他处理: one row for the three.
_T3_OTHER_AS_ONE_ROW = Row(
    "other", "其他处理", "（六）", replaces=("other_no_correction", "other_unpaid_fee", "other_other")
)


def outcome_rows(table: TableSpec) -> tuple[str, ...]:
    """Row keys whose sum is （七）总计: 予以公开 … 其他处理."""
    keys = [r.key for r in table.rows]
    return tuple(keys[keys.index("disclosed") : keys.index("processed_total")])


# --- table 4 -------------------------------------------------------------------------------

APPEAL_COLUMNS: tuple[Column, ...] = (
    Column("upheld", "结果维持"),
    Column("corrected", "结果纠正"),
    Column("other", "其他结果"),
    Column("pending", "尚未审结"),
    Column("total", "总计"),
)
APPEALS = TableSpec(
    "appeals",
    4,
    "政府信息公开行政复议、行政诉讼情况",
    (
        Row("review", "行政复议"),
        Row("litigation_direct", "未经复议直接起诉", group="行政诉讼"),
        Row("litigation_after_review", "复议后起诉", group="行政诉讼"),
    ),
    APPEAL_COLUMNS,
    ("行政复议",),
)

# --- table 2 -------------------------------------------------------------------------------

_CAP1 = "第二十条第（一）项"
_CAP5 = "第二十条第（五）项"
_CAP6 = "第二十条第（六）项"
_CAP8 = "第二十条第（八）项"
_CAP9 = "第二十条第（九）项"
T2_CONTENT = "信息内容"
T2_ANCHORS = ("第二十条第（一）项", T2_CONTENT)

ACTIVE_V2021 = TableSpec(
    "active_disclosure",
    2,
    "主动公开政府信息情况",
    (
        Row("regulations", "规章", columns=("issued", "repealed", "in_force"), caption=_CAP1),
        Row(
            "normative_documents",
            "行政规范性文件",
            variants=("规范性文件",),
            columns=("issued", "repealed", "in_force"),
            caption=_CAP1,
        ),
        Row("licensing", "行政许可", columns=("decisions",), caption=_CAP5),
        Row("penalties", "行政处罚", columns=("decisions",), caption=_CAP6),
        Row("coercion", "行政强制", columns=("decisions",), caption=_CAP6),
        Row("fees", "行政事业性收费", columns=("amount",), caption=_CAP8),
    ),
    (
        Column("issued", "本年制发件数"),
        Column("repealed", "本年废止件数"),
        Column("in_force", "现行有效件数"),
        Column("decisions", "本年处理决定数量"),
        Column("amount", "本年收费金额（单位：万元）", ("本年收费金额",), kind="amount", unit="万元"),
    ),
    T2_ANCHORS,
)

ACTIVE_V2019 = TableSpec(
    "active_disclosure",
    2,
    "主动公开政府信息情况",
    (
        Row("regulations", "规章", columns=("made", "published", "total_published"), caption=_CAP1),
        Row(
            "normative_documents",
            "规范性文件",
            variants=("行政规范性文件",),
            columns=("made", "published", "total_published"),
            caption=_CAP1,
        ),
        Row("licensing", "行政许可", columns=("prior_items", "change", "decisions"), caption=_CAP5),
        Row(
            "other_services",
            "其他对外管理服务事项",
            columns=("prior_items", "change", "decisions"),
            caption=_CAP5,
        ),
        Row("penalties", "行政处罚", columns=("prior_items", "change", "decisions"), caption=_CAP6),
        Row("coercion", "行政强制", columns=("prior_items", "change", "decisions"), caption=_CAP6),
        Row("fees", "行政事业性收费", columns=("prior_items", "change"), caption=_CAP8),
        Row("procurement", "政府集中采购", columns=("projects", "amount"), caption=_CAP9),
    ),
    (
        Column("made", "本年新制作数量"),
        Column("published", "本年新公开数量"),
        Column("total_published", "对外公开总数量"),
        Column("prior_items", "上一年项目数量"),
        Column("change", "本年增/减", ("本年增减",), kind="signed"),
        Column("decisions", "处理决定数量", ("本年处理决定数量",)),
        Column("projects", "采购项目数量"),
        Column("amount", "采购总金额", kind="amount"),
    ),
    T2_ANCHORS,
)


# --- identities ------------------------------------------------------------------------


def _identities(t3: TableSpec) -> tuple[Identity, ...]:
    out: list[Identity] = []
    for c in APPLICANT_COLUMNS:
        out.append(
            Identity(
                "t3_balance",
                f"applications.{c.key}",
                (("received", c.key), ("carried_over", c.key)),
                (("processed_total", c.key), ("carried_forward", c.key)),
            )
        )
    for r in t3.rows:
        out.append(
            Identity(
                "t3_row_total",
                f"applications.{r.key}",
                ((r.key, "total"),),
                tuple((r.key, p) for p in APPLICANT_PARTS),
            )
        )
    outcomes = outcome_rows(t3)
    for c in APPLICANT_COLUMNS:
        out.append(
            Identity(
                "t3_outcome_total",
                f"applications.{c.key}",
                (("processed_total", c.key),),
                tuple((r, c.key) for r in outcomes),
            )
        )
    for g in APPEALS.rows:
        out.append(
            Identity(
                "t4_total",
                f"appeals.{g.key}",
                ((g.key, "total"),),
                tuple((g.key, c) for c in ("upheld", "corrected", "other", "pending")),
            )
        )
    return tuple(out)


_APPS_V2021 = _applications(_T3_OTHER_V2021, (_T3_OTHER_AS_ONE_ROW,))
_APPS_V2019 = _applications(_T3_OTHER_V2019)

V2021 = Template(
    "v2021",
    (2021, 2100),
    SECTIONS,
    {"active_disclosure": ACTIVE_V2021, "applications": _APPS_V2021, "appeals": APPEALS},
    _identities(_APPS_V2021),
    (
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
        "申请人无正当理由逾期不补正",
        "申请人逾期未按收费通知要求缴纳费用",
    ),
    (
        # 现行有效件数 = last year's 现行有效 + 本年制发 − 本年废止
        Continuity(
            "in_force_continuity",
            ("regulations", "normative_documents"),
            ((1, 1, "in_force"), (-1, 0, "in_force"), (-1, 1, "issued"), (1, 1, "repealed")),
        ),
    ),
)
V2019 = Template(
    "v2019",
    (2019, 2020),
    SECTIONS,
    {"active_disclosure": ACTIVE_V2019, "applications": _APPS_V2019, "appeals": APPEALS},
    _identities(_APPS_V2019),
    ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "政府集中采购", "其他对外管理服务事项"),
    (
        # 上一年项目数量 = last year's 上一年项目数量 + last year's 本年增/减
        Continuity(
            "prior_items_continuity",
            ("licensing", "other_services", "penalties", "coercion", "fees"),
            ((1, 1, "prior_items"), (-1, 0, "prior_items"), (-1, 0, "change")),
        ),
    ),
)
TEMPLATES: dict[str, Template] = {"v2019": V2019, "v2021": V2021}


def template_for_year(year: int | None) -> Template | None:
    """The template a report of ``year`` must use (None before 2019 or when unknown)."""
    if year is None:
        return None
    for t in TEMPLATES.values():
        if t.applies_to(year):
            return t
    return None


TABLE_HEADINGS: dict[str, tuple[str, ...]] = {
    "active_disclosure": (T2_CONTENT,),
    "applications": (T3_CORNER, T3_APPLICANTS, T3_ORGANISATIONS),
    "appeals": ("行政复议", "行政诉讼"),
}
"""Headings a table prints over its columns besides the columns' own labels."""
MEASURE_WORDS: tuple[str, ...] = ("万元", "元", "件", "条", "个", "项", "次")
"""Measure words a report prints after a cell's number (``0件``, ``246900元``); longest first,
for regular expressions."""
MONEY_UNITS: tuple[str, ...] = ("万元", "元")
"""The measure words of amounts (table 2's fees and procurement)."""
PERCENT = "%"

BLANK_MARKERS: frozenset[str] = frozenset({"", "/", "-", "—", "–", "－", "无", "無", "——", "／", "空"})
"""Cell texts that mean 'nothing written here'. Kept apart from 0."""
WORD_BLANK_MARKERS: frozenset[str] = frozenset({"无", "無", "空"})
"""The blank markers that are Chinese characters, words too (无法提供, 无正当理由): a mark only
where it stands apart among a row's values."""
CHAR_BLANK_MARKERS: frozenset[str] = frozenset(m for m in BLANK_MARKERS if len(m) == 1) - WORD_BLANK_MARKERS
"""The one-character blank markers no word holds (slashes and dashes): a mark wherever it stands."""

DEPARTMENT_DEADLINE = (1, 31)
GOVERNMENT_DEADLINE = (3, 31)

HEADING_PLACEHOLDERS: tuple[str, ...] = ("数据", "數據", "列", "栏", "欄", "字段", "Col", "Column", "col", "column")
"""Words that converters put in place of a table's column headings (``数据1 … 数据6``,
``Col2``): a cell holding one followed by its number is a heading, not a value."""


AGGREGATE_ROWS = ("received", "carried_over", "processed_total")
"""Table 3 rows (besides the outcome rows) whose totals region aggregates add up."""


def aggregate_cell_keys() -> tuple[str, ...]:
    """The cells that aggregates over a region read (dashboard figures, trends, rankings): the
    totals of table 3's received, carried-over, processed and outcome rows, and every cell of
    table 4, in both templates. The store indexes exactly these (a partial index), so that a
    province's sums read ~40 index entries a report instead of its ~200 cells."""
    keys: set[str] = set()
    for t in TEMPLATES.values():
        t3 = t.table("applications")
        keys |= {f"applications.{r}.total" for r in (*AGGREGATE_ROWS, *outcome_rows(t3))}
        for alt in t3.alternates:
            keys.add(f"applications.{alt.key}.total")
        keys |= {f"appeals.{r}.{c}" for r, c in t.table("appeals").cells()}
    return tuple(sorted(keys))
