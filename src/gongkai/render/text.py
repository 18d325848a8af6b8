"""A report as the text shapes real reports arrive in.

- ``tsv``: tables as tab-separated rows, merged cells as empty fields (Word copied to text);
- ``cells``: one cell per line, rows apart by a blank line (a DOCX dumped cell by cell);
- ``markdown``: pipe tables (a converter's output);
- ``flat``: the whole body on one line, table cells run together with no separator
  (text taken from a web page);
- ``pdftext``: text extracted from a PDF: lines wrapped mid-word at about 38 characters,
  blank lines between them, spaces around numbers, table rows flattened to runs.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from gongkai.model.report import Report
from gongkai.render.layout import Block, Layout, document, expand

PDF_LINE_WIDTH = 38
"""Characters per line of an A4 page in the usual 16-point 仿宋 body text."""
_NUMBER_RUN = re.compile(r"[0-9][0-9.,%]*")


def _grid_rows(layout: Layout) -> list[list[str]]:
    return [[c.text if c is not None else "" for c in row] for row in expand(layout)]


def _lines(report: Report, table: Callable[[Layout], list[str]], blank_between: bool = False) -> str:
    out: list[str] = []
    for b in document(report):
        if b.kind == "table":
            assert b.layout is not None
            out.extend(table(b.layout))
        else:
            out.extend(b.text.split("\n"))
        if blank_between:
            out.append("")
    return "\n".join(out) + "\n"


def render_tsv(report: Report) -> str:
    return _lines(report, lambda lay: ["\t".join(r) for r in _grid_rows(lay)], blank_between=True)


def _cells_table(layout: Layout) -> list[str]:
    out: list[str] = []
    for row in layout:
        out.extend("\t" + c.text for c in row)
        out.append("")
    return out


def render_cells(report: Report) -> str:
    return _lines(report, _cells_table)


def _md_table(layout: Layout) -> list[str]:
    rows = _grid_rows(layout)
    out = []
    for i, r in enumerate(rows):
        out.append("| " + " | ".join(x.replace("|", "\\|") for x in r) + " |")
        if i == 0:
            out.append("|" + "|".join("-" * 4 for _ in r) + "|")
    return [*out, ""]


def render_markdown(report: Report) -> str:
    return _lines(report, _md_table, blank_between=True)


def render_official_markdown(report: Report) -> str:
    """Markdown for people (``gongkai render --format md``): ``#`` title, ``##`` headings, one
    paragraph per line of text, pipe tables (merged cells left empty)."""
    out: list[str] = []
    for b in document(report):
        if b.kind == "table":
            assert b.layout is not None
            out.extend(_md_table(b.layout))
            continue
        if b.kind == "title":
            out.append("# " + b.text)
        elif b.kind == "heading":
            out.append("## " + b.text)
        else:
            for line in b.text.split("\n"):
                out.extend((line, ""))
            continue
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _flat_table(layout: Layout) -> str:
    return "".join(c.text for row in layout for c in row)


def render_flat(report: Report) -> str:
    """The page header a scraper writes, then the body as one line with no separators."""
    rng = random.Random(report.title or "")
    parts: list[str] = []
    for b in document(report):
        text = _flat_table(b.layout) if b.kind == "table" and b.layout else b.text.replace("\n", "")
        parts.append(text)
        parts.append(" " if rng.random() < 0.3 else "")
    date = report.published_on or report.signed_on
    stamp = date.strftime("%Y%m%d") if date else "00000000"
    header = (
        f"标题: {report.title or ''}\n"
        + (f"发布时间: {date.isoformat()} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}\n" if date else "")
        + "文号: \n发布机构: \n栏目: 政府信息公开年报\n"
        + f"原文链接: https://www.example.gov.cn/zwgk/zfxxgknb/{stamp[:6]}/t{stamp}_{rng.randint(10000, 99999)}.htm\n"
    )
    return header + "==================== 正文 ====================\n" + "".join(parts).strip() + "\n"


def space_numbers(text: str) -> str:
    """``2024年`` → ``2024 年``: PDF text puts spaces around runs of ASCII digits."""
    text = re.sub(r"(?<=[^\x00-\x7f])(?=[0-9])", " ", text)
    return re.sub(r"(?<=[0-9%])(?=[^\x00-\x7f])", " ", text)


def wrap(text: str, width: int = PDF_LINE_WIDTH) -> list[str]:
    """Break ``text`` every ``width`` characters, mid-word, but never inside a number."""
    out: list[str] = []
    while len(text) > width:
        cut = width
        for m in _NUMBER_RUN.finditer(text, max(0, width - 20), width + 20):
            if m.start() < cut < m.end():
                cut = m.start() if m.start() > 0 else m.end()
                break
        out.append(text[:cut])
        text = text[cut:]
    out.append(text)
    return out


def _pdf_table(layout: Layout) -> list[str]:
    out: list[str] = []
    for row in layout:
        labels = [c.text for c in row if c.kind != "value" and c.text]
        values = [c.text for c in row if c.kind == "value" and c.text]
        label = " ".join(labels)
        lines = wrap(label) if label else [""]
        if values:
            lines[-1] = (lines[-1] + " " + " ".join(values)).strip()
        out.extend(lines)
    return out


def _pdf_block(b: Block) -> list[str]:
    if b.kind == "table":
        assert b.layout is not None
        return _pdf_table(b.layout)
    out: list[str] = []
    for para in b.text.split("\n"):
        out.extend(wrap(space_numbers(para)))
    return out


def render_pdftext(report: Report) -> str:
    out: list[str] = [""]
    for b in document(report):
        for line in _pdf_block(b):
            out.extend((line, ""))
    return "\n".join(out) + "\n"


TEXT_RENDERERS: dict[str, Callable[[Report], str]] = {
    "tsv": render_tsv,
    "cells": render_cells,
    "markdown": render_markdown,
    "flat": render_flat,
    "pdftext": render_pdftext,
}
FILE_SUFFIX = {
    "tsv": ".txt",
    "cells": ".txt",
    "markdown": ".md",
    "flat": ".txt",
    "pdftext": ".txt",
    "html": ".html",
    "docx": ".docx",
    "pdf": ".pdf",
}
