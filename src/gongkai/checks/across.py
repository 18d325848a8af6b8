"""Rules across reports (``checks.md``, "Across reports"): this year against last year's
report of the same agency, and a government's report against its departments' reports.

Pure functions of reports; the store finds the reports and calls them (checks never import
the store). A pair rule has the signature ``(report, previous) -> list[Finding]``; it returns
nothing when there is no previous report, and a ``not_checkable`` finding when there is one
but the cells it needs are missing.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gongkai.model.report import Cell, Finding, Number, Report, Severity
from gongkai.model.template import APPLICANT_COLUMNS, SECTIONS, TEMPLATES
from gongkai.model.text import squeeze

PairFn = Callable[[Report, Report | None], list[Finding]]

REUSE_WARNING = 0.8
REUSE_ERROR = 0.9
REUSE_SECTIONS: tuple[str, ...] = ("overview", "problems", "other_matters")
MIN_REUSE_CHARS = 80
"""Shorter sections (``无。``) are the same every year without anyone copying anything."""
SHINGLE = 4
"""Characters per shingle for the similarity of two sections."""
MIN_PASSAGE_CHARS = 20
"""Shortest shared passage worth showing to the reviewer."""
MAX_PASSAGES = 5
MIN_IDENTICAL_CELLS = 10
IN_FORCE_ROWS: tuple[str, ...] = ("regulations", "normative_documents")
SECTION_NAMES: dict[str, str] = {s.key: s.canonical for s in SECTIONS}


@dataclass
class AcrossFinding(Finding):
    """A finding of an across rule, with its evidence."""

    detail: dict[str, Any] | None = None
    other: str | None = None
    """What it was compared with (``2023年报告``)."""


@dataclass(frozen=True)
class AcrossRule:
    id: str
    severity: Severity
    title: str
    fn: PairFn


ACROSS_RULES: dict[str, AcrossRule] = {}
AGGREGATE_RULE = "aggregate_mismatch"
ALL_ACROSS_RULES: tuple[str, ...] = (
    "carryover_mismatch",
    "in_force_continuity",
    "t2_repealed_bound",
    "text_reuse",
    "tables_identical",
    AGGREGATE_RULE,
)


def across_rule(id: str, severity: Severity, title: str) -> Callable[[PairFn], PairFn]:
    def deco(fn: PairFn) -> PairFn:
        if id in ACROSS_RULES:
            raise ValueError(f"rule {id} registered twice")
        ACROSS_RULES[id] = AcrossRule(id, severity, title, fn)
        return fn

    return deco


def run_pair_rules(report: Report, previous: Report | None, rules: Iterable[str] | None = None) -> list[Finding]:
    """All pair rules on ``report`` against last year's ``previous``."""
    wanted = set(rules) if rules is not None else None
    out: list[Finding] = []
    for r in ACROSS_RULES.values():
        if wanted is None or r.id in wanted:
            out.extend(r.fn(report, previous))
    return out


# --- helpers -------------------------------------------------------------------------------


def _fmt(v: Number | None) -> str:
    if v is None:
        return "空白"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _label(report: Report, table: str, row: str, col: str | None = None) -> str:
    spec = report.spec
    if spec is None or table not in spec.tables:
        return f"{table}.{row}" + (f".{col}" if col else "")
    t = spec.table(table)
    try:
        text = t.row(row).label
    except KeyError:
        text = row
    if col is not None:
        try:
            text += f"（{t.column(col).label}）"
        except KeyError:
            text += f"（{col}）"
    return f"“{text}”"


def _cell_value(c: Cell | None) -> tuple[Number | None, bool]:
    """Value for arithmetic (blank counts as 0) and whether it is uncertain."""
    if c is None:
        return None, True
    if c.value is not None and c.uncertain is None:
        return c.value, False
    if c.blank:
        return 0, True
    return c.value, True


def _not_checkable(rule: str, where: str, why: str, other: str) -> AcrossFinding:
    return AcrossFinding(
        rule="not_checkable", severity="info", where=where, message=f"无法核查 {rule}：{why}", other=other
    )


def _year_label(r: Report) -> str:
    return f"{r.year}年报告" if r.year else "上年报告"


# --- pair rules --------------------------------------------------------------------------


@across_rule("carryover_mismatch", "warning", "上年结转与上年报告的结转下年度不一致")
def carryover_mismatch(report: Report, previous: Report | None) -> list[Finding]:
    if previous is None:
        return []
    other = _year_label(previous)
    if not report.tables.get("applications") or not previous.tables.get("applications"):
        return [_not_checkable("carryover_mismatch", "applications.carried_over", "本年或上年报告缺少表三", other)]
    out: list[Finding] = []
    missing: list[str] = []
    for col in APPLICANT_COLUMNS:
        now, u1 = _cell_value(report.cell("applications", "carried_over", col.key))
        before, u2 = _cell_value(previous.cell("applications", "carried_forward", col.key))
        if now is None or before is None:
            missing.append(col.key)
            continue
        if now != before:
            out.append(
                AcrossFinding(
                    rule="carryover_mismatch",
                    severity="warning",
                    where=f"applications.carried_over.{col.key}",
                    message=(
                        f"本年“上年结转政府信息公开申请数量”（{col.label}）为 {_fmt(now)}，"
                        f"而{other}“结转下年度继续办理”（{col.label}）为 {_fmt(before)}"
                    ),
                    expected=before,
                    found=now,
                    cells=(f"applications.carried_over.{col.key}",),
                    uncertain=u1 or u2,
                    other=other,
                )
            )
    if missing:
        out.append(
            _not_checkable("carryover_mismatch", "applications.carried_over", f"缺少数值：{'、'.join(missing)}", other)
        )
    return out


@across_rule("in_force_continuity", "warning", "现行有效件数与上年不衔接")
def in_force_continuity(report: Report, previous: Report | None) -> list[Finding]:
    if previous is None or report.template != "v2021":
        return []
    other = _year_label(previous)
    if previous.template != "v2021":
        # the v2019 table has no 现行有效件数 to continue from
        return []
    out: list[Finding] = []
    for row in IN_FORCE_ROWS:
        in_force, u1 = _cell_value(report.cell("active_disclosure", row, "in_force"))
        issued, u2 = _cell_value(report.cell("active_disclosure", row, "issued"))
        repealed, u3 = _cell_value(report.cell("active_disclosure", row, "repealed"))
        before, u4 = _cell_value(previous.cell("active_disclosure", row, "in_force"))
        where = f"active_disclosure.{row}.in_force"
        if in_force is None or issued is None or repealed is None or before is None:
            out.append(_not_checkable("in_force_continuity", where, "本年或上年表二缺少数值", other))
            continue
        expected = before + issued - repealed
        if in_force != expected:
            label = _label(report, "active_disclosure", row)
            out.append(
                AcrossFinding(
                    rule="in_force_continuity",
                    severity="warning",
                    where=where,
                    message=(
                        f"{label}现行有效件数为 {_fmt(in_force)}，但{other}现行有效 {_fmt(before)} 件"
                        f" + 本年制发 {_fmt(issued)} 件 − 本年废止 {_fmt(repealed)} 件 = {_fmt(expected)}"
                    ),
                    expected=expected,
                    found=in_force,
                    cells=(where, f"active_disclosure.{row}.issued", f"active_disclosure.{row}.repealed"),
                    uncertain=u1 or u2 or u3 or u4,
                    other=other,
                )
            )
    return out


@across_rule("t2_repealed_bound", "warning", "本年废止件数超过可废止的件数")
def t2_repealed_bound(report: Report, previous: Report | None) -> list[Finding]:
    """Nothing can be repealed that was not in force: ``repealed ≤ last year's in_force + issued``."""
    if previous is None or report.template != "v2021" or previous.template != "v2021":
        return []
    other = _year_label(previous)
    out: list[Finding] = []
    for row in IN_FORCE_ROWS:
        repealed, u1 = _cell_value(report.cell("active_disclosure", row, "repealed"))
        issued, u2 = _cell_value(report.cell("active_disclosure", row, "issued"))
        before, u3 = _cell_value(previous.cell("active_disclosure", row, "in_force"))
        where = f"active_disclosure.{row}.repealed"
        if repealed is None or issued is None or before is None:
            out.append(_not_checkable("t2_repealed_bound", where, "本年或上年表二缺少数值", other))
            continue
        bound = before + issued
        if repealed > bound:
            label = _label(report, "active_disclosure", row)
            out.append(
                AcrossFinding(
                    rule="t2_repealed_bound",
                    severity="warning",
                    where=where,
                    message=(
                        f"{label}本年废止 {_fmt(repealed)} 件，多于{other}现行有效 {_fmt(before)} 件"
                        f"与本年制发 {_fmt(issued)} 件之和 {_fmt(bound)} 件：废止的文件不可能多于可废止的文件"
                    ),
                    expected=f"<= {_fmt(bound)}",
                    found=repealed,
                    cells=(where, f"active_disclosure.{row}.issued"),
                    uncertain=u1 or u2 or u3,
                    other=other,
                )
            )
    return out


def _shingles(text: str) -> set[str]:
    return {text[i : i + SHINGLE] for i in range(max(len(text) - SHINGLE + 1, 0))}


_SPACES = re.compile(r"\s+")


def _compact(text: str) -> str:
    """NFKC without whitespace: enough to compare two texts, and fast (``squeeze`` maps offsets too)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the two texts' character shingles, after NFKC and dropping spaces."""
    sa, sb = _shingles(_compact(a)), _shingles(_compact(b))
    if not sa or not sb:
        return 0.0
    return 2 * len(sa & sb) / (len(sa) + len(sb))


def shared_passages(text: str, other: str, min_chars: int = MIN_PASSAGE_CHARS) -> list[str]:
    """The longest passages of ``text`` that also occur in ``other`` (as printed in ``text``)."""
    a, index = squeeze(text)
    b, _ = squeeze(other)
    blocks = difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks()
    passages: list[str] = []
    for blk in sorted(blocks, key=lambda m: -m.size):
        if blk.size < min_chars or len(passages) >= MAX_PASSAGES:
            break
        start, end = index[blk.a], index[blk.a + blk.size - 1] + 1
        passages.append(text[start:end])
    return passages


@across_rule("text_reuse", "warning", "文字与上年报告雷同")
def text_reuse(report: Report, previous: Report | None) -> list[Finding]:
    if previous is None:
        return []
    other = _year_label(previous)
    out: list[Finding] = []
    for key in REUSE_SECTIONS:
        now, before = report.sections.get(key), previous.sections.get(key)
        if not now or not before or min(len(now), len(before)) < MIN_REUSE_CHARS:
            continue
        sim = similarity(now, before)
        if sim < REUSE_WARNING:
            continue
        severity: Severity = "error" if sim >= REUSE_ERROR else "warning"
        passages = shared_passages(now, before)
        head = passages[0][:60] + ("…" if len(passages[0]) > 60 else "") if passages else ""
        verdict = "内容雷同" if severity == "error" else "大部分相同"
        out.append(
            AcrossFinding(
                rule="text_reuse",
                severity=severity,
                where=f"sections.{key}",
                message=(
                    f"“{SECTION_NAMES[key]}”与{other}{verdict}（相似度 {sim:.0%}）"
                    + (f"，例如：“{head}”" if head else "")
                ),
                expected=None,
                found=round(sim, 4),
                other=other,
                detail={"similarity": round(sim, 4), "passages": passages},
            )
        )
    return out


def nonzero_cells(report: Report) -> dict[str, Number]:
    return {path: c.value for path, c in report.iter_cells() if c.value is not None and c.value != 0}


@across_rule("tables_identical", "warning", "表格数据与上年完全相同")
def tables_identical(report: Report, previous: Report | None) -> list[Finding]:
    if previous is None:
        return []
    now, before = nonzero_cells(report), nonzero_cells(previous)
    if len(now) < MIN_IDENTICAL_CELLS or now != before:
        return []
    other = _year_label(previous)
    return [
        AcrossFinding(
            rule="tables_identical",
            severity="warning",
            where="tables",
            message=f"表格中全部 {len(now)} 个非零数值与{other}完全相同，可能沿用了上年数据",
            found=len(now),
            other=other,
        )
    ]


# --- aggregate -------------------------------------------------------------------------------


AGGREGATE_ROWS: tuple[str, ...] = ("received", "carried_over", "processed_total", "carried_forward")
"""The headline rows of table 3 a government's report must at least sum its departments on."""


def aggregate_rows(template: str | None) -> tuple[str, ...]:
    tpl = TEMPLATES.get(template or "")
    if tpl is None:
        return ()
    keys = {r.key for r in tpl.table("applications").rows}
    return tuple(k for k in AGGREGATE_ROWS if k in keys)


def department_sums(departments: Iterable[Report]) -> tuple[dict[str, Number], int]:
    """Sum of each table 3 total over the departments' reports, and how many reports there are."""
    sums: dict[str, Number] = {}
    n = 0
    for d in departments:
        t = d.tables.get("applications")
        if not t:
            continue
        n += 1
        for rkey, r in t.items():
            c = r.get("total") if r else None
            if c is not None and c.value is not None:
                sums[rkey] = sums.get(rkey, 0) + c.value
    return sums, n


def aggregate_mismatch(government: Report, sums: Mapping[str, Number], n_departments: int) -> list[Finding]:
    """A 本级政府 report's table 3 totals against the sum of its departments' reports
    (``sums``: row key → sum of the departments' ``total`` column)."""
    if not government.is_government or n_departments == 0 or not government.tables.get("applications"):
        return []
    out: list[Finding] = []
    for rkey in aggregate_rows(government.template):
        total = sums.get(rkey)
        c = government.cell("applications", rkey, "total")
        if total is None or c is None or c.value is None:
            continue
        if c.value < total:
            label = _label(government, "applications", rkey)
            out.append(
                AcrossFinding(
                    rule=AGGREGATE_RULE,
                    severity="info",
                    where=f"applications.{rkey}.total",
                    message=(
                        f"本级政府报告表三{label}总计为 {_fmt(c.value)}，"
                        f"小于库中 {n_departments} 个所属部门报告之和 {_fmt(total)}"
                    ),
                    expected=total,
                    found=c.value,
                    cells=(f"applications.{rkey}.total",),
                    uncertain=c.uncertain is not None,
                    other=f"{n_departments}个部门报告",
                )
            )
    return out
