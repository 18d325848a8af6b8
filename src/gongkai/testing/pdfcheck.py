"""Structure of a rendered PDF, checked against the layout it was drawn from.

- every label of every table (row labels, column heads, captions) is printed;
- no character sits outside the ruled box of its cell (overflow) or across a rule;
- a table that runs onto another page starts there with its header rows again;
- no row is cut in two by a page break (each row's value cells are complete on one page);
- in a page image (pdftoppm), the ruled grid of table 3 has its eleven column rules.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from gongkai.model.report import Report
from gongkai.render.layout import HEADER_ROWS, Layout, expand, table_layout

TOLERANCE_PT = 0.8
"""How far a glyph may poke past a rule (anti-aliasing of the rule's width)."""
COLUMN_TOLERANCE_PT = 2.0
"""Rules of one column on two pages lie this close (rounding of the page's coordinates)."""


@dataclass
class Fragment:
    page: int
    rows: list[list[str | None]]
    """Cell texts per row (None where a merged cell covers the position)."""
    top: float
    lefts: list[list[float | None]] = field(default_factory=list)
    """Left edge of each cell (None where covered)."""


@dataclass
class PdfStructure:
    fragments: list[Fragment] = field(default_factory=list)
    overflow: list[str] = field(default_factory=list)
    pages: int = 0


def _squash(text: str | None) -> str:
    return "".join((text or "").split())


def read_structure(pdf: str | Path) -> PdfStructure:
    import pdfplumber

    out = PdfStructure()
    with pdfplumber.open(str(pdf)) as doc:
        out.pages = len(doc.pages)
        for n, page in enumerate(doc.pages, start=1):
            tables = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
            for t in tables:
                rows: list[list[str | None]] = []
                lefts: list[list[float | None]] = []
                boxes = []
                for row in t.rows:
                    texts: list[str | None] = []
                    xs: list[float | None] = []
                    for bbox in row.cells:
                        if bbox is None:
                            texts.append(None)
                            xs.append(None)
                            continue
                        boxes.append(bbox)
                        texts.append(_squash(page.crop(bbox).extract_text()))
                        xs.append(round(bbox[0]))
                    rows.append(texts)
                    lefts.append(xs)
                out.fragments.append(Fragment(n, rows, t.bbox[1], lefts))
                x0, top, x1, bottom = t.bbox
                for ch in page.chars:
                    if ch["text"].isspace() or not (x0 <= ch["x0"] < x1 and top <= ch["top"] < bottom):
                        continue
                    if not any(_inside(ch, b) for b in boxes):
                        out.overflow.append(f"第{n}页「{ch['text']}」({ch['x0']:.1f},{ch['top']:.1f}) 越出单元格")
    return out


def _inside(ch: dict[str, float], box: tuple[float, float, float, float]) -> bool:
    x0, top, x1, bottom = box
    t = TOLERANCE_PT
    return ch["x0"] >= x0 - t and ch["x1"] <= x1 + t and ch["top"] >= top - t and ch["bottom"] <= bottom + t


def _column_texts(fragments: list[Fragment]) -> list[str]:
    """The text down each ruled column, page after page (a repeated header skipped): a
    label in a cell merged over many rows goes on where the table continues, as in Word."""
    cols: dict[float, list[str]] = {}
    for i, f in enumerate(fragments):
        start = 0
        if i and f.rows and fragments[i - 1].rows and f.rows[0] == fragments[i - 1].rows[0]:
            start = next((r for r, row in enumerate(f.rows) if row != fragments[i - 1].rows[r]), len(f.rows))
        for row, xs in zip(f.rows[start:], f.lefts[start:], strict=True):
            for text, x in zip(row, xs, strict=True):
                if text and x is not None:
                    key = next((k for k in cols if abs(k - x) <= COLUMN_TOLERANCE_PT), x)
                    cols.setdefault(key, []).append(text)
    return ["".join(v) for v in cols.values()]


def _labels(layout: Layout) -> list[str]:
    return [_squash(c.text) for row in layout for c in row if c.kind != "value" and c.text.strip()]


def structure_problems(report: Report, pdf: str | Path) -> list[str]:
    """What is wrong with the tables of ``pdf`` (rendered from ``report``); empty when nothing."""
    tpl = report.spec
    assert tpl is not None
    s = read_structure(pdf)
    problems = list(s.overflow[:20])
    text = "".join(_squash(c) for f in s.fragments for row in f.rows for c in row if c)
    columns = _column_texts(s.fragments)
    for key, table in report.tables.items():
        if table is None:
            continue
        layout = table_layout(tpl, key, table)
        for label in _labels(layout):
            if label not in text and not any(label in col for col in columns):
                problems.append(f"表「{key}」缺少「{label}」")
    t3 = report.tables.get("applications")
    if t3 is not None:
        problems += _table3_pages(s, table_layout(tpl, "applications", t3))
    return problems


def _is_table3(f: Fragment, labels: list[str]) -> bool:
    text = "".join(c or "" for row in f.rows for c in row)
    return any(label in text for label in labels)


def _table3_pages(s: PdfStructure, layout: Layout) -> list[str]:
    labels = [x for x in _labels(layout) if len(x) >= 4]
    frags = [f for f in s.fragments if f.rows and _is_table3(f, labels)]
    if not frags:
        return ["未找到表三"]
    grid = expand(layout)
    heads = HEADER_ROWS["applications"]
    body = grid[heads:]
    head_text = _squash(grid[0][3].text if grid[0][3] else "")
    problems: list[str] = []
    seen = 0
    for i, f in enumerate(frags):
        first = "".join(c or "" for c in f.rows[0])
        repeated = head_text and head_text in first
        if i > 0 and not repeated:
            problems.append(f"表三在第{f.page}页续表时没有重复表头")
        rows = f.rows[heads:] if repeated else f.rows
        for r, row in enumerate(rows):
            if seen + r >= len(body):
                problems.append(f"第{f.page}页表三的行数多于模板")
                break
            want = [c.text for c in body[seen + r] if c is not None and c.kind == "value"]
            got = [c or "" for c in row[-len(want) :]] if want else []
            if [_squash(w) for w in want] != got:
                problems.append(f"第{f.page}页表三第{seen + r + 1}行数值不完整（被分页截断？）：{got} ≠ {want}")
        seen += len(rows)
    if seen != len(body):
        problems.append(f"表三共 {seen} 行，模板为 {len(body)} 行")
    return problems


def table3_pages(pdf: str | Path) -> list[int]:
    """Pages table 3 is printed on (its row labels: 本年新收, 予以公开, 结转下年度…)."""
    labels = ["本年新收政府信息公开申请数量", "予以公开", "结转下年度继续办理", "申请人情况"]
    return sorted({f.page for f in read_structure(pdf).fragments if f.rows and _is_table3(f, labels)})


def page_png(pdf: str | Path, page: int, out: str | Path, dpi: int = 100) -> Path:
    """Page ``page`` of ``pdf`` as a PNG (pdftoppm)."""
    out = Path(out)
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", "-singlefile", str(pdf), f"{d}/p"],
            check=True,
            capture_output=True,
            timeout=120,
        )
        Path(f"{d}/p.png").replace(out)
    return out


def png_column_rules(png: str | Path, min_fraction: float = 0.2) -> list[int]:
    """x positions of the vertical rules at least ``min_fraction`` of the tallest rule long,
    in a page image; close strokes (a rule's two edges) are one rule."""
    import cv2
    import numpy as np

    img = cv2.imread(str(png), cv2.IMREAD_GRAYSCALE)
    if img is None:
        raise ValueError(f"cannot read {png}")
    ink = (img < 128).astype(np.uint8)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, max(20, img.shape[0] // 60)))
    vertical = cv2.morphologyEx(ink, cv2.MORPH_OPEN, kernel)
    heights = vertical.sum(axis=0)
    if heights.max() == 0:
        return []
    cols = [x for x, h in enumerate(heights) if h >= min_fraction * heights.max()]
    rules: list[int] = []
    for x in cols:
        if rules and x - rules[-1] <= 3:
            continue
        rules.append(x)
    return rules


def title_centred(png: str | Path, band: float = 0.25, tolerance: float = 0.03) -> bool:
    """The ink of the page's top band is centred on the page (the title)."""
    import cv2
    import numpy as np

    img = cv2.imread(str(png), cv2.IMREAD_GRAYSCALE)
    if img is None:
        raise ValueError(f"cannot read {png}")
    h, w = img.shape
    top = img[: int(h * band)] < 128
    rows = np.where(top.any(axis=1))[0]
    if not len(rows):
        return False
    first = top[rows[0] : rows[0] + max(5, h // 60)]
    xs = np.where(first.any(axis=0))[0]
    return abs((xs[0] + xs[-1]) / 2 - w / 2) <= tolerance * w
