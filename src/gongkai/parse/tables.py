"""Tables 2, 3 and 4: find each row by its template label, read its value region, decode."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from gongkai.model.report import LOW_CONFIDENCE, Cell, Decision, Number, TableCells
from gongkai.model.template import (
    APPEALS,
    BLANK_MARKERS,
    MEASURE_WORDS,
    CellKind,
    Column,
    Identity,
    TableSpec,
    Template,
)
from gongkai.model.text import fold
from gongkai.parse.added_rows import ADDED_PREFIX, is_added, with_added_rows
from gongkai.parse.align import (
    LABEL_STYLES,
    MEASURES,
    Alignment,
    CostModel,
    LabelAt,
    Measure,
    ValueLine,
    align,
    layout_cells,
    lines_of_units,
    one_cell_per_line,
    plainly_aligned,
    rivals,
    units_of_lines,
    value_lines,
)
from gongkai.parse.cells import (
    Unit,
    cell_lines,
    is_clean_row,
    line_fields,
    parse_number,
    positional_units,
    region_units,
    trailing_empties,
)
from gongkai.parse.decode import (
    CELL_UNITS,
    CellReading,
    RowChoice,
    RowReading,
    TableChoice,
    Values,
    decode_table,
    holds,
    readings_for_row,
    row_readings,
    row_runs_together,
    row_values,
    too_many,
    violations,
)
from gongkai.parse.labels import Match, find_row, fuzzy_row
from gongkai.parse.misreads import PLACED_BY_IDENTITIES
from gongkai.parse.pinning import Dump, vouched_by_columns
from gongkai.parse.sections import SectionHit
from gongkai.parse.shared_cells import Value, field_numbers, placements
from gongkai.parse.stream import Stream
from gongkai.parse.table_text import table_words

_VALUE_START = re.compile(r"[\s\d０-９/／\-—–－无增减+]")
_PROSE_COUNT = re.compile(
    r"[ \u3000]*(?:\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)\s*[件条个项次份余篇]"
    r"(?![ \u3000]*(?:[增减+\-−]?\s*\d|[\t\n|]|$))"
)
"""A count in a sentence (``规范性文件3件，``, ``制定公开规范性文件1篇，``; a wrapped line may
part the number from its measure word). A number with its measure word in a cell of its own
(after a tab or a line break, before the next cell or number: ``行政许可\t0件\t``,
``政府集中采购1个246900元``) is a row's cell."""
_UNIT_AFTER_LABEL = re.compile(r"\s*[（(](?:单位[:：]\s*)?(?:" + "|".join(MEASURE_WORDS) + ")[)）]")
"""A unit printed after a row's label (``政府集中采购（元）6675809``): part of the label."""
T4_HEADER_WORDS = (
    "总计",
    "尚未审结",
    "其他结果",
    "结果纠正",
    "结果维持",
    "复议后起诉",
    "未经复议直接起诉",
    "行政诉讼",
    "行政复议",
)
T4_ROW = "*"
T4_MIN_HEADER_WORDS = 4
"""Table 4's header has all nine words; prose about appeals rarely more than two or three."""


@dataclass
class TableRead:
    cells: TableCells | None
    decisions: list[Decision]
    rows_found: int
    alternatives: dict[str, list[dict[str, Number | None]]] = field(default_factory=dict)
    unbalanced: list[str] = field(default_factory=list)
    broken_rules: list[str] = field(default_factory=list)
    glued: bool | None = None
    """Whether the table's numbers run together (see ``table_runs_together``); None: no table."""
    violations: int = 0
    """Identities the chosen reading breaks."""
    cost: float = 0.0
    """How far the reading had to go from the document's plain order (an alignment's cost)."""
    offsets: dict[str, list[int]] = field(default_factory=dict)
    """Row → stream offsets of the units it was read from."""
    numbers: dict[str, frozenset[int]] = field(default_factory=dict)
    """Row → stream offsets of the numbers it holds: two readings that give each row the same
    numbers are one hypothesis, read with more or less of the page's evidence."""
    unreliable: str | None = None
    """Why the reading rests on inference rather than the document's own cells (None: it does
    not): see ``Report.unreliable``."""
    alignment: Alignment | None = None
    """The assignment of value lines to rows, for a reading by alignment."""
    delimited: bool = False
    """Every row with values was read from the document's own cells (a grid, tabs, a cell a
    line): where each number stands is the document's, not an inference."""
    rows_inferred: bool = False
    """Which numbers belong to which row was inferred (labels apart from their numbers), not
    read off the page."""
    pinned_rows: frozenset[str] = frozenset()
    """Rows of an inferred reading that the page itself pins to their numbers (see
    ``pinning.Dump.pinned_rows``): they stand even where the reading as a whole cannot be trusted."""


def table_runs_together(row_units: list[list[Unit]], widths: list[int] | None = None) -> bool | None:
    """Whether a table's rows are runs of digits (``21710000218``: a blank cell there leaves
    no trace and is a guess) rather than numbers set apart (``217 1 219``: a dump that drops
    blank cells). A document's style: most rows with numbers are one way. None: no rows
    with numbers. A lone number shorter than its row's cells (``18`` for seven) says
    nothing: a dump that drops blank cells leaves such rows as often as a run does. A token
    with a leading zero (``10 0 0 012``) is a run whatever spaces stand in it."""
    runs = apart = 0
    for i, units in enumerate(row_units):
        # the row's numbers counted, its first kept, in one pass that stops at a leading zero
        count, first, zero_led = 0, "", False
        for u in units:
            if u.kind != "number":
                continue
            digits = u.digits
            if len(digits) > 1 and digits.startswith("0") and "." not in digits:
                zero_led = True
                break
            first = first if count else digits
            count += 1
        least = widths[i] if widths else 2
        if zero_led:
            runs += 1  # ``012``, ``00``: no number is written so; the spaces are not cell edges
        elif count >= 2:
            apart += 1
        elif count and least > 1 and len(first) >= least:
            runs += 1
    return None if not runs + apart else runs > apart


def _find(folded: str, needles: tuple[str, ...], start: int, end: int) -> int | None:
    hits = [i for n in needles if (i := folded.find(fold(n), start, end)) >= 0]
    return min(hits) if hits else None


def table_regions(stream: Stream, sections: dict[str, SectionHit], tpl: Template) -> dict[str, tuple[int, int] | None]:
    """Folded (start, end) of each table: from its section heading (or, without one, its
    anchor text) to the next section or table."""
    folded = stream.folded
    n = len(folded)
    sec_start = {k: h.start for k, h in sections.items()}
    sec_end = {k: h.end for k, h in sections.items()}
    t3 = tpl.table("applications")
    t3_start = sec_end.get("applications")
    if t3_start is None:
        first = t3.rows[0]
        t3_start = _find(folded, (*t3.anchors, *first.labels), sec_end.get("active_disclosure", 0), n)
    t2_start = sec_end.get("active_disclosure")
    if t2_start is None:
        t2_start = _find(folded, tpl.table("active_disclosure").anchors, 0, t3_start if t3_start is not None else n)
    after_t3 = [sec_start[k] for k in ("appeals", "problems", "other_matters") if k in sec_start]
    t4_start = sec_end.get("appeals")
    if t4_start is None and t3_start is not None:
        cf = find_row(folded, t3.rows[-1], t3_start, min(after_t3) if after_t3 else n)
        t4_from = cf.end if cf else t3_start
        t4_start = _find(folded, ("行政复议",), t4_from, min(after_t3) if after_t3 else n)
    ends_t2 = [p for p in (t3_start, sec_start.get("applications"), *after_t3) if p is not None]
    ends_t3 = [
        p
        for p in (sec_start.get("appeals"), t4_start, sec_start.get("problems"), sec_start.get("other_matters"))
        if p is not None
    ]
    ends_t4 = [p for p in (sec_start.get("problems"), sec_start.get("other_matters")) if p is not None]

    def region(start: int | None, ends: list[int]) -> tuple[int, int] | None:
        if start is None:
            return None
        # a table that folds to nothing (an empty grid) ends where the next heading starts,
        # not at the heading after it
        later = [e for e in ends if e >= start]
        return (start, min(later) if later else n)

    return {
        "active_disclosure": region(t2_start, ends_t2),
        "applications": region(t3_start, ends_t3),
        "appeals": region(t4_start, ends_t4),
    }


def _value_follows(stream: Stream, m: Match, spec: TableSpec) -> bool:
    """A label in a sentence is not a row: ``制发行政规范性文件3件`` or ``新收申请143件`` is
    prose. Table 2 labels are common words, so there a value or a cell edge must follow the
    label. A count followed by the table's own words is a cell of text that runs the table
    together (``行政许可0件第二十条第（六）项…``)."""
    after = stream.index[m.end - 1] + 1
    unit = _UNIT_AFTER_LABEL.match(stream.text, after)
    if unit:
        after = unit.end()
    nxt = stream.text[after : after + 1]
    if spec.key == "active_disclosure" and nxt and not _VALUE_START.match(nxt):
        return False
    count = _PROSE_COUNT.match(stream.text, after)
    if count is None:
        return True
    at = stream.to_folded(count.end())
    return any(stream.folded.startswith(w, at) for w in table_words(spec).whole_words)


def _find_rows(stream: Stream, spec: TableSpec, start: int, end: int) -> list[tuple[str, Match]]:
    found: list[tuple[str, Match]] = []
    pos = start
    for row in spec.rows:
        p = pos
        while True:
            m = find_row(stream.folded, row, p, end)
            if m is None or _value_follows(stream, m, spec):
                break
            p = m.start + 1
        if m is not None:
            found.append((row.key, m))
            pos = m.end
    return _fuzzy_missing(stream, spec, found, start, end) if len(found) < len(spec.rows) else found


_NUMBERS_ONLY = re.compile(r"[ \t]*\d[\d,. \t]*$")


def _with_loose_rows(
    stream: Stream,
    tpl: Template,
    key: str,
    region: tuple[int, int],
    hints: Values,
    glued: bool | None,
    found: list[tuple[str, Match]],
    loose: list[tuple[str, Match]],
) -> TableRead:
    """A table some of whose rows a converter printed as lines of their own above the rest:
    those rows read from their lines, the rest as a table of its own from below them (where
    it may well need aligning). Loose rows among the others: all read in the page's order."""
    _, end = region
    spec = tpl.table(key)
    last = max(m.end for _, m in loose)
    if found and last > found[0][1].start:
        rows = sorted(found + loose, key=lambda km: km[1].start)
        identities = tpl.identities_of(key, {k for k, _ in rows})
        tr = _read_by_labels(stream, spec, rows, end, identities, hints, glued)
        tr.rows_inferred = True
        return tr
    line_end = stream.text.find("\n", stream.index[last - 1])
    cut = stream.to_folded(line_end if line_end >= 0 else len(stream.text))
    rest = read_table(stream, tpl, key, (cut, end), hints, glued)
    alone = _read_by_labels(stream, spec, loose, cut, (), hints, glued)
    if alone.cells is None:
        return rest
    if rest.cells is None:
        alone.rows_found = len(loose)
        return alone
    for k, row in alone.cells.items():
        if row is not None and rest.cells.get(k) is None:
            rest.cells[k] = row
    rest.decisions.extend(alone.decisions)
    rest.rows_found += len(loose)
    return rest


def _rows_out_of_order(
    stream: Stream, spec: TableSpec, found: list[tuple[str, Match]], start: int, end: int
) -> list[tuple[str, Match]]:
    """Rows a converter printed away from the table, before its other rows (small tables
    of one row turned into text above the grid: ``行政许可 0``): a missing row's label that
    starts a line holding nothing but its numbers is that row, wherever it stands."""
    taken = [(m.start, m.end) for _, m in found]
    added: list[tuple[str, Match]] = []
    have = {k for k, _ in found}
    for row in spec.rows:
        if row.key in have:
            continue
        p = start
        while (m := find_row(stream.folded, row, p, end)) is not None:
            p = m.start + 1
            if any(a < m.end and m.start < b for a, b in taken):
                continue
            first, after = stream.index[m.start], stream.index[m.end - 1] + 1
            line_end = stream.text.find("\n", after)
            rest = stream.text[after : line_end if line_end >= 0 else len(stream.text)]
            if (first == 0 or stream.text[first - 1] == "\n") and _NUMBERS_ONLY.match(rest):
                added.append((row.key, m))
                taken.append((m.start, m.end))
                break
    return added


def _fuzzy_missing(
    stream: Stream, spec: TableSpec, found: list[tuple[str, Match]], start: int, end: int
) -> list[tuple[str, Match]]:
    """Rows whose label has an unknown typo: look for a close match between their found
    neighbours (a label variant seen in real reports belongs in the template declaration)."""
    order = [r.key for r in spec.rows]
    at = dict(found)
    for i, row in enumerate(spec.rows):
        if row.key in at:
            continue
        before = [at[k].end for k in order[:i] if k in at]
        after = [at[k].start for k in order[i + 1 :] if k in at]
        lo = before[-1] if before else start
        hi = after[0] if after else end
        m = fuzzy_row(stream.folded, row, lo, hi)
        if m is not None and _value_follows(stream, m, spec):
            at[row.key] = m
    return [(k, at[k]) for k in order if k in at]


def _region_text(stream: Stream, m: Match, end_folded: int) -> tuple[str, int]:
    start = stream.index[m.end - 1] + 1
    end = stream.to_text(end_folded)
    return stream.text[start:end], start


def row_text(region: str) -> str:
    """A row's printed values for the ``uncertain`` list: its region up to the last line with
    a digit (what follows, such as the next part's heading, is not the row's)."""
    lines = region.strip().split("\n")
    last = max((i for i, line in enumerate(lines) if any(map(str.isdigit, line))), default=len(lines) - 1)
    return "\n".join(lines[: last + 1]).strip()


def _cells_from_choice(stream: Stream, choice: RowChoice, cols: tuple[str, ...], raw_region: str) -> dict[str, Cell]:
    out: dict[str, Cell] = {}
    uncertain, confidence, at = choice.uncertain, choice.confidence, stream.at
    for col, cr in zip(cols, choice.reading.cells, strict=True):
        src, grid = at(cr.offset) if cr.offset is not None else (None, None)
        if uncertain and col in uncertain:
            cands = uncertain[col]
            if len({c or 0 for c in cands}) == 1:
                why = f"文档中空白单元格不留位置，此处是 {cands[0] or 0} 还是空白无法确定"
            else:
                why = f"单元格边界丢失，{len(cands)} 种读法同样符合表内勾稽关系"
            text = row_text(raw_region)
            out[col] = Cell(None, text, source=src, confidence=confidence, uncertain=why, candidates=cands)
        elif cr.unread:
            why = f"无法识别为数字：“{cr.raw}”" if cr.raw else NUMBERS_ELSEWHERE
            out[col] = Cell(None, cr.raw, source=src, confidence=0.0, uncertain=why)
        elif grid is None or (grid.confidence == 1.0 and not grid.candidates):
            # a cell of text or of a grid the reader is sure of (most cells): read with the
            # row's confidence, nothing left open (as below, which a confidence of 1 leaves so)
            out[col] = Cell(cr.value, cr.raw, cr.blank, cr.unit, src, confidence)
        else:
            # an OCR'd cell keeps the recogniser's confidence (checks treat low ones as uncertain)
            read = grid.confidence
            conf = min(confidence, read)
            unsure = None
            if read < LOW_CONFIDENCE and not cr.blank:
                unsure = f"识别置信度低（{read:.2f}），表内勾稽关系无法印证：请对照原件核实"
            if grid.candidates and not cr.blank:
                # the reader left the cell open (a sign the scan does not clearly show)
                cands = tuple(parse_number(t) for t in grid.candidates)
                why = grid.doubt or "识别结果未定"
                out[col] = Cell(None, cr.raw, source=src, confidence=conf, uncertain=why, candidates=cands)
            else:
                out[col] = Cell(cr.value, cr.raw, cr.blank, cr.unit, src, conf, unconfirmed=unsure)
    return out


DECISION_RAW = 80
"""Characters of a row's text kept with a decision about it."""


def _decision(
    where: str, raw: str, ch: RowChoice | None, kinds: list[CellKind], units: Sequence[Unit] = ()
) -> Decision | None:
    """How a row was read, when it was not read directly: ``ch`` None for a row left unread
    (``units``: what it holds, whose negative counts are bad numbers wherever they stand)."""
    if ch is not None and ch.method == "direct":
        return None
    text = row_text(raw)[:DECISION_RAW]
    if ch is None:
        counts = bool(kinds) and all(k == "count" for k in kinds)
        negatives = tuple(
            parse_number(u.digits, -1) for u in units if counts and u.kind == "number" and u.sign < 0 and u.digits
        )
        return Decision(where, text, "unreadable", 0.0, 0, negatives=tuple(v for v in negatives if v is not None))
    return Decision(where, text, ch.method, ch.confidence, ch.candidates, ch.blanks, _negatives(ch, kinds))


def _negatives(ch: RowChoice, kinds: list[CellKind]) -> tuple[Number, ...]:
    """Negative counts every tied reading of an uncertain row has (see ``Decision.negatives``)."""
    if not ch.uncertain or not ch.tied:
        return ()
    least: list[Number] | None = None
    for vals in ch.tied:
        negative = sorted(v for v, k in zip(vals, kinds, strict=True) if k == "count" and v is not None and v < 0)
        if not negative:
            return ()
        if least is None or len(negative) < len(least):
            least = negative
    return tuple(least or ())


def _unreadable(cols: tuple[str, ...], raw: str, stream: Stream, units: list[Unit]) -> dict[str, Cell]:
    src = stream.source_at(units[0].offset) if units else None
    reason = "这一行的数字无法与各列对应" if units else "这一行没有数字"
    return {c: Cell(None, raw.strip(), source=src, confidence=0.0, uncertain=reason) for c in cols}


def _use_alternates(
    stream: Stream, spec: TableSpec, found: list[tuple[str, Match]], start: int, end: int
) -> tuple[TableSpec, list[tuple[str, Match]]]:
    """A report may print one row where the template has several (``Row.replaces``)."""
    keys = {k for k, _ in found}
    order = [r.key for r in spec.rows]
    for alt in spec.alternates:
        if keys & set(alt.replaces):
            continue
        first = order.index(alt.replaces[0])
        before = [m.end for k, m in found if order.index(k) < first]
        after = [m.start for k, m in found if order.index(k) > first]
        m = find_row(stream.folded, alt, before[-1] if before else start, after[0] if after else end)
        if m is not None:
            found = sorted([*found, (alt.key, m)], key=lambda f: f[1].start)
            return spec.with_alternate(alt), found
    return spec, found


RowFields = list[tuple[str, int]] | None
"""A row's tab-separated fields after its label (``line_fields``), None: no such line."""


def _table_trailing(row_cols: list[tuple[Column, ...]], row_fields: list[RowFields]) -> int:
    """How many empty fields the table's clean tab-separated rows end with (a layout habit of
    the document: a trailing tab on every line)."""
    counts: list[int] = []
    for cols, fields in zip(row_cols, row_fields, strict=True):
        if fields is not None and is_clean_row(fields, len(cols)):
            counts.append(trailing_empties(fields))
    return max(set(counts), key=counts.count) if counts else 0


MIN_CUT_BLANK_ROWS = 2
"""Rows of a table printed blank and cut short (its first rows only) for it to be one."""


def _printed_blank(spec: TableSpec, found: list[tuple[str, Match]]) -> bool:
    """Labels that print the table's rows in full, every one, or its first rows in order (a
    table cut short, ``table_incomplete`` then says so): with no number after any, a table
    left blank (a dump drops blank cells), not one whose numbers were lost."""
    if not all(m.exact for _, m in found):
        return False
    keys = [k for k, _ in found]
    if len(keys) == len(spec.rows):
        return True
    return len(keys) >= MIN_CUT_BLANK_ROWS and keys == [r.key for r in spec.rows[: len(keys)]]


def _extras_at_end(row_cols: list[tuple[Column, ...]], row_fields: list[RowFields]) -> bool:
    """Whether the table's rows put the fields they have beyond their cells at their end: a
    site's text export pads each row at its end for the slots its merged cells cover
    (``一、本年新收政府信息公开申请数量 | ||||||0 | ||``), where a grid written out in full has
    them after the label. Told by the rows that show it (a number first, or last), and only
    when none shows the other; where a row's extra fields could be at either side, by the side
    whose reading adds its parts up to its printed total."""
    end = start = 0
    for cols, fields in zip(row_cols, row_fields, strict=True):
        k = len(cols)
        if fields is None or len(fields) <= k:
            continue
        extra = len(fields) - k
        texts = [t.strip() for t, _ in fields]
        if texts[0] and trailing_empties(fields) >= extra:
            end += 1
        elif texts[-1] and not any(texts[:extra]):
            start += 1
        elif cols[-1].key == "total" and not any(texts[:extra]) and not any(texts[-extra:]):
            by_end, by_start = _adds_up(texts[:k]), _adds_up(texts[extra:])
            end += by_end and not by_start
            start += by_start and not by_end
    return end > 0 and start == 0


def _adds_up(cells: list[str]) -> bool:
    """Whether a row's cells (total last) are whole numbers or blank and its printed total is
    the sum of the others."""
    if not cells[-1].isdigit() or not all(not c or c.isdigit() for c in cells):
        return False
    return sum(int(c) for c in cells[:-1] if c) == int(cells[-1])


BLANK_ROW_MIN_FOUND = 0.5
"""A label with nothing after it at a table's end is a blank row only in a table that is
there (this share of its rows found); in the remains of a lost table its values are missing."""


def read_table(
    stream: Stream, tpl: Template, key: str, region: tuple[int, int], hints: Values, glued: bool | None = None
) -> TableRead:
    """One of tables 2 and 3. ``glued``: the document's numbers run together (from another
    table of it); by default the table's own rows tell.

    Each row is first read from the text after its label. When that leaves the table short
    of a clean reading (labels standing apart from their numbers), the value lines are also
    aligned to the template's rows (``align.py``) and the reading the identities favour wins."""
    start, end = region
    spec = tpl.table(key)
    found = _find_rows(stream, spec, start, end)
    loose = _rows_out_of_order(stream, spec, found, start, end) if len(found) < len(spec.rows) else []
    if loose:
        return _with_loose_rows(stream, tpl, key, region, hints, glued, found, loose)
    if not found:
        return TableRead(None, [], 0)
    added = with_added_rows(stream, spec, found, end)
    if added is not spec:
        # rows the template does not have: read as rows, so that no other row takes their
        # numbers, and then set aside
        found = _find_rows(stream, added, start, end)
        return _without_added(_read_found(stream, tpl, added, found, region, hints, glued))
    return _read_found(stream, tpl, spec, found, region, hints, glued)


def _without_added(tr: TableRead) -> TableRead:
    """``tr`` without the rows the document added to the template (``added_rows.py``)."""
    if tr.cells is not None:
        tr.cells = {k: v for k, v in tr.cells.items() if not is_added(k)}
    tr.offsets = {k: v for k, v in tr.offsets.items() if not is_added(k)}
    tr.numbers = {k: v for k, v in tr.numbers.items() if not is_added(k)}
    tr.pinned_rows = frozenset(k for k in tr.pinned_rows if not is_added(k))
    tr.decisions = [d for d in tr.decisions if ADDED_PREFIX not in d.where]
    tr.alternatives = {k: v for k, v in tr.alternatives.items() if ADDED_PREFIX not in k}
    return tr


def _read_found(
    stream: Stream,
    tpl: Template,
    spec: TableSpec,
    found: list[tuple[str, Match]],
    region: tuple[int, int],
    hints: Values,
    glued: bool | None,
) -> TableRead:
    """The table whose row labels ``found`` are (``read_table``)."""
    start, end = region
    key = spec.key
    spec, found = _use_alternates(stream, spec, found, start, end)
    identities = tpl.identities_of(key, {k for k, _ in found})
    by_labels = _read_by_labels(stream, spec, found, end, identities, hints, glued)
    every_row = by_labels.delimited and by_labels.rows_found == len(spec.rows)
    if every_row and all(by_labels.offsets.get(r.key) for r in spec.rows):
        return by_labels  # every row found, each read from its own cells
    if by_labels.glued:
        # numbers that run together (text taken from a web page): the labels stand right before
        # their numbers, and there are no value lines to align (nor need they be looked for)
        return by_labels
    labels = {k: LabelAt(k, stream.index[m.start], stream.index[m.end - 1] + 1) for k, m in found if m.end > m.start}
    widest = max(len(spec.row_columns(r)) for r in spec.rows)
    lines = value_lines(stream, stream.to_text(start), stream.to_text(end), list(labels.values()), widest)
    if spec.key == "applications" and any(ln.xs for ln in lines):
        # text laid out by columns: a gap in a column is a blank cell
        heads = _heading_anchors(
            stream, stream.to_text(start), lines[0].start if lines else 0, [c.label for c in spec.columns]
        )
        lines = layout_cells(lines, len(spec.columns), heads)
    used = {o for offs in by_labels.offsets.values() for o in offs}
    orphans = any(not any(u.offset in used for u in ln.units if u.kind in CELL_UNITS) for ln in lines)
    """Value lines that no row's label reaches (numbers before the first label, a label
    standing after its numbers): then which numbers a label names is a question of order."""
    if every_row and not orphans:
        return by_labels  # every row found, those with numbers read from their own cells
    if _clean(by_labels, spec) and not orphans:
        return by_labels  # a clean reading: the labels stand right before their numbers
    widths = [(r.key, len(spec.row_columns(r))) for r in spec.rows]
    sums = spec.key == "applications"
    models = [CostModel(lines, labels, style, sums, [k for k, _ in widths]) for style in LABEL_STYLES]
    assignment = {k: lines_of_units(lines, offs) for k, offs in by_labels.offsets.items()}
    if lines and all(v is not None for v in assignment.values()):
        # the labels' reading weighed as an alignment too, so that the two compare
        by_labels.cost = min(m.of(widths, {k: v or [] for k, v in assignment.items()}) for m in models)
    off_lines = lines and any(v is None for v in assignment.values()) and any(v for v in assignment.values())
    candidates = [by_labels]
    for model in models:
        al = align(lines, widths, labels, model.style, sums)
        if al is not None:
            candidates.append(_read_by_alignment(stream, spec, found, lines, al, identities, hints))
            for alt in rivals(al, model, widths, ORDER_MARGIN):
                candidates.append(_read_by_alignment(stream, spec, found, lines, alt, identities, hints))
    if off_lines or not math.isfinite(by_labels.cost):
        # in a table of value lines, numbers read from elsewhere (a sentence, a heading), or
        # rows the cost model cannot follow: the labels' reading, pinned by the labels, stands
        # where the alignments break more identities, not where they only cost less
        by_labels.cost = min((c.cost for c in candidates[1:]), default=0.0) + COST_OFF_LINES
    best = min(candidates, key=_score)
    if best.alignment is not None:
        taken = {i for idx in best.alignment.rows.values() for i in idx}
    else:
        taken = {i for idx in assignment.values() if idx for i in idx}
    _place_strays(stream, best, lines, taken, identities)
    _doubt_blanks_beside_unclaimed(best, lines, taken)
    if best.rows_inferred and (best.violations or not identities):
        # inferred, and neither the identities nor (table 2) anything else confirms it: every
        # row but those the page pins to their own numbers
        pinned = best.pinned_rows
        for key, row in (best.cells or {}).items():
            if key not in pinned:
                _doubt_row(row, f"表格未能可靠读取：{best.unreliable}，且没有勾稽关系能证实读法")
        # the reading's failures, not the report's, except those of the pinned rows alone
        named = {i.name: i for i in identities}
        best.unbalanced = [n for n in best.unbalanced if n in named and named[n].rows <= pinned]
        best.broken_rules = []
    # one cell a line, and many blank cells left no line: neither how far apart two orders
    # cost nor the identities settle the order (rows of zeros and gaps fit many ways)
    deficit = sum(w for k, w in widths if k in labels) - sum(ln.cells for ln in lines)
    gaps = one_cell_per_line(lines) and deficit > FEW_GAPS
    margin = math.inf if gaps else ORDER_MARGIN

    def rows_lines(tr: TableRead) -> dict[str, list[int] | None]:
        rows = tr.alignment.rows if tr.alignment is not None else assignment
        return {k: v for k, v in rows.items() if v is None or v}

    for rival in candidates:
        # the identities settle the order only when the best reading satisfies them all (and
        # not where blanks left no line: rows of zeros and gaps satisfy them in many orders)
        settled = not gaps and rival.violations > best.violations == 0
        same_rows = {k: v for k, v in rival.numbers.items() if v} == {k: v for k, v in best.numbers.items() if v}
        # the same lines for every row is the same order: the rival only read a row less
        # well (without the columns' positions, say), which is no other reading of the page
        same_order = rows_lines(rival) == rows_lines(best)
        if rival is not best and not settled and not same_rows and not same_order and rival.cost - best.cost < margin:
            _doubt_differences(best, rival)
    return best


FEW_GAPS = 3
"""Blank cells (leaving no line in a one-cell-per-line dump) that the identities can still
locate: with more, readings in other orders are weighed as rivals however much they cost."""
COST_OFF_LINES = 5.0
"""What the labels' reading of a table laid out in value lines costs beyond the best
alignment when it takes some numbers from outside those lines."""
ORDER_MARGIN = 1.0
"""Two readings of a table whose alignments cost less than this apart, and which its
identities do not tell apart (or which both break some identity: a table with a defect of
its own cannot vouch for either order): the rows' order is not settled, and the cells they
disagree on are left uncertain."""


def _doubt_differences(best: TableRead, rival: TableRead) -> None:
    """Cells where ``rival`` reads otherwise than ``best``: uncertain, with both readings."""
    if best.cells is None or rival.cells is None:
        return
    for rkey, row in best.cells.items():
        other = rival.cells.get(rkey)
        if row is None:
            continue
        for ckey, cell in row.items():
            alt = other.get(ckey) if other else None
            if alt is not None and alt.uncertain and alt.value is None:
                # the rival leaves the cell open: it reads it otherwise only if one of its
                # candidates differs (as blank or as a number)
                theirs_all = {(v, v is None) for v in alt.candidates} if alt.candidates else set()
                if not theirs_all or theirs_all <= {(cell.value, cell.blank)}:
                    continue
                row[ckey] = _doubted(
                    cell,
                    "数字与行的对应关系不确定（另一种同样成立的读法在此格读作别的数）",
                    tuple(dict.fromkeys([cell.value, *alt.candidates])),
                )
                continue
            mine = (cell.value, cell.blank)
            theirs = (alt.value, alt.blank) if alt is not None else (None, False)
            if mine == theirs or cell.uncertain:
                continue
            row[ckey] = _doubted(
                cell,
                "数字与行标签的对应关系不确定（标签与数字分开排列，两种对应方式都说得通）",
                (cell.value, alt.value if alt is not None else None),
            )


HEADING_KEY_CHARS = 2
"""Characters of a column heading looked for in a laid-out header (a heading wraps after
them in a narrow column: ``社会公益`` / ``组织``)."""


def _heading_anchors(stream: Stream, start: int, end: int, headings: Sequence[str]) -> dict[Measure, list[float]]:
    """Columns (by each measure) where each of the table's column headings starts, in a
    header laid out by columns (between ``start`` and ``end`` of the stream text), left to
    right; empty unless every heading is found in that order."""
    return {measure: _anchors(stream, start, end, headings, measure) for measure in MEASURES}


def _anchors(stream: Stream, start: int, end: int, headings: Sequence[str], measure: Measure) -> list[float]:
    first = stream.source_at(start)
    last = stream.source_at(max(start, end - 1))
    if first is None or last is None or first.line is None or last.line is None:
        return []
    raw = [stream.raw_lines.get(n, "") for n in range(first.line, last.line + 1)]
    found: list[float] = []
    for heading in headings:
        key = heading[:HEADING_KEY_CHARS]
        spots = []
        for line in raw:
            for m in re.finditer(re.escape(key), line):
                if m.start() == 0 or line[m.start() - 1] == " ":
                    spots.append(float(measure(line[: m.start()])))
        later = [x for x in spots if not found or x > found[-1]]
        if not later:
            return []
        found.append(min(later))
    return found


def _clean(tr: TableRead, spec: TableSpec) -> bool:
    """Every row of the template read as printed, every identity holding."""
    return (
        tr.cells is not None
        and tr.rows_found == len(spec.rows)
        and tr.violations == 0
        and not tr.decisions
        and all(row is not None for row in tr.cells.values())
    )


VIOLATION_WEIGHT = 3.0
"""A broken identity weighs as much as this much alignment cost: a reading that breaks fewer
identities wins unless it moves the numbers away from their labels for it (a report whose
table is wrong in itself must not be read into a different table that adds up)."""


UNKNOWN_WEIGHT = 0.3
"""A cell a reading leaves unknown weighs this much: an identity through it cannot be
judged, and a reading must not look better for reading less."""


def _score(tr: TableRead) -> tuple[float, int, int]:
    """Broken identities and distance from the document's order and labels together, then
    fewer cells left unknown. (Filling more of the template is no reason to move a label off
    its numbers: a table cut short has fewer rows.)"""
    if tr.cells is None:
        return (math.inf, 10**6, 10**6)
    unknown = sum(
        1 if row is None else sum(1 for c in row.values() if c.value is None and not c.blank)
        for row in tr.cells.values()
    )
    absent = sum(1 for row in tr.cells.values() if row is None)
    weighed = VIOLATION_WEIGHT * tr.violations + UNKNOWN_WEIGHT * unknown + tr.cost
    return (round(weighed, 6), unknown + absent * 7, len(tr.decisions))


def _read_by_labels(
    stream: Stream,
    spec: TableSpec,
    found: list[tuple[str, Match]],
    end: int,
    identities: tuple[Identity, ...],
    hints: Values,
    glued: bool | None,
) -> TableRead:
    """Each row's values from the text between its label and the next row's."""
    regions = [
        _region_text(stream, m, found[i + 1][1].start if i + 1 < len(found) else end) for i, (_, m) in enumerate(found)
    ]
    # each row's columns and fields worked out once, for the table's habits and the row's reading
    row_cols = [spec.row_columns(spec.row(k)) for k, _ in found]
    row_fields = [line_fields(raw, off) for raw, off in regions]
    trailing = _table_trailing(row_cols, row_fields)
    at_end = _extras_at_end(row_cols, row_fields)
    row_units: list[list[Unit]] = []
    delimited: list[bool] = []
    """Rows whose cells the document delimits (tabs, one cell per line): empty ones are blank."""
    for cols, fields, (raw, off) in zip(row_cols, row_fields, regions, strict=True):
        k = len(cols)
        pads = trailing
        if at_end and fields is not None and trailing_empties(fields) >= len(fields) - k:
            pads = max(0, len(fields) - k)  # this row's own pads, not the table's habit
        positional = positional_units(fields, k, pads) if fields is not None else None
        if positional is None and (one_per_line := cell_lines(raw, off)) is not None:
            positional = positional_units(one_per_line, k, 0)
        row_units.append(positional or region_units(raw, off))
        delimited.append(positional is not None)
    has_values = [any(u.kind != "empty" for u in units) for units in row_units]
    widths = [len(cols) for cols in row_cols]
    style = table_runs_together(row_units, widths)
    glued = style if glued is None else glued
    # every label of the template printed in full and not a number after any: a table left
    # blank (a dump drops blank cells); some labels without a single value: no table
    printed_blank = _printed_blank(spec, found) and not any(has_values)
    whole = len(found) >= BLANK_ROW_MIN_FOUND * len(spec.rows)
    if not any(has_values) and not all(delimited) and not printed_blank:
        return TableRead(None, [], 0)
    readings: dict[str, list[RowReading]] = {}
    raws: dict[str, tuple[str, list[Unit]]] = {}
    crowded: list[bool] = []
    """Rows holding more numbers than CROWDED times their cells (told once a row asks)."""
    for i, ((rkey, m), (raw, _off), units) in enumerate(zip(found, regions, row_units, strict=True)):
        kinds = [c.kind for c in row_cols[i]]
        lone = not has_values[i] and not delimited[i]
        if lone and not crowded:
            crowded = [
                sum(1 for u in us if u.kind == "number") > CROWDED * w for us, w in zip(row_units, widths, strict=True)
            ]
        if lone and any(crowded[i + 1 :]):
            # labels first, numbers after them all (a table printed by columns): this row's
            # numbers may be among those of the crowded row below, so it is no blank row
            readings[rkey] = [RowReading(tuple(CellReading(None, "", unread=True) for _ in kinds))]
        elif has_values[i]:
            groups = (len(kinds),) if spec.key == "applications" else ()
            rds = readings_for_row(units, kinds, groups, glued)
            # numbers set apart, fewer than the cells, and no cell edges kept: the dump dropped
            # its blank cells, and where they were is the identities' to say or nobody's
            apart = not delimited[i] and not row_runs_together(units, len(kinds), glued)
            readings[rkey] = placements_alike(rds, units) if apart and rds else rds
        elif delimited[i] or any(has_values[i + 1 :]) or printed_blank or (m.exact and whole and any(has_values[:i])):
            # a row printed with nothing in it: its cells delimited and empty, or the table going
            # on below, or its whole label after rows with numbers (a dump that drops blank
            # cells drops a blank row's too): its cells are blank
            readings[rkey] = [RowReading(tuple(CellReading(None, "", True) for _ in kinds))]
        else:
            continue  # a label cut off with nothing after it: the values are missing
        raws[rkey] = (raw, units)
    tr = _finish(stream, spec, [k for k, _ in found], raws, readings, identities, hints)
    tr.glued = style
    tr.delimited = all(d or not v for d, v in zip(delimited, has_values, strict=True))
    return tr


def placements_alike(readings: list[RowReading], units: list[Unit]) -> list[RowReading]:
    """A row short of cells in a shape that drops blanks (a dump, a converter's shared cell)
    leaves no trace of where its blanks were: every reading that keeps the numbers whole and
    in order costs the same, so that only the identities choose among them (and where they
    cannot, the cells stay uncertain). Readings that cut or join numbers keep their cost."""
    printed = [parse_number(u.digits, u.sign) for u in units if u.kind == "number"]
    if sum(1 for u in units if u.kind in CELL_UNITS) >= len(readings[0].cells) if readings else True:
        return readings
    # whether each reading keeps the printed numbers (one test each: a reading is among those
    # that do exactly when it does itself, so no search of them for it)
    keeps = [[c.value for c in rd.cells if not c.blank and not c.unread] == printed for rd in readings]
    if not any(keeps):
        return readings
    flat = min(rd.cost for rd, keep in zip(readings, keeps, strict=True) if keep)
    return [RowReading(rd.cells, flat, rd.doubt) if keep else rd for rd, keep in zip(readings, keeps, strict=True)]


def _read_by_alignment(
    stream: Stream,
    spec: TableSpec,
    found: list[tuple[str, Match]],
    lines: list[ValueLine],
    al: Alignment,
    identities: tuple[Identity, ...],
    hints: Values,
) -> TableRead:
    """The table's value lines assigned to its rows in order (see ``align.py``)."""
    labels = {k for k, _ in found}
    labels_at = {k: LabelAt(k, stream.index[m.start], stream.index[m.end - 1] + 1) for k, m in found if m.end > m.start}
    readings: dict[str, list[RowReading]] = {}
    raws: dict[str, tuple[str, list[Unit]]] = {}
    keys: list[str] = []
    exact = {k for k, m in found if m.exact}
    whole = len(found) >= BLANK_ROW_MIN_FOUND * len(spec.rows)
    with_lines = [i for i, r in enumerate(spec.rows) if al.rows.get(r.key)]
    for i, r in enumerate(spec.rows):
        idx = al.rows.get(r.key, [])
        kinds = [c.kind for c in spec.row_columns(r)]
        later = bool(with_lines) and with_lines[-1] > i
        earlier = bool(with_lines) and with_lines[0] < i
        if idx and all(lines[j].empty_row for j in idx):
            # a grid row of empty cells: the row printed blank
            units = []
            readings[r.key] = [RowReading(tuple(CellReading(None, "", True) for _ in kinds))]
            raw = "\n".join(stream.text[lines[j].start : lines[j].end] for j in idx)
        elif idx:
            one = lines[idx[0]] if len(idx) == 1 else None
            # read by position only where the fields are surely the row's cells: an empty first
            # field of a line without its label may be the label's column (a converter that
            # shares cells then leaves exactly as many fields as the row has cells)
            by_position = (
                one is not None and bool(one.fields) and (one.inline is not None or bool(one.fields[0][0].strip()))
            )
            positional = positional_units(list(one.fields), len(kinds), one.trailing) if one and by_position else None
            units = positional or units_of_lines(lines, idx)
            rds = readings_for_row(units, kinds, (len(kinds),) if spec.key == "applications" else (), False)
            readings[r.key] = rds if positional else placements_alike(rds, units)
            raw = "\n".join(stream.text[lines[i].start : lines[i].end] for i in idx)
        elif r.key in labels and (later or (r.key in exact and whole and earlier)):
            # a row printed with nothing in it (as in ``_read_by_labels``)
            units = []
            readings[r.key] = [RowReading(tuple(CellReading(None, "", True) for _ in kinds))]
            raw = ""
        else:
            continue
        keys.append(r.key)
        raws[r.key] = (raw, units)
    tr = _finish(stream, spec, keys, raws, readings, identities, hints)
    tr.rows_found = len(found)
    tr.cost = al.cost
    tr.alignment = al
    tr.glued = False  # value lines: numbers stand apart
    widths = [(r.key, len(spec.row_columns(r))) for r in spec.rows]
    plain, counted = plainly_aligned(al, lines, labels_at, widths)
    if counted and tr.cells is not None:
        sums = [i for i in identities if i.rule == "t3_row_total"]
        own = [i for i in sums if i.lhs and i.lhs[0][0] in counted]
        values: Values = {(r, c): cell.value for r, row in tr.cells.items() for c, cell in (row or {}).items()}
        vouched = not sums or not any(holds(i, values) is False for i in own)
        vouched = vouched or vouched_by_columns(counted, identities, values)
        if not sums or not vouched:
            plain = False  # rows counted off a block of labels that do not add up: not rows
    if not plain:
        tr.rows_inferred = True
        tr.unreliable = tr.unreliable or "行标签与数字分开排列，各行数字的归属由行序和勾稽关系推断得出"
    if one_cell_per_line(lines) and tr.cells is not None:
        dump = Dump(al, lines, labels_at, widths)
        for key in dump.unpinned_rows(identities):
            _doubt_row(tr.cells.get(key), "这一行的数字与相邻行之间没有分隔，缺少空白单元格后各行各占几个数字无法确定")
        if tr.rows_inferred and not dump.passed_over():
            # the values after those doubts: a row in doubt vouches for no identity across rows
            values = {(r, c): cell.value for r, row in tr.cells.items() for c, cell in (row or {}).items()}
            tr.pinned_rows = dump.pinned_rows(identities, values)
    return tr


def _place_strays(
    stream: Stream, tr: TableRead, lines: list[ValueLine], taken: set[int], identities: tuple[Identity, ...]
) -> None:
    """A number a converter moved to a line of its own (no row took it) belongs in a blank
    cell when putting it there, and nowhere else, makes every identity of the table hold
    (where the identities already hold, read with blanks unknown, only when the table has one
    blank cell: with more, a page number may fit one of them by chance).
    It is placed, listed under ``uncertain`` with its value, and the table's count of broken
    identities drops to 0. Anything less certain leaves the table as it was read."""
    if tr.cells is None:
        return
    strays = [ln for i, ln in enumerate(lines) if i not in taken and len(ln.numbers) == 1 and ln.cells == 1]
    if len(strays) != 1:
        return
    stray = strays[0]
    value = stray.numbers[0]
    if not float(value).is_integer() or stream.continues_pages(stray.start, value):
        return  # a page number between footers of the pages around it
    values: Values = {}
    blanks: list[tuple[str, str]] = []
    for rkey, row in tr.cells.items():
        for ckey, cell in (row or {}).items():
            if cell.uncertain and cell.value is None:
                continue
            values[(rkey, ckey)] = cell.value
            if cell.blank:
                blanks.append((rkey, ckey))
    if not tr.violations and len(blanks) != 1:
        return  # the identities hold as read: only a table's one blank cell may take a lone number

    def fits_at(ref: tuple[str, str]) -> bool:
        # every identity holds, and one that sums this cell is known to hold (not merely
        # unknown because other cells of it are open)
        placed = {**values, ref: int(value)}
        own = [i for i in identities if ref in (*i.lhs, *i.rhs)]
        return violations(identities, placed) == 0 and any(holds(i, placed) is True for i in own)

    fits = [ref for ref in blanks if fits_at(ref)]
    if len(fits) != 1:
        return
    rkey, ckey = fits[0]
    row = tr.cells[rkey]
    assert row is not None
    unit = next(u for u in stray.units if u.kind == "number")
    row[ckey] = Cell(
        int(value),
        unit.text,
        source=stream.source_at(unit.offset),
        confidence=0.9,
        unconfirmed=PLACED_BY_IDENTITIES,
    )
    tr.violations = 0
    tr.broken_rules = []
    tr.unbalanced = []


CROWDED = 2
"""A row whose text holds more than this many times its cells' numbers has taken the numbers
of rows above it (their labels printed first, their numbers after the last label)."""
NUMBERS_ELSEWHERE = "本行标签后没有数字，表中下文数字多于行数，无法确定本行的值"
UNCLAIMED_NUMBERS = 4
UNCLAIMED_SHARE = 0.2
"""Numbers in a table's value lines that no row took (at least, and at least this share of its
cells), from which on its blank cells are not vouched for: a page number or a stray figure is
one or two, a converter's displaced numbers a few; a converter that printed the table
by columns (``pdftotext`` on ruled tables) leaves dozens, and rows whose numbers stand there
are not blank."""


def _doubt_blanks_beside_unclaimed(tr: TableRead, lines: list[ValueLine], taken: set[int]) -> None:
    """Blank cells of a table whose region holds many numbers no row took: uncertain, the table
    unreliable (a blank there may be any of those numbers; never a 0, never a blank the
    document printed)."""
    if tr.cells is None:
        return
    unclaimed = sum(len(ln.numbers) for i, ln in enumerate(lines) if i not in taken)
    cells = sum(len(row) for row in tr.cells.values() if row)
    if unclaimed < max(UNCLAIMED_NUMBERS, UNCLAIMED_SHARE * cells):
        return
    why = f"表格未能可靠读取：表中另有 {unclaimed} 个数字未能归入任何一行，空白单元格可能是其中的数字"
    doubted = False
    for row in tr.cells.values():
        for ckey, cell in (row or {}).items():
            if cell.blank and not cell.uncertain:
                # no candidates: any number (``(None,)`` would say blank, which sums as 0)
                row[ckey] = Cell(None, cell.raw, source=cell.source, uncertain=why)  # type: ignore[index]
                doubted = True
    if doubted:
        tr.unreliable = tr.unreliable or f"表中另有 {unclaimed} 个数字未能归入任何一行"
        tr.unbalanced, tr.broken_rules = [], []


DOUBTED_CONFIDENCE = 0.5
"""The most confidence a cell keeps once its reading is put in doubt."""


def _doubted(cell: Cell, why: str, candidates: tuple[Number | None, ...]) -> Cell:
    """``cell`` as an open cell: no value, its text and source kept, ``why`` and the readings
    it may be."""
    return Cell(
        None,
        cell.raw,
        source=cell.source,
        confidence=min(cell.confidence, DOUBTED_CONFIDENCE),
        uncertain=why,
        candidates=candidates,
    )


def _doubt_row(row: dict[str, Cell] | None, why: str) -> None:
    """Every cell of the row uncertain: its reading kept among the candidates, beside
    "something else" (None), so that no check takes it as settled."""
    if row is None:
        return
    for ckey, cell in row.items():
        if cell.uncertain:
            continue
        row[ckey] = _doubted(cell, why, (cell.value, None) if cell.value is not None else (None,))


def _hard_violations(choice: TableChoice, cols: dict[str, tuple[str, ...]], identities: tuple[Identity, ...]) -> int:
    """Identities the chosen reading breaks that no blank 总计 could mend: a total the
    document prints empty on the smaller side may hide the difference (a blank is no 0);
    other blanks are weighed as the decoder weighs them."""
    # the decoder's verdicts where it kept them (they weigh these very values): most tables
    # break none, and then no blank needs weighing
    verdicts = choice.verdicts
    if verdicts is not None and all(verdicts[i] is not False for i in identities):
        return 0
    values: Values = {}
    blanks: set[tuple[str, str]] = set()
    for r, ch in choice.rows.items():
        for c, cell in zip(cols[r], ch.reading.cells, strict=True):
            if cell.unread:
                continue
            values[(r, c)] = cell.value
            if cell.blank and cell.offset is not None and c.split(".")[-1] == "total":
                blanks.add((r, c))  # a 总计 the document prints empty (a report that leaves totals out)
    n = 0
    for ident in identities:
        ok = verdicts[ident] if verdicts is not None else holds(ident, values)
        if ok is not False:
            continue
        lhs = sum((values.get(ref) or 0) for ref in ident.lhs)
        rhs = sum((values.get(ref) or 0) for ref in ident.rhs)
        smaller = ident.lhs if lhs < rhs else ident.rhs
        if not any(ref in blanks for ref in smaller):
            n += 1
    return n


def _finish(
    stream: Stream,
    spec: TableSpec,
    keys: list[str],
    raws: dict[str, tuple[str, list[Unit]]],
    readings: dict[str, list[RowReading]],
    identities: tuple[Identity, ...],
    hints: Values,
) -> TableRead:
    """Decode the rows' readings jointly and build the table's cells."""
    row_cols: dict[str, tuple[Column, ...]] = {}
    cols: dict[str, tuple[str, ...]] = {}
    for k in raws:
        rc = row_cols[k] = spec.row_columns(spec.row(k))
        cols[k] = tuple([c.key for c in rc])
    choice = decode_table(readings, cols, identities, hints)
    cells: TableCells = {r.key: None for r in spec.rows}
    decisions: list[Decision] = []
    alternatives: dict[str, list[dict[str, Number | None]]] = {}
    for key in keys:
        if key not in raws:
            continue
        raw, units = raws[key]
        ch = choice.rows.get(key)
        if ch is None:
            cells[key] = _unreadable(cols[key], raw, stream, units)
        else:
            cells[key] = _cells_from_choice(stream, ch, cols[key], raw)
        if ch is None or ch.method != "direct":  # (a row read directly needs no decision)
            decision = _decision(f"{spec.key}.{key}", raw, ch, [c.kind for c in row_cols[key]], units)
            if decision is not None:
                decisions.append(decision)
        if ch is not None and ch.tied:
            alternatives[f"{spec.key}.{key}"] = [dict(zip(cols[key], vals, strict=True)) for vals in ch.tied]
    hard = _hard_violations(choice, cols, identities)
    offsets: dict[str, list[int]] = {}
    numbers: dict[str, frozenset[int]] = {}
    for k, (_, units) in raws.items():
        # each row's units gone through once for both
        cell_offsets = offsets[k] = []
        number_offsets = []
        for u in units:
            kind = u.kind
            if kind in CELL_UNITS:
                cell_offsets.append(u.offset)
                if kind == "number":
                    number_offsets.append(u.offset)
        numbers[k] = frozenset(number_offsets)
    inferred = [
        k for k, ch in choice.rows.items() if raws[k][1] and any(c.blank and c.offset is None for c in ch.reading.cells)
    ]
    return TableRead(
        cells,
        decisions,
        len(keys),
        alternatives,
        choice.unbalanced,
        choice.broken_rules,
        None,
        hard,
        offsets=offsets,
        numbers=numbers,
        unreliable=f"{len(inferred)} 行的空白单元格在文档中不留位置，其位置由推断得出" if inferred else None,
    )


T4_CELLS = 15

Fields = list[tuple[str, int]]
"""A grid row's fields, each with its stream offset."""


_WORDS = re.compile(r"[\u4e00-\u9fffA-Za-z]")


MENDED_BY_A_CUT = "表四的数字拆开后才满足勾稽关系，不拆则不满足：数字的位置无法确定，请对照原件核实"


def _broken(reading: RowReading, cols: tuple[str, ...], identities: tuple[Identity, ...]) -> int:
    return violations(identities, row_values(T4_ROW, cols, reading))


def _keeps_numbers(reading: RowReading, printed: list[Number]) -> bool:
    return sorted(c.value for c in reading.cells if c.value is not None) == printed


def _doubt_mended_sums(
    cells: TableCells,
    cols: tuple[str, ...],
    readings: list[RowReading],
    chosen: RowReading,
    units: list[Unit],
    identities: tuple[Identity, ...],
) -> None:
    """Table 4's numbers printed apart, the reading chosen cutting one of them (``10`` as 1 and
    0) where keeping every number whole breaks a sum: the cut mends the report's own error as
    well as it may read the page, so the cells the two readings place differently are open
    (never a value invented to make a check pass)."""
    read = [parse_number(u.digits, u.sign) for u in units if u.kind == "number"]
    printed = sorted(v for v in read if v is not None)
    if len(printed) < len(read) or _keeps_numbers(chosen, printed):
        return
    # the placements that keep every number whole, breaking one sum more than the cut does
    # (the repairs weighed for the row stop at the fewest broken sums: the cut ones)
    kinds: list[CellKind] = ["count"] * len(cols)
    groups = tuple(len(APPEALS.row_columns(g)) for g in APPEALS.rows)
    most = _broken(chosen, cols, identities) + 1
    repaired = row_readings(units, kinds, allow_repair=True, groups=groups, max_broken=most, glued=False)
    whole = [r for r in (*readings, *repaired) if _keeps_numbers(r, printed)]
    if not whole or too_many(repaired):
        return
    least = min(_broken(r, cols, identities) for r in whole)
    alike = [chosen, *(r for r in whole if _broken(r, cols, identities) == least)]
    for j, col in enumerate(cols):
        seen = {(r.cells[j].value, r.cells[j].blank) for r in alike}
        group, _, key = col.partition(".")
        row = cells.get(group)
        cell = row.get(key) if row else None
        if len(seen) < 2 or row is None or cell is None:
            continue
        earlier = cell.candidates if cell.uncertain else ()
        values = tuple(dict.fromkeys([*earlier, *(v for v, _ in seen)]))
        row[key] = _doubted(cell, MENDED_BY_A_CUT, values)


def _appeals_fields(raw: str, offset: int) -> Fields:
    """Table 4's data row as a tab-separated line of at least 15 fields, each with its stream
    offset (a row of words is a header row's wrapped tails, not the data row); none: no such
    line."""
    pos = 0
    for line in raw.split("\n"):
        words = _WORDS.search(line) is not None
        if any(map(str.isdigit, line)) or (line.count("\t") >= T4_CELLS - 1 and not words):
            if line.count("\t") < T4_CELLS - 1:
                return []
            fields, p = [], pos
            for f in line.split("\t"):
                fields.append((f, offset + p))
                p += len(f) + 1
            return fields
        pos += len(line) + 1
    return []


def _field_splits(fields: list[tuple[str, int]]) -> list[list[Unit]]:
    """Table 4's row read by position, one reading for each way of leaving out the fields it
    has too many, where those are empty ends (a label column before the row, empty columns
    after it). The first drops trailing empty fields first (the table's habit); none when
    that reading does not fit."""
    extra = max(0, len(fields) - T4_CELLS)
    first = positional_units(fields, T4_CELLS, min(trailing_empties(fields), extra))
    if first is None:
        return []
    splits = [first]
    for lead in range(1, extra + 1):
        tail = extra - lead
        dropped = fields[:lead] + fields[len(fields) - tail :]
        if all(not f.strip() for f, _ in dropped):
            other = positional_units(fields[lead : len(fields) - tail], T4_CELLS, 0)
            if other is not None:
                splits.append(other)
    return splits


SHIFTED_CELLS = "表四首尾的空白栏可能是转换工具加的标签列、相邻单元格可能被合并，空白单元格的位置无法确认"


def _converter_readings(
    fields: Fields, cols: tuple[str, ...], identities: tuple[Identity, ...]
) -> list[tuple[Value, ...]]:
    """The placements of a row that starts with an empty field (the label column a converter
    adds), read as a converter's (see ``shared_cells``), that keep every identity; none when
    the row does not start so, or has fields of other things, or too many placements."""
    if not fields or fields[0][0].strip():
        return []
    numbers = [field_numbers(text) for text, _ in fields]
    if any(n is None for n in numbers):
        return []
    found = placements([n for n in numbers if n is not None], len(cols))
    out = []
    for values in found or []:
        if violations(identities, {(T4_ROW, c): v for c, v in zip(cols, values, strict=True)}) == 0:
            out.append(values)
    return out


def _doubt_placements(flat: dict[str, Cell], cols: tuple[str, ...], readings: list[tuple[Value, ...]]) -> None:
    """Cells that one of ``readings`` reads otherwise: uncertain, with every reading."""
    for j, col in enumerate(cols):
        cell = flat[col]
        mine = None if cell.blank else cell.value
        theirs = {r[j] for r in readings}
        if cell.uncertain or theirs == {mine}:
            continue
        flat[col] = _doubted(
            cell,
            f"{SHIFTED_CELLS}（另一种同样满足勾稽关系的排列在此格读作别的数）",
            tuple(dict.fromkeys([mine, *theirs])),
        )


def _appeals_line(raw: str, offset: int) -> list[Unit] | None:
    """The first line with digits, when it holds all 15 values by itself: what follows it
    (``无`` of a next section whose heading is lost) is not part of the table."""
    pos = 0
    for line in raw.split("\n"):
        if any(map(str.isdigit, line)):
            units = region_units(line, offset + pos)
            return units if sum(1 for u in units if u.kind in ("number", "blank")) == T4_CELLS else None
        pos += len(line) + 1
    return None


def _positional(units: list[Unit]) -> bool:
    """Units read by position from delimited cells: one per cell, none empty (an empty
    delimited cell is read as a blank unit)."""
    return len(units) == T4_CELLS and all(u.kind != "empty" for u in units)


def _appeals_lines(stream: Stream, start: int, end: int) -> tuple[int, list[Unit], Fields] | None:
    """Table 4's fifteen cells as the value lines of ``stream.text[start:end]`` hold them
    (one row, three pieces of five, one cell a line), when they hold exactly fifteen; with
    the grid row's fields when one grid row holds them."""
    lines = value_lines(stream, start, end, [])
    if not lines:
        blank = _blank_grid_row(stream.text, start, end)
        return (*blank, []) if blank else None
    numbered = [ln for ln in lines if ln.numbers]
    if len(numbered) == 1 and numbered[0].fields and len(lines) > 1:
        # one grid row of numbers among empty ones (headings a converter lost) and lines of a
        # lone blank word (``无``: the next section's text, its heading lost): that row is the
        # table's
        lines = numbered
    if sum(ln.cells for ln in lines) == T4_CELLS:
        return lines[0].start, units_of_lines(lines, range(len(lines))), []
    if len(lines) == 1 and lines[0].fields and lines[0].cells < T4_CELLS:
        # one grid row under the section: the table's row, some cells shared or blank
        fields = list(lines[0].fields)
        splits = _field_splits(fields) if len(fields) <= T4_CELLS + 1 else []
        if len({tuple(u.offset for u in sp) for sp in splits}) == 1:
            return lines[0].start, splits[0], fields  # each field surely one cell
        return lines[0].start, list(lines[0].units), fields
    return None


T4_SHARED_MIN = T4_CELLS - T4_CELLS // 2
"""The fewest fields table 4's row can have in a converter's grid: a layout converter may
put two neighbouring cells in one (``| 13612 252 |``), never more."""


def _blank_grid_row(text: str, start: int, end: int) -> tuple[int, list[Unit]] | None:
    """Table 4 printed with nothing in it: the last grid row under its header is a row of
    empty cells (fifteen; a converter may add label columns or an empty one at the end, or
    share neighbouring cells, leaving as few as eight), and no number stands anywhere: every
    cell is blank, wherever the converter put its edges."""
    pos = start
    found = None
    for line in text[start:end].split("\n"):
        if "\t" in line and not line.strip("\t") and T4_SHARED_MIN <= line.count("\t") + 1 <= T4_CELLS + 3:
            found = pos
        pos += len(line) + 1
    if found is None:
        return None
    return found, [Unit("blank", "", offset=found) for _ in range(T4_CELLS)]


def _words_between(stream: Stream, start: int, end: int) -> bool:
    """Headings printed among table 4's numbers (``72`` / ``结果`` / ``64``, a plain dump of
    a page that prints the table column by column): the order of the numbers is then the
    converter's, which only the table's sums can vouch for."""
    lines = value_lines(stream, start, end, [])
    if len(lines) < 2:
        return False
    between = stream.text[lines[0].end : lines[-1].start]
    words = (w for w in between.split() if w not in BLANK_MARKERS)  # a 无 a line is a blank cell
    return any(re.search(r"[\u4e00-\u9fff]", w) for w in words)


def _appeals_laid_out(stream: Stream, head: int, start: int, end: int) -> tuple[int, list[Unit]] | None:
    """Table 4's row in text laid out by columns, fewer than fifteen numbers: each number in
    the column of the heading it stands under, the others blank."""
    lines = [ln for ln in value_lines(stream, start, end, []) if ln.xs]
    if len(lines) != 1 or len(lines[0].xs) >= T4_CELLS:
        return None
    headings = [c.label for _ in APPEALS.rows for c in APPEALS.columns]
    heads = _heading_anchors(stream, head, start, headings)
    # the tables above, whose rows print labels before their numbers, tell the page's measure
    page = [ln for ln in value_lines(stream, 0, head, []) if ln.xs]
    placed = layout_cells(lines, T4_CELLS, heads, page)[0]
    if not placed.fields:
        return None
    units = positional_units(list(placed.fields), T4_CELLS, 0)
    return (placed.start, units) if units else None


def read_appeals(
    stream: Stream,
    region: tuple[int, int],
    identities: tuple[Identity, ...],
    hints: Values,
    glued: bool | None = None,
    converted: bool = False,
) -> TableRead:
    """Table 4: one data row of 15 numbers after the header words, in three groups of five.
    ``glued``: the document's numbers run together (as table 3 showed); ``converted``: table 3
    was not read from the document's own cells (a layout converter's grid, whose empty fields
    are not surely blank cells)."""
    start, end = region
    folded = stream.folded
    last, first = -1, end
    scattered = False
    seen = 0
    for w in T4_HEADER_WORDS:
        i = folded.rfind(fold(w), start, end)
        if i >= 0:
            seen += 1
            last = max(last, i + len(fold(w)))
            first = min(first, folded.find(fold(w), start, end))
    if seen < T4_MIN_HEADER_WORDS:
        # a sentence (``行政复议案件0件、行政诉讼案件4件``) names the table's words, but is no
        # table; a converter may have replaced the headings, but then the fifteen numbers
        # stand as a table's rows of their own
        alts: list[list[Unit]] = []
        fields: Fields = []
        # from just after the heading: an empty grid folds to nothing, the region's first
        # folded character is the next heading's
        found = _appeals_lines(stream, stream.to_text(start - 1) + 1 if start else 0, stream.to_text(end))
        if found is None:
            return TableRead(None, [], 0)
        text_start, units, fields = found
        raw = stream.text[text_start : stream.to_text(end)]
        glued = False  # value lines: numbers apart
        scattered = _words_between(stream, text_start, stream.to_text(end))
    else:
        text_start = stream.index[last - 1] + 1
        raw = stream.text[text_start : stream.to_text(end)]
        one_per_line = cell_lines(raw, text_start, skip_blank_lines=True)
        fields = _appeals_fields(raw, text_start)
        alts = _field_splits(fields)  # by position; empty ends give every other reading too
        delimited = alts[0] if alts else (positional_units(one_per_line, T4_CELLS, 0) if one_per_line else None)
        # the table split in pieces, each under its own header (one group of five each)
        pieces = None if delimited else _appeals_lines(stream, stream.to_text(first), stream.to_text(end))
        if pieces is None and not delimited:
            laid = _appeals_laid_out(stream, stream.to_text(first), text_start, stream.to_text(end))
            pieces = (*laid, []) if laid else None
        if pieces is not None:
            text_start, units, fields = pieces
            raw = stream.text[text_start : stream.to_text(end)]
            glued = False  # value lines: numbers apart
            scattered = _words_between(stream, text_start, stream.to_text(end))
        else:
            units = delimited or _appeals_line(raw, text_start) or region_units(raw, text_start)
    if not any(u.kind in CELL_UNITS for u in units):
        # the whole header and not a number under it: fifteen blank cells (a dump drops them)
        units = [Unit("empty", "", offset=text_start) for _ in range(T4_CELLS)]
    flat_cols = tuple(f"{g.key}.{c.key}" for g in APPEALS.rows for c in APPEALS.row_columns(g))
    kinds: list[CellKind] = ["count"] * len(flat_cols)
    groups = tuple(len(APPEALS.row_columns(g)) for g in APPEALS.rows)
    rds = readings_for_row(units, kinds, groups, glued)
    if rds and not row_runs_together(units, T4_CELLS, glued) and not _positional(units):
        rds = placements_alike(rds, units)  # numbers apart and too few: blanks where nobody says
    if alts and units is alts[0]:
        read = {tuple((c.value, c.blank) for c in r.cells) for r in rds}
        for other in alts[1:]:
            rds = rds + [
                r
                for r in readings_for_row(other, kinds, groups, glued)
                if tuple((c.value, c.blank) for c in r.cells) not in read
            ]
    flat_ids = tuple(
        Identity(
            i.rule, i.name, tuple((T4_ROW, f"{r}.{c}") for r, c in i.lhs), tuple((T4_ROW, f"{r}.{c}") for r, c in i.rhs)
        )
        for i in identities
    )
    flat_hints: Values = {(T4_ROW, f"{r}.{c}"): v for (r, c), v in hints.items()}
    choice = decode_table({T4_ROW: rds}, {T4_ROW: flat_cols}, flat_ids, flat_hints)
    cells: TableCells = {}
    decisions: list[Decision] = []
    ch = choice.rows.get(T4_ROW)
    flat = _unreadable(flat_cols, raw, stream, units) if ch is None else _cells_from_choice(stream, ch, flat_cols, raw)
    failing = bool(choice.violations or choice.unbalanced or choice.broken_rules)
    # a converter's row read by position: its empty ends may be a label column and padding,
    # its cells shared, so that another placement of the numbers fits the table as well
    rival = (
        _converter_readings(fields, flat_cols, flat_ids)
        if converted and fields and _positional(units) and not scattered
        else []
    )
    if rival and not failing:
        _doubt_placements(flat, flat_cols, rival)
    decision = _decision("appeals", raw, ch, kinds, units)
    if decision is not None:
        decisions.append(decision)
    for g in APPEALS.rows:
        cells[g.key] = {c.key: flat[f"{g.key}.{c.key}"] for c in APPEALS.row_columns(g)}
    inferred = ch is not None and any(c.blank and c.offset is None for c in ch.reading.cells)
    why = "表四的空白单元格在文档中不留位置，其位置由推断得出" if inferred else None
    unbalanced, broken = choice.unbalanced, choice.broken_rules
    doubt = None
    if failing and scattered:
        doubt = "表四的数字与栏目名称交错排列（转换工具逐栏输出），数字的次序无法确认"
    elif failing and rival:
        # read by position the row breaks the sums, read as a converter's row it does not:
        # which of the two the page is, nothing on it says
        doubt = SHIFTED_CELLS
    if doubt is not None:
        why = doubt
        for row in cells.values():
            _doubt_row(row, f"表格未能可靠读取：{why}，且读出的数字不满足表内勾稽关系")
        unbalanced, broken = [], []
    elif ch is not None and not glued and not row_runs_together(units, T4_CELLS, glued):
        _doubt_mended_sums(cells, flat_cols, rds, ch.reading, units, flat_ids)
    offsets = {T4_ROW: [u.offset for u in units if u.kind in CELL_UNITS]}
    return TableRead(cells, decisions, 3, {}, unbalanced, broken, unreliable=why, offsets=offsets)
