"""Digits the recogniser may have misread, found by the table's identities.

An OCR'd number read with low confidence that breaks every identity it is in, at least
``MIN_WITNESSES`` of them and all in favour of the same value, one digit dropped, added or
changed from the read (``13`` for ``113``), is most likely misread. It is not corrected (the identities
cannot tell a misread from an error in the report itself): it becomes uncertain, with both
readings, so that nobody takes the low-confidence number for the document's.

Any other low-confidence number stays ``unconfirmed`` (listed as uncertain, its value kept)
unless an identity that holds vouches for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from gongkai.model.report import Cell, Number, Report
from gongkai.model.template import Identity

PLACED_BY_IDENTITIES = "这个数字在文档中单独成行（转换时错位），只有放在此格表内勾稽关系才全部成立：请对照原件核实"
"""Why a number found on a line of its own stands in a blank cell (``tables._place_strays``):
the identities chose the cell, so their holding does not confirm it."""

CellRef = tuple[str, str, str]
"""(table, row, column)."""

MIN_WITNESSES = 2
"""Identities that must agree on the balancing value: one alone cannot tell a misread from
the report's own slip (an off-by-one total), which the checks report."""


def one_digit_apart(a: str, b: str) -> bool:
    """Are these digit strings one recognition slip apart: a digit dropped, added or changed?"""
    if a == b or not (a.isdigit() and b.isdigit()):
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    return len(long) == len(short) + 1 and any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _value(cell: Cell | None) -> float | None:
    """What a cell adds to a sum, or None when it cannot be summed."""
    if cell is None or cell.uncertain:
        return None
    if cell.blank:
        return 0.0
    return None if cell.value is None else float(cell.value)


def _balancing(report: Report, table: str, ident: Identity) -> dict[CellRef, float] | None:
    """For a broken identity with exactly one low-confidence OCR'd cell (``unconfirmed``,
    set by the table reader): that cell and the value
    that would balance it; {} for one that holds; None when it cannot be judged."""
    sides: list[float] = []
    low: list[tuple[CellRef, int]] = []
    for sign, refs in ((1, ident.lhs), (-1, ident.rhs)):
        for r, c in refs:
            cell = report.cell(table, r, c)
            v = _value(cell)
            if v is None:
                return None
            sides.append(sign * v)
            if cell is not None and cell.unconfirmed:
                low.append(((table, r, c), sign))  # read by a recogniser with low confidence
    gap = sum(sides)
    if abs(gap) < 1e-9:
        return {}
    if len(low) != 1:
        return None
    (ref, sign), cell = low[0], report.cell(*low[0][0])
    assert cell is not None and cell.value is not None
    return {ref: float(cell.value) - sign * gap}


Proposals = dict[CellRef, list[float]]
"""Per low-confidence cell, the values that would balance the broken identities through it."""


def _judge(report: Report, identities: Iterable[tuple[str, Identity]]) -> tuple[set[CellRef], Proposals]:
    """The cells of identities that hold (the arithmetic vouches for them, however unsure the
    recogniser was), and for each low-confidence cell the values the broken identities
    through it propose."""
    held: set[CellRef] = set()
    proposals: Proposals = {}
    for table, ident in identities:
        found = _balancing(report, table, ident)
        if found is None:
            continue
        if not found:
            held.update((table, r, c) for r, c in (*ident.lhs, *ident.rhs))
            continue
        for ref, value in found.items():
            proposals.setdefault(ref, []).append(value)
    return held, proposals


def likely_misreads(report: Report, held: set[CellRef], proposals: Proposals) -> dict[CellRef, Number]:
    """Low-confidence cells that every identity they are in rejects, all in favour of one
    value one digit apart from the read: cell → that value."""
    out: dict[CellRef, Number] = {}
    for ref, values in proposals.items():
        cell = report.cell(*ref)
        if ref in held or len(values) < MIN_WITNESSES or len(set(values)) != 1:
            continue
        value = values[0]
        if cell is None or cell.value is None:
            continue
        if value < 0 or not value.is_integer() or not isinstance(cell.value, int):
            continue
        if one_digit_apart(str(cell.value), str(int(value))):
            out[ref] = int(value)
    return out


def _any_unconfirmed(report: Report) -> bool:
    # plain loops over every cell of every table (no generator resumed at each cell)
    for table in report.tables.values():
        for row in table.values() if table else ():
            for cell in row.values() if row else ():
                if cell.unconfirmed is not None:
                    return True
    return False


def doubt_misreads(report: Report) -> int:
    """Make the likely misread cells of tables 3 and 4 uncertain, and confirm the
    low-confidence ones an identity vouches for (see the module); the number doubted."""
    if not _any_unconfirmed(report):
        return 0  # nothing read with low confidence (any text, most scans): nothing to weigh
    held, proposals = _judge(report, report.identities())
    found = likely_misreads(report, held, proposals)
    for (table, row, col), value in found.items():
        cells = (report.tables[table] or {})[row]
        assert cells is not None
        cell = cells[col]
        cells[col] = replace(
            cell,
            value=None,
            uncertain=f"识别置信度低（{cell.confidence:.2f}），识别为 {cell.value}，"
            f"但表内勾稽关系均指向 {value}：请对照原件核实",
            candidates=(cell.value, value),
            unconfirmed=None,
        )
    for table, row, col in held:  # a misread is in no identity that holds
        cells = (report.tables[table] or {}).get(row)
        if cells is not None and col in cells and cells[col].unconfirmed not in (None, PLACED_BY_IDENTITIES):
            cells[col] = replace(cells[col], unconfirmed=None)
    return len(found)
