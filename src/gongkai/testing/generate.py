"""Reports drawn from the model, deterministic from a seed, with planted defects.

``generate(seed)`` returns a ``GeneratedReport``: the canonical ``Report`` the rendered
document must read back to, the defects planted in it and the rules they must trigger.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from gongkai.model.agency import canonical_agency
from gongkai.model.report import Report, SourceFile, TableCells
from gongkai.model.template import (
    DEPARTMENT_DEADLINE,
    GOVERNMENT_DEADLINE,
    SECTION_KEYS,
    SECTIONS,
    TEMPLATES,
    V2019,
    V2021,
    Template,
)
from gongkai.render.text import space_numbers
from gongkai.testing import prose
from gongkai.testing.defects import (
    ALLOWED,
    ARITHMETIC_DEFECTS,
    DEFECTS,
    EXPECTED,
    GOVERNMENT_ONLY,
    SECTION_TITLE_KEYS,
    TABLE_PLANTERS,
    choose_defects,
    plant_blank_cells,
)
from gongkai.testing.names import LEVELS, Agency, Level, make_agency, partial_name, short_names, vary_department
from gongkai.testing.tables import SCALES, Scale
from gongkai.testing.tables import tables as make_tables

YEARS_V2019 = (2019, 2020)
YEARS_V2021 = (2021, 2025)
DEFECT_COUNT_WEIGHTS = {0: 5, 1: 4, 2: 1}
"""How many defects a report carries: half are clean."""
LATE_TABLE_DEFECTS = ("table_missing", "table_incomplete")
"""Applied after the text's numbers are drawn (the text still states them)."""
_LEVEL_WEIGHTS: dict[Level, float] = {
    "township": 2,
    "county_dept": 5,
    "county_gov": 2,
    "city_dept": 3,
    "city_gov": 1,
    "province_dept": 1,
    "province_gov": 1,
}


@dataclass
class GeneratedReport:
    report: Report
    seed: int
    level: Level
    defects: tuple[str, ...]
    expected: frozenset[str]
    """Rules that must be reported."""
    allowed: frozenset[str]
    """Rules that may be reported besides the expected ones."""
    facts: dict[str, int] = field(default_factory=dict)
    """Numbers the text states."""
    blanks: tuple[str, ...] = ()
    title_shape: str = "standard"
    """How the document names itself and its agency (``TITLE_SHAPES``)."""


TableDrawer = Callable[[random.Random, Template, Scale], dict[str, TableCells | None]]
"""Draws a report's tables (``tables.tables`` by default): a series of reports continues last
year's numbers with its own."""


def _year(rng: random.Random, t: Template) -> int:
    lo, hi = YEARS_V2019 if t.version == "v2019" else YEARS_V2021
    return rng.randint(lo, hi)


def _signed_on(rng: random.Random, year: int, government: bool, early: bool) -> dt.date:
    if early:
        return dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
    last = dt.date(year + 1, 3, 31) if government else dt.date(year + 1, 1, 31)
    first = dt.date(year + 1, 1, 5)
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


LATE_DAYS = (1, 60)
"""How late a late report is published, in days after its deadline."""


def _published_on(rng: random.Random, year: int, government: bool, late: bool) -> dt.date | None:
    """A publication date printed apart from the signature: only a late report gets one (the
    page then shows the signature date)."""
    if not late:
        return None
    month, day = GOVERNMENT_DEADLINE if government else DEPARTMENT_DEADLINE
    return dt.date(year + 1, month, day) + dt.timedelta(days=rng.randint(*LATE_DAYS))


TITLE_SHAPES: dict[str, float] = {
    "standard": 6,
    "year_first": 2,
    "broken": 2,
    "short_form": 2,
    "signature_only": 1,
    "preamble_only": 1,
    "preamble_partial": 1,
    "place_only": 0,
    "alias": 0,
    "year_inside": 0,
}
"""How a report names itself and its agency (drawn from a generator of its own, so a seed's
other draws stay as they were): ``standard`` ``{agency}{year}年…报告``; ``year_first``
``{year}年{agency}…``; ``broken`` either order, spaced digits and broken across two lines;
``short_form`` the agency in a short form (市科委, 区府办) in the title and maybe throughout;
``signature_only`` a title without agency, named only by the signature; ``preamble_only``
named only by the preamble (``…编制``, ``现公布…``), the signature a date alone;
``preamble_partial`` the preamble's name without its place (``现公布区统计局…``), the
signature's in full; ``place_only`` (a share of ``year_first`` for a government or a 街道办事处) the
title names the place alone and shares its 政府 with the report's name
(``2022年上海市政府信息公开工作年度报告``), nothing else names it; ``year_inside`` (a share of
``standard``) the year inside the report's words (``…管理委员会政府信息公开工作2020年度报告``,
a real page)."""
PLACE_ONLY_SHARE = 0.5
"""Of a government's ``year_first`` titles, the share printed with the place alone."""
LOCAL_PREAMBLE_SHARE = 0.3
"""Of a county's or town's ``standard`` titles, the share whose preamble names the government
without its higher units (``由柳南区人民政府编制``)."""
YEAR_INSIDE_SHARE = 0.1
"""Of the ``standard`` titles, the share printed with the year inside the report's words."""
ALIAS_SHARE = 0.15
"""Of a department's ``standard`` titles, the share printed with a short name the preamble
declares (``由…办公室(以下简称自治区北部湾办)编制``): the ``alias`` shape."""


def _alias(agency: Agency) -> str | None:
    """A short name for a department that no declared short form expands (县生态局): its unit
    and the department's first two characters and last; None for a government or where the
    short forms already know it."""
    if agency.is_government or not agency.name.startswith(agency.place):
        return None
    department = agency.name[len(agency.place) :]
    short = department[:2] + ("委" if department.endswith("委员会") else department[-1])
    alias = agency.place[-1] + short
    if short == department or canonical_agency(agency.place + short) == canonical_agency(agency.name):
        return None
    return alias


NAMELESS_SHAPES = frozenset({"signature_only", "preamble_only", "preamble_partial"})
"""Shapes whose title names no agency (nor does the text outside the preamble)."""
SELF_REFERENCE = "本机关"
"""What the text says in place of the agency's name where a shape leaves it out."""


@dataclass(frozen=True)
class Naming:
    """How the document prints the agency: title, signature (None: the agency's name; ``""``:
    none), the preamble sentence that names it (or None), and the name the rest of the text
    uses."""

    shape: str
    title: str
    signature: str | None = None
    preamble: str | None = None
    text_name: str | None = None


def _title(rng: random.Random, agency: Agency, year: int, off_form: bool) -> tuple[str, str]:
    """The title's words after the agency: the year and the report's name."""
    if off_form:
        # still a title, but not the template's 政府信息公开工作年度报告
        # the last two garbled or cut after 信息公开 (工作告年度报: a real 辽宁 page)
        return f"{year}年", rng.choice(
            (
                "政府信息公开工作报告",
                "政务公开工作年度报告",
                "政务信息公开工作开展年度报告",
                "信息公开工作报告",
                "政府信息公开工作告年度报",
                "政府信息公开工作年度",
            )
        )
    return f"{year}{rng.choice(('年', '年度'))}", "政府信息公开工作年度报告"


def _naming(vrng: random.Random, agency: Agency, year_word: str, words: str, year: int, shape: str | None) -> Naming:
    shape = shape or vrng.choices(list(TITLE_SHAPES), weights=list(TITLE_SHAPES.values()))[0]
    shorts = short_names(agency.name)
    partial = partial_name(agency.name)
    if (shape == "short_form" and not shorts) or (shape == "preamble_partial" and partial is None):
        shape = "standard"
    name = agency.name
    if shape == "standard":
        alias = _alias(agency)
        if alias is not None and vrng.random() < ALIAS_SHARE:
            # a short name of its own, declared in the preamble (自治区北部湾办, a real page)
            preamble = f"本年度报告由{name}（以下简称{alias}）编制。"
            return Naming("alias", f"{alias}{year_word}{words}", vrng.choice((None, "")), preamble, None)
        local = f"{agency.place}人民政府"
        if agency.is_government and local != name and vrng.random() < LOCAL_PREAMBLE_SHARE:
            # the preamble names the body without its higher units (柳南区人民政府 under the
            # title's 柳州市柳南区人民政府, a real page): one body, not two that disagree
            return Naming(shape, f"{name}{year_word}{words}", preamble=f"本年度报告由{local}编制。")
        if words.endswith("年度报告") and vrng.random() < YEAR_INSIDE_SHARE:
            return Naming("year_inside", f"{name}{words.removesuffix('年度报告')}{year}年度报告")
        return Naming(shape, f"{name}{year_word}{words}")
    if shape == "year_first":
        # the place a government or a 街道办事处 governs, as the generator named it (not as
        # the parser's region table would cut it)
        place = name.removesuffix("人民政府").removesuffix("办事处")
        if place != name and words.startswith("政府信息公开") and vrng.random() < PLACE_ONLY_SHARE:
            return Naming("place_only", f"{year_word}{place}{words}", "", None, SELF_REFERENCE)
        return Naming(shape, f"{year_word}{name}{words}")
    if shape == "broken":
        title = space_numbers(vrng.choice((f"{name}{year_word}{words}", f"{year_word}{name}{words}")))
        cut = len(title) - vrng.randint(1, 4)  # ``…政府信息公开工作`` / ``年度报告``
        return Naming(shape, f"{title[:cut]}\n{title[cut:]}")
    if shape == "short_form":
        short = vrng.choice(shorts)
        title = vrng.choice((f"{short}{year_word}{words}", f"{year_word}{short}{words}"))
        # the full name at the end, or the short one throughout, or no name but the title's
        signature = vrng.choice((None, short, ""))
        return Naming(shape, title, signature, text_name=None if signature is None else short)
    title = f"{year_word}{words}"
    if shape == "signature_only":
        return Naming(shape, title, text_name=SELF_REFERENCE)
    if shape == "preamble_only":
        preamble = vrng.choice(
            (
                f"本报告由{name}根据《中华人民共和国政府信息公开条例》编制。",
                f"{name}根据《中华人民共和国政府信息公开条例》要求，编制了本报告。",
                f"根据《中华人民共和国政府信息公开条例》规定，现公布{name}{year}年政府信息公开工作年度报告。",
                f"本报告依据《中华人民共和国政府信息公开条例》编制。现将{name}{year}年度政府信息公开工作情况报告如下：",
                f"本年度报告根据《中华人民共和国政府信息公开条例》要求，汇总{year}年{name}的政府信息公开年度报告编制而成。",
                # 由安康市统计局围绕2020年度政府信息公开工作情况编制而成 (a 陕西 page)
                f"本年度报告根据《中华人民共和国政府信息公开条例》要求，由{name}围绕{year}年度政府信息公开工作情况编制而成。",
                # 人民政府 sharing its 政府 with 政府信息公开 (现公布2023年长春市二道区人民政府信息公开…)
                f"根据《中华人民共和国政府信息公开条例》规定，现公布{year}年{name}"
                + ("" if name.endswith("政府") else "政府")
                + "信息公开工作年度报告。",
                f"根据《中华人民共和国政府信息公开条例》的规定，我单位编制了{name}{year}年政府信息公开工作年度报告。",
                f"根据《中华人民共和国政府信息公开条例》要求，现发布《{name}{year}年政府信息公开工作年度报告》。",
                # a department's own office compiles it (由海南省地震局办公室编制): the department's report
                *(() if agency.is_government or name.endswith("办事处") else (f"本报告由{name}办公室编制。",)),
                # a 街道's 综合办公室 compiles its 办事处's report (a 无锡 page)
                *((f"本报告由{name.removesuffix('办事处')}综合办公室编制。",) if name.endswith("街道办事处") else ()),
                # 编制 with no 了 (an 安徽 page); 结合{name}{year}年…工作编制而成 (another)
                f"根据《中华人民共和国政府信息公开条例》要求，编制{name}{year}年度政府信息公开工作年度报告。",
                f"本报告依据《中华人民共和国政府信息公开条例》要求，结合{name}{year}年政府信息公开工作编制而成。",
                # 现公开 (a 温州 and a 大冶 page)
                f"根据《中华人民共和国政府信息公开条例》的规定，现公开{name}{year}年政府信息公开工作年度报告。",
                # the contents sentence, the body's 政府 shared with 政府信息公开 (兴安盟's reports)
                f"本年度报告根据《中华人民共和国政府信息公开条例》制作。全文包括{name}"
                + ("" if name.endswith("政府") else f"{year}年政府")
                + "信息公开总体情况，主动公开政府信息情况，收到和处理政府信息公开申请情况。",
            )
        )
        return Naming(shape, title, "", preamble, SELF_REFERENCE)
    preamble = f"根据《中华人民共和国政府信息公开条例》规定，现公布{partial}{year}年政府信息公开工作年度报告。"
    return Naming(shape, title, None, preamble, SELF_REFERENCE)


def _named(text: str | None, agency: Agency, naming: Naming) -> str | None:
    """``text`` with the agency's name as the shape prints it outside title and signature."""
    if text is None or naming.text_name is None:
        return text
    return text.replace(agency.name, naming.text_name)


def _period_year(rng: random.Random, year: int, wrong: bool) -> int | None:
    """The year the statistics period names: the report's; or, planted, none at all or last
    year's (a sentence carried over from last year's report)."""
    if not wrong:
        return year
    return rng.choice((None, year - 1))


def _section_titles(rng: random.Random, slipped: bool) -> dict[str, str]:
    """A heading numbered in digits (``2、主动公开…``). (A space in ``二 、`` is no slip
    worth a finding: PDF text puts spaces everywhere.)"""
    if not slipped:
        return {}
    key = rng.choice(SECTION_TITLE_KEYS)
    i, s = next((i, s) for i, s in enumerate(SECTIONS) if s.key == key)
    return {key: f"{i + 1}、{s.title}"}


PERIOD_FORMS: tuple[str, ...] = (
    "本年度报告中所列数据的统计期限自{y}年1月1日起，至{y}年12月31日止。",
    "本报告所列数据统计期限为{y}年全年。",
    "统计期限：{y}.1.1-{y}.12.31。",
    "本报告所列数据统计时间为{y}-01-01至{y}-12-31。",
)
PERIOD_FORM_WEIGHTS = (7, 1, 1, 1)
"""How the preamble states the statistics period: the template's words, and other forms a report may
use (the whole year, dotted and ISO dates; anticipated, not yet seen on a real page)."""


def _intro(rng: random.Random, agency: Agency, period_year: int | None) -> list[str]:
    year = period_year
    # other ways real reports state it, drawn apart so that a seed's other draws stay as they were
    form = random.Random(f"{agency.name}{year}").choices(PERIOD_FORMS, weights=PERIOD_FORM_WEIGHTS)[0]
    period = form.format(y=year) if year else ""
    basis = rng.choice(
        (
            "本报告根据《中华人民共和国政府信息公开条例》和《中华人民共和国政府信息公开工作年度报告格式》要求编制。",
            "根据《中华人民共和国政府信息公开条例》规定，现公布本年度政府信息公开工作年度报告。",
        )
    )
    contact = (
        f"如对本报告有疑问，请与{agency.name}联系（电话：0{rng.randint(100, 999)}-{rng.randint(1000000, 9999999)}）。"
    )
    return [basis, period + contact]


def _pick_defects(
    rng: random.Random, t: Template, agency: Agency, defects: tuple[str, ...] | None, invisible: frozenset[str]
) -> tuple[str, ...]:
    if defects is not None:
        return defects
    count = rng.choices(list(DEFECT_COUNT_WEIGHTS), weights=list(DEFECT_COUNT_WEIGHTS.values()))[0]
    pool = tuple(
        d
        for d in DEFECTS
        if (t.version == "v2021" or d != "fee_statement_missing")
        and (agency.is_government or d not in GOVERNMENT_ONLY)
        and d not in invisible
    )
    return choose_defects(rng, count, pool)


VARIANT_SHARE = 0.25
"""Share of reports that state their numbers in each of ``prose.Variants``' ways."""


def _variants(
    vrng: random.Random, tables: dict[str, TableCells | None], facts: dict[str, int], said: dict[str, int]
) -> prose.Variants:
    """The ways this report states its numbers. ``共受理N件`` (received and carried over) only
    where the text states both truly (a lie stated so might come out as the table's number);
    the denial of corrected cases only where table 4 has none."""
    appeals = tables.get("appeals") or {}
    groups = ("review", "litigation_direct", "litigation_after_review")
    corrected = [(appeals.get(g) or {}).get("corrected") for g in groups]
    none_corrected = bool(appeals) and all(c is not None and c.value == 0 for c in corrected)
    honest = all(said[k] == facts[k] for k in ("received", "carried_over"))
    return prose.Variants(
        outcomes_summed=vrng.random() < VARIANT_SHARE,
        received_with_carried=vrng.random() < VARIANT_SHARE and honest,
        denial=vrng.random() < VARIANT_SHARE and none_corrected,
    )


def _lie(rng: random.Random, facts: dict[str, int]) -> dict[str, int]:
    """One number of the text that disagrees with the table."""
    if facts["received"] == 0 and facts["carried_over"] == 0:
        return {**facts, "received": rng.randint(1, 9)}
    key = rng.choice(("received", "received", "carried_forward", "disclosed"))
    true = facts[key]
    if key == "received" and true > 0 and rng.random() < 0.3:
        return {**facts, "received": 0, "carried_over": 0}
    lie = true + rng.randint(1, 9) * (1 if true < 10 or rng.random() < 0.5 else -1)
    if key == "received" and lie == true + facts["carried_over"]:
        # 收到 N 件 may count last year's carried-over ones too: that would be no lie
        lie += 1
    return {**facts, key: lie}


def generate(
    seed: int,
    template: str | None = None,
    defects: tuple[str, ...] | None = None,
    level: Level | None = None,
    invisible: frozenset[str] = frozenset(),
    *,
    agency: Agency | None = None,
    year: int | None = None,
    draw_tables: TableDrawer | None = None,
    title_shape: str | None = None,
    late_variants: bool = True,
) -> GeneratedReport:
    """A report drawn from ``seed``. ``defects=None`` draws them (half the reports are clean),
    never one of ``invisible`` (those the document's format cannot show); ``defects=()``
    gives a consistent report. ``agency``, ``year`` and ``draw_tables`` fix who reports, for
    which year, and how its tables are drawn (a series of one agency's years); ``title_shape``
    how the document names its agency (``TITLE_SHAPES``; drawn unless given). ``late_variants``:
    the ways of stating numbers added last (a series, whose texts are compared year with year,
    keeps the texts it was built with)."""
    rng = random.Random(seed)
    # variants added after the corpus was first drawn come from their own generator: ``rng``'s
    # draws (tables, defects, prose) stay as they were
    vrng = random.Random(f"{seed}:variants")
    t = TEMPLATES[template] if template else rng.choice((V2019, V2021))
    if agency is not None:
        level = agency.level
    level = level or rng.choices(list(_LEVEL_WEIGHTS), weights=list(_LEVEL_WEIGHTS.values()))[0]
    assert level in LEVELS
    agency = agency or vary_department(vrng, make_agency(rng, level))
    planted = _pick_defects(rng, t, agency, defects, invisible)
    if year is None:
        wrong = "template_mismatch" in planted
        year = _year(rng, V2021 if t.version == "v2019" else V2019) if wrong else _year(rng, t)

    tables: dict[str, TableCells | None] = (draw_tables or make_tables)(rng, t, SCALES[level])
    blanks: list[str] = []
    for d in planted:
        if d in ARITHMETIC_DEFECTS or d == "bad_number":
            TABLE_PLANTERS[d](rng, t, tables)
    if "blank_cells" in planted:
        # after the arithmetic defects, which need numbers to shift
        blanks = plant_blank_cells(rng, t, tables)
    facts = prose.table_facts(t, tables)
    for d in planted:
        if d in LATE_TABLE_DEFECTS:
            TABLE_PLANTERS[d](rng, t, tables)
    said = _lie(rng, facts) if "narrative_mismatch" in planted else facts

    items = rng.randint(20, 3000)
    v = _variants(vrng, tables, facts, said)
    # a generator of its own again: ``vrng`` draws the title's shape after this
    if late_variants:
        late = random.Random(f"{seed}:late-variants")
        v = replace(v, attributes=late.random() < VARIANT_SHARE, fee_in_words=late.random() < VARIANT_SHARE)
    sections: dict[str, str | None] = {
        "overview": prose.overview(rng, agency, year, said, items, v),
        "active_disclosure": prose.active(rng, said),
        "applications": prose.applications(rng, said, year, force="narrative_mismatch" in planted, v=v),
        "appeals": prose.appeals(rng, said, v),
        "problems": prose.problems(rng, empty="problems_empty" in planted),
        "other_matters": prose.other_matters(
            rng,
            t.version == "v2021",
            "fee_statement_missing" not in planted,
            agency.is_government and "government_assessment_missing" not in planted,
            v,
        ),
    }
    if "section_missing" in planted:
        sections[rng.choice(("overview", "problems", "other_matters"))] = None
    period = _period_year(rng, year, "statistics_period" in planted)
    year_word, words = _title(rng, agency, year, "title_form" in planted)
    naming = _naming(vrng, agency, year_word, words, year, title_shape)
    notes = [_named(n, agency, naming) or "" for n in _intro(rng, agency, period)]
    if naming.preamble:
        notes[0] = naming.preamble
    sections = {k: _named(v, agency, naming) for k, v in sections.items()}
    report = Report(
        SourceFile(f"generated/{seed}", "", "model"),
        agency=agency.name,
        year=year,
        template=t.version,
        title=naming.title,
        signed_on=_signed_on(rng, year, agency.is_government, "signed_before_period_end" in planted),
        published_on=_published_on(rng, year, agency.is_government, "published_late" in planted),
        sections=sections,
        section_titles=_section_titles(rng, "section_title" in planted),
        tables=tables,
        notes=notes,
        statistics_period=(dt.date(period, 1, 1), dt.date(period, 12, 31)) if period else None,
        is_government=agency.is_government,
        signature_name=naming.signature,
    )
    assert set(report.sections) == set(SECTION_KEYS)
    expected = frozenset().union(*(EXPECTED[d] for d in planted)) if planted else frozenset()
    allowed = frozenset().union(*(ALLOWED.get(d, frozenset()) for d in planted)) if planted else frozenset()
    if naming.shape == "year_inside":
        allowed |= {"title_form"}  # the year out of the template's place in the title: a shape, no defect
    return GeneratedReport(
        report, seed, level, planted, expected, allowed - expected, said, tuple(blanks), naming.shape
    )
