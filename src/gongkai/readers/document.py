"""The intermediate document every reader produces: ordered text lines and cell grids.

Readers know formats; they do not know the template. The parser reads only this.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.model.report import Source


@dataclass
class TextLine:
    text: str
    source: Source


@dataclass
class GridCell:
    text: str
    source: Source
    rowspan: int = 1
    colspan: int = 1
    confidence: float = 1.0
    candidates: tuple[str, ...] = ()
    """A reading the reader could not settle (an OCR'd number whose sign the scan does not
    clearly show): every text the cell may hold; ``text`` is the first."""
    doubt: str | None = None
    """Why the reading is not settled (Chinese), when ``candidates`` are given."""


@dataclass
class Grid:
    """A table with merged cells expanded: ``rows[r][c]`` is the cell that starts at
    (r, c), or None where (r, c) is covered by a merged cell that starts elsewhere."""

    rows: list[list[GridCell | None]]
    source: Source

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)


Block = TextLine | Grid


@dataclass
class Document:
    path: str
    format: str
    blocks: list[Block] = field(default_factory=list)
    sha256: str = ""
    size: int = 0
    title: str | None = None
    """A title given by the container (HTML <title>, a scraped page's header)."""
    published_on: str | None = None
    """A publication date printed with the document (ISO), when the container gives one."""
    warnings: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out: list[str] = []
        for b in self.blocks:
            if isinstance(b, TextLine):
                out.append(b.text)
            else:
                for row in b.rows:
                    out.append("\t".join(c.text for c in row if c is not None))
        return out


MAX_GRID_CELLS = 100_000
"""Positions (rows × columns, merged cells expanded) of one table: a report's largest table has a
few hundred; spans can otherwise make a small file describe a table of billions of cells."""


class GridTooLarge(Exception):
    """A table larger than ``MAX_GRID_CELLS``: the reader turns it into a ``ReadError``."""


class ReadError(Exception):
    """A file that cannot be read as a report. The message is Chinese and names the problem."""

    def __init__(self, path: str, reason: str, code: str = "unreadable") -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.code = code

    def __reduce__(self) -> tuple[type[ReadError], tuple[str, str, str]]:
        # pickled across worker processes: rebuilt from its fields, not from the joined message
        return (ReadError, (self.path, self.reason, self.code))
