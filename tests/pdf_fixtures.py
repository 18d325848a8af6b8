"""Fixtures made the way agencies make them: a consistent random Report → DOCX (official
table layout) → LibreOffice PDF → (optionally) a rasterised, slightly rotated, blurred,
noisy scan. Used by the PDF tests and by bench/pdf_roundtrip.py and bench/pdf_speed.py.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
import tempfile
from pathlib import Path

from gongkai.model.report import Cell, Report, SourceFile
from gongkai.model.template import APPLICANT_PARTS, SECTIONS, TEMPLATES, Template, outcome_rows
from gongkai.render.docx import render_docx

PLACES = ("临沂市", "沂源县", "淮安市", "平潭县", "洪泽区", "兰陵县", "费县", "莒南县", "蒙阴县", "沂水县")
BODIES = ("人民政府", "教育局", "财政局", "自然资源和规划局", "行政审批服务局", "卫生健康委员会", "市场监督管理局")
SOFFICE_TIMEOUT_S = 180


def _count(rng: random.Random, big: bool = False) -> int:
    x = rng.random()
    if x < 0.45:
        return 0
    if x < 0.85:
        return rng.randint(1, 30)
    return rng.randint(31, 9999 if big else 999)


def random_report(seed: int, template: str | None = None) -> Report:
    """A report whose tables satisfy every identity of its template."""
    rng = random.Random(seed)
    tkey = template or rng.choice(("v2019", "v2021"))
    tpl = TEMPLATES[tkey]
    year = rng.choice((2019, 2020)) if tkey == "v2019" else rng.randint(2021, 2024)
    agency = rng.choice(PLACES) + rng.choice(BODIES)
    r = Report(SourceFile(f"synthetic-{seed}", "", "synthetic"), agency=agency, year=year, template=tkey)
    r.title = f"{agency}{year}年政府信息公开工作年度报告"
    r.signed_on = dt.date(year + 1, 1, rng.randint(5, 28))
    r.tables["active_disclosure"] = _active(rng, tpl)
    r.tables["applications"] = _applications(rng, tpl)
    r.tables["appeals"] = _appeals(rng, tpl)
    received = r.value("applications", "received", "total")
    r.notes = [
        f"本报告根据《中华人民共和国政府信息公开条例》编制。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    ]
    texts = {
        "overview": f"{year}年，{agency}认真贯彻落实《中华人民共和国政府信息公开条例》，全面推进政务公开工作。",
        "active_disclosure": "",
        "applications": f"本年度共收到政府信息公开申请{received}件。",
        "appeals": "",
        "problems": "一是公开内容不够全面；二是解读形式较为单一。下一步将加强培训，提升公开质量。",
        "other_matters": f"{year}年，本机关未收取政府信息公开信息处理费。",
    }
    r.sections = {s.key: texts[s.key] for s in SECTIONS}
    return r


def _active(rng: random.Random, tpl: Template) -> dict[str, dict[str, Cell] | None]:
    spec = tpl.table("active_disclosure")
    out: dict[str, dict[str, Cell] | None] = {}
    for row in spec.rows:
        cells: dict[str, Cell] = {}
        for col in spec.row_columns(row):
            if col.kind == "amount":
                cents = rng.choice((0, rng.randint(1, 999999), rng.randint(1, 99999999)))
                cells[col.key] = Cell(round(cents / 100, 2))
            elif col.kind == "signed":
                cells[col.key] = Cell(rng.randint(-50, 50))
            else:
                cells[col.key] = Cell(_count(rng, big=True))
        out[row.key] = cells
    return out


def _applications(rng: random.Random, tpl: Template) -> dict[str, dict[str, Cell] | None]:
    spec = tpl.table("applications")
    outcomes = outcome_rows(spec)
    values: dict[str, dict[str, int]] = {row.key: {} for row in spec.rows}
    for part in APPLICANT_PARTS:
        big = part == "natural_person"
        for key in outcomes:
            values[key][part] = _count(rng, big) if rng.random() < 0.7 else 0
        processed = sum(values[k][part] for k in outcomes)
        values["processed_total"][part] = processed
        forward = _count(rng) if rng.random() < 0.3 else 0
        values["carried_forward"][part] = forward
        carried = rng.randint(0, processed + forward) if rng.random() < 0.3 else 0
        values["carried_over"][part] = carried
        values["received"][part] = processed + forward - carried
    for row in spec.rows:
        values[row.key]["total"] = sum(values[row.key][p] for p in APPLICANT_PARTS)
    return {k: {c: Cell(v) for c, v in cols.items()} for k, cols in values.items()}


def _appeals(rng: random.Random, tpl: Template) -> dict[str, dict[str, Cell] | None]:
    spec = tpl.table("appeals")
    out: dict[str, dict[str, Cell] | None] = {}
    for row in spec.rows:
        parts = {c.key: _count(rng) for c in spec.columns if c.key != "total"}
        out[row.key] = {**{k: Cell(v) for k, v in parts.items()}, "total": Cell(sum(parts.values()))}
    return out


# --- LibreOffice and rasterising --------------------------------------------------------


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(docx_paths: list[Path], out_dir: Path) -> list[Path]:
    """Convert with one LibreOffice process (its start-up dominates)."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice (soffice) not installed")
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        subprocess.run(
            [
                exe,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                *map(str, docx_paths),
            ],
            check=True,
            capture_output=True,
            timeout=SOFFICE_TIMEOUT_S + 5 * len(docx_paths),
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return [out_dir / (p.stem + ".pdf") for p in docx_paths]


def make_pdfs(seeds: list[int], out_dir: Path, templates: list[str] | None = None) -> list[tuple[Report, Path]]:
    out_dir.mkdir(parents=True, exist_ok=True)
    reports = [random_report(s, templates[i % len(templates)] if templates else None) for i, s in enumerate(seeds)]
    docx_paths = []
    for seed, rep in zip(seeds, reports, strict=True):
        p = out_dir / f"report-{seed}.docx"
        render_docx(rep, str(p), repeat_headers=seed % 2 == 1)
        docx_paths.append(p)
    pdfs = docx_to_pdf(docx_paths, out_dir)
    return list(zip(reports, pdfs, strict=True))


def rasterise(pdf: Path, out_tif: Path, dpi: int, seed: int) -> Path:
    """A scan of the printed PDF: grey pages at ``dpi`` with a small rotation, blur and
    noise, saved as a multi-page TIFF and as an image-only PDF beside it."""
    import cv2
    import numpy as np
    import pypdfium2 as pdfium

    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(str(pdf))
    pages = []
    for i in range(len(doc)):
        img = doc[i].render(scale=dpi / 72, grayscale=True).to_numpy()
        if img.ndim == 3:
            img = img[:, :, 0]
        h, w = img.shape
        angle = float(rng.uniform(-0.6, 0.6))
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        img = cv2.warpAffine(img, m, (w, h), borderValue=255, flags=cv2.INTER_LINEAR)
        img = cv2.GaussianBlur(img, (3, 3), 0.6)
        noise = rng.normal(0, 6, img.shape)
        img = np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8)
        pages.append(img)
    ok, buf = cv2.imencodemulti(".tiff", pages) if hasattr(cv2, "imencodemulti") else (False, None)
    if ok:
        out_tif.write_bytes(buf.tobytes())
    else:
        cv2.imwritemulti(str(out_tif), pages)
    _images_to_pdf(pages, out_tif.with_suffix(".pdf"), dpi)
    return out_tif


def _images_to_pdf(pages: list[object], out: Path, dpi: int) -> None:
    import cv2
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    tmps = []
    for i, img in enumerate(pages):
        h, w = img.shape  # type: ignore[attr-defined]
        page = pdf.new_page(w * 72 / dpi, h * 72 / dpi)
        tmp = out.with_suffix(f".{i}.jpg")
        cv2.imwrite(str(tmp), img, [cv2.IMWRITE_JPEG_QUALITY, 85])
        tmps.append(tmp)
        obj = pdfium.PdfImage.new(pdf)
        obj.load_jpeg(str(tmp), inline=False)
        obj.set_matrix(pdfium.PdfMatrix().scale(w * 72 / dpi, h * 72 / dpi))
        page.insert_obj(obj)
        page.gen_content()
    pdf.save(str(out))
    pdf.close()
    for t in tmps:
        os.unlink(t)


# --- comparing a read Document with the report it was made from ----------------------------


def expected_cells(report: Report) -> dict[str, dict[tuple[int, int], str]]:
    """Per table key: grid position → the text the renderer printed there."""
    from gongkai.render.layout import placed, table_layout

    tpl = TEMPLATES[report.template or "v2021"]
    out: dict[str, dict[tuple[int, int], str]] = {}
    for key, table in report.tables.items():
        if table is None:
            continue
        cells = placed(table_layout(tpl, key, table))
        out[key] = {(p.row, p.col): p.cell.text for p in cells if p.cell.kind == "value"}
    return out


def compare_grids(report: Report, grids: list[object]) -> tuple[int, list[str]]:
    """(cells compared, differences) between the report's tables and the grids read back,
    taking the grids in order as tables 2, 3 and 4."""
    from gongkai.readers.document import Grid

    expected = expected_cells(report)
    diffs: list[str] = []
    n = 0
    tables = [g for g in grids if isinstance(g, Grid)]
    for (key, cells), grid in zip(expected.items(), tables + [None] * 3, strict=False):
        for (r, c), want in cells.items():
            n += 1
            got = None
            if grid is not None and r < len(grid.rows) and c < len(grid.rows[r]):
                cell = grid.rows[r][c]
                got = cell.text if cell is not None else None
            if got != want:
                diffs.append(f"{key}[{r},{c}]: expected {want!r}, read {got!r}")
    return n, diffs
