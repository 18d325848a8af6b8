"""A report to render: the ``gongkai.report/1`` JSON (as ``gongkai parse --json`` prints it) or
any document gongkai reads."""

from __future__ import annotations

import datetime as dt
import json
import os
from typing import Any

from gongkai.model.report import SCHEMA, Cell, Report, Source, SourceFile
from gongkai.model.template import SECTION_KEYS, TABLE_KEYS


class ReportSourceError(ValueError):
    """Bad input, with a message in Chinese that names the file."""


def _date(v: Any) -> dt.date | None:
    if not v:
        return None
    try:
        return dt.date.fromisoformat(str(v))
    except ValueError:
        return None


def report_from_json(obj: dict[str, Any], path: str = "report.json") -> Report:
    """The canonical report back from its JSON contract (values, blank/raw texts and
    uncertain cells when present; provenance when written with ``--provenance``)."""
    if not isinstance(obj, dict) or obj.get("schema") != SCHEMA:
        raise ReportSourceError(f'{path}：不是 {SCHEMA} 格式的报告 JSON（缺少 "schema": "{SCHEMA}"）')
    src = obj.get("source") or {}
    report = Report(
        SourceFile(src.get("path") or path, src.get("sha256") or "", src.get("format") or "json"),
        agency=obj.get("agency"),
        year=obj.get("year"),
        template=obj.get("template"),
        title=obj.get("title"),
        signed_on=_date(obj.get("signed_on")),
        published_on=_date(obj.get("published_on")),
    )
    sections = obj.get("sections") or {}
    report.sections = {k: sections.get(k) for k in SECTION_KEYS}
    for u in obj.get("uncertain") or []:
        if isinstance(u, dict) and u.get("where") == "agency":
            # the agency's doubt and every name the document gave, as ``uncertain`` writes them
            report.agency_uncertain = u.get("reason")
            report.agency_candidates = [
                (str(c.get("from")), str(c.get("name"))) for c in u.get("candidates") or [] if isinstance(c, dict)
            ]
    meta: dict[str, Any] = obj.get("cells") or {}
    units: dict[str, str] = obj.get("units") or {}
    tables = obj.get("tables") or {}
    for tkey in TABLE_KEYS:
        t = tables.get(tkey)
        if t is None:
            continue
        out: dict[str, dict[str, Cell] | None] = {}
        for rkey, row in t.items():
            if row is None:
                out[rkey] = None
                continue
            cells: dict[str, Cell] = {}
            for ckey, value in row.items():
                path_ = f"{tkey}.{rkey}.{ckey}"
                m = meta.get(path_) or {}
                source = Source(**m["source"]) if isinstance(m.get("source"), dict) else None
                if source is not None and source.bbox is not None:
                    source = Source(**{**m["source"], "bbox": tuple(m["source"]["bbox"])})
                cells[ckey] = Cell(
                    value,
                    raw=m.get("raw"),
                    blank=bool(m.get("blank")) if m else value is None,
                    unit=units.get(path_),
                    source=source,
                    confidence=float(m.get("confidence", 1.0)),
                )
            out[rkey] = cells
        report.tables[tkey] = out
    for u in obj.get("uncertain") or []:
        t, r, c = str(u.get("where", "")).split(".", 2) if str(u.get("where", "")).count(".") >= 2 else ("", "", "")
        cell = report.cell(t, r, c)
        if cell is None:
            continue
        cell.raw = u.get("raw", cell.raw)
        if "confidence" in u and "candidates" not in u:
            cell.unconfirmed = u.get("reason") or "未确认"
            cell.confidence = float(u["confidence"])
        else:
            cell.uncertain = u.get("reason") or "不确定"
            cell.candidates = tuple(u.get("candidates") or ())
    return report


def load_report(path: str) -> Report:
    """A report from ``path``: JSON of the contract, else any document gongkai reads (parsed
    and checked). Raises ``ReportSourceError`` or ``gongkai.readers.ReadError``."""
    if path.lower().endswith(".json"):
        try:
            with open(path, encoding="utf-8") as f:
                obj = json.load(f)
        except FileNotFoundError:
            raise ReportSourceError(f"{path}：文件不存在") from None
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            raise ReportSourceError(f"{path}：JSON 无法解析（{e}）") from None
        if isinstance(obj, list):
            if len(obj) != 1:
                raise ReportSourceError(f"{path}：包含 {len(obj)} 份报告，请每次渲染一份")
            obj = obj[0]
        return report_from_json(obj, os.path.basename(path))
    from gongkai.pipeline import parse_path

    return parse_path(path)
