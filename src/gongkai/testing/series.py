"""Series of reports: agencies, each with consecutive years, and planted defects across years.

``generate_series(n_agencies, seed)`` draws ``n_agencies`` agencies (a government comes with
its departments) and each one's reports for consecutive years, deterministically from the
seed. Every year continues the one before as a real agency's would: this year's 上年结转 is
last year's 结转下年度, 现行有效件数 continues last year's, nothing is repealed that was not in
force, sections 一/五/六 are written anew, and a 本级政府 report's table 3 is its departments'
sum plus its own office's applications. Then some years get one defect of a rule across
reports (``ACROSS_DEFECTS``), and each report records the across rules that must fire for it;
the other years are clean.

A defect breaks as little as it can: a shifted 上年结转 keeps table 3 balanced; the year before a
copied set of tables is drawn so that the copy breaks no continuity (it carries forward what it
carried over and repeals what it issues), so only ``tables_identical`` fires; a department
under-reports its 上年结转 (over-reporting would also break its government's sum); repealing
more than there was must also break 现行有效's continuity (nothing can be in force below zero).
``checks.md`` names no measure of "largely the same": texts are written against the rule's own
(``checks.across.similarity``), well inside each grade, so what is measured is whether the
sections reach the rule intact through document, reader and store.
"""

from __future__ import annotations

import copy
import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from gongkai.checks.across import IN_FORCE_ROWS, REUSE_ERROR, REUSE_SECTIONS, REUSE_WARNING, similarity
from gongkai.model.report import Report, Severity, TableCells
from gongkai.model.template import APPLICANT_PARTS, Template, outcome_rows, template_for_year
from gongkai.testing import prose
from gongkai.testing import tables as tbl
from gongkai.testing.generate import GeneratedReport, generate
from gongkai.testing.names import DEPARTMENT_LEVEL, DEPARTMENTS, Agency, Level, department_of, make_agency
from gongkai.testing.tables import SCALES, Scale, count_cell

FIRST_YEAR, LAST_YEAR = 2019, 2025
YEARS_PER_AGENCY = (3, 5)
DEPARTMENTS_PER_GOVERNMENT = (2, 4)
GOVERNMENT_SHARE = 0.35
"""Share of the drawn agencies that are governments (each with its departments)."""
PLANT_SHARE = 0.5
"""Share of the years with a last year that get a defect."""
_STANDALONE_WEIGHTS: dict[Level, float] = {
    "township": 2,
    "county_dept": 4,
    "county_gov": 1,
    "city_dept": 3,
    "city_gov": 1,
    "province_dept": 1,
    "province_gov": 1,
}
_GOVERNMENT_LEVELS: tuple[Level, ...] = ("county_gov", "county_gov", "city_gov", "province_gov")

CARRYOVER = "carryover_mismatch"
IN_FORCE = "in_force_continuity"
REPEALED = "t2_repealed_bound"
REUSE_ERROR_DEFECT = "text_reuse_error"
REUSE_WARNING_DEFECT = "text_reuse_warning"
IDENTICAL = "tables_identical"
AGGREGATE = "aggregate_mismatch"
ACROSS_DEFECTS: tuple[str, ...] = (
    CARRYOVER,
    IN_FORCE,
    REPEALED,
    REUSE_ERROR_DEFECT,
    REUSE_WARNING_DEFECT,
    IDENTICAL,
    AGGREGATE,
)
EXPECTED: dict[str, frozenset[str]] = {
    CARRYOVER: frozenset({"carryover_mismatch"}),
    IN_FORCE: frozenset({"in_force_continuity"}),
    # repealing more than there was leaves nothing that 现行有效 can continue: in force would
    # have to be negative, so the continuity breaks with the bound
    REPEALED: frozenset({"t2_repealed_bound", "in_force_continuity"}),
    REUSE_ERROR_DEFECT: frozenset({"text_reuse"}),
    REUSE_WARNING_DEFECT: frozenset({"text_reuse"}),
    IDENTICAL: frozenset({"tables_identical"}),
    AGGREGATE: frozenset({"aggregate_mismatch"}),
}
"""Across rules each defect must trigger."""
GRADE: dict[str, Severity] = {REUSE_ERROR_DEFECT: "error", REUSE_WARNING_DEFECT: "warning"}

CLEAN_SIMILARITY = 0.75
"""A section written anew stays below this similarity to last year's (the generator's sentence
pools are small, so two independent drafts can be 'largely the same' by chance: they are drawn
again)."""
WARNING_WINDOW = (REUSE_WARNING + 0.03, REUSE_ERROR - 0.03)
"""Similarity of a section partly rewritten from last year's (a warning, not near either bound)."""
COPY_SIMILARITY = REUSE_ERROR + 0.03
MIN_IDENTICAL_NONZERO = 12
"""Non-zero cells a copied table set has at least (the rule needs 10)."""
REDRAWS = 200
REDRAWS_TEXT = 20
DELTA = (1, 9)

_REWRITES = (
    "本年度新建了政务公开专区，集中发布重点领域信息",
    "我们对照上级考核指标逐项梳理了公开目录",
    "全年组织业务骨干赴先进地区学习交流两次",
    "新增依申请公开网上办理渠道，实现全程留痕",
    "针对群众反映集中的问题开展了专项整改",
    "与融媒体中心合作推出政策解读专栏",
    "建立了公开工作月通报制度，定期通报各科室进展",
    "重新修订了信息发布保密审查办法",
    "在便民服务中心设置了政府信息查阅点",
    "邀请人大代表、政协委员对公开工作进行评议",
    "梳理公布了本单位权责清单和公共服务事项清单",
    "对历年发布的规范性文件进行了全面清理",
)
"""Clauses an agency writes into last year's text when it rewrites part of it."""


@dataclass
class SeriesReport:
    gen: GeneratedReport
    defect: str | None
    """The across defect planted in this year (None: a clean year)."""
    expected: frozenset[str]
    """Across rules that must be reported for this report."""
    grade: Severity | None = None
    """The severity ``text_reuse`` must have (its grade of similarity)."""
    government: str | None = None
    """For a department: its government's name."""

    @property
    def report(self) -> Report:
        return self.gen.report

    @property
    def agency(self) -> str:
        return self.gen.report.agency or ""

    @property
    def year(self) -> int:
        return self.gen.report.year or 0


@dataclass
class Series:
    seed: int
    reports: list[SeriesReport] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)
    """Every agency, departments included."""
    departments: dict[str, list[str]] = field(default_factory=dict)
    """Government name → its departments' names."""

    def planted(self) -> dict[str, int]:
        out = dict.fromkeys(ACROSS_DEFECTS, 0)
        for r in self.reports:
            if r.defect:
                out[r.defect] += 1
        return out


# --- the agencies ----------------------------------------------------------------------------


@dataclass
class _Unit:
    """One agency's run of years (a government's departments are units of their own)."""

    agency: Agency
    years: list[int]
    index: int
    government: _Unit | None = None
    departments: list[_Unit] = field(default_factory=list)
    reports: dict[int, SeriesReport] = field(default_factory=dict)
    steady: set[int] = field(default_factory=set)
    """Years drawn so that next year's copy of their tables continues them (``tables_identical``)."""


_PLACE = re.compile(r"[\u4e00-\u9fff]{2}(?:省|市|县|区|镇|乡|街道)")


def _places(a: Agency) -> set[str]:
    return set(_PLACE.findall(a.name.removesuffix("人民政府"))) | {a.place}


def _draw_units(rng: random.Random, n_agencies: int) -> list[_Unit]:
    used: set[str] = set()

    def fresh(level: Level) -> Agency:
        # distinct agencies serve distinct places: two departments of one name would be one agency
        while True:
            a = make_agency(rng, level)
            if not _places(a) & used:
                used.update(_places(a))
                return a

    units: list[_Unit] = []
    for i in range(n_agencies):
        n_years = rng.randint(*YEARS_PER_AGENCY)
        start = rng.randint(FIRST_YEAR, LAST_YEAR - n_years + 1)
        years = list(range(start, start + n_years))
        if i == 0 or rng.random() < GOVERNMENT_SHARE:
            gov = _Unit(fresh(rng.choice(_GOVERNMENT_LEVELS)), years, len(units))
            units.append(gov)
            for d in rng.sample(DEPARTMENTS, rng.randint(*DEPARTMENTS_PER_GOVERNMENT)):
                dept = _Unit(department_of(gov.agency, d), years, len(units), government=gov)
                gov.departments.append(dept)
                units.append(dept)
        else:
            levels = list(_STANDALONE_WEIGHTS)
            level = rng.choices(levels, weights=[_STANDALONE_WEIGHTS[x] for x in levels])[0]
            units.append(_Unit(fresh(level), years, len(units)))
    return units


# --- tables ------------------------------------------------------------------------------------


def _v(r: Report, table: str, row: str, col: str) -> int:
    return int(r.value(table, row, col) or 0)


def _forward(prev: Report | None) -> dict[str, int] | None:
    if prev is None or not prev.tables.get("applications"):
        return None
    return {c: _v(prev, "applications", "carried_forward", c) for c in APPLICANT_PARTS}


def _active(rng: random.Random, t: Template, scale: Scale, prev: Report | None, steady: bool) -> TableCells:
    if t.version == "v2021":
        before = None
        if prev is not None and prev.template == "v2021":
            before = {row: _v(prev, "active_disclosure", row, "in_force") for row in IN_FORCE_ROWS}
        return tbl.active_v2021(rng, scale, before, steady)
    prior = None
    if prev is not None and prev.template == "v2019":
        rows = ("licensing", "other_services", "penalties", "coercion", "fees")
        prior = {
            row: _v(prev, "active_disclosure", row, "prior_items") + _v(prev, "active_disclosure", row, "change")
            for row in rows
        }
    return tbl.active_v2019(rng, scale, prior)


def _add(a: TableCells, b: TableCells) -> TableCells:
    out: TableCells = {}
    for rkey, row in a.items():
        other = b.get(rkey) or {}
        out[rkey] = {c: count_cell(int(cell.value or 0) + int(other[c].value or 0)) for c, cell in (row or {}).items()}
    return out


def _shift(table: TableCells, row: str, col: str, d: int) -> None:
    cells = table[row]
    assert cells is not None
    for c in (col, "total") if col != "total" else ("total",):
        cells[c] = count_cell(int(cells[c].value or 0) + d)


def _nonzero(tables: Mapping[str, TableCells | None]) -> int:
    return sum(
        1
        for t in tables.values()
        for row in (t or {}).values()
        for c in (row or {}).values()
        if c.value not in (None, 0)
    )


def _plant_carryover(rng: random.Random, apps: TableCells, down_only: bool, up_only: bool) -> bool:
    """上年结转 no longer last year's 结转下年度 in one column; the table still balances."""
    before = {c: int(apps["carried_over"][c].value or 0) for c in APPLICANT_PARTS}  # type: ignore[index]
    downs = [c for c in APPLICANT_PARTS if before[c] > 0]
    if up_only or not downs or (not down_only and rng.random() < 0.5):
        if down_only:
            return False
        col, d = rng.choice(APPLICANT_PARTS[:3]), rng.randint(*DELTA)
        _shift(apps, "carried_over", col, d)
        _shift(apps, "carried_forward", col, d)
        return True
    col = rng.choice(downs)
    d = rng.randint(1, min(before[col], DELTA[1]))
    _shift(apps, "carried_over", col, -d)
    _shift(apps, "received", col, d)
    return True


def _plant_in_force(rng: random.Random, active: TableCells) -> None:
    row = rng.choice(IN_FORCE_ROWS)
    now = int(active[row]["in_force"].value or 0)  # type: ignore[index]
    d = rng.randint(*DELTA)
    if now >= d and rng.random() < 0.5:
        d = -d
    active[row]["in_force"] = count_cell(now + d)  # type: ignore[index]


def _plant_repealed(rng: random.Random, active: TableCells, prev: Report) -> None:
    row = rng.choice(IN_FORCE_ROWS)
    cells = active[row]
    assert cells is not None
    bound = _v(prev, "active_disclosure", row, "in_force") + int(cells["issued"].value or 0)
    cells["repealed"] = count_cell(bound + rng.randint(*DELTA))


def _plant_aggregate(rng: random.Random, t: Template, gov: TableCells, own_received: int) -> bool:
    """The government left some of its departments' applications out: in one column, the
    received and processed applications drop by more than its own office received."""
    outcomes = outcome_rows(t.table("applications"))
    need = own_received + rng.randint(*DELTA)
    for col in sorted(APPLICANT_PARTS, key=lambda c: -int(gov["received"][c].value or 0)):  # type: ignore[index]
        received = int(gov["received"][col].value or 0)  # type: ignore[index]
        processed = int(gov["processed_total"][col].value or 0)  # type: ignore[index]
        if received < need or processed < need:
            continue
        left = need
        for row in outcomes:
            have = int(gov[row][col].value or 0)  # type: ignore[index]
            take = min(have, left)
            if take:
                _shift(gov, row, col, -take)
                left -= take
        _shift(gov, "received", col, -need)
        _shift(gov, "processed_total", col, -need)
        return True
    return False


# --- sections -------------------------------------------------------------------------------


_CLAUSE = re.compile(r"[^，。；：\n]+[，。；：]?")


def _redraw(rng: random.Random, gen: GeneratedReport, agency: Agency, key: str) -> str:
    r = gen.report
    if key == "overview":
        return prose.overview(rng, agency, r.year or 0, gen.facts, rng.randint(20, 3000))
    if key == "problems":
        return prose.problems(rng)
    return prose.other_matters(rng, r.template == "v2021", True, agency.is_government)


_HEADING = re.compile(r"^(?:（[一二三四五六七八九十]+）|\d+[.、])")


def _rewrite(rng: random.Random, base: str, against: str, lo: float, hi: float) -> str | None:
    """``base`` with clauses (not headings) replaced by new ones, one at a time, until its
    similarity to ``against`` is in [lo, hi); None when the replacements run out first."""
    pieces = [[m.group(0) for m in _CLAUSE.finditer(line)] for line in base.split("\n")]
    slots = [(i, j) for i, p in enumerate(pieces) for j, u in enumerate(p) if len(u) >= 6 and not _HEADING.match(u)]
    rng.shuffle(slots)
    pool = [x for x in _REWRITES if x not in base and x not in against]
    rng.shuffle(pool)
    for i, j in slots:
        if not pool:
            break
        old = pieces[i][j]
        end = old[-1] if old[-1] in "，。；：" else ""
        pieces[i][j] = pool[-1] + end
        text = "\n".join("".join(p) for p in pieces)
        sim = similarity(text, against)
        if sim < lo:
            pieces[i][j] = old
            continue
        pool.pop()
        if sim < hi:
            return text
    return None


def _write_sections(
    rng: random.Random, gen: GeneratedReport, agency: Agency, prev: Report | None, defect: str | None
) -> bool:
    """Sections 一/五/六 against last year's: new (clean), copied (error) or partly rewritten (warning)."""
    if prev is None:
        return True
    r = gen.report
    year, last_year = r.year or 0, prev.year or 0
    for key in REUSE_SECTIONS:
        before = prev.sections.get(key) or ""
        if defect == REUSE_ERROR_DEFECT:
            copied = before.replace(f"{last_year}年", f"{year}年")
            r.sections[key] = copied if similarity(copied, before) >= COPY_SIMILARITY else before
            continue
        if defect == REUSE_WARNING_DEFECT and key == "overview":
            text = _rewrite(rng, before, before, *WARNING_WINDOW)
            if text is None:
                return False
            r.sections[key] = text
            continue
        r.sections[key] = _anew(rng, gen, agency, key, before)
    return True


def _anew(rng: random.Random, gen: GeneratedReport, agency: Agency, key: str, before: str) -> str:
    """This year's text of a section, unlike last year's: drawn again, and where the sentence
    pools allow no other draft (section 六 is much the same boilerplate in every draw),
    partly rewritten."""
    now = gen.report.sections.get(key) or ""
    for _ in range(REDRAWS_TEXT):
        if similarity(now, before) < CLEAN_SIMILARITY:
            return now
        now = _redraw(rng, gen, agency, key)
    text = _rewrite(rng, now, before, 0.0, CLEAN_SIMILARITY)
    if text is None:
        raise RuntimeError(f"no new text for {key} of {agency.name} {gen.report.year} unlike last year's")
    return text


# --- the series -------------------------------------------------------------------------------


def _feasible(unit: _Unit, year: int, prev: Report | None, t: Template) -> list[str]:
    """Defects this year of this unit can carry."""
    if prev is None:
        return []
    out = [CARRYOVER, REUSE_ERROR_DEFECT, REUSE_WARNING_DEFECT]
    if t.version == "v2021" and prev.template == "v2021":
        out += [IN_FORCE, REPEALED]
    if unit.departments:
        out.append(AGGREGATE)
    if not unit.departments and year - 1 in unit.steady and prev.template == t.version:
        out = [IDENTICAL]
    return out


_SCARCE_FIRST: tuple[str, ...] = (AGGREGATE, REPEALED, IN_FORCE, CARRYOVER, REUSE_WARNING_DEFECT, REUSE_ERROR_DEFECT)
"""Among the defects planted least so far, those fewer years can carry come first (only a
government has departments to sum; only two v2021 years have 现行有效件数 to continue)."""


def _next_kind(counts: dict[str, int], feasible: Iterable[str]) -> str | None:
    options = [k for k in _SCARCE_FIRST if k in set(feasible)]
    if not options:
        return None
    return min(options, key=lambda k: (counts[k], _SCARCE_FIRST.index(k)))


def _seed(seed: int, unit: _Unit, year: int, attempt: int = 0) -> int:
    return random.Random(f"gongkai-series/{seed}/{unit.index}/{year}/{attempt}").getrandbits(48)


def generate_series(n_agencies: int, seed: int) -> Series:
    """``n_agencies`` agencies (governments with their departments), each with consecutive years
    of reports, with across defects planted in about half of the years that have a last year."""
    rng = random.Random(f"gongkai-series/{seed}")
    units = _draw_units(rng, n_agencies)
    series = Series(seed, agencies=[u.agency for u in units])
    for u in units:
        if u.departments:
            series.departments[u.agency.name] = [d.agency.name for d in u.departments]
    counts = dict.fromkeys(ACROSS_DEFECTS, 0)
    years = sorted({y for u in units for y in u.years})
    # departments before their government: its table 3 sums theirs
    order = sorted(units, key=lambda u: (bool(u.departments), u.index))
    for year in years:
        for unit in order:
            if year not in unit.years:
                continue
            t = template_for_year(year)
            assert t is not None
            prev_sr = unit.reports.get(year - 1)
            prev = prev_sr.report if prev_sr else None
            feasible = _feasible(unit, year, prev, t)
            if IDENTICAL in feasible:
                kind: str | None = IDENTICAL  # its last year was drawn for it
            else:
                kind = _next_kind(counts, feasible) if feasible and rng.random() < PLANT_SHARE else None
            # the year before a copy is drawn so that the copy continues it, and is clean
            nxt = template_for_year(year + 1)
            if (
                kind is None
                and not unit.departments
                and year + 1 in unit.years
                and nxt is not None
                and nxt.version == t.version
                and counts[IDENTICAL] <= min(counts[k] for k in ACROSS_DEFECTS if k != IDENTICAL)
                and rng.random() < PLANT_SHARE
            ):
                unit.steady.add(year)
            sr = _one(rng, seed, unit, year, t, prev, kind)
            if sr.defect is not None:
                counts[sr.defect] += 1
            unit.reports[year] = sr
            series.reports.append(sr)
    series.reports.sort(key=lambda r: (r.agency, r.year))
    return series


@dataclass
class _Drawer:
    """Draws one year's tables for ``generate`` and plants the year's defect in them."""

    unit: _Unit
    year: int
    prev: Report | None
    kind: str | None
    planted: list[str] = field(default_factory=list)

    def __call__(self, rng: random.Random, t: Template, scale: Scale) -> dict[str, TableCells | None]:
        if self.kind == IDENTICAL:
            assert self.prev is not None
            self.planted.append(IDENTICAL)
            return copy.deepcopy(self.prev.tables)
        steady = self.year in self.unit.steady
        for _ in range(REDRAWS):
            self.planted.clear()
            out = _draw_tables(rng, t, scale, self.unit, self.year, self.prev, steady, self.kind, self.planted)
            # a year whose tables next year copies has numbers enough to tell a copy
            if not steady or _nonzero(out) >= MIN_IDENTICAL_NONZERO:
                return out
        raise RuntimeError(f"{self.unit.agency.name} {self.year}: too few numbers to be copied")


def _one(
    rng: random.Random, seed: int, unit: _Unit, year: int, t: Template, prev: Report | None, kind: str | None
) -> SeriesReport:
    for attempt in range(REDRAWS):
        draw = _Drawer(unit, year, prev, kind)
        gen = generate(
            _seed(seed, unit, year, attempt),
            t.version,
            defects=(),
            agency=unit.agency,
            year=year,
            draw_tables=draw,
            late_variants=False,
        )
        if kind in (REUSE_ERROR_DEFECT, REUSE_WARNING_DEFECT):
            draw.planted.append(kind)
        if not _write_sections(rng, gen, unit.agency, prev, kind):
            continue
        # a defect the tables could not carry (no applications to leave out) leaves a clean year
        defect = draw.planted[0] if draw.planted else None
        return SeriesReport(
            gen,
            defect,
            EXPECTED[defect] if defect else frozenset(),
            GRADE.get(defect or ""),
            unit.government.agency.name if unit.government else None,
        )
    raise RuntimeError(f"{unit.agency.name} {year}: could not plant {kind}")


def _draw_tables(
    rng: random.Random,
    t: Template,
    scale: Scale,
    unit: _Unit,
    year: int,
    prev: Report | None,
    steady: bool,
    kind: str | None,
    planted: list[str],
) -> dict[str, TableCells | None]:
    active = _active(rng, t, scale, prev, steady)
    forward = _forward(prev)
    own_received = 0
    if unit.departments:
        # 本级政府: its departments' table 3 summed, plus its own office's applications
        depts = [d.reports[year].report for d in unit.departments]
        summed = _sum_applications(t, depts)
        carried = {c: int(summed["carried_over"][c].value or 0) for c in APPLICANT_PARTS}  # type: ignore[index]
        own_co = None
        if forward is not None:
            own_co = {c: forward[c] - carried[c] for c in APPLICANT_PARTS}
            assert min(own_co.values()) >= 0, "a department's 上年结转 exceeds what its government carried forward"
        own = tbl.applications(rng, t, SCALES[DEPARTMENT_LEVEL[unit.agency.level]], own_co)
        own_received = int(own["received"]["total"].value or 0)  # type: ignore[index]
        apps = _add(summed, own)
    else:
        apps = tbl.applications(rng, t, scale, forward, steady)
    out: dict[str, TableCells | None] = {
        "active_disclosure": active,
        "applications": apps,
        "appeals": tbl.appeals(rng, t, scale),
    }
    if kind == CARRYOVER:
        # a department that over-reports its 上年结转 would also break its government's sum of
        # last year's carried-forward applications: departments under-report, governments over-report
        if _plant_carryover(rng, apps, down_only=unit.government is not None, up_only=bool(unit.departments)):
            planted.append(CARRYOVER)
    elif kind == IN_FORCE:
        _plant_in_force(rng, active)
        planted.append(IN_FORCE)
    elif kind == REPEALED:
        assert prev is not None
        _plant_repealed(rng, active, prev)
        planted.append(REPEALED)
    elif kind == AGGREGATE and _plant_aggregate(rng, t, apps, own_received):
        planted.append(AGGREGATE)
    return out


def _sum_applications(t: Template, reports: list[Report]) -> TableCells:
    spec = t.table("applications")
    out: TableCells = {r.key: {c.key: count_cell(0) for c in spec.columns} for r in spec.rows}
    for rep in reports:
        table = rep.tables.get("applications")
        if table:
            out = _add(out, table)
    return out


def by_report(series: Series) -> dict[tuple[str, int], SeriesReport]:
    return {(r.agency, r.year): r for r in series.reports}


__all__ = ["ACROSS_DEFECTS", "EXPECTED", "Series", "SeriesReport", "generate_series"]
