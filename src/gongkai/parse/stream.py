"""The document as one text stream, with a map back to where each character came from.

Grid cells are joined by tabs and grid rows end with a newline; a cell covered by a merged
cell contributes nothing, so every tab-delimited empty field in a grid row is a real blank
cell. Labels are matched on the folded, whitespace-free view (``folded``), whose characters
map back to offsets of ``text``.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from gongkai.model.report import Source
from gongkai.model.text import despace, squeeze
from gongkai.readers.document import Document, Grid, GridCell, TextLine


@dataclass
class Stream:
    text: str
    starts: list[int] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    folded: str = ""
    index: list[int] = field(default_factory=list)
    grid_spans: list[tuple[int, int]] = field(default_factory=list)
    """(start, end) offsets of the text that came from grids."""
    cells: list[GridCell | None] = field(default_factory=list)
    """The grid cell each part is the text of (None for text lines and separators): its
    reader's confidence (below 1 when OCR'd) and any reading it left open."""
    page_numbers: list[tuple[int, int]] = field(default_factory=list)
    """(offset in ``text``, number) of each page footer left out of the text (``- 3 -``): a
    lone number that continues their sequence is a page number too."""
    raw_lines: dict[int, str] = field(default_factory=dict)
    """Text lines as the document has them (before spaces are squeezed), by line number: in
    text laid out by columns (``pdftotext -layout``) a blank cell is a gap, seen only here."""

    def cell_at(self, offset: int) -> GridCell | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.cells[i] if 0 <= i < len(self.cells) else None

    def source_at(self, offset: int) -> Source | None:
        i = bisect.bisect_right(self.starts, offset) - 1
        return self.sources[i] if i >= 0 else None

    def at(self, offset: int) -> tuple[Source | None, GridCell | None]:
        """``source_at`` and ``cell_at`` in one look-up (a table's every cell wants both)."""
        i = bisect.bisect_right(self.starts, offset) - 1
        if i < 0:
            return None, None
        return self.sources[i], self.cells[i] if i < len(self.cells) else None

    def continues_pages(self, offset: int, value: float) -> bool:
        """Whether ``value`` at ``offset`` continues the page footers around it (the footer
        before it is one less, or the one after it one more)."""
        before = [n for at, n in self.page_numbers if at <= offset]
        after = [n for at, n in self.page_numbers if at > offset]
        return bool((before and before[-1] == value - 1) or (after and after[0] == value + 1))

    def to_text(self, folded_pos: int) -> int:
        """Offset in ``text`` of folded position ``folded_pos`` (end → len(text))."""
        if folded_pos >= len(self.index):
            return len(self.text)
        return self.index[folded_pos]

    def to_folded(self, offset: int) -> int:
        """First folded position at or after text ``offset``."""
        return bisect.bisect_left(self.index, offset)


PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—－–]\s*\d{1,3}\s*[-—－–]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)
"""Page footers and headers: ``- 3 -``, ``第3页 共6页``, ``3/6``."""
BREADCRUMB = re.compile(r"^\s*(?:(?:您现在的|您的|当前|所在)位置\s*[:：]?\s*)?首页\s*(?:[>＞»›→]|&gt;)")
"""A web page's navigation line (``当前位置：首页 > 政务公开 > 市直部门``): no text of the report,
and its last crumb would run into the title below it (``市直部门大冶市…局``)."""
BREADCRUMB_CHARS = 120
"""Longer lines that start like one hold the page's text too (a page copied as one line)."""
_DASH = "[-—–－]"
_FOOTER_REST = rf"[ \u3000]+\d{{1,3}}[ \u3000]+{_DASH}"
INLINE_PAGE_NUMBER = re.compile(rf"{_DASH}(?:(?<=[^ \t\u3000]{_DASH}){_FOOTER_REST}|{_FOOTER_REST}(?=[^ \t\u3000]))")
"""A page footer that text scraped from a PDF left inside a line: ``0000000- 3 -三、…``, run into
the text on one side at least. Set apart by spaces or tabs on both sides, ``1 — 3 — 41`` is
three cells of a row (blank, 3, blank: a report that marks blank cells with a dash). The
pattern opens with the dash (the text before it is looked at from there): a pattern that opens
with a character class lets the regex engine skip to the dashes at C speed."""


def _has_dash(text: str) -> bool:
    """Whether ``text`` holds a dash INLINE_PAGE_NUMBER opens with (most lines do not: four
    substring tests are cheaper than a call of the pattern)."""
    return "-" in text or "—" in text or "–" in text or "－" in text


def build_stream(doc: Document) -> Stream:
    parts: list[str] = []
    starts: list[int] = []
    sources: list[Source] = []
    cells: list[GridCell | None] = []
    grid_spans: list[tuple[int, int]] = []
    raw_lines: dict[int, str] = {}
    page_numbers: list[tuple[int, int]] = []
    pos = 0

    def add(text: str, source: Source, cell: GridCell | None = None) -> None:
        nonlocal pos
        starts.append(pos)
        sources.append(source)
        cells.append(cell)
        parts.append(text)
        pos += len(text)

    for block in doc.blocks:
        if isinstance(block, TextLine):
            if PAGE_NUMBER.match(block.text):
                page_numbers.append((pos, int(re.findall(r"\d+", block.text)[0])))
                continue  # a page footer inside a table would read as a value
            # every breadcrumb names 首页: most lines are let go by a substring test, not the pattern
            if len(block.text) <= BREADCRUMB_CHARS and "首页" in block.text and BREADCRUMB.match(block.text):
                continue
            line = INLINE_PAGE_NUMBER.sub("", block.text) if _has_dash(block.text) else block.text
            add(despace(line) + "\n", block.source)
            if block.source.line is not None and "  " in block.text:
                raw_lines[block.source.line] = block.text
        elif isinstance(block, Grid):
            # ``add``'s work written out: a grid's cells are most of an HTML page's parts
            g0 = pos
            for row in block.rows:
                first = True
                for cell in row:
                    if cell is None:
                        continue
                    source = cell.source
                    if not first:  # the tab before the cell is the cell's too
                        starts.append(pos)
                        sources.append(source)
                        cells.append(None)
                        parts.append("\t")
                        pos += 1
                    first = False
                    text = cell.text
                    if "\n" in text or "\t" in text:
                        text = text.replace("\n", " ").replace("\t", " ")
                    text = despace(text)
                    starts.append(pos)
                    sources.append(source)
                    cells.append(cell)
                    parts.append(text)
                    pos += len(text)
                add("\n", block.source)
            grid_spans.append((g0, pos))
    text = "".join(parts)
    folded, index = squeeze(text)
    return Stream(text, starts, sources, folded, index, grid_spans, cells, page_numbers, raw_lines)
