"""Read a table whose cell boundaries are lost, using the template's identities.

Each row's units (see ``cells.py``) have one or more *readings* into the row's cells: a run
``21710000218`` may be 217|1|0|0|0|0|218 or many other splits. We enumerate the readings
(bounded), keep those that satisfy the row's own identity, then choose the combination of
rows that satisfies the most table identities. Where several readings tie, the cells they
disagree on are uncertain: we keep the raw text and the candidates instead of guessing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from gongkai.model.records import record
from gongkai.model.report import BLANK_OR_ZERO
from gongkai.model.template import CellKind, Identity
from gongkai.parse.cells import Unit, parse_number
from gongkai.parse.joint import Equation, Option, solve

MAX_READINGS_PER_ROW = 20_000
"""Enumeration bound per row; a run longer than this allows is left uncertain."""
MAX_STEPS_PER_ROW = 400_000
"""Steps of the search for a row's readings: a row whose blanks and cuts could fall in too
many places (most of them dead ends) is left unread rather than searched for minutes."""
MAX_JOINT_COMBINATIONS = 2_000
"""Products of row readings up to this size are enumerated; larger ones go to the solver."""
LAYOUT_CACHE = 64
"""Table layouts remembered (a template's tables, with the rows a report may leave out)."""
KEEP_PER_ROW = 64
"""Readings kept per row after the row's own identity has filtered them."""
COST_SPLIT = 1.0
COST_CUT_APART = 3.0
"""Cutting a number the document sets apart (``18 1 19`` read as 1|8 …): a missing space,
rarer in such a dump than a blank cell it dropped (COST_INSERT)."""
COST_JOIN = 2.0
COST_INSERT = 2.0
COST_EMPTY_INTERIOR = 0.3
COST_EMPTY_EDGE = 5.0
"""An empty field before or after the values is usually a layout artefact, rarely a blank cell."""
SEPARATED_SHARE = 0.5
"""With no style known from the document (see ``tables.table_runs_together``), a row whose
numbers stand apart for at least this share of its cells counts as set apart. Where numbers
are set apart, the dump drops its blank cells and a blank read in is the usual explanation
of a short row; where they run together, a blank read into the run is a guess as strong as
the document being wrong, and weighs as much as a broken identity (``RowReading.doubt``)."""


@record
class CellReading:
    value: int | float | None
    raw: str
    blank: bool = False
    unit: str | None = None
    offset: int | None = None
    unread: bool = False
    """The document's cell is there but holds no number we can read: its value is unknown."""


@dataclass(frozen=True)
class RowReading:
    cells: tuple[CellReading, ...]
    cost: float = 0.0
    doubt: int = 0
    """Blank cells read into numbers that run together (see SEPARATED_SHARE)."""

    @property
    def direct(self) -> bool:
        return self.cost == 0.0

    def __hash__(self) -> int:
        """The dataclass's own hash, worked out once: the decoder keys its classes of readings
        by reading and looks each up again and again (each look-up hashing every cell). Kept
        in the instance's dict as ``cached_property`` would, without its lock taken at each
        first look-up."""
        known = self.__dict__.get("_hash")
        if known is None:
            known = self.__dict__["_hash"] = hash((self.cells, self.cost, self.doubt))
        return known


def _valid_part(s: str, kind: CellKind, first: bool, last: bool, signed: bool) -> bool:
    if not s:
        return False
    if "." in s:
        if kind != "amount" or not last:
            return False
        ip, _, fp = s.partition(".")
        if not ip or not fp:
            return False
        return ip == "0" or not ip.startswith("0")
    if signed and kind != "signed":
        return False
    return s == "0" or not s.startswith("0")


def splits(digits: str, m: int) -> Iterator[tuple[str, ...]]:
    """All ways to cut ``digits`` into ``m`` non-empty parts (a decimal part stays whole)."""
    if m == 1:
        yield (digits,)
        return
    dot = digits.find(".")
    limit = dot if dot >= 0 else len(digits)
    for i in range(1, limit):
        head = digits[:i]
        if len(head) > 1 and head.startswith("0"):
            break
        for rest in splits(digits[i:], m - 1):
            yield (head, *rest)


def row_readings(
    units: Sequence[Unit],
    kinds: Sequence[CellKind],
    allow_repair: bool = False,
    groups: tuple[int, ...] = (),
    max_broken: int | None = None,
    glued: bool | None = None,
) -> list[RowReading]:
    """All readings of ``units`` into ``len(kinds)`` cells (bounded by MAX_READINGS_PER_ROW).

    With ``allow_repair``, soft-separated numbers may be joined (``2 0`` → 20) and missing
    cells may be inserted as blanks anywhere (a dump that dropped blank cells). With
    ``max_broken``, readings in which more of the ``groups`` (consecutive cells ending in
    their sum) do not add up, counting each doubtful blank as one, are cut off early.
    ``glued``: the numbers run together (see SEPARATED_SHARE; by default the row tells)."""
    k = len(kinds)
    seq = list(units)
    glued = row_runs_together(seq, k, glued)
    steps = 0
    cut_cost = COST_SPLIT if glued else COST_CUT_APART
    # in a reading that keeps every token whole, a token the document sets apart is read as
    # written (a negative count is its error, for bad_number); cuts must respect the kinds
    as_written = not glued
    if not allow_repair and (direct := _cell_for_cell(seq, kinds, as_written)) is not None:
        return direct
    if not allow_repair and (cut := _cuts_only(seq, k, cut_cost)) is not None:
        return cut
    bounds = tuple(itertools.accumulate(groups))
    out = Readings()
    dropped = CellReading(None, "", True)

    def spent() -> bool:
        nonlocal steps
        steps += 1
        if steps > MAX_STEPS_PER_ROW:
            out.exhausted = True
        return out.exhausted

    def doubt(cells: list[CellReading]) -> int:
        return sum(1 for c in cells if c is dropped) if glued else 0

    def within_bound(cells: list[CellReading]) -> bool:
        if max_broken is None:
            return True
        broken, start = doubt(cells), 0
        for end in bounds:
            if end > len(cells):
                break
            broken += _group_broken(cells[start:end])
            start = end
        return broken <= max_broken

    need = [0] * (len(seq) + 1)
    """Cells the units from ``i`` on take at least (counted once, from the end)."""
    for j in range(len(seq) - 1, -1, -1):
        need[j] = need[j + 1] + (seq[j].kind in CELL_UNITS and not seq[j].optional)

    def need_from(i: int) -> int:
        return need[i]

    def rec(
        i: int, cells: list[CellReading], cost: float, carry: Unit | None = None, whole: bool = True, odd: bool = False
    ) -> None:
        """``whole``: no token cut or joined so far; ``odd``: a cell read as written against
        its kind (allowed only in a reading that stays whole)."""
        if spent() or len(out) >= MAX_READINGS_PER_ROW or len(cells) > k or not within_bound(cells):
            return
        if allow_repair and carry is None and len(cells) + need_from(i) < k:
            rec(i, [*cells, dropped], cost + COST_INSERT, None, whole, odd)  # a blank the document dropped
        if i == len(seq):
            if len(cells) == k and (whole or not odd):
                out.append(RowReading(tuple(cells), cost, doubt(cells)))
            return
        u = carry or seq[i]
        if u.kind == "empty":
            rec(i + 1, cells, cost, None, whole, odd)
            if len(cells) < k:
                c = COST_EMPTY_EDGE if u.edge else COST_EMPTY_INTERIOR
                rec(i + 1, [*cells, CellReading(None, "", True, offset=u.offset)], cost + c, None, whole, odd)
            return
        if u.kind == "blank":
            rec(i + 1, [*cells, CellReading(None, u.text, True, offset=u.offset)], cost, None, whole, odd)
            if u.optional:
                rec(i + 1, cells, cost, None, whole, odd)
            return
        if u.kind == "unread":
            rec(i + 1, [*cells, CellReading(None, u.text, offset=u.offset, unread=True)], cost, None, whole, odd)
            return
        _number(i, u, cells, cost, whole, odd)
        if u.or_blank:
            # ``000-112``: the dash may mark a blank cell rather than sign the number after it
            # (a cell edge inferred, as a cut is)
            unsigned = Unit("number", u.text, 1, u.unit, u.offset + 1, u.soft_next, u.edge)
            blank = CellReading(None, "-", True, offset=u.offset)
            _number(i, unsigned, [*cells, blank], cost + cut_cost, False, odd)
        if allow_repair and u.soft_next and i + 1 < len(seq) and seq[i + 1].kind == "number":
            nxt = seq[i + 1]
            joined = Unit("number", u.digits + nxt.digits, u.sign, nxt.unit, u.offset, nxt.soft_next, False)
            rec(i + 1, cells, cost + COST_JOIN, joined, False, odd)

    def _number(i: int, u: Unit, cells: list[CellReading], cost: float, whole: bool, odd: bool) -> None:
        """Cut the number's digits into one or more cells (each cut costs ``cut_cost``)."""
        need_after = need_from(i + 1)
        whole_only = "," in u.text  # a thousands-separated number is one cell

        def cell(p: str, j: int, last: bool, at: int) -> tuple[CellReading, bool] | None:
            """The cell, and whether it is read as written against its kind."""
            signed = j == 0 and u.sign < 0
            valid = _valid_part(p, kinds[at], j == 0, last, signed)
            if not valid and not (as_written and whole and j == 0 and last):
                return None
            raw = ("-" if signed else "") + (u.text if j == 0 and last else p)
            value = parse_number(p, -1 if signed else 1)
            return CellReading(value, raw, False, u.unit if last else None, u.offset), not valid

        def take(rest: str, j: int, cells: list[CellReading], cost: float) -> None:
            if spent() or len(out) >= MAX_READINGS_PER_ROW or len(cells) + 1 + need_after > k:
                return
            if not within_bound(cells):
                return
            if allow_repair and j > 0:
                take(rest, j, [*cells, dropped], cost + COST_INSERT)  # a dropped blank inside the run
            last = cell(rest, j, True, len(cells))
            if last is not None:
                rec(i + 1, [*cells, last[0]], cost, None, whole and j == 0, odd or last[1])
            if whole_only:
                return
            dot = rest.find(".")
            for cut in range(1, dot if dot >= 0 else len(rest)):
                head = rest[:cut]
                if len(head) > 1 and head.startswith("0"):
                    break
                c = cell(head, j, False, len(cells))
                if c is not None:
                    take(rest[cut:], j + 1, [*cells, c[0]], cost + cut_cost)

        take(u.digits, 0, cells, cost)

    rec(0, [], 0.0)
    return out


def _cell_for_cell(units: Sequence[Unit], kinds: Sequence[CellKind], as_written: bool) -> Readings | None:
    """What the search of ``row_readings`` (without repairs) finds for a row whose units are
    its cells one for one, none open to another reading (most rows of a delimited table): the
    one reading that takes each as written, or none when a number is no valid cell and the
    document does not set it apart (a cut would leave too few units for the other cells).
    None: the row is not of that shape, and is searched."""
    if len(units) != len(kinds):
        return None
    out = Readings()
    cells: list[CellReading] = []
    valid = True
    """No number read against its kind so far (the search then finds nothing: told once the
    row's shape is known to be this one)."""
    steps = len(units) + 1
    for u, kind in zip(units, kinds, strict=True):
        # the row's shape, its steps and its cells in one pass over its units
        unit_kind = u.kind
        if unit_kind not in CELL_UNITS or u.or_blank or u.optional:
            return None
        text = u.text
        steps += len(text)
        if not valid:
            continue
        if unit_kind == "number" and as_written and u.sign > 0 and text.isdigit() and text.isascii():
            # most cells (tested first): a count in ASCII digits, read as written (what
            # ``parse_number`` makes of it)
            cells.append(CellReading(int(text), text, False, u.unit, u.offset))
        elif unit_kind == "blank":
            cells.append(CellReading(None, text, True, None, u.offset))
        elif unit_kind == "unread":
            cells.append(CellReading(None, text, offset=u.offset, unread=True))
        else:
            signed = u.sign < 0
            if not as_written and not _valid_part(u.digits, kind, True, True, signed):
                valid = False
                continue
            value = parse_number(u.digits, -1 if signed else 1)
            cells.append(CellReading(value, ("-" if signed else "") + u.text, False, u.unit, u.offset))
    if steps >= MAX_STEPS_PER_ROW:
        return None  # more steps than the search may take (its every unit, cut and end): it gives up
    if not valid:
        return out
    out.append(RowReading(tuple(cells), 0.0, 0))
    return out


_ASCII_DIGITS = frozenset("0123456789")


def _cuts_only(units: Sequence[Unit], k: int, cut_cost: float) -> Readings | None:
    """What the search of ``row_readings`` (without repairs) finds for a row of bare runs of
    digits (no sign, separator, decimal point, dash, blank or empty field) and more cells than
    runs (``7777166`` for three cells): every way to cut each run into numbers with no leading
    zero, ``k`` cells in all, in the search's order. The search makes each of them a call at a
    time; here only the cuts are walked. None: not such a row, or one whose search could reach
    its bounds (it gives up there), and is searched."""
    if not 0 < len(units) < k:
        return None
    if any(u.kind != "number" or u.sign != 1 or u.or_blank or u.optional or not u.text for u in units):
        return None
    if any(not _ASCII_DIGITS.issuperset(u.text) for u in units):
        return None
    digits = sum(len(u.text) for u in units)
    # the search's steps: a take or rec per place its cuts so far can leave it, at most
    if (2 * digits + 2) * 2**digits > MAX_STEPS_PER_ROW or 2**digits >= MAX_READINGS_PER_ROW:
        return None
    # each run's ways into cells (a reading of the whole row needs a cell from every other run)
    ways = [_run_cuts(u, k - len(units) + 1) for u in units]
    out = Readings()
    cost = 0.0
    for _ in range(k - len(units)):
        cost += cut_cost  # a cut each cell beyond a run's first, summed as the search sums them

    def combine(i: int, left: int, cells: tuple[CellReading, ...]) -> None:
        last = i == len(ways) - 1
        for way in ways[i]:
            n = len(way)
            if last and n == left:
                out.append(RowReading(cells + way, cost, 0))
            elif not last and left - n >= len(ways) - 1 - i:
                combine(i + 1, left - n, cells + way)

    combine(0, k, ())
    return out


def _run_cuts(u: Unit, most: int) -> list[tuple[CellReading, ...]]:
    """The cells a bare run of digits can be cut into (at most ``most`` of them), in the order
    of ``row_readings``' search: the rest of the run whole first, then each first cut from the
    left. A part with a leading zero is no cell (nor is any longer one after it)."""
    out: list[tuple[CellReading, ...]] = []

    def walk(rest: str, made: tuple[CellReading, ...]) -> None:
        if rest == "0" or not rest.startswith("0"):
            out.append((*made, CellReading(parse_number(rest, 1), rest, False, u.unit, u.offset)))
        if len(made) + 2 > most:
            return
        for cut in range(1, len(rest)):
            head = rest[:cut]
            if len(head) > 1 and head.startswith("0"):
                break
            walk(rest[cut:], (*made, CellReading(parse_number(head, 1), head, False, None, u.offset)))

    walk(u.text, ())
    return out


class Readings(list[RowReading]):
    """A row's readings; ``exhausted``: the search stopped at ``MAX_STEPS_PER_ROW``."""

    exhausted: bool = False


def too_many(readings: list[RowReading]) -> bool:
    """Whether a search gave up (too many readings, or too long a search) to trust any."""
    return len(readings) >= MAX_READINGS_PER_ROW or (isinstance(readings, Readings) and readings.exhausted)


CELL_UNITS = ("number", "blank", "unread")
"""Units that are one cell each at least."""


def separated(units: Sequence[Unit], k: int) -> bool:
    """Whether the row's numbers stand apart (see SEPARATED_SHARE)."""
    return sum(1 for u in units if u.kind in CELL_UNITS) >= SEPARATED_SHARE * k


def row_runs_together(units: Sequence[Unit], k: int, style: bool | None) -> bool:
    """Whether a row's numbers run together: the document's ``style`` (its tables' rows), or
    the row itself when it is one run of digits for several cells (``7050`` in a table whose
    other rows are tabbed), or, with no style known, by its count of numbers."""
    if style:
        return True
    # one run: the row's one written unit a number of several digits
    one_run = k > 1 and (only := _only_written(units)) is not None and only.kind == "number" and len(only.digits) > 1
    if style is None:
        return one_run or not separated(units, k)
    return one_run


def _only_written(units: Sequence[Unit]) -> Unit | None:
    """The row's one written (not empty) unit; None: it has none or several (looked for up to
    a second one, which most rows have at once: no list of them made)."""
    only = None
    for u in units:
        if u.kind != "empty":
            if only is not None:
                return None
            only = u
    return only


def sum_run(digits: str, n_parts: int) -> Iterator[tuple[int, ...]]:
    """Cuts of ``digits`` into ``n_parts`` numbers followed by their sum (choose the total
    first, then split the rest under it: far fewer candidates than cutting blindly)."""
    n = len(digits)
    for total_len in range(1, n - n_parts + 1):
        t = digits[n - total_len :]
        if len(t) > 1 and t.startswith("0"):
            continue
        total = int(t)
        for parts in _parts_summing(digits[: n - total_len], n_parts, total):
            yield (*parts, total)  # (yielded here, not through a generator of its own at each level)


def _parts_summing(digits: str, k: int, remaining: int) -> Iterator[tuple[int, ...]]:
    if k == 1:
        if _is_part(digits, remaining):
            yield (remaining,)
        return
    for i in range(1, len(digits) - k + 2):
        head = digits[:i]
        if len(head) > 1 and head.startswith("0"):
            break
        v = int(head)
        if v > remaining:
            break
        if k == 2:
            # the last part told here (the most numerous calls: no generator made for each)
            if _is_part(digits[i:], remaining - v):
                yield (v, remaining - v)
            continue
        for rest in _parts_summing(digits[i:], k - 1, remaining - v):
            yield (v, *rest)


def _is_part(digits: str, value: int) -> bool:
    """Whether ``digits`` are a part (no leading zero) worth ``value``."""
    return (len(digits) == 1 or not digits.startswith("0")) and int(digits) == value


def _sum_groups_runs(digits: str, groups: Sequence[int]) -> Iterator[tuple[int, ...]]:
    if not groups:
        if not digits:
            yield ()
        return
    if len(groups) == 1:
        # the last group: only the cut that leaves no digit after it yields (the others' sums
        # need not be searched for)
        if len(digits) >= groups[0]:
            yield from sum_run(digits, groups[0] - 1)
        return
    need_after = sum(groups[1:])
    for cut in range(groups[0], len(digits) - need_after + 1):
        for head in sum_run(digits[:cut], groups[0] - 1):
            for rest in _sum_groups_runs(digits[cut:], groups[1:]):
                yield (*head, *rest)


def _digit_a_cell(digits: str, groups: Sequence[int]) -> Iterator[tuple[int, ...]]:
    """What ``_sum_groups_runs`` yields for a run of as many digits as cells (``0000000``, a
    row of zeros run together): its one cut, when each group's last digit is the sum of the
    group's others, without trying the cuts one by one."""
    if any(g < 2 for g in groups) or not _ASCII_DIGITS.issuperset(digits):
        yield from _sum_groups_runs(digits, groups)
        return
    values = tuple(map(int, digits))
    i = 0
    for g in groups:
        if sum(values[i : i + g - 1]) != values[i + g - 1]:
            return
        i += g
    yield values


def balanced_run_readings(
    units: Sequence[Unit], kinds: Sequence[CellKind], groups: Sequence[int]
) -> list[RowReading] | None:
    """Fast path for a row that is one bare run of digits (``21710000218``) whose columns form
    consecutive groups each ending in their sum (table 3 rows: (7,); table 4: (5, 5, 5)).
    Returns the balanced readings, or None when the fast path does not apply."""
    u = _only_written(units)
    if u is None or u.kind != "number" or u.sign < 0 or not u.text.isdigit():
        return None
    if sum(groups) != len(kinds) or list(kinds).count("count") != len(kinds):
        return None
    out = []
    runs = _digit_a_cell(u.text, groups) if len(u.text) == len(kinds) else _sum_groups_runs(u.text, groups)
    for values in itertools.islice(runs, MAX_READINGS_PER_ROW):
        cells = tuple([CellReading(v, str(v), False, None, u.offset) for v in values])
        out.append(RowReading(cells, COST_SPLIT * (len(kinds) - 1)))
    return out


def readings_for_row(
    units: list[Unit], kinds: list[CellKind], groups: tuple[int, ...], glued: bool | None = None
) -> list[RowReading]:
    """Readings of a row: the balanced fast path for a bare run, else full enumeration, and
    with repairs (joined digits, dropped blanks) where they may explain the row better.
    ``glued``: the document's numbers run together (None: the row tells)."""
    if groups:
        fast = balanced_run_readings(units, kinds, groups)
        if fast:
            return fast
    # the row's style told once: told again from it (as ``row_readings`` does) it stays as it is
    run = row_runs_together(units, len(kinds), glued)
    plain = row_readings(units, kinds, glued=run)
    if too_many(plain):
        return []  # too many readings to trust any of them: leave the row unread
    # numbers set apart but fewer than the cells: a dump that dropped blank cells, which
    # blanks explain as well as cuts do, whether or not a cut reading balances
    short = not run and 0 < sum(1 for u in units if u.kind in CELL_UNITS) < len(kinds)
    if plain and (not groups or any(_balanced(rd, groups) for rd in plain)) and not short:
        return plain
    # no plain reading balances: a dropped blank cell or a split number may explain it. A
    # repair is an explanation of a broken row identity: one that mends no more of the row
    # than it as written is not weighed (it would only blur the row's cells)
    best_plain = min((_unbalanced_groups(rd, groups) for rd in plain), default=None)
    if not groups:
        bound = None
    elif best_plain is None:
        bound = len(groups) + len(kinds)  # nothing to compare with: the fewest broken wins
    else:  # a doubtful blank (see SEPARATED_SHARE) mends a group only to tie with the plain row
        bound = best_plain if run or short else best_plain - 1
    # the fewest broken groups a repair reaches (a repair breaking more would lose anyway)
    repaired: list[RowReading] = []
    for most in range(bound + 1) if bound is not None else (None,):
        repaired = row_readings(units, kinds, allow_repair=True, groups=groups, max_broken=most, glued=glued)
        if repaired or too_many(repaired):
            break
    if too_many(repaired):
        # repairs too many to weigh: cells the document itself separates stand (and do not
        # balance); cells that only our cuts separate could be mended by a repair not weighed
        return [rd for rd in plain if rd.direct]
    # one reading per set of values, the cheapest: a blank the dump dropped at the row's end
    # explains the row as well as an empty edge field read as a cell, and costs less
    cheapest: dict[tuple[int | float | None, ...], RowReading] = {}
    for rd in [*plain, *repaired]:
        key = tuple(c.value for c in rd.cells)
        if key not in cheapest or rd.cost < cheapest[key].cost:
            cheapest[key] = rd
    return list(cheapest.values())


def _group_broken(cells: Sequence[CellReading]) -> bool:
    """The cells do not end with the sum of the others (blank counts as 0; a group with an
    unread cell is not known to be broken)."""
    for c in cells:
        if c.unread:
            return False
    # the others added in order from 0, as ``sum`` adds them, with no list of values made
    total: int | float = 0
    for c in cells[:-1]:
        total += c.value or 0
    return abs(total - (cells[-1].value or 0)) > 1e-6


def _unbalanced_groups(rd: RowReading, groups: tuple[int, ...]) -> int:
    """Groups of cells that do not end with the sum of the others (see ``_group_broken``)."""
    i = n = 0
    for g in groups:
        n += _group_broken(rd.cells[i : i + g])
        i += g
    return n


def _balanced(rd: RowReading, groups: tuple[int, ...]) -> bool:
    return _unbalanced_groups(rd, groups) == 0


# --- identities over readings ------------------------------------------------------------

Values = dict[tuple[str, str], int | float | None]


def holds(identity: Identity, values: Values) -> bool | None:
    """True/False, or None when a referenced cell is not in ``values`` (row not read)."""
    # each side added in order from a float start (``0.0 + v + …``), in this one frame: no
    # list or comprehension's frame made per side (the decoder weighs identities by the hundred)
    a = b = 0.0
    try:
        for ref in identity.lhs:
            a += values[ref] or 0
        for ref in identity.rhs:
            b += values[ref] or 0
    except KeyError:
        return None  # a cell not read
    return abs(a - b) < 1e-6


def row_values(row: str, cols: Sequence[str], reading: RowReading) -> Values:
    """The reading's values; an unread cell is left out, so identities on it are unknown."""
    return {(row, c): cell.value for c, cell in zip(cols, reading.cells, strict=True) if not cell.unread}


class _ValuesOf:
    """Each row reading's values (``row_values``), worked out once: the decoder weighs a
    reading against each identity of its row and in every combination with other rows."""

    def __init__(self, columns: dict[str, tuple[str, ...]], local: Mapping[str, Sequence[Identity]]) -> None:
        self.columns = columns
        self.local = local
        self.memo: dict[tuple[str, int], tuple[RowReading, Values]] = {}
        """(row, id of the reading) → the reading (kept, so that its id stays its own), values."""
        self.verdicts: dict[tuple[str, int], tuple[bool | None, ...]] = {}
        """(row, id of the reading) → ``holds`` of each of the row's own identities (``local``)."""

    def __call__(self, row: str, reading: RowReading) -> Values:
        key = (row, id(reading))
        hit = self.memo.get(key)
        if hit is None:
            hit = self.memo[key] = (reading, row_values(row, self.columns[row], reading))
        return hit[1]

    def own(self, row: str, reading: RowReading) -> tuple[bool | None, ...]:
        """Whether each of the row's own identities holds under the reading, weighed once (the
        decoder asks again for the row's ties, its rules and its unbalanced identities)."""
        if not self.local[row]:
            return ()  # (rows of table 2: no identity of their own, no values to gather)
        key = (row, id(reading))
        hit = self.verdicts.get(key)
        if hit is None:
            values = self(row, reading)  # (keeps the reading, so that its id stays its own)
            hit = self.verdicts[key] = tuple(holds(i, values) for i in self.local[row])
        return hit

    def broken(self, row: str, reading: RowReading) -> int:
        """``violations`` of the row's own identities under the reading."""
        return self.own(row, reading).count(False)


def violations(identities: Sequence[Identity], values: Values) -> int:
    return sum(1 for i in identities if holds(i, values) is False)


@dataclass
class RowChoice:
    reading: RowReading
    uncertain: dict[str, tuple[int | float | None, ...]] = field(default_factory=dict)
    """Columns whose value differs between equally good readings → their candidates."""
    candidates: int = 1
    method: str = "direct"
    confidence: float = 1.0
    tied: tuple[tuple[int | float | None, ...], ...] = ()
    """When uncertain: the values of every equally good reading (for later evidence)."""
    blanks: int = 0
    """Blank cells in every reading the decoder weighed for the row (see ``Decision.blanks``)."""


@dataclass
class TableChoice:
    rows: dict[str, RowChoice]
    violations: int
    unbalanced: list[str] = field(default_factory=list)
    """Identities that fail under every reading of their row: a defect of the document even
    though the row's cells cannot be told apart."""
    broken_rules: list[str] = field(default_factory=list)
    """Rules of which every best reading of the table breaks some identity (which one may
    depend on the reading): a defect whose place the document leaves open."""
    verdicts: dict[Identity, bool | None] | None = None
    """Each identity's ``holds`` under the chosen readings, when the decoder weighed them so
    (every row read one way); None: not kept."""


def decode_table(
    readings: dict[str, list[RowReading]],
    columns: dict[str, tuple[str, ...]],
    identities: Sequence[Identity],
    hints: Values | None = None,
) -> TableChoice:
    """Choose one reading per row: fewest identity violations, then agreement with ``hints``
    (numbers stated in the text), then lowest cost. Ties leave the disagreeing cells uncertain."""
    rows = [r for r in readings if readings[r]]
    if all(len(readings[r]) == 1 for r in rows):
        return _decode_fixed(readings, columns, identities, rows)
    return _decode_search(readings, columns, identities, hints or {}, rows)


@dataclass(frozen=True)
class _Layout:
    local: dict[str, tuple[Identity, ...]]
    """Each row's own identities (on that row alone)."""
    components: tuple[tuple[tuple[str, ...], tuple[Identity, ...]], ...]
    """Rows linked by identities (to be decoded together) and the spanning identities on them
    alone; unlinked rows alone."""


@lru_cache(maxsize=LAYOUT_CACHE)
def _layout(identities: tuple[Identity, ...], rows: tuple[str, ...]) -> _Layout:
    """How a table's identities tie its rows (those with readings): worked out once for each
    table layout a report may have, not for every table read (the template's identities
    are the same tuple each time, and hash once: see ``Identity``)."""
    local: dict[str, list[Identity]] = {r: [] for r in rows}
    spanning: list[Identity] = []
    for ident in identities:
        refs = ident.rows
        if len(refs) == 1 and next(iter(refs)) in local:
            local[next(iter(refs))].append(ident)
        else:
            spanning.append(ident)
    components = []
    for component in _components(list(rows), spanning):
        in_component = set(component)
        components.append((tuple(component), tuple(i for i in spanning if i.rows <= in_component)))
    return _Layout({r: tuple(ids) for r, ids in local.items()}, tuple(components))


def _decode_search(
    readings: dict[str, list[RowReading]],
    columns: dict[str, tuple[str, ...]],
    identities: Sequence[Identity],
    hints: Values,
    rows: list[str],
) -> TableChoice:
    """``decode_table`` by search over the rows' readings (``rows``: those with any)."""
    layout = _layout(tuple(identities), tuple(rows))
    local = layout.local
    values_of = _ValuesOf(columns, local)

    # readings that differ only in where a blank sits among zeros weigh the same in every
    # identity: search over one of each, and let the others tie at the end
    classes = {r: numeric_classes(readings[r]) for r in rows}
    pruned: dict[str, list[tuple[RowReading, int, int]]] = {}
    overflow: dict[str, list[RowReading]] = {}
    unbalanced: list[str] = []
    surely_blank: dict[str, list[Scored]] = {}
    """Per row, the readings its own identities leave (kept), whose blanks every one has."""
    tied_best: dict[str, list[RowReading]] = {}
    """Per row, every reading as good as the best by the row's own identities (before pruning)."""
    for r in rows:
        reps = list(classes[r])
        for k, ident in enumerate(local[r]):
            if all(values_of.own(r, rd)[k] is False for rd in reps):
                unbalanced.append(ident.name)
        scored = []
        for rd in reps:
            misses = _hint_misses(values_of(r, rd), hints) if hints else 0
            scored.append((rd, values_of.broken(r, rd) + rd.doubt, misses))
        best_v = min(s[1] for s in scored)
        kept = [s for s in scored if s[1] == best_v]
        tied_best[r] = [s[0] for s in kept]
        kept.sort(key=lambda s: (s[2], s[0].cost))
        surely_blank[r] = kept  # (their blanks counted only where wanted, below)
        pruned[r] = kept[:KEEP_PER_ROW]
        if len(kept) > KEEP_PER_ROW:
            # readings cut off here could tie with the kept ones: their cells stay open
            top = (kept[0][2], kept[0][0].cost)
            overflow[r] = [s[0] for s in kept if (s[2], s[0].cost) == top]

    choice: dict[str, RowChoice] = {}
    total_violations = 0
    broken_rules: list[str] = []
    for component, comp_ids in layout.components:
        search = _Search(component, pruned, columns, comp_ids, local, classes, values_of)
        v, winners, exhaustive, always = _choose(search)
        total_violations += v
        # a rule only the row's own identities carry is not broken by every best reading when
        # a reading pruned for its cost, as good by those identities, keeps them all
        for r in component:
            for rule_id in list(always):
                own = [k for k, i in enumerate(local[r]) if i.rule == rule_id]
                if (
                    own
                    and not any(i.rule == rule_id for i in comp_ids)
                    and any(all(values_of.own(r, rd)[k] for k in own) for rd in tied_best[r])
                ):
                    always.discard(rule_id)
        broken_rules.extend(x for x in sorted(always) if x not in broken_rules)
        for r in component:
            if exhaustive:
                # an identity of the row broken by every best reading is broken however it is read
                for k, ident in enumerate(local[r]):
                    # a reading pruned for its cost that holds the identity is as good a reading
                    candidates = winners[r] + tied_best[r]
                    broken = all(values_of.own(r, rd)[k] is False for rd in candidates)
                    if broken and ident.name not in unbalanced:
                        unbalanced.append(ident.name)
            tied = winners[r] + [rd for rd in overflow.get(r, []) if all(rd is not w for w in winners[r])]
            if len(component) == 1 and exhaustive and local[r]:
                # a row alone: a reading that keeps an identity with a doubtful blank is as good
                # as one that breaks it with none; their cost does not tell the document's numbers
                def breaks(rd: RowReading, r: str = r) -> int:
                    return values_of.broken(r, rd)

                least = min(breaks(w) for w in winners[r])
                tied += [
                    rd
                    for rd in tied_best[r]
                    if breaks(rd) < least and all(rd is not w for w in tied) and rd in classes[r]
                ]
            every = [m for rd in tied for m in classes[r][rd]]
            choice[r] = _row_choice(
                len(classes[r]), every, tied, columns[r], v, hinted=bool(hints) and any(p[2] == 0 for p in pruned[r])
            )
            # blanks in every reading that ties for best (when every tie is known), else in
            # every reading the row's own identities leave
            members = every if exhaustive and not overflow.get(r) else []
            if not members:
                members = [m for s in surely_blank[r] for m in classes[r][s[0]]]
            choice[r].blanks = min(sum(c.blank for c in m.cells) for m in members)
    return TableChoice(choice, total_violations, unbalanced, broken_rules)


def _decode_fixed(
    readings: dict[str, list[RowReading]],
    columns: dict[str, tuple[str, ...]],
    identities: Sequence[Identity],
    rows: list[str],
) -> TableChoice:
    """What ``decode_table`` decides when every row has one reading (most tables: cells
    delimited, or runs that cut one way): nothing is left to choose, so each identity is
    weighed once against the rows' values, not again in a search of the one combination."""
    values: Values = {}
    for r in rows:
        values.update(row_values(r, columns[r], readings[r][0]))
    layout = _layout(tuple(identities), tuple(rows))
    local = layout.local
    verdict = {i: holds(i, values) for i in identities}
    unbalanced = [i.name for r in rows for i in local[r] if verdict[i] is False]
    own_v = {r: sum(1 for i in local[r] if verdict[i] is False) + readings[r][0].doubt for r in rows}
    choice: dict[str, RowChoice] = {}
    total_violations = 0
    broken_rules: list[str] = []
    for component, comp_ids in layout.components:
        v = sum(1 for i in comp_ids if verdict[i] is False) + sum(own_v[r] for r in component)
        total_violations += v
        every = [*comp_ids, *(i for r in component for i in local[r])]
        always = {i.rule for i in every if verdict[i] is False}
        spanning_rules = {i.rule for i in comp_ids}
        for r in component if always else ():
            for rule_id in list(always):
                own = [i for i in local[r] if i.rule == rule_id]
                if own and rule_id not in spanning_rules and all(verdict[i] for i in own):
                    always.discard(rule_id)
        broken_rules.extend(x for x in sorted(always) if x not in broken_rules)
        for r in component:
            rd = readings[r][0]
            choice[r] = _row_choice(1, [rd], [rd], columns[r], v, hinted=False)
            choice[r].blanks = sum(c.blank for c in rd.cells)
    return TableChoice(choice, total_violations, unbalanced, broken_rules, verdict)


def numeric_classes(readings: list[RowReading]) -> dict[RowReading, list[RowReading]]:
    """Group readings by the numbers they give (blank as 0): each group's cheapest reading
    stands for it, with the equally cheap ones it cannot be told apart from."""
    if len(readings) == 1:
        return {readings[0]: [readings[0]]}  # most rows: read one way, a class of its own
    groups: dict[tuple[int | float, ...], list[RowReading]] = {}
    for rd in readings:
        groups.setdefault(tuple([c.value or 0 for c in rd.cells]), []).append(rd)
    out: dict[RowReading, list[RowReading]] = {}
    for members in groups.values():
        cheapest = min(m.cost for m in members)
        tied = [m for m in members if m.cost == cheapest]
        out[tied[0]] = tied
    return out


Scored = tuple[RowReading, int, int]


def _components(rows: list[str], spanning: Sequence[Identity]) -> list[list[str]]:
    """Rows linked by identities must be decoded together; unlinked rows alone."""
    parent = {r: r for r in rows}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for ident in spanning:
        linked = [r for r in ident.rows if r in parent]
        for a, b in itertools.pairwise(linked):
            parent[find(a)] = find(b)
    groups: dict[str, list[str]] = {}
    for r in rows:
        groups.setdefault(find(r), []).append(r)
    return list(groups.values())


@dataclass
class _Search:
    """The rows of one component (linked by identities) and what is known of their readings."""

    rows: Sequence[str]
    pruned: dict[str, list[Scored]]
    columns: dict[str, tuple[str, ...]]
    ids: Sequence[Identity]
    """Identities spanning the rows (each row's own are counted in its ``Scored``)."""
    local: Mapping[str, Sequence[Identity]]
    classes: dict[str, dict[RowReading, list[RowReading]]]
    values_of: _ValuesOf

    @property
    def fixed(self) -> dict[str, Scored]:
        return {r: self.pruned[r][0] for r in self.rows if len(self.pruned[r]) == 1}

    @property
    def open_rows(self) -> list[str]:
        return [r for r in self.rows if len(self.pruned[r]) > 1]

    def values(self, combo: dict[str, Scored]) -> Values:
        vals: Values = {}
        for r, (rd, _, _) in combo.items():
            vals.update(self.values_of(r, rd))
        return vals

    def score(self, combo: dict[str, Scored]) -> tuple[int, int, float]:
        # a row alone (most components) has no identity spanning rows: no values to gather
        spanning = violations(self.ids, self.values(combo)) if self.ids else 0
        v = spanning + sum(s[1] for s in combo.values())
        return v, sum(s[2] for s in combo.values()), sum(s[0].cost for s in combo.values())

    def all_identities(self) -> list[Identity]:
        return [*self.ids, *(i for r in self.rows for i in self.local[r])]


def _choose(search: _Search) -> tuple[int, dict[str, list[RowReading]], bool, set[str]]:
    """Best readings of linked rows: (violations, for each row the readings that tie for best,
    whether those are all the readings that tie, the rules every best reading breaks)."""
    if len(search.rows) == 1 and not search.all_identities():
        return (*_unweighed_row(search), True, set())  # (table 2's rows: KEEP_PER_ROW readings at most)
    n_comb = 1
    for r in search.open_rows:
        n_comb *= len(search.pruned[r])
    if n_comb <= MAX_JOINT_COMBINATIONS:
        v, winners, always = _enumerate(search)
        return v, winners, True, always
    exact = _solve(search)
    if exact is not None:
        return exact[0], exact[1], False, exact[2]  # the solver proves which cells vary, not every tie
    return (*_open_rows(search), False, set())


def _unweighed_row(search: _Search) -> tuple[int, dict[str, list[RowReading]]]:
    """What ``_enumerate`` finds for a row alone that no identity weighs (no rule to break):
    its readings of least (broken, misses, cost), in order, without a combination made of each."""
    (r,) = search.rows
    entries = search.pruned[r]
    best = min((s[1], s[2], s[0].cost) for s in entries)
    return best[0], {r: [s[0] for s in entries if (s[1], s[2], s[0].cost) == best]}


def _enumerate(search: _Search) -> tuple[int, dict[str, list[RowReading]], set[str]]:
    """Every combination, scored: for small products."""
    winners: dict[str, list[RowReading]] = {r: [] for r in search.rows}
    best: list[dict[str, Scored]] = []
    best_score: tuple[int, int, float] | None = None
    fixed, open_rows = search.fixed, search.open_rows
    for pick in itertools.product(*(search.pruned[r] for r in open_rows)):
        combo = dict(fixed)
        combo.update(zip(open_rows, pick, strict=True))
        sc = search.score(combo)
        if best_score is None or sc < best_score:
            best_score, best = sc, [combo]
        elif sc == best_score:
            best.append(combo)
    always: set[str] | None = None
    every = search.all_identities()
    for r, (rd, _, _) in fixed.items() if best else ():
        winners[r].append(rd)  # the same reading in every combination
    for combo in best:
        for r in open_rows:
            if all(combo[r][0] is not w for w in winners[r]):
                winners[r].append(combo[r][0])
        if always is not None and not always:
            continue  # no rule is left that every best combination could break
        vals = search.values(combo)
        rules = {i.rule for i in every if holds(i, vals) is False}
        always = rules if always is None else always & rules
    return (best_score or (0, 0, 0.0))[0], winners, always or set()


def _solve(search: _Search) -> tuple[int, dict[str, list[RowReading]], set[str]] | None:
    """The exact solver, for products too large to enumerate (integer cells only). The rows'
    own identities go in as equations too, so that it can say which rules every best reading
    breaks."""
    options: dict[str, list[Option]] = {}
    for r in search.rows:
        opts = []
        for rd, _local_v, misses in search.pruned[r]:
            if any(c.unread for c in rd.cells):
                return None  # the solver has no unknowns: no proof (rows stay open)
            values = [c.value or 0 for c in rd.cells]
            if any(not float(v).is_integer() for v in values):
                return None
            members = search.classes[r][rd]
            shown = tuple(frozenset(_form(m.cells[j].value) for m in members) for j in range(len(values)))
            opts.append(Option(tuple(int(v) for v in values), rd.doubt, misses, rd.cost, shown))
        options[r] = opts
    equations = [Equation(i.lhs, i.rhs, i.rule) for i in search.all_identities()]
    solved = solve(options, {r: search.columns[r] for r in search.rows}, equations)
    if solved is None:
        return None
    chosen = {r: [search.pruned[r][i][0] for i in solved.chosen[r]] for r in search.rows}
    return solved.violations, chosen, solved.always_broken


def _form(v: int | float | None) -> int | None:
    return None if v is None else int(v)


def _open_rows(search: _Search) -> tuple[int, dict[str, list[RowReading]]]:
    """No proof of the optimum: coordinate descent finds a good combination, but every open
    row keeps all its equally cheap readings (rows shifted together keep the column sums)."""
    pruned, fixed, open_rows = search.pruned, search.fixed, search.open_rows
    combo = dict(fixed)
    combo.update({r: pruned[r][0] for r in open_rows})
    for _ in range(3):
        for r in open_rows:
            options = [(search.score({**combo, r: cand}), i) for i, cand in enumerate(pruned[r])]
            combo[r] = pruned[r][min(options)[1]]
    final = search.score(combo)
    winners: dict[str, list[RowReading]] = {}
    for r in search.rows:
        if r in fixed:
            winners[r] = [combo[r][0]]
            continue
        best_cost = min((c[1], c[2], c[0].cost) for c in pruned[r])
        winners[r] = [c[0] for c in pruned[r] if (c[1], c[2], c[0].cost) == best_cost]
        if all(c is not combo[r][0] for c in winners[r]):
            winners[r].insert(0, combo[r][0])
    return final[0], winners


def _row_choice(
    n: int, tied: list[RowReading], distinct: list[RowReading], cols: tuple[str, ...], violated: int, hinted: bool
) -> RowChoice:
    """``n`` numerically distinct readings of the row; ``tied``: every equally good reading,
    ``distinct``: one of them per set of numbers (kept as the row's alternatives)."""
    if n == 1 and len(tied) == 1 and len(distinct) == 1:
        # a row read one way (most rows): no cell open, no alternatives, no identity to weigh
        main = distinct[0]
        return RowChoice(main, {}, 1, *(("direct", 1.0) if main.direct else ("only reading", 0.99)))
    return _weighed_choice(n, tied, distinct, cols, violated, hinted)


def _weighed_choice(
    n: int, tied: list[RowReading], distinct: list[RowReading], cols: tuple[str, ...], violated: int, hinted: bool
) -> RowChoice:
    """``_row_choice`` weighing every case."""
    main = min(distinct, key=lambda rd: rd.cost)
    unc: dict[str, tuple[int | float | None, ...]] = {}
    for j, col in enumerate(cols if len(tied) > 1 else ()):  # one reading leaves no cell open
        vals = tuple(dict.fromkeys(rd.cells[j].value for rd in tied))
        if len(vals) > 1:
            unc[col] = vals
    if unc and all(len({v or 0 for v in vals}) == 1 for vals in unc.values()):
        method, conf = BLANK_OR_ZERO, 0.9
    elif unc:
        method, conf = "ambiguous", 0.5
    elif n == 1 and main.direct:
        method, conf = "direct", 1.0
    elif n == 1:
        method, conf = "only reading", 0.99
    elif violated:
        method, conf = "identities (table does not balance)", 0.9
    elif hinted:
        method, conf = "identities and text", 0.97
    else:
        method, conf = "identities", 0.99
    tied_values = tuple([tuple([c.value for c in rd.cells]) for rd in distinct]) if len(distinct) > 1 else ()
    return RowChoice(main, unc, n, method, conf, tied_values)


def _hint_misses(vals: Values, hints: Values) -> int:
    if not hints:
        return 0  # (most tables: the text states none of their numbers)
    # a blank where the text states a number misses it too; the few stated numbers looked up
    # among the reading's values, not each value among them
    return sum(1 for ref, h in hints.items() if h is not None and ref in vals and (vals[ref] or 0) != h)
