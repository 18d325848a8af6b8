"""What a drafter types: tables 2 and 4 (CSV, XLSX or JSON) and the section texts (Markdown).

A table file is either *wide* — a header row of column labels (the template's ``本年制发件数``
or the key ``issued``) and one row per template row, labelled (``规章`` or ``regulations``) —
or *long*: columns ``行``, ``列``, ``数值`` (or ``row``, ``column``, ``value``). JSON is the
table as the report contract writes it (``{"regulations": {"issued": 1, …}}``), alone or
inside a whole report. A blank cell stays blank (never 0); a label nobody declared is an
error naming its line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from gongkai.compose.register import RegisterError, _rows_csv, _rows_xlsx
from gongkai.compose.vocabulary import normalise
from gongkai.model.report import Cell, TableCells
from gongkai.model.template import BLANK_MARKERS, SECTIONS, TableSpec, Template
from gongkai.model.text import fold


class InputError(ValueError):
    pass


_LONG_HEADS = ({"行", "row", "项目"}, {"列", "column", "col", "栏目"}, {"数值", "value", "数量", "值"})
_SIGNED = re.compile(r"^(增|减|\+|-|－|—)?\s*([0-9]+(?:\.[0-9]+)?)$")


def _index(spec: TableSpec) -> tuple[dict[str, str], dict[str, str]]:
    rows: dict[str, str] = {}
    for r in spec.rows:
        for w in (r.key, *r.labels, r.numbering + r.label):
            rows.setdefault(normalise(w), r.key)
            rows.setdefault(w.lower(), r.key)
    cols: dict[str, str] = {}
    for c in spec.columns:
        for w in (c.key, c.label, *c.variants):
            cols.setdefault(normalise(w), c.key)
            cols.setdefault(w.lower(), c.key)
    return rows, cols


def _lookup(table: dict[str, str], text: str) -> str | None:
    return table.get(text.strip().lower()) or table.get(normalise(text))


def parse_value(value: Any, kind: str) -> Cell:
    """A cell as typed: a number, ``增 69`` / ``减 8`` for a signed change, or blank."""
    if value is None:
        return Cell(None, raw="", blank=True)
    if isinstance(value, bool):
        raise ValueError(str(value))
    if isinstance(value, (int, float)):
        v: int | float = int(value) if float(value).is_integer() and kind != "amount" else value
        if kind == "count" and v < 0:
            raise ValueError(str(value))
        return Cell(v, raw=str(value))
    text = fold(str(value)).strip().replace(",", "")
    if text in BLANK_MARKERS:
        return Cell(None, raw=text, blank=True)
    m = _SIGNED.match(text)
    if not m or (m.group(1) and kind != "signed"):
        raise ValueError(text)
    number = float(m.group(2))
    if m.group(1) in ("减", "-", "－", "—"):
        number = -number
    v = int(number) if number.is_integer() and kind != "amount" else number
    return Cell(v, raw=str(value).strip())


def read_table(path: str | Path, template: Template, key: str) -> TableCells:
    """Table ``key`` of ``template`` from a file. Raises ``InputError`` naming the problem."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as e:
        raise InputError(f"{path}：无法读取（{e.strerror or e}）") from None
    return table_from_bytes(data, str(path), template, key)


def table_from_bytes(data: bytes, name: str, template: Template, key: str) -> TableCells:
    """``read_table`` of a file's content (an upload); ``name`` tells JSON by its suffix and
    names the file in messages."""
    spec = template.table(key)
    if Path(name).suffix.lower() == ".json":
        return _from_json(data, spec, name)
    try:
        rows = list(_rows_xlsx(data) if data.startswith(b"PK\x03\x04") else _rows_csv(data))
    except RegisterError as e:
        raise InputError(f"{name}：{e}") from None
    rows = [r for r in rows if any(v not in (None, "") for v in r)]
    if not rows:
        raise InputError(f"{name}：文件是空的")
    head = [str(v or "").strip().lower() for v in rows[0]]
    if len(head) >= 3 and all(h in names for h, names in zip(head, _LONG_HEADS, strict=False)):
        return _from_long(rows, spec, name)
    return _from_wide(rows, spec, name)


def _cell(spec: TableSpec, row: str, col: str, value: Any, where: str) -> Cell:
    column = spec.column(col)
    try:
        return parse_value(value, column.kind)
    except ValueError:
        kind = {"count": "非负整数", "amount": "金额", "signed": "带符号的整数（如 增 5、减 3）"}[column.kind]
        raise InputError(f"{where}：「{value}」不是{kind}（{row}.{col}）") from None


def _finish(spec: TableSpec, cells: dict[str, dict[str, Cell]], path: str) -> TableCells:
    out: TableCells = {}
    missing = []
    for r in spec.rows:
        got = cells.get(r.key, {})
        for c in spec.row_columns(r):
            if c.key not in got:
                missing.append(f"{r.label}/{c.label}")
        out[r.key] = {c.key: got.get(c.key, Cell(None, raw="", blank=True)) for c in spec.row_columns(r)}
    if missing:
        raise InputError(f"{path}：缺少 {len(missing)} 个单元格（{'、'.join(missing[:5])}…）；空白请写 /，不要省略")
    return out


def _from_long(rows: list[list[Any]], spec: TableSpec, path: str) -> TableCells:
    rix, cix = _index(spec)
    cells: dict[str, dict[str, Cell]] = {}
    for n, raw in enumerate(rows[1:], start=2):
        row_text, col_text = str(raw[0] or ""), str(raw[1] or "")
        r, c = _lookup(rix, row_text), _lookup(cix, col_text)
        where = f"{path} 第 {n} 行"
        if r is None:
            raise InputError(f"{where}：表中没有「{row_text}」这一行")
        if c is None or c not in {x.key for x in spec.row_columns(spec.row(r))}:
            raise InputError(f"{where}：「{spec.row(r).label}」没有「{col_text}」这一列")
        cells.setdefault(r, {})[c] = _cell(spec, r, c, raw[2] if len(raw) > 2 else None, where)
    return _finish(spec, cells, path)


def _from_wide(rows: list[list[Any]], spec: TableSpec, path: str) -> TableCells:
    rix, cix = _index(spec)
    header: list[str | None] = [None]
    header.extend(_lookup(cix, str(v or "")) for v in rows[0][1:])
    cells: dict[str, dict[str, Cell]] = {}
    for n, raw in enumerate(rows[1:], start=2):
        label = str(raw[0] or "").strip()
        # table 2 repeats its caption and heading rows (第二十条第（一）项, 信息内容 …): new headers
        cols_here = [_lookup(cix, str(v or "")) for v in raw[1:]]
        if any(cols_here) and _lookup(rix, label) is None:
            header = [None]
            header.extend(cols_here)
            continue
        if label.startswith("第二十条") or not label:
            continue
        r = _lookup(rix, label)
        if r is None:
            raise InputError(f"{path} 第 {n} 行：表中没有「{label}」这一行")
        allowed = {x.key for x in spec.row_columns(spec.row(r))}
        for j, value in enumerate(raw[1:], start=1):
            c = header[j] if j < len(header) else None
            if c is None:
                if value not in (None, ""):
                    raise InputError(f"{path} 第 {n} 行第 {j + 1} 列：表头不是表中的列，却有数值「{value}」")
                continue
            if c in allowed:
                cells.setdefault(r, {})[c] = _cell(spec, r, c, value, f"{path} 第 {n} 行")
    return _finish(spec, cells, path)


def _from_json(data: bytes, spec: TableSpec, path: str) -> TableCells:
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise InputError(f"{path}：JSON 无法解析（{e}）") from None
    if isinstance(obj, dict) and isinstance(obj.get("tables"), dict):
        obj = obj["tables"].get(spec.key)
    elif isinstance(obj, dict) and isinstance(obj.get(spec.key), dict):
        obj = obj[spec.key]
    if not isinstance(obj, dict):
        raise InputError(f"{path}：没有找到表「{spec.title}」（{spec.key}）")
    rix, cix = _index(spec)
    cells: dict[str, dict[str, Cell]] = {}
    for rtext, cols in obj.items():
        r = _lookup(rix, str(rtext))
        if r is None or not isinstance(cols, dict):
            raise InputError(f"{path}：表中没有「{rtext}」这一行")
        for ctext, value in cols.items():
            c = _lookup(cix, str(ctext))
            if c is None:
                raise InputError(f"{path}：「{rtext}」没有「{ctext}」这一列")
            cells.setdefault(r, {})[c] = _cell(spec, r, c, value, path)
    return _finish(spec, cells, path)


# --- section texts ---------------------------------------------------------------------------

_HEADING_MARKS = re.compile(r"^\s{0,3}#{1,6}\s*")


def _section_of_heading(line: str) -> str | None:
    text = normalise(_HEADING_MARKS.sub("", line))
    for s in SECTIONS:
        if text in {normalise(t) for t in (s.canonical, *s.titles)} or text == normalise(s.number + "、" + s.title):
            return s.key
    return None


def read_sections(path: str | Path) -> dict[str, str]:
    """Section texts from a folder of Markdown files (named ``overview.md``, ``一.md``,
    ``1.md`` or ``1-总体情况.md``) or one Markdown file with the six headings."""
    p = Path(path)
    if p.is_dir():
        out: dict[str, str] = {}
        for f in sorted(p.iterdir()):
            if f.suffix.lower() not in (".md", ".markdown", ".txt"):
                continue
            key = _section_of_file(f.stem)
            if key is None:
                raise InputError(f"{f}：无法从文件名判断是哪一部分（应为 overview.md、一.md 或 1-总体情况.md）")
            # a file may open with its section's heading: the heading is not the text
            text = f.read_text(encoding="utf-8-sig")
            out[key] = _body("\n".join(ln for ln in text.splitlines() if _section_of_heading(ln) != key))
        return out
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise InputError(f"{path}：无法读取（{e.strerror or e}）") from None
    out = {}
    current: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        key = _section_of_heading(line) if line.strip() else None
        if key is not None:
            if current is not None:
                out[current] = _body("\n".join(lines))
            current, lines = key, []
        elif current is not None:
            lines.append(line)
    if current is not None:
        out[current] = _body("\n".join(lines))
    if not out:
        raise InputError(f"{path}：没有找到六个部分的标题（如「## 一、总体情况」）")
    return out


def _section_of_file(stem: str) -> str | None:
    s = stem.strip()
    for i, spec in enumerate(SECTIONS, start=1):
        head = re.split(r"[-_、.\s]", s, maxsplit=1)[0]
        if s == spec.key or head in (spec.number, str(i), f"{i:02d}") or normalise(s) == normalise(spec.title):
            return spec.key
    return None


def _body(text: str) -> str:
    """Markdown paragraphs → one line each (the report model's section text)."""
    paras: list[str] = []
    current: list[str] = []
    for line in text.splitlines():
        line = _HEADING_MARKS.sub("", line).strip()
        if not line:
            if current:
                paras.append("".join(current))
                current = []
            continue
        current.append(line)
    if current:
        paras.append("".join(current))
    return "\n".join(paras)
