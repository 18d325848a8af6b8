"""Planted defects: each changes a consistent report so that named rules must fire.

A defect on tables changes as few cells as possible and keeps every other identity true,
so a finding of another arithmetic rule is a false positive.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from gongkai.model.report import Cell, TableCells
from gongkai.model.template import APPLICANT_PARTS, BLANK_MARKERS, Template, outcome_rows
from gongkai.testing.tables import count_cell

ARITHMETIC_DEFECTS: tuple[str, ...] = ("t3_balance", "t3_row_total", "t3_outcome_total", "t4_total")
ARITHMETIC_RULES = frozenset(ARITHMETIC_DEFECTS)
"""The rules that find them (each arithmetic defect is named after its rule)."""
TABLE_DEFECTS: tuple[str, ...] = (
    *ARITHMETIC_DEFECTS,
    "blank_cells",
    "bad_number",
    "table_missing",
    "table_incomplete",
)
TEXT_DEFECTS: tuple[str, ...] = (
    "narrative_mismatch",
    "signed_before_period_end",
    "published_late",
    "template_mismatch",
    "section_missing",
    "section_title",
    "title_form",
    "statistics_period",
    "problems_empty",
    "fee_statement_missing",
    "government_assessment_missing",
)
DEFECTS: tuple[str, ...] = TABLE_DEFECTS + TEXT_DEFECTS

EXPECTED: dict[str, frozenset[str]] = {d: frozenset({d}) for d in DEFECTS}
"""Rules a defect must trigger."""
ALLOWED: dict[str, frozenset[str]] = {
    "table_missing": frozenset({"narrative_mismatch", "t3_balance", "t3_row_total", "t3_outcome_total", "t4_total"}),
    "table_incomplete": frozenset({"t3_balance", "t3_row_total", "t3_outcome_total", "narrative_mismatch"}),
    "section_missing": frozenset(
        {"problems_empty", "fee_statement_missing", "government_assessment_missing", "section_title"}
    ),
    "problems_empty": frozenset(),
    "template_mismatch": frozenset({"table_incomplete"}),
    "blank_cells": frozenset({"t3_balance", "t3_row_total", "t3_outcome_total", "t4_total"}),
}
"""Rules a defect may legitimately trigger besides the expected ones (not false positives)."""
CONFLICTS: frozenset[frozenset[str]] = frozenset(
    frozenset(p)
    for p in (
        ("table_missing", "t3_balance"),
        ("table_missing", "t3_row_total"),
        ("table_missing", "t3_outcome_total"),
        ("table_missing", "t4_total"),
        ("table_missing", "table_incomplete"),
        ("table_missing", "blank_cells"),
        ("table_incomplete", "t3_balance"),
        ("table_incomplete", "t3_row_total"),
        ("table_incomplete", "t3_outcome_total"),
        ("table_incomplete", "blank_cells"),
        ("table_missing", "narrative_mismatch"),
        ("table_incomplete", "narrative_mismatch"),
        ("section_missing", "problems_empty"),
        ("section_missing", "fee_statement_missing"),
        ("template_mismatch", "fee_statement_missing"),
        ("table_missing", "bad_number"),
        # a title without the year and a period naming another: nothing tells the year
        ("title_form", "statistics_period"),
        ("section_missing", "government_assessment_missing"),
    )
)
GOVERNMENT_ONLY: frozenset[str] = frozenset({"government_assessment_missing"})
"""Defects only a 人民政府's report can have."""
SECTION_TITLE_KEYS: tuple[str, ...] = ("active_disclosure", "applications", "appeals")
"""Sections whose heading a ``section_title`` defect changes (not those the damage
``headings_missing`` may remove)."""

DELTA_RANGE = (1, 9)


def _cell(table: TableCells, row: str, col: str) -> Cell:
    r = table[row]
    assert r is not None
    return r[col]


def _shift(table: TableCells, row: str, col: str, delta: int) -> None:
    c = _cell(table, row, col)
    assert c.value is not None
    table[row][col] = count_cell(int(c.value) + delta)  # type: ignore[index]


def _delta(rng: random.Random) -> int:
    return rng.randint(*DELTA_RANGE)


def plant_t3_balance(rng: random.Random, t: Template, tables: dict[str, TableCells | None]) -> None:
    """carried_forward[c] and its row total grow: only the column balance breaks."""
    apps = tables["applications"]
    assert apps is not None
    col, d = rng.choice(APPLICANT_PARTS), _delta(rng)
    _shift(apps, "carried_forward", col, d)
    _shift(apps, "carried_forward", "total", d)


def plant_t3_row_total(rng: random.Random, t: Template, tables: dict[str, TableCells | None]) -> None:
    """Move d applications between two outcome rows in one column: column sums hold, the
    two rows' totals no longer do."""
    apps = tables["applications"]
    assert apps is not None
    outcomes = outcome_rows(t.table("applications"))
    d = _delta(rng)
    movable = [(r, c) for c in APPLICANT_PARTS for r in outcomes if (_cell(apps, r, c).value or 0) > 0]
    if movable:
        src, col = rng.choice(movable)
        d = min(d, int(_cell(apps, src, col).value or 0))
        dst = rng.choice([r for r in outcomes if r != src])
        _shift(apps, src, col, -d)
        _shift(apps, dst, col, d)
    else:
        # an empty table: the totals of 一 and 四 grow together, so the total column
        # still balances and only those two rows' totals are wrong
        _shift(apps, "received", "total", d)
        _shift(apps, "carried_forward", "total", d)


def plant_t3_outcome_total(rng: random.Random, t: Template, tables: dict[str, TableCells | None]) -> None:
    """（七）总计 grows by d in a column, received grows with it: balances and row totals
    hold, the outcomes no longer add up to the total."""
    apps = tables["applications"]
    assert apps is not None
    col, d = rng.choice(APPLICANT_PARTS), _delta(rng)
    for row in ("processed_total", "received"):
        _shift(apps, row, col, d)
        _shift(apps, row, "total", d)


def plant_t4_total(rng: random.Random, t: Template, tables: dict[str, TableCells | None]) -> None:
    appeals = tables["appeals"]
    assert appeals is not None
    group = rng.choice(list(appeals))
    c = _cell(appeals, group, "total")
    d = _delta(rng) * (-1 if (c.value or 0) > DELTA_RANGE[1] and rng.random() < 0.5 else 1)
    _shift(appeals, group, "total", d)


def plant_blank_cells(rng: random.Random, t: Template, tables: dict[str, TableCells | None]) -> list[str]:
    """1–3 zero cells of table 3 or 4 written as blank, ``/``, ``-``, ``—`` or ``无``."""
    zeros = [
        (tk, rk, ck)
        for tk in ("applications", "appeals")
        for rk, row in (tables[tk] or {}).items()
        for ck, c in (row or {}).items()
        if c.value == 0
    ]
    marks = sorted(m for m in BLANK_MARKERS if m in ("", "/", "-", "—", "无"))
    out = []
    for tk, rk, ck in rng.sample(zeros, min(len(zeros), rng.randint(1, 3))):
        row = tables[tk][rk]  # type: ignore[index]
        assert row is not None
        row[ck] = Cell(None, rng.choice(marks), blank=True)
        out.append(f"{tk}.{rk}.{ck}")
    return out


BAD_NUMBER_RANGE = (1, 3)


def plant_bad_number(rng: random.Random, t: Template, tables: dict[str, TableCells | None]) -> None:
    """A negative count in table 4 (``-2`` typed for a correction): the group's sum still
    holds, the upheld cell carrying the difference."""
    appeals = tables["appeals"]
    assert appeals is not None
    group = rng.choice(list(appeals))
    was, d = int(_cell(appeals, group, "corrected").value or 0), rng.randint(*BAD_NUMBER_RANGE)
    _shift(appeals, group, "corrected", -was - d)
    _shift(appeals, group, "upheld", was + d)


def plant_table_missing(rng: random.Random, t: Template, tables: dict[str, TableCells | None]) -> None:
    tables[rng.choice(list(tables))] = None


def plant_table_incomplete(rng: random.Random, t: Template, tables: dict[str, TableCells | None]) -> None:
    """Table 3 cut off after a few rows (like a report whose table was truncated)."""
    apps = tables["applications"]
    assert apps is not None
    keys = list(apps)
    for k in keys[rng.randint(3, len(keys) - 2) :]:
        apps[k] = None


TablePlanter = Callable[[random.Random, Template, dict[str, TableCells | None]], object]
TABLE_PLANTERS: dict[str, TablePlanter] = {
    "t3_balance": plant_t3_balance,
    "t3_row_total": plant_t3_row_total,
    "t3_outcome_total": plant_t3_outcome_total,
    "t4_total": plant_t4_total,
    "blank_cells": plant_blank_cells,
    "bad_number": plant_bad_number,
    "table_missing": plant_table_missing,
    "table_incomplete": plant_table_incomplete,
}


def choose_defects(rng: random.Random, count: int, pool: tuple[str, ...] = DEFECTS) -> tuple[str, ...]:
    chosen: list[str] = []
    candidates = list(pool)
    rng.shuffle(candidates)
    for d in candidates:
        if len(chosen) == count:
            break
        if any(frozenset((d, c)) in CONFLICTS for c in chosen):
            continue
        chosen.append(d)
    return tuple(chosen)
