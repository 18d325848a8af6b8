"""The shapes that layout converters give a report, rendered from the model (issue 11).

Each renderer draws a report the way a class of tools passes it on, with the tool's habits
drawn from the seed, so that the whole class is tried, not one file:

- ``md_layout``: Markdown from a PDF layout converter or an OCR service. Number rows are
  pipe rows in template order; row labels stand as loose lines before or after them (long
  ones cut, group labels one character a line); header rows hold fragments of the column
  headings cut across cells, placeholders (``数据1``, ``Col2``) or another table's headings;
  tables split into little tables at page breaks, with page footers between rows; where the
  page has no rule between two cells their numbers share one pipe cell (``| 95 0 |``); some
  rows start with empty cells before an item-numbered label (``|||1.属于国家秘密|0|…``).
- ``onecell``: plain ``pdftotext``: one cell per line, blank lines between; blank cells leave
  nothing; a group label spanning rows comes out in the middle of them; the labels of the
  last rows may follow their numbers; table 4's headings come first, then its 15 numbers.
- ``layout``: ``pdftotext -layout``: columns aligned by spaces, long labels wrapped inside
  their column, a blank cell a gap in its column.
- ``cell_lines``: a web page's tables as a site's text export prints them (a real 陕西 page):
  every ``<td>`` on a line of its own ending in `` |`` (a blank one a bare ``|``), and each
  row padded at its end with as many pipes as the row has fewer cells than the grid is wide
  (the slots its spans cover), all on one line. Rows are left implicit.

The values printed are always the report's; only where and how they stand changes.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace

from gongkai.model.report import Report
from gongkai.render.layout import Block, Layout, LCell, document, expand, layout_width
from gongkai.render.text import PDF_LINE_WIDTH, space_numbers, wrap

PAGE_FOOTERS = ("— {n} —", "- {n} -", "第{n}页", "{n}")
PLACEHOLDER_HEADINGS = ("数据{i}", "Col{i}", "列{i}")
PAGE_BREAK_SHARE = 0.12
"""Chance that a page breaks after a given table row."""
LABEL_AFTER_SHARE = 0.3
"""Chance, per table, that its loose labels follow their number rows rather than precede them."""
INLINE_LABEL_SHARE = 0.25
"""Chance that a row keeps its label in its own pipe row (as some converters do)."""
MERGED_PAIRS_SHARE = 0.5
"""Chance, per table, that the page has no rules between some numeric columns."""
LABEL_COLUMN_CHARS = 14
"""Characters per line of table 3's label column on an A4 page."""


def _prose_lines(b: Block, rng: random.Random, width: int = PDF_LINE_WIDTH) -> list[str]:
    out: list[str] = []
    for para in b.text.split("\n"):
        if para.strip():
            out.extend(wrap(space_numbers(para), width))
    return out


def _rows(layout: Layout) -> list[tuple[list[LCell], list[LCell]]]:
    """Each layout row as (its label and heading cells, its value cells)."""
    return [([c for c in row if c.kind != "value"], [c for c in row if c.kind == "value"]) for row in layout]


# --- md_layout ---------------------------------------------------------------------------


def _fragments(text: str, rng: random.Random) -> list[str]:
    """A heading cut into the pieces a narrow cell wraps it into (``商业企业`` → 商业, 企业)."""
    out, i = [], 0
    while i < len(text):
        n = rng.choice((1, 2, 2, 3))
        out.append(text[i : i + n])
        i += n
    return out


def _md_header(heads: list[str], width: int, rng: random.Random, other: list[str]) -> list[str]:
    """The header rows a converter writes for a table (or a piece of one after a page break)."""
    style = rng.choice(("fragments", "placeholders", "other", "fragments", "empty"))
    if style == "placeholders":
        pattern = rng.choice(PLACEHOLDER_HEADINGS)
        cells = [pattern.format(i=i + 1) for i in range(width)]
        return [_pipe(cells), _separator(width)]
    if style == "other" and other:
        cells = (other + [""] * width)[:width]
        return [_pipe(cells), _separator(width)]
    if style == "empty":
        return [_pipe([""] * width), _separator(width)]
    # the headings wrapped in narrow cells: each header row holds one line of each
    pieces = [_fragments(h, rng) for h in heads]
    depth = max((len(p) for p in pieces), default=1)
    lines: list[str] = []
    for d in range(min(depth, 4)):
        cells = [p[d] if d < len(p) else "" for p in pieces]
        cells = (cells + [""] * width)[:width]
        lines.append(_pipe(cells))
        if d == 0:
            lines.append(_separator(width))
    return lines


def _pipe(cells: list[str]) -> str:
    return "|" + "|".join(f" {c} " if c else "" for c in cells) + "|"


def _separator(width: int) -> str:
    return "|" + "|".join("---" for _ in range(width)) + "|"


def _merge_pairs(values: list[str], pairs: frozenset[int]) -> list[str]:
    """Values of neighbouring cells with no rule between them share one cell (``95 0``); a
    blank one leaves nothing there."""
    out: list[str] = []
    i = 0
    while i < len(values):
        if i in pairs and i + 1 < len(values):
            out.append(" ".join(v for v in (values[i], values[i + 1]) if v))
            i += 2
        else:
            out.append(values[i])
            i += 1
    return out


def _md_table(b: Block, rng: random.Random, page: list[int], other: list[str], shared: bool | None = None) -> list[str]:
    """``shared``: neighbouring cells share one (None: as the seed draws it)."""
    assert b.layout is not None
    rows = _rows(b.layout)
    heads = [c.text for row, vals in rows if not vals for c in row if c.kind == "head"]
    n_values = max((len(vals) for _, vals in rows), default=1)
    pairs = (
        frozenset(i for i in range(0, n_values - 1, 2) if rng.random() < 0.7)
        if (rng.random() < MERGED_PAIRS_SHARE if shared is None else shared)
        else frozenset()
    )
    label_after = rng.random() < LABEL_AFTER_SHARE
    out: list[str] = []
    width = len(_merge_pairs([""] * n_values, pairs)) + 1
    out.extend(_md_header(heads, width, rng, other))
    seen_groups: set[str] = set()
    for row, vals in rows:
        if not vals:
            if row and row[0].kind == "caption":
                out.extend([_pipe([row[0].text] + [""] * (width - 1)), _separator(width)])
            continue
        texts = [c.text for c in row if c.text]
        label = texts[-1] if texts else ""
        groups = [t for t in texts[:-1] if t not in seen_groups]
        seen_groups.update(groups)
        for g in groups:  # a group label spanning rows: its characters one a line, or whole
            out.extend(list(g) if rng.random() < 0.5 else [g])
        values = _merge_pairs([c.text for c in vals], pairs)
        if rng.random() < INLINE_LABEL_SHARE:
            lead = [""] * rng.choice((0, 0, 1, 2))
            out.append(_pipe([*lead, label, *values]))
        else:
            parts = wrap(label, LABEL_COLUMN_CHARS) if label else []
            number_row = _pipe(["", *values])
            if label_after:
                out.extend([number_row, *parts])
            else:
                out.extend([*parts, number_row])
        if b.key == "applications" and rng.random() < PAGE_BREAK_SHARE:
            page[0] += 1
            out.extend(["", rng.choice(PAGE_FOOTERS).format(n=page[0]), ""])
            out.extend(_md_header(heads, width, rng, other))
    return out


def _headings(b: Block) -> list[str]:
    return [c.text for row, vals in _rows(b.layout or []) if not vals for c in row if c.kind == "head"][:6]


LOOSE_ONE_VALUE_ROWS_SHARE = 0.25
"""Documents whose table 2 rows of one value (行政许可, 行政处罚 …) a converter printed as text
lines above the table (``行政许可 0``), as a real Shanghai report's converter did."""


def _loose_one_value_rows(b: Block) -> tuple[list[str], Block]:
    """Table 2's one-value rows as text lines (label, value) and the table without them."""
    assert b.layout is not None
    lines: list[str] = []
    kept = []
    for row in b.layout:
        labels = [c.text for c in row if c.kind != "value" and c.text]
        values = [c.text for c in row if c.kind == "value"]
        if len(values) == 1 and labels:
            lines.append(f"{labels[-1]} {values[0]}".rstrip())
        else:
            kept.append(row)
    return lines, replace(b, layout=kept)


def render_md_layout(report: Report, seed: int = 0, loose: bool | None = None, shared: bool | None = None) -> str:
    """``loose``: table 2's one-value rows as text lines above it; ``shared``: every table's
    neighbouring cells may share one (None: as the seed draws them)."""
    rng = random.Random(seed)
    if loose is None:
        # drawn apart from ``rng`` so that the rest of each document stays as it was
        loose = random.Random(f"md-loose-{seed}").random() < LOOSE_ONE_VALUE_ROWS_SHARE
    page = [1]
    out: list[str] = []
    blocks = document(report)
    heads = {b.key: _headings(b) for b in blocks if b.kind == "table"}
    for b in blocks:
        if b.kind == "title":
            out.extend([f"# {b.text}", ""])
        elif b.kind == "heading":
            style = rng.choice(("## {}", "**{}**", "{}"))
            out.extend([style.format(b.text), ""])
        elif b.kind == "table":
            # a header row may carry another table's headings (of the same report)
            other = next((h for k, h in heads.items() if k != b.key and h), [])
            if loose and b.key == "active_disclosure":
                lines, b = _loose_one_value_rows(b)
                out.extend(lines)
            out.extend([*_md_table(b, rng, page, other, shared), ""])
        else:
            lines = _prose_lines(b, rng) if rng.random() < 0.5 else [b.text]
            out.extend([*lines, ""])
    return "\n".join(out) + "\n"


# --- onecell (plain pdftotext) -----------------------------------------------------------


def _onecell_table(b: Block, rng: random.Random) -> list[str]:
    assert b.layout is not None
    rows = _rows(b.layout)
    out: list[str] = []
    if b.key == "appeals":
        heads = [c.text for row, vals in rows if not vals for c in row if c.text]
        out.extend(heads)
        values = [c.text for _, vals in rows for c in vals if c.text]
        style = rng.choice(("one", "groups", "all"))
        if style == "one":
            out.extend(values)
        elif style == "groups":
            out.extend(" ".join(values[i : i + 5]) for i in range(0, len(values), 5))
        else:
            out.append(" ".join(values))
        return out
    body = [(row, vals) for row, vals in rows if vals]
    late = rng.choice((0, 0, 1, 2, 3)) if b.key == "applications" else 0
    """The last rows whose labels come after their numbers."""
    pending: list[str] = []
    group_rows: dict[str, list[int]] = {}
    for i, (row, _vals) in enumerate(body):
        for c in row[:-1]:
            if c.text and c.rowspan > 1:
                group_rows[c.text] = [i, i + c.rowspan - 1]
    middle = {((a + z) // 2): g for g, (a, z) in group_rows.items()}
    for row, vals in rows:
        if not vals:
            out.extend(c.text for c in row if c.text)
    for i, (row, vals) in enumerate(body):
        label = row[-1].text if row and row[-1].kind != "value" else ""
        label_lines = wrap(label, LABEL_COLUMN_CHARS) if label else []
        values = [c.text for c in vals if c.text]  # a blank cell leaves nothing
        if i >= len(body) - late:
            out.extend(values)
            pending.extend(label_lines)
        else:
            out.extend([*label_lines, *values])
        if i in middle:
            out.append(middle[i])
    out.extend(pending)
    return out


def render_onecell(report: Report, seed: int = 0) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    for b in document(report):
        lines = _onecell_table(b, rng) if b.kind == "table" else _prose_lines(b, rng)
        for line in lines:
            out.extend([line, ""])
    return "\n".join(out) + "\n"


# --- layout (pdftotext -layout) ----------------------------------------------------------


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def char_width(text: str) -> int:
    return len(text)


def _pad(text: str, width: int, align: str, measure: Callable[[str], int] = display_width) -> str:
    gap = max(0, width - measure(text))
    if align == "right":
        return " " * gap + text
    if align == "center":
        return " " * (gap // 2) + text + " " * (gap - gap // 2)
    return text + " " * gap


def _place(line: list[str], x: int, text: str, measure: Callable[[str], int] = display_width) -> None:
    """Write ``text`` into a line of columns from column ``x`` (by display width a wide
    character takes two columns, the second holding an empty string; counted in characters,
    as ``pdftotext -layout`` does, one)."""
    for ch in text:
        if x >= len(line):
            line.extend(" " * (x - len(line) + 2))
        line[x] = ch
        if measure(ch) == 2:
            line[x + 1] = ""
            x += 2
        else:
            x += 1


def _layout_table(b: Block, rng: random.Random, measure: Callable[[str], int] = display_width) -> list[str]:
    """The table's grid drawn in a fixed-width font: each cell's text wrapped in its column,
    numbers centred or right-aligned on the row's first line, a spanning label on the middle
    row of its span. Columns are counted by ``measure``: display width (a monospace page) or
    characters (``pdftotext -layout``, where a Chinese label before the numbers is half as wide
    as it looks)."""
    assert b.layout is not None
    grid = expand(b.layout)
    n = max((len(r) for r in grid), default=0)
    num_w = rng.choice((6, 7, 8, 9))
    widths: list[int] = []
    for j in range(n):
        col = [grid[i][j] for i in range(len(grid))]
        numeric = any(c is not None and c.kind == "value" for c in col)
        if numeric:
            widths.append(num_w)
        elif b.key == "applications":
            widths.append(6 if j == 0 else 14 if j == 1 else 30)
        else:
            widths.append(24)
    xs = [sum(widths[:j]) + 2 * j for j in range(n)]
    total = xs[-1] + widths[-1] if n else 0
    align = rng.choice(("right", "center"))
    # each cell's lines, placed in the row where they print
    placed: dict[int, list[tuple[int, list[str]]]] = {}
    for i, row in enumerate(grid):
        for j, c in enumerate(row):
            if c is None or not c.text:
                continue
            span = xs[j + c.colspan - 1] + widths[j + c.colspan - 1] - xs[j]
            if c.kind == "value":
                lines = [_pad(c.text, span, align, measure)]
            else:
                lines = wrap(c.text, max(1, span // 2))
                if c.kind == "head" and len(lines) == 1:
                    lines = [_pad(lines[0], span, "center", measure)]
            at = i + (c.rowspan - 1) // 2 if c.rowspan > 1 and rng.random() < 0.7 else i
            placed.setdefault(at, []).append((xs[j], lines))
    out: list[str] = []
    for i in range(len(grid)):
        items = placed.get(i, [])
        depth = max((len(lines) for _, lines in items), default=1)
        for d in range(depth):
            line = [" "] * total
            for x, lines in items:
                if d < len(lines):
                    _place(line, x, lines[d], measure)
            out.append("".join(line).rstrip())
    return out


LAYOUT_BY_CHARACTERS_SHARE = 0.5
"""Documents whose columns are counted in characters (``pdftotext -layout``), not display width."""


def render_layout(report: Report, seed: int = 0, by_chars: bool | None = None) -> str:
    """``by_chars``: count columns in characters (None: as the seed draws it)."""
    rng = random.Random(seed)
    if by_chars is None:
        # drawn apart from ``rng`` so that the rest of each document stays as it was
        by_chars = random.Random(f"layout-measure-{seed}").random() < LAYOUT_BY_CHARACTERS_SHARE
    measure = char_width if by_chars else display_width
    out: list[str] = []
    for b in document(report):
        if b.kind == "table":
            out.extend(_layout_table(b, rng, measure))
        else:
            out.extend("    " + x if b.kind == "para" else x for x in _prose_lines(b, rng))
        out.append("")
    return "\n".join(out) + "\n"


# --- cell_lines (a site's text export of its HTML tables) --------------------------------


CELL_LINE_STYLES = ("cells", "rows", "unpadded", "pipe_after")
"""How the export prints a row: a cell a line (a 陕西 page); the row's cells on one line with
the pads run on at its end (``一、本年新收政府信息公开申请数量 | ||||||0 | ||``, a 湖南 and a 辽宁
page), the table's last row then without its pads (both pages); the same without pads
(``行政许可 | 0 |``, a 广东 page); or each cell's text on its lines and a ``|`` line after it, no
pads, a heading wrapped where the page's cell is narrow (``商业`` / ``企业``, a 新疆 page)."""


@dataclass(frozen=True)
class CellLineHabits:
    """How one site's export prints its tables (drawn per document)."""

    style: str
    """One of ``CELL_LINE_STYLES``."""
    bare_blank: bool
    """A blank cell's line is ``|``, not `` |`` (the page shows no difference)."""
    wrap_heads: bool
    """A four-character heading wrapped over two lines (``pipe_after``)."""
    opened: bool
    """Each row opens with a bare ``|`` line (a 北京 page)."""
    spaced: bool
    """Cell text set off by spaces, the pads run on after the row's last cell (a 重庆 page)."""
    wider: int
    """Empty columns table 3 has beyond the template's (a 广东 page's is 18 wide)."""


def _cell_lines_table(b: Block, h: CellLineHabits, wider: int) -> list[str]:
    assert b.layout is not None
    width = layout_width(b.layout) + wider
    out: list[str] = []
    for i, row in enumerate(b.layout):
        pads = "|" * (width - len(row))
        if h.style == "pipe_after":
            for c in row:
                wrapped = c.kind == "head" and len(c.text) == 4 and h.wrap_heads
                lines = [c.text[:2], c.text[2:]] if wrapped else [c.text]
                out.extend([*(x for x in lines if x or not h.bare_blank), "|"])
            continue
        if h.style in ("rows", "unpadded"):
            last = i == len(b.layout) - 1 or h.style == "unpadded"
            out.append(("".join(f"{c.text} | " if c.text else "|" for c in row) + ("" if last else pads)).rstrip())
            continue
        if h.opened:
            out.append("|")
        if h.spaced:
            lines = [f" {c.text}  | " for c in row]
            lines[-1] += pads
            out.extend(lines)
            continue
        out.extend(f"{c.text} |" if c.text else ("|" if h.bare_blank else " |") for c in row)
        if pads:
            out.append(pads)
    return out


def render_cell_lines(report: Report, seed: int = 0, style: str | None = None, opened: bool | None = None) -> str:
    """``style``: one of ``CELL_LINE_STYLES``; ``opened``: each row of the ``cells`` style opens
    with a bare ``|`` line (None: as the seed draws them)."""
    rng = random.Random(seed)
    bare_blank = rng.random() < 0.5
    habits = CellLineHabits(
        style=style or random.Random(f"cell-lines-{seed}").choice(CELL_LINE_STYLES),
        bare_blank=bare_blank,
        wrap_heads=rng.random() < 0.5,
        opened=random.Random(f"cell-lines-opened-{seed}").random() < 0.5 if opened is None else opened,
        spaced=random.Random(f"cell-lines-spaced-{seed}").random() < 0.3,
        wider=random.Random(f"cell-lines-wider-{seed}").choice((0, 0, 0, 8)),
    )
    out: list[str] = []
    for b in document(report):
        if b.kind == "table":
            out.extend(_cell_lines_table(b, habits, habits.wider if b.key == "applications" else 0))
        else:
            out.extend(b.text.split("\n"))
    return "\n".join(out) + "\n"


SHAPE_RENDERERS: dict[str, Callable[[Report, int], str]] = {
    "md_layout": render_md_layout,
    "onecell": render_onecell,
    "layout": render_layout,
    "cell_lines": render_cell_lines,
}
SHAPE_SUFFIX = {"md_layout": ".md", "onecell": ".txt", "layout": ".txt", "cell_lines": ".txt"}
