"""Datasets from the store: wide (one row per report, one column per cell) or long (one row
per cell), as CSV, XLSX, Parquet or JSON. Every format carries the same values; column names
are the canonical keys (``applications.received.total``); the XLSX adds a row of Chinese labels.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongkai.model.template import SECTIONS, TABLE_KEYS, TEMPLATES, V2019, V2021
from gongkai.store.queries import Filters, _apply, reports_with_counts
from gongkai.store.schema import Agency, CellRow, ReportVersion, SourceFileRow

FORMATS = ("csv", "xlsx", "parquet", "json")
XLSX_MAX_ROWS = 1_000_000
"""Rows per sheet (Excel's limit is 1,048,576)."""
CHUNK = 500

Value = int | float | str | bool | None


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str
    """``int``, ``float``, ``str`` or ``bool``."""


META: tuple[Column, ...] = (
    Column("report_id", "报告编号", "int"),
    Column("agency", "机关", "str"),
    Column("agency_as_printed", "报告所署机关名称", "str"),
    Column("region", "地区", "str"),
    Column("level", "层级", "str"),
    Column("is_government", "是否人民政府", "bool"),
    Column("year", "年度", "int"),
    Column("template", "模板", "str"),
    Column("title", "标题", "str"),
    Column("signed_on", "落款日期", "str"),
    Column("published_on", "发布日期", "str"),
    Column("source", "来源", "str"),
    Column("sha256", "文件SHA256", "str"),
    Column("format", "文件格式", "str"),
    Column("parser_version", "解析器版本", "str"),
    Column("findings_error", "错误数", "int"),
    Column("findings_warning", "警告数", "int"),
    Column("findings_info", "提示数", "int"),
)
TABLE_NAMES = {"active_disclosure": "表二", "applications": "表三", "appeals": "表四"}
LONG: tuple[Column, ...] = (
    *META[:8],
    Column("key", "字段", "str"),
    Column("table", "表", "str"),
    Column("row", "行", "str"),
    Column("col", "列", "str"),
    Column("value", "数值", "float"),
    Column("raw", "原文", "str"),
    Column("blank", "空白", "bool"),
    Column("uncertain", "不确定原因", "str"),
    Column("confidence", "置信度", "float"),
)


def cell_columns() -> list[Column]:
    """One column per cell of either template, v2021's order first, then v2019's own cells."""
    seen: dict[str, Column] = {}
    for tkey in TABLE_KEYS:
        for tpl in (V2021, V2019):
            spec = tpl.table(tkey)
            for r in spec.rows:
                for c in spec.row_columns(r):
                    key = f"{tkey}.{r.key}.{c.key}"
                    if key not in seen:
                        label = f"{TABLE_NAMES[tkey]}·{r.numbering}{r.label}·{c.label}"
                        seen[key] = Column(key, label, "float" if c.kind == "amount" else "int")
    return list(seen.values())


def wide_columns() -> list[Column]:
    return [*META, *cell_columns()]


def _meta_query(f: Filters | None) -> Any:
    q = reports_with_counts(
        ReportVersion.id,
        Agency.name,
        ReportVersion.agency_name,
        Agency.region,
        Agency.level,
        Agency.is_government,
        ReportVersion.year,
        ReportVersion.template,
        ReportVersion.title,
        ReportVersion.signed_on,
        ReportVersion.published_on,
        SourceFileRow.location,
        SourceFileRow.sha256,
        SourceFileRow.format,
        ReportVersion.parser_version,
    )
    return _apply(q, f).order_by(Agency.name, ReportVersion.year, SourceFileRow.sha256)


def _meta_row(row: Any) -> dict[str, Value]:
    out: dict[str, Value] = {}
    for col, v in zip(META, row, strict=True):
        if col.key in ("signed_on", "published_on") and v is not None:
            v = v.isoformat()
        if col.key.startswith("findings_"):
            v = int(v or 0)
        if col.kind == "bool" and v is not None:
            v = bool(v)
        out[col.key] = v
    return out


def _num(value: float | None, is_int: bool) -> int | float | None:
    if value is None:
        return None
    return int(value) if is_int and float(value).is_integer() else value


def wide_rows(s: Session, f: Filters | None = None) -> Iterator[dict[str, Value]]:
    metas = [_meta_row(r) for r in s.execute(_meta_query(f))]
    cols = [c.key for c in cell_columns()]
    for start in range(0, len(metas), CHUNK):
        chunk = metas[start : start + CHUNK]
        ids = [m["report_id"] for m in chunk]
        cells: dict[int, dict[str, Value]] = defaultdict(dict)
        q = select(CellRow.report_id, CellRow.key, CellRow.value, CellRow.is_int).where(
            CellRow.report_id.in_(ids), CellRow.extra.is_(False)
        )
        for rid, key, value, is_int in s.execute(q):
            cells[rid][key] = _num(value, is_int)
        for m in chunk:
            got = cells.get(int(m["report_id"] or 0), {})
            yield {**m, **{k: got.get(k) for k in cols}}


def long_rows(s: Session, f: Filters | None = None) -> Iterator[dict[str, Value]]:
    metas = [_meta_row(r) for r in s.execute(_meta_query(f))]
    for start in range(0, len(metas), CHUNK):
        chunk = {m["report_id"]: m for m in metas[start : start + CHUNK]}
        q = (
            select(
                CellRow.report_id,
                CellRow.key,
                CellRow.table_key,
                CellRow.row_key,
                CellRow.col_key,
                CellRow.value,
                CellRow.is_int,
                CellRow.raw,
                CellRow.blank,
                CellRow.uncertain,
                CellRow.confidence,
            )
            .where(CellRow.report_id.in_(list(chunk)), CellRow.extra.is_(False))
            .order_by(CellRow.report_id, CellRow.id)
        )
        by_report: dict[int, list[Any]] = defaultdict(list)
        for row in s.execute(q):
            by_report[row[0]].append(row)
        for rid, m in chunk.items():
            for _, key, t, r, c, value, is_int, raw, blank, unc, conf in by_report.get(int(rid or 0), []):
                base = {k.key: m[k.key] for k in LONG[:8]}
                yield {
                    **base,
                    "key": key,
                    "table": t,
                    "row": r,
                    "col": c,
                    "value": _num(value, is_int),
                    "raw": raw,
                    "blank": bool(blank),
                    "uncertain": unc,
                    "confidence": conf,
                }


# --- writers --------------------------------------------------------------------------------


def _csv_value(v: Value) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def write_csv(path: Path, columns: list[Column], rows: Iterator[dict[str, Value]]) -> int:
    n = 0
    # BOM: Excel and WPS open UTF-8 CSV with Chinese text correctly only with it
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([c.key for c in columns])
        for row in rows:
            w.writerow([_csv_value(row[c.key]) for c in columns])
            n += 1
    return n


def write_json(path: Path, columns: list[Column], rows: Iterator[dict[str, Value]]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("[")
        for row in rows:
            fh.write(",\n" if n else "\n")
            fh.write(json.dumps({c.key: row[c.key] for c in columns}, ensure_ascii=False))
            n += 1
        fh.write("\n]\n")
    return n


def _xlsx_value(v: Value) -> Value:
    if isinstance(v, str):
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        return ILLEGAL_CHARACTERS_RE.sub("", v)
    return v


def write_xlsx(path: Path, columns: list[Column], rows: Iterator[dict[str, Value]]) -> int:
    """Row 1: Chinese labels, row 2: canonical keys, then the data; a new sheet past Excel's limit."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    n = 0
    ws = None
    in_sheet = 0
    for row in rows:
        if ws is None or in_sheet >= XLSX_MAX_ROWS:
            ws = wb.create_sheet("数据" if ws is None else f"数据{n // XLSX_MAX_ROWS + 1}")
            ws.freeze_panes = "A3"
            labels = []
            for c in columns:
                cell = WriteOnlyCell(ws, value=c.label)
                cell.font = bold
                labels.append(cell)
            ws.append(labels)
            ws.append([c.key for c in columns])
            in_sheet = 0
        ws.append([_xlsx_value(row[c.key]) for c in columns])
        in_sheet += 1
        n += 1
    if ws is None:
        ws = wb.create_sheet("数据")
        ws.append([c.label for c in columns])
        ws.append([c.key for c in columns])
    wb.save(path)
    return n


def _arrow_type(kind: str) -> Any:
    import pyarrow as pa

    return {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "str": pa.string()}[kind]


def write_parquet(path: Path, columns: list[Column], rows: Iterator[dict[str, Value]]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    data: dict[str, list[Value]] = {c.key: [] for c in columns}
    n = 0
    for row in rows:
        for c in columns:
            data[c.key].append(row[c.key])
        n += 1
    fields, arrays = [], []
    for c in columns:
        values = data[c.key]
        kind = c.kind
        if kind == "int" and any(isinstance(v, float) for v in values):
            kind = "float"  # a count read as a decimal is kept as read
        if kind == "float":
            values = [float(v) if v is not None else None for v in values]  # type: ignore[arg-type]
        fields.append(pa.field(c.key, _arrow_type(kind), metadata={"label": c.label}))
        arrays.append(pa.array(values, type=_arrow_type(kind)))
    pq.write_table(pa.Table.from_arrays(arrays, schema=pa.schema(fields)), path)
    return n


WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "parquet": write_parquet, "json": write_json}


def export(s: Session, fmt: str, path: str | Path, shape: str = "wide", f: Filters | None = None) -> int:
    """Write the dataset; returns the number of rows."""
    if fmt not in WRITERS:
        raise ValueError(f"不支持的导出格式：{fmt}（可选 {'、'.join(FORMATS)}）")
    if shape == "wide":
        return WRITERS[fmt](Path(path), wide_columns(), wide_rows(s, f))
    if shape == "long":
        return WRITERS[fmt](Path(path), list(LONG), long_rows(s, f))
    raise ValueError(f"未知的数据形态：{shape}（wide 或 long）")


__all__ = ["FORMATS", "SECTIONS", "TEMPLATES", "export", "wide_columns"]
