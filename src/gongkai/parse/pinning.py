"""Which rows of a one-cell-per-line dump the page itself pins to their numbers.

Plain ``pdftotext`` prints a table a cell a line, its row labels between the numbers or in
blocks before or after them, and drops blank cells. The alignment (``align.py``) assigns the
lines to the template's rows; this module says which of those assignments the page fixes and
which are guesses. Rows are cut into *runs* at the pinned places (a label between value lines,
the start, the end): within a run, nothing but the count of numbers says where one row ends
and the next begins. A run holding fewer numbers than its rows have cells lost blank cells,
and its split is a guess unless the rows' own sums allow only one; a run of several rows
counted off a block of labels may even be printed column by column, which the identities
across rows must rule out.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from gongkai.model.template import Identity
from gongkai.parse.align import Alignment, LabelAt, ValueLine, label_slot
from gongkai.parse.cells import Unit
from gongkai.parse.decode import CELL_UNITS, Values, holds

MAX_SPLITS = 5_000
"""Ways to split a run's numbers among its rows tried before its split is left a guess."""

Run = tuple[list[str], int, int]
"""Rows in the template's order, the numbers their lines hold, the cells the rows have."""


@dataclass(frozen=True)
class Dump:
    """A one-cell-per-line table as the alignment read it: its value lines, the rows' lines
    (``al``), the row labels found and the template's rows with their widths."""

    al: Alignment
    lines: Sequence[ValueLine]
    labels: dict[str, LabelAt]
    widths: list[tuple[str, int]]

    @cached_property
    def runs(self) -> list[Run]:
        """The template's rows cut into runs at the pinned places (worked out once: both the
        rows in doubt and the rows that stand are read off them)."""
        al, lines = self.al, self.lines
        bounds = {0, len(lines)} | {label_slot(lines, lb) for lb in self.labels.values()}
        out: list[Run] = []
        run: list[str] = []
        have = need = 0
        for key, width in self.widths:
            idx = al.rows.get(key, [])
            if idx and idx[0] in bounds and run:
                out.append((run, have, need))
                run, have, need = [], 0, 0
            run.append(key)
            need += width
            have += sum(lines[j].cells for j in idx)
            if idx and idx[-1] + 1 in bounds:
                out.append((run, have, need))
                run, have, need = [], 0, 0
        if run:
            out.append((run, have, need))
        return out

    def unpinned_rows(self, identities: Sequence[Identity] = ()) -> list[str]:
        """Rows whose numbers could belong to a neighbour: a run holding fewer numbers than its
        rows have cells lost blank cells, and where one row ends and the next begins is a guess
        (a row that looks full may have taken its neighbour's numbers), unless the rows' own
        sums (``t3_row_total``) hold under one split of the run only, the alignment's."""
        out: list[str] = []
        for run, have, need in self.runs:
            if have < need and not self.split_settled(run, identities):
                out.extend(k for k in run if self.al.rows.get(k))
        return out

    def pinned_rows(self, identities: Sequence[Identity], values: Values) -> frozenset[str]:
        """Rows the page pins to their numbers, which stand even where the reading of the table
        as a whole cannot be trusted:

        - a row alone between two pinned places, one of them its own label, holding no more
          numbers than it has cells: its numbers are its own whatever the order of the rest
          (which of its cells a vanished blank left is the decoder's to weigh);
        - the rows of a run whose split is settled by their sums (``split_settled``);
        - a run of several rows counted off a block of labels that fills its cells exactly,
          when each row's own sum holds or every identity across rows reaching it does
          (``vouched_by_columns``): the page may print such a block column by column.
        """
        al = self.al
        out: set[str] = set()
        for run, have, need in self.runs:
            idx = al.rows.get(run[0], [])
            own = self.labels.get(run[0])
            if len(run) == 1 and idx and have <= need and own and label_slot(self.lines, own) in (idx[0], idx[-1] + 1):
                out.add(run[0])
            elif len(run) > 1 and have < need and self.split_settled(run, identities):
                out.update(run)
            elif len(run) > 1 and have == need and all(al.rows.get(k) for k in run):
                sums = [i for i in identities if i.rule == "t3_row_total" and i.lhs[0][0] in run]
                own_sums = len(sums) == len(run) and all(holds(i, values) is True for i in sums)
                if own_sums or (sums and vouched_by_columns(run, identities, values)):
                    out.update(run)
        return frozenset(out)

    def passed_over(self) -> bool:
        """A value line of several numbers that no row took: a row dropped, so that the rows
        around it may have taken its place (a lone number passed over is a page number)."""
        used = {i for idx in self.al.rows.values() for i in idx}
        return any(i not in used and self.lines[i].cells > 1 for i in range(len(self.lines)))

    def split_settled(self, run: Sequence[str], identities: Sequence[Identity]) -> bool:
        """Whether the rows' own sums allow the run's numbers one split among its rows only, the
        alignment's. Every row must have lines and a sum of its own (table 3); a row left short
        of cells may have lost its total and so always adds up, a full row adds up or not."""
        al, lines = self.al, self.lines
        width = dict(self.widths)
        summed = {i.lhs[0][0] for i in identities if i.rule == "t3_row_total"}
        if not run or any(not al.rows.get(k) or k not in summed for k in run):
            return False
        cells = [_value(u) for k in run for j in al.rows[k] for u in lines[j].units if u.kind in CELL_UNITS]
        taken = [sum(lines[j].cells for j in al.rows[k]) for k in run]
        if len(cells) != sum(taken):
            return False
        widths = [width[k] for k in run]
        feasible: list[tuple[int, ...]] = []
        for n, split in enumerate(_splits(len(cells), widths)):
            if n >= MAX_SPLITS:
                return False
            if _adds_up(cells, split, widths):
                feasible.append(split)
                if len(feasible) > 1:
                    return False
        return feasible == [tuple(taken)]


def vouched_by_columns(rows: Sequence[str], identities: Sequence[Identity], values: Values) -> bool:
    """Rows counted off a block of labels whose own sums fail are still the page's rows (not
    its columns printed one after the other) when every identity across rows that reaches them
    holds: a column's sum and the balance tie them to the rows read from their own labels,
    which a block read in the wrong direction would not satisfy. Their own failing sums are
    then the report's error, not the reading's."""
    across = [i for i in identities if i.rule != "t3_row_total" and i.rows & set(rows)]
    return bool(across) and all(holds(i, values) is True for i in across)


def _value(u: Unit) -> float | None:
    """A cell's number (None: a blank marker or a cell that could not be read)."""
    if u.kind != "number":
        return None
    try:
        return u.sign * float(u.digits)
    except ValueError:
        return None


def _splits(total: int, widths: Sequence[int]) -> Iterator[tuple[int, ...]]:
    """Ways to give ``total`` cells to rows of these widths, each at least one, in order."""
    if not widths:
        if total == 0:
            yield ()
        return
    rest = sum(widths[1:])
    for k in range(max(1, total - rest), min(widths[0], total - len(widths) + 1) + 1):
        for tail in _splits(total - k, widths[1:]):
            yield (k, *tail)


def _adds_up(cells: Sequence[float | None], split: Sequence[int], widths: Sequence[int]) -> bool:
    """Whether every row of the split may satisfy its sum: a full row whose numbers are all
    read must (its last cell the total); a short row or one with a blank may have any."""
    start = 0
    for k, width in zip(split, widths, strict=True):
        row = cells[start : start + k]
        start += k
        if k == width and all(v is not None for v in row):
            parts = [v for v in row[:-1] if v is not None]
            total = row[-1]
            if total is None or abs(sum(parts) - total) > 1e-6:
                return False
    return True
