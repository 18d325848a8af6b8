"""Edits of generated reports that tests share: table 4 filled with given values."""

from __future__ import annotations

import copy

from gongkai.model.report import Cell
from gongkai.testing.generate import GeneratedReport


def with_appeals(gen: GeneratedReport, **groups: list[int | None]) -> GeneratedReport:
    """A copy of ``gen`` whose table-4 groups hold ``groups`` (None: a blank cell)."""
    out = copy.deepcopy(gen)
    table = out.report.tables["appeals"]
    assert table is not None
    for key, values in groups.items():
        row = table[key]
        assert row is not None
        for col, v in zip(list(row), values, strict=True):
            row[col] = Cell(None, "", blank=True) if v is None else Cell(v, str(v))
    return out
