"""Rendering in the official layout: round trips through gongkai's own readers, and the
structure of the PDF LibreOffice makes (labels present, nothing overflowing, table 3's header
repeated on each page it runs onto, no row cut by a page break), checked in the PDF and in
page images.

Hundreds of documents per format run in ``bench/render_roundtrip.py``; CI runs a sample.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from typer.testing import CliRunner

from gongkai.cli import _register, app
from gongkai.model.report import Report
from gongkai.pipeline import parse_path
from gongkai.render import render_file
from gongkai.render.docx import render_docx
from gongkai.render.layout import PAGE
from gongkai.render.pdf import docx_files_to_pdf
from gongkai.render.source import report_from_json
from gongkai.testing.generate import generate
from gongkai.testing.pdfcheck import page_png, png_column_rules, structure_problems, table3_pages, title_centred
from gongkai.testing.roundtrip import compare_reports, read_back

_register()
SHARED = Path(os.environ.get("GONGKAI_SHARED", Path(__file__).resolve().parents[2] / "shared"))
REAL = sorted(
    [p for p in (SHARED / "corpus").glob("*") if p.suffix in (".txt", ".pdf")]
    + sorted((SHARED / "seeds").glob("*.txt"))
)
SEEDS = {"md": range(0, 60), "html": range(100, 160), "docx": range(200, 220)}
"""About 140 generated reports (both templates, half with planted defects) in CI."""
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_generated_reports_read_back_identical(fmt: str) -> None:
    templates = set()
    for seed in SEEDS[fmt]:
        gen = generate(seed)
        templates.add(gen.report.template)
        rt = compare_reports(gen.report, read_back(gen.report, fmt))
        assert rt.identical, (seed, gen.defects, rt.differences[:5])
        assert rt.cells > 0 or gen.report.tables == {}
    assert templates == {"v2019", "v2021"}


@pytest.fixture(scope="module")
def real_reports() -> dict[str, Report]:
    if not REAL:
        pytest.skip(f"../shared/ not found ({SHARED}): the real documents are not here")
    return {p.name: parse_path(str(p)) for p in REAL}


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_real_documents_read_back_identical(real_reports: dict[str, Report], fmt: str) -> None:
    cells = 0
    for name, r in real_reports.items():
        rt = compare_reports(r, read_back(r, fmt))
        assert rt.identical, (name, rt.differences[:5])
        cells += rt.cells
    assert len(real_reports) >= 13 and cells > 2000


def test_json_contract_loads_back(real_reports: dict[str, Report]) -> None:
    for name, r in real_reports.items():
        back = report_from_json(json.loads(json.dumps(r.to_json(provenance=True), ensure_ascii=False)))
        assert back.to_json(provenance=False)["tables"] == r.to_json(provenance=False)["tables"], name
        assert back.to_json(provenance=False)["uncertain"] == r.to_json(provenance=False)["uncertain"], name
        assert back.sections == r.sections


# --- PDF: one LibreOffice start for every document of the module ------------------------------


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Report, Path, Path]]:
    """name → (report, docx, pdf): generated reports of both templates (provinces: table 3
    runs over a page), two real documents, and the province's without repeated headers."""
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    d = tmp_path_factory.mktemp("pdf")
    reports: dict[str, Report] = {}
    for seed, tpl, level in ((5, "v2021", "province_gov"), (6, "v2019", "city_gov"), (9, "v2021", "county_dept")):
        reports[f"gen-{seed}"] = generate(seed, tpl, defects=(), level=level).report
    reports["gen-mixed"] = generate(31).report
    reports["gen-17"] = generate(
        17
    ).report  # table 3 breaks inside 三、本年度办理结果, whose label goes on over the page
    for name in ("huaian-city-gov-2024.pdf", "pingtan-2019.txt"):
        if (SHARED / "corpus" / name).exists():
            reports[name.split(".")[0]] = parse_path(str(SHARED / "corpus" / name))
    docx = {}
    for name, r in reports.items():
        docx[name] = d / f"{name}.docx"
        render_file(r, str(docx[name]), "docx")
    plain = d / "plain-5.docx"
    render_docx(reports["gen-5"], str(plain), repeat_headers=False, page=PAGE)
    docx["plain-5"], reports["plain-5"] = plain, reports["gen-5"]
    docx_files_to_pdf([str(p) for p in docx.values()], str(d))
    return {n: (reports[n], docx[n], docx[n].with_suffix(".pdf")) for n in docx}


@needs_soffice
def test_pdf_reads_back_identical(pdfs: dict[str, tuple[Report, Path, Path]]) -> None:
    from gongkai.pipeline import parse_path as parse

    for name, (report, _, pdf) in pdfs.items():
        rt = compare_reports(report, parse(str(pdf)), paragraphs=False)
        assert rt.identical, (name, rt.differences[:5])


@needs_soffice
def test_pdf_structure(pdfs: dict[str, tuple[Report, Path, Path]]) -> None:
    for name, (report, _, pdf) in pdfs.items():
        if name == "plain-5":
            continue
        assert structure_problems(report, pdf) == [], name
    # the province's table 3 runs onto a second page, which starts with the header again
    assert len(table3_pages(pdfs["gen-5"][2])) == 2
    # and the check sees labels that are not there (a v2019 report against a v2021 PDF)
    assert any("缺少「本年新制作数量」" in p for p in structure_problems(pdfs["gen-6"][0], pdfs["gen-5"][2]))


@needs_soffice
def test_pdf_structure_check_sees_a_header_not_repeated(pdfs: dict[str, tuple[Report, Path, Path]]) -> None:
    report, _, pdf = pdfs["plain-5"]
    assert len(table3_pages(pdf)) == 2
    assert any("没有重复表头" in p for p in structure_problems(report, pdf))


@needs_soffice
def test_page_images(pdfs: dict[str, tuple[Report, Path, Path]], tmp_path: Path) -> None:
    """Page 1 and the pages of table 3 as pdftoppm draws them (looked at by hand too)."""
    for name in ("gen-5", "gen-6"):
        _, _, pdf = pdfs[name]
        assert title_centred(page_png(pdf, 1, tmp_path / f"{name}-1.png"))
        counts = []
        for page in table3_pages(pdf):
            rules = png_column_rules(page_png(pdf, page, tmp_path / f"{name}-{page}.png"))
            counts.append(len(rules))
            # the seven number columns are ruled at equal steps (1.2 cm each)
            steps = [b - a for a, b in zip(rules[-8:], rules[-7:], strict=False)]
            assert len(steps) == 7 and max(steps) - min(steps) <= 3, (name, page, rules)
        # on the page holding most of table 3 all eleven column rules are drawn
        assert max(counts) == 11, (name, counts)


@needs_soffice
def test_docx_is_well_formed(pdfs: dict[str, tuple[Report, Path, Path]]) -> None:
    """What makes Word offer a repair: rows whose spans do not fill the grid, a vertical merge
    that continues nothing. And LibreOffice opened and printed each one."""
    for name, (_, docx, pdf) in pdfs.items():
        with zipfile.ZipFile(docx) as z:
            body = etree.fromstring(z.read("word/document.xml"))
        for tbl in body.iter(W + "tbl"):
            width = len(tbl.find(W + "tblGrid").findall(W + "gridCol"))
            open_cols: set[int] = set()
            for tr in tbl.findall(W + "tr"):
                col = 0
                for tc in tr.findall(W + "tc"):
                    pr = tc.find(W + "tcPr")
                    span_el = pr.find(W + "gridSpan") if pr is not None else None
                    span = int(span_el.get(W + "val")) if span_el is not None else 1
                    vm = pr.find(W + "vMerge") if pr is not None else None
                    if vm is not None and vm.get(W + "val", "continue") == "continue":
                        assert col in open_cols, (name, "vMerge continues nothing")
                    elif vm is not None:
                        open_cols.add(col)
                    else:
                        open_cols.discard(col)
                    col += span
                assert col == width, (name, col, width)
        assert pdf.exists() and pdf.stat().st_size > 10_000


def test_official_page_is_gbt9704() -> None:
    assert (PAGE.top_cm, PAGE.bottom_cm, PAGE.left_cm, PAGE.right_cm) == (3.7, 3.5, 2.8, 2.6)
    assert PAGE.text_width_cm == pytest.approx(15.6)


def test_render_cli(tmp_path: Path) -> None:
    runner = CliRunner()
    gen = generate(3)
    src = tmp_path / "r.json"
    src.write_text(json.dumps(gen.report.to_json(), ensure_ascii=False), encoding="utf-8")
    for fmt in ("md", "html", "docx"):
        out = tmp_path / f"r.{fmt}"
        res = runner.invoke(app, ["render", str(src), "-o", str(out)])
        assert res.exit_code == 0, res.output
        back = parse_path(str(out))
        assert back.to_json(provenance=False)["tables"] == gen.report.to_json(provenance=False)["tables"]
    res = runner.invoke(app, ["render", str(src), "-o", str(tmp_path / "r.xyz")])
    assert res.exit_code == 2 and "--format" in res.output
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    res = runner.invoke(app, ["render", str(bad), "-o", str(tmp_path / "x.md")])
    assert res.exit_code == 2 and "gongkai.report/1" in res.output and not (tmp_path / "x.md").exists()


def test_rectification_notice_is_set_as_an_official_document():
    """The notice: title in 小标宋 at 二号, parts numbered 一、二、 in 黑体 with their items
    numbered （一）（二）, the requirements last, issuer and date right-aligned."""
    import datetime as dt
    import io

    import docx

    from gongkai.analysis.issues import notice_paragraphs
    from gongkai.render.letter import notice_docx

    def row(severity: str, message: str) -> dict[str, object]:
        return {
            "agency": "沂源县司法局",
            "year": 2023,
            "title": "沂源县司法局2023年政府信息公开工作年度报告",
            "severity": severity,
            "message": message,
            "where": "表三",
            "comment": None,
        }

    rows = [row("error", f"表三第{i}行总计与各列之和不符") for i in range(1, 12)] + [row("warning", "正文未说明收费")]
    text = notice_paragraphs(rows, today=dt.date(2024, 3, 1))
    paras = docx.Document(io.BytesIO(notice_docx(text))).paragraphs
    lines = [p.text for p in paras]
    assert lines[0] == text["title"] and paras[0].runs[0].font.size.pt == 22
    headings = [p.text for p in paras if p.runs and p.runs[0].font.name == "黑体"]
    assert headings == ["一、需要更正的问题", "二、需要核实说明的问题", "三、整改要求"]
    assert any(t.startswith("（十一）2023年度报告：表三第11行") for t in lines)
    assert lines[-2:] == ["政务公开办公室", "2024年3月1日"] and paras[-1].alignment == 2  # right


@given(st.integers(min_value=0, max_value=9999))
def test_chinese_numerals_read_back(n):
    """What the notice and the generator write as a Chinese numeral (a notice's hundred-and-first
    item among them) is the number the reader takes it for."""
    from gongkai.model.text import chinese_number, chinese_numeral

    assert chinese_number(chinese_numeral(n)) == n


@pytest.mark.parametrize("seed", range(12))
def test_layout_width_is_the_expanded_grids(seed: int) -> None:
    from gongkai.model.template import TABLE_KEYS
    from gongkai.render.layout import expand, layout_width, table_layout

    report = generate(seed).report
    for key in TABLE_KEYS:
        table = report.tables.get(key)
        if table is None or report.spec is None:
            continue
        layout = table_layout(report.spec, key, table)
        assert layout_width(layout) == len(expand(layout)[0]) > 1
        assert all(lc.cell is report.cell(*lc.path.split(".")) for row in layout for lc in row if lc.path)


@pytest.mark.parametrize("seed", range(6))
def test_a_signature_run_into_the_last_sentence_is_printed_once(seed: int) -> None:
    """Web-page text runs the 落款 into the last line (``…隐私。白阳市自然资源局2026年1月7日``);
    the section keeps it there, so the rendered report must not add it again."""
    from gongkai.parse import parse_document
    from gongkai.readers import read_bytes
    from gongkai.render.layout import chinese_date
    from gongkai.render.text import render_markdown
    from gongkai.testing.corpus import make_document

    doc = make_document(seed, "flat", "none")
    report = parse_document(read_bytes(doc.name, doc.data))
    assert report.signed_on is not None
    assert render_markdown(report).count(chinese_date(report.signed_on)) == 1
