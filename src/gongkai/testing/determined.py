"""Which cells of a synthetic document the document itself determines.

A reader can only be asked for what the printed page says. When cell boundaries are lost
(digits run together) or blank cells leave no trace (``0 0 3`` for seven cells), some cells
are fixed by nothing on the page: ``110`` is 1|10 or 11|0 with the same total, and which of
a row's zeros were printed blank cannot be seen at all. This module works that out from the
*truth* — what was printed, and which identities the truth satisfies — independently of the
parser: every way to read each printed row is enumerated, and the rows are combined under
the identities the truth keeps. A cell is determined when every such combination gives it
the same value (blank and 0 told apart).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from gongkai.model.report import Cell, Report
from gongkai.model.template import Identity
from gongkai.parse.decode import splits, sum_run
from gongkai.parse.joint import Equation, Form, Option, solve

RUN_FORMATS = frozenset({"flat"})
RUN_DAMAGES = frozenset({"no_separators"})
"""Where table cells run together with nothing between them."""
VANISH_FORMATS = frozenset({"flat", "pdftext", "onecell", "md_layout"})
VANISH_DAMAGES = frozenset({"lost_table_structure", "no_separators", "pdftotext", "markitdown", "pypdf"})
"""Where a blank cell leaves no trace between the numbers around it."""
MAX_OPTIONS = 50_000
"""Readings enumerated per printed row; a row with more is taken as its truth (strict)."""
SOLVER_SECONDS = 120.0
SOLVER_WORK = 120.0
TIE_ROUNDS = 1_000
"""The measure's own limits for the exact search, far above the parser's: a table whose every
printed row may be read several ways can have a hundred cells that vary between optimal
readings, and a search that stops early would count them all as determined."""

TABLE2_RUN = "table-2 run splits several ways"
BLANK_OR_ZERO = "blank or 0: blank cells leave no trace"
RUN_WITH_BLANK = "a run of digits with a blank cell in it"
IDENTITIES_OPEN = "the identities allow several readings"

_NUMBER = re.compile(r"[-+]?(0|[1-9][0-9]*)(\.[0-9]+)?")


@dataclass
class PrintedRow:
    """One line of a printed table: table 4's three groups print as one line."""

    key: str
    cells: list[tuple[str, str, Cell]]
    """(template row, column, truth cell)."""
    groups: tuple[int, ...]
    """Consecutive cells that end in their sum (table 3: the whole row; table 4: 5, 5, 5)."""

    def path(self, table: str, j: int) -> str:
        return f"{table}.{self.cells[j][0]}.{self.cells[j][1]}"


def undetermined_cells(report: Report, fmt: str, damage: str) -> dict[str, str]:
    """Cells of ``report`` (the truth) that its rendering in ``fmt`` with ``damage`` does not
    determine, each with the reason."""
    run = fmt in RUN_FORMATS or damage in RUN_DAMAGES
    vanish = fmt in VANISH_FORMATS or damage in VANISH_DAMAGES
    out: dict[str, str] = {}
    if run:
        out.update(_table2_runs(report))
    if run or vanish:
        for table in ("active_disclosure", "applications", "appeals") if not run else ("applications", "appeals"):
            out.update(_joint(report, table, run, out))
    return out


def _printed_rows(report: Report, table: str) -> list[PrintedRow]:
    rows = report.tables.get(table) or {}
    if table == "appeals":
        cells = [(r, c, cell) for r, row in rows.items() for c, cell in (row or {}).items()]
        sizes = tuple(len(row) for row in rows.values() if row)
        return [PrintedRow("appeals", cells, sizes)] if cells else []
    return [
        PrintedRow(r, [(r, c, cell) for c, cell in row.items()], (len(row),) if table == "applications" else ())
        for r, row in rows.items()
        if row
    ]


def _table2_runs(report: Report) -> dict[str, str]:
    """Table 2 has no identity: a run that splits more than one way is not determined."""
    out: dict[str, str] = {}
    for rkey, row in (report.tables.get("active_disclosure") or {}).items():
        if not row or len(row) < 2:
            continue
        run = "".join(c.raw or "" for c in row.values()).replace(" ", "").replace("增", "+").replace("减", "-")
        if count_splits(run, len(row)) > 1:
            out.update(dict.fromkeys((f"active_disclosure.{rkey}.{c}" for c in row), TABLE2_RUN))
    return out


def count_splits(run: str, k: int, limit: int = 2) -> int:
    """How many ways ``run`` splits into ``k`` cells, up to ``limit``: numbers without leading
    zeros, and a dash that is either a number's sign or a blank cell of its own (``120-2``)."""
    if k == 0:
        return 1 if not run else 0
    n = 0
    if run.startswith("-"):
        n += count_splits(run[1:], k - 1, limit)  # the dash marks a blank cell
        if n >= limit:
            return n
    if k == 1:
        return n + (1 if _NUMBER.fullmatch(run) else 0)
    for i in range(1, len(run)):
        if _NUMBER.fullmatch(run[:i]):
            n += count_splits(run[i:], k - 1, limit - n)
            if n >= limit:
                break
    return n


def _value(cell: Cell) -> int:
    """The cell as an integer (blank as 0): counts as they are; a non-integer amount (table 2's
    fee, which no identity touches) only needs to stay distinct and non-zero."""
    v = cell.value or 0
    return int(v) if float(v).is_integer() else round(v * 1000) or 1


def _broken(values: Sequence[int], groups: Sequence[int]) -> int:
    """Groups of ``values`` that do not end in the sum of their other cells."""
    i = n = 0
    for g in groups:
        part = values[i : i + g]
        n += sum(part[:-1]) != part[-1]
        i += g
    return n


def _as_good_as(which: Sequence[bool]) -> Iterator[tuple[bool, ...]]:
    """Which groups a reading must balance to break no more of them than the truth does: any
    choice of that many groups, since a reader cannot know which one the document breaks."""
    broken = sum(not w for w in which)
    for free in itertools.combinations(range(len(which)), broken):
        yield tuple(j not in free for j in range(len(which)))


def _run_options(digits: str, groups: Sequence[int], which: Sequence[bool]) -> Iterator[tuple[int, ...]]:
    """Splits of a run of digits into the groups' cells that break no more groups than the truth."""
    seen: set[tuple[int, ...]] = set()
    for must in _as_good_as(which):
        for values in _run_splits(digits, groups, must):
            if values not in seen:
                seen.add(values)
                yield values


def _run_splits(digits: str, groups: Sequence[int], must: Sequence[bool]) -> Iterator[tuple[int, ...]]:
    """Splits of a run of digits into the groups' cells; the groups ``must`` marks balance."""
    if not groups:
        if not digits:
            yield ()
        return
    g, rest = groups[0], sum(groups[1:])
    for cut in range(g, len(digits) - rest + 1):
        head = digits[:cut]
        heads = sum_run(head, g - 1) if must[0] else (tuple(int(p) for p in s) for s in splits(head, g))
        for h in heads:
            for tail in _run_splits(digits[cut:], groups[1:], must[1:]):
                yield (*h, *tail)


def _vanish_options(prow: PrintedRow, which: Sequence[bool]) -> Iterator[tuple[Form, ...]]:
    """The printed numbers in order, the missing cells anywhere (None: blank), breaking no more
    of the row's groups than the truth does."""
    allowed = sum(not w for w in which)
    # a blank cell the document marks (``/``, ``无``) stands where it is: the numbers and the
    # unmarked blanks between two marks move only between them
    segments: list[list[int]] = [[]]
    for j, (_, _, cell) in enumerate(prow.cells):
        if _marked(cell):
            segments.append([])
        else:
            segments[-1].append(j)
    per_segment = []
    for seg in segments:
        tokens = [_value(prow.cells[j][2]) for j in seg if not prow.cells[j][2].blank]
        per_segment.append([(places, tokens) for places in itertools.combinations(seg, len(tokens))])
    k = len(prow.cells)
    for choice in itertools.product(*per_segment):
        shown: list[Form] = [None] * k
        for places, tokens in choice:
            for p, v in zip(places, tokens, strict=True):
                shown[p] = v
        if not prow.groups or _broken([v or 0 for v in shown], prow.groups) <= allowed:
            yield tuple(shown)


def _marked(cell: Cell) -> bool:
    """A blank cell that the document shows with a mark of its own (``/``, ``—``, ``无``)."""
    return cell.blank and bool((cell.raw or "").strip())


def _as_options(values: tuple[int, ...], shown: list[tuple[Form, ...]]) -> list[Option]:
    """One option per set of numbers (the truth's first), each with every way it may be shown."""
    groups: dict[tuple[int, ...], list[tuple[Form, ...]]] = {values: []}
    for s in shown:
        groups.setdefault(tuple(v or 0 for v in s), []).append(s)
    return [
        Option(v, 0, 0, 0.0, tuple(frozenset(s[j] for s in ss) for j in range(len(v))) if ss else None)
        for v, ss in groups.items()
    ]


def _joint(report: Report, table: str, run: bool, known: dict[str, str]) -> dict[str, str]:
    """Read every printed row every way it can be read (the truth first); combine under the
    table's identities as a reader must — fewest broken first, since a reader cannot know which
    one the document breaks; cells that differ between the best combinations are not
    determined. Where a reading breaks fewer identities than the truth, the document misleads:
    its cells count as determined (a reader that follows the identities there is wrong)."""
    tpl = report.spec
    rows = report.tables.get(table)
    if tpl is None or not rows:
        return {}
    out: dict[str, str] = {}
    truth = {(r, c): _value(cell) for r, row in rows.items() for c, cell in (row or {}).items()}
    identities = tpl.identities_of(table, {k for k, v in rows.items() if v})
    options: dict[str, list[Option]] = {}
    columns: dict[str, tuple[str, ...]] = {}
    where: dict[tuple[str, str], tuple[str, str]] = {}
    printed = _printed_rows(report, table)
    for prow in printed:
        values = tuple(_value(cell) for _, _, cell in prow.cells)
        which = _group_checks(prow, values)
        if run and any(cell.blank for _, _, cell in prow.cells):
            out.update(dict.fromkeys((prow.path(table, j) for j in range(len(prow.cells))), RUN_WITH_BLANK))
            continue
        truth_shown = tuple(None if cell.blank else _value(cell) for _, _, cell in prow.cells)
        if run:
            digits = "".join(str(v) for v in values)
            found = itertools.islice(_run_options(digits, prow.groups or (len(values),), which), MAX_OPTIONS + 1)
            shown: list[tuple[Form, ...]] = [truth_shown, *found]
        else:
            shown = [truth_shown, *itertools.islice(_vanish_options(prow, which), MAX_OPTIONS + 1)]
        if len(shown) > MAX_OPTIONS:
            shown = [truth_shown]
        options[prow.key] = _as_options(values, shown)
        columns[prow.key] = tuple(f"{r}.{c}" for r, c, _ in prow.cells)
        for r, c, _ in prow.cells:
            where[(r, c)] = (prow.key, f"{r}.{c}")
    chosen = {key: [0] for key in options}
    if any(len(o) > 1 for o in options.values()):
        usable = [i for i in identities if all(ref in where for ref in (*i.lhs, *i.rhs))]
        equations = [Equation(tuple(where[a] for a in i.lhs), tuple(where[b] for b in i.rhs)) for i in usable]
        solved = solve(options, columns, equations, SOLVER_SECONDS, TIE_ROUNDS, SOLVER_WORK)
        if solved is not None:  # strict: what cannot be proven open counts as determined
            chosen = solved.chosen
            truth_broken = sum(1 for i in usable if not _holds(i, truth))
            if truth_broken == solved.violations:
                # the truth reads as well as any: it is one of the document's readings
                for picked in chosen.values():
                    picked.append(0)
    for prow in printed:
        if prow.key not in options:
            continue
        witnesses = [options[prow.key][i].cell_forms() for i in chosen[prow.key]]
        for j in range(len(prow.cells)):
            path = prow.path(table, j)
            forms = set().union(*(w[j] for w in witnesses))
            if path in known or len(forms) == 1:
                continue
            out[path] = BLANK_OR_ZERO if len({f or 0 for f in forms}) == 1 else IDENTITIES_OPEN
    return out


def _group_checks(prow: PrintedRow, values: Sequence[int]) -> tuple[bool, ...]:
    """Which of the row's groups the truth balances (a planted defect may break one)."""
    out = []
    i = 0
    for g in prow.groups:
        part = values[i : i + g]
        out.append(sum(part[:-1]) == part[-1])
        i += g
    return tuple(out)


def _holds(ident: Identity, values: dict[tuple[str, str], int]) -> bool:
    if any(ref not in values for ref in (*ident.lhs, *ident.rhs)):
        return False
    return sum(values[a] for a in ident.lhs) == sum(values[b] for b in ident.rhs)
