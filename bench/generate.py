"""Generate a collection of annual reports (text and HTML, plus deliberately broken files) from the
template declaration, for the ingest benchmark. Agencies are counties with their governments and
departments; each reports every year, and this year's 上年结转 is last year's 结转下年度.

    python bench/generate.py OUT_DIR [--reports 10000] [--seed 1]
"""

from __future__ import annotations

import argparse
import html
import random
from dataclasses import dataclass
from pathlib import Path

try:
    from gongkai.testing.corpus import make_document as _make_document
except ImportError:  # an older gongkai without the testing generator: text and HTML only
    _make_document = None  # type: ignore[assignment]
from gongkai.model.template import APPLICANT_PARTS, SECTIONS, TableSpec, Template, template_for_year

YEARS = tuple(range(2019, 2025))
DEPARTMENTS = ("教育和体育局", "司法局", "财政局", "自然资源局", "卫生健康局", "市场监督管理局", "行政审批服务局")
COUNTY_CHARS = "安平宁泰和丰兴昌盛德清江山河源阳城东西南北新永福康"
T3_MARK, T4_MARK = "@table3", "@table4"
MIXED_EVERY = 10
"""One file in this many is a Markdown, cell-per-line, flat, PDF-text or DOCX rendering."""
MIXED_FORMATS = ("markdown", "cells", "flat", "pdftext", "docx")
BROKEN_EVERY = 97
"""One file in this many is broken on purpose."""
PROSE = (
    "坚持以公开为常态、不公开为例外，围绕中心工作深化政务公开，",
    "及时发布政策文件和解读材料，回应社会关切，",
    "规范依申请公开办理流程，严格落实登记、审核、答复各环节要求，",
    "加强政府网站和政务新媒体管理，提升平台服务能力，",
    "健全监督考核机制，将政务公开纳入年度绩效考核。",
)


@dataclass
class Agency:
    name: str
    government: bool


def agencies(n: int, rng: random.Random) -> list[Agency]:
    out: list[Agency] = []
    i = 0
    while len(out) < n:
        # distinct names: the i-th combination of three characters
        a, b, c = i % len(COUNTY_CHARS), i // len(COUNTY_CHARS) % len(COUNTY_CHARS), i // len(COUNTY_CHARS) ** 2
        county = COUNTY_CHARS[a] + COUNTY_CHARS[b] + COUNTY_CHARS[c % len(COUNTY_CHARS)] + "县"
        i += 1
        out.append(Agency(f"{county}人民政府", True))
        out.extend(Agency(county + d, False) for d in DEPARTMENTS)
    return out[:n]


def _t3(tpl: Template, rng: random.Random, carried_over: dict[str, int]) -> dict[str, dict[str, int]]:
    spec = tpl.table("applications")
    keys = [r.key for r in spec.rows]
    outcome = keys[keys.index("disclosed") : keys.index("processed_total")]
    t: dict[str, dict[str, int]] = {k: {} for k in keys}
    for col in APPLICANT_PARTS:
        big = col == "natural_person"
        for r in outcome:
            t[r][col] = (
                rng.randint(0, 30) if big and rng.random() < 0.5 else (rng.randint(0, 2) if rng.random() < 0.2 else 0)
            )
        processed = sum(t[r][col] for r in outcome)
        fwd = rng.randint(0, 3) if big else 0
        co = carried_over.get(col, 0)
        received = processed + fwd - co
        if received < 0:
            fwd -= received
            received = 0
        t["received"][col], t["carried_over"][col] = received, co
        t["processed_total"][col], t["carried_forward"][col] = processed, fwd
    for r in keys:
        t[r]["total"] = sum(t[r][c] for c in APPLICANT_PARTS)
    return t


def _t2(spec: TableSpec, rng: random.Random) -> dict[str, dict[str, int | float]]:
    out: dict[str, dict[str, int | float]] = {}
    for r in spec.rows:
        out[r.key] = {}
        for c in spec.row_columns(r):
            if c.kind == "amount":
                out[r.key][c.key] = round(rng.uniform(0, 900), 2)
            elif c.kind == "signed":
                out[r.key][c.key] = rng.randint(-5, 5)
            else:
                out[r.key][c.key] = rng.randint(0, 60)
    return out


def _t4(rng: random.Random) -> list[int]:
    row: list[int] = []
    for _ in range(3):
        parts = [rng.randint(0, 2) if rng.random() < 0.3 else 0 for _ in range(4)]
        row += [*parts, sum(parts)]
    return row


def _fmt(v: int | float, kind: str) -> str:
    if kind == "signed" and isinstance(v, int) and v > 0:
        return f"增{v}"
    if kind == "signed" and isinstance(v, int) and v < 0:
        return f"减{-v}"
    return str(v)


def _rows(tpl: Template, t2: dict, t3: dict, t4: list[int]) -> list[tuple[str, list[str]]]:  # type: ignore[type-arg]
    """(caption or label, cells) lines of tables 2–4, as a report prints them."""
    lines: list[tuple[str, list[str]]] = []
    spec2 = tpl.table("active_disclosure")
    caption = None
    for r in spec2.rows:
        cols = spec2.row_columns(r)
        if r.caption != caption:
            caption = r.caption
            lines.append((caption or "", []))
            lines.append(("信息内容", [c.label for c in cols]))
        lines.append((r.label, [_fmt(t2[r.key][c.key], c.kind) for c in cols]))
    lines.append((T3_MARK, []))
    lines.append(("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", ["申请人情况"]))
    lines.append(("", ["自然人", "法人或其他组织", "", "", "", "", "总计"]))
    lines.append(("", ["", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]))
    spec3 = tpl.table("applications")
    for r in spec3.rows:
        label = f"{r.group or ''}{r.numbering}{r.label}"
        lines.append((label, [str(t3[r.key][c.key]) for c in spec3.columns]))
    lines.append((T4_MARK, []))
    lines.append(("行政复议", ["", "", "", "", "行政诉讼"]))
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    lines.append(("", [*heads, "未经复议直接起诉", "", "", "", "", "复议后起诉"]))
    lines.append(("", ["", "", "", "", "", *heads, *heads]))
    lines.append(("", [str(v) for v in t4]))
    return lines


def render(
    agency: Agency, year: int, rng: random.Random, carried_over: dict[str, int], in_force: dict[str, int], fmt: str
) -> tuple[str, dict]:  # type: ignore[type-arg]
    tpl = template_for_year(year)
    assert tpl is not None
    t2 = _t2(tpl.table("active_disclosure"), rng)
    for row, before in in_force.items():
        # 现行有效件数 continues last year's: in force + issued − repealed
        if row in t2 and "in_force" in t2[row]:
            t2[row]["repealed"] = min(int(t2[row]["repealed"]), before + int(t2[row]["issued"]))
            t2[row]["in_force"] = before + int(t2[row]["issued"]) - int(t2[row]["repealed"])
    t3 = _t3(tpl, rng, carried_over)
    t4 = _t4(rng)
    title = f"{agency.name}{year}年政府信息公开工作年度报告"
    intro = f"本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。如对本报告有疑问，请与{agency.name}联系。"
    prose = {s.key: "".join(rng.sample(PROSE, 3)) for s in SECTIONS}
    received = t3["received"]["total"]
    prose["overview"] = f"{year}年，{agency.name}" + prose["overview"] + f"全年共收到政府信息公开申请{received}件。"
    prose["problems"] = "存在的主要问题：公开内容不够全面。改进情况：下一步将" + prose["problems"]
    prose["other_matters"] = f"{year}年，本机关未收取信息处理费。" + prose["other_matters"]
    signed = f"{agency.name}\n{year + 1}年1月{rng.randint(5, 28)}日"
    table_lines = _rows(tpl, t2, t3, t4)
    first_table = {"active_disclosure", "applications", "appeals"}
    if fmt == "html":
        body = [f"<h1>{html.escape(title)}</h1>", f"<p>{html.escape(intro)}</p>"]
        for s in SECTIONS:
            body.append(f"<h2>{s.canonical}</h2>")
            if s.key != "appeals" and s.key != "applications":
                body.append(f"<p>{html.escape(prose[s.key])}</p>")
            if s.key in first_table:
                chunk = _section_rows(table_lines, s.key)
                body.append("<table border='1'>")
                for label, cells in chunk:
                    tds = "".join(f"<td>{html.escape(c)}</td>" for c in [label, *cells])
                    body.append(f"<tr>{tds}</tr>")
                body.append("</table>")
        body.append(f"<p>{html.escape(signed).replace(chr(10), '<br>')}</p>")
        text = (
            f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
            f"<body>{''.join(body)}</body></html>"
        )
    else:
        out = [title, "", intro, ""]
        for s in SECTIONS:
            out.append(s.canonical)
            if s.key in first_table:
                out.extend("\t".join([label, *cells]) for label, cells in _section_rows(table_lines, s.key))
            if s.key not in ("applications", "appeals"):
                out.append(prose[s.key])
            out.append("")
        out.append(signed)
        text = "\n".join(out) + "\n"
    return text, {"t2": t2, "t3": t3}


def _section_rows(lines: list[tuple[str, list[str]]], key: str) -> list[tuple[str, list[str]]]:
    i3 = next(i for i, (label, _) in enumerate(lines) if label == T3_MARK)
    i4 = next(i for i, (label, _) in enumerate(lines) if label == T4_MARK)
    if key == "active_disclosure":
        return lines[:i3]
    if key == "applications":
        return lines[i3 + 1 : i4]
    return lines[i4 + 1 :]


BROKEN: tuple[tuple[str, bytes], ...] = (
    (".pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%EOF truncated"),
    (".txt", b""),
    (".docx", b"PK\x03\x04 this is not a docx"),
    (".html", "<html><body><p>页面不存在</p></body></html>".encode()),
    (".txt", bytes(range(256)) * 8),
)


def write_collection(root: Path, n_reports: int, seed: int = 1) -> dict[str, int]:
    """Write about ``n_reports`` files under ``root``; returns counts by kind."""
    rng = random.Random(seed)
    per_agency = len(YEARS)
    ags = agencies(-(-n_reports // per_agency), rng)
    counts: dict[str, int] = {"text": 0, "html": 0, "broken": 0}
    written = 0
    for a_i, agency in enumerate(ags):
        folder = root / f"{a_i // 100:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        carried: dict[str, int] = {}
        in_force: dict[str, int] = {}
        for year in YEARS:
            if written >= n_reports:
                return counts
            written += 1
            stem = folder / f"{a_i:05d}-{year}"
            if written % BROKEN_EVERY == 0:
                ext, data = BROKEN[written // BROKEN_EVERY % len(BROKEN)]
                stem.with_suffix(ext).write_bytes(data)
                counts["broken"] += 1
                carried, in_force = {}, {}
                continue
            if written % MIXED_EVERY == 0 and _make_document is not None:
                # other formats, from the project's own generator (its agencies stand alone)
                fmt = MIXED_FORMATS[written // MIXED_EVERY % len(MIXED_FORMATS)]
                doc = _make_document(seed * 1_000_000 + written, fmt)
                stem.with_name(f"{stem.name}-{doc.name}").write_bytes(doc.data)
                counts[fmt] = counts.get(fmt, 0) + 1
                carried, in_force = {}, {}
                continue
            fmt = "html" if written % 2 else "text"
            text, values = render(agency, year, rng, carried, in_force, fmt)
            carried = {c: values["t3"]["carried_forward"][c] for c in APPLICANT_PARTS}
            in_force = {r: int(v["in_force"]) for r, v in values["t2"].items() if "in_force" in v}
            stem.with_suffix(".html" if fmt == "html" else ".txt").write_text(text, encoding="utf-8")
            counts[fmt] += 1
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description="生成用于入库测速的年度报告集合")
    ap.add_argument("out", type=Path)
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    print(write_collection(args.out, args.reports, args.seed))


if __name__ == "__main__":
    main()
