"""Where a number came from: the source text line, the HTML/DOCX table cell, or the PDF page
image cropped to the cell (drawn with pypdfium2 when asked). The file is read again from where
the store found it (checked by SHA-256); nothing is shown that the file does not contain."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from gongkai.analysis.labels import cell_label
from gongkai.model.report import Cell
from gongkai.model.template import TEMPLATES, V2021
from gongkai.model.text import fold
from gongkai.store.files import FileStore

CONTEXT_LINES = 3
LONG_LINE = 240
"""A longer source line is shown as a window around the cell's row label."""
PDF_SCALE = 2.5
CROP_MARGIN_PT = 40.0
"""Page shown above and below the cell."""
CROP_SIDE_PT = 140.0
"""Page shown left and right of the cell (its row label is usually within reach)."""
_NUMBER = re.compile(r"[-−]?\d+(?:[.,]\d+)*")


@dataclass
class SourceView:
    key: str
    label: str
    cell: dict[str, Any]
    kind: str
    """``text`` (lines), ``grid`` (a table of the file), ``pdf`` / ``image`` (a cropped picture), ``none``."""
    where: str = ""
    lines: list[dict[str, Any]] = field(default_factory=list)
    grid: list[list[dict[str, Any]]] = field(default_factory=list)
    image_url: str | None = None
    page_url: str | None = None
    note: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "cell": self.cell,
            "kind": self.kind,
            "where": self.where,
            "lines": self.lines,
            "grid": self.grid,
            "image_url": self.image_url,
            "page_url": self.page_url,
            "note": self.note,
        }


@lru_cache(maxsize=32)
def _document(name: str, sha256: str, data: bytes) -> Any:
    from gongkai.readers import read_bytes

    return read_bytes(name, data)


def _reader_name(location: str, fmt: str) -> str:
    name = location.rsplit("!", 1)[-1].rsplit("/", 1)[-1]
    if location.startswith(("http://", "https://")) or "." not in name:
        name = f"page.{ {'html': 'html', 'pdf': 'pdf', 'docx': 'docx', 'markdown': 'md'}.get(fmt, 'txt') }"
    return name


def _row_labels(key: str, template: str | None) -> list[str]:
    """The row's label as printed, numbered first (``（七）总计``), then bare, then its variants."""
    t, r, _ = key.split(".")
    tpl = TEMPLATES.get(template or "") or V2021
    try:
        row = tpl.table(t).row(r)
    except KeyError:
        return []
    out = [row.numbering + row.label] if row.numbering else []
    return out + list(row.labels)


def _find_cell(text: str, key: str, cell: Cell, template: str | None, column: int) -> list[tuple[int, int, str]]:
    """Where the row's label is in ``text`` and, when the ``column``-th number after it is the
    cell's raw text, where that number is. Every occurrence of every label form is tried; the
    first one followed by the cell's number wins, else the first label found."""
    raw = (cell.raw or "").strip()
    first: list[tuple[int, int, str]] = []
    for lab in _row_labels(key, template):
        for hay in (text, fold(text)):
            if len(hay) != len(text):
                continue  # offsets in the folded text would not be the line's
            pos = hay.find(lab)
            while pos >= 0:
                label = (pos, pos + len(lab), "label")
                if not first:
                    first = [label]
                nums = list(_NUMBER.finditer(text, pos + len(lab)))
                if raw and 0 <= column < len(nums) and nums[column].group(0) == raw:
                    return [label, (nums[column].start(), nums[column].end(), "cell")]
                pos = hay.find(lab, pos + 1)
    return first


def _mark_line(text: str, key: str, cell: Cell, template: str | None, column: int) -> list[dict[str, Any]]:
    """The line cut into runs, the row's label and the cell's number marked (``_find_cell``);
    a long line is shown as a window around them."""
    runs = _find_cell(text, key, cell, template, column)
    lo, hi = 0, len(text)
    if len(text) > LONG_LINE:
        centre = runs[-1][0] if runs else 0
        lo = max(0, centre - LONG_LINE // 2)
        hi = min(len(text), lo + LONG_LINE)
    out: list[dict[str, Any]] = []
    pos = lo
    for a, b, kind in sorted(runs):
        a, b = max(a, lo), min(b, hi)
        if a >= b:
            continue
        if a > pos:
            out.append({"text": text[pos:a], "mark": None})
        out.append({"text": text[a:b], "mark": kind})
        pos = b
    if pos < hi:
        out.append({"text": text[pos:hi], "mark": None})
    if lo > 0:
        out.insert(0, {"text": "…", "mark": None})
    if hi < len(text):
        out.append({"text": "…", "mark": None})
    return out


def _column_index(key: str, template: str | None) -> int:
    t, r, c = key.split(".")
    tpl = TEMPLATES.get(template or "") or V2021
    try:
        spec = tpl.table(t)
        cols = [x.key for x in spec.row_columns(spec.row(r))]
        return cols.index(c)
    except (KeyError, ValueError):
        return -1


def cell_source(
    files: FileStore,
    report_id: int,
    key: str,
    cell: Cell | None,
    location: str,
    sha256: str,
    fmt: str,
    template: str | None,
) -> SourceView:
    from gongkai.analysis.report_view import cell_json
    from gongkai.readers.document import Grid, TextLine

    view = SourceView(key, cell_label(key, template), cell_json(key, cell, template), "none")
    if cell is None:
        view.note = "报告中没有这个单元格（未能读取）"
        return view
    src = cell.source
    if src is None:
        view.note = "这个数值没有记录出处"
        return view
    view.where = src.describe()
    if src.bbox is not None and src.page is not None and fmt in ("pdf", "image"):
        base = f"/reports/{report_id}/cells/{key}"
        view.kind = "pdf" if fmt == "pdf" else "image"
        view.image_url = f"{base}/image.png"
        view.page_url = f"{base}/image.png?page=1"
        return view
    data = files.read(location, sha256)
    if data is None:
        view.note = "服务器上找不到原文件（或文件已改变），只能显示记录的出处"
        return view
    doc = _document(_reader_name(location, fmt), sha256, data)
    for b in doc.blocks:
        if isinstance(b, Grid):
            for r_i, row in enumerate(b.rows):
                for c_i, gc in enumerate(row):
                    if gc is None:
                        continue
                    s = gc.source
                    same = (
                        s.row == src.row
                        and s.col == src.col
                        and (
                            (src.block is not None and s.block == src.block)
                            or (src.line is not None and s.line == src.line)
                        )
                    )
                    if src.row is not None and same:
                        view.kind = "grid"
                        view.grid = _grid(b, r_i, c_i)
                        return view
    if src.line is not None:
        lines = [b for b in doc.blocks if isinstance(b, TextLine) and b.source.line is not None]
        idx = next((i for i, b in enumerate(lines) if b.source.line == src.line), None)
        if idx is not None:
            view.kind = "text"
            col = _column_index(key, template)
            for b in lines[max(0, idx - CONTEXT_LINES) : idx + CONTEXT_LINES + 1]:
                hit = b.source.line == src.line
                runs = (
                    _mark_line(b.text, key, cell, template, col)
                    if hit
                    else [{"text": b.text[:LONG_LINE] + ("…" if len(b.text) > LONG_LINE else ""), "mark": None}]
                )
                view.lines.append({"line": b.source.line, "hit": hit, "runs": runs})
            return view
    view.note = "原文件中没有找到记录的位置"
    return view


def _grid(g: Any, hit_r: int, hit_c: int) -> list[list[dict[str, Any]]]:
    out = []
    for r_i, row in enumerate(g.rows):
        cells = []
        for c_i, gc in enumerate(row):
            if gc is None:
                continue
            cells.append(
                {
                    "text": gc.text,
                    "rowspan": gc.rowspan,
                    "colspan": gc.colspan,
                    "hit": r_i == hit_r and c_i == hit_c,
                    "same_row": r_i == hit_r,
                }
            )
        out.append(cells)
    return out


def crop_image(data: bytes, fmt: str, page: int, bbox: tuple[float, float, float, float], whole: bool = False) -> bytes:
    """A PNG of the page around ``bbox`` (a margin on every side), the cell outlined in red;
    ``whole``: the whole page. PDF pages are drawn with pypdfium2 now;
    ``bbox`` is in PDF points from the top left (pixels for images)."""
    from PIL import Image, ImageDraw

    if fmt == "pdf":
        import pypdfium2 as pdfium

        pdf = pdfium.PdfDocument(data)
        try:
            if not 1 <= page <= len(pdf):
                raise ValueError(f"页码 {page} 超出范围")
            img = pdf[page - 1].render(scale=PDF_SCALE).to_pil().convert("RGB")
        finally:
            pdf.close()
        scale = PDF_SCALE
    else:
        img = Image.open(io.BytesIO(data))
        try:
            img.seek(max(0, page - 1))
        except EOFError:
            raise ValueError(f"页码 {page} 超出范围") from None
        img = img.convert("RGB")
        scale = 1.0
    x0, top, x1, bottom = (v * scale for v in bbox)
    draw = ImageDraw.Draw(img)
    draw.rectangle((x0 - 2, top - 2, x1 + 2, bottom + 2), outline=(220, 30, 30), width=max(2, int(scale * 1.5)))
    if not whole:
        m, side = CROP_MARGIN_PT * scale, CROP_SIDE_PT * scale
        img = img.crop(
            (
                max(0, int(x0 - side)),
                max(0, int(top - m)),
                min(img.width, int(x1 + side)),
                min(img.height, int(bottom + m)),
            )
        )
    buf = io.BytesIO()
    img.save(buf, "PNG", optimize=True)
    return buf.getvalue()
