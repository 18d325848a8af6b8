"""HTML pages: find the report inside a full government page, expand table spans."""

from __future__ import annotations

import re

from lxml import etree

from gongkai.model.report import Source
from gongkai.model.text import publication_date
from gongkai.readers.document import MAX_GRID_CELLS, Block, Document, Grid, GridCell, GridTooLarge, ReadError, TextLine
from gongkai.readers.text import BAD_CHARS, MAX_TEXT_BYTES, check_text, decode_bytes

_DROP = ("script", "style", "noscript", "template", "iframe", "object", "svg", "head", "button", "select", "form")
_CHROME = re.compile(
    r"(^|[\s_-])(nav|menu|header|footer|foot|breadcrumb|crumb|sidebar|share|copyright|toolbar|login)", re.I
)
_BLOCK = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "main",
        "aside",
        "header",
        "footer",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "tr",
        "table",
        "center",
        "address",
        "figure",
        "figcaption",
        "hr",
    ]
)
_BREAKS = _BLOCK | {"td", "th"}
"""The elements whose text is a line of its own."""
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_-]+)""", re.I)
_NOT_XML_CHARS = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff"
_NOT_XML = re.compile(f"[{_NOT_XML_CHARS}]")
_ODD = re.compile(f"[{_NOT_XML_CHARS}{BAD_CHARS}]")
"""A character that either ``check_text`` or ``_NOT_XML`` looks for: most pages have none,
and one scan for it spares them the two scans of the page."""
MAX_DEPTH = 256
"""libxml2's nesting limit without huge_tree; deeper pages are cut off, so they are refused."""
_REPORT_WORDS = ("政府信息公开", "本年新收", "主动公开", "行政复议", "年度报告")
_chrome_candidates = etree.XPath("//@class/.. | //@id/.. | //nav | //header | //footer")
"""The elements that may be a page's chrome, in document order (those that name no class or id
and are no nav, header or footer never are: the rest need no look)."""
_text_content = etree.XPath("string()", smart_strings=False)
"""An element's text with its descendants' (what lxml.html's ``text_content`` runs): the plain
etree parser is used because lxml.html picks each element's class in Python, for every element
the reader touches, and nothing here needs lxml.html's element classes."""


def read_html(path: str, data: bytes) -> Document:
    if len(data) > MAX_TEXT_BYTES:
        raise ReadError(path, f"文件过大（{len(data) / 1048576:.1f} MB），不像是一份年度报告", "too_large")
    m = _META_CHARSET.search(data[:4096])
    text = decode_bytes(data, path, m.group(1).decode("ascii") if m else None)
    odd = _ODD.search(text) is not None
    check_text(text, path, bad_chars=odd)
    if odd:
        text = _NOT_XML.sub("", text)  # control characters lxml cannot hold in a text node
    # never fetches anything: no network, no DTD, no entities (the HTML parser's defaults, stated)
    parser = etree.HTMLParser(no_network=True, huge_tree=False)
    try:
        tree = parse_page(text, parser)
    except (etree.ParserError, ValueError):
        raise ReadError(path, "网页无法解析（不是有效的 HTML）", "unreadable") from None
    if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
        raise ReadError(path, f"网页嵌套层数超过解析器上限（{MAX_DEPTH} 层），无法完整读取", "too_large")
    doc = Document(path, "html")
    title = tree.findtext(".//title")
    doc.title = title.strip() if title else None
    page_text = _text_content(tree)
    published = publication_date(page_text, window=None)
    if published:
        doc.published_on = published.isoformat()
    for el in list(tree.iter(*_DROP)):
        _remove(el)
    for el in _chrome_candidates(tree):
        attrs = f"{el.get('class', '')} {el.get('id', '')}"
        if el.tag in ("nav", "header", "footer") or (_CHROME.search(attrs) and not _has_report(el)):
            _remove(el)
    root = _report_root(tree)
    try:
        doc.blocks = _blocks(root)
    except GridTooLarge:
        raise ReadError(
            path, f"网页中的表格过大（超过 {MAX_GRID_CELLS:,} 个单元格），不像是报告中的表格", "too_large"
        ) from None
    return doc


def parse_page(text: str, parser: etree.HTMLParser) -> etree._Element:
    """The page's root element, as ``lxml.html.document_fromstring`` gives it (with plain
    etree elements: see ``_text_content``)."""
    tree = etree.fromstring(text, parser)
    if tree is None:  # a page with no elements: what document_fromstring raises
        raise etree.ParserError("Document is empty")
    return tree


def _remove(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    parent.remove(el)
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def _has_report(el: etree._Element) -> bool:
    t = _text_content(el)
    return "本年新收" in t or "主动公开政府信息情况" in t


def _score(el: etree._Element) -> int:
    t = _text_content(el)
    return len(t) + 2000 * sum(t.count(w) for w in _REPORT_WORDS)


def _report_root(tree: etree._Element) -> etree._Element:
    """Descend from <body> into the child that holds nearly all of the report."""
    body = tree.find(".//body")
    node = body if body is not None else tree
    total = _score(node)
    while True:
        # the children's texts are pieces of the node's, apart: their scores add up to at most
        # its score, so one child at most holds nearly all of it, and once the children scored
        # leave less than that to the rest, no child left does (it is not scored)
        nearly_all = 0.85 * total
        rest = total
        best, best_score = None, 0
        for child in node:
            if rest < nearly_all:
                break
            if not isinstance(child.tag, str):
                continue
            s = _score(child)
            if s > 0 and s >= nearly_all:
                best, best_score = child, s
                break
            rest -= s
        if best is None or best.tag in ("table", "p"):
            return node
        node, total = best, best_score  # its score, already counted (a count of all its text)


def _blocks(root: etree._Element) -> list[Block]:
    out: list[Block] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            line = "".join(buf).replace("\xa0", " ").strip()
            buf.clear()
            if line:
                out.append(TextLine(line, Source(None, None, len(out))))

    def walk(el: etree._Element) -> None:
        # each of lxml's properties makes a new string: the tag, text and tail are read once
        tag = el.tag
        if not isinstance(tag, str):  # a comment or processing instruction: its tail only
            tag = ""
        if tag == "table" and el.find(".//table") is None:
            flush()
            grid = _grid(el, len(out))
            if grid.rows:
                out.append(grid)
        elif tag == "br":
            flush()
        else:
            block = tag in _BREAKS
            if block:
                flush()
            if tag:
                text = el.text
                if text:
                    buf.append(text)
            for child in el:
                walk(child)
            if block:
                flush()
        tail = el.tail
        if tail:
            buf.append(tail)

    walk(root)
    flush()
    return out


_CELL_SPACE = re.compile(r"[ \t\xa0\u3000]+")


def _cell_text(td: etree._Element) -> str:
    """The text of a cell with child elements, a line break where a <br>, <p> or <div> starts."""
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag in ("br", "p", "div") and parts and not parts[-1].endswith("\n"):
            parts.append("\n")
        if el.text and tag:
            parts.append(el.text)
        for c in el:
            walk(c)
        if el.tail and el is not td:
            parts.append(el.tail)

    walk(td)
    return _spaced("".join(parts)).strip()


def _spaced(text: str) -> str:
    """Runs of spaces and tabs as one space (most cells hold none: four substring tests, no
    call of the pattern)."""
    if " " in text or "\t" in text or "\xa0" in text or "\u3000" in text:
        return _CELL_SPACE.sub(" ", text)
    return text


def _span_value(value: str) -> int:
    """A rowspan or colspan as given, within 1..200 (1 where it is no number)."""
    try:
        return max(1, min(int(value.strip() or 1), 200))
    except ValueError:
        return 1


def _grid(table: etree._Element, block: int) -> Grid:
    rows: list[list[GridCell | None]] = []
    covered: dict[int, set[int]] = {}
    """The columns of each row below that a cell spanning down from a row above covers."""
    size = 0
    for r, tr in enumerate(table.iter("tr")):
        # each cell is appended where the row ends: the row's length is the next cell's column
        row: list[GridCell | None] = []
        below = covered.pop(r, None)
        for td in tr:
            tag = td.tag
            if tag != "td" and tag != "th":
                continue
            if below:
                while len(row) in below:
                    row.append(None)
            # most cells have no attributes, and few a span: the names are listed once, and the
            # spans looked up only where they are given
            names = td.keys()
            rs = _span_value(td.get("rowspan", "")) if names and "rowspan" in names else 1
            cs = _span_value(td.get("colspan", "")) if names and "colspan" in names else 1
            size += rs * cs
            if size > MAX_GRID_CELLS:
                raise GridTooLarge
            # most cells hold no child elements: their own text, read here without a call
            text = _cell_text(td) if len(td) else _spaced(td.text or "").strip()
            c = len(row)
            row.append(GridCell(text, Source(None, None, block, r, c), rs, cs))
            if cs > 1:
                row.extend([None] * (cs - 1))
            for dr in range(1, rs):
                covered.setdefault(r + dr, set()).update(range(c, c + cs))
        if below:
            while len(row) in below:
                row.append(None)
        rows.append(row)
    return Grid(rows, Source(block=block))
