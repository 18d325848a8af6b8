"""Plain text and Markdown: decode the bytes, keep lines, turn Markdown tables into grids."""

from __future__ import annotations

import bisect
import codecs
import re
from functools import lru_cache

from gongkai.model.report import Source
from gongkai.model.template import BLANK_MARKERS
from gongkai.readers.cell_lines import cell_line_rows, is_cell_line, pipe_after_cells, run_end
from gongkai.readers.document import Block, Document, Grid, GridCell, ReadError, TextLine

MAX_TEXT_BYTES = 8 * 1024 * 1024
"""A report is 5–30 KB of text; anything this large is not one report."""
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def decode_bytes(data: bytes, path: str, declared: str | None = None) -> str:
    """Decode report bytes: BOM, declared charset, UTF-8, UTF-16 without BOM, then the
    detector, then gb18030 (a superset of gb2312/gbk)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data.decode(enc, errors="replace")
    if declared:
        try:
            return data.decode(_canonical_encoding(declared))
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    sample = data[:4096]
    if b"\x00" in sample and len(data) % 2 == 0:
        # UTF-16 without BOM: Chinese text has NUL bytes only beside ASCII characters
        even, odd = sample[0::2].count(b"\x00"), sample[1::2].count(b"\x00")
        enc = "utf-16-le" if odd >= even else "utf-16-be"
        try:
            text = data.decode(enc)
            if _looks_textual(text):
                return text
        except UnicodeDecodeError:
            pass
        raise ReadError(path, "文件含有空字节，不是可读的文本文件（可能是二进制文件）", "binary")
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        text = data.decode(best.encoding, errors="replace")
        if _looks_textual(text):
            return text
    raise ReadError(path, "无法识别文件的文字编码（不是 UTF-8、GB18030/GBK 或 UTF-16 文本）", "undecodable")


def _canonical_encoding(name: str) -> str:
    name = name.strip().lower()
    if name in {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936"}:
        return "gb18030"
    return name


BAD_CHARS = "\x00-\x08\x0b\x0e-\x1f\ufffd"
"""Replacement characters and control characters other than tab, newline, form feed, return
(as a character class holds them)."""
_BAD_CHARS = re.compile(f"[{BAD_CHARS}]")


def _looks_textual(text: str) -> bool:
    if not text:
        return False
    sample = text[:20000]
    return len(_BAD_CHARS.findall(sample)) / len(sample) < 0.02


def check_text(text: str, path: str, bad_chars: bool = True) -> None:
    """Refuse an empty file and one that is not text; ``bad_chars`` False: the caller has found
    none of ``BAD_CHARS`` in the text (it is textual)."""
    if not text or text.isspace():  # what ``not text.strip()`` says, without a copy of the text
        raise ReadError(path, "文件是空的", "empty")
    if bad_chars and not _looks_textual(text):
        raise ReadError(path, "文件内容不是文本（可能是二进制或已损坏的文件）", "binary")


_ARTEFACTS = re.compile(r"\[bookmark:[^\]\n]*\]")
"""Anchors that DOCX-to-text converters leave in the text (``[bookmark: _Hlk66973412]``)."""
_MD_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
"""``## 一、总体情况``: the marks are markup, not the heading's text."""
_MD_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
"""``**报告**``: bold marks a converter puts around a page's bold text are markup too."""
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


LOOSE_PIPES = 3
"""Cell edges a line needs to be a table row without Markdown's leading and trailing pipe
(``一、本年新收政府信息公开申请数量 | 0 | | | | | | 0 |``, as some converters and copies of web
pages write a table): its empty cells are then blank cells, not nothing."""


def _pipe_row(line: str, markdown: bool) -> bool:
    if markdown and _MD_ROW.match(line):
        return True
    return line.count("|") >= LOOSE_PIPES and not line.lstrip().startswith(("```", ">"))


def lines_to_blocks(lines: list[str], markdown: bool) -> list[Block]:
    """Text lines become TextLines; runs of ``| a | b |`` rows become Grids (in Markdown, and in
    any text where a row has at least ``LOOSE_PIPES`` pipes, leading one or not; rule rows
    dropped, ragged rows kept as they are: the parser copes with column counts)."""
    blocks: list[Block] = []
    i = 0
    plain_until = 0
    """Lines before this are not a table of one cell a line (tried once per run: no rescans)."""
    with_pipes = [k for k, line in enumerate(lines) if "|" in line]
    while i < len(lines):
        # every table form here has a pipe on the line or on the next: the lines before the one
        # above the next piped line are plain text, taken in one go (no tests of each line)
        stop = _plain_end(with_pipes, i, len(lines))
        if stop > i:
            # (sources made from positional arguments, page and line: cheaper than keywords, line by line)
            blocks.extend(TextLine(_plain(lines[k], markdown), Source(None, k + 1)) for k in range(i, stop))
            i = stop
            continue
        if i >= plain_until and i + 1 < len(lines) and lines[i + 1].strip() == "|":
            run = pipe_after_cells(lines, i)
            if run is not None:
                piped, i = run
                # a cell a line, indented by a tab, a blank one a lone tab (the parser's DOCX
                # dump form): the rows are the template's to find
                blocks.extend(TextLine("\t" + text, Source(None, at + 1)) for text, at in piped)
                continue
        if i >= plain_until and is_cell_line(lines[i]):
            end = run_end(lines, i)
            one_a_line = cell_line_rows(lines[i:end], i + 1)
            if one_a_line is not None:
                blocks.append(Grid(one_a_line, Source(line=i + 1)))
                i = end
                continue
            plain_until = end
        if _pipe_row(lines[i], markdown):
            start = i
            rows: list[list[GridCell | None]] = []
            end = i
            while end < len(lines) and _pipe_row(lines[end], markdown):
                end += 1
            # rows written without the leading pipe: one that starts with a pipe has an empty
            # first cell there, not a Markdown row's opening edge
            open_rows = any(
                not lines[j].lstrip().startswith("|") and not _MD_RULE.match(lines[j]) for j in range(start, end)
            )
            while i < end:
                if not _MD_RULE.match(lines[i]):
                    cells = _split_md_row(lines[i], open_rows)
                    if _empty_header(cells, lines, i):
                        i += 1
                        continue
                    rows.append(
                        [
                            GridCell(_MD_STRONG.sub(r"\1", c.strip()), Source(None, i + 1, None, len(rows), j))
                            for j, c in enumerate(cells)
                        ]
                    )
                i += 1
            blocks.append(Grid(_spanned_values(rows), Source(line=start + 1)))
            continue
        blocks.append(TextLine(_plain(lines[i], markdown), Source(None, i + 1)))
        i += 1
    return blocks


def _plain_end(with_pipes: list[int], i: int, n: int) -> int:
    """End of the plain lines from ``i``: the line above the first piped line at or after it
    (``n`` when there is none; ``i`` when the next line or this one has a pipe)."""
    k = bisect.bisect_left(with_pipes, i)
    return n if k == len(with_pipes) else max(i, with_pipes[k] - 1)


def _plain(line: str, markdown: bool) -> str:
    """A text line's text (a Markdown heading's and bold text's marks taken off)."""
    return _MD_STRONG.sub(r"\1", _MD_HEADING.sub("", line)) if markdown else line


_NUMBER_CELL = re.compile(r"^[\s*]*(?:[+\-增减]\s*)?\d[\d,.\s]*[\s*]*$")
_MARKUP = re.compile(r"[*\s]")


@lru_cache(maxsize=1)
def _one_column_headings() -> frozenset[str]:
    """Headings that stand over one column only, in every template: table 2's (no two of its
    neighbouring columns share a heading; its short rows' last cell spans the rest)."""
    from gongkai.model.template import TEMPLATES

    return frozenset(
        _MARKUP.sub("", text)
        for tpl in TEMPLATES.values()
        for c in tpl.table("active_disclosure").columns
        for text in (c.label, *c.variants)
    )


def _spanned_values(rows: list[list[GridCell | None]]) -> list[list[GridCell | None]]:
    """A converter writes a merged cell's text into every column it spans (pymupdf4llm:
    ``|本年增/减|本年增/减|`` over ``|减 1|减 1|``). Where the heading row repeats one heading
    over two neighbouring columns and every row of numbers under it repeats its number there
    too, the two are one cell spanning both, as the page has it. A converter also repeats a
    heading where the page has two columns (``|其他|其他|`` over 其他 and 总计): there rows that
    differ say so, and under zeros alone only a heading the template has over one column only
    (table 2's, ``本年处理决定数量`` over ``|0|0|0|``) is taken as spanning. Two headings cut
    short to the same words (``|本年新|本年新|``, a real page) are two columns."""
    one_column = _one_column_headings()
    groups: list[tuple[list[str], list[list[GridCell | None]]]] = []
    for row in rows:
        texts = [_MARKUP.sub("", c.text) if c is not None else "" for c in row]
        if not any(_NUMBER_CELL.match(t) or _blank_mark(t) for t in texts):
            # (a row of blank cells marked ``/`` is a row of values, not a heading row)
            if any(texts):
                groups.append((texts, []))
        elif groups:
            groups[-1][1].append(row)
    for heads, under in groups:
        for j in range(len(heads) - 1, 0, -1):
            if not heads[j] or heads[j - 1] != heads[j] or not under:
                continue
            if len({h for h in one_column if h.startswith(heads[j]) and h != heads[j]}) > 1:
                continue  # two headings cut short alike (本年新 | 本年新 for 本年新制作/公开数量)
            # zeros repeat by chance (a table of zeros under a heading repeated by mistake)
            if all(_repeated(row, j) for row in under) and (
                heads[j] in one_column or any(_nonzero(row[j]) for row in under)
            ):
                for row in under:
                    a, b = row[j - 1], row[j]
                    if a is not None and b is not None:
                        a.colspan += b.colspan
                        row[j] = None
    return rows


def _blank_mark(text: str) -> bool:
    """A cell that holds only a blank cell's mark (``/``, ``—``, ``无``)."""
    t = text.strip()
    return bool(t) and t in BLANK_MARKERS


def _nonzero(cell: GridCell | None) -> bool:
    return cell is not None and any(ch in "123456789" for ch in cell.text)


def _repeated(row: list[GridCell | None], j: int) -> bool:
    """Cells j-1 and j of the row hold the same number."""
    if j >= len(row):
        return False
    a, b = row[j - 1], row[j]
    if a is None or b is None:
        return False
    ta, tb = _MARKUP.sub("", a.text), _MARKUP.sub("", b.text)
    return ta == tb and bool(_NUMBER_CELL.match(ta))


def _empty_header(cells: list[str], lines: list[str], i: int) -> bool:
    """A header row of empty cells (the line above a rule row) says nothing: Markdown wants a
    header, so converters write an empty one above a table, or above each piece of one cut by a
    page break; kept, it would read as a row of blank cells."""
    return not any(c.strip() for c in cells) and i + 1 < len(lines) and bool(_MD_RULE.match(lines[i + 1]))


def _split_md_row(line: str, open_rows: bool = False) -> list[str]:
    """The row's cells; ``open_rows``: its table writes rows without the leading pipe."""
    inner = _MD_ROW.match(line)
    if inner is not None and not open_rows:
        return re.split(r"(?<!\\)\|", inner.group(1))
    body = line.strip()
    body = body[:-1] if body.endswith("|") else body
    return re.split(r"(?<!\\)\|", body)


def read_text(path: str, data: bytes, markdown: bool | None = None) -> Document:
    if len(data) > MAX_TEXT_BYTES:
        raise ReadError(path, f"文件过大（{len(data) / 1048576:.1f} MB），不像是一份年度报告", "too_large")
    text = decode_bytes(data, path)
    check_text(text, path)
    text = _ARTEFACTS.sub("", text)
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if markdown is None:
        markdown = sum(1 for ln in lines if "|" in ln and _MD_ROW.match(ln)) >= 3  # (a row has pipes)
    doc = Document(path, "markdown" if markdown else "text")
    doc.blocks = lines_to_blocks(lines, markdown)
    return doc
