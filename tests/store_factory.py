"""Reports built from the template declaration, for store tests (no parser needed)."""

from __future__ import annotations

import hashlib
import random

from gongkai.model.report import Cell, Finding, Report, Source, SourceFile
from gongkai.model.template import APPLICANT_PARTS, SECTION_KEYS, template_for_year


def make_report(
    agency: str,
    year: int,
    seed: int = 0,
    carried_over: dict[str, int] | None = None,
    overview: str | None = None,
    is_government: bool = False,
) -> Report:
    """A complete report whose table 3 balances; ``carried_over`` fixes that row per column."""
    rng = random.Random(f"{agency}/{year}/{seed}")
    tpl = template_for_year(year)
    assert tpl is not None
    tables: dict = {}
    for tkey, spec in tpl.tables.items():
        rows: dict = {}
        for r in spec.rows:
            rows[r.key] = {}
            for i, c in enumerate(spec.row_columns(r)):
                v: int | float = round(rng.uniform(0, 500), 2) if c.kind == "amount" else rng.randint(0, 9)
                rows[r.key][c.key] = Cell(v, raw=str(v), source=Source(line=10 + i))
        tables[tkey] = rows
    t3 = tables["applications"]
    outcome = [r.key for r in tpl.table("applications").rows][2:-2]
    for col in [*APPLICANT_PARTS]:
        co = (carried_over or {}).get(col, rng.randint(0, 3))
        t3["carried_over"][col] = Cell(co, raw=str(co))
        processed = sum(t3[r][col].value for r in outcome)
        t3["processed_total"][col] = Cell(processed, raw=str(processed))
        fwd = rng.randint(0, 3)
        t3["carried_forward"][col] = Cell(fwd, raw=str(fwd))
        rec = processed + fwd - co
        if rec < 0:
            t3["carried_forward"][col] = Cell(fwd - rec, raw=str(fwd - rec))
            rec = 0
        t3["received"][col] = Cell(rec, raw=str(rec))
    for row in t3.values():
        tot = sum(row[c].value for c in APPLICANT_PARTS)
        row["total"] = Cell(tot, raw=str(tot))
    for row in tables["appeals"].values():
        tot = sum(row[c].value for c in ("upheld", "corrected", "other", "pending"))
        row["total"] = Cell(tot, raw=str(tot))
    # a blank cell, kept apart from 0
    tables["appeals"]["litigation_after_review"]["other"] = Cell(None, raw="/", blank=True)
    text = overview or "".join(
        rng.choice("公开政府信息工作年度报告主动依申请复议诉讼平台建设监督保障") for _ in range(300)
    )
    sections = {k: f"{k}：{text}" for k in SECTION_KEYS}
    body = f"{agency}{year}{seed}{text}".encode()
    r = Report(
        source=SourceFile(f"{agency}-{year}-{seed}.txt", hashlib.sha256(body).hexdigest(), "text", len(body)),
        agency=agency,
        year=year,
        template=tpl.version,
        title=f"{agency}{year}年政府信息公开工作年度报告",
        sections=sections,
        tables=tables,
        is_government=is_government,
    )
    r.extra_rows = {"active_disclosure": {"其他主动公开文件": [Cell(3, raw="3"), Cell(None, raw="—", blank=True)]}}
    r.findings = [Finding("blank_cells", "warning", "appeals.litigation_after_review", "表四有空白单元格")]
    return r


def forward_of(report: Report) -> dict[str, int]:
    """Last year's 结转下年度 per applicant column: this year's 上年结转 when they agree."""
    return {c: int(report.tables["applications"]["carried_forward"][c].value or 0) for c in APPLICANT_PARTS}
