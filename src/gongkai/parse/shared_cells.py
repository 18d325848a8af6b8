"""A layout converter's grid row, whose fields are not the table's cells one to one.

A converter that rebuilds a table from a PDF page's text adds a label column before a row
whose label it printed elsewhere, and puts neighbouring cells in one field where no rule
stood between them (``| 13612 252 |``): a blank cell that shares a field with a number then
leaves no trace, and one empty field may be two blank cells. ``placements`` enumerates every
way such a row stands for a table's cells, for the table's identities to choose between.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

from gongkai.parse.cells import parse_number, region_units

Value = int | float | None
"""A cell's number; None for a blank cell."""

CELLS_PER_FIELD = 2
"""A converter shares a field between two neighbouring cells, never more."""
MAX_EDGE_COLUMNS = 3
"""Empty fields at each end that may be a converter's label columns or padding."""
MAX_PLACEMENTS = 20_000
"""Placements enumerated before giving up (a row with more says too little to weigh)."""


def field_numbers(text: str) -> tuple[Value, ...] | None:
    """The numbers a field holds (none for an empty field); None when it holds anything else
    (a blank marker, words: a field whose place is its own)."""
    units = region_units(text)
    if any(u.kind not in ("number", "empty") for u in units):
        return None
    values = tuple(parse_number(u.digits, u.sign) for u in units if u.kind == "number")
    return None if any(v is None for v in values) else values


def placements(
    fields: Sequence[tuple[Value, ...]], width: int, limit: int = MAX_PLACEMENTS
) -> list[tuple[Value, ...]] | None:
    """Every way the fields stand for ``width`` cells: some empty fields at either end are no
    cells (label columns, padding); a field of two numbers is two cells; a field of one is one
    cell, or two with a blank before or after it; an empty field is one blank cell, or two.
    Each placement once; None when there are more than ``limit``."""
    lead = _edge_count(fields)
    trail = _edge_count(list(reversed(fields)))
    seen: dict[tuple[Value, ...], None] = {}
    for d, e in itertools.product(range(min(lead, MAX_EDGE_COLUMNS) + 1), range(min(trail, MAX_EDGE_COLUMNS) + 1)):
        if d + e > len(fields):
            continue
        inner = fields[d : len(fields) - e]
        for cells in _expand(inner, width):
            seen.setdefault(cells, None)
            if len(seen) > limit:
                return None
    return list(seen)


def _edge_count(fields: Sequence[tuple[Value, ...]]) -> int:
    n = 0
    for f in fields:
        if f:
            break
        n += 1
    return n


def _expand(fields: Sequence[tuple[Value, ...]], width: int) -> Iterator[tuple[Value, ...]]:
    if not fields:
        if width == 0:
            yield ()
        return
    rest = len(fields) - 1
    for head in _field_options(fields[0]):
        left = width - len(head)
        if rest <= left <= CELLS_PER_FIELD * rest:
            for tail in _expand(fields[1:], left):
                yield (*head, *tail)


def _field_options(values: tuple[Value, ...]) -> tuple[tuple[Value, ...], ...]:
    if len(values) == 2:
        return (values,)
    if len(values) == 1:
        return (values, (values[0], None), (None, values[0]))
    if not values:
        return ((None,), (None, None))
    return ()
