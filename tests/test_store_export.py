"""Exports: wide CSV (one row per report, canonical keys), and XLSX, Parquet, JSON with the same data."""

from __future__ import annotations

import csv
import json
import math

import pytest

from conftest import CORPUS, SEEDS
from gongkai.store import Store
from gongkai.store.export import cell_columns, export, wide_columns
from gongkai.store.ingest import ingest
from gongkai.store.queries import reports


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    if not CORPUS.is_dir():
        pytest.skip(f"shared documents not found at {CORPUS} (set GONGKAI_SHARED)")
    path = tmp_path_factory.mktemp("export") / "e.db"
    st = Store(f"sqlite:///{path}")
    ingest(st, [str(CORPUS), str(SEEDS)], workers=1)
    yield st
    st.close()


def norm(v):
    """One spelling per value, whatever the format's types (CSV has only text)."""
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        f = float(v)
        return "nan" if math.isnan(f) else repr(f)
    try:
        return repr(float(v))
    except ValueError:
        return str(v)


def read_csv(path):
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def canon(keys, rows):
    return [tuple(norm(r[k]) for k in keys) for r in rows]


def test_wide_exports_agree(store, tmp_path):
    with store.session() as s:
        n_reports = len(reports(s))
        for fmt in ("csv", "xlsx", "parquet", "json"):
            assert export(s, fmt, tmp_path / f"w.{fmt}") == n_reports
    keys = [c.key for c in wide_columns()]
    header, csv_rows = read_csv(tmp_path / "w.csv")
    assert header == keys
    assert len(csv_rows) == n_reports
    assert "applications.received.total" in header and "agency" in header and "findings_error" in header
    reference = canon(keys, csv_rows)

    data = json.loads((tmp_path / "w.json").read_text(encoding="utf-8"))
    assert canon(keys, data) == reference

    import pyarrow.parquet as pq

    table = pq.read_table(tmp_path / "w.parquet")
    assert table.column_names == keys
    assert canon(keys, table.to_pylist()) == reference

    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "w.xlsx", read_only=True)
    ws = wb["数据"]
    rows = list(ws.iter_rows(values_only=True))
    labels, xkeys = rows[0], rows[1]
    assert list(xkeys) == keys
    assert "表三·一、本年新收政府信息公开申请数量·总计" in labels and "机关" in labels
    # read-only openpyxl drops a row's trailing empty cells
    padded = [tuple(r) + (None,) * (len(keys) - len(r)) for r in rows[2:]]
    assert canon(keys, [dict(zip(keys, r, strict=True)) for r in padded]) == reference
    wb.close()

    # values are the cells: blank stays blank, numbers stay the document's
    by_source = {r["source"].rsplit("/", 1)[-1]: r for r in data}
    p21 = by_source["pingtan-2021.txt"]
    assert p21["applications.received.total"] == 70
    assert p21["year"] == 2021 and p21["agency"] == "平潭综合实验区"


def test_long_export_has_one_row_per_cell(store, tmp_path):
    with store.session() as s:
        n = export(s, "csv", tmp_path / "l.csv", shape="long")
        export(s, "json", tmp_path / "l.json", shape="long")
    header, rows = read_csv(tmp_path / "l.csv")
    assert len(rows) == n
    assert {"report_id", "key", "value", "raw", "blank"} <= set(header)
    data = json.loads((tmp_path / "l.json").read_text(encoding="utf-8"))
    assert canon(header, data) == canon(header, rows)
    keys = {c.key for c in cell_columns()}
    assert {r["key"] for r in data} <= keys
    assert any(r["key"] == "applications.received.total" and r["value"] == 70 for r in data)
